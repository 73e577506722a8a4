"""Window geometry, dock layout, the last lesson (and recent files) survive a restart."""
import pytest
from PySide6.QtCore import QSettings, Qt

from rnnviz.ui import settings
from rnnviz.ui.main_window import MainWindow
from tests.ui._live_models import make_models_dir


@pytest.fixture
def settings_dir(tmp_path):
    folder = tmp_path / "settings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


def test_layout_geometry_and_lesson_persist_across_a_restart(qtbot, tmp_path, settings_dir):
    models = make_models_dir(tmp_path / "models")
    w1 = MainWindow(models_dir=models)
    qtbot.addWidget(w1)
    w1.show()
    qtbot.waitExposed(w1)
    w1.open_lesson("deep")
    w1.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, w1.lessons)
    assert w1.dockWidgetArea(w1.lessons) == Qt.DockWidgetArea.LeftDockWidgetArea
    recent = tmp_path / "my_model.npz"
    recent.write_bytes(b"x")
    if hasattr(w1, "files"):
        w1.files.add_recent(str(recent))
    w1.close()

    ini = settings.settings().fileName()
    assert ini.startswith(str(settings_dir))
    text = open(ini, encoding="utf-8").read()
    assert "@Variant" not in text  # plain values only: no pickled/streamed Python or Qt objects
    assert "window" in text and "lessons" in text

    w2 = MainWindow(models_dir=models)
    qtbot.addWidget(w2)
    w2.show()
    qtbot.waitExposed(w2)
    assert settings.restore_window(w2)  # a valid geometry was stored
    assert w2.lessons.isVisible()
    assert w2.dockWidgetArea(w2.lessons) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert w2.lessons.current is not None and w2.lessons.current.id == "deep"
    assert "Set up again" in w2.lessons.browser.toPlainText()
    if hasattr(w2, "files"):
        assert w2.files.recent_files()[0].endswith("my_model.npz")
    # hiding the dock is remembered too
    w2.actions["view.lessons"].trigger()
    assert not w2.lessons.isVisible()
    w2.close()
    w3 = MainWindow(models_dir=models)
    qtbot.addWidget(w3)
    w3.show()
    qtbot.waitExposed(w3)
    assert not w3.lessons.isVisible()
    w3.close()


def test_screenshot_mode_does_not_restore(qtbot, tmp_path, settings_dir):
    models = make_models_dir(tmp_path / "models")
    w1 = MainWindow(models_dir=models)
    qtbot.addWidget(w1)
    w1.show()
    w1.lessons.show()
    w1.close()
    w2 = MainWindow(models_dir=models, restore=False)
    qtbot.addWidget(w2)
    w2.show()
    assert not w2.lessons.isVisible()
    w2.close()


def test_geometry_round_trip(qtbot, settings_dir):
    """The offscreen screen is small (the main window is clamped to it), so geometry is checked
    on a small window that fits: size and position come back after a restart."""
    from PySide6.QtWidgets import QMainWindow

    a = QMainWindow()
    qtbot.addWidget(a)
    a.setGeometry(40, 50, 321, 234)
    a.show()
    qtbot.waitExposed(a)
    settings.save_window(a)
    a.close()
    b = QMainWindow()
    qtbot.addWidget(b)
    assert settings.restore_window(b)
    b.show()
    assert (b.width(), b.height()) == (321, 234)
