"""Compare mode: RNN, GRU and LSTM on one text, in lockstep, with one shared cursor."""
import numpy as np
import pytest

from rnnviz.ui.main_window import MainWindow
from tests.ui._live_models import forward_states, make_models_dir


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(models_dir=make_models_dir(tmp_path / "models"))
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    return w


def _compare_on(window):
    window.actions["view.compare"].trigger()
    assert window.compare_mode and window.actions["view.compare"].isChecked()
    return window.compare


def test_three_models_side_by_side_in_lockstep(qtbot, window):
    cmp = _compare_on(window)
    assert [p.name for p in cmp.panels] == ["compare_rnn", "compare_gru", "compare_lstm"]
    assert [p.memory_key for p in cmp.panels] == ["a", "z", "f"]
    assert not window.model_combo.isEnabled()
    qtbot.keyClicks(window.text_edit, "f(a, [b])")
    qtbot.waitUntil(lambda: not cmp._pending and cmp.steps() == 9)
    for p in cmp.panels:
        want = forward_states(p.model, "f(a, [b])")
        np.testing.assert_allclose(p.h_view.image_data(), want["h"].T, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(p.memory_view.image_data(), want[p.memory_key].T, rtol=1e-5, atol=1e-6)
        assert p.h_view.tokens() == list("f(a, [b])")
    # all cursors at the end while typing
    assert cmp.cursors() == [8] * 6
    # hovering one panel moves every panel's cursor and top-5
    cmp.panels[1].memory_view.hover_cell(3, 2)
    assert cmp.cursors() == [3] * 6
    assert [p.output.step() for p in cmp.panels] == [3, 3, 3]


def test_live_view_catches_up_after_compare(qtbot, window):
    _compare_on(window)
    qtbot.keyClicks(window.text_edit, "(x)")
    window.flush()
    window.actions["view.compare"].trigger()
    assert not window.compare_mode and window.model_combo.isEnabled()
    window.flush()
    assert window.live.heatmap("h").tokens() == list("(x)")


def test_compare_empty_text(qtbot, window):
    cmp = _compare_on(window)
    window.text_edit.clear()
    window.flush()
    assert cmp.steps() == 0
    assert all(p.h_view.shape()[0] == 0 for p in cmp.panels)
    assert all(p.output.entries() == [] for p in cmp.panels)


def test_missing_compare_models_say_so(qtbot, tmp_path):
    w = MainWindow(models_dir=make_models_dir(tmp_path / "m", compare=False))
    qtbot.addWidget(w)
    w.show()
    w.actions["view.compare"].trigger()
    assert not w.compare_mode and not w.actions["view.compare"].isChecked()
    assert "compare_rnn" in w.status_text()


def test_compare_models_that_cannot_be_shown_leave_the_live_view(qtbot, window, monkeypatch):
    """A compare model that loads but fails while shown: a message naming the problem, the live
    view stays, and the next try builds the columns afresh."""
    from rnnviz.ui.compare_view import ComparePanel

    qtbot.keyClicks(window.text_edit, "f(a)")
    window.flush()
    real = ComparePanel.views

    def broken(panel):
        raise ValueError("heatmap rows must match the units")
    with monkeypatch.context() as m:
        m.setattr(ComparePanel, "views", broken)
        window.actions["view.compare"].trigger()
    assert not window.compare_mode and not window.actions["view.compare"].isChecked()
    assert "Cannot open the compare models" in window.status_text()
    assert "heatmap rows must match the units" in window.status_text()
    assert window.model_combo.isEnabled() and window.live.heatmap("h").tokens() == list("f(a)")
    assert ComparePanel.views is real
    cmp = _compare_on(window)       # works once the problem is gone
    qtbot.waitUntil(lambda: not cmp._pending and cmp.steps() == 4)
    assert len(cmp.panels) == 3
