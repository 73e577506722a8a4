"""Train in the Training tab, then type into that model in the Memory tab and save it."""
import numpy as np
from PySide6.QtCore import Qt

from rnnviz.engine.model import load_model
from tests.training._worker_helpers import tiny
from tests.ui._live_models import forward_states


def _text_run(window, tmp_path):
    """A character language model's run on the user's own text file, as File > Open sets it up:
    an LSTM of 8 units."""
    corpus = tmp_path / "code.txt"
    corpus.write_text("f(a, [b]) + (c * [d]) - g(x)\n" * 120, encoding="utf-8")
    assert window.files.open_path(str(corpus))
    window.files.wait()
    panel = window.training
    assert panel.task_box.currentData() == "text"
    panel.cell_box.setCurrentIndex(panel.cell_box.findData("lstm"))
    panel.hidden_edit.setText("8")
    panel.batch_spin.setValue(4)
    return panel


def _step(qtbot, panel, n):
    start = panel.steps_trained()
    for k in range(n):
        panel.single_step()
        qtbot.waitUntil(lambda k=k: panel.steps_trained() == start + k + 1, timeout=10000)


def test_a_training_runs_model_is_typed_into_and_saved(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    panel = window.training
    show = window.actions["training.show_in_memory"]
    assert not show.isEnabled()                     # no run yet
    _text_run(window, tmp_path)
    _step(qtbot, panel, 3)
    assert show.isEnabled() and panel.show_in_memory_button.isEnabled()
    qtbot.mouseClick(panel.show_in_memory_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model_name.startswith("code ("), timeout=10000)
    assert window.tabs.currentIndex() == 0 and window.model_name == "code (LSTM), step 3"
    assert window.model_path is None and window.model_combo.currentText() == "code (LSTM), step 3"
    model = window.model
    run = panel.worker.model
    for k, v in run.params.items():                 # the weights as of step 3, a copy
        np.testing.assert_array_equal(model.params[k], v)
        assert model.params[k] is not v
    qtbot.keyClicks(window.text_edit, "(a[b])")
    window.flush()
    np.testing.assert_allclose(window.live.heatmap("c").image_data(), forward_states(model, "(a[b])")["c"].T,
                               rtol=1e-5, atol=1e-6)
    # its traces carry the run's ||dL/dh_t|| of step 3 (this model's run's, when it was copied)
    at_copy = panel.history.latest
    assert at_copy.step == 3
    # training goes on; the model shown keeps its weights
    before = {k: v.copy() for k, v in model.params.items()}
    _step(qtbot, panel, 1)
    assert all(np.array_equal(model.params[k], before[k]) for k in before)
    assert panel.history.latest.step == 4
    assert not np.allclose(panel.history.latest.step_norms[0][0], at_copy.step_norms[0][0])
    assert window.files.export_traces(tmp_path / "t.npz")
    with np.load(tmp_path / "t.npz", allow_pickle=False) as f:
        np.testing.assert_array_equal(f["step_norms_l0_d0"], at_copy.step_norms[0][0])
    # weights imported into it make it another model: no norms of the run any more
    weights = tmp_path / "same.safetensors"
    assert window.files.export_weights(weights)
    assert window.files.open_path(str(weights))
    window.files.wait()
    assert window.model_name == "code (LSTM), step 3 + same" and "Imported 4 tensors" in window.status_text()
    assert "3 other tensor(s) in the file were not read" in window.status_text()  # embedding and readout
    assert window.files.export_traces(tmp_path / "t2.npz")
    with np.load(tmp_path / "t2.npz", allow_pickle=False) as f:
        assert not [k for k in f.files if k.startswith("step_norms")]
    window.show_model(model, "code (LSTM), step 3")   # (its own name again, for what follows)
    window.set_layer_direction(0, 0)
    # the shipped models are one click away, and the trained one comes back from the selector
    window.select_model("brackets_lstm")
    assert window.model_name == "brackets_lstm"
    idx = window.model_combo.findText("code (LSTM), step 3")
    window.model_combo.activated.emit(idx)
    assert window.model is model and window.model_name == "code (LSTM), step 3"
    # File > Save Model As: a model file that File > Open reads; the model is now that file's
    out = tmp_path / "my_brackets"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.actions["file.save_model"].trigger()
    saved = tmp_path / "my_brackets.npz"
    assert saved.exists() and "Saved the model code (LSTM), step 3 to" in window.status_text()
    # the session entry went with it: the model is the file's now
    assert window.model_combo.findText("code (LSTM), step 3") < 0
    # typing "my_brackets" again: the dialog asked about that name; replacing my_brackets.npz is asked here
    asked = []
    monkeypatch.setattr(window.files, "ask_overwrite", lambda path: asked.append(path) or False)
    stamp = saved.stat().st_mtime_ns
    window.actions["file.save_model"].trigger()
    assert asked == [str(saved)] and saved.stat().st_mtime_ns == stamp
    again = load_model(saved)
    for k, v in model.params.items():
        np.testing.assert_array_equal(again.params[k], v)
    assert again.tokenizer.vocab == model.tokenizer.vocab
    assert window.model_path == saved and window.model_combo.currentText() == "my_brackets"
    assert window.files.view_state()["live_model"] == str(saved) and window.live.model_name == "my_brackets"
    assert window.files.save_model(tmp_path / "other.model")    # File > Open lists .npz files
    assert (tmp_path / "other.model.npz").exists() and window.model_combo.currentText() == "other.model"


def test_a_session_model_that_fails_when_shown_leaves_the_selector_as_it_was(qtbot, window, monkeypatch):
    """All or nothing for models without a file too: the selector's session entry keeps naming
    (and choosing it keeps showing) the model shown before."""
    from rnnviz.ui.live_view import LiveView

    first, second = load_model(window.model_path), load_model(window.model_path)
    assert window.show_model(first, "run A")
    assert window.model_combo.currentText() == "run A"
    real = LiveView.set_text

    def set_text(view, *a, **k):  # run B is taken, then fails on the window's text
        if view.model_name == "run B":
            raise ValueError("cannot draw run B")
        return real(view, *a, **k)
    monkeypatch.setattr(LiveView, "set_text", set_text)
    assert not window.show_model(second, "run B")
    assert "run B" in window.status_text() and "cannot draw run B" in window.status_text()
    assert window.model is first and window.model_combo.currentText() == "run A"
    assert window.model_combo.findText("run B") < 0
    window.select_model("brackets_lstm")
    window.model_combo.activated.emit(window.model_combo.findText("run A"))
    assert window.model is first and window.model_name == "run A"


def test_a_model_that_reads_numbers_cannot_be_typed_into(qtbot, window):
    panel = window.training
    panel.set_config(tiny())                        # the adding problem: numbers in, a number out
    _step(qtbot, panel, 1)
    show = window.actions["training.show_in_memory"]
    assert not show.isEnabled() and "not typed text" in show.toolTip()
    before = window.model_name
    window.files.show_run_in_memory()
    assert "not typed text" in window.status_text() and window.model_name == before


def test_reset_disables_typing_into_the_run(qtbot, window, tmp_path):
    panel = _text_run(window, tmp_path)
    _step(qtbot, panel, 1)
    assert window.actions["training.show_in_memory"].isEnabled()
    qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    assert panel.worker is None and not window.actions["training.show_in_memory"].isEnabled()
