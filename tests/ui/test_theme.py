"""theme: pyqtgraph options, colour maps, light/dark palette awareness, tooltips everywhere."""
import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from rnnviz.ui import theme
from rnnviz.ui.heatmap_view import HeatmapView
from rnnviz.ui.line_view import UnitLineView
from rnnviz.ui.prediction_view import ClassProbabilityView, TopKView
from rnnviz.ui.token_strip import TokenStrip
from rnnviz.ui.trajectory_view import TrajectoryView


@pytest.fixture
def dark_palette(qapp):
    old = QPalette(qapp.palette())
    pal = QPalette()
    pal.setColor(QPalette.ColorRole.Window, QColor(30, 30, 30))
    pal.setColor(QPalette.ColorRole.Base, QColor(20, 20, 20))
    pal.setColor(QPalette.ColorRole.Text, QColor(230, 230, 230))
    pal.setColor(QPalette.ColorRole.WindowText, QColor(230, 230, 230))
    qapp.setPalette(pal)
    yield pal
    qapp.setPalette(old)
    theme.configure_pyqtgraph()


def test_configure_sets_row_major(qapp):
    theme.configure_pyqtgraph()
    assert pg.getConfigOption("imageAxisOrder") == "row-major"


def test_light_palette_gives_light_background(qapp):
    theme.configure_pyqtgraph()
    assert not theme.is_dark() or QApplication.palette().color(QPalette.ColorRole.Window).lightnessF() < 0.5
    bg = pg.mkColor(pg.getConfigOption("background"))
    assert bg.name() == theme.background_color().name()


def test_dark_palette_followed(dark_palette):
    assert theme.is_dark()
    theme.configure_pyqtgraph()
    assert pg.mkColor(pg.getConfigOption("background")).lightnessF() < 0.3
    assert pg.mkColor(pg.getConfigOption("foreground")).lightnessF() > 0.7
    assert theme.accent_color().lightnessF() > 0.5


def test_dark_heatmap_renders(qtbot, dark_palette, tmp_path):
    w = HeatmapView("h")
    qtbot.addWidget(w)
    w.resize(600, 300)
    w.set_data(np.tanh(np.random.default_rng(0).normal(size=(10, 8))), list("0123456789"), "diverging")
    img = w.grab().toImage()
    # the plot background (a corner of the plot widget) is dark
    assert img.pixelColor(3, 3).lightnessF() < 0.3
    img.save(str(tmp_path / "dark.png"))


def test_maps_are_colour_blind_safe_choices():
    assert theme.DIVERGING_NAME == "CET-D1A"
    assert theme.SEQUENTIAL_NAME == "viridis"
    d = theme.diverging_map()
    mid = d.map(0.5, mode="qcolor")
    assert mid.lightnessF() > 0.85  # 0 maps to a near-neutral light colour
    assert theme.value_color(-1, "diverging").blue() > theme.value_color(-1, "diverging").red()
    assert theme.value_color(1, "diverging").red() > theme.value_color(1, "diverging").blue()


def test_levels_and_value_colors():
    assert theme.levels_for("diverging") == (-1.0, 1.0)
    assert theme.levels_for("sequential") == (0.0, 1.0)
    assert theme.levels_for("free", np.array([2.0, 5.0])) == (2.0, 5.0)
    assert theme.levels_for("free", np.array([3.0, 3.0])) == (3.0, 4.0)
    with pytest.raises(ValueError):
        theme.levels_for("jet")
    vals = np.array([-2.0, -0.5, 0.0, 0.7, np.nan])
    many = theme.value_colors(vals, "diverging")
    one = [theme.value_color(v, "diverging") for v in vals]
    assert [c.name() for c in many] == [c.name() for c in one]


def test_visible_token():
    assert theme.visible_token("a b\n\t") == "a\u2423b\u23ce\u21e5"


@pytest.mark.parametrize("cls", [HeatmapView, TokenStrip, UnitLineView, TopKView,
                                 ClassProbabilityView, TrajectoryView])
