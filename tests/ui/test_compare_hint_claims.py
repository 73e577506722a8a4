"""The compare view's hint says what the shipped RNN / GRU / LSTM trio shows on screen."""
import numpy as np
import pytest

from rnnviz import resources
from rnnviz.ui.compare_view import COMPARE_HINT

TEXT = "f(a, (b + c) * [d - (e / 2)]) + g([x, (y)])"


@pytest.fixture
def models_dir():
    """The shipped models: the hint is about them."""
    return resources.models_dir()


def _near_one(view) -> float:
    """Fraction of the shown cells (unit, step) whose gate is above 0.9."""
    return float(np.mean(view.image_data() > 0.9))


def test_the_hint_matches_the_gates_of_the_three_columns(qtbot, window):
    window.actions["view.compare"].trigger()
    qtbot.keyClicks(window.text_edit, TEXT)
    window.flush()
    cmp = window.compare
    assert cmp.hint.text() == COMPARE_HINT
    by_family = {p.family: p for p in cmp.panels}
    assert set(by_family) == {"rnn", "gru", "lstm"}
    lstm, gru = by_family["lstm"], by_family["gru"]
    assert lstm.memory_key == "f" and gru.memory_key == "z"
    assert lstm.memory_view.shape()[0] == len(TEXT)
    assert "f is near 1 in about a third of its cells" in COMPARE_HINT
    assert "z is mostly near 0" in COMPARE_HINT
    assert 0.2 <= _near_one(lstm.memory_view) <= 0.45
    # "z is mostly near 0"
    assert np.mean(gru.memory_view.image_data() < 0.1) > 0.5
    assert _near_one(gru.memory_view) < 0.15
    # the plain RNN's column shows no gate
    assert by_family["rnn"].memory_key not in ("f", "z", "i", "o", "r")
