"""A vertical colour scale with an axis, for one image item (lighter than pg.ColorBarItem)."""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QFont, QFontMetricsF, QPen
from PySide6.QtWidgets import QGraphicsGridLayout, QSizePolicy

#: tick labels a colour bar's axis always has room for: the widest that h, c and the gates show
#: (down to "-0.25" on a tall bar; a cell state's ±L up to ±5000). Bars with other levels then
#: have the same width, so heatmaps stacked in a column keep their time steps aligned.
RESERVED_LABELS = ("-0.25", "-1000")


class _Strip(pg.GraphicsWidget):
    """The colour gradient, low values at the bottom."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self._cmap: pg.ColorMap | None = None
        self.setMinimumWidth(width)
        self.setMaximumWidth(width)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        # a pixmap between changes: views that repaint whole on every key (the trajectory)
        # would otherwise rebuild the gradient each time
        self.setCacheMode(self.CacheMode.DeviceCoordinateCache)

    def set_colormap(self, cmap: pg.ColorMap) -> None:
        self._cmap = cmap
        self.update()

    def paint(self, painter, *args) -> None:
        if self._cmap is None:
            return
        r = self.boundingRect().adjusted(0.5, 0.5, -0.5, -0.5)
        grad = self._cmap.getGradient(QPointF(0, r.bottom()), QPointF(0, r.top()))
        painter.fillRect(r, QBrush(grad))
        painter.setPen(QPen(pg.mkColor(128, 128, 128), 0))
        painter.drawRect(r)


class ValueAxis(pg.AxisItem):
    """A right-hand axis with room for the ``reserved`` labels whatever labels it shows.

    pyqtgraph sizes an axis to the labels it drew last (and keeps a wider size while the new
    labels are less than 10 px narrower), so two colour bars with the levels 0..1 ("0.2") and
    -1..1 ("-0.5") had different widths, and the plots beside them different widths too. Only
    a label wider than all reserved ones widens this axis.
    """

    def __init__(self, reserved: tuple[str, ...] = RESERVED_LABELS) -> None:
        super().__init__("right")
        self._reserved_px = max((self.label_width(s) for s in reserved), default=0)
        self.textWidth = self._reserved_px
        self._updateWidth()

    def label_width(self, text: str) -> int:
        """Pixels that ``text`` takes as a tick label (measured as pyqtgraph's drawing does)."""
        font = self.style.get("tickFont") or QFont()
        box = QFontMetricsF(font).boundingRect(QRectF(0, 0, 100, 100), Qt.AlignmentFlag.AlignCenter, text)
        return math.ceil(box.width())

    def _updateMaxTextSize(self, x) -> None:  # noqa: N802 (pyqtgraph API)
        width = max(self._reserved_px, math.ceil(x))
        if width != self.textWidth:
            self.textWidth = width
            self._updateWidth()


class ColorBar(pg.GraphicsWidget):
    """Colour map ``cmap`` over the levels ``values`` (low, high), with a value axis.

    :meth:`setImageItem` hands the map and levels to an image item (its lookup table and
    levels), as ``pg.ColorBarItem`` does; building a ColorBarItem costs ~30 ms (it is a whole
    PlotItem), this costs ~3 ms, which matters with eight of them at startup.
    """

    def __init__(self, values=(0.0, 1.0), colorMap: pg.ColorMap | None = None, width: int = 14,  # noqa: N803
                 label: str | None = None) -> None:
        super().__init__()
        self._values = (float(values[0]), float(values[1]))
        self._cmap = colorMap
        self._image = None
        self.strip = _Strip(width)
        self.axis = ValueAxis()
        self.axis.setRange(*self._values)
        if label:
            self.axis.setLabel(label)
        layout = QGraphicsGridLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(0)
        layout.addItem(self.strip, 0, 0)
        layout.addItem(self.axis, 0, 1)
        self.setLayout(layout)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        if colorMap is not None:
            self.setColorMap(colorMap)

    # -- the pg.ColorBarItem methods rnnviz uses -------------------------------------------------
    def setImageItem(self, image, insert_in=None) -> None:  # noqa: N802
        """Colour ``image`` with this bar; ``insert_in``: a PlotItem to show the bar in, right
        of its view box."""
        self._image = image
        if insert_in is not None:
            insert_in.layout.addItem(self, 2, 5)
            insert_in.layout.setColumnFixedWidth(4, 5)
        self._apply()

    def colorMap(self) -> pg.ColorMap | None:  # noqa: N802
        return self._cmap

    def setColorMap(self, cmap: pg.ColorMap) -> None:  # noqa: N802
        self._cmap = cmap
        self.strip.set_colormap(cmap)
        self._apply()

    def levels(self) -> tuple[float, float]:
        return self._values

    def setLevels(self, values) -> None:  # noqa: N802
        lo, hi = float(values[0]), float(values[1])
        if (lo, hi) == self._values:
            return
        self._values = (lo, hi)
        self.axis.setRange(lo, hi)
        self._apply(lut=False)

    def _apply(self, lut: bool = True) -> None:
        if self._image is None:
            return
        if lut and self._cmap is not None:
            self._image.setLookupTable(self._cmap.getLookupTable(nPts=256), update=False)
        self._image.setLevels(self._values)

