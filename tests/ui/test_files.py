"""File > Open (any file, background, cancel), drag and drop, recent files, projects, autosave and
recovery, and every bad input: a clear message naming the file, and nothing changed."""
import errno
import io
import json
import os
import socket
import time
import zipfile

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent

from rnnviz.data import textfile
from rnnviz.errors import RnnvizError
from rnnviz.ui.main_window import MainWindow
from tests.training._worker_helpers import tiny
from tests.ui._live_models import make_models_dir

TINY = tiny(hidden=(4,), batch=4, val_batch=8, steps=400)  # the worker tests' run, longer


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(models_dir=make_models_dir(tmp_path / "models"), restore=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.files.shutdown()
    w.training.shutdown()


def open_and_wait(w, path):
    started = w.files.open_path(str(path))
    w.files.wait()
    return started


def snapshot_state(w):
    """What must not change when a file is refused."""
    return (w.model, w.model_name, w.text_edit.toPlainText(), w.training.task_box.currentData(),
            w.training.task_box.count(), w.training.config_from_form(), w.training.state())


# ------------------------------------------------------------------------------------------ open
def test_file_open_is_the_existing_action_with_ctrl_o(window):
    act = window.actions["file.open"]
    assert act.shortcut().toString() == "Ctrl+O" and act.text() == "&Open\u2026"
    for i in ("file.save_project", "file.save_project_as", "file.open_project", "file.export_plots",
              "file.export_traces", "file.export_weights", "file.import_weights"):
        assert window.actions[i] in window.files.file_menu.actions() or \
            window.actions[i] in window.files.export_menu.actions()
    assert window.actions["file.save_project"].shortcut().toString() == "Ctrl+S"


def test_open_text_becomes_the_training_data(window, tmp_path):
    p = tmp_path / "corpus.txt"
    p.write_text("the quick brown fox jumps over the lazy dog. " * 40, encoding="utf-8")
    window.set_text("abc")
    assert open_and_wait(window, p)
    cfg = window.training.config_from_form()
    assert cfg.task == "text" and cfg.corpus == str(p) and cfg.tokens == "char"
    assert window.tabs.currentWidget() is window.training
    assert "corpus.txt" in window.training.task_box.currentText()
    assert "Training data" in window.status_text() and "1,800 characters" in window.status_text()
    assert window.text_edit.toPlainText() == "abc"
    assert str(p.resolve()) == window.files.recent_files()[0]


def test_a_slow_open_shows_its_progress_dialog_and_ends_cleanly(window, tmp_path, monkeypatch):
    """A read that goes on until the window-modal progress dialog is on screen (after its
    400 ms minimum duration): the dialog's bar follows the reader, and the end of the load
    deletes the dialog. (Progress used to go to the dialog's setValue, which pumps events once
    the dialog is shown, so the end of the load could delete the dialog inside its own
    setValue: a segmentation fault on a slow machine.)"""
    import threading

    import rnnviz.ui.file_actions as file_actions
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QProgressBar

    p = tmp_path / "corpus.txt"
    p.write_text("the quick brown fox jumps over the lazy dog. " * 40, encoding="utf-8")
    real_read = file_actions.read_for_open
    shown = threading.Event()

    def slow_read(path, progress=None, **kw):  # runs in the loader's thread
        if not shown.wait(20):
            raise RuntimeError("the progress dialog was never shown")
        return real_read(path, progress, **kw)

    class ShowWatch(QObject):
        def eventFilter(self, obj, ev):  # noqa: N802 - Qt
            if ev.type() == QEvent.Type.Show:
                shown.set()
            return False

    monkeypatch.setattr(file_actions, "read_for_open", slow_read)
    assert window.files.open_path(str(p))
    dlg = window.files.progress_dialog
    watch = ShowWatch()
    dlg.installEventFilter(watch)
    seen = []
    dlg.findChild(QProgressBar).valueChanged.connect(seen.append)
    window.files.wait()
    assert shown.is_set()
    assert seen and max(seen) == 100
    assert window.files.progress_dialog is None and window.files.job is None
    assert window.training.config_from_form().corpus == str(p)


@pytest.mark.parametrize("long_text", [False, True])
def test_open_whitespace_only_text_says_so_as_training_would(window, tmp_path, monkeypatch, long_text):
    """File > Open, `rnnviz train --corpus` and the training loop give one message for a text of
    only spaces and line breaks, also for a text long enough to be read in chunks."""
    from rnnviz.data.text_datasets import check_lm_text
    from rnnviz.ui import data_source

    if long_text:
        monkeypatch.setattr(data_source, "LONG_TEXT_BYTES", 4)
    p = tmp_path / "blank.txt"
    p.write_text(" \n\t\n  \n", encoding="utf-8")
    before = window.training.config_from_form()
    open_and_wait(window, p)
    with pytest.raises(RnnvizError) as want:
        check_lm_text(p.read_text(encoding="utf-8"), str(p))
    assert str(want.value) in window.status_text(), window.status_text()
    assert window.training.config_from_form() == before


def test_open_labelled_csv_becomes_a_classification_task(window, tmp_path):
    p = tmp_path / "reviews.csv"
    p.write_text("text,label\ngreat film,pos\nawful plot,neg\nloved it,pos\nboring,neg\n", encoding="utf-8")
    open_and_wait(window, p)
    cfg = window.training.config_from_form()
    assert cfg.task == "classify" and cfg.corpus == str(p) and cfg.tokens == "word"
    assert "2 classes" in window.status_text()


def test_open_numeric_series_asks_for_columns_and_trains(qtbot, window, tmp_path, monkeypatch):
    t = np.linspace(0, 40, 600)
    p = tmp_path / "sensor.csv"
    np.savetxt(p, np.c_[np.sin(t), np.cos(t), np.sin(t) + 0.5 * np.cos(t)], delimiter=",", header="a,b,y",
               comments="")
    seen = {}

    def choose(table):
        from rnnviz.ui.data_source import SeriesDialog

        dlg = SeriesDialog(table, window)   # the real dialog, pre-filled
        seen["defaults"] = dlg.options()
        seen["info"] = dlg.info.text()
        dlg.window.setValue(20)
        return dlg.options(), dlg.dataset
    monkeypatch.setattr(window.files, "choose_series_options", choose)
    open_and_wait(window, p)
    assert seen["defaults"]["series_inputs"] == ["a", "b"] and seen["defaults"]["series_targets"] == ["y"]
    assert "z-score" in seen["info"] and "(x \u2212" in seen["info"]
    cfg = window.training.config_from_form()
    assert cfg.task == "series" and cfg.series_inputs == ("a", "b") and cfg.series_targets == ("y",)
    assert cfg.length == 20 and cfg.normalise
    assert "z-scored" in window.status_text()
    window.training.batch_spin.setValue(8)
    window.training.single_step()
    qtbot.waitUntil(lambda: len(window.training.history) == 1, timeout=10000)
    assert np.isfinite(window.training.history.train_loss[0])
    assert window.training.worker.model.normalisation["target_columns"] == ["y"]


def test_series_dialog_cancel_changes_nothing(window, tmp_path, monkeypatch):
    p = tmp_path / "s.csv"
    np.savetxt(p, np.random.default_rng(0).normal(size=(100, 2)), delimiter=",")
    before = snapshot_state(window)
    monkeypatch.setattr(window.files, "choose_series_options", lambda table: None)
    open_and_wait(window, p)
    assert snapshot_state(window)[1:] == before[1:]
    assert "nothing changed" in window.status_text()


def test_open_model_goes_to_the_live_view(window, tmp_path):
    from tests.ui._live_models import char_lm

    p = tmp_path / "mine.npz"
    char_lm("gru", (5,)).save(p)
    open_and_wait(window, p)
    assert window.model_name == "mine" and window.model.net.cell == "gru"


def test_drag_and_drop_opens_the_file(window, tmp_path):
    p = tmp_path / "dropped.txt"
    p.write_text("drop me here please " * 200)
    md = QMimeData()
    md.setUrls([QUrl.fromLocalFile(str(p))])
    ev = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, md, Qt.MouseButton.LeftButton,
                    Qt.KeyboardModifier.NoModifier)
    # a synthetic QDropEvent is not routed by QApplication without a real drag in progress, so hand it
    # to the window's drop filter the way Qt does for a real drop on the window
    assert window.acceptDrops()
    assert window.files.eventFilter(window, ev) and ev.isAccepted()
    window.files.wait()
    assert window.training.config_from_form().corpus == str(p)
    # dropped on the text box: opened too, not pasted as text
    window.set_text("keep")
    p2 = tmp_path / "second.txt"
    p2.write_text("another corpus of text " * 200)
    md2 = QMimeData()
    md2.setUrls([QUrl.fromLocalFile(str(p2))])
    ev2 = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, md2, Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier)
    assert window.files.eventFilter(window.text_edit.viewport(), ev2)
    window.files.wait()
    assert window.training.config_from_form().corpus == str(p2) and window.text_edit.toPlainText() == "keep"


