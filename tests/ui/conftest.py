"""Fixtures shared by the window tests: a folder of small models, and the main window on it."""
import pytest

from rnnviz.ui.main_window import MainWindow
from tests.ui._live_models import make_models_dir


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
