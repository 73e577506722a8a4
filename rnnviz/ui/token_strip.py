"""The typed text as a strip of token boxes, each coloured by a value (activation or connectivity)."""
from __future__ import annotations

import bisect

import numpy as np
from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QFrame, QScrollArea, QToolTip, QVBoxLayout, QWidget

from rnnviz.ui import theme
from rnnviz.ui.static_text import draw_centered

UNKNOWN_TIP = "not in the model's vocabulary"
EMPTY_HINT = "type some text"

_TOOLTIPS = {
    None: "The text as the model reads it, one box per token.\n"
          "A dashed, struck-through box with a red bar underneath marks a token that is " + UNKNOWN_TIP + ".",
    "diverging": "The text as the model reads it, one box per token, coloured by the selected unit's "
                 "value at that step:\nblue = negative, near-white = 0, red = positive (-1..1).\n"
                 "A dashed, struck-through box with a red bar underneath marks a token that is " + UNKNOWN_TIP + ".",
    "sequential": "The text as the model reads it, one box per token, coloured by a value 0..1:\n"
                  "dark purple = 0 .. yellow = 1.\n"
                  "A dashed, struck-through box with a red bar underneath marks a token that is " + UNKNOWN_TIP + ".",
    "free": "The text as the model reads it, one box per token, coloured by a value:\n"
            "dark purple = smallest .. yellow = largest.\n"
            "A dashed, struck-through box with a red bar underneath marks a token that is " + UNKNOWN_TIP + ".",
    "shading": "The text as the model reads it. The stronger a token's highlight, the more it "
               "influences the selected step (0 = none, 1 = most).\n"
               "A dashed, struck-through box with a red bar underneath marks a token that is " + UNKNOWN_TIP + ".",
}

_PAD_X, _PAD_Y, _GAP, _LINE_GAP, _MARGIN = 3, 2, 2, 5, 4
UNKNOWN_COLOR = QColor(213, 0, 0)


def _text_codes(rgba: np.ndarray, base: QColor) -> np.ndarray:
    """Per box: 0 = the palette's text colour (box nearly transparent), 1 = black, 2 = white,
    whichever reads better on the box colour ``rgba`` (n, 4) alpha-blended over ``base``."""
    a = rgba[:, 3:4] / 255.0
    rgb = rgba[:, :3] / 255.0 * a + np.array([base.redF(), base.greenF(), base.blueF()]) * (1.0 - a)
    lum = rgb @ np.array([0.2126, 0.7152, 0.0722])
    return np.where(a[:, 0] < 0.05, 0, np.where(lum > 0.5, 1, 2))