def test_every_widget_has_a_tooltip(qtbot, cls):
    w = cls()
    qtbot.addWidget(w)
    assert len(w.toolTip()) > 40


def test_opaque_colour_looks_like_the_translucent_one_over_the_background():
    from PySide6.QtGui import QColor

    from rnnviz.ui import theme

    fg, bg = QColor(theme.foreground_color()), QColor(theme.background_color())
    c = theme.opaque(fg, 110)
    assert c.alpha() == 255
    for got, f, b in ((c.red(), fg.red(), bg.red()), (c.green(), fg.green(), bg.green()), (c.blue(), fg.blue(), bg.blue())):
        assert abs(got - (110 / 255 * f + (1 - 110 / 255) * b)) <= 0.5
    assert theme.opaque(fg, 255).name() == fg.name() and theme.opaque(fg, 0).name() == bg.name()


def test_a_long_title_does_not_make_a_plot_wider_than_its_widget(qtbot):
    from rnnviz.ui.heatmap_view import HeatmapView

    w = HeatmapView("pre-activation a = W x + U h + b, a title far wider than this narrow view")
    qtbot.addWidget(w)
    w.resize(220, 200)
    w.show()
    qtbot.waitExposed(w)
    w.set_title("another title, again far wider than the narrow view it sits in")
    w.grab()
    plot, view = w.plot, w.plot_widget
    assert plot.titleLabel.minimumWidth() == 0
    assert plot.geometry().width() <= view.viewport().width() + 1


@pytest.mark.parametrize("x,want", [(0.3, 0.5), (1.0, 1.0), (1.01, 2.0), (2.0, 2.0), (4.9, 5.0),
                                    (5.2, 10.0), (38.0, 50.0), (50.0, 50.0), (120.0, 200.0)])
def test_nice_ceiling(x, want):
    assert theme.nice_ceiling(x) == pytest.approx(want)


def test_symmetric_levels_fit_the_values_but_their_largest_five_percent():
    rng = np.random.default_rng(0)
    c = rng.uniform(-3.0, 3.0, size=(400, 50))
    c[0, :3] = 40.0  # 3 outliers in a sampled step (the first): drawn at full colour
    assert theme.levels_for("symmetric", c) == (-5.0, 5.0)
    assert theme.levels_for("symmetric", c * 10) == (-50.0, 50.0)  # 28.5 -> 50
    assert theme.levels_for("symmetric", c * 0.1) == (-1.0, 1.0)  # never below the -1..1 of h
    assert theme.levels_for("symmetric", np.full((3, 2), np.nan)) == (-1.0, 1.0)
    assert theme.levels_for("symmetric", np.zeros((0, 4))) == (-1.0, 1.0)
    assert theme.colormap_for("symmetric").map(0.0, mode="byte").tolist() == \
        theme.colormap_for("diverging").map(0.0, mode="byte").tolist()


def test_symmetric_levels_read_steps_that_stay_put_while_the_text_grows():
    """Typing at the end adds a sampled step only every s tokens, so the cell-state scale does
    not jump between two nice values on every key (it did with steps spread over the text)."""
    rng = np.random.default_rng(1)
    # per-step magnitudes around 10, where the scale's nice values switch between 10 and 20
    c = rng.normal(size=(1200, 32)) * rng.uniform(4.2, 6.0, size=(1200, 1))
    bounds = [theme.symmetric_bound(c[:T]) for T in range(1000, 1101)]
    assert set(bounds) == {10.0, 20.0}  # the data do straddle two nice values
    changes = [T for T, (a, b) in zip(range(1001, 1101), zip(bounds, bounds[1:])) if a != b]
    stride = theme.symmetric_sample_stride
    assert (stride(1000), stride(1100)) == (16, 32)  # at most 64 samples
    # a change only when step T - 1 is a new sample, or the stride doubled
    assert all((T - 1) % stride(T) == 0 or stride(T) != stride(T - 1) for T in changes), changes
    assert len(changes) <= 3, changes  # (steps spread over the whole text: 34 changes here)
    assert theme.symmetric_sample_stride(64) == 1 and theme.symmetric_sample_stride(65) == 2
