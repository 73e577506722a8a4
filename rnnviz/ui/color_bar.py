"""A vertical colour scale with an axis, for one image item (lighter than pg.ColorBarItem)."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QBrush, QPen
from PySide6.QtWidgets import QGraphicsGridLayout, QSizePolicy


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
        self.axis = pg.AxisItem("right")
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

