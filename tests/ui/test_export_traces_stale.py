"""File > Export > Traces into a CSV folder an earlier export wrote: the CSV files of the earlier
model that this one does not write (a second layer, a backward direction) are removed in the same
all-or-nothing move, so the folder holds one model's traces; a person's files are never touched."""
import errno
import json
import os
from pathlib import Path

import pytest

TRACE_MANIFEST = "rnnviz_traces.json"  # rnnviz.ui.export.TRACE_MANIFEST: the export's list of its files


@pytest.fixture
def export(window, tmp_path, monkeypatch):
    """File > Export > Traces to ``tmp_path/traces.npz`` (CSV folder ``traces_csv``), as a person
    picks it in the dialog; returns the CSV folder."""
    from PySide6.QtWidgets import QFileDialog

    out = tmp_path / "traces.npz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))

    def run():
        window.actions["file.export_traces"].trigger()
        return tmp_path / "traces_csv"
    return run


def _files(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _one_layer(window):
    window.select_model("compare_lstm")
    assert window.model_name == "compare_lstm" and window.model.net.num_layers == 1
    assert window.model.net.num_directions == 1


def test_a_one_layer_export_removes_the_two_layer_models_extra_csvs_and_keeps_user_files(window, export):
    net = window.model.net
    assert net.num_layers == 2 and net.num_directions == 2
    window.set_text("f(a)")
    folder = export()
    first = set(_files(folder))
    assert {"h_l1_d0.csv", "c_l1_d1.csv", "i_l0_d1.csv"} <= first
    # the person's own files in the folder: one of them even named like a trace file
    (folder / "notes.csv").write_text("my notes\n")
    (folder / "h_l7_d0.csv").write_text("mine too\n")
    (folder / "readme.txt").write_text("keep\n")

    _one_layer(window)
    window.set_text("[zz]")
    export()
    now = _files(folder)
    csvs = {n for n in now if n.endswith(".csv")} - {"notes.csv", "h_l7_d0.csv"}
    assert csvs == {f"{k}_l0_d0.csv" for k in ("h", "c", "i", "f", "g", "o")}, sorted(now)
    assert now["notes.csv"] == b"my notes\n" and now["h_l7_d0.csv"] == b"mine too\n" and now["readme.txt"] == b"keep\n"
    from rnnviz.ui import export as export_module

    assert export_module.TRACE_MANIFEST == TRACE_MANIFEST and TRACE_MANIFEST in first
    assert json.loads((folder / TRACE_MANIFEST).read_text())["files"] == sorted(csvs)
    assert (folder / "h_l0_d0.csv").read_text().splitlines()[1].startswith("1,[")  # the new text's
    removed = len(first - {TRACE_MANIFEST}) - len(csvs)
    status = window.status_text()
    assert f"removed {removed} old trace files" in status, status
    assert "h_l7_d0.csv) was left" in status, status  # named like a trace, not listed: said
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_a_damaged_or_hostile_manifest_removes_nothing(window, export, tmp_path):
    window.set_text("f(a)")
    folder = export()
    outside = tmp_path / "h_l0_d0.csv"
    outside.write_text("outside the folder\n")
    (folder / "notes.csv").write_text("my notes\n")
    manifest = {"format": "rnnviz-trace-csv", "version": 1,
                "files": ["../h_l0_d0.csv", "notes.csv", str(outside), "h_l1_d0.csv/", 5]}
    (folder / TRACE_MANIFEST).write_text(json.dumps(manifest))
    _one_layer(window)
    window.set_text("[zz]")
    export()
    assert outside.read_text() == "outside the folder\n" and (folder / "notes.csv").read_text() == "my notes\n"
    assert (folder / "h_l1_d0.csv").exists()  # not listed as itself: kept (and said)
    assert "removed" not in window.status_text() and "left alone" in window.status_text()
    (folder / TRACE_MANIFEST).write_bytes(b"\xff{not json")
    export()
    assert (folder / "h_l1_d0.csv").exists() and "Saved the traces" in window.status_text()


def test_a_failure_while_removing_the_old_files_puts_everything_back(window, export, monkeypatch):
    window.set_text("f(a)")
    folder = export()
    (folder / "notes.csv").write_text("my notes\n")
    before = _files(folder)
    _one_layer(window)
    window.set_text("[zz]")
    real, aside = os.replace, [0]

    def replace(src, dst):
        if os.path.dirname(str(src)) == str(folder) and "_l1_" in os.path.basename(str(src)):
            aside[0] += 1  # an old layer-2 file set aside for removal
            if aside[0] == 3:
                raise OSError(errno.EIO, os.strerror(errno.EIO), str(src))
        return real(src, dst)
    monkeypatch.setattr(os, "replace", replace)
    assert window.files.export_traces(folder.with_name("traces.npz"), folder) == []
    status = window.status_text()
    assert os.strerror(errno.EIO) in status and "nothing was saved" in status, status
    assert aside[0] == 3
    assert _files(folder) == before  # the new files taken back, the old ones put back, notes kept
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_an_old_file_that_cannot_be_put_back_is_kept_and_its_folder_named(window, export, monkeypatch):
    window.set_text("f(a)")
    folder = export()
    before = _files(folder)
    _one_layer(window)
    window.set_text("[zz]")
    real, aside, stuck = os.replace, [0], {}

    def replace(src, dst):
        src, dst = str(src), str(dst)
        if os.path.dirname(src) == str(folder) and "_l1_" in os.path.basename(src):
            aside[0] += 1  # an old layer-2 file set aside for removal
            if aside[0] == 3:
                raise OSError(errno.EIO, os.strerror(errno.EIO), src)
        if os.path.dirname(dst) == str(folder) and os.path.basename(dst) == "h_l0_d0.csv" \
                and os.path.dirname(src) != str(folder) and not stuck:
            if before[os.path.basename(dst)] == open(src, "rb").read():  # the old file, being put back
                stuck["src"] = src
                raise OSError(errno.EACCES, os.strerror(errno.EACCES), src)
        return real(src, dst)
    monkeypatch.setattr(os, "replace", replace)
    assert window.files.export_traces(folder.with_name("traces.npz"), folder) == []
    status = window.status_text()
    assert stuck and os.strerror(errno.EIO) in status and "your earlier files are in " in status, status
    assert "nothing was saved" not in status, status
    kept = status.split("your earlier files are in ")[1].rstrip(".")
    assert os.path.isdir(kept), status
    # the old h_l0_d0.csv is not lost: its bytes are in the folder the message names
    found = [p for p in Path(kept).rglob("*") if p.is_file() and p.read_bytes() == before["h_l0_d0.csv"]]
    assert found and found[0].name == "h_l0_d0.csv", (kept, list(Path(kept).rglob("*")))
    # every other file is back as it was
    now = _files(folder)
    assert {k: v for k, v in now.items() if k != "h_l0_d0.csv"} == {k: v for k, v in before.items()
                                                                     if k != "h_l0_d0.csv"}
    assert {p.name for p in Path(kept).rglob("*") if p.is_file()} == {"h_l0_d0.csv"}  # nothing else left there
