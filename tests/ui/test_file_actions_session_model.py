"""Projects keep the Memory tab's model when it has no file (a model of this session: one with
imported weights, a training run's copy): saving, then showing another model, then opening the
project shows that model again, weights and name; the autosave recovery file too. A model shown
from a file is still referenced by its path. A damaged one is a message and nothing changes."""
import json
import socket

import numpy as np
import pytest
from PySide6.QtCore import Qt

from rnnviz.engine.recurrent import Recurrent
from rnnviz.engine.serialize import save_safetensors
from rnnviz.project import load_project
from rnnviz.ui.main_window import MainWindow
from tests.ui._live_models import forward_states
from tests.ui.test_trained_model_in_memory import _step, _text_run


def _dialogs(monkeypatch, save=None, open_=None):
    from PySide6.QtWidgets import QFileDialog

    if save is not None:
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(save), ""))
    if open_ is not None:
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(open_), ""))


def _import_weights(window, tmp_path, monkeypatch):
    """File > Import PyTorch Weights of a PyTorch-named LSTM of the shape of the model shown: the
    model becomes a model of this session."""
    net = window.model.net
    src = Recurrent("lstm", net.input_size, list(net.hidden_sizes), bidirectional=net.bidirectional, seed=11)
    path = tmp_path / "torch_w.safetensors"
    save_safetensors(path, {f"lstm.{k}": v for k, v in src.state_dict().items()})
    _dialogs(monkeypatch, open_=path)
    window.actions["file.import_weights"].trigger()
    window.files.wait()
    assert "Imported 16 tensors" in window.status_text(), window.status_text()
    assert window.model_path is None
    np.testing.assert_array_equal(window.model.net.params["weight_hh_l1_reverse"], src.params["weight_hh_l1_reverse"])


def _open_project(window, path, monkeypatch):
    _dialogs(monkeypatch, open_=path)
    window.actions["file.open_project"].trigger()
    window.files.wait()


def _shows(window, params, text, layer, direction):
    """The Memory tab shows a model with ``params``, on ``text``, layer and direction as given."""
    assert window.model_path is None
    for k, v in params.items():
        np.testing.assert_array_equal(window.model.params[k], v)
    assert (window.live.layer, window.live.direction) == (layer, direction)
    assert window.text_edit.toPlainText() == text
    window.flush()
    np.testing.assert_allclose(window.live.heatmap("h").image_data(),
                               forward_states(window.model, text, layer, direction)["h"].T, rtol=1e-5, atol=1e-6)


def test_a_project_keeps_a_model_with_imported_weights_and_shows_it_again(qtbot, window, tmp_path, monkeypatch):
    _import_weights(window, tmp_path, monkeypatch)
    name = window.model_name
    assert name == "brackets_lstm + torch_w"
    params = {k: v.copy() for k, v in window.model.params.items()}
    window.set_text("f(a)")
    window.set_layer_direction(1, 1)
    path = tmp_path / "work.rnnviz"
    _dialogs(monkeypatch, save=path)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # File > Save Project
    assert path.exists() and "Saved the project" in window.status_text(), window.status_text()
    # another model on screen, another text: the project brings the session model back
    window.select_model("sentiment_lstm")
    assert window.model_name == "sentiment_lstm" and window.model_path is not None
    window.set_text("the food")
    entries = window.model_combo.count()
    _open_project(window, path, monkeypatch)
    assert "Opened the project work.rnnviz" in window.status_text() and "note" not in window.status_text(), \
        window.status_text()
    # the entry still in the selector (same name, same weights) is shown again: no "(2)" beside it
    assert window.model_name == name and window.model_combo.currentText() == name, window.model_name
    assert window.model_combo.count() == entries
    _shows(window, params, "f(a)", 1, 1)
    window.select_model("sentiment_lstm")
    _open_project(window, path, monkeypatch)                 # opened a second time: still one entry
    assert window.model_name == name and window.model_combo.count() == entries
    assert [n for n, _ in window.session_models()] == [name]
    _shows(window, params, "f(a)", 1, 1)
    # a new window (the next day): the same model under the same name, in the selector
    w2 = MainWindow(models_dir=window.models_dir, restore=False)
    qtbot.addWidget(w2)
    try:
        _open_project(w2, path, monkeypatch)
        assert w2.model_name == name and w2.model_combo.currentText() == name, w2.model_name
        _shows(w2, params, "f(a)", 1, 1)
    finally:
        w2.files.shutdown()
        w2.training.shutdown()


