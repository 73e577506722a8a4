"""The Training tab inside the main window: actions from the menu, Space, and a clean close."""
import pytest
from PySide6.QtCore import Qt

from rnnviz.ui.main_window import MainWindow
from tests.training._worker_helpers import tiny
from tests.ui._live_models import make_models_dir

TINY = tiny(hidden=(4,), batch=4, val_batch=8, steps=400, val_every=50, metrics_every=50)


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(models_dir=make_models_dir(tmp_path / "models"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.training.shutdown()


def test_training_actions_are_in_the_registry_and_the_menu(window):
    titles = {m.title().replace("&", ""): m for m in window.menuBar().findChildren(type(window.menuBar().addMenu("x")))}
    menu = titles["Training"]
    ids = [a.objectName() for a in menu.actions()]
    assert ids == ["training.start", "training.step", "training.reset", "", "training.show_in_memory"]
    assert window.actions["training.start"] is window.training.action("training.start")


def test_space_in_the_text_box_types_a_space_not_start(qtbot, window):
    qtbot.keyClicks(window.text_edit, "a b")
    assert window.text_edit.toPlainText() == "a b"
    assert window.training.state() == "idle"


def _press_space_on(qtbot, window, widget):
    """Focus ``widget`` (as a click or Tab would) and press Space there."""
    window.activateWindow()
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(widget.hasFocus)
    qtbot.keyClick(widget, Qt.Key.Key_Space)


def test_space_outside_the_training_tab_does_not_start_training(qtbot, window):
    window.training.set_config(TINY)
    _press_space_on(qtbot, window, window.live.heatmap("h").plot_widget)
    _press_space_on(qtbot, window, window.model_combo)
    window.model_combo.hidePopup()
    assert window.training.state() == "idle"
    assert window.tabs.currentWidget() is not window.training


def test_space_on_a_checkbox_of_the_training_tab_toggles_it(qtbot, window):
    window.actions.trigger("view.training")
    window.training.set_config(TINY)
    check = window.training.bidir_check
    before = check.isChecked()
    _press_space_on(qtbot, window, check)
    assert check.isChecked() is not before
    assert window.training.state() == "idle"


def test_switching_to_training_and_starting_with_space_then_closing_stops_the_thread(qtbot, window):
    window.actions.trigger("view.training")
    assert window.tabs.currentWidget() is window.training
    window.training.set_config(TINY)
    _press_space_on(qtbot, window, window.training)
    qtbot.waitUntil(lambda: window.training.state() == "running", timeout=5000)
    thread = window.training.worker.training_thread
    assert thread.isRunning()
    window.close()
    assert window.training.state() != "running"
    assert window.training.worker is None and not thread.isRunning()
