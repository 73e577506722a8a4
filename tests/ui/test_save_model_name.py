"""File > Save Model As suggests a file name from the model's own name: a file's stem, or the
name a model of this session was given, never the selector's "(folder)" or "(2)"."""
from pathlib import Path

from tests.ui._live_models import char_lm


def _suggested(window, monkeypatch):
    """The file name File > Save Model As offers (the dialog is then cancelled)."""
    from PySide6.QtWidgets import QFileDialog

    seen = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda parent, title, path, *a, **k: seen.append(path) or ("", ""))
    window.actions["file.save_model"].trigger()
    assert len(seen) == 1
    return Path(seen[0]).name


def test_a_files_copy_shown_as_name_folder_suggests_its_stem(window, tmp_path, monkeypatch):
    mine = tmp_path / "x" / "brackets_lstm.npz"
    mine.parent.mkdir()
    char_lm("gru", (5,), seed=5).save(mine)
    assert window.load_model_file(mine) and window.model_name == "brackets_lstm (x)"
    assert _suggested(window, monkeypatch) == "brackets_lstm.npz"


def test_a_session_model_shown_as_name_2_suggests_its_given_name(window, monkeypatch):
    name = "code (LSTM), step 300"
    assert window.show_model(char_lm("lstm", (8,), seed=1), name)
    assert window.show_model(char_lm("lstm", (8,), seed=2), name)
    assert window.model_name == name + " (2)"
    assert _suggested(window, monkeypatch) == "code_LSTM_step_300.npz"
    # nothing was saved by the cancelled dialog
    assert window.model_path is None and len(window.session_models()) == 2


def test_a_shipped_model_suggests_its_name(window, monkeypatch):
    window.select_model("sentiment_lstm")
    assert _suggested(window, monkeypatch) == "sentiment_lstm.npz"