def test_a_project_keeps_the_base_name_of_a_model_shown_as_name_2(qtbot, window, tmp_path, monkeypatch):
    from tests.ui._live_models import char_lm

    a, b = char_lm("lstm", (8,), seed=1), char_lm("lstm", (8,), seed=2)
    base = "code (LSTM), step 300"
    assert window.show_model(a, base) and window.show_model(b, base)   # two runs' copies at one step
    assert window.model_name == base + " (2)"
    path = tmp_path / "two.rnnviz"
    _dialogs(monkeypatch, save=path)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # File > Save Project
    assert path.exists(), window.status_text()
    assert load_project(path).live_model_name == base                  # the name it was given
    entries = window.model_combo.count()
    for _ in range(2):  # open, save, open again in the same window: never "(2) (2)", never a new entry
        window.select_model("sentiment_lstm")
        _open_project(window, path, monkeypatch)
        assert window.model is b and window.model_name == base + " (2)", window.model_name
        assert window.model_combo.count() == entries
        window.files.save_project()
        assert load_project(path).live_model_name == base
    # other weights under that name are another model: their own entry
    c = char_lm("lstm", (8,), seed=3)
    window.files.project_path = None
    assert window.show_model(c, base) and window.model_name == base + " (3)"
    window.files.save_project(str(tmp_path / "three.rnnviz"))
    assert window.show_model(char_lm("lstm", (8,), seed=3), base + " (3)")  # equal weights, other name
    n = window.model_combo.count()
    window.select_model("sentiment_lstm")
    _open_project(window, tmp_path / "three.rnnviz", monkeypatch)
    assert window.model is c and window.model_combo.count() == n
    # a new window shows it under its base name
    w2 = MainWindow(models_dir=window.models_dir, restore=False)
    qtbot.addWidget(w2)
    try:
        _open_project(w2, path, monkeypatch)
        assert w2.model_name == base and w2.model_combo.currentText() == base
        for k, v in b.params.items():
            np.testing.assert_array_equal(w2.model.params[k], v)
    finally:
        w2.files.shutdown()
        w2.training.shutdown()


def test_weights_imported_into_a_model_a_project_holds_are_asked_about_on_quit(qtbot, window, tmp_path,
                                                                                monkeypatch):
    asked = []
    monkeypatch.setattr(window, "ask_unsaved_models", lambda names: asked.append(list(names)) or "cancel",
                        raising=False)
    from tests.ui._live_models import char_lm

    _import_weights(window, tmp_path, monkeypatch)
    model, name = window.model, window.model_name
    window.files.save_project(str(tmp_path / "w.rnnviz"))          # holds it
    assert window.show_model(char_lm("lstm", (8,), seed=1), "run B")
    window.actions["file.quit"].trigger()
    assert asked == [["run B"]] and window.isVisible()
    assert window.select_model(name) and window.model is model
    _import_weights(window, tmp_path, monkeypatch)                 # weights imported into it again
    assert window.model is model and window.model_name == name
    window.actions["file.quit"].trigger()                          # the project holds the old ones
    assert asked[-1] == [name, "run B"] and window.isVisible()


def test_a_model_shown_from_a_file_is_still_referenced_by_its_path(window, tmp_path, monkeypatch):
    window.select_model("sentiment_lstm")
    path = tmp_path / "file_model.rnnviz"
    window.files.save_project(str(path))
    proj = load_project(path)
    assert proj.live_model is None and proj.view["live_model"] == str(window.model_path)
    with np.load(path, allow_pickle=False) as f:
        assert not [k for k in f.files if k.startswith("live.")]
        assert json.loads(f["__project__"].tobytes())["version"] == 1
    window.select_model("brackets_lstm")
    _open_project(window, path, monkeypatch)
    assert window.model_name == "sentiment_lstm" and str(window.model_path) == proj.view["live_model"]


