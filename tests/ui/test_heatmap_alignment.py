"""Heatmaps stacked in one column share the time axis drawn under the bottom one: their plot
areas must span the same x range whatever the colour levels (tick labels "0.2" vs "-0.5") or
number of units beside them."""
import numpy as np
import pytest
from PySide6.QtWidgets import QVBoxLayout, QWidget

from rnnviz import resources
from rnnviz.ui.heatmap_view import HeatmapView


@pytest.fixture
def models_dir():
    """The shipped models: the default model's own levels and sizes are what QA saw misaligned."""
    return resources.models_dir()


def _x_extent(hm: HeatmapView) -> tuple[int, int]:
    """Global x of the left and right edges of ``hm``'s plot area (its view box)."""
    rect = hm.plot.getViewBox().sceneBoundingRect()
    view = hm.plot_widget
    left = view.mapToGlobal(view.mapFromScene(rect.topLeft())).x()
    right = view.mapToGlobal(view.mapFromScene(rect.topRight())).x()
    return left, right


def _columns(window) -> list[list[HeatmapView]]:
    """The live view's heatmaps grouped by grid column."""
    grid = window.live._grid
    cols: dict[int, list[HeatmapView]] = {}
    for hm in window.live.heatmaps().values():
        _, col, _, _ = grid.getItemPosition(grid.indexOf(hm))
        cols.setdefault(col, []).append(hm)
    return list(cols.values())


def _assert_aligned(column: list[HeatmapView]) -> None:
    extents = {hm.title(): _x_extent(hm) for hm in column}
    assert len(set(extents.values())) == 1, extents


def _show_text(qtbot, window, text: str) -> None:
    window.text_edit.setPlainText(text)
    window.live.flush()
    qtbot.wait(20)  # let the layouts settle after the colour bars drew their labels


def test_default_model_columns_line_up(qtbot, window):
    window.show_starter()
    window.live.flush()
    qtbot.wait(20)
    kinds = {hm.kind() for hm in window.live.heatmaps().values()}
    assert {"diverging", "sequential", "symmetric"} <= kinds
    columns = _columns(window)
    assert [len(c) for c in columns] == [3, 3]
    for column in columns:
        _assert_aligned(column)


def test_gru_columns_line_up(qtbot, window):
    assert window.select_model("compare_gru")
    _show_text(qtbot, window, "f(a, [b]) and (c)")
    columns = _columns(window)
    # h over z, r over n: a diverging and a sequential scale in each column
    assert [sorted(hm.kind() for hm in c) for c in columns] == [["diverging", "sequential"]] * 2
    for column in columns:
        _assert_aligned(column)


def test_compare_columns_line_up(qtbot, window):
    """Compare mode: h over the memory heatmap (f, z, or a plain RNN's free-range a)."""
    window.actions["view.compare"].trigger()
    window.text_edit.setPlainText("f(a, [b]) and (c)")
    window.compare.flush()
    qtbot.wait(20)
    assert len(window.compare.panels) == 3
    for panel in window.compare.panels:
        assert panel.h_view.kind() != panel.memory_view.kind()
        _assert_aligned([panel.h_view, panel.memory_view])


def test_unit_count_and_levels_do_not_move_the_plot_area(qtbot):
    """8 units (labels "0".."7") over 128 (up to "120"), gate levels over h levels."""
    box = QWidget()
    qtbot.addWidget(box)
    lay = QVBoxLayout(box)
    small, big = HeatmapView("gate"), HeatmapView("h")
    lay.addWidget(small)
    lay.addWidget(big)
    box.resize(700, 600)
    box.show()
    qtbot.waitExposed(box)
    rng = np.random.default_rng(0)
    small.set_data(rng.uniform(0, 1, (20, 8)), list("abcdefghijklmnopqrst"), "sequential")
    big.set_data(np.tanh(rng.normal(size=(20, 128))), list("abcdefghijklmnopqrst"), "diverging")
    qtbot.wait(20)
    box.grab()  # the axes size their label space when they paint
    qtbot.wait(20)
    _assert_aligned([small, big])
