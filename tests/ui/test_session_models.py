"""Models of this session (a training run's copy, imported weights) in the Memory tab's model
selector: each keeps its own entry until it is saved to a file or the window closes."""
import numpy as np
import pytest

from rnnviz.ui.main_window import SESSION_ITEM, is_session_item
from tests.ui._live_models import char_lm, forward_states


def _texts(window):
    combo = window.model_combo
    return [combo.itemText(i) for i in range(combo.count())]


def _choose(window, text):
    """Pick the selector's entry ``text`` as a person does (the entry becomes current and
    ``activated`` is emitted)."""
    combo = window.model_combo
    idx = combo.findText(text)
    assert idx >= 0, (text, _texts(window))
    combo.setCurrentIndex(idx)
    combo.activated.emit(idx)


def _assert_shows(window, model, text="f(a)"):
    window.set_text(text)
    window.flush()
    want = forward_states(model, text)
    np.testing.assert_allclose(window.live.heatmap("h").image_data(), want["h"].T, rtol=1e-5, atol=1e-6)


def test_every_session_model_keeps_its_entry_and_comes_back_when_chosen(qtbot, window):
    a, b = char_lm("lstm", (8,), seed=1), char_lm("gru", (5,), seed=2)
    assert window.show_model(a, "code (LSTM), step 300")
    assert window.show_model(b, "code (GRU), step 600")
    names = _texts(window)
    assert "code (LSTM), step 300" in names and "code (GRU), step 600" in names
    assert window.model_combo.currentText() == "code (GRU), step 600"
    data = [window.model_combo.itemData(i) for i in range(window.model_combo.count())]
    assert sum(map(is_session_item, data)) == 2 and all(d.startswith(SESSION_ITEM) for d in data if is_session_item(d))
    # the older copy is not lost: choosing it shows it again, every panel
    _choose(window, "code (LSTM), step 300")
    assert window.model is a and window.model_name == "code (LSTM), step 300" and window.model_path is None
    assert set(window.live.heatmaps()) == {"h", "c", "i", "f", "g", "o"}
    _assert_shows(window, a)
    # a shipped model, then the newer copy again
    assert window.select_model("sentiment_lstm") and window.model_name == "sentiment_lstm"
    _choose(window, "code (GRU), step 600")
    assert window.model is b and window.model_combo.currentText() == "code (GRU), step 600"
    _assert_shows(window, b)
    # select_model finds models of this session by name too
    assert window.select_model("code (LSTM), step 300") and window.model is a
    assert window._session_model is a                     # the one shown
    window.select_model("brackets_lstm")
    assert window._session_model is b                     # none shown: the newest
    assert [n for n, _ in window.session_models()] == ["code (LSTM), step 300", "code (GRU), step 600"]


def test_a_name_already_in_the_selector_is_made_unique(qtbot, window):
    a, b, c = (char_lm("lstm", (8,), seed=s) for s in (1, 2, 3))
    assert window.show_model(a, "code (LSTM), step 300")
    assert window.show_model(b, "code (LSTM), step 300")   # another run's copy at the same step
    assert window.model_name == "code (LSTM), step 300 (2)"
    assert window.model_combo.currentText() == "code (LSTM), step 300 (2)"
    assert window.show_model(c, "brackets_lstm")            # named like a shipped model
    assert window.model_name == "brackets_lstm (2)" and window.live.model_name == "brackets_lstm (2)"
    names = _texts(window)
    assert len(names) == len(set(names))
    # the same model shown again (its weights replaced, say) keeps one entry, renamed
    n = window.model_combo.count()
    assert window.show_model(a, "code (LSTM), step 300 + torch")
    assert window.model_combo.count() == n and "code (LSTM), step 300" not in _texts(window)
    assert window.show_model(a, "code (LSTM), step 300")    # its own name again: not "(3)"
    assert window.model_name == "code (LSTM), step 300" and window.model_combo.count() == n
    _choose(window, "code (LSTM), step 300 (2)")
    assert window.model is b
    _choose(window, "brackets_lstm")
    assert window.model is not c and window.model_path is not None   # the shipped file's model


def test_saving_a_session_model_turns_its_entry_into_the_files(qtbot, window, tmp_path):
    a, b = char_lm("lstm", (8,), seed=1), char_lm("lstm", (8,), seed=2)
    assert window.show_model(a, "run A")
    assert window.show_model(b, "run B")
    _choose(window, "run A")
    where = window.model_combo.currentIndex()
    assert window.files.save_model(tmp_path / "saved_a")
    saved = tmp_path / "saved_a.npz"
    assert window.model_path == saved and window.model_name == "saved_a"
    combo = window.model_combo
    assert combo.currentIndex() == where and combo.currentText() == "saved_a"
    assert combo.itemData(where) == str(saved) and "run A" not in _texts(window)
    assert [n for n, _ in window.session_models()] == ["run B"]
    # the other session model is still there; the saved one comes back from its file
    _choose(window, "run B")
    assert window.model is b
    _assert_shows(window, b)
    _choose(window, "saved_a")
    assert window.model_path == saved and window.model is not a
    for k, v in a.params.items():
        np.testing.assert_array_equal(window.model.params[k], v)
    # saved over a file that has an entry already: one entry for it, the session entry goes
    _choose(window, "run B")
    assert window.files.save_model(saved)
    assert _texts(window).count("saved_a") == 1 and "run B" not in _texts(window)
    assert window.session_models() == [] and window._session_model is None


def test_a_session_model_that_fails_when_chosen_again_leaves_the_one_shown(qtbot, window, monkeypatch):
    from rnnviz.ui.live_view import LiveView

    a, b = char_lm("lstm", (8,), seed=1), char_lm("lstm", (8,), seed=2)
    assert window.show_model(a, "run A")
    assert window.show_model(b, "run B")
    real = LiveView.set_text

    def set_text(view, *args, **kw):
        if view.model_name == "run A":
            raise ValueError("cannot draw run A")
        return real(view, *args, **kw)
    monkeypatch.setattr(LiveView, "set_text", set_text)
    _choose(window, "run A")
    assert "cannot draw run A" in window.status_text()
    assert window.model is b and window.model_combo.currentText() == "run B"
    assert [n for n, _ in window.session_models()] == ["run A", "run B"]   # kept: it may show later
    monkeypatch.setattr(LiveView, "set_text", real)
    _choose(window, "run A")
    assert window.model is a


@pytest.mark.parametrize("name", ["", "  "])
def test_an_unnamed_session_model_still_gets_an_entry(qtbot, window, name):
    a, b = char_lm("lstm", (8,), seed=1), char_lm("lstm", (8,), seed=2)
    assert window.show_model(a, name) and window.show_model(b, name)
    assert [n for n, _ in window.session_models()] == ["model of this session", "model of this session (2)"]
    _choose(window, window.session_models()[0][0])
    assert window.model is a
