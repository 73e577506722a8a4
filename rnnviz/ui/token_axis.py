"""An axis that labels integer positions with tokens, thinning labels so they never overlap.

Used by the heatmap (time axis and unit axis), the unit line view and the class-probability view.
Labels are chosen for the *visible* range only, so a 20,000-token text creates a few dozen labels,
and zooming in reveals every token.
"""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics

from rnnviz.ui.theme import visible_token

#: never draw more than this many labels on one axis
MAX_LABELS = 60
_NICE = (1, 2, 5)


def nice_step(n_visible: int, max_labels: int) -> int:
    """Smallest step from 1, 2, 5, 10, 20, 50, ... so that n_visible / step <= max_labels."""
    max_labels = max(1, int(max_labels))
    if n_visible <= max_labels:
        return 1
    raw = n_visible / max_labels
    mag = 10 ** int(math.floor(math.log10(raw)))
    for m in _NICE + (10,):
        if m * mag >= raw:
            return int(m * mag)
    return int(10 * mag)


def short_label(tok: str, max_chars: int = 10) -> str:
    """A token made visible ('␣', '⏎') and shortened to ``max_chars`` characters with '…'."""
    s = visible_token(tok)
    if not s:
        return "\u2205"
    return s if len(s) <= max_chars else s[: max_chars - 1] + "\u2026"


class TokenAxis(pg.AxisItem):
    """Axis whose ticks sit at integer positions ``i + offset`` labelled with ``labels[i]``.

    ``offset`` is 0.5 for image pixels (centre of column i) and 0 for line plots (x = i).
    Without labels the ticks show the integer index (used for the unit axis of the heatmap).
    """

    def __init__(self, orientation: str, offset: float = 0.5, **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self._labels: list[str] | None = None
        self._tokens: list[str] = []
        self._sample_n = 0
        self._count = 0
        self._offset = float(offset)
        self._label_px = 24.0
        self.last_ticks: list[float] = []
        # we thin labels ourselves; let pyqtgraph draw all of them
        self.setStyle(textFillLimits=[(0, 0.98)], maxTickLevel=0, maxTextLevel=0)

    # -- data -------------------------------------------------------------------------------
    def set_count(self, n: int) -> None:
        """Index-only labels 0..n-1."""
        if self._labels is None and self._count == int(n) and self.picture is not None:
            return  # unchanged: keep the cached picture
        self._labels = None
        self._tokens = []
        self._count = int(n)
        digits = self._text_width("0" * len(str(max(n - 1, 0))))
        self._label_px = 8.0 + digits
        if self.orientation in ("left", "right"):
            # reserve the text space up front so labels show on the very first paint
            self.setStyle(tickTextWidth=int(digits) + 4)
        self.picture = None
        self.update()

    def set_tokens(self, tokens: list[str], unchanged: int | None = None) -> None:
        """Token labels (made visible and shortened). ``unchanged``: the first ``unchanged``
        tokens equal those of the previous call (their labels are kept: typing costs O(new));
        None: found by comparing with the previous tokens."""
        old = self._labels if self._labels is not None else []
        if unchanged is None:
            m = min(len(old), len(tokens))
            unchanged = m if self._tokens[:m] == list(tokens[:m]) else 0
        self._tokens = list(tokens)
        keep = max(0, min(int(unchanged), len(old), len(tokens)))
        if keep == len(old) == len(tokens) and self._labels is not None:
            return  # same tokens: keep the cached picture
        del old[keep:]
        old.extend(short_label(t) for t in tokens[keep:])
        self._labels = old
        self._count = len(self._labels)
        # the typical label width is estimated from the first 2000 labels, again when that
        # sample changed or grew by a tenth (not on every keystroke)
        n_sample = min(len(self._labels), 2000)
        if keep < self._sample_n or n_sample > 1.1 * self._sample_n + 1:
            self._sample_n = n_sample
            sample = self._labels[:2000]
            if sample:
                widths = sorted(len(s) for s in sample)
                typical = widths[min(len(widths) - 1, int(0.9 * len(widths)))]
                self._label_px = 8.0 + self._text_width("M" * max(1, typical)) * 0.8
        self.picture = None
        self.update()

    def count(self) -> int:
        return self._count

    def _text_width(self, s: str) -> float:
        font = self.style.get("tickFont") or QFont()
        return float(QFontMetrics(font).horizontalAdvance(s))

    # -- tick selection ---------------------------------------------------------------------
    def max_labels_for(self, size_px: float) -> int:
        """How many labels fit in ``size_px`` pixels along the axis (capped at MAX_LABELS)."""
        if self.orientation in ("left", "right"):
            font = self.style.get("tickFont") or QFont()
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
        lo = max(0, int(math.ceil(min_val - self._offset - 1e-9)))
        hi = min(n - 1, int(math.floor(max_val - self._offset + 1e-9)))
        if hi < lo:
            return 1, []
        step = nice_step(hi - lo + 1, self.max_labels_for(size_px))
        first = ((lo + step - 1) // step) * step
        return step, [i + self._offset for i in range(first, hi + 1, step)]

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph API)
        step, ticks = self.token_ticks(minVal, maxVal, size)
        self.last_ticks = ticks
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