class _Canvas(QWidget):
    """Paints token boxes in wrapped lines; only the visible rows are painted.

    The layout is kept in arrays: box i is ``(x[i], y[i], w[i], h)`` in canvas pixels, rows
    start at tokens ``row_first`` with tops ``row_tops``. Wrapping follows text layout: a box
    goes on the next row when it would cross the right margin, after a line-break token, and
    where the text has a line break between two word tokens; a space between word tokens
    adds a space's width (kept at the start of a line only after a line-break token).
    """

    def __init__(self, strip: "TokenStrip") -> None:
        super().__init__()
        self._strip = strip
        self._x = np.zeros(0, np.int64)
        self._y = np.zeros(0, np.int64)
        self._w = np.zeros(0, np.int64)
        self._h = 0
        self._row_tops: list[int] = []
        self._row_first: list[int] = []
        self._widths: dict[str, int] = {}   # label -> box width, for the current font
        self._widths_key = None
        self._width: int | None = None
        self._colors: dict[int, QColor] = {}  # packed RGBA -> QColor (a few hundred colours)
        self.setMouseTracking(True)
        self._height = 0

    # -- layout -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self._x.shape[0])

    def rect_of(self, i: int) -> QRect:
        return QRect(int(self._x[i]), int(self._y[i]), int(self._w[i]), self._h)

    @property
    def rects(self) -> list[QRect]:
        """Every box as a QRect (built on demand; the layout itself is kept in arrays)."""
        return [QRect(x, y, w, self._h) for x, y, w in zip(self._x.tolist(), self._y.tolist(), self._w.tolist())]

    def _box_widths(self, labels: list[str], fm: QFontMetrics) -> np.ndarray:
        widths = self._widths
        out = np.empty(len(labels), np.int64)
        for k, label in enumerate(labels):
            w = widths.get(label)
            if w is None:
                if len(widths) > 20_000:
                    widths.clear()
                w = widths[label] = fm.horizontalAdvance(label) + 2 * _PAD_X
            out[k] = w
        return out

    def relayout(self, width: int, keep_from: int = 0) -> None:
        """Lay the boxes out for ``width`` pixels. ``keep_from`` > 0: tokens before it are
        unchanged (text appended), so rows before the one holding token ``keep_from - 1`` are kept.

        Vectorised: per row, the box positions are prefix sums of the box advances and the
        wrap point is one ``searchsorted`` (a 1,000-token edit lays out in ~0.2 ms, not 2 ms)."""
        s = self._strip
        fm = QFontMetrics(self.font())
        h = fm.height() + 2 * _PAD_Y
        width = max(width, 60)
        space = fm.horizontalAdvance(" ")
        widths_key = (fm.height(), space, self.font().key())
        if self._widths_key != widths_key:
            self._widths, self._widths_key = {}, widths_key
            keep_from = 0
        n = len(s._labels)
        old_x, old_y, old_w = self._x, self._y, self._w
        start, second = 0, False
        if keep_from > 0 and width == self._width and h == self._h and len(self._row_first) > 1:
            # restart at the row holding token keep_from - 1: where it starts depends only on
            # the tokens before it, which are unchanged (of two rows starting at one token, a
            # blank line or a pushed-down indented box, bisect picks the second, the token's)
            row = max(0, bisect.bisect_right(self._row_first, keep_from - 1) - 1)
            start = min(self._row_first[row], n)
            second = row > 0 and self._row_first[row - 1] == start
        if start > 0:
            row_tops, row_first = self._row_tops[:row + 1], self._row_first[:row + 1]
            y = row_tops[-1]
        else:
            y = _MARGIN
            row_tops, row_first = [y], [0]
        self._width, self._h = width, h
        x = np.empty(n, np.int64)
        ys = np.empty(n, np.int64)
        w = np.empty(n, np.int64)
        x[:start], ys[:start], w[:start] = old_x[:start], old_y[:start], old_w[:start]
        m = n - start
        if m:
            w[start:] = self._box_widths(s._labels[start:], fm)
            gaps = s._gaps[start:]
            space_before = np.fromiter((g == " " for g in gaps), bool, m)
            nl_gap = np.fromiter((g == "\n" for g in gaps), bool, m)
            nl_token = np.fromiter((t == "\n" for t in s._tokens[start:]), bool, m)
            ww = w[start:]
            adv = np.zeros(m + 1, np.int64)   # adv[k]: sum of (w + gap) of local boxes before k
            np.cumsum(ww + _GAP, out=adv[1:])
            sp = np.zeros(m + 1, np.int64)    # sp[k]: sum of the spaces before local boxes < k
            np.cumsum(np.where(space_before, space, 0), out=sp[1:])
            # reach[k]: the right edge of box k if a row started at local box 0 with x0 = 0
            # (increasing, so one searchsorted finds a row's wrap; rows starting later shift
            # the threshold by adv and sp at their start)
            reach = adv[1:] - _GAP + sp[1:]
            forced = np.flatnonzero(nl_gap[1:] | nl_token[:-1]) + 1  # rows forced to start here
            if start > 0 and s._tokens[start - 1] == "\n" and space_before[0] and not second:
                x0 = _MARGIN + space
            else:
                x0 = _MARGIN
            limit = width - _MARGIN
            i = 0
            while i < m:
                if x0 > _MARGIN and x0 + ww[i] > limit:
                    x0, y = _MARGIN, y + h + _LINE_GAP  # a space-indented first box that does not fit
                    row_tops.append(y)
                    row_first.append(start + i)
                k = int(np.searchsorted(forced, i, side="right"))
                f = int(forced[k]) if k < forced.shape[0] else m
                # first box after i whose right edge crosses the limit
                thr = limit - x0 + adv[i] + sp[i + 1]
                end = int(np.searchsorted(reach, thr, side="right"))
                end = min(max(end, i + 1), f)
                x[start + i:start + end] = x0 + (adv[i:end] - adv[i]) + (sp[i + 1:end + 1] - sp[i + 1])
                ys[start + i:start + end] = y
                if end >= m:
                    break
                y += h + _LINE_GAP
                row_tops.append(y)
                row_first.append(start + end)
                x0 = _MARGIN
                if end == f and nl_token[end - 1]:
                    if nl_gap[end]:  # a line-break token, then a line break in the text: a blank row
                        y += h + _LINE_GAP
                        row_tops.append(y)
                        row_first.append(start + end)
                    elif space_before[end]:
                        x0 = _MARGIN + space
                i = end
            if nl_token[-1]:  # a line break at the end opens an empty last row
                y += h + _LINE_GAP
                row_tops.append(y)
                row_first.append(n)
        self._x, self._y, self._w = x, ys, w
        self._row_tops, self._row_first = row_tops, row_first
        self._height = (y + h + _MARGIN) if n else 3 * h
        if self.minimumHeight() != self._height or self.width() != width:
            self.setMinimumHeight(self._height)
            self.resize(width, self._height)
        if start > 0:
            # boxes before ``start`` did not move: repaint the boxes that moved, appeared or went
            c = min(n, old_x.shape[0])
            moved = start + np.flatnonzero((old_x[start:c] != x[start:c]) | (old_y[start:c] != ys[start:c])
                                           | (old_w[start:c] != w[start:c]))
            dirty = self._union(old_x, old_y, old_w, np.r_[moved, np.arange(c, old_x.shape[0])])
            dirty = dirty.united(self._union(x, ys, w, np.r_[moved, np.arange(c, n)]))
            if not dirty.isNull():
                self.update(dirty.adjusted(-2, -2, 2, 5))
        else:
            self.update()

    def _union(self, x: np.ndarray, y: np.ndarray, w: np.ndarray, idx: np.ndarray) -> QRect:
        """The rectangle around boxes ``idx`` of the layout (x, y, w)."""
        if idx.size == 0:
            return QRect()
        left, top = int(x[idx].min()), int(y[idx].min())
        return QRect(left, top, int((x[idx] + w[idx]).max()) - left, int(y[idx].max()) + self._h - top)

    def update_tokens(self, indices) -> None:
        """Repaint the boxes of tokens ``indices`` (and their outlines)."""
        idx = np.asarray(list(indices), np.int64)
        idx = idx[(idx >= 0) & (idx < len(self))]
        rect = self._union(self._x, self._y, self._w, idx)
        if not rect.isNull():
            self.update(rect.adjusted(-2, -2, 2, 5))

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(300, self._height or 40)

    def index_at(self, pos: QPoint) -> int | None:
        n = len(self)
        if not n:
            return None
        row = bisect.bisect_right(self._row_tops, pos.y()) - 1
        if row < 0:
            return None
        start = self._row_first[row]
        end = self._row_first[row + 1] if row + 1 < len(self._row_first) else n
        end = min(end, n)
        if start >= end or not (self._row_tops[row] <= pos.y() < self._row_tops[row] + self._h):
            return None
        i = start + int(np.searchsorted(self._x[start:end], pos.x(), side="right")) - 1
        if i >= start and pos.x() < self._x[i] + self._w[i]:
            return i
        return None

    def paintEvent(self, ev) -> None:  # noqa: N802
        s = self._strip
        p = QPainter(self)
        pal = self.palette()
        base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
        p.fillRect(ev.rect(), base)
        n = len(self)
        if not n:
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            p.drawText(self.rect().adjusted(_MARGIN, _MARGIN, 0, 0),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, EMPTY_HINT)
            return
        area = ev.rect()
        top, bottom = area.top(), area.bottom()
        r0 = max(0, bisect.bisect_right(self._row_tops, top - 40) - 1)
        r1 = bisect.bisect_right(self._row_tops, bottom)
        i0 = self._row_first[r0]
        i1 = min(self._row_first[r1] if r1 < len(self._row_first) else n, n)
        if i1 <= i0:
            return
        xs, ys, ws = self._x[i0:i1], self._y[i0:i1], self._w[i0:i1]
        h = self._h
        visible = ((xs < area.right() + 1) & (xs + ws > area.left())
                   & (ys < bottom + 1) & (ys + h > top))
        idx = i0 + np.flatnonzero(visible)
        if not idx.size:
            return
        rgba = s._rgba[idx]
        codes = _text_codes(rgba, base).tolist()
        packed = ((rgba[:, 0].astype(np.uint32) << 24) | (rgba[:, 1].astype(np.uint32) << 16)
                  | (rgba[:, 2].astype(np.uint32) << 8) | rgba[:, 3]).tolist()
        pens = [text, QColor("black"), QColor("white")]
        colors = self._colors
        if len(colors) > 4096:
            colors.clear()
        font = p.font()
        font_key = font.key()
        struck = False
        pen_code = -1
        unknown_flags, labels, cursor = s._unknown, s._labels, s._cursor
        for i, x, y, w, key, code in zip(idx.tolist(), self._x[idx].tolist(), self._y[idx].tolist(),
                                        self._w[idx].tolist(), packed, codes):
            r = QRect(x, y, w, h)
            if key & 0xFF:
                bg = colors.get(key)
                if bg is None:
                    bg = colors[key] = QColor((key >> 24) & 0xFF, (key >> 16) & 0xFF, (key >> 8) & 0xFF, key & 0xFF)
                p.fillRect(r, bg)
            if code != pen_code:
                p.setPen(pens[code])
                pen_code = code
            unknown = bool(unknown_flags[i])
            if unknown != struck:
                font.setStrikeOut(unknown)
                p.setFont(font)
                font_key = font.key()
                struck = unknown
            draw_centered(p, QRectF(r), labels[i], font, font_key)
            if unknown:
                # dashed box in the text colour (visible on any fill) + red bar below the box
                p.setPen(QPen(text, 1, Qt.PenStyle.DashLine))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(r.adjusted(0, 0, -1, -1))
                p.fillRect(QRect(r.left(), r.bottom() + 1, r.width(), 3), UNKNOWN_COLOR)
                pen_code = -1
            if cursor == i:
                p.setPen(QPen(text, 2))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(r.adjusted(1, 1, -1, -1))
                pen_code = -1
        if struck:
            font.setStrikeOut(False)
            p.setFont(font)

    def mouseMoveEvent(self, ev) -> None:  # noqa: N802
        i = self.index_at(ev.position().toPoint())
        if i is not None:
            self._strip.step_hovered.emit(i)

    def mousePressEvent(self, ev) -> None:  # noqa: N802
        i = self.index_at(ev.position().toPoint())
        if i is not None and ev.button() == Qt.MouseButton.LeftButton:
            self._strip.step_clicked.emit(i)

    def event(self, ev) -> bool:
        if ev.type() == ev.Type.ToolTip:
            i = self.index_at(ev.pos())
            if i is None:
                QToolTip.hideText()
                ev.ignore()
                return True
            QToolTip.showText(ev.globalPos(), self._strip.token_tooltip(i), self)
            return True
        return super().event(ev)

    def resizeEvent(self, ev) -> None:  # noqa: N802
        super().resizeEvent(ev)


