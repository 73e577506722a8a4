"""The pixels of a heatmap: its cells, the selected unit's outline and the time cursor, painted
by one plain widget laid over the plot's data area.

Why not scene items: a keystroke changes one column of six heatmaps and moves their cursors.
Repainting that strip through a pyqtgraph GraphicsView costs ~0.4 ms a heatmap before any cell
is drawn (the scene's item walk, a dozen Python ``boundingRect`` calls, painter state); a plain
widget with ``WA_OpaquePaintEvent`` repaints it for ~0.03 ms plus the cells themselves. The
plot keeps its title, axes, colour bar, hover and zoom: the canvas follows the ViewBox (its
geometry and its view range) and lets every mouse event through to it.

The cells are still coloured by the plot's :class:`~rnnviz.ui.heatmap_view.ColumnImageItem`
(levels and lookup table from the colour bar): the canvas asks it to draw itself with the
ViewBox's data-to-pixel transform. The item stays in the scene for exports, which render the
scene (``ImageExporter``); on screen it leaves its area to the canvas.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QTransform
from PySide6.QtWidgets import QWidget

from rnnviz.ui import theme


class CanvasCursor:
    """The time cursor of a :class:`HeatmapCanvas`: a ``line_px``-wide line over a
    ``halo_px``-wide band in the background colour (visible on dark and light cells alike),
    at x = :meth:`value` (data coordinates), across the whole height of the data area."""

    def __init__(self, canvas: "HeatmapCanvas", line_px: int = 2, halo_px: int = 6) -> None:
        self._canvas = canvas
        self.line_px, self.halo_px = int(line_px), int(halo_px)
        self._value: float | None = None

    def value(self) -> float | None:
        """x of the cursor in data coordinates (None when hidden)."""
        return self._value

    def isVisible(self) -> bool:  # noqa: N802 (the name of the scene item it replaces)
        return self._value is not None

    def set_value(self, x: float | None) -> None:
        """Move the cursor to data x (None hides it)."""
        x = None if x is None else float(x)
        if x == self._value:
            return
        old, self._value = self.pixel_x(), x
        for px in (old, self.pixel_x()):
            if px is not None:
                self._canvas.update(self.strip(px))

    def pixel_x(self, to_px: QTransform | None = None) -> int | None:
        """The pixel column the line is centred on (None when hidden); ``to_px``: the data to
        pixel transform (default: the canvas')."""
        if self._value is None:
            return None
        to_px = self._canvas.data_to_pixels() if to_px is None else to_px
        return round(to_px.map(QPointF(self._value, 0.0)).x())

    def strip(self, px: int) -> QRect:
        """The canvas pixels the cursor covers when centred on column ``px``."""
        w = self.halo_px
        return QRect(px - w // 2 - 1, 0, w + 2, self._canvas.height())

    def paint(self, painter: QPainter, halo: QColor, line: QColor, to_px: QTransform | None = None,
              area: QRect | None = None) -> None:
        """Draw the cursor over the height of ``area`` (pixels; default: the canvas)."""
        px = self.pixel_x(to_px)
        if px is None:
            return
        area = self._canvas.rect() if area is None else area
        top, h = area.top(), area.height()
        painter.fillRect(QRect(px - self.halo_px // 2, top, self.halo_px, h), halo)
        painter.fillRect(QRect(px - self.line_px // 2, top, self.line_px, h), line)


class CanvasBand:
    """The outline of the selected unit's row over the steps 0 .. T of a :class:`HeatmapCanvas`."""

    PEN_PX = 2

    def __init__(self, canvas: "HeatmapCanvas") -> None:
        self._canvas = canvas
        self._row: int | None = None
        self._T = 0

    def isVisible(self) -> bool:  # noqa: N802 (the name of the scene item it replaces)
        return self._row is not None

    def getRegion(self) -> tuple[int, int]:  # noqa: N802 (the LinearRegionItem name it replaces)
        """(first, end) row of the outlined unit."""
        row = -1 if self._row is None else self._row
        return row, row + 1

    def set_row(self, row: int | None, T: int = 0) -> None:
        """Outline row ``row`` over steps 0 .. ``T`` (None removes the outline). Typing, which
        changes T only, repaints just the piece of outline between the old and the new end."""
        row = None if row is None else int(row)
        T = int(T)
        if (row, T) == (self._row, self._T):
            return
        if row == self._row and row is not None:
            lo, hi = sorted((T, self._T))
            self._T = T
            self._canvas.update_data_rect(QRectF(lo - 1, row, hi - lo + 2, 1))
            return
        for r, t in ((self._row, self._T), (row, T)):
            if r is not None:
                self._canvas.update_data_rect(QRectF(0, r, max(t, 1), 1))
        self._row, self._T = row, T

    def paint(self, painter: QPainter, color: QColor, to_px: QTransform | None = None) -> None:
        if self._row is None or self._T <= 0:
            return
        to_px = self._canvas.data_to_pixels() if to_px is None else to_px
        rect = to_px.mapRect(QRectF(0, self._row, self._T, 1))
        painter.setPen(QPen(color, self.PEN_PX))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)


class HeatmapCanvas(QWidget):
    """Paints ``image`` (a ColumnImageItem), a :class:`CanvasBand` and a :class:`CanvasCursor`
    over the data area of ``plot_widget`` (a pyqtgraph PlotWidget whose ViewBox shows the item).

    Data coordinates are the item's: column t covers x in [t, t+1), unit u covers y in [u, u+1).
    """

    def __init__(self, plot_widget, image) -> None:
        super().__init__(plot_widget.viewport())
        self._pw = plot_widget
        self._vb = plot_widget.getPlotItem().getViewBox()
        self._image = image
        self._to_px: QTransform | None = None  # data -> canvas pixels, until the view changes
        self.cursor = CanvasCursor(self)
        self.band = CanvasBand(self)
        # every pixel is painted here (no background fill by Qt, no repaint of the plot
        # underneath), and the mouse goes to the plot (hover, clicks, wheel zoom)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._vb.sigTransformChanged.connect(self._view_changed)
        self._vb.sigResized.connect(self._view_changed)
        self._vb.geometryChanged.connect(self._view_changed)
        self._follower = _ResizeFollower(self)
        plot_widget.viewport().installEventFilter(self._follower)
        self.hide()

    # -- geometry -------------------------------------------------------------------------------
    def _view_changed(self, *args) -> None:
        self._to_px = None
        self.place()

    def place(self) -> None:
        """Cover the ViewBox's rectangle in the plot's viewport, and repaint."""
        vb = self._vb
        r = self._pw.viewportTransform().mapRect(vb.mapRectToScene(QRectF(0, 0, vb.width(), vb.height())))
        x0, y0, x1, y1 = round(r.left()), round(r.top()), round(r.right()), round(r.bottom())
        self._to_px = None
        self.setGeometry(QRect(x0, y0, max(0, x1 - x0), max(0, y1 - y0)))
        self.update()

    def data_to_pixels(self) -> QTransform:
        """The transform from data coordinates to this widget's pixels: the one the plot's
        scene would draw the item with, less the widget's offset in the viewport."""
        if self._to_px is None:
            vb = self._vb
            vb.updateMatrix()
            self._to_px = (vb.childTransform() * vb.sceneTransform() * self._pw.viewportTransform()
                           * QTransform.fromTranslate(-self.x(), -self.y()))
        return self._to_px

    # -- repainting -----------------------------------------------------------------------------
    def update_data_rect(self, rect: QRectF | None = None) -> None:
        """Repaint the pixels of ``rect`` (data coordinates; None: everything)."""
        if not self.isVisible():
            return
        if rect is None:
            self.update()
            return
        self.update(self.data_to_pixels().mapRect(rect).toAlignedRect().adjusted(-2, -2, 2, 2))

    def paintEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        exposed = QRectF(ev.rect())
        painter = QPainter(self)
        painter.fillRect(exposed, self._pw.backgroundBrush())
        painter.setTransform(self.data_to_pixels())
        self._image.draw(painter)  # clipped to the region being repainted
        painter.resetTransform()
        self._paint_marks(painter, self.data_to_pixels(), self.rect())
        painter.end()

    def paint_marks(self, painter: QPainter) -> None:
        """Draw the outline and the cursor with ``painter``, whose transform maps data
        coordinates to its device (an export of the plot's scene, which does not hold them),
        within the data area shown."""
        to_px = painter.transform()
        area = to_px.mapRect(self._vb.viewRect()).toAlignedRect()
        painter.save()
        painter.resetTransform()
        painter.setClipRect(area)
        self._paint_marks(painter, to_px, area)
        painter.restore()

    def _paint_marks(self, painter: QPainter, to_px: QTransform, area: QRect) -> None:
        """The outline and the cursor in device pixels (``to_px``: data to device; ``area``:
        the data area there, the cursor's height)."""
        accent = theme.accent_color()
        self.band.paint(painter, accent, to_px)
        self.cursor.paint(painter, theme.background_color(), accent, to_px, area)


class _ResizeFollower(QObject):
    """Places the canvas again when the plot's viewport is resized (the scene maps anew)."""

    def __init__(self, canvas: HeatmapCanvas) -> None:
        super().__init__(canvas)
        self._canvas = canvas

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 (Qt API)
        if ev.type() == QEvent.Type.Resize:
            self._canvas._view_changed()
        return False