def test_recent_files_drop_missing_ones_with_a_message(window, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("alpha beta gamma " * 200)
    b.write_text("delta epsilon " * 200)
    open_and_wait(window, a)
    open_and_wait(window, b)
    assert window.files.recent_files()[:2] == [str(b.resolve()), str(a.resolve())]
    window.files._fill_recent_menu()
    names = [x.text() for x in window.files.recent_menu.actions()]
    assert names[0].endswith("b.txt") and names[1].endswith("a.txt")
    from rnnviz.ui import settings
    assert isinstance(settings.settings().value("files/recent"), str)  # a plain string
    a.unlink()
    assert not window.files.open_recent(str(a.resolve()))
    assert "no longer exists" in window.status_text() and str(a.resolve()) not in window.files.recent_files()


def test_large_file_loads_in_the_background_and_cancel_changes_nothing(qtbot, window, tmp_path, monkeypatch):
    import rnnviz.ui.file_actions as fa

    p = tmp_path / "big.txt"
    line = "the quick brown fox jumps over the lazy dog and keeps on running far away\n"
    p.write_text(line * (8_000_000 // len(line)))
    real_read = fa.read_for_open

    def slow_read(path, progress=None, **kw):  # every progress report takes a while, so Cancel lands mid-read
        def slow_progress(fraction):
            time.sleep(0.02)
            return progress(fraction) if progress is not None else True
        return real_read(path, slow_progress, **kw)

    monkeypatch.setattr(fa, "read_for_open", slow_read)
    before = snapshot_state(window)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: window.files.busy() and ticks.append(1))
    timer.start(20)
    assert window.files.open_path(str(p))
    qtbot.waitUntil(lambda: window.files.progress_dialog is not None and window.files.progress_dialog.isVisible(),
                    timeout=20_000)
    assert window.files.busy()
    dlg = window.files.progress_dialog
    assert dlg.labelText().startswith("Reading big.txt")
    from PySide6.QtWidgets import QPushButton
    qtbot.mouseClick(dlg.findChild(QPushButton), Qt.MouseButton.LeftButton)  # Cancel
    window.files.wait()
    timer.stop()
    assert "Cancelled" in window.status_text() and "nothing changed" in window.status_text()
    assert snapshot_state(window)[1:] == before[1:]
    assert ticks  # the GUI thread kept running timers while the file was being read


# ------------------------------------------------------------------------------------------ bad inputs
def _write(tmp_path, name, data):
    p = tmp_path / name
    (p.write_bytes if isinstance(data, bytes) else p.write_text)(data)
    return p


def _model_file(tmp_path, change=None, name="m.npz"):
    from tests.ui._live_models import char_lm

    good = tmp_path / "good_model.npz"
    char_lm("lstm", (4,)).save(good)
    with np.load(good, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    if change:
        change(arrays)
    p = tmp_path / name
    with open(p, "wb") as fh:
        np.savez(fh, **arrays)
    return p


def _bump_version(arrays, key="__rnnviz__"):
    h = json.loads(arrays[key].tobytes())
    h["version"] = 99
    arrays[key] = np.frombuffer(json.dumps(h).encode(), dtype=np.uint8)


def _bomb(tmp_path, name):
    p = tmp_path / name
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.zeros(1 << 20))
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_BZIP2) as zf:
        zf.writestr("weight_ih_l0.npy", buf.getvalue())
    return p


def _pickled(arrays):
    arrays["weight_hh_l0"] = np.array([{"evil": 1}], dtype=object)


def _truncated(tmp_path, name):
    good = _model_file(tmp_path, name="full.npz")
    p = tmp_path / name
    p.write_bytes(good.read_bytes()[:300])
    return p


BAD = [
    ("empty.txt", lambda d: _write(d, "empty.txt", b""), "empty"),
    ("binary.txt", lambda d: _write(d, "binary.txt", bytes(range(256)) * 20), "binary"),
    ("latin1.txt", lambda d: _write(d, "latin1.txt", "caf\xe9 cr\xe8me ".encode("latin-1") * 30), "UTF-8"),
    ("nul.txt", lambda d: _write(d, "nul.txt", b"abc\x00def" * 50), "binary"),
    ("short.txt", lambda d: _write(d, "short.txt", "tiny"), "shorter than one training sequence"),
    ("nan.csv", lambda d: _write(d, "nan.csv", "a,b\n1,2\n3,nan\n5,6\n"), "line 3"),
    ("ragged.csv", lambda d: _write(d, "ragged.csv", "a,b\n1,2\n3\n5,6\n"), "line 3"),
    ("header.csv", lambda d: _write(d, "header.csv", "a,b\n"), "no data rows"),
    ("oneclass.csv", lambda d: _write(d, "oneclass.csv", "text,label\ngood,pos\nfine,pos\nnice,pos\n"),
     "at least two classes"),
    ("truncated.npz", lambda d: _truncated(d, "truncated.npz"), "not an rnnviz model file"),
    ("notzip.npz", lambda d: _write(d, "notzip.npz", b"this is not a zip" * 10), "not an rnnviz model file"),
    ("version.npz", lambda d: _model_file(d, _bump_version, "version.npz"), "version 99"),
    ("shape.npz", lambda d: _model_file(d, lambda a: a.__setitem__("weight_hh_l0", np.zeros((2, 2), np.float32)),
                                        "shape.npz"), "weight_hh_l0"),
    ("pickled.npz", lambda d: _model_file(d, _pickled, "pickled.npz"), "pickle"),
    ("bomb.npz", lambda d: _bomb(d, "bomb.npz"), "zip bomb"),
    ("bomb.rnnviz", lambda d: _bomb(d, "bomb.rnnviz"), "zip bomb"),
    ("notzip.rnnviz", lambda d: _write(d, "notzip.rnnviz", b"garbage" * 20), "not an rnnviz project file"),
    ("missing.txt", lambda d: d / "missing.txt", "not found"),
    ("pickle.pkl", lambda d: _write(d, "pickle.pkl", b"\x80\x04K\x01."), "can run code"),
]


@pytest.mark.parametrize("name,make,words", BAD, ids=[b[0] for b in BAD])
def test_bad_file_message_names_it_and_nothing_changes(window, tmp_path, name, make, words):
    window.set_text("hello there")
    window.training.set_config(TINY)
    before = snapshot_state(window)
    path = make(tmp_path)
    open_and_wait(window, path)
    msg = window.status_text()
    assert name in msg and words in msg, msg
    assert "Traceback" not in msg
    assert snapshot_state(window) == before


def test_permission_denied(window, tmp_path, monkeypatch):
    p = _write(tmp_path, "secret.txt", "some text that we may not read " * 20)
    before = snapshot_state(window)

    def deny(path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))
    monkeypatch.setattr(textfile, "_open_binary", deny)
    open_and_wait(window, p)
    assert "secret.txt" in window.status_text() and "permission denied" in window.status_text()
    assert snapshot_state(window) == before


