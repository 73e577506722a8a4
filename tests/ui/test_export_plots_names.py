"""File > Export > Plots on the Training tab: only real plots (no colour bar on its own), under
names that stay the same while the titles change, so a second export replaces the first."""
import re

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog

from tests.training._worker_helpers import tiny


def _train(qtbot, window, steps: int) -> None:
    """A fresh run of ``steps`` steps of a tiny LSTM on the Training tab, waited for."""
    panel = window.training
    if panel.state() != "idle":
        panel.reset()
    panel.set_config(tiny(cell="lstm", steps=steps, val_every=5, metrics_every=5))
    window.actions.trigger("training.start")
    qtbot.waitUntil(lambda: panel.state() == "finished", timeout=60_000)
    qtbot.wait(100)  # the last snapshot drawn


def _export(qtbot, window, monkeypatch, folder) -> set[str]:
    """File > Export > Plots into ``folder``; the names of the files there afterwards."""
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(folder)))
    window.actions.trigger("file.export_plots")
    return {p.name for p in folder.iterdir()}


@pytest.fixture
def training_tab(qtbot, window):
    window.actions.trigger("view.training")
    yield window
    window.training.shutdown()


def test_exported_training_plots_are_plots_not_colour_bars(qtbot, training_tab, monkeypatch, tmp_path):
    _train(qtbot, training_tab, 20)
    folder = tmp_path / "plots"
    folder.mkdir()
    names = _export(qtbot, training_tab, monkeypatch, folder)
    pngs = sorted(n for n in names if n.endswith(".png"))
    assert pngs and {n[:-4] + ".svg" for n in pngs} == names - set(pngs)
    for name in pngs:
        image = QImage(str(folder / name))
        # every training plot is wider than tall at this size; a colour bar alone is a tall strip
        assert image.width() > image.height(), f"{name} is {image.width()}x{image.height()}: a colour bar?"
    assert f"Saved {len(pngs)} plots" in training_tab.status_text()


def test_exporting_again_after_the_titles_changed_replaces_the_same_files(qtbot, training_tab, monkeypatch,
                                                                          tmp_path):
    folder = tmp_path / "plots"
    folder.mkdir()
    _train(qtbot, training_tab, 20)
    first = _export(qtbot, training_tab, monkeypatch, folder)
    _train(qtbot, training_tab, 10)  # "... of 10 steps", "at step 10": other titles
    second = _export(qtbot, training_tab, monkeypatch, folder)
    assert second == first
    assert not any(re.search(r"(^|_)(of|at|step)_?\d", n) for n in second)  # no step counts in names