def test_a_damaged_session_model_is_a_message_and_nothing_changes(qtbot, window, tmp_path, monkeypatch):
    _import_weights(window, tmp_path, monkeypatch)
    good = tmp_path / "good.rnnviz"
    window.files.save_project(str(good))
    with np.load(good, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    arrays["live.rnn.weight_hh_l1"] = np.full_like(arrays["live.rnn.weight_hh_l1"], np.inf)
    bad = tmp_path / "bad.rnnviz"
    with open(bad, "wb") as fh:
        np.savez(fh, **arrays)
    window.select_model("sentiment_lstm")
    window.set_text("the food was")
    window.files.project_path = None
    before = (window.model, window.model_name, window.model_path, window.text_edit.toPlainText(),
              window.model_combo.currentText(), window.model_combo.count(), window.training.state())
    _open_project(window, bad, monkeypatch)
    status = window.status_text()
    assert "bad.rnnviz" in status and "Memory tab" in status and "'rnn.weight_hh_l1'" in status, status
    assert (window.model, window.model_name, window.model_path, window.text_edit.toPlainText(),
            window.model_combo.currentText(), window.model_combo.count(), window.training.state()) == before
    assert window.files.project_path is None


def _crash(saver) -> None:
    """Leave ``saver``'s files as a process killed mid-session does (see test_files)."""
    assert saver.lock.tryLock(0) or saver.lock.isLocked()
    saver.lock.unlock()
    saver.lock_path.write_text(f"999999999\npython3\n{socket.gethostname()}\n")


def test_the_recovery_file_keeps_a_training_runs_copy_shown_in_the_memory_tab(qtbot, window, tmp_path,
                                                                               monkeypatch):
    panel = _text_run(window, tmp_path)
    _step(qtbot, panel, 3)
    qtbot.mouseClick(panel.show_in_memory_button, Qt.MouseButton.LeftButton)  # Type into this model
    qtbot.waitUntil(lambda: window.model_name == "code (LSTM), step 3", timeout=10000)
    params = {k: v.copy() for k, v in window.model.params.items()}
    window.set_text("(a[b])")
    _step(qtbot, panel, 1)  # training goes on: the copy shown keeps its step-3 weights
    saver = window.files.autosave
    with qtbot.waitSignal(saver.saved, timeout=10000):
        saver.tick()
    rec = load_project(saver.recovery_path)
    assert rec.live_model_name == "code (LSTM), step 3" and rec.step == 4
    for k, v in params.items():
        np.testing.assert_array_equal(rec.live_model.params[k], v)
    _crash(saver)
    w2 = MainWindow(models_dir=window.models_dir, restore=False)
    qtbot.addWidget(w2)
    monkeypatch.setattr(w2.files.autosave, "ask_restore", lambda p: True)
    try:
        assert w2.files.startup()
        w2.files.wait()
        assert "Recovered" in w2.status_text() and w2.model_name == "code (LSTM), step 3", w2.status_text()
        _shows(w2, params, "(a[b])", 0, 0)
        assert w2.training.steps_trained() == 4
    finally:
        w2.files.shutdown()
        w2.training.shutdown()


@pytest.fixture(autouse=True)
def _no_quit_question(window, monkeypatch):
    """A run left in the window is thrown away when the test closes it."""
    monkeypatch.setattr(window.files, "ask_unsaved_run", lambda steps: "discard", raising=False)


def test_weights_imported_into_a_second_copy_are_named_after_its_given_name(qtbot, window, tmp_path, monkeypatch):
    """Two copies given the name 'run' are listed as 'run' and 'run (2)'; weights imported into
    the second make 'run + torch_w' (the name it was given), not 'run (2) + torch_w'."""
    from rnnviz.engine.model import load_model

    path = window.model_path
    a, b = load_model(path), load_model(path)
    assert window.show_model(a, "run") and window.show_model(b, "run")
    assert window.model_name == "run (2)" and window.session_model_name(b) == "run"
    _import_weights(window, tmp_path, monkeypatch)
    assert window.model is b and window.session_model_name(b) == "run + torch_w"
    assert window.model_name == "run + torch_w"