def test_wrong_shaped_project_is_refused(qtbot, window, tmp_path):
    path = tmp_path / "p.rnnviz"
    _train_steps(qtbot, window, 2)
    window.files.collect_project(lambda proj: window.files.write_project(str(path), proj))
    qtbot.waitUntil(path.exists, timeout=10000)
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    arrays["history.train_loss"] = np.zeros((2, 2))
    bad = tmp_path / "shape.rnnviz"
    with open(bad, "wb") as fh:
        np.savez(fh, **arrays)
    arrays2 = dict(arrays)
    _bump_version(arrays2, "__project__")
    v = tmp_path / "version.rnnviz"
    with open(v, "wb") as fh:
        np.savez(fh, **arrays2)
    before = snapshot_state(window)
    open_and_wait(window, bad)
    assert "shape.rnnviz" in window.status_text() and "train_loss" in window.status_text()
    open_and_wait(window, v)
    assert "version.rnnviz" in window.status_text() and "version 99" in window.status_text()
    assert snapshot_state(window) == before


@pytest.mark.parametrize("view, field", [
    ({"tab": "x", "text": 123, "layer": "abc", "direction": None, "live_model": 5, "training_tab": 99},
     "'live_model' is 5"),
    ({"live_model": 5, "text": "new words"}, "'live_model' is 5"),
    ({"text": "new words", "layer": 1.7}, "'layer' is 1.7"),
    ({"text": "new words", "layer": -1}, "'layer' is -1"),
    ({"text": "new words", "direction": 2}, "'direction' is 2"),
    ({"text": "new words", "tab": True}, "'tab' is True"),
    ({"text": ["new words"]}, "'text' is ['new words']"),
])
def test_project_with_bad_view_settings_changes_nothing(qtbot, window, tmp_path, monkeypatch, view, field):
    from PySide6.QtWidgets import QFileDialog

    from rnnviz.project import Project, save_project
    from rnnviz.training.config import TrainConfig

    path = tmp_path / "view_bad.rnnviz"
    save_project(str(path), Project(config=TrainConfig(task="adding", hidden=(8,)), view=view))
    window.set_text("my text")
    panel = window.training
    panel.hidden_edit.setText("")
    qtbot.keyClicks(panel.hidden_edit, "99")
    panel.lr_edit.setText("")
    qtbot.keyClicks(panel.lr_edit, "0.005")
    before = snapshot_state(window), panel.hidden_edit.text(), panel.lr_edit.text(), window.tabs.currentIndex()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions["file.open_project"].trigger()
    window.files.wait()
    status = window.status_text()
    assert "view_bad.rnnviz" in status and field in status and "nothing was changed" in status, status
    assert (snapshot_state(window), panel.hidden_edit.text(), panel.lr_edit.text(),
            window.tabs.currentIndex()) == before
    assert panel.hidden_edit.text() == "99" and window.files.project_path is None
    assert not window.files.busy()


