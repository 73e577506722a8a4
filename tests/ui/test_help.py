"""Help (equations, shortcuts, About), actions from menu / toolbar / shortcut, tooltips on every
view, and light / dark palettes."""
import numpy
import pyqtgraph as pg
import PySide6
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QMenu

from rnnviz.ui import help as help_ui
from rnnviz.ui import theme
from rnnviz.ui.main_window import MainWindow


def _menu_action_ids(menu: QMenu) -> set[str]:
    ids = set()
    for act in menu.actions():
        if act.menu() is not None:
            ids |= _menu_action_ids(act.menu())
        elif act.objectName():
            ids.add(act.objectName())
    return ids


def test_equations_of_each_cell_use_the_views_symbols(qtbot, window):
    window.actions.trigger("help.equations")
    dlg = window._equations_dialog
    assert dlg.isVisible()
    text = dlg.plain_text()
    for title in ("tanh RNN", "GRU", "LSTM", "Backpropagation through time", "clipping"):
        assert title in text
    raw = help_ui.equations_html()
    for sym in ("h<sub>t</sub>", "c<sub>t</sub>", "i<sub>t</sub>", "f<sub>t</sub>", "g<sub>t</sub>",
                "o<sub>t</sub>", "r<sub>t</sub>", "z<sub>t</sub>", "n<sub>t</sub>", "h<sub>t-1</sub>",
                "dL/dh<sub>t</sub>"):
        assert sym in raw, sym
    # the same names the heatmaps use
    assert set(window.live.heatmaps()) <= {"h", "c", "i", "f", "g", "o", "r", "z", "n", "a"}


def test_shortcuts_list_is_built_from_the_registry(window):
    rows = help_ui.shortcut_rows(window.actions)
    ids = {r[2] for r in rows}
    for i in ("file.open", "file.quit", "edit.undo", "edit.redo", "training.start", "view.compare",
              "view.lessons", "help.equations"):
        assert i in ids, i
    for key, text, i in rows:
        assert window.actions[i].shortcut().toString(QKeySequence.SequenceFormat.NativeText) in key
        assert "&" not in text.replace("&&", "")
    window.actions.trigger("help.shortcuts")
    shown = window._shortcuts_dialog.plain_text()
    assert "Space" in shown and "Start" in shown
    assert len(rows) == sum(1 for i in window.actions.ids() if not window.actions[i].shortcut().isEmpty())


def test_about_shows_versions():
    html = help_ui.about_html()
    for v in (PySide6.__version__, numpy.__version__, pg.__version__):
        assert v in html
    from rnnviz import __version__

    assert __version__ in html


def test_actions_reachable_from_menu_toolbar_and_shortcut(qtbot, window):
    a = window.actions
    in_menus = set()
    for act in window.menuBar().actions():
        if act.menu() is not None:
            in_menus |= _menu_action_ids(act.menu())
    # every action of the registry is in some menu
    missing = [i for i in a.ids() if i not in in_menus]
    assert not missing, missing
    # the standard shortcuts
    assert a["file.open"].shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert a["file.quit"].shortcut() in (QKeySequence(QKeySequence.StandardKey.Quit), QKeySequence("Ctrl+Q"))
    assert not a["file.quit"].shortcut().isEmpty()
    assert a["edit.undo"].shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert a["training.start"].shortcut() == QKeySequence(Qt.Key.Key_Space)
    # the toolbar holds registry actions (the same objects)
    tb = {act.objectName() for act in window.toolbar.actions()}
    assert {"file.open", "view.compare", "view.lessons"} <= tb
    # shortcuts work: Ctrl+3 shows the shapes tab, Ctrl+L toggles the lessons dock
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.shapes
    assert not window.lessons.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.lessons.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.memory_page
    # the menu entry and the toolbar button are the same action: triggering it toggles the dock
    a["view.lessons"].trigger()
    assert not window.lessons.isVisible()