class TokenStrip(QWidget):
    """Shows the tokens of a text as boxes, wrapped like text, each with a background colour.

    * ``set_values(values (T,), kind)`` colours each box by a value through the kind's map
      (diverging -1..1 for an activation, sequential 0..1 for a gate);
    * ``set_shading(values (T,))`` highlights boxes with an accent colour whose opacity is the
      value (0..1), e.g. for connectivity / saliency;
    * unknown tokens stay in place, drawn struck through in a dashed box with a red bar below.
    """

    step_hovered = Signal(int)
    step_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tokens: list[str] = []
        self._labels: list[str] = []
        self._gaps: list[str] = []
        self._unknown = np.zeros(0, bool)
        self._rgba = np.zeros((0, 4), np.uint8)  # background colour of each token box
        # (kind, levels, values, rgba) of the last values coloured (see _value_rgba)
        self._rgba_memo = (None, None, np.zeros(0), np.zeros((0, 4), np.uint8))
        self._values: np.ndarray | None = None
        self._mode: str | None = None
        self._cursor: int | None = None
        self._spans = None
        self._text: str | None = None
        self._screen_rgba: np.ndarray | None = None

        self.canvas = _Canvas(self)
        self.scroll = QScrollArea()
        self.scroll.setFrameShape(QFrame.Shape.StyledPanel)
        self.scroll.setWidget(self.canvas)
        self.scroll.setWidgetResizable(False)
        self.scroll.setBackgroundRole(QPalette.ColorRole.Base)
        self.scroll.viewport().setAutoFillBackground(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.scroll)
        self.setMinimumHeight(48)
        self.setToolTip(_TOOLTIPS[None])
        self._relayout()

    # -- data -------------------------------------------------------------------------------
    def set_tokens(self, tokens: list[str], spans: list[tuple[int, int]] | None = None,
                   unknown: list[bool] | None = None, text: str | None = None) -> None:
        """Show ``tokens``. ``spans`` (start, end) character offsets into the original ``text``
        let the strip reproduce spaces and line breaks between word tokens; ``unknown[i]`` marks
        token i as not in the model's vocabulary. Clears any values or shading."""
        n = len(tokens)
        old_n = len(self._tokens)
        if spans is not None and len(spans) != n:
            raise ValueError(f"spans must have one (start, end) per token: {len(spans)} for {n} tokens")
        if unknown is not None and len(unknown) != n:
            raise ValueError(f"unknown must have one flag per token: {len(unknown)} for {n} tokens")
        unknown = np.array(unknown, dtype=bool) if unknown is not None else np.zeros(n, bool)
        # (tuple() returns a tuple itself: the tuples the caller shares with its previous call
        # stay the same objects, and comparing them below is an identity check)
        spans = list(map(tuple, spans)) if spans is not None else None
        # typing at the end: the first ``keep`` tokens, their boxes and the gaps before them
        # are unchanged; only the rest is converted and laid out again
        m = min(n, old_n)
        keep = 0
        if (m and self._tokens[:m] == list(tokens[:m]) and np.array_equal(self._unknown[:m], unknown[:m])
                and (spans is None) == (self._spans is None)
                and (spans is None or (spans[:m] == self._spans[:m]
                                       and (text or "")[: spans[m - 1][1]] == (self._text or "")[: spans[m - 1][1]]))):
            keep = m
        new_tokens = [str(t) for t in tokens[keep:]]
        self._tokens = self._tokens[:keep] + new_tokens
        self._labels = self._labels[:keep] + [theme.visible_token(t) or "\u2205" for t in new_tokens]
        self._unknown = unknown
        self._spans = spans
        self._text = text
        gaps = self._gaps[:keep] + [""] * (n - keep)
        if self._spans is not None:
            for i in range(max(1, keep), n):
                a, b = self._spans[i - 1][1], self._spans[i][0]
                if b > a:
                    between = text[a:b] if text is not None else " "
                    gaps[i] = "\n" if "\n" in between else " "
        self._gaps = gaps
        self._values = None
        self._mode = None
        if self._cursor is not None and self._cursor >= n:
            self._cursor = None
        # the kept boxes still show their old colours on screen; if new values follow at once
        # (typing), only the boxes whose colour changes are repainted, else all of them are
        screen = np.zeros((n, 4), np.uint8)
        screen[:keep] = self._rgba[:keep]
        self._screen_rgba = screen if keep else None
        if keep:
            QTimer.singleShot(0, self._repaint_if_stale)
        self._rgba = np.zeros((n, 4), np.uint8)
        self._set_tooltip(_TOOLTIPS[None])
        self._relayout(keep_from=keep)

    def _repaint_if_stale(self) -> None:
        if self._screen_rgba is not None:
            self._screen_rgba = None
            self.canvas.update()

    def set_values(self, values: np.ndarray | None, kind: str = "diverging") -> None:
        """Colour each token by ``values[i]`` through the colour map of ``kind``
        ("diverging" -1..1, "sequential" 0..1, "free" data range). None clears the colours."""
        if values is None:
            self._clear_colors()
            return
        v = self._check(values, "values")
        levels = theme.levels_for(kind, v)
        self._values, self._mode = v, kind
        self._set_rgba(self._value_rgba(v, kind, levels))
        self._set_tooltip(_TOOLTIPS[kind])

    def _value_rgba(self, v: np.ndarray, kind: str, levels) -> np.ndarray:
        """theme.value_rgba(v, kind, levels), mapping only the values after the longest prefix
        equal to that of the last call (typing at the end maps one value, not T)."""
        memo_kind, memo_levels, memo_v, memo_rgba = self._rgba_memo
        same = 0
        if memo_kind == kind and memo_levels == levels:
            m = min(memo_v.shape[0], v.shape[0])
            diff = np.flatnonzero(memo_v[:m] != v[:m])
            same = int(diff[0]) if diff.size else m
        rgba = np.empty((v.shape[0], 4), np.uint8)
        rgba[:same] = memo_rgba[:same]
        rgba[same:] = theme.value_rgba(v[same:], kind, levels)
        self._rgba_memo = (kind, levels, v.copy(), rgba)  # a copy: v may view a buffer reused later
        return rgba

    def set_shading(self, values: np.ndarray | None) -> None:
        """Highlight each token with the accent colour at opacity ``values[i]`` (clipped to 0..1)."""
        if values is None:
            self._clear_colors()
            return
        v = self._check(values, "values")
        self._values, self._mode = v, "shading"
        base = theme.accent_color()
        rgba = np.empty((v.shape[0], 4), np.uint8)
        rgba[:, :3] = (base.red(), base.green(), base.blue())
        alpha = np.where(np.isfinite(v), np.clip(v, 0.0, 1.0), 0.0)
        rgba[:, 3] = np.round(alpha * 255).astype(np.uint8)
        self._set_rgba(rgba)
        self._set_tooltip(_TOOLTIPS["shading"])

    def set_cursor(self, step: int | None) -> None:
        """Outline token ``step`` (the linked time cursor); None removes the outline."""
        old = self._cursor
        self._cursor = int(step) if step is not None and 0 <= int(step) < len(self._tokens) else None
        if self._cursor is not None and self._cursor < len(self.canvas):
            r = self.canvas.rect_of(self._cursor)
            self.scroll.ensureVisible(r.center().x(), r.center().y(), 10, 10)
        if old != self._cursor:
            self.canvas.update_tokens([i for i in (old, self._cursor) if i is not None])

    def _set_rgba(self, rgba: np.ndarray) -> None:
        """New box colours; repaints only the boxes whose colour changed."""
        old = self._rgba if self._screen_rgba is None else self._screen_rgba
        self._screen_rgba = None
        self._rgba = rgba
        if old.shape != rgba.shape:
            self.canvas.update()
            return
        changed = np.flatnonzero((old != rgba).any(axis=1))
        if changed.size > 256:
            self.canvas.update()
        elif changed.size:
            self.canvas.update_tokens(changed.tolist())

    def _set_tooltip(self, text: str) -> None:
        if self.toolTip() != text:
            self.setToolTip(text)

    # -- accessors --------------------------------------------------------------------------
    def tokens(self) -> list[str]:
        return list(self._tokens)

    def token_colors(self) -> list[QColor]:
        """Background colour of each token box (transparent when no values are shown)."""
        return [QColor(*c) for c in self._rgba.tolist()]

    def unknown_flags(self) -> list[bool]:
        return self._unknown.tolist()

    def values(self) -> np.ndarray | None:
        return None if self._values is None else self._values.copy()

    def mode(self) -> str | None:
        """"diverging" / "sequential" / "free" (set_values), "shading", or None."""
        return self._mode

    def cursor(self) -> int | None:
        return self._cursor

    def token_rect(self, i: int) -> QRect:
        """Rectangle of token i in canvas coordinates (for tests)."""
        return self.canvas.rect_of(i)

    def token_tooltip(self, i: int) -> str:
        """Tooltip of token i: the token, its step, its value and whether it is unknown."""
        parts = [f"token '{self._labels[i]}' \u00b7 step {theme.shown_step(i)}"]
        if self._values is not None:
            parts.append(f"value {self._values[i]:+.3f}")
        text = " \u00b7 ".join(parts)
        if self._unknown[i]:
            text += "\n" + UNKNOWN_TIP
        return text

    # -- internals ----------------------------------------------------------------------------
    def _check(self, values, name: str) -> np.ndarray:
        v = np.asarray(values, dtype=np.float64).reshape(-1) if np.ndim(values) <= 1 else None
        if v is None or v.shape[0] != len(self._tokens):
            raise ValueError(
                f"{name} must be a 1-D array with one value per token ({len(self._tokens)}), "
                f"got shape {np.shape(values)}")
        return v

    def _clear_colors(self) -> None:
        self._values, self._mode = None, None
        self._set_rgba(np.zeros((len(self._tokens), 4), np.uint8))
        self._set_tooltip(_TOOLTIPS[None])

    def _relayout(self, keep_from: int = 0) -> None:
        self.canvas.relayout(self.scroll.viewport().width(), keep_from)

    def resizeEvent(self, ev) -> None:  # noqa: N802
        super().resizeEvent(ev)
        self._relayout()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(400, 90)
