"""Compare tab: Stop replaces "Training tanh RNN, GRU, LSTM on ..." with a status that says the
runs were stopped, and that status stays when the three runs report their end."""
from PySide6.QtCore import Qt

from rnnviz.ui.compare_training import COMPARE_CELLS, CompareTrainingWidget
from tests.ui._training_helpers import TIMEOUT, tiny


def test_stop_says_the_runs_stopped_and_it_stays(qtbot):
    w = CompareTrainingWidget(lambda: tiny(steps=10**6))
    qtbot.addWidget(w)
    try:
        qtbot.mouseClick(w.run_button, Qt.MouseButton.LeftButton)
        assert w.status.text().startswith("Training tanh RNN, GRU, LSTM")
        qtbot.waitUntil(lambda: all(len(w.histories[c]) > 0 for c in COMPARE_CELLS), timeout=TIMEOUT)
        qtbot.mouseClick(w.stop_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: all(wk.state == "stopped" for wk in w.workers.values()), timeout=TIMEOUT)
        text = w.status.text()
        assert "Training" not in text and text.startswith("Stopped tanh RNN, GRU, LSTM"), text
        assert not w.is_running() and w.run_button.text() == "Train all three"
        assert not w.stop_button.isEnabled()
    finally:
        assert w.shutdown()


def test_runs_that_end_by_themselves_still_say_so(qtbot):
    w = CompareTrainingWidget(lambda: tiny(steps=3))
    qtbot.addWidget(w)
    try:
        qtbot.mouseClick(w.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not w.is_running(), timeout=TIMEOUT)
        assert w.status.text() == "All three runs ended."
    finally:
        assert w.shutdown()
