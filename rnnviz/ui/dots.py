"""Light marker items for plots that repaint on every keystroke: coloured dots and a ring.

``pg.ScatterPlotItem`` is general (symbols, per-point pens, hover, picking) and costs about
0.25 ms a paint and 25 us a ``boundingRect`` in Python, even for one point; Qt asks for the
bounding rect several times a frame. The live views only need round dots of one size, a colour
per dot, and one ring for the time cursor:

* :class:`Dots` maps its points to the device with one NumPy expression and draws them all
  in one ``drawPixmapFragments`` call from an atlas of pre-drawn sprites, one per colour (a
  Python ``drawPixmap`` per dot cost ~5 us: 1.2 ms for the trajectory's 250 markers at 1,000
  tokens); its bounding rect is cached until the points or the view change. The fragment
  array is pyqtgraph's ``PrimitiveArray`` (``pyqtgraph.Qt.internals``, what its
  ScatterPlotItem uses), which knows how each Qt binding takes a C array of fragments.
* :class:`Ring` ignores the view's transform (its coordinates are pixels), so it only moves.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap

from rnnviz.ui import theme


def _sprite(color: QColor, diameter: int) -> QPixmap:
    """An antialiased disc of ``diameter`` pixels in ``color`` on a transparent pixmap."""
    pix = QPixmap(diameter + 2, diameter + 2)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(color)
    p.drawEllipse(QRectF(1.0, 1.0, diameter, diameter))
    p.end()
    return pix


def device_xy(transform, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Device positions of the points (x[k], y[k]) under the affine QTransform ``transform``,
    in one expression (x' = m11 x + m21 y + dx, y' = m12 x + m22 y + dy)."""
    return (transform.m11() * x + transform.m21() * y + transform.dx(),
            transform.m12() * x + transform.m22() * y + transform.dy())