@pytest.mark.parametrize("live_model", ["/" + "x" * 300 + "/model.npz", "bad\x00name.npz"])
def test_project_whose_live_model_path_cannot_exist_opens_and_says_so(qtbot, window, tmp_path, live_model):
    """A model path no file can have (a name too long for the system, a NUL byte) is a missing
    model, not a failure after half the project was applied."""
    from rnnviz.project import Project, save_project
    from rnnviz.training.config import TrainConfig

    path = tmp_path / "odd_path.rnnviz"
    save_project(str(path), Project(config=TrainConfig(task="adding", hidden=(8,)),
                                    view={"live_model": live_model, "text": "new words"}))
    model_before = window.model_name
    open_and_wait(window, path)
    status = window.status_text()
    assert "Opened the project odd_path.rnnviz" in status and "is missing" in status, status
    assert window.text_edit.toPlainText() == "new words" and window.model_name == model_before
    assert window.files.project_path == str(path)


def test_hyperparameters_out_of_range_are_named(window):
    window.actions.trigger("view.training")
    window.training.set_config(TINY)
    for edit, text, field in ((window.training.lr_edit, "0", "lr"), (window.training.hidden_edit, "0", "hidden")):
        old = edit.text()
        edit.setText(text)
        window.training.toggle_start()
        assert window.training.banner_text().startswith(field), window.training.banner_text()
        assert window.training.state() == "idle" and window.training.worker is None
        edit.setText(old)


def test_batch_larger_than_the_data_is_named(qtbot, window, tmp_path, monkeypatch):
    p = tmp_path / "few.csv"
    np.savetxt(p, np.arange(60.0).reshape(30, 2), delimiter=",", header="x,y", comments="")
    monkeypatch.setattr(window.files, "choose_series_options", lambda t: (
        {"series_inputs": ["x"], "series_targets": ["y"], "window": 5, "horizon": 1, "normalise": True},
        None))
    open_and_wait(window, p)
    window.training.batch_spin.setValue(500)
    window.training.single_step()
    qtbot.waitUntil(lambda: "batch" in window.training.banner_text(), timeout=10000)
    assert "set the batch size to at most" in window.training.banner_text()  # refused before a run starts
    assert window.training.state() == "idle"


# ------------------------------------------------------------------------------------------ projects
def _train_steps(qtbot, window, n):
    window.training.set_config(TINY)
    for _ in range(n):
        window.training.single_step()
        qtbot.waitUntil(lambda k=len(window.training.history): len(window.training.history) > k, timeout=10000)


def _save(qtbot, window, path):
    with qtbot.waitSignal(window.files.project_saved, timeout=10000):
        window.files.save_project(str(path))


