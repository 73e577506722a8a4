"""The time cursor follows the text caret, and an edit computes only what the views show.

The window runs a unidirectional 2-layer LM here, so layers above the one shown can be left
for idle time (a bidirectional model is always run whole).
"""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from rnnviz.engine.losses import softmax
from rnnviz.ui import live_view
from tests.ui._live_models import char_lm, forward_states, make_models_dir
from tests.ui._live_models import type_text as _type

TEXT = "f(a, [b]) and (c)"


@pytest.fixture
def models_dir(tmp_path):
    folder = make_models_dir(tmp_path / "models", compare=False)
    char_lm("lstm", (8, 8)).save(folder / "brackets_lstm.npz")  # unidirectional, 2 layers
    return folder


def _probs(model, text):
    ids = model.tokenizer.encode(text)[:, None]
    trace = model.net.forward(model.encode(ids))
    return softmax(model.step_outputs(trace)[:, 0].astype(np.float64), axis=-1)


def _caret_to(w, pos):
    c = w.text_edit.textCursor()
    c.setPosition(pos)
    w.text_edit.setTextCursor(c)


def test_typing_at_the_end_keeps_the_cursor_on_the_last_token(qtbot, window):
    _type(qtbot, window, TEXT)
    assert window.live.cursor() == len(TEXT) - 1
    assert window.live.topk.step() == len(TEXT) - 1


def test_an_edit_at_the_start_moves_the_cursor_there_and_leaves_upper_layers_for_later(
        qtbot, window, monkeypatch):
    monkeypatch.setattr(live_view, "IDLE_MS", 10_000)  # keep the idle completion from running
    _type(qtbot, window, TEXT)
    window.live.runner.complete()
    _caret_to(window, 0)
    _type(qtbot, window, "[")
    text = "[" + TEXT
    live = window.live
    # the cursor moved to the typed token, and every view shows it there
    assert live.cursor() == 0 and live.topk.step() == 0
    assert live.heatmap("h").cursor() == 0 and live.strip.cursor() == 0
    # the views hold layer 1 of the new text, for every step
    want = forward_states(window.model, text)
    for key, hm in live.heatmaps().items():
        np.testing.assert_allclose(hm.image_data(), want[key].T, rtol=1e-5, atol=1e-6, err_msg=key)
    # the prediction at the cursor is the full model's; layer 2 ran only as far as the cursor
    probs = _probs(window.model, text)
    best = [window.model.tokenizer.vocab[i] for i in np.argsort(-probs[0], kind="stable")[:5]]
    assert [t for t, _ in live.topk.entries()] == best
    assert live.runner._valid == [len(text), 1]
    assert live.runner.pending()
    # hovering a later step runs layer 2 as far as that step, and shows the true prediction
    live.heatmap("h").hover_cell(9, 0)
    assert live.topk.step() == 9
    best9 = [window.model.tokenizer.vocab[i] for i in np.argsort(-probs[9], kind="stable")[:5]]
    assert [t for t, _ in live.topk.entries()] == best9
    # choosing layer 2 completes it for the view
    window.set_layer_direction(1, 0)
    want2 = forward_states(window.model, text, layer=1)
    np.testing.assert_allclose(live.heatmap("c").image_data(), want2["c"].T, rtol=1e-5, atol=1e-6)


def test_idle_time_completes_every_layer(qtbot, window, monkeypatch):
    monkeypatch.setattr(live_view, "IDLE_SLICE_STEPS", 16)  # several slices
    long_text = TEXT * 6
    window.set_text(long_text)
    _caret_to(window, 0)
    _type(qtbot, window, "(")
    runner = window.live.runner
    assert runner.pending()
    qtbot.waitUntil(lambda: not runner.pending(), timeout=5000)
    text = "(" + long_text
    np.testing.assert_allclose(runner.probabilities(), _probs(window.model, text), rtol=1e-5, atol=1e-7)
    want2 = forward_states(window.model, text, layer=1)
    np.testing.assert_allclose(runner.states(1)["h"], want2["h"], rtol=1e-5, atol=1e-6)


def test_a_step_the_user_picked_is_kept_unless_the_edit_comes_before_it(qtbot, window):
    _type(qtbot, window, TEXT)
    live = window.live
    live.set_cursor(6)  # as a hover does
    _type(qtbot, window, "x")  # typing at the end, after the picked step
    assert live.cursor() == 6
    _caret_to(window, 10)
    live.set_cursor(6)
    _type(qtbot, window, "y")  # an edit after the picked step
    assert live.cursor() == 6
    _caret_to(window, 2)
    live.set_cursor(8)
    _type(qtbot, window, "z")  # an edit before it: the cursor goes to the edit
    assert live.cursor() == 2
    window.text_edit.moveCursor(window.text_edit.textCursor().MoveOperation.End)
    _type(qtbot, window, "!")  # back at the end: follows the end again
    assert live.cursor() == live.result.steps - 1


def test_moving_the_caret_moves_the_time_cursor(qtbot, window):
    _type(qtbot, window, TEXT)
    live = window.live
    qtbot.keyClick(window.text_edit, Qt.Key.Key_Left)
    assert live.cursor() == len(TEXT) - 2  # the token before the caret
    qtbot.keyClick(window.text_edit, Qt.Key.Key_Home)
    assert live.cursor() == 0
    for _ in range(4):
        qtbot.keyClick(window.text_edit, Qt.Key.Key_Right)
    assert live.cursor() == 3 and live.heatmap("g").cursor() == 3 and live.topk.step() == 3


def test_a_caret_after_a_character_outside_the_basic_plane_maps_to_its_token(qtbot, window):
    window.text_edit.insertPlainText("ab\U0001F600cd")  # as a paste: two UTF-16 units in Qt
    qtbot.waitUntil(lambda: window.live.text() == "ab\U0001F600cd" and not window.live._pending)
    _caret_to(window, 4)  # after "a", "b" and the emoji
    assert window._caret_index() == 3
    assert window.live.cursor() == 2
    assert window.live.result.tokens[2] == "\U0001F600"
