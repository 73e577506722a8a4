"""The Memory tab's model selector: models of this session (a training run's copy, imported
weights) each keep their own entry until saved to a file or the window closes, quitting asks
about them, and files named like a shipped model are told apart."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

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
    assert sum(map(is_session_item, data)) == 2
    assert all(d.startswith(SESSION_ITEM) for d in data if is_session_item(d))
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
    window.select_model("brackets_lstm")
    assert window.session_models() == [("code (LSTM), step 300", a), ("code (GRU), step 600", b)]


def test_only_numbered_entries_are_session_items_and_the_old_single_model_property_is_gone(window):
    assert is_session_item(f"{SESSION_ITEM}:1") and is_session_item(f"{SESSION_ITEM}:12")
    assert not is_session_item(SESSION_ITEM)            # nothing makes a bare one
    assert not is_session_item(None) and not is_session_item("/models/brackets_lstm.npz")
    assert not hasattr(window, "_session_model")        # session_models() lists them all


def test_the_live_model_copy_is_a_copy_of_the_session_model_shown(window):
    a = char_lm("lstm", (8,), seed=1)
    assert window.show_model(char_lm("lstm", (8,), seed=2), "run")
    assert window.show_model(a, "run")                  # shown as "run (2)"
    copy, name = window.files.live_model_copy()
    assert name == "run" and copy.to_config() == a.to_config()
    before = {k: v.copy() for k, v in a.params.items()}
    for k, v in copy.params.items():
        v[...] = 7.0                                    # changing the copy leaves the model alone
    for k, v in a.params.items():
        np.testing.assert_array_equal(v, before[k])
    window.select_model("sentiment_lstm")               # a file's model: the project names the file
    assert window.files.live_model_copy() == (None, "")


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
    assert window.session_models() == []


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


# ------------------------------------------------------------------------------------------ quit
def _train_steps(qtbot, window, n):
    from tests.training._worker_helpers import tiny

    window.training.set_config(tiny(hidden=(4,), batch=4, val_batch=8, steps=400))
    for _ in range(n):
        window.training.single_step()
        qtbot.waitUntil(lambda k=len(window.training.history): len(window.training.history) > k, timeout=10000)


def _no_question_about_a_run(window, monkeypatch):
    monkeypatch.setattr(window.files, "ask_unsaved_run", lambda steps: pytest.fail("asked about a run"))


def test_quit_asks_about_unsaved_session_models_cancel_stays_discard_quits(qtbot, window, monkeypatch, tmp_path):
    from PySide6.QtGui import QCloseEvent

    _no_question_about_a_run(window, monkeypatch)
    assert window.show_model(char_lm("lstm", (8,), seed=1), "code (LSTM), step 300")
    assert window.show_model(char_lm("lstm", (8,), seed=2), "code (LSTM), step 600")
    asked, answer = [], ["cancel"]
    monkeypatch.setattr(window, "ask_unsaved_models", lambda names: asked.append(list(names)) or answer[0],
                        raising=False)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)    # File > Quit
    assert asked == [["code (LSTM), step 300", "code (LSTM), step 600"]] and window.isVisible()
    with monkeypatch.context() as m:                                             # the title bar's close
        m.setattr(QCloseEvent, "spontaneous", lambda ev: True)
        window.close()
    assert len(asked) == 2 and window.isVisible()
    assert window.files.save_model(tmp_path / "six_hundred")                    # saved: not asked about
    window.actions["file.quit"].trigger()
    assert asked[-1] == ["code (LSTM), step 300"] and window.isVisible()
    answer[0] = "discard"
    window.actions["file.quit"].trigger()
    assert len(asked) == 4 and not window.isVisible()


def test_quit_with_every_session_model_saved_does_not_ask(qtbot, window, monkeypatch, tmp_path):
    _no_question_about_a_run(window, monkeypatch)
    monkeypatch.setattr(window, "ask_unsaved_models", lambda names: pytest.fail(f"asked about {names}"),
                        raising=False)
    assert window.show_model(char_lm("lstm", (8,), seed=1), "run A")
    assert window.show_model(char_lm("lstm", (8,), seed=2), "run B")
    assert window.files.save_model(tmp_path / "b")
    _choose(window, "run A")
    assert window.files.save_model(tmp_path / "a")
    window.actions["file.quit"].trigger()             # nothing unsaved: quits at once
    assert not window.isVisible()


def test_a_close_by_the_program_does_not_ask(qtbot, window, monkeypatch):
    _no_question_about_a_run(window, monkeypatch)
    monkeypatch.setattr(window, "ask_unsaved_models", lambda names: pytest.fail(f"asked about {names}"),
                        raising=False)
    assert window.show_model(char_lm("lstm", (8,), seed=1), "run A")
    window.close()                                    # a script, a screenshot, a test: never asks
    assert not window.isVisible()


def test_quit_asks_about_the_run_then_the_models_cancel_on_either_stays(qtbot, window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    _train_steps(qtbot, window, 2)
    assert window.show_model(char_lm("lstm", (8,), seed=1), "run A")
    asked, names_asked = [], []
    answers = {"run": "cancel", "models": "discard"}
    monkeypatch.setattr(window.files, "ask_unsaved_run", lambda steps: asked.append("run") or answers["run"])
    monkeypatch.setattr(window, "ask_unsaved_models",
                        lambda names: asked.append("models") or names_asked.append(names) or answers["models"],
                        raising=False)
    window.actions["file.quit"].trigger()
    assert asked == ["run"] and window.isVisible()                # cancelled: the models are not asked about
    assert window.show_model(char_lm("lstm", (8,), seed=2), "run B")   # shown: a project saved now holds it
    # Save the run, then Cancel on the models: nothing is saved, rnnviz stays open
    answers.update(run="save", models="cancel")
    out = tmp_path / "run.rnnviz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    asked.clear()
    window.actions["file.quit"].trigger()
    assert asked == ["run", "models"] and window.isVisible() and not out.exists()
    assert window.files.unsaved_run() == 2
    # Save the run, Discard the models: the run is saved, then rnnviz quits
    answers["models"] = "discard"
    asked.clear()
    window.actions["file.quit"].trigger()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)
    assert asked == ["run", "models"] and out.exists()
    assert names_asked == [["run A"], ["run A"]]                   # run B, shown, went into the project
    from rnnviz.project import load_project

    assert load_project(out).live_model_name == "run B"


def _save_project_dialog(qtbot, window, monkeypatch, path):
    """File > Save Project, the dialog answered with ``path``."""
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.actions["file.save_project"].trigger()
    assert path.exists() and "Saved the project" in window.status_text(), window.status_text()


def _asked_models(window, monkeypatch, answer="cancel"):
    asked = []
    monkeypatch.setattr(window, "ask_unsaved_models", lambda names: asked.append(list(names)) or answer,
                        raising=False)
    return asked


def test_quit_after_save_project_does_not_ask_about_the_model_it_holds(qtbot, window, monkeypatch, tmp_path):
    _no_question_about_a_run(window, monkeypatch)
    asked = _asked_models(window, monkeypatch)
    assert window.show_model(char_lm("lstm", (8,), seed=1), "run A")
    _save_project_dialog(qtbot, window, monkeypatch, tmp_path / "a.rnnviz")
    window.actions["file.quit"].trigger()
    assert asked == [] and not window.isVisible()


def test_the_recovery_file_does_not_count_as_saved(qtbot, window, monkeypatch):
    _train_steps(qtbot, window, 1)
    monkeypatch.setattr(window.files, "ask_unsaved_run", lambda steps: "discard")
    asked = _asked_models(window, monkeypatch)
    assert window.show_model(char_lm("lstm", (8,), seed=1), "run A")
    saver = window.files.autosave
    with qtbot.waitSignal(saver.saved, timeout=10000):
        saver.tick()                                               # the crash-recovery file holds run A
    window.actions["file.quit"].trigger()
    assert asked == [["run A"]] and window.isVisible()


def test_quit_still_asks_about_a_session_model_no_project_holds(qtbot, window, monkeypatch, tmp_path):
    _no_question_about_a_run(window, monkeypatch)
    asked = _asked_models(window, monkeypatch)
    a, b = char_lm("lstm", (8,), seed=1), char_lm("lstm", (8,), seed=2)
    assert window.show_model(a, "run A") and window.show_model(b, "run B")
    path = tmp_path / "b.rnnviz"
    _save_project_dialog(qtbot, window, monkeypatch, path)        # holds run B, the one shown
    window.actions["file.quit"].trigger()
    assert asked == [["run A"]] and window.isVisible()
    # the project saved again with run A shown: it holds A now, and B is unsaved again
    _choose(window, "run A")
    window.files.save_project()
    window.actions["file.quit"].trigger()
    assert asked[-1] == ["run B"] and window.isVisible()
    # saved again with a file's model shown: it holds neither
    window.select_model("sentiment_lstm")
    window.files.save_project()
    window.actions["file.quit"].trigger()
    assert asked[-1] == ["run A", "run B"] and window.isVisible()


def test_quit_after_opening_a_project_does_not_ask_about_its_model(qtbot, window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    from rnnviz.ui.main_window import MainWindow

    _no_question_about_a_run(window, monkeypatch)
    assert window.show_model(char_lm("lstm", (8,), seed=1), "run A")
    path = tmp_path / "a.rnnviz"
    _save_project_dialog(qtbot, window, monkeypatch, path)
    w2 = MainWindow(models_dir=window.models_dir, restore=False)  # the next day
    qtbot.addWidget(w2)
    try:
        _no_question_about_a_run(w2, monkeypatch)
        asked = _asked_models(w2, monkeypatch)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
        w2.actions["file.open_project"].trigger()                 # File > Open Project
        w2.files.wait()
        assert w2.model_name == "run A" and w2.model_path is None, w2.status_text()
        w2.show()
        w2.actions["file.quit"].trigger()
        assert asked == [] and not w2.isVisible()
    finally:
        w2.files.shutdown()
        w2.training.shutdown()


def test_the_question_names_the_models_and_its_buttons_answer(qtbot, window):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from rnnviz.ui.main_window import unsaved_models_text

    names = [f"code (LSTM), step {100 * k}" for k in range(1, 8)]
    text = unsaved_models_text(names)
    assert all(n in text for n in names[:5]) and names[5] not in text and "and 2 more" in text
    assert "not saved to a file" in unsaved_models_text(names[:1]) and "more" not in unsaved_models_text(names[:1])
    seen = []

    def press(button):
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):               # not up yet
            QTimer.singleShot(20, lambda: press(button))
            return
        seen.append((box.objectName(), box.text()))
        box.button(button).click()
    for button, want in ((QMessageBox.StandardButton.Cancel, "cancel"),
                         (QMessageBox.StandardButton.Discard, "discard")):
        QTimer.singleShot(0, lambda b=button: press(b))
        assert window.ask_unsaved_models(names[:2]) == want
    assert [s[0] for s in seen] == ["dialog.unsaved_models"] * 2
    assert names[0] in seen[0][1] and names[1] in seen[0][1]


# ------------------------------------------------------------------ files named like shipped ones
def _same_named_file(tmp_path, folder="x", name="brackets_lstm", seed=5):
    """A model file called like a shipped one, elsewhere, with other weights."""
    path = tmp_path / folder / f"{name}.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    char_lm("gru", (5,), seed=seed).save(path)
    return path


def _open(window, path):
    """File > Open on ``path``, as the dialog does."""
    assert window.files.open_path(str(path))
    window.files.wait()


def test_a_file_named_like_a_shipped_model_is_told_apart_and_examples_keep_the_shipped_one(
        qtbot, window, models_dir, tmp_path):
    from rnnviz.ui.examples import EXAMPLES

    shipped = models_dir / "brackets_lstm.npz"
    mine = _same_named_file(tmp_path)
    _open(window, mine)
    assert window.model_path == mine and window.model.net.cell == "gru"
    combo = window.model_combo
    assert combo.currentText() == "brackets_lstm (x)" and window.model_name == "brackets_lstm (x)"
    assert str(mine) in combo.itemData(combo.currentIndex(), Qt.ItemDataRole.ToolTipRole)
    names = _texts(window)
    assert names.count("brackets_lstm") == 1 and len(names) == len(set(names))
    shipped_idx = combo.findData(str(shipped))
    assert combo.itemText(shipped_idx) == "brackets_lstm"
    assert str(shipped) in combo.itemData(shipped_idx, Qt.ItemDataRole.ToolTipRole)
    # Examples > Brackets: the example is meant for the shipped model, which it opens
    n = next(i for i, e in enumerate(EXAMPLES) if e.model == "brackets_lstm")
    window.actions[f"examples.{n}"].trigger()
    qtbot.waitUntil(lambda: not window.live._pending)
    assert window.model_path == shipped and window.model.net.cell == "lstm"
    assert combo.currentText() == "brackets_lstm" and window.text_edit.toPlainText() == EXAMPLES[n].text
    # my file is one click away, and opening it again adds no entry
    _choose(window, "brackets_lstm (x)")
    assert window.model_path == mine
    count = combo.count()
    _open(window, mine)
    assert combo.count() == count and window.model_name == "brackets_lstm (x)"
    # select_model (the Examples menu and lessons pick models by name) prefers the shipped model
    assert window.select_model("brackets_lstm") and window.model_path == shipped
    # a third file called so, in another folder called x too
    other = _same_named_file(tmp_path / "deeper", seed=6)
    _open(window, other)
    assert window.model_name == "brackets_lstm (x) (2)" and window.model_path == other
    assert window.select_model("brackets_lstm") and window.model_path == shipped


def test_a_session_model_saved_under_a_shipped_name_is_told_apart(qtbot, window, models_dir, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    assert window.show_model(char_lm("gru", (5,), seed=7), "code (GRU), step 40")
    assert window.files.save_model(folder / "sentiment_lstm")
    saved = folder / "sentiment_lstm.npz"
    combo = window.model_combo
    assert window.model_path == saved and window.model_name == "sentiment_lstm (mine)"
    assert combo.currentText() == "sentiment_lstm (mine)" and window.live.model_name == "sentiment_lstm (mine)"
    assert str(saved) in combo.itemData(combo.currentIndex(), Qt.ItemDataRole.ToolTipRole)
    assert window.select_model("sentiment_lstm") and window.model_path == models_dir / "sentiment_lstm.npz"
    assert window.model.is_classifier


def test_without_a_shipped_model_of_that_name_a_file_keeps_its_own_name(qtbot, window, models_dir, tmp_path):
    mine = _same_named_file(tmp_path, name="my_brackets")
    _open(window, mine)
    assert window.model_name == "my_brackets" and window.model_combo.currentText() == "my_brackets"
    window.select_model("sentiment_lstm")
    assert window.select_model("my_brackets") and window.model_path == mine


# ------------------------------------------------------------------------------------ long names
LONG = "my_lecture_notes_on_recurrent_networks_2024 (tanh RNN), step 12000"


def _settle(window):
    from PySide6.QtWidgets import QApplication

    for _ in range(3):
        QApplication.processEvents()


def test_the_selector_shows_the_chosen_name_whole_and_its_list_every_name(qtbot, window, models_dir):
    combo = window.model_combo
    least = window.minimumSizeHint().expandedTo(window.minimumSize()).width()
    fm = combo.fontMetrics()
    assert window.show_model(char_lm("rnn_tanh", (8,), seed=1), "code (tanh RNN), step 300")
    _settle(window)
    name = "code (tanh RNN), step 300"
    assert combo.width() > fm.horizontalAdvance(name) and combo.shown_text() == name   # not "code (tanh RNN), st"
    # a name too long for the toolbar is cut in the middle: its step stays in sight
    assert window.show_model(char_lm("rnn_tanh", (8,), seed=2), LONG)
    _settle(window)
    shown = combo.shown_text()
    assert shown != LONG and shown.endswith("step 12000") and shown.startswith("my_lecture") and "\u2026" in shown
    assert combo.width() <= 50 * fm.averageCharWidth()
    assert LONG in combo.toolTip()                                   # the whole name on hover
    # the list is wide enough for its longest name
    assert combo.view().minimumWidth() >= fm.horizontalAdvance(LONG)
    # every entry has a tooltip with its whole name; files' with their path
    for i in range(combo.count()):
        tip = combo.itemData(i, Qt.ItemDataRole.ToolTipRole)
        assert combo.itemText(i) in tip, (i, tip)
    assert str(models_dir / "sentiment_lstm.npz") in combo.itemData(combo.findText("sentiment_lstm"),
                                                                     Qt.ItemDataRole.ToolTipRole)
    # the window's least width does not grow with the name (890 px: a small laptop's screen)
    after = window.minimumSizeHint().expandedTo(window.minimumSize()).width()
    assert after == least and after <= 890
    window.resize(890, 700)
    qtbot.waitUntil(lambda: window.width() == 890)
    _settle(window)
    assert combo.isVisible() and combo.shown_text().endswith("step 12000")
    # back to a short name: the selector is narrow again
    _choose(window, "sentiment_lstm")
    window.resize(1300, 850)
    qtbot.waitUntil(lambda: window.width() == 1300)
    _settle(window)
    assert combo.shown_text() == "sentiment_lstm" and combo.width() < fm.horizontalAdvance(LONG) // 2


def test_a_copy_chosen_again_keeps_the_name_it_was_given(qtbot, window):
    """Choosing 'run (2)' in the selector shows it under that text but keeps its given name
    'run' (what projects save and Save Model As suggests), however often it is chosen."""
    a, b = char_lm("lstm", (8,), seed=1), char_lm("lstm", (8,), seed=2)
    assert window.show_model(a, "run") and window.show_model(b, "run")
    for _ in range(2):
        _choose(window, "run")
        _choose(window, "run (2)")
    assert window.model is b and window.model_name == "run (2)"
    assert window.session_model_name(a) == "run" and window.session_model_name(b) == "run"
    assert _texts(window).count("run") == 1 and _texts(window).count("run (2)") == 1


def test_an_entry_is_reused_only_for_the_same_configuration_and_weights(window):
    """session_model_like: a model of another configuration with the same tensors is not the
    same model (a project reopened with it gets its own entry)."""
    from rnnviz.data.tokenize import CharTokenizer

    a = char_lm("lstm", (8,), seed=1)
    assert window.show_model(a, "run")
    twin = char_lm("lstm", (8,), seed=1)
    assert window.session_model_like(twin, "run") is a
    other = char_lm("lstm", (8,), seed=1)
    vocab = other.tokenizer.vocab
    other.tokenizer = CharTokenizer([vocab[0]] + list(reversed(vocab[1:])))  # same size, other order
    assert other.to_config() != a.to_config()
    assert window.session_model_like(other, "run") is None
