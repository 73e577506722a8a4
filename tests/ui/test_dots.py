"""Dots and Ring: the light marker items of the trajectory and the unit line."""
import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QBrush, QColor

from rnnviz.ui.dots import Dots, Ring

BG = QColor(255, 255, 255)


@pytest.fixture
def plot(qtbot):
    w = pg.PlotWidget(background=BG)
    qtbot.addWidget(w)
    w.resize(300, 300)
    w.hideAxis("left")
    w.hideAxis("bottom")
    w.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    w.show()
    qtbot.waitExposed(w)
    return w


def _pixel(plot, img, x, y, dx=0.0, dy=0.0) -> QColor:
    """Colour of the grabbed ``img`` at data (x, y), moved by (dx, dy) pixels."""
    p = plot.mapFromScene(plot.getPlotItem().vb.mapViewToScene(QPointF(x, y)))
    ratio = img.devicePixelRatio()
    return img.pixelColor(int(round((p.x() + dx) * ratio)), int(round((p.y() + dy) * ratio)))


def test_dots_hold_points_steps_and_brushes():
    red, blue = QBrush(QColor("red")), QBrush(QColor("blue"))
    d = Dots(size=8)
    d.set_points([1, 2], [3, 4], [red, blue], steps=[10, 20])
    d.add_points([5], [6], blue, steps=[30])
    assert len(d) == 3
    np.testing.assert_array_equal(d.points(), [[1, 3], [2, 4], [5, 6]])
    assert d.steps().tolist() == [10, 20, 30]
    assert [b.color().name() for b in d.brushes()] == ["#ff0000", "#0000ff", "#0000ff"]
    assert d.dataBounds(0) == (1.0, 5.0) and d.dataBounds(1) == (3.0, 6.0)
    d.set_points([], [])
    assert len(d) == 0 and d.dataBounds(0) == (None, None) and d.boundingRect().isEmpty()
    d.set_points([1, 2], [1, 2])  # no steps: numbered from 0, the default brush
    assert d.steps().tolist() == [0, 1] and len(d.brushes()) == 2


def test_dots_reject_mismatched_input():
    d = Dots()
    with pytest.raises(ValueError, match="same length"):
        d.set_points([1, 2], [1])
    with pytest.raises(ValueError, match="one entry per point"):
        d.set_points([1, 2], [1, 2], steps=[0])
    with pytest.raises(ValueError, match="one per point"):
        d.set_points([1, 2], [1, 2], brushes=[QBrush(QColor("red"))])
    assert len(d) == 0  # nothing half-set


def test_dots_are_drawn_in_their_colours_at_their_points(plot):
    red, blue = QBrush(QColor(220, 0, 0)), QBrush(QColor(0, 0, 220))
    d = Dots(size=10)
    d.set_points([2, 7, np.nan], [3, 6, 5], [red, blue, red])
    plot.addItem(d)
    img = plot.grab().toImage()
    assert _pixel(plot, img, 2, 3).name() == "#dc0000"
    assert _pixel(plot, img, 7, 6).name() == "#0000dc"
    assert _pixel(plot, img, 7, 6, dx=3).name() == "#0000dc"   # inside the 10-px disc
    assert _pixel(plot, img, 7, 6, dx=8) == BG                  # outside it
    assert _pixel(plot, img, 5, 5) == BG                        # no dot there (NaN x)
    # the bounding rect covers every disc: pixel padding around the data bounds
    br = d.boundingRect()
    assert br.left() < 2 and br.right() > 7 and br.top() < 3 and br.bottom() > 6


def test_dots_added_in_new_colours_after_a_paint_are_drawn_in_those_colours(plot):
    """The sprites of all colours sit in one atlas pixmap: a colour first seen after a paint
    must be added to it, and the dots drawn before keep theirs."""
    d = Dots(size=10, brush=QBrush(QColor(220, 0, 0)))
    d.set_points([2], [2])
    plot.addItem(d)
    assert _pixel(plot, plot.grab().toImage(), 2, 2).name() == "#dc0000"
    rows = [(7.0, range(3, 9)), (8.5, range(1, 10))]  # 6 new colours, then 10 more (the atlas grows)
    for row, (y, xs) in enumerate(rows):
        colours = [QColor(10 * row, 20 * x, 200) for x in xs] + ([QColor(90, 90, 0)] * 3 if row else [])
        ys = [y] * len(xs) + ([5.0] * 3 if row else [])
        d.add_points(list(xs) + ([3, 5, 7] if row else []), ys, [QBrush(c) for c in colours])
        img = plot.grab().toImage()
        assert _pixel(plot, img, 2, 2).name() == "#dc0000"
        for r, (y_r, xs_r) in enumerate(rows[:row + 1]):
            for x in xs_r:
                assert _pixel(plot, img, x, y_r).name() == QColor(10 * r, 20 * x, 200).name(), (r, x)
    assert _pixel(plot, img, 5, 5).name() == "#5a5a00"


def test_dots_keep_their_colours_when_brushes_are_reused_and_after_many_brushes(plot):
    """Slots are looked up by brush object, then by colour: a brush given again, and brushes
    given after the by-object memo was cleared (more than 4,096 brush objects), keep their
    colours."""
    red, green = QBrush(QColor(200, 0, 0)), QBrush(QColor(0, 150, 0))
    d = Dots(size=10)
    plot.addItem(d)
    d.set_points([2, 8], [2, 2], [red, green])
    plot.grab()
    many = [QBrush(QColor(0, 0, 100 + k % 3)) for k in range(5000)]  # 5,000 objects, 3 colours
    d.set_points(np.linspace(1, 9, 5000), np.full(5000, 8.0), many)
    d.set_points([2, 8, 5], [2, 2, 5], [green, red, many[0]])  # the first two swapped
    img = plot.grab().toImage()
    assert _pixel(plot, img, 2, 2).name() == "#009600"
    assert _pixel(plot, img, 8, 2).name() == "#c80000"
    assert _pixel(plot, img, 5, 5).name() == "#000064"
    assert _pixel(plot, img, 5, 8) == BG


def test_dots_follow_the_view_and_keep_their_pixel_size(plot):
    d = Dots(size=10, brush=QBrush(QColor(0, 160, 0)))
    d.set_points([5], [5])
    plot.addItem(d)
    before = d.boundingRect()
    plot.setRange(xRange=(0, 100), yRange=(0, 100), padding=0)
    img = plot.grab().toImage()
    assert _pixel(plot, img, 5, 5).name() == "#00a000"
    assert _pixel(plot, img, 5, 5, dx=3).name() == "#00a000"
    assert _pixel(plot, img, 5, 5, dx=8) == BG
    assert d.boundingRect().width() > before.width()  # same pixels, more data units


def test_ring_is_hollow_and_keeps_its_pixel_size(plot):
    ring = Ring(QColor(200, 0, 200), size=18, width=3)
    plot.addItem(ring)
    for hi in (10, 1000):
        plot.setRange(xRange=(0, hi), yRange=(0, hi), padding=0)
        c = 0.4 * hi
        ring.setPos(c, c)
        img = plot.grab().toImage()
        assert _pixel(plot, img, c, c) == BG                     # hollow
        edge = _pixel(plot, img, c, c, dx=7.5)                   # on the ring (radius 7.5 px)
        assert edge.red() > 150 and edge.green() < 80, edge.name()
        assert _pixel(plot, img, c, c, dx=12) == BG              # outside
