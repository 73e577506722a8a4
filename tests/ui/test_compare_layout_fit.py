"""Compare mode fits small screens: titles cut with "…" (whole in a tooltip), every top-5 row
shown at 1366 x 768, and a 1024 x 640 window with the Lessons panel open is not made larger."""
import pytest

from rnnviz.ui.compare_view import MEMORY_PANEL
from rnnviz.ui.main_window import MainWindow
from tests.ui._live_models import make_models_dir

RNN_TITLE = MEMORY_PANEL["rnn"][1]


def _window(qtbot, tmp_path, size):
    w = MainWindow(models_dir=make_models_dir(tmp_path / "models"), restore=False)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    return w


def _settle(qtbot, w):
    """Let the layouts settle (sizes are set over a few turns of the event loop)."""
    for _ in range(3):
        qtbot.wait(20)
    w.flush()
    qtbot.wait(20)


def _lesson_in_compare_mode(qtbot, w):
    """Lesson 9 from the Lessons menu: the Lessons panel, compare mode and the lesson's hint."""
    w.actions["lessons.gates-cell-state"].trigger()
    _settle(qtbot, w)
    assert w.compare_mode and w.lessons.isVisible() and w.hint_label.isVisible()
    return w.compare


@pytest.fixture
def window_1366(qtbot, tmp_path):
    w = _window(qtbot, tmp_path, (1366, 768))
    yield w
    w.close()


def test_a_title_too_wide_for_its_column_is_cut_with_the_whole_title_in_its_tooltip(qtbot, window_1366):
    cmp = _lesson_in_compare_mode(qtbot, window_1366)
    rnn = next(p for p in cmp.panels if p.family == "rnn")
    label = rnn.memory_view.plot.titleLabel
    assert label.text.endswith("\u2026") and RNN_TITLE.startswith(label.text[:-1])
    assert label.toolTip() == RNN_TITLE
    assert rnn.memory_view.title() == RNN_TITLE  # the view keeps the whole title
    for p in cmp.panels:
        for view in p.views():
            title = view.plot.titleLabel
            assert title.item.boundingRect().width() <= view.plot_widget.width(), (p.name, title.text)


def test_a_title_that_fits_is_whole_with_no_tooltip(qtbot, window_1366):
    cmp = _lesson_in_compare_mode(qtbot, window_1366)
    for p in cmp.panels:
        label = p.h_view.plot.titleLabel
        assert label.text == p.h_view.title() == "hidden state h" and label.toolTip() == ""


def test_every_top5_row_is_on_screen_at_1366x768_with_the_lessons_panel(qtbot, window_1366):
    cmp = _lesson_in_compare_mode(qtbot, window_1366)
    for p in cmp.panels:
        out = p.output
        assert out.height() >= out.sizeHint().height(), p.name  # room for all five bars
        # none of it clipped by the window or scrolled out of sight
        assert out.visibleRegion().boundingRect() == out.rect(), p.name


def test_compare_mode_with_the_lessons_panel_fits_a_1024x640_window(qtbot, tmp_path):
    w = _window(qtbot, tmp_path, (1024, 640))
    cmp = _lesson_in_compare_mode(qtbot, w)
    hint = w.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 640
    assert w.width() <= 1024 and w.height() <= 640
    # the three columns side by side in the room left: no sideways scrolling, the rest scrolls
    assert cmp.scroll.horizontalScrollBar().maximum() == 0
    assert cmp.scroll.verticalScrollBar().maximum() > 0
    w.close()


def test_leaving_compare_mode_with_the_lessons_panel_still_fits_1024x640(qtbot, tmp_path):
    w = _window(qtbot, tmp_path, (1024, 640))
    _lesson_in_compare_mode(qtbot, w)
    w.actions["view.compare"].trigger()
    _settle(qtbot, w)
    assert not w.compare_mode
    assert w.minimumSizeHint().width() <= 1024 and w.width() <= 1024
    w.close()