def test_save_and_open_project_restores_everything(qtbot, window, tmp_path):
    window.set_text("The bank was steep")
    window.set_layer_direction(1, 1)
    _train_steps(qtbot, window, 6)
    path = tmp_path / "work.rnnviz"
    _save(qtbot, window, path)
    assert path.exists() and "Saved the project" in window.status_text()
    model = window.training.worker.model
    params = {k: v.copy() for k, v in model.params.items()}
    losses = list(window.training.history.train_loss)

    w2 = MainWindow(models_dir=window.models_dir, restore=False)
    qtbot.addWidget(w2)
    try:
        open_and_wait(w2, path)
        assert "Opened the project work.rnnviz" in w2.status_text(), w2.status_text()
        assert w2.text_edit.toPlainText() == "The bank was steep"
        assert (w2.live.layer, w2.live.direction) == (1, 1)
        assert w2.training.state() == "paused" and w2.training.config_from_form().cell == "gru"
        np.testing.assert_allclose(w2.training.history.train_loss, losses)
        for k, v in params.items():
            np.testing.assert_array_equal(w2.training.worker.model.params[k], v)
        assert w2.training.loss_view.loss_curve.getData()[1].shape == (6,) if hasattr(
            w2.training.loss_view, "loss_curve") else True
        w2.training.single_step()  # training continues from step 6 with the saved optimiser
        qtbot.waitUntil(lambda: len(w2.training.history) == 7, timeout=10000)
        assert w2.training.history.steps[-1] == 7
    finally:
        w2.files.shutdown()
        w2.training.shutdown()


def test_a_save_waiting_for_a_run_that_is_reset_says_so_and_autosave_goes_on(qtbot, window, tmp_path,
                                                                              monkeypatch):
    """Save Project and autosave wait for the run to copy its weights between two steps; a run
    reset before it answers must not leave them waiting for ever, nor hand them the next run's
    copy."""
    panel, saver = window.training, window.files.autosave
    _train_steps(qtbot, window, 1)
    old = panel.worker
    monkeypatch.setattr(old, "capture", lambda: None)  # this run never answers
    out = tmp_path / "lost.rnnviz"
    window.files.save_project(str(out))
    saver.tick()
    assert saver._busy
    qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    assert "reset before it could be saved" in window.status_text() and "lost.rnnviz" in window.status_text()
    assert not saver._busy and not out.exists()
    # a new run: autosave works again, and only the new run's copy is written
    _train_steps(qtbot, window, 2)
    assert panel.worker is not old
    with qtbot.waitSignal(saver.saved, timeout=10000):
        saver.tick()
    from rnnviz.project import load_project
    assert load_project(str(saver.recovery_path)).step == 2 and not out.exists()


def test_save_model_as_keeps_the_layer_and_direction_shown(window, tmp_path):
    window.set_text("f(a)")
    window.set_layer_direction(1, 1)
    assert window.files.save_model(tmp_path / "mine.npz")
    assert window.model_name == "mine" and (window.live.layer, window.live.direction) == (1, 1)
    assert window.layer_combo.currentIndex() == 1


def test_reset_discards_the_runs_recovery_file(qtbot, window):
    """Reset throws the run away: a crash after it has nothing to offer."""
    saver = window.files.autosave
    _train_steps(qtbot, window, 2)
    with qtbot.waitSignal(saver.saved, timeout=10000):
        saver.tick()
    assert saver.recovery_path.exists()
    qtbot.mouseClick(window.training.reset_button, Qt.MouseButton.LeftButton)
    assert window.training.worker is None and not saver.recovery_path.exists()


def test_disk_full_during_save_keeps_the_previous_project(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "keep.rnnviz"
    _train_steps(qtbot, window, 2)
    _save(qtbot, window, path)
    before = path.read_bytes()
    _train_steps_more = window.training.single_step
    _train_steps_more()
    qtbot.waitUntil(lambda: len(window.training.history) == 3, timeout=10000)

    def full(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(np, "savez_compressed", full)
    window.files.save_project(str(path))
    qtbot.waitUntil(lambda: "Could not save" in window.status_text(), timeout=10000)
    assert "No space left on device" in window.status_text() and "keep.rnnviz" in window.status_text()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".keep")) == []


# ------------------------------------------------------------------------------------------ autosave
def _crash(saver) -> None:
    """Leave ``saver``'s files as a process killed mid-session does: its recovery project, and its
    lock naming a process that no longer runs."""
    assert saver.lock.tryLock(0) or saver.lock.isLocked()
    saver.lock.unlock()
    saver.lock_path.write_text(f"999999999\npython3\n{socket.gethostname()}\n")


def test_autosave_and_recovery_after_a_crash(qtbot, window, tmp_path, monkeypatch):
    _train_steps(qtbot, window, 3)
    window.set_text("unsaved words")
    saver = window.files.autosave
    with qtbot.waitSignal(saver.saved, timeout=10000):
        saver.tick()
    assert saver.recovery_path.exists()
    _crash(saver)       # the session was running ... and never closed cleanly

    w2 = MainWindow(models_dir=window.models_dir, restore=False)
    qtbot.addWidget(w2)
    asked = []
    monkeypatch.setattr(w2.files.autosave, "ask_restore", lambda p: asked.append(p) or True)
    try:
        assert w2.files.startup()
        w2.files.wait()
        assert asked == [saver.recovery_path] and w2.text_edit.toPlainText() == "unsaved words"
        assert len(w2.training.history) == 3 and "Recovered" in w2.status_text()
        # the crashed session's files became w2's own: its lock is gone, w2's recovery holds the work
        assert not saver.recovery_path.exists() and not saver.lock_path.exists()
        assert w2.files.autosave.lock_path.exists() and w2.files.autosave.recovery_path.exists()
        w2.close()      # a clean close: no offer next time
        assert not w2.files.autosave.lock_path.exists() and not w2.files.autosave.recovery_path.exists()
    finally:
        w2.training.shutdown()


