"""One check of a path to write (rnnviz.output_paths), used by ``rnnviz train --out`` and
``--screenshot``: every reason it refuses, and a usable path passes."""
import os

import pytest

from rnnviz.output_paths import output_path_problem


def test_a_usable_path_has_no_problem(tmp_path):
    assert output_path_problem(str(tmp_path / "x.png")) == ""


@pytest.mark.parametrize("path,reason", [
    ("", "the file name is empty"),
    ("   ", "the file name is empty"),
    ("{tmp}", "it is a folder; give a file name such as {tmp}/shot.png"),
    ("{tmp}/nodir/", "it names a folder; give a file name such as {tmp}/nodir/shot.png"),
    ("{tmp}/nodir/x.png", "the folder {tmp}/nodir does not exist"),
    ("{tmp}/" + "m" * 300 + ".png", "the file name is longer than this system allows (255 bytes)"),
])
def test_each_reason_is_said(tmp_path, path, reason):
    assert output_path_problem(path.format(tmp=tmp_path), example="shot.png") == reason.format(tmp=tmp_path)


def test_unwritable_folder_and_read_only_file(tmp_path, monkeypatch):
    """The folder and the file are made read-only; os.access is asked as the user would be
    (as root, which writes anywhere, it says so for these two paths only)."""
    ro, kept = tmp_path / "ro", tmp_path / "kept.png"
    ro.mkdir()
    kept.write_bytes(b"")
    ro.chmod(0o555)
    kept.chmod(0o444)
    if os.geteuid() == 0:
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) in (str(ro), str(kept)) else real(p, mode))
    try:
        assert output_path_problem(str(ro / "x.png")) == f"the folder {ro} is not writable"
        assert output_path_problem(str(kept)) == "the file exists and is read-only"
    finally:
        ro.chmod(0o755)
        kept.chmod(0o644)
