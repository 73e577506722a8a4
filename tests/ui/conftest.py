"""Fixtures shared by the window tests: a folder of small models, the main window on it, and a
training panel on a tiny run."""
import pytest

from rnnviz.ui.main_window import MainWindow
from rnnviz.ui.training_panel import TrainingPanel
from tests.ui._live_models import make_models_dir
from tests.ui._training_helpers import tiny


@pytest.fixture
def models_dir(tmp_path):
    """Small stand-ins for the default models (a test module may override this fixture)."""
    return make_models_dir(tmp_path / "models")


@pytest.fixture
def window(qtbot, models_dir):
    """The main window on ``models_dir``, shown at 1300 x 850 and closed afterwards."""
    w = MainWindow(models_dir=models_dir)
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


@pytest.fixture
def panel(qtbot):
    """A training panel on :func:`tests.ui._training_helpers.tiny`, shown at 1400 x 900; its
    runs (and the compare tab's) are shut down afterwards and their threads checked ended."""
    p = TrainingPanel()
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.set_config(tiny())
    p.show()
    qtbot.waitExposed(p)
    yield p
    threads = [p.worker.training_thread] if p.worker is not None else []
    threads += p.compare.threads()
    assert p.shutdown(10_000)
    for t in threads:
        assert not t.isRunning()