def test_two_windows_at_once_keep_their_own_autosave(qtbot, window, monkeypatch):
    """A second rnnviz started while the first runs neither offers nor deletes the first's
    recovery project, and each saves to its own file."""
    saver = window.files.autosave
    assert not window.files.startup()       # the first session locks itself
    _train_steps(qtbot, window, 2)
    with qtbot.waitSignal(saver.saved, timeout=10000):
        saver.tick()
    first = saver.recovery_path.read_bytes()

    w2 = MainWindow(models_dir=window.models_dir, restore=False)
    qtbot.addWidget(w2)
    monkeypatch.setattr(w2.files.autosave, "ask_restore", lambda p: pytest.fail(f"offered {p} of a running window"))
    try:
        assert not w2.files.startup()
        saver2 = w2.files.autosave
        assert saver2.recovery_path != saver.recovery_path and saver2.lock_path != saver.lock_path
        _train_steps(qtbot, w2, 1)
        with qtbot.waitSignal(saver2.saved, timeout=10000):
            saver2.tick()
        assert saver.recovery_path.read_bytes() == first and saver2.recovery_path.exists()
        w2.close()      # the second closes cleanly: only its own files go
        assert not saver2.recovery_path.exists() and not saver2.lock_path.exists()
        assert saver.recovery_path.read_bytes() == first and saver.lock_path.exists()
    finally:
        w2.training.shutdown()


def test_recovery_offered_is_the_newest_and_a_declined_one_is_deleted(qtbot, window, monkeypatch):
    from rnnviz.ui.autosave import data_dir

    folder = data_dir()
    old, new = folder / "recovery-aaaa.rnnviz", folder / "recovery-bbbb.rnnviz"
    old.write_bytes(b"older")
    new.write_bytes(b"newer")
    os.utime(old, (1_000_000, 1_000_000))
    (folder / "session-bbbb.lock").write_text(f"999999999\npython3\n{socket.gethostname()}\n")  # its process died
    dead = folder / "session-cccc.lock"     # a session that died with nothing to recover
    dead.write_text(f"999999999\npython3\n{socket.gethostname()}\n")
    legacy, marker = folder / "recovery.rnnviz", folder / "session.running"  # an older rnnviz's, older still
    legacy.write_bytes(b"legacy")
    marker.write_text("1")
    os.utime(legacy, (500_000, 500_000))
    saver = window.files.autosave
    asked = []

    def ask(p):
        assert saver.lock_path.exists()     # this session is locked before anything is offered
        asked.append(p)
        return False
    monkeypatch.setattr(saver, "ask_restore", ask)
    assert not window.files.startup()
    assert asked == [new] and not new.exists() and old.exists()
    assert not (folder / "session-bbbb.lock").exists() and not dead.exists()
    assert legacy.exists() and marker.exists()  # not offered this time: kept for a later start


def test_no_offer_after_a_clean_exit_and_interval_setting(window, monkeypatch):
    saver = window.files.autosave
    assert saver.interval() == 60
    monkeypatch.setattr(saver, "ask_restore", lambda p: pytest.fail("asked after a clean exit"))
    assert not window.files.startup()
    saver.set_interval(5)
    assert saver.timer.interval() == 5000
    from rnnviz.ui import settings
    assert settings.get_int("autosave/seconds") == 5
    from rnnviz.ui.autosave import PreferencesDialog
    dlg = PreferencesDialog(saver, window)
    dlg.seconds.setValue(0)
    dlg.accept()
    assert saver.interval() == 0 and not saver.timer.isActive()


