"""One model file, one selector entry, however its path is written: a relative path (``rnnviz
--model resources/models/brackets_lstm.npz``), a relative models folder, or a path through a
link all name the same file as the selector's entry, which is compared fully resolved."""
import os
from pathlib import Path

import pytest

from rnnviz import resources
from rnnviz.ui.main_window import MainWindow

REPO = resources.package_root()


def _texts(window):
    return [window.model_combo.itemText(i) for i in range(window.model_combo.count())]


@pytest.fixture
def make_window(qtbot):
    made = []

    def make(**kw):
        w = MainWindow(restore=False, **kw)
        qtbot.addWidget(w)
        made.append(w)
        return w
    yield make
    for w in made:
        w.files.shutdown()
        w.training.shutdown()


@pytest.mark.skipif(not (REPO / "resources" / "models" / "brackets_lstm.npz").is_file(),
                    reason="the shipped models are not in this checkout")
def test_the_shipped_model_opened_by_a_relative_path_keeps_its_one_entry(make_window, monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("RNNVIZ_RESOURCES", raising=False)
    window = make_window(model="sentiment_lstm")
    names = _texts(window)
    assert window.load_model_file("resources/models/brackets_lstm.npz"), window.status_text()
    assert _texts(window) == names and "brackets_lstm (models)" not in _texts(window)
    assert window.model_combo.currentText() == "brackets_lstm" and window.model_name == "brackets_lstm"
    assert window.model_path == (REPO / "resources" / "models" / "brackets_lstm.npz").resolve()
    # as rnnviz --model with a relative path opens it
    w2 = make_window(model="resources/models/brackets_lstm.npz")
    assert w2.model_name == "brackets_lstm" and _texts(w2) == names


def test_a_relative_models_folder_and_a_link_name_the_same_entries(make_window, models_dir, monkeypatch, tmp_path):
    from rnnviz.ui.examples import EXAMPLES

    monkeypatch.chdir(models_dir.parent)
    window = make_window(models_dir=models_dir.name)               # rnnviz --models-dir models
    names = _texts(window)
    assert window.load_model_file(models_dir / "sentiment_lstm.npz")  # File > Open gives absolute paths
    assert window.load_model_file(Path(".") / models_dir.name / ".." / models_dir.name / "brackets_lstm.npz")
    assert _texts(window) == names and window.model_name == "brackets_lstm"
    link = tmp_path / "link"
    try:
        os.symlink(models_dir, link)
    except OSError:
        pytest.skip("no symbolic links here")
    assert window.load_model_file(link / "sentiment_lstm.npz")
    assert _texts(window) == names and window.model_name == "sentiment_lstm"
    # the Examples menu finds the shipped model by its folder and shows its one entry
    n = next(i for i, e in enumerate(EXAMPLES) if e.model == "brackets_lstm")
    window.actions[f"examples.{n}"].trigger()
    window.flush()
    assert window.model_name == "brackets_lstm" and window.model_combo.currentText() == "brackets_lstm"
    assert _texts(window) == names
    # saving the model shown over its own file by another spelling: still one entry
    assert window.files.save_model(Path(models_dir.name) / "brackets_lstm.npz")
    assert _texts(window) == names and window.model_name == "brackets_lstm"
