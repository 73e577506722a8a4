"""One unit's activation over time, as a line."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from rnnviz.ui import theme
from rnnviz.ui.dots import Dots
from rnnviz.ui.item_cache import cache_while_still
from rnnviz.ui.time_plot import TimePlot
from rnnviz.ui.token_axis import kept_end

TOOLTIP = (
    "The selected unit's value after each token (x = time step, its token on the axis).\n"
    "The dashed line is 0; the magenta line is the time cursor. Hover to read a value."
)


#: a dot marks each step of series up to this long
MAX_DOTS = 200
#: the line (and its dots) is drawn as a kept piece over steps 0 .. a multiple of this and a
#: tail after it: typing at the end changes only the tail, so the view repaints only the tail's
#: bounding rectangle (a strip at the right) instead of the whole plot
TAIL_CHUNK = 32


class UnitLineView(TimePlot):
    """Plots ``values[t]`` (one unit's activation) against the time step t."""

    def __init__(self, title: str = "selected unit", parent: QWidget | None = None) -> None:
        super().__init__(title, "value", parent)
        theme.configure_view(self.plot_widget, partial=True)
        self._values = np.zeros(0)
        self._label = ""
        self._kept_to = 0       # the kept piece draws steps 0 .. _kept_to (0: no kept piece)
        self._y_range = None
        fg = theme.foreground_color()
        self.zero_line = pg.InfiniteLine(pos=0, angle=0, movable=False,
                                         pen=pg.mkPen(fg, width=1, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.zero_line.setOpacity(0.5)
        self.plot.addItem(self.zero_line, ignoreBounds=True)
        color = theme.diverging_map().map(0.1, mode="qcolor")
        # a 1-px cosmetic pen: wider antialiased pens go through Qt's slow stroker
        pen = pg.mkPen(color, width=1.0)
        self.curve_kept = self.plot.plot([], [], pen=pen)
        self.curve_kept.setDownsampling(auto=True, method="peak")
        self.curve_kept.setClipToView(True)
        # the tail, which changes on every key: a bare curve item (PlotDataItem.setData, which
        # the kept piece uses for its downsampling, costs ~190 us a call, this ~25 us)
        self.curve = pg.PlotCurveItem([], [], pen=pen, connect="finite")
        self.plot.addItem(self.curve)
        # a dot per step while they are distinguishable (kept piece and tail, like the line)
        self.markers_kept = Dots(size=5, brush=pg.mkBrush(color))
        self.markers = Dots(size=5, brush=pg.mkBrush(color))
        self.plot.addItem(self.markers_kept)
        self.plot.addItem(self.markers)
        self.setToolTip(TOOLTIP)
        self.plot_widget.setToolTip(TOOLTIP)
        self.set_series(np.zeros(0), [], "")

    def set_series(self, values: np.ndarray, tokens: list[str], label: str = "",
                   y_range: tuple[float, float] | None = (-1.0, 1.0)) -> None:
        """Show ``values`` (T,) for ``tokens`` (T). ``label`` names the series (e.g. "h unit 7").
        ``y_range`` fixes the y axis (default -1..1 for tanh outputs); None auto-ranges."""
        v = np.asarray(values, dtype=np.float64)
        if v.ndim != 1:
            raise ValueError(f"values must be a 1-D array (T,), got shape {v.shape}")
        if len(tokens) != v.shape[0]:
            raise ValueError(f"tokens must have one entry per step: {len(tokens)} for {v.shape[0]} values")
        old = self._values
        T, n = v.shape[0], old.shape[0]
        dots = T <= MAX_DOTS
        kept_to = kept_end(T, TAIL_CHUNK)
        # the kept piece stays when its steps, the dots' presence and the piece's end are unchanged
        unchanged = (label == self._label and n > self._kept_to and kept_to == self._kept_to
                     and (n <= MAX_DOTS) == dots
                     and np.array_equal(old[:kept_to + 1], v[:kept_to + 1], equal_nan=True))
        self._values = v.copy()
        self._label = label
        # no antialiasing once the dots are gone: an antialiased path is blended, and Qt blends
        # paths taller than ~96 pixel rows on its thread pool (slow when the machine is busy)
        if not unchanged:
            x = np.arange(kept_to + 1, dtype=float)
            self.curve_kept.setData(x if kept_to else [], v[:kept_to + 1] if kept_to else [],
                                    antialias=dots)
            if dots and kept_to:
                _set_dots(self.markers_kept, x[:-1], v[:kept_to])
            elif len(self.markers_kept):
                self.markers_kept.set_points([], [])
            self._kept_to = kept_to
        # the kept piece spans the plot, so each key's repaint of the tail's strip overlaps it:
        # drawn from a pixmap while it stays (typing at the end)
        for item in (self.curve_kept, self.markers_kept):
            cache_while_still(item, changed=not unchanged)
        x = np.arange(kept_to, T, dtype=float)
        self.curve.setData(x, v[kept_to:], antialias=dots)
        if dots:
            _set_dots(self.markers, x, v[kept_to:])
        elif len(self.markers):
            self.markers.set_points([], [])
        self.set_title(label or "selected unit")
        self._set_tokens(tokens)
        vb = self.plot.getViewBox()
        if y_range is not None:
            lo, hi = _range_with(y_range, v)
            if (lo, hi) != self._y_range:  # an unchanged range would still re-lay out the axes
                vb.setYRange(lo, hi, padding=0.05)
                self._y_range = (lo, hi)
        else:
            self._y_range = None
            vb.enableAutoRange(axis="y")

    def series(self) -> np.ndarray:
        return self._values.copy()

    def curve_points(self) -> np.ndarray:
        """The (T, 2) points (step, value) the drawn line goes through (both pieces)."""
        x, y = self.curve.getData()
        tail = np.zeros((0, 2)) if x is None else np.c_[x, y]
        return np.r_[_dataset(self.curve_kept)[:-1], tail] if self._kept_to else tail

    def dot_points(self) -> np.ndarray:
        """The (n, 2) points drawn as dots (every finite step while T <= MAX_DOTS, else none)."""
        pts = [m.points() for m in (self.markers_kept, self.markers) if len(m)]
        return np.concatenate(pts) if pts else np.zeros((0, 2))

    def label(self) -> str:
        return self._label

    def _readout_for(self, step: int) -> str:
        return super()._readout_for(step) + f" \u00b7 value {self._values[step]:+.3f}"


def _set_dots(dots: Dots, x: np.ndarray, y: np.ndarray) -> None:
    """A dot at each finite point (x, y). An overflowing network's ±inf and NaN get none, as
    the line has no point there (a dot there would be placed at inf * 0 = NaN)."""
    ok = np.isfinite(y)
    dots.set_points(x[ok], y[ok])


def _range_with(y_range: tuple[float, float], v: np.ndarray) -> tuple[float, float]:
    """``y_range`` widened to hold the finite values of ``v``. An overflowing network's
    ±inf and NaN are left out: they are not drawn, and a view cannot range to infinity."""
    lo, hi = y_range
    finite = v[np.isfinite(v)]
    if finite.size:
        lo, hi = min(lo, float(finite.min())), max(hi, float(finite.max()))
    return lo, hi


def _dataset(curve) -> np.ndarray:
    x, y = curve.getOriginalDataset()
    return np.zeros((0, 2)) if x is None else np.c_[x, y]
