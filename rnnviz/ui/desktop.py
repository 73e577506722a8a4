"""What makes the main window a finished desktop app, installed in one call.

:func:`install` (called by :class:`~rnnviz.ui.main_window.MainWindow` before it restores its
layout) adds, all through the window's one :class:`~rnnviz.ui.actions.ActionRegistry`:

* the "Sequence shapes" tab (:class:`~rnnviz.ui.shapes_view.ShapesView`, Ctrl+3);
* the Lessons dock (:class:`~rnnviz.ui.lessons_panel.LessonsDock`, Ctrl+L) and a Lessons menu
  (one action per lesson, ``lessons.<id>``, plus next / previous);
* Undo / Redo for the text box (standard shortcuts), Help ▸ Equations (F1) and
  Help ▸ Keyboard shortcuts (recent files live in the File menu, :mod:`rnnviz.ui.file_actions`);
* a permanent status-bar label with the training state;
* plots that follow a change of the system palette (light / dark) while the app runs.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu

from rnnviz.lessons import LESSONS
from rnnviz.ui import help as help_ui
from rnnviz.ui import theme


def _menu(window, title: str) -> QMenu | None:
    for act in window.menuBar().actions():
        if act.menu() is not None and act.text().replace("&", "") == title:
            return act.menu()
    return None


def install(window) -> None:
    """Add the shapes tab, lessons dock, extra actions and menus to ``window``."""
    from rnnviz.ui.lessons_panel import LessonsDock
    from rnnviz.ui.shapes_view import ShapesView

    a = window.actions
    te = window.text_edit

    # -- tab and dock ---------------------------------------------------------------------------
    window.shapes = ShapesView()
    window.shapes.message.connect(window.show_message)
    i = window.tabs.addTab(window.shapes, "Sequence shapes")
    window.tabs.setTabToolTip(i, "Which inputs and outputs each shape of network uses; generate text with a "
                                 "temperature, an encoder-decoder and a bidirectional demo")
    window.lessons = LessonsDock(window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, window.lessons)
    window.lessons.hide()

    # -- actions ----------------------------------------------------------------------------------
    a.add("edit.undo", "&Undo", shortcut=QKeySequence.StandardKey.Undo, slot=te.undo,
          tip="Undo the last change to the text")
    a.add("edit.redo", "&Redo", shortcut=QKeySequence.StandardKey.Redo, slot=te.redo,
          tip="Redo the change just undone")
    a["edit.undo"].setEnabled(False)
    a["edit.redo"].setEnabled(False)
    te.undoAvailable.connect(a["edit.undo"].setEnabled)
    te.redoAvailable.connect(a["edit.redo"].setEnabled)
    # the text box handles its own Undo/Redo keys while it has focus; the actions serve the menu
    # and the rest of the window
    for key in ("edit.undo", "edit.redo"):
        a[key].setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    # platforms without a standard Quit key (Windows, some Linux themes) still get Ctrl+Q
    for key, fallback in (("file.quit", "Ctrl+Q"),):
        if key in a and a[key].shortcut().isEmpty():
            a[key].setShortcut(QKeySequence(fallback))
    a.add("view.shapes", "&Sequence shapes", shortcut="Ctrl+3",
          slot=lambda: window.tabs.setCurrentWidget(window.shapes), tip="Show the sequence shapes tab")
    toggle = window.lessons.toggleViewAction()
    toggle.setObjectName("view.lessons")
    toggle.setText("&Lessons panel")
    toggle.setShortcut(QKeySequence("Ctrl+L"))
    toggle.setToolTip("Show or hide the guided lessons")
    toggle.setStatusTip(toggle.toolTip())
    a.register(toggle)
    a.add("lessons.next", "&Next lesson", shortcut="Ctrl+Alt+Right", slot=lambda: window.lessons.step(1),
          tip="Open the next lesson")
    a.add("lessons.previous", "&Previous lesson", shortcut="Ctrl+Alt+Left",
          slot=lambda: window.lessons.step(-1), tip="Open the previous lesson")
    for n, lesson in enumerate(LESSONS, 1):
        a.add(f"lessons.{lesson.id}", f"{n}. {lesson.title}".replace("&", "&&"),
              slot=lambda lid=lesson.id: window.open_lesson(lid), tip=f"Open the lesson '{lesson.id}'")
    a.add("help.equations", "&Equations of each cell", shortcut=QKeySequence.StandardKey.HelpContents,
          slot=lambda: help_ui.show_equations(window),
          tip="The RNN, GRU and LSTM equations with the symbols the views use")
    a.add("help.shortcuts", "&Keyboard shortcuts", shortcut="Ctrl+/", slot=lambda: help_ui.show_shortcuts(window),
          tip="Every keyboard shortcut of rnnviz")

    # -- menus and toolbar ------------------------------------------------------------------------
    mb = window.menuBar()
    edit = _menu(window, "Edit")
    if edit is not None:
        first = edit.actions()[0] if edit.actions() else None
        edit.insertAction(first, a["edit.undo"])
        edit.insertAction(first, a["edit.redo"])
        edit.insertSeparator(first)
    view = _menu(window, "View")
    if view is not None:
        view.addAction(a["view.shapes"])
        view.addSeparator()
        view.addAction(a["view.lessons"])
    help_menu = _menu(window, "Help")
    lessons_menu = QMenu("&Lessons", window)
    lessons_menu.addAction(a["view.lessons"])
    lessons_menu.addAction(a["lessons.previous"])
    lessons_menu.addAction(a["lessons.next"])
    lessons_menu.addSeparator()
    for lesson in LESSONS:
        lessons_menu.addAction(a[f"lessons.{lesson.id}"])
    if help_menu is not None:
        mb.insertMenu(help_menu.menuAction(), lessons_menu)
        first = help_menu.actions()[0] if help_menu.actions() else None
        help_menu.insertAction(first, a["help.equations"])
        help_menu.insertAction(first, a["help.shortcuts"])
        help_menu.insertSeparator(first)
    else:
        mb.addMenu(lessons_menu)
    window.lessons_menu = lessons_menu
    tb = getattr(window, "toolbar", None)
    if tb is not None:
        tb.addSeparator()
        tb.addAction(a["view.lessons"])

    # -- status bar, palette ------------------------------------------------------------------------
    window.training_status = QLabel("")
    window.training_status.setToolTip("State of the training run in the Training tab")
    window.statusBar().addPermanentWidget(window.training_status)
    window.training.state_changed.connect(
        lambda st: window.training_status.setText("" if st == "idle" else f"training: {st}"))
    window._palette_follower = _PaletteFollower(window)
    window.installEventFilter(window._palette_follower)


def shutdown(window) -> None:
    """Stop what :func:`install` started (demo threads)."""
    shapes = getattr(window, "shapes", None)
    if shapes is not None:
        shapes.shutdown()


# ----------------------------------------------------------------------------- palette
def refresh_plots(root, old: dict[str, QColor] | None = None) -> int:
    """Re-colour every pyqtgraph widget under ``root`` from the current palette; returns how many.

    Axes take the new foreground colour; so do titles that follow pyqtgraph's foreground. With
    ``old`` (:func:`theme.palette_colours` before the change), texts, lines, cursors and point
    labels drawn in one of the old palette's colours take the new one (their transparency
    kept): a title drawn black on a plot that turned dark would be unreadable.
    """
    theme.configure_pyqtgraph()
    new = theme.palette_colours()
    bg, fg = new["bg"], new["fg"]
    n = 0
    for view in root.findChildren(pg.GraphicsView):
        view.setBackground(bg)
        n += 1
        scene = view.scene()
        if scene is None:
            continue
        for item in scene.items():
            if isinstance(item, pg.AxisItem):
                item.setPen(fg)
                item.setTextPen(fg)
            elif isinstance(item, pg.LabelItem):
                colour = item.opts.get("color")
                if colour is None:  # pyqtgraph's foreground, read when the text is set
                    item.setText(item.text)
                elif old is not None:
                    swapped = theme.swap_colour(pg.mkColor(colour), old, new)
                    if swapped.rgba() != pg.mkColor(colour).rgba():
                        item.setText(item.text, color=swapped)
            elif old is not None:
                _recolour_item(item, old, new)
    return n


def _recolour_item(item, old: dict[str, QColor], new: dict[str, QColor]) -> None:
    """Give ``item`` the new palette's colour where it used the old palette's."""
    if isinstance(item, pg.TextItem):
        item.setColor(theme.swap_colour(QColor(item.color), old, new))
    elif hasattr(item, "follow_palette"):  # our own items (point labels, cursors, rings)
        item.follow_palette(old, new)
    elif isinstance(item, (pg.InfiniteLine, pg.PlotCurveItem)):
        pen = pg.mkPen(item.pen if isinstance(item, pg.InfiniteLine) else item.opts["pen"])
        swapped = theme.swap_colour(pen.color(), old, new)
        if swapped.rgba() != pen.color().rgba():
            pen.setColor(swapped)
            item.setPen(pen)


class _PaletteFollower(QObject):
    """Re-colours the plots when the application palette changes (system light/dark switch)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self._colours = theme.palette_colours()  # what the plots were coloured with

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802
        if obj is self._window and ev.type() == QEvent.Type.PaletteChange:
            refresh_plots(self._window, self._colours)
            self._colours = theme.palette_colours()
        return False