def test_undo_in_the_text_box(qtbot, window):
    window.text_edit.setFocus()
    qtbot.keyClicks(window.text_edit, "abc")
    assert window.actions["edit.undo"].isEnabled()
    window.actions.trigger("edit.undo")
    assert window.text_edit.toPlainText() == ""
    assert window.actions["edit.redo"].isEnabled()
    window.actions.trigger("edit.redo")
    assert window.text_edit.toPlainText() == "abc"
    qtbot.keyClick(window.text_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.text_edit.toPlainText() == ""
    qtbot.waitUntil(lambda: window.live.text() == "")


def test_every_view_has_a_tooltip(qtbot, window):
    window.set_text("f(a)")
    assert window.live.class_view.toolTip()  # built when a classifier is first shown: build it now
    for page in (window.memory_page, window.training, window.shapes):
        window.tabs.setCurrentWidget(page)
        qtbot.wait(10)
    window.set_compare_mode(True)
    without = []
    for view in window.findChildren(pg.GraphicsView):
        w, tipped = view, False
        for _ in range(4):  # the plot itself or the view wrapping it
            if w is None:
                break
            if w.toolTip():
                tipped = True
                break
            w = w.parentWidget()
        if not tipped:
            without.append(type(view).__name__ + " in " + type(view.parentWidget()).__name__)
    assert not without, without
    for d in window.shapes.diagrams.values():
        assert "used" in d.toolTip()
    assert "accent" in window.shapes.generate.toolTip()


def _dark_palette() -> QPalette:
    p = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#e8e8e8"),
                         (QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.Text, "#e8e8e8"),
                         (QPalette.ColorRole.Button, "#353535"), (QPalette.ColorRole.ButtonText, "#e8e8e8"),
                         (QPalette.ColorRole.AlternateBase, "#262626")):
        p.setColor(role, QColor(colour))
    return p


def _grab(qtbot, models_dir):
    w = MainWindow(models_dir=models_dir, restore=False)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    w.set_text("f(a, [b])")
    w.open_lesson("memory")
    QApplication.processEvents()
    img = w.grab().toImage()
    bg = w.live.heatmap("h").plot_widget.backgroundBrush().color()
    w.close()
    return img, bg


def test_light_and_dark_screenshots_differ(qtbot, models_dir, tmp_path):
    app = QApplication.instance()
    old = app.palette()
    try:
        light, light_bg = _grab(qtbot, models_dir)
        app.setPalette(_dark_palette())
        assert theme.is_dark()
        dark, dark_bg = _grab(qtbot, models_dir)
    finally:
        app.setPalette(old)
        theme.configure_pyqtgraph()
    for img in (light, dark):
        assert not img.isNull() and img.width() > 500 and img.height() > 500
        assert len({img.pixel(x, y) for x in range(0, img.width(), 37) for y in range(0, img.height(), 37)}) > 20
    assert light.save(str(tmp_path / "light.png")) and dark.save(str(tmp_path / "dark.png"))
    assert light_bg.lightnessF() > 0.5 > dark_bg.lightnessF()

    def mean_lightness(img):
        vals = [QColor(img.pixel(x, y)).lightnessF() for x in range(0, img.width(), 23)
                for y in range(0, img.height(), 23)]
        return sum(vals) / len(vals)
    assert mean_lightness(light) - mean_lightness(dark) > 0.2


def test_plots_follow_a_palette_change_while_running(qtbot, window):
    app = QApplication.instance()
    old = app.palette()
    window.set_text("f(a, [b])")  # trajectory labels and the newest one's box
    QApplication.processEvents()
    traj = window.live.trajectory
    assert traj.labels.texts() and traj.newest_label.texts()
    try:
        app.setPalette(_dark_palette())
        QApplication.processEvents()
        bg = window.live.heatmap("h").plot_widget.backgroundBrush().color()
        assert bg.name() == "#1e1e1e"
        # titles, hints and point labels drawn in the old (black) foreground: light now
        light = QColor("#e8e8e8")
        for title in (window.live.heatmap("h").plot.titleLabel, traj.plot.titleLabel):
            assert light.name().lower() in title.item.toHtml().lower(), title.item.toHtml()
        assert window.live.heatmap("h").hint.color.rgb() == light.rgb()
        assert traj.labels._color.rgb() == light.rgb()
        assert traj.newest_label._color.rgb() == light.rgb()
        assert traj.newest_label._box.rgb() == QColor("#1e1e1e").rgb()  # the box: the plot's background
        assert traj.newest_label._box.alpha() == 200  # (still see-through)
        # the magenta of cursors and rings: the dark palette's lighter one, as the heatmaps use
        accent = theme.accent_color().rgb()
        assert window.live.unit_line.cursor_line._color.rgb() == accent
        assert traj.cursor_marker._pen.color().rgb() == accent
    finally:
        app.setPalette(old)
        QApplication.processEvents()
        theme.configure_pyqtgraph()
    assert window.live.heatmap("h").plot_widget.backgroundBrush().color().lightnessF() > 0.5


def test_colour_maps_are_colour_blind_safe():
    # the diverging map is CET-D1A (blue-white-red) and gates use viridis: both perceptually
    # uniform and readable with red-green colour blindness; they never rely on red vs green
    assert theme.DIVERGING_NAME == "CET-D1A" and theme.SEQUENTIAL_NAME == "viridis"
    from rnnviz.ui.shapes_view import BACKWARD_COLOR, INPUT_COLOR, OUTPUT_COLOR

    okabe_ito = {"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442"}
    assert {c.name() for c in (INPUT_COLOR, OUTPUT_COLOR, BACKWARD_COLOR)} <= okabe_ito