# ------------------------------------------------------------------------------------------ export / import
def test_import_pytorch_weights_into_the_live_model(window, tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    from tests.ui._live_models import forward_states

    net = window.model.net
    lstm = torch.nn.LSTM(net.input_size, net.hidden_sizes[0], num_layers=net.num_layers,
                         bidirectional=net.num_directions == 2)
    p = tmp_path / "torch_lstm.safetensors"
    save_file({f"rnn.{k}": v.contiguous() for k, v in lstm.state_dict().items()}, str(p))
    window.set_text("The bank")
    shipped = window.model_name
    open_and_wait(window, p)
    assert "Imported" in window.status_text(), window.status_text()
    np.testing.assert_allclose(window.model.net.params["weight_hh_l0"], lstm.weight_hh_l0.detach().numpy())
    # the model is no longer its file's: named after both, and not saved in projects as that file
    assert window.model_name == f"{shipped} + torch_lstm" and window.model_path is None
    assert window.model_combo.currentText() == f"{shipped} + torch_lstm"
    assert window.files.view_state()["live_model"] == ""
    np.testing.assert_allclose(window.live.heatmap("h").image_data(),
                               forward_states(window.model, "The bank")["h"].T, rtol=1e-5, atol=1e-6)
    pt = tmp_path / "sd.pt"
    torch.save(lstm.state_dict(), pt)
    with torch.no_grad():
        for prm in lstm.parameters():
            prm.mul_(0.5)
    torch.save(lstm.state_dict(), pt)
    open_and_wait(window, pt)
    assert "Imported" in window.status_text() and "sd.pt" in window.status_text(), window.status_text()
    assert window.model_name == f"{shipped} + sd"
    np.testing.assert_allclose(window.model.net.params["weight_hh_l0"], lstm.weight_hh_l0.detach().numpy())
    # wrong architecture: refused, weights unchanged
    gru = torch.nn.GRU(3, 2)
    bad = tmp_path / "gru.safetensors"
    save_file(dict(gru.state_dict()), str(bad))
    before = window.model.net.params["weight_hh_l0"].copy()
    open_and_wait(window, bad)
    assert "gru.safetensors" in window.status_text() and "weight" in window.status_text()
    np.testing.assert_array_equal(window.model.net.params["weight_hh_l0"], before)
    # the shipped file's weights are one click away in the selector
    window.select_model(shipped)
    assert window.model_name == shipped and window.model_path is not None
    assert not np.allclose(window.model.net.params["weight_hh_l0"], before)


def test_export_weights_traces_and_plots(qtbot, window, tmp_path):
    from safetensors.numpy import load_file

    window.set_text("The bank was steep")
    out = tmp_path / "w.safetensors"
    assert window.files.export_weights(str(out))
    loaded = load_file(str(out))
    for k, v in window.model.params.items():
        np.testing.assert_array_equal(loaded[k], v)
    csv_dir = tmp_path / "csv"
    csv_dir.mkdir()
    files = window.files.export_traces(str(tmp_path / "t.npz"), str(csv_dir))
    with np.load(tmp_path / "t.npz", allow_pickle=False) as f:
        T = len(f["tokens"])
        np.testing.assert_allclose(f["h_l0_d0"], window.live.runner.states(0, 0)["h"], atol=1e-6)
        assert {"c_l1_d1", "i_l0_d0", "f_l0_d0", "g_l0_d0", "o_l0_d0"} <= set(f.files)
    first = (csv_dir / "h_l0_d0.csv").read_text().splitlines()
    assert first[0].startswith("step,token,unit_0") and len(first) == T + 1
    assert len(files) > 5
    # plots of the Memory tab
    pics = tmp_path / "pics"
    pics.mkdir()
    written = window.files.export_plots(str(pics))
    assert written and all(p.stat().st_size > 0 for p in written)
    assert {p.suffix for p in written} == {".png", ".svg"}
    # the training tab, with step norms in the traces
    _train_steps(qtbot, window, 2)
    window.training.redraw(force=True)
    qtbot.wait(50)
    pics2 = tmp_path / "pics2"
    pics2.mkdir()
    written2 = window.files.export_plots(str(pics2))
    assert len(written2) >= 12, [p.name for p in written2]
    window.files.export_traces(str(tmp_path / "t2.npz"))
    with np.load(tmp_path / "t2.npz", allow_pickle=False) as f:  # the run's norms are its model's, not this one's
        assert "h_l0_d0" in f.files and not [k for k in f.files if k.startswith("step_norms")]


def test_export_errors_are_messages(window, tmp_path):
    window.files.export_plots(str(tmp_path / "nope"))
    assert "not a folder" in window.status_text()
    window.set_text("")
    window.files.export_traces(str(tmp_path / "t.npz"))
    assert "empty" in window.status_text()


def test_export_traces_saves_what_is_shown_also_in_compare_mode(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from tests.ui._live_models import forward_states

    out = tmp_path / "traces.npz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.set_text("f(a)")
    qtbot.keyClicks(window.text_edit, " [b]")  # exported at once, before the live view's timer
    window.actions["file.export_traces"].trigger()
    with np.load(out, allow_pickle=False) as f:
        assert "".join(f["tokens"]) == "f(a) [b]"
        np.testing.assert_allclose(f["h_l0_d0"], forward_states(window.model, "f(a) [b]")["h"], atol=1e-5)
    out.unlink()
    # compare mode: the compare models' traces of the text shown, one file each
    window.actions["view.compare"].trigger()
    assert window.compare_mode
    qtbot.keyClicks(window.text_edit, " + zz")
    window.actions["file.export_traces"].trigger()
    text = "f(a) [b] + zz"
    assert not out.exists()  # the hidden live panel's traces are not saved as if shown
    names = [p.name for p in window.compare.panels]
    assert len(names) == 3
    for p in window.compare.panels:
        with np.load(tmp_path / f"traces_{p.name}.npz", allow_pickle=False) as f:
            assert "".join(f["tokens"]) == text
            np.testing.assert_allclose(f["h_l0_d0"], forward_states(p.model, text)["h"], atol=1e-5)
        rows = (tmp_path / "traces_csv" / p.name / "h_l0_d0.csv").read_text().splitlines()
        assert len(rows) == len(text) + 1
    status = window.status_text()
    assert "compare models" in status and all(n in status for n in names), status


def test_compare_trace_export_is_all_or_nothing_and_keeps_training_norms_out(qtbot, window, tmp_path,
                                                                               monkeypatch):
    """In compare mode the training run's ||dL/dh_t|| (another model's, on another batch) is not
    put into the compare models' files; and a write that fails half-way leaves no file of this
    export behind and earlier files as they were."""
    from rnnviz.engine import serialize
    from rnnviz.errors import RnnvizError

    _train_steps(qtbot, window, 1)
    assert window.training.history.latest.step_norms        # the run has norms to (wrongly) attach
    window.actions["view.compare"].trigger()
    window.set_text("f(a)")
    out = tmp_path / "traces.npz"
    files = window.files.export_traces(out, tmp_path / "traces_csv")
    assert files and not any("step_norms" in f.name for f in files)
    for p in window.compare.panels:
        with np.load(tmp_path / f"traces_{p.name}.npz", allow_pickle=False) as f:
            assert not [k for k in f.files if k.startswith("step_norms")]
    before = {f: f.read_bytes() for f in files}
    # the same export over the old files, on another text, with the disk failing at the 10th of 15 files
    window.set_text("[zz]")
    real, count = serialize.atomic_write, [0]

    def failing(path, write_fn):
        count[0] += 1
        if count[0] == 10:
            raise RnnvizError(f"cannot save {path}: No space left on device")
        return real(path, write_fn)
    monkeypatch.setattr(serialize, "atomic_write", failing)
    assert window.files.export_traces(out, tmp_path / "traces_csv") == []
    assert "No space left on device" in window.status_text() and "nothing was saved" in window.status_text()
    assert ".rnnviz-export" not in window.status_text() and str(tmp_path) in window.status_text()

    def unchanged():
        assert {f: f.read_bytes() for f in files} == before
        now = [q for q in tmp_path.iterdir() if q.name.startswith(("traces", "."))] + \
            list((tmp_path / "traces_csv").rglob("*"))
        assert sorted(q for q in now if q.is_file()) == sorted(before), "files left by the failed export"
    unchanged()
    # every file written, then moving the 7th into place fails: the six moved are put back
    monkeypatch.setattr(serialize, "atomic_write", real)
    real_replace, placed = os.replace, [0]

    def replace(src, dst):
        if ".rnnviz-export" in str(src) and ".rnnviz-export" not in str(dst):  # a new file into place
            placed[0] += 1
            if placed[0] == 7:
                raise OSError(errno.EIO, os.strerror(errno.EIO), str(dst))
        return real_replace(src, dst)
    with monkeypatch.context() as m:
        m.setattr(os, "replace", replace)
        assert window.files.export_traces(out, tmp_path / "traces_csv") == []
    assert os.strerror(errno.EIO) in window.status_text()
    unchanged()


def test_trace_export_never_removes_a_folder_in_the_way(qtbot, window, tmp_path):
    """A folder where a trace file would go is refused, with its contents kept (before, it was
    set aside into the staging folder and deleted with it)."""
    window.set_text("f(a)")
    in_way = tmp_path / "t.npz"
    in_way.mkdir()
    (in_way / "notes.txt").write_text("keep me")
    assert window.files.export_traces(in_way) == []
    assert "it is a folder" in window.status_text() and (in_way / "notes.txt").read_text() == "keep me"
    window.actions["view.compare"].trigger()
    target = tmp_path / "c.npz"
    name = window.compare.panels[0].name
    blocker = tmp_path / f"c_{name}.npz"
    blocker.mkdir()
    (blocker / "notes.txt").write_text("keep me too")
    assert window.files.export_traces(target, tmp_path / "c_csv") == []
    assert "it is a folder" in window.status_text() and (blocker / "notes.txt").read_text() == "keep me too"
    assert not [q for q in tmp_path.iterdir() if q.name.startswith(("c_compare", ".")) and q != blocker]
    a_file = tmp_path / "csv_file"
    a_file.write_text("x")
    assert window.files.export_traces(tmp_path / "d.npz", a_file) == []
    assert "csv_file" in window.status_text() and ".rnnviz-export" not in window.status_text()
    assert a_file.read_text() == "x"


# ------------------------------------------------------------------------------------------ quit
def _autosaved(qtbot, window):
    saver = window.files.autosave
    with qtbot.waitSignal(saver.saved, timeout=10000):
        saver.tick()
    assert saver.recovery_path.exists()
    return saver.recovery_path


def test_quit_asks_before_an_unsaved_run_cancel_keeps_it_save_saves_then_quits(qtbot, window, tmp_path,
                                                                              monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    _train_steps(qtbot, window, 3)
    recovery = _autosaved(qtbot, window)
    asked = []
    answer = ["cancel"]
    monkeypatch.setattr(window.files, "ask_unsaved_run", lambda steps: asked.append(steps) or answer[0],
                        raising=False)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)  # File > Quit
    assert asked == [3]
    assert window.isVisible() and window.training.worker is not None and recovery.exists()
    # the title bar's close button asks the same
    from PySide6.QtGui import QCloseEvent
    with monkeypatch.context() as m:
        m.setattr(QCloseEvent, "spontaneous", lambda ev: True)  # as the window system sends it
        window.close()
    assert asked == [3, 3] and window.isVisible() and recovery.exists()
    # Save: asks for a file (no project yet), writes it, then quits
    answer[0] = "save"
    out = tmp_path / "run.rnnviz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.actions["file.quit"].trigger()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)
    assert asked == [3, 3, 3] and out.exists()
    from rnnviz.project import load_project
    assert load_project(str(out)).step == 3


def test_quit_counts_the_steps_of_a_long_run_not_its_thinned_records(qtbot, window, monkeypatch):
    panel = window.training
    panel.history.max_points = 4  # thinned early, as a run past 10,000 records is
    panel.set_config(TINY)
    for n in range(1, 10):
        panel.single_step()
        qtbot.waitUntil(lambda n=n: len(panel.history) and panel.history.steps[-1] == n, timeout=10000)
    assert len(panel.history) < 9
    asked = []
    monkeypatch.setattr(window.files, "ask_unsaved_run", lambda steps: asked.append(steps) or "cancel",
                        raising=False)
    window.actions["file.quit"].trigger()
    assert asked == [9] and window.isVisible()


def test_quit_discard_cleans_up_and_a_saved_run_quits_without_asking(qtbot, window, tmp_path, monkeypatch):
    _train_steps(qtbot, window, 2)
    _save(qtbot, window, tmp_path / "saved.rnnviz")
    monkeypatch.setattr(window.files, "ask_unsaved_run", lambda steps: pytest.fail("asked about a saved run"),
                        raising=False)
    assert window.files.unsaved_run() == 0
    _train_steps(qtbot, window, 1)  # one more step: unsaved again
    recovery = _autosaved(qtbot, window)
    asked = []
    monkeypatch.setattr(window.files, "ask_unsaved_run", lambda steps: asked.append(steps) or "discard",
                        raising=False)
    window.actions["file.quit"].trigger()
    assert asked and not window.isVisible() and not recovery.exists()
