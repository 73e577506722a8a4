"""One unit's activation over time, as a line."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from rnnviz.ui import theme
from rnnviz.ui.time_plot import TimePlot

TOOLTIP = (
    "The selected unit's value after each token (x = time step, its token on the axis).\n"
    "The dashed line is 0; the magenta line is the time cursor. Hover to read a value."
)


#: a dot marks each step of series up to this long
MAX_DOTS = 200


class UnitLineView(TimePlot):
    """Plots ``values[t]`` (one unit's activation) against the time step t."""

    def __init__(self, title: str = "selected unit", parent: QWidget | None = None) -> None:
        super().__init__(title, "value", parent)
        self._values = np.zeros(0)
        self._label = ""
        fg = theme.foreground_color()
        self.zero_line = pg.InfiniteLine(pos=0, angle=0, movable=False,
                                         pen=pg.mkPen(fg, width=1, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.zero_line.setOpacity(0.5)
        self.plot.addItem(self.zero_line, ignoreBounds=True)
        color = theme.diverging_map().map(0.1, mode="qcolor")
        # a 1-px cosmetic pen: wider antialiased pens go through Qt's slow stroker
        self.curve = self.plot.plot([], [], pen=pg.mkPen(color, width=1.0))
        self.curve.setDownsampling(auto=True, method="peak")
        self.curve.setClipToView(True)
        # a dot per step while they are distinguishable; typing at the end adds one dot
        # instead of rebuilding them all
        self.markers = pg.ScatterPlotItem(size=5, brush=pg.mkBrush(color), pen=None)
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
        appended = label == self._label and n < T and np.array_equal(old, v[:n], equal_nan=True)
        self._values = v.copy()
        self._label = label
        # no antialiasing once the dots are gone: an antialiased path is blended, and Qt blends
        # paths taller than ~96 pixel rows on its thread pool (slow when the machine is busy)
        self.curve.setData(np.arange(T, dtype=float), v, antialias=T <= MAX_DOTS)
        if T > MAX_DOTS:
            if len(self.markers.data):
                self.markers.setData([], [])
        elif appended and len(self.markers.data) == n:
            self.markers.addPoints(x=np.arange(n, T, dtype=float), y=v[n:])
        else:
            self.markers.setData(np.arange(T, dtype=float), v)
        self.set_title(label or "selected unit")
        self._set_tokens(tokens)
        vb = self.plot.getViewBox()
        if y_range is not None:
            lo, hi = y_range
            if T and np.isfinite(v).any():
                lo, hi = min(lo, float(np.nanmin(v))), max(hi, float(np.nanmax(v)))
            vb.setYRange(lo, hi, padding=0.05)
        else:
            vb.enableAutoRange(axis="y")

    def series(self) -> np.ndarray:
        return self._values.copy()

    def label(self) -> str:
        return self._label

    def _readout_for(self, step: int) -> str:
        return super()._readout_for(step) + f" \u00b7 value {self._values[step]:+.3f}"
