"""A vertical time cursor for pyqtgraph plots, cheap enough to move on every keystroke."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsObject

from rnnviz.ui import theme


class TimeCursor(QGraphicsObject):
    """A ``line_px``-wide line over a ``halo_px``-wide band, at x = :meth:`value` (data
    coordinates) across the whole height of a ViewBox.

    Why not ``pg.InfiniteLine``: it recomputes its bounding rect in Python whenever it moves
    and strokes a wide pen; Qt rasterises a stroke taller than 96 pixels with blending on its
    thread pool (tens of microseconds to milliseconds per paint on a busy machine). This item
    lives in the ViewBox's own (pixel) coordinates and paints two opaque, pixel-aligned
    rectangles, which Qt fills with plain memory writes.
    """

    def __init__(self, view_box: pg.ViewBox, color, halo_color=None, line_px: int = 2,
                 halo_px: int = 6) -> None:
        super().__init__(view_box)
        self._vb = view_box
        self._color = QColor(color)
        self._color.setAlpha(255)
        self._halo = None
        if halo_color is not None:
            self._halo = QColor(halo_color)
            self._halo.setAlpha(255)
        self._line_px = int(line_px)
        self._halo_px = int(halo_px) if self._halo is not None else int(line_px)
        self._value: float | None = None
        self._height = 0.0
        self._to_box = None  # data -> ViewBox coordinates, cached until the view changes
        self.setZValue(20)
        self.hide()
        view_box.sigTransformChanged.connect(self._view_changed)
        view_box.sigResized.connect(self._view_changed)

    def follow_palette(self, old: dict, new: dict) -> None:
        """After a palette change: line and band in the new palette's colours."""
        self._color = theme.swap_colour(self._color, old, new)
        self._halo = theme.swap_colour(self._halo, old, new)
        self.update()

    def value(self) -> float | None:
        """x of the cursor in data coordinates (None when hidden)."""
        return self._value

    def set_value(self, x: float | None) -> None:
        """Move the cursor to data x (None hides it)."""
        x = None if x is None else float(x)
        if x is not None and x == self._value and self._to_box is not None and self.isVisible():
            return  # already there (the views set the cursor on every redraw)
        self._value = x
        if x is None:
            self.hide()
            return
        self._place()
        self.show()

    def _view_changed(self, *args) -> None:
        self._to_box = None
        self._place()

    def _place(self) -> None:
        if self._value is None:
            return
        if self._to_box is None:
            self._vb.updateMatrix()
            self._to_box = self._vb.childTransform()
        px = self._to_box.map(QPointF(self._value, 0.0)).x()
        height = float(self._vb.height())
        if height != self._height:
            self.prepareGeometryChange()
            self._height = height
        self.setPos(round(px), 0.0)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        w = self._halo_px
        return QRectF(-w / 2 - 1, 0.0, w + 2, self._height)

    def paint(self, painter, *args) -> None:
        h = self._height
        if self._halo is not None:
            painter.fillRect(QRectF(-self._halo_px / 2, 0.0, self._halo_px, h), self._halo)
        painter.fillRect(QRectF(-self._line_px / 2, 0.0, self._line_px, h), self._color)
