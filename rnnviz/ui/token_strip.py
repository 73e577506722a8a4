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


def _contrast_text(bg: QColor, base: QColor, text: QColor) -> QColor:
    """Black or white text, whichever reads better on ``bg`` (alpha-blended over ``base``)."""
    a = bg.alphaF()
    r = bg.redF() * a + base.redF() * (1 - a)
    g = bg.greenF() * a + base.greenF() * (1 - a)
    b = bg.blueF() * a + base.blueF() * (1 - a)
    if a < 0.05:
        return text
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return QColor("black") if lum > 0.5 else QColor("white")


class _Canvas(QWidget):
    """Paints token boxes in wrapped lines; only the visible rows are painted."""

    def __init__(self, strip: "TokenStrip") -> None:
        super().__init__()
        self._strip = strip
        self.rects: list[QRect] = []
        self._row_tops: list[int] = []
        self._row_first: list[int] = []
        self.setMouseTracking(True)
        self._height = 0

    def relayout(self, width: int, keep_from: int = 0) -> None:
        """Lay the boxes out for ``width`` pixels. ``keep_from`` > 0: tokens before it are
        unchanged (text appended), so rows before the one holding token ``keep_from - 1`` are kept."""
        s = self._strip
        fm = QFontMetrics(self.font())
        h = fm.height() + 2 * _PAD_Y
        width = max(width, 60)
        space = fm.horizontalAdvance(" ")
        widths = self._widths if getattr(self, "_widths_key", None) == (fm.height(), space) else {}
        self._widths, self._widths_key = widths, (fm.height(), space)
        start = 0
        if keep_from > 0 and width == getattr(self, "_width", None) and len(self._row_first) > 1:
            row = bisect.bisect_right(self._row_first, keep_from - 1) - 1
            row = max(0, row - 1)  # restart one row early: a wrap decision may change
            start = self._row_first[row]
        old_rects = self.rects
        if start > 0:
            row_tops, row_first = self._row_tops[:row + 1], self._row_first[:row + 1]
            rects = self.rects[:start]
            x, y = _MARGIN, row_tops[-1]
        else:
            x, y = _MARGIN, _MARGIN
            rects = []
            row_tops, row_first = [y], [0]
        self._width = width
        for i in range(start, len(s._labels)):
            label = s._labels[i]
            w = widths.get(label)
            if w is None:
                w = widths[label] = fm.horizontalAdvance(label) + 2 * _PAD_X
            gap = s._gaps[i] if i != start else ""  # a restart begins at a row start
            if gap == "\n" and i > 0:
                x, y = _MARGIN, y + h + _LINE_GAP
                row_tops.append(y)
                row_first.append(i)
            elif gap == " " and i > 0:
                x += space
            if x + w > width - _MARGIN and x > _MARGIN:
                x, y = _MARGIN, y + h + _LINE_GAP
                row_tops.append(y)
                row_first.append(i)
            rects.append(QRect(x, y, w, h))
            x += w + _GAP
            if s._tokens[i] == "\n":
                x, y = _MARGIN, y + h + _LINE_GAP
                row_tops.append(y)
                row_first.append(i + 1)
        self.rects = rects
        self._row_tops, self._row_first = row_tops, row_first
        self._height = (y + h + _MARGIN) if rects else 3 * h
        if self.minimumHeight() != self._height or self.width() != width:
            self.setMinimumHeight(self._height)
            self.resize(width, self._height)
        if start > 0:
            # boxes before ``start`` did not move: repaint the boxes that moved, appeared or went
            dirty = QRect()
            for i in range(start, max(len(old_rects), len(rects))):
                a = old_rects[i] if i < len(old_rects) else None
                b = rects[i] if i < len(rects) else None
                if a != b:
                    for r in (a, b):
                        if r is not None:
                            dirty = dirty.united(r)
            if not dirty.isNull():
                self.update(dirty.adjusted(-2, -2, 2, 5))
        else:
            self.update()

    def update_tokens(self, indices) -> None:
        """Repaint the boxes of tokens ``indices`` (and their outlines)."""
        rect = QRect()
        n = len(self.rects)
        for i in indices:
            if 0 <= i < n:
                rect = rect.united(self.rects[i])
        if not rect.isNull():
            self.update(rect.adjusted(-2, -2, 2, 5))

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(300, self._height or 40)

    def index_at(self, pos: QPoint) -> int | None:
        if not self.rects:
            return None
        row = bisect.bisect_right(self._row_tops, pos.y()) - 1
        if row < 0:
            return None
        start = self._row_first[row]
        end = self._row_first[row + 1] if row + 1 < len(self._row_first) else len(self.rects)
        for i in range(start, min(end, len(self.rects))):
            if self.rects[i].contains(pos):
                return i
        return None

    def paintEvent(self, ev) -> None:  # noqa: N802
        s = self._strip
        p = QPainter(self)
        pal = self.palette()
        base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
        p.fillRect(ev.rect(), base)
        if not self.rects:
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            p.drawText(self.rect().adjusted(_MARGIN, _MARGIN, 0, 0),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, EMPTY_HINT)
            return
        top, bottom = ev.rect().top(), ev.rect().bottom()
        r0 = max(0, bisect.bisect_right(self._row_tops, top - 40) - 1)
        r1 = bisect.bisect_right(self._row_tops, bottom)
        i0 = self._row_first[r0]
        i1 = self._row_first[r1] if r1 < len(self._row_first) else len(self.rects)
        font = p.font()
        font_key = font.key()
        struck = False
        rgba = s._rgba
        for i in range(i0, min(i1, len(self.rects))):
            r = self.rects[i]
            if not r.intersects(ev.rect()):
                continue
            bg = QColor(*rgba[i].tolist())
            if bg.alpha() > 0:
                p.fillRect(r, bg)
            p.setPen(_contrast_text(bg, base, text))
            unknown = bool(s._unknown[i])
            if unknown != struck:
                font.setStrikeOut(unknown)
                p.setFont(font)
                font_key = font.key()
                struck = unknown
            draw_centered(p, QRectF(r), s._labels[i], font, font_key)
            if unknown:
                # dashed box in the text colour (visible on any fill) + red bar below the box
                p.setPen(QPen(text, 1, Qt.PenStyle.DashLine))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(r.adjusted(0, 0, -1, -1))
                p.fillRect(QRect(r.left(), r.bottom() + 1, r.width(), 3), UNKNOWN_COLOR)
            if s._cursor == i:
                p.setPen(QPen(text, 2))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(r.adjusted(1, 1, -1, -1))
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
        self._unknown: list[bool] = []
        self._rgba = np.zeros((0, 4), np.uint8)  # background colour of each token box
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
        unknown = list(map(bool, unknown)) if unknown is not None else [False] * n
        spans = list(map(tuple, spans)) if spans is not None else None
        # typing at the end: the first ``keep`` tokens, their boxes and the gaps before them
        # are unchanged; only the rest is converted and laid out again
        m = min(n, old_n)
        keep = 0
        if (m and self._tokens[:m] == list(tokens[:m]) and self._unknown[:m] == unknown[:m]
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
        self._set_rgba(theme.value_rgba(v, kind, levels))
        self._set_tooltip(_TOOLTIPS[kind])

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
        if self._cursor is not None and self.canvas.rects and self._cursor < len(self.canvas.rects):
            self.scroll.ensureVisible(self.canvas.rects[self._cursor].center().x(),
                                      self.canvas.rects[self._cursor].center().y(), 10, 10)
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
        return list(self._unknown)

    def values(self) -> np.ndarray | None:
        return None if self._values is None else self._values.copy()

    def mode(self) -> str | None:
        """"diverging" / "sequential" / "free" (set_values), "shading", or None."""
        return self._mode

    def cursor(self) -> int | None:
        return self._cursor

    def token_rect(self, i: int) -> QRect:
        """Rectangle of token i in canvas coordinates (for tests)."""
        return QRect(self.canvas.rects[i])

    def token_tooltip(self, i: int) -> str:
        """Tooltip of token i: the token, its step, its value and whether it is unknown."""
        parts = [f"token '{self._labels[i]}' \u00b7 step {i}"]
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
