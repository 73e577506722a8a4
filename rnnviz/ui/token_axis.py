"""An axis that labels integer positions with tokens, thinning labels so they never overlap.

Used by the heatmap (time axis and unit axis), the unit line view and the class-probability view.
Labels are chosen for the *visible* range only, so a 20,000-token text creates a few dozen labels,
and zooming in reveals every token.
"""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFont, QFontMetrics, QPicture

from rnnviz.ui.item_cache import cache_while_still
from rnnviz.ui.static_text import draw_top_centred
from rnnviz.ui.theme import visible_token

#: never draw more than this many labels on one axis
MAX_LABELS = 60
#: space left between two typical labels when choosing the spacing, in pixels (the painter
#: lets a longer label come within half of it of its neighbour)
LABEL_GAP_PX = 10.0
_NICE = (1, 2, 5)
#: with at most this many steps visible, steps 3 and 4 are allowed too: a short text of words
#: fits every 3rd label where every 5th would leave two labels on the axis. Not on longer axes:
#: there a finer step means more labels to draw, and a new one more often while typing
SMALL_STEPS_UP_TO = 60


def nice_step(n_visible: int, max_labels: int) -> int:
    """Smallest step from 1, 2, 5, 10, 20, 50, ... (and 3, 4 for n_visible <= SMALL_STEPS_UP_TO)
    so that n_visible / step <= max_labels."""
    max_labels = max(1, int(max_labels))
    if n_visible <= max_labels:
        return 1
    raw = n_visible / max_labels
    mag = 10 ** int(math.floor(math.log10(raw)))
    small = mag == 1 and n_visible <= SMALL_STEPS_UP_TO
    for m in ((1, 2, 3, 4, 5) if small else _NICE) + (10,):
        if m * mag >= raw:
            return int(m * mag)
    return int(10 * mag)


def time_extent(n: int) -> int:
    """How many time steps wide the time axes are for a text of ``n`` steps: the smallest of
    8, 12, 16, 24, 32, 48, 64, 96, 128, 192, ... (2^k x 1 or 1.5) that is >= ``n``.

    Typing at the end then widens the axes once every 33-50% more tokens instead of on every
    key: the columns keep their place and width while you type, and a keystroke repaints the
    new column instead of every view (an axis range change re-lays out every label and image,
    about twice the work of a plain keystroke). At most a third of the axis is empty, to the
    right of the last token.
    """
    n = max(int(n), 1)
    if n <= 8:
        return 8
    base = 1 << ((n - 1).bit_length() - 1)  # largest power of two < n
    for m in (1.5, 2.0):
        if base * m >= n:
            return int(base * m)
    return 2 * base


_SHORT: dict[str, str] = {}


def short_label(tok: str, max_chars: int = 10) -> str:
    """A token made visible ('␣', '⏎') and shortened to ``max_chars`` characters with '…'."""
    if max_chars == 10:
        s = _SHORT.get(tok)
        if s is None:
            if len(_SHORT) > 50_000:
                _SHORT.clear()
            s = _SHORT[tok] = _short_label(tok, 10)
        return s
    return _short_label(tok, max_chars)


def _short_label(tok: str, max_chars: int) -> str:
    s = visible_token(tok)
    if not s:
        return "\u2205"
    return s if len(s) <= max_chars else s[: max_chars - 1] + "\u2026"


