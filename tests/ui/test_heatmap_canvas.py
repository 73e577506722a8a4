"""HeatmapCanvas: the widget that paints a heatmap's cells, cursor and selected row over the
plot's data area (so a keystroke repaints a plain widget, not the plot's scene)."""
import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from rnnviz.ui import theme
from rnnviz.ui.export import export_plots
from rnnviz.ui.heatmap_view import HeatmapView


@pytest.fixture
def view(qtbot):
    w = HeatmapView("h")
    qtbot.addWidget(w)
    w.resize(700, 300)
    w.show()
    qtbot.waitExposed(w)
    return w


def _values(T=30, H=16, seed=0):
    return np.tanh(np.random.default_rng(seed).normal(size=(T, H)))


def _rgb(img: QImage) -> np.ndarray:
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    bgra = np.array(img.constBits()).reshape(img.height(), img.width(), 4)  # 0xAARRGGBB, little-endian
    return bgra[:, :, 2::-1].copy()  # (height, width, [r, g, b])


def test_the_canvas_covers_the_data_area_and_follows_it(view):
    view.set_data(_values(), ["a"] * 30, "diverging")
    QApplication.processEvents()
    canvas, vb = view.canvas, view.plot.getViewBox()

    def data_area():
        return view.plot_widget.mapFromScene(vb.mapRectToScene(QRectF(0, 0, vb.width(), vb.height()))).boundingRect()
    assert canvas.isVisible()
    assert abs(canvas.geometry().left() - data_area().left()) <= 1
    assert abs(canvas.geometry().width() - data_area().width()) <= 2
    assert abs(canvas.geometry().height() - data_area().height()) <= 2
    view.resize(500, 400)
    QApplication.processEvents()
    assert abs(canvas.geometry().width() - data_area().width()) <= 2
    assert abs(canvas.geometry().height() - data_area().height()) <= 2
    view.set_time_labels(False)  # the data area grows downwards
    QApplication.processEvents()
    assert abs(canvas.geometry().height() - data_area().height()) <= 2
    view.set_data(np.zeros((0, 0)), [], "diverging")  # the empty hint is drawn by the plot
    assert not canvas.isVisible() and view.hint_text()


def test_cell_pixels_have_the_colour_of_their_value(view):
    values = _values()
    view.set_data(values, ["a"] * 30, "diverging")
    img = view.canvas.grab().toImage()
    to_px = view.canvas.data_to_pixels()
    lut = view.image._lut32
    lo, hi = view.levels()
    for t, u in [(0, 0), (7, 3), (29, 15), (15, 8)]:
        p = to_px.map(QPointF(t + 0.5, u + 0.5))
        index = int(np.clip((values[t, u] - lo) * len(lut) / (hi - lo), 0, len(lut) - 1))
        assert img.pixel(int(p.x()), int(p.y())) == int(lut[index]), (t, u)


def test_the_canvas_draws_what_the_scene_would(view):
    """The cells on screen (canvas) equal the plot's scene rendered with the item drawing
    itself, as an export does."""
    view.set_data(_values(), ["a"] * 30, "sequential")
    canvas = view.canvas
    on_screen = _rgb(canvas.grab().toImage())
    scene_img = QImage(canvas.size(), QImage.Format.Format_ARGB32_Premultiplied)
    scene_img.fill(view.plot_widget.backgroundBrush().color())
    painter = QPainter(scene_img)
    target = QRectF(0, 0, canvas.width(), canvas.height())
    source = view.plot_widget.mapToScene(canvas.geometry()).boundingRect()
    view.plot_widget.scene().render(painter, target, source)
    painter.end()
    rendered = _rgb(scene_img)
    inner = (slice(2, -2), slice(2, -2))  # the edges may round to the neighbouring pixel
    same = np.all(on_screen[inner] == rendered[inner], axis=2)
    assert same.mean() > 0.97, same.mean()


def test_exported_heatmap_holds_the_cells_cursor_and_outline(view, tmp_path):
    view.set_data(_values(), ["a"] * 30, "diverging")
    view.set_cursor(10)
    view.set_selected_unit(5)
    (png,) = export_plots(view, tmp_path, formats=("png",))
    rgb = _rgb(QImage(str(png)))
    cells = rgb[:, : int(rgb.shape[1] * 0.7)].astype(int)  # left of the colour bar
    saturated = (cells.max(axis=2) - cells.min(axis=2)) > 60  # red and blue cells; text is grey
    assert saturated.mean() > 0.3, saturated.mean()  # the cells, not an empty plot
    # the cursor and the selected unit's outline, as on screen (and as the other plots export
    # their cursors)
    accent = QColor(theme.accent_color())
    is_accent = np.all(rgb == (accent.red(), accent.green(), accent.blue()), axis=2)
    columns = np.flatnonzero(is_accent.sum(axis=0) > 0.5 * rgb.shape[0] * 0.3)
    assert columns.size and np.ptp(columns) <= 4, columns  # one vertical line
    rows = np.flatnonzero(is_accent.sum(axis=1) > 0.3 * rgb.shape[1] * 0.5)
    assert rows.size >= 2, rows  # the outline's top and bottom edges


def test_selected_row_is_outlined_in_the_accent_colour(view):
    view.set_data(_values(), ["a"] * 30, "diverging")
    view.set_selected_unit(4)
    to_px = view.canvas.data_to_pixels()
    img = view.canvas.grab().toImage()
    top = to_px.map(QPointF(12.5, 4.0))
    accent = theme.accent_color().rgb()
    column = [img.pixel(int(top.x()), y) for y in range(int(top.y()) - 2, int(top.y()) + 3)]
    assert accent in column
    view.set_selected_unit(None)
    img = view.canvas.grab().toImage()
    column = [img.pixel(int(top.x()), y) for y in range(int(top.y()) - 2, int(top.y()) + 3)]
    assert accent not in column