class Dots(pg.GraphicsObject):
    """Round dots of ``size`` pixels at data points, each with its own brush.

    ``set_points(x, y, brushes, steps)`` replaces the points, ``add_points`` appends; ``steps``
    tags each dot with an integer (the time step it marks). ``brushes`` is one QBrush for all or
    one per point; a brush's colour is read when it is given (changing it afterwards does not
    recolour the dots). Every colour ever given keeps a sprite in the atlas: meant for a
    palette of at most a few hundred colours, as the live views use.
    """

    def __init__(self, size: int = 8, brush: QBrush | None = None) -> None:
        super().__init__()
        self._size = int(size)
        self._side = self._size + 2  # the sprites' square (see _sprite), slot k at x = k * side
        self._default = QBrush(brush) if brush is not None else QBrush(QColor(128, 128, 128))
        self._x = np.zeros(0)
        self._y = np.zeros(0)
        self._steps = np.zeros(0, np.int64)
        self._brushes: list[QBrush] = []
        self._slots = np.zeros(0, np.int64)      # per dot: its colour's sprite in the atlas
        self._slot_of_rgba: dict[int, int] = {}  # rgba -> slot (atlas column)
        self._slot_of_brush: dict[int, tuple[QBrush, int]] = {}  # id -> (brush, slot): no
        # colour lookup for brushes seen before (the brush is held, so its id is not reused)
        self._atlas: QPixmap | None = None       # every slot's sprite side by side
        self._atlas_drawn = 0                    # slots drawn into the atlas so far
        self._fragments = PrimitiveArray(QPainter.PixmapFragment, 10)
        self._rect: QRectF | None = None

    # -- data -----------------------------------------------------------------------------------
    def set_points(self, x, y, brushes=None, steps=None) -> None:
        """Show dots at (x[k], y[k]) (data coordinates)."""
        x, y = self._coords(x, y)
        steps, brushes = self._steps_for(steps, x.shape[0], 0), self._brushes_for(brushes, x.shape[0])
        slots = self._slots_for(brushes)
        self.prepareGeometryChange()
        self._x, self._y, self._steps, self._brushes = x.copy(), y.copy(), steps, brushes
        self._slots = slots
        self._rect = None
        self.update()

    def add_points(self, x, y, brushes=None, steps=None) -> None:
        """Append dots (as :meth:`set_points` for the new ones)."""
        x, y = self._coords(x, y)
        if x.shape[0] == 0:
            return
        steps = self._steps_for(steps, x.shape[0], len(self))
        brushes = self._brushes_for(brushes, x.shape[0])
        slots = self._slots_for(brushes)
        self.prepareGeometryChange()
        self._x, self._y = np.r_[self._x, x], np.r_[self._y, y]
        self._steps, self._brushes = np.r_[self._steps, steps], self._brushes + brushes
        self._slots = np.r_[self._slots, slots]
        self._rect = None
        self.update()

    @staticmethod
    def _coords(x, y) -> tuple[np.ndarray, np.ndarray]:
        x, y = np.asarray(x, np.float64).ravel(), np.asarray(y, np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError(f"x and y must have the same length, got {x.shape[0]} and {y.shape[0]}")
        return x, y

    @staticmethod
    def _steps_for(steps, n: int, first: int) -> np.ndarray:
        """``steps`` checked, or first, first + 1, ... when None."""
        if steps is None:
            return np.arange(first, first + n, dtype=np.int64)
        steps = np.asarray(steps, np.int64).ravel()
        if steps.shape[0] != n:
            raise ValueError(f"steps must have one entry per point: {steps.shape[0]} for {n}")
        return steps

    def _brushes_for(self, brushes, n: int) -> list[QBrush]:
        if brushes is None or isinstance(brushes, (QBrush, QColor)):
            return [QBrush(brushes) if brushes is not None else self._default] * n
        brushes = list(brushes)
        if len(brushes) != n:
            raise ValueError(f"brushes must be one brush or one per point: {len(brushes)} for {n}")
        return brushes

    def __len__(self) -> int:
        return int(self._x.shape[0])

    def points(self) -> np.ndarray:
        """(n, 2) data positions of the dots."""
        return np.c_[self._x, self._y]

    def steps(self) -> np.ndarray:
        """The integer tag of each dot."""
        return self._steps.copy()

    def brushes(self) -> list[QBrush]:
        return list(self._brushes)

    # -- geometry -----------------------------------------------------------------------------
    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):  # noqa: N802 (pyqtgraph API)
        d = self._x if ax == 0 else self._y
        d = d[np.isfinite(d)]
        if d.size == 0:
            return None, None
        return float(d.min()), float(d.max())

    def viewTransformChanged(self) -> None:  # noqa: N802 (pyqtgraph hook)
        super().viewTransformChanged()
        # the padding of the bounding rect is in pixels: it changes with the view's scale
        self.prepareGeometryChange()
        self._rect = None

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        if self._rect is None:
            finite = np.isfinite(self._x) & np.isfinite(self._y)
            if not finite.any():
                self._rect = QRectF()
            else:
                x, y = self._x[finite], self._y[finite]
                r = self._size / 2.0 + 2.0
                px, py = (self.pixelWidth() or 0.0) * r, (self.pixelHeight() or 0.0) * r
                x0, x1, y0, y1 = float(x.min()), float(x.max()), float(y.min()), float(y.max())
                self._rect = QRectF(x0 - px, y0 - py, x1 - x0 + 2 * px, y1 - y0 + 2 * py)
        return QRectF(self._rect)

    # -- painting -------------------------------------------------------------------------------
    def _slots_for(self, brushes: list[QBrush]) -> np.ndarray:
        """The atlas slot of each brush's colour (new colours get new slots)."""
        by_brush, by_rgba = self._slot_of_brush, self._slot_of_rgba
        if len(by_brush) > 4096:
            by_brush.clear()
        out = np.empty(len(brushes), np.int64)
        for k, brush in enumerate(brushes):
            hit = by_brush.get(id(brush))
            if hit is None:
                rgba = brush.color().rgba()
                slot = by_rgba.get(rgba)
                if slot is None:
                    slot = by_rgba[rgba] = len(by_rgba)
                hit = by_brush[id(brush)] = (brush, slot)
            out[k] = hit[1]
        return out

    def _atlas_pixmap(self) -> QPixmap:
        """Every colour's sprite (see :func:`_sprite`) in a row, slot k at x = k * side.

        New colours are drawn into free room on the right (typing colours each new marker by
        its step); when the room is used up, the atlas is copied into one twice as wide."""
        n, side = len(self._slot_of_rgba), self._side
        atlas = self._atlas
        if atlas is not None and n <= self._atlas_drawn:
            return atlas
        if atlas is None or n * side > atlas.width():
            grown = QPixmap(side * max(16, 2 * n), side)
            grown.fill(Qt.GlobalColor.transparent)
            if atlas is not None:
                p = QPainter(grown)
                p.drawPixmap(0, 0, atlas)
                p.end()
            atlas = self._atlas = grown
        p = QPainter(atlas)
        for rgba, slot in self._slot_of_rgba.items():
            if slot >= self._atlas_drawn:
                p.drawPixmap(slot * side, 0, _sprite(QColor.fromRgba(rgba), self._size))
        p.end()
        self._atlas_drawn = n
        return atlas

    def paint(self, painter, *args) -> None:
        n = self._x.shape[0]
        if n == 0:
            return
        tr = painter.transform()
        dx, dy = device_xy(tr, self._x, self._y)
        ok = np.isfinite(dx) & np.isfinite(dy)
        m = int(np.count_nonzero(ok))
        if m == 0:
            return
        side = self._side
        half = side / 2.0
        frags = self._fragments
        frags.resize(m)
        f = frags.ndarray()
        # a fragment is (centre x, centre y, source left, top, width, height, scale x, scale y,
        # rotation, opacity); the sprite's top-left lands on a whole device pixel
        f[:, 0] = np.rint(dx[ok] - half) + half
        f[:, 1] = np.rint(dy[ok] - half) + half
        f[:, 2] = self._slots[ok] * side
        f[:, 3] = 0.0
        f[:, 4:6] = side
        f[:, 6:8] = 1.0
        f[:, 8] = 0.0
        f[:, 9] = 1.0
        atlas = self._atlas_pixmap()
        painter.resetTransform()
        painter.drawPixmapFragments(*frags.drawargs(), atlas)


class Ring(pg.GraphicsObject):
    """A ring of ``size`` pixels (outer diameter) drawn with a ``width``-pixel pen, centred on
    its position (data coordinates; :meth:`setPos`). Its own coordinates are pixels."""

    def __init__(self, color, size: int = 18, width: int = 3) -> None:
        super().__init__()
        self.setFlag(self.GraphicsItemFlag.ItemIgnoresTransformations)
        self._pen = QPen(QColor(color), width)
        r = (size - width) / 2.0
        self._circle = QRectF(-r, -r, 2 * r, 2 * r)
        m = size / 2.0 + 1.0
        self._rect = QRectF(-m, -m, 2 * m, 2 * m)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        return self._rect

    def follow_palette(self, old: dict, new: dict) -> None:
        """After a palette change: the ring in the new palette's colour."""
        self._pen.setColor(theme.swap_colour(self._pen.color(), old, new))
        self.update()

    def paint(self, painter, *args) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self._pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(self._circle)
