"""File > Export > Traces and Weights: a name typed without an extension gets the one its file
filter names (.npz, .safetensors), as Save Model As (.npz) and Save Project (.rnnviz) do; a
file already there under the completed name is replaced only when the person says so."""
import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog


@pytest.fixture
def answer_save_dialog(monkeypatch):
    """Make the save dialog return what a person typed (a full path)."""
    def answer(path):
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    return answer


def test_traces_typed_without_extension_are_saved_as_npz(window, tmp_path, answer_save_dialog):
    window.set_text("f(a)")
    answer_save_dialog(tmp_path / "mytraces")
    window.actions["file.export_traces"].trigger()
    assert not (tmp_path / "mytraces").exists()
    with np.load(tmp_path / "mytraces.npz", allow_pickle=False) as z:
        assert len(z.files) > 0
    assert (tmp_path / "mytraces_csv").is_dir()
    assert str(tmp_path / "mytraces.npz") in window.status_text()


def test_weights_typed_without_extension_are_saved_as_safetensors(window, tmp_path, answer_save_dialog):
    answer_save_dialog(tmp_path / "w_mem")
    window.actions["file.export_weights"].trigger()
    assert not (tmp_path / "w_mem").exists()
    assert (tmp_path / "w_mem.safetensors").stat().st_size > 0
    assert str(tmp_path / "w_mem.safetensors") in window.status_text()


def test_a_name_with_its_extension_is_kept_as_typed(window, tmp_path, answer_save_dialog):
    out = tmp_path / "out"
    out.mkdir()
    answer_save_dialog(out / "W.SafeTensors")
    window.actions["file.export_weights"].trigger()
    assert [p.name for p in out.iterdir()] == ["W.SafeTensors"]


def test_an_existing_file_under_the_completed_name_is_kept_unless_replacing_is_confirmed(
        window, tmp_path, answer_save_dialog, monkeypatch):
    old = tmp_path / "w.safetensors"
    old.write_bytes(b"keep me")
    asked = []
    monkeypatch.setattr(window.files, "ask_overwrite", lambda path: asked.append(path) or False)
    answer_save_dialog(tmp_path / "w")
    window.actions["file.export_weights"].trigger()
    assert asked == [str(old)] and old.read_bytes() == b"keep me"
    assert not (tmp_path / "w").exists()
