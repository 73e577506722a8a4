"""Compare tab with data the three runs cannot train on: Train all three refuses a batch larger
than a series file's windows before anything starts (as Start does), and a data problem found
while training ends the three runs visibly (it used to pause them, and the tab kept saying
"Training ..." with "Stop all three" forever)."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from rnnviz.data.loaders import load_series_dataset
from rnnviz.errors import DataError
from rnnviz.training.config import TrainConfig
from rnnviz.training.loop import prime_dataset, validation_batch
from rnnviz.ui.compare_training import COMPARE_CELLS, CompareTrainingWidget

TIMEOUT = 30_000


def _compare(qtbot, config) -> CompareTrainingWidget:
    w = CompareTrainingWidget(lambda: config)
    qtbot.addWidget(w)
    return w


def test_a_batch_larger_than_the_series_windows_starts_nothing(qtbot, tmp_path):
    csv = tmp_path / "constant.csv"
    np.savetxt(csv, np.ones((86, 1)), delimiter=",", header="a", comments="")
    config = TrainConfig(task="series", corpus=str(csv), length=20, hidden=(4,), batch=64, steps=50)
    _, dataset = load_series_dataset(str(csv), window=20)  # as the app does when the file is opened
    prime_dataset(config, dataset)
    windows = dataset.n_windows(20)
    assert windows < 64
    w = _compare(qtbot, config)
    try:
        qtbot.mouseClick(w.run_button, Qt.MouseButton.LeftButton)
        text = w.status.text()
        assert text.startswith("Cannot start: ") and "batch size 64" in text, text
        assert f"at most {windows}" in text, text
        assert not w.is_running() and w.workers == {}
        assert w.run_button.text() == "Train all three"
    finally:
        assert w.shutdown()


def test_a_data_problem_found_while_training_ends_the_three_runs(qtbot, tmp_path):
    book = tmp_path / "book.txt"
    book.write_text("the quick brown fox jumps over the lazy dog. " * 3)  # too short to validate on
    config = TrainConfig(task="text", corpus=str(book), length=40, hidden=(4,), batch=4, steps=50)
    w = _compare(qtbot, config)
    ended = []
    w.state_changed.connect(ended.append)
    try:
        qtbot.mouseClick(w.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "finished" in ended, timeout=TIMEOUT)
        text = w.status.text()
        assert text.startswith("All three runs ended. tanh RNN, GRU, LSTM: corpus: "), text
        assert "the validation text has 6 tokens" in text and "paused" not in text, text
        with pytest.raises(DataError) as short:  # the problem the three runs met, as a sentence
            validation_batch(config)
        assert text == f"All three runs ended. tanh RNN, GRU, LSTM: {short.value}.", text
        # each run paused on it (reported as paused_for_data, not as failed), nothing trained
        assert {c: wk.state for c, wk in w.workers.items()} == {c: "paused" for c in COMPARE_CELLS}
        assert all(len(h) == 0 for h in w.histories.values())
        assert not w.is_running() and w.run_button.text() == "Train all three"
        assert not w.stop_button.isEnabled()
    finally:
        assert w.shutdown()
