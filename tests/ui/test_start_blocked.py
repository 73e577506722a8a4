"""Start (and Step) refuse, with a plain message and before anything fails, data that cannot be
trained on: a run's text file that is gone (a project opened after the file moved), a batch
larger than a series file's windows. The run stays paused and usable (Type into this model),
and Start trains once the problem is fixed. The restored run's banner does not say "Press
Start" when Start cannot go on."""
import os

import numpy as np
from PySide6.QtCore import Qt

from rnnviz.training import loop

TIMEOUT = 30_000
ERROR_BACKGROUND = "#fde2d8"   # the banner's error style


# ``window``: the fixture of tests/ui/conftest.py


def _open(window, path) -> None:
    window.files.open_path(str(path))
    window.files.wait()


def _small_run(panel, steps: int = 400) -> None:
    """A small network on the data source the form shows."""
    panel.hidden_edit.setText("4")
    panel.length_spin.setValue(8)
    panel.batch_spin.setValue(4)
    panel.steps_spin.setValue(steps)


def _press_start(qtbot, panel) -> None:
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)


def _no_class_names(text: str) -> None:
    assert "Error" not in text and "Exception" not in text, text


def test_a_project_whose_text_file_moved_says_so_and_start_waits_for_it(qtbot, window, tmp_path):
    book = tmp_path / "book.txt"
    book.write_text("the quick brown fox jumps over the lazy dog. " * 60)
    _open(window, book)
    panel = window.training
    _small_run(panel)
    for n in (1, 2, 3):
        panel.action("training.step").trigger()
        qtbot.waitUntil(lambda n=n: panel.steps_trained() == n, timeout=TIMEOUT)
    project = tmp_path / "proj.rnnviz"
    with qtbot.waitSignal(window.files.project_saved, timeout=TIMEOUT):
        window.files.save_project(str(project))
    moved = tmp_path / "book_moved.txt"
    os.rename(book, moved)
    loop._DATASETS.clear()  # as in a new session of the app: the text is not loaded

    _open(window, project)
    banner = panel.banner_text()
    assert banner.startswith("Restored from proj.rnnviz: step 3. Training cannot go on:"), banner
    assert str(book) in banner and "Press Start" not in banner
    assert ERROR_BACKGROUND in panel.banner.styleSheet()

    _press_start(qtbot, panel)
    assert panel.state() == "paused" and panel.steps_trained() == 3
    text = panel.banner_text()
    assert text.startswith("Training cannot go on: the training data file") and str(book) in text, text
    assert window.status_text() == text
    _no_class_names(text)
    assert window.actions["training.show_in_memory"].isEnabled()  # the run is usable

    os.rename(moved, book)  # put back: Start goes on from step 3
    _press_start(qtbot, panel)
    qtbot.waitUntil(lambda: panel.steps_trained() > 3, timeout=TIMEOUT)
    assert panel.state() == "running" and "cannot" not in panel.banner_text()


def test_a_run_whose_text_is_loaded_goes_on_when_its_file_is_renamed(qtbot, window, tmp_path):
    """The app and the training process hold the text: Step goes on without the file."""
    book = tmp_path / "book.txt"
    book.write_text("the quick brown fox jumps over the lazy dog. " * 60)
    _open(window, book)
    panel = window.training
    _small_run(panel)
    panel.action("training.step").trigger()
    qtbot.waitUntil(lambda: panel.steps_trained() == 1, timeout=TIMEOUT)
    os.rename(book, tmp_path / "renamed.txt")

    panel.action("training.step").trigger()
    qtbot.waitUntil(lambda: panel.steps_trained() == 2, timeout=TIMEOUT)
    assert panel.state() == "paused" and panel.banner_text() == ""


def test_a_batch_larger_than_the_series_windows_is_refused_with_what_to_set(qtbot, window, tmp_path,
                                                                            monkeypatch):
    csv = tmp_path / "constant.csv"
    np.savetxt(csv, np.ones((86, 1)), delimiter=",", header="a", comments="")

    def choose(table):
        from rnnviz.ui.data_source import SeriesDialog

        dlg = SeriesDialog(table, window)  # the real dialog, accepted as it opens
        return dlg.options(), dlg.dataset
    monkeypatch.setattr(window.files, "choose_series_options", choose)
    _open(window, csv)
    panel = window.training
    from rnnviz.training.loop import series_dataset

    windows = series_dataset(panel.config_from_form()).n_windows(panel.length_spin.value())
    assert panel.batch_spin.value() == 64 > windows
    panel.hidden_edit.setText("4")

    _press_start(qtbot, panel)
    assert panel.state() == "idle" and panel.worker is None
    text = panel.banner_text()
    assert text == (f"Training cannot start: constant.csv: batch: the batch size 64 is larger than the {windows} "
                    f"training windows of {panel.length_spin.value()} steps; set the batch size to at most "
                    f"{windows} (or a shorter length)."), text
    assert ERROR_BACKGROUND in panel.banner.styleSheet()

    panel.batch_spin.setValue(windows)
    panel.action("training.step").trigger()
    qtbot.waitUntil(lambda: panel.steps_trained() == 1, timeout=TIMEOUT)
    assert panel.state() == "paused" and panel.banner_text() == ""