def kept_end(n: int, chunk: int) -> int:
    """The last multiple of ``chunk`` below ``n`` steps (0 for n <= chunk): views that repaint
    on every key keep the steps before it in a cached piece while typing at the end, and
    redraw only the (at most ``chunk``) steps after it."""
    return max(0, ((n - 1) // chunk) * chunk)


class _SharedLabels:
    """The labels of the last token list an axis was given: the other axes given the very same
    list (the heatmaps of one view) copy them instead of converting every token again."""

    tokens: list[str] | None = None
    labels: list[str] = []
    typical: tuple[str, float] | None = None  # (font key, 90th percentile label width in px)


_LAST = _SharedLabels()
#: font key -> label -> width in pixels (each distinct label is measured once)
_WIDTHS: dict[str, dict[str, int]] = {}
_MAX_WIDTHS = 50_000


def _width_cache(font: QFont) -> dict[str, int]:
    """The label -> pixel width cache of ``font`` (emptied when it grows past _MAX_WIDTHS)."""
    key = font.key()
    cache = _WIDTHS.get(key)
    if cache is None or len(cache) > _MAX_WIDTHS:
        cache = _WIDTHS[key] = {}
    return cache


def _label_width(widths: dict[str, int], fm: QFontMetrics, text: str) -> int:
    """The pixel width of ``text``, measured once per font (``widths``: its _width_cache)."""
    w = widths.get(text)
    if w is None:
        w = widths[text] = fm.horizontalAdvance(text)
    return w


def _first_tick(n: int, first: int, step: int) -> int:
    """The first index >= ``n`` of the ticks ``first``, ``first + step``, ..."""
    return first + max(0, -(-(n - first) // step)) * step


def typical_label_width(labels: list[str], font: QFont) -> float:
    """The 90th percentile of the pixel widths of ``labels`` in ``font`` (the widest of 10 or
    fewer): the spacing that fits most labels; the painter leaves out a wider one that would
    touch its neighbour."""
    cache, fm = _width_cache(font), QFontMetrics(font)
    widths = sorted(_label_width(cache, fm, s) for s in labels)
    return float(widths[min(len(widths) - 1, int(0.9 * len(widths)))]) if widths else 0.0

#: ``TokenAxis.picture`` after a direct paint (pyqtgraph resets ``picture`` to None to ask for a
#: new drawing; the labels-kept check in ``set_tokens`` reads it)
_DRAWN = QPicture()


class TokenAxis(pg.AxisItem):
    """Axis whose ticks sit at integer positions ``i + offset`` labelled with ``labels[i]``.

    ``offset`` is 0.5 for image pixels (centre of column i) and 0 for line plots (x = i).
    Without labels the ticks show the integer index (used for the unit axis of the heatmap).
    """

    def __init__(self, orientation: str, offset: float = 0.5, **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self.setFlag(self.GraphicsItemFlag.ItemUsesExtendedStyleOption)  # paint gets exposedRect
        self._labels: list[str] | None = None
        self._tokens: list[str] = []
        self._sample_n = 0
        self._count = 0
        self._offset = float(offset)
        self._label_px = 24.0
        self.last_ticks: list[float] = []
        self._last_spec: tuple[int, int, int] | None = None  # (step, first index, last index) drawn
        self.drawn_labels: list[tuple[float, str]] = []  # (x in the axis, label) of the last paint
        # we thin labels ourselves; let pyqtgraph draw all of them
        self.setStyle(textFillLimits=[(0, 0.98)], maxTickLevel=0, maxTextLevel=0)

    # -- data -------------------------------------------------------------------------------
    def set_count(self, n: int, reserve: str = "") -> None:
        """Index-only labels 0..n-1. ``reserve``: a label a side axis keeps room for even when
        its own labels are narrower (the heatmaps of a column then start at the same x
        whatever their number of units)."""
        if self._labels is None and self._count == int(n) and self.picture is not None:
            return  # unchanged: keep the cached picture
        self._labels = None
        self._tokens = []
        self._count = int(n)
        digits = self._text_width("0" * len(str(max(n - 1, 0))))
        self._label_px = 8.0 + digits
        if self.orientation in ("left", "right"):
            # reserve the text space up front so labels show on the very first paint
            text_px = max(digits, self._text_width(reserve)) if reserve else digits
            self.setStyle(tickTextWidth=int(text_px) + 4)
        self.picture = None
        self.update()

    def set_tokens(self, tokens: list[str], unchanged: int | None = None) -> None:
        """Token labels (made visible and shortened). ``unchanged``: the first ``unchanged``
        tokens equal those of the previous call (their labels are kept: typing costs O(new));
        None: found by comparing with the previous tokens."""
        was_labels = self._labels is not None
        old = self._labels if was_labels else []
        if unchanged is None:
            m = min(len(old), len(tokens))
            unchanged = m if self._tokens[:m] == list(tokens[:m]) else 0
        self._tokens = list(tokens)
        old_n = len(old)
        keep = max(0, min(int(unchanged), len(old), len(tokens)))
        if keep == len(old) == len(tokens) and was_labels:
            cache_while_still(self, changed=False)
            return  # same tokens: keep the cached picture
        shared = _LAST if _LAST.tokens is tokens else None  # the heatmaps of a view share ``tokens``
        if shared is not None:
            old[keep:] = shared.labels[keep:]
        else:
            del old[keep:]
            old.extend(short_label(t) for t in tokens[keep:])
            _LAST.tokens, _LAST.labels, _LAST.typical = tokens, list(old), None
        self._labels = old
        self._count = len(self._labels)
        label_px = self._label_px
        # the typical label width is estimated from the first 2000 labels, again when that
        # sample changed or grew by a tenth (not on every keystroke)
        n_sample = min(len(self._labels), 2000)
        if (keep < self._sample_n or n_sample > 1.1 * self._sample_n + 1) and n_sample:
            self._sample_n = n_sample
            font = self._font()
            typical = _LAST.typical if _LAST.tokens is tokens else None
            if typical is None or typical[0] != font.key():
                typical = (font.key(), typical_label_width(self._labels[:2000], font))
                if _LAST.tokens is tokens:
                    _LAST.typical = typical
            self._label_px = LABEL_GAP_PX + typical[1]
        if was_labels and label_px == self._label_px:
            if not self._ticks_touched(keep, max(old_n, self._count)):
                cache_while_still(self, changed=False)
                return  # no drawn label changed (typing between two labelled steps)
            added = self._added_labels_rect(old_n) if keep == old_n < self._count else None
            if added is not None:
                # typing at the end reached a labelled step: only the new label is drawn (in
                # the cached pixmap too, see QGraphicsItem.update(rect)); the others stay
                cache_while_still(self, changed=False)
                self.update(added)
                return
        # relabelled: drawn directly when this repeats on the next key (an edit at the start
        # relabels every time axis on every key; see cache_while_still)
        cache_while_still(self, changed=True)
        self.picture = None
        self.update()

    def _ticks_touched(self, start: int, stop: int) -> bool:
        """Whether a label drawn last time, or one that would now be drawn, lies in the token
        range [start, stop). True when nothing was drawn yet."""
        if self.picture is None or self._last_spec is None:
            return True
        step, first, last = self._last_spec
        lo, hi = max(start, first), min(stop - 1, last)
        if hi < lo:
            return False
        k = _first_tick(lo, first, step)
        return k <= hi

    def _added_labels_rect(self, start: int) -> QRectF | None:
        """The part of the axis (item coordinates) that the labels of tokens ``start`` .. end
        would take, from the left edge of the first to the axis' right end; None when the
        labels are not painted here or their spacing is not known from the last paint."""
        if not self._paints_tokens() or self.picture is None or self._last_spec is None:
            return None
        step, first, last = self._last_spec
        k = _first_tick(start, first, step)
        stop = min(self._count - 1, last)
        if k > stop:
            return None
        geometry = self._geometry()
        if geometry is None:
            return None
        bounds, lo, scale = geometry
        font = self._font()
        widths, fm = _width_cache(font), QFontMetrics(font)
        left = math.inf
        for i in range(k, stop + 1, step):
            w = _label_width(widths, fm, self._labels[i]) + 2  # as painted
            # (half a gap of margin: a glyph may reach a little left of its advance box)
            left = min(left, (i + self._offset - lo) * scale + bounds.left() - (w + LABEL_GAP_PX) / 2.0)
        box = self.boundingRect()  # with the tick marks, which may reach into the plot
        left = max(left, box.left())
        return QRectF(left, box.top(), box.right() - left, box.height())

    def _paints_tokens(self) -> bool:
        """Whether :meth:`paint` draws the token labels itself (not pyqtgraph's drawing)."""
        return self.orientation == "bottom" and self._labels is not None and self._tickLevels is None \
            and bool(self.style["showValues"])

    def count(self) -> int:
        return self._count

    def _font(self) -> QFont:
        """The font of the tick labels."""
        return self.style.get("tickFont") or QFont()

    def _geometry(self) -> tuple[QRectF, float, float] | None:
        """(the axis' rectangle in item coordinates, the first value shown, pixels per step);
        None while the axis has no width or range."""
        bounds = self.mapRectFromParent(self.geometry())
        lo, hi = self.range
        if hi == lo or bounds.width() <= 0:
            return None
        return bounds, lo, bounds.width() / (hi - lo)

    def _text_width(self, s: str) -> float:
        font = self._font()
        return float(QFontMetrics(font).horizontalAdvance(s))

    # -- tick selection ---------------------------------------------------------------------
    def max_labels_for(self, size_px: float) -> int:
        """How many labels fit in ``size_px`` pixels along the axis (capped at MAX_LABELS)."""
        if self.orientation in ("left", "right"):
            font = self._font()
            per = 1.6 * QFontMetrics(font).height()
        else:
            per = self._label_px
        return max(1, min(MAX_LABELS, int(size_px / per)))

    def token_ticks(self, min_val: float, max_val: float, size_px: float) -> tuple[int, list[float]]:
        """(step, tick positions) for the visible range ``min_val..max_val`` of ``size_px`` pixels."""
        n = self._count
        if min_val > max_val:  # inverted axis
            min_val, max_val = max_val, min_val
        if n == 0 or max_val <= min_val:
            return 1, []
        return self._ticks_of(self._tick_spec(min_val, max_val, size_px))

    def _ticks_of(self, spec: tuple[int, int, int]) -> tuple[int, list[float]]:
        """(step, positions) of the labels a :meth:`_tick_spec` puts on the tokens present."""
        step, first, last = spec
        return step, [i + self._offset for i in range(first, min(self._count - 1, last) + 1, step)]

    def _choose_ticks(self, min_val: float, max_val: float, size_px: float) -> tuple[int, list[float]]:
        """:meth:`token_ticks`, remembering the spec and positions (what was drawn)."""
        spec = self._tick_spec(min_val, max_val, size_px) if self._count else None
        step, ticks = self._ticks_of(spec) if spec is not None and max_val != min_val else (1, [])
        self._last_spec, self.last_ticks = spec, ticks
        return step, ticks

    def _tick_spec(self, min_val: float, max_val: float, size_px: float) -> tuple[int, int, int]:
        """(step, first, last): ticks at token indices first, first + step, ... <= last (not
        clipped to the tokens present). The spacing depends on the visible range only, so
        labels stay put while tokens are added inside it."""
        if min_val > max_val:
            min_val, max_val = max_val, min_val
        lo = max(0, int(math.ceil(min_val - self._offset - 1e-9)))
        hi = int(math.floor(max_val - self._offset + 1e-9))
        if hi < lo:
            return 1, lo, lo - 1
        step = nice_step(hi - lo + 1, self.max_labels_for(size_px))
        return step, _first_tick(lo, 0, step), hi

    # -- drawing ----------------------------------------------------------------------------
    def paint(self, p, opt, widget) -> None:
        """Token labels under a time axis are drawn here directly: pyqtgraph's general
        ``generateDrawSpecs`` spends ~30 us of Python per label (1.5-3 ms an axis), and an
        edit early in the text relabels every time axis. Other axes: pyqtgraph's drawing."""
        if not self._paints_tokens():
            super().paint(p, opt, widget)
            return
        geometry = self._geometry()
        if geometry is None:
            return
        bounds, lo, scale = geometry
        _, ticks = self._choose_ticks(lo, self.range[1], bounds.width())
        font = self._font()
        fm = QFontMetrics(font)
        top, tick = bounds.top(), float(self.style["tickLength"])
        p.setRenderHint(p.RenderHint.Antialiasing, False)
        p.setRenderHint(p.RenderHint.TextAntialiasing, True)
        p.setPen(self.pen())
        p.drawLine(QPointF(bounds.left() - 1.0, top + 1.0), QPointF(bounds.right() + 1.0, top + 1.0))
        xs = [(v - lo) * scale + bounds.left() for v in ticks]
        p.setPen(self.tickPen())
        for x in xs:
            p.drawLine(QPointF(x, top), QPointF(x, top + tick))
        p.setFont(font)
        p.setPen(self.textPen())
        y = top + max(0.0, tick) + self.style["tickTextOffset"][1]
        h = fm.height()
        box = self.boundingRect()
        font_key = font.key()
        widths = _width_cache(font)
        # the part being repainted (see _added_labels_rect): labels elsewhere would be clipped
        exposed = getattr(opt, "exposedRect", None)
        if exposed is None or not exposed.isValid():
            exposed = box
        ex_left, ex_right = exposed.left(), exposed.right()
        drawn = []
        free_from = -math.inf  # the right end of the last label drawn, plus half the gap
        for x, text in zip(xs, self.tickStrings(ticks, 1.0, 1.0)):
            w = _label_width(widths, fm, text) + 2
            rect = QRectF(x - w / 2.0, y, w, h)
            # the spacing is chosen for a typical label: a longer one that would touch the
            # label before it is left out
            if box.contains(rect) and rect.left() >= free_from:
                free_from = rect.right() + LABEL_GAP_PX / 2
                if ex_left <= rect.right() and rect.left() <= ex_right:
                    draw_top_centred(p, x, y, text, font, font_key)
                drawn.append((x, text))
        self.drawn_labels = drawn
        self._updateMaxTextSize(h * 0.8)  # the height pyqtgraph reserves, as its own drawing does
        self.picture = _DRAWN

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph API)
        step, ticks = self._choose_ticks(minVal, maxVal, size)
        return [(float(step), ticks)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        out = []
        for v in values:
            i = int(round(v - self._offset))
            if 0 <= i < self._count:
                out.append(self._labels[i] if self._labels is not None else str(i))
            else:
                out.append("")
        return out
