"""The Lessons dock: pick a lesson, and the window is set up for it.

Each lesson (:mod:`rnnviz.lessons`) opens a tab with a model, a text or training settings,
explains what to look at, shows the equations with the views' symbols and suggests one thing to
try. :func:`apply_lesson` does the setting up on a :class:`~rnnviz.ui.main_window.MainWindow`;
:meth:`LessonsDock.open_lesson` applies and shows a lesson by id.
"""
from __future__ import annotations

import html
import re
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QApplication, QComboBox, QDockWidget, QHBoxLayout, QLabel, QMessageBox,
                               QPushButton, QTextBrowser, QVBoxLayout, QWidget)

from rnnviz.lessons import LESSONS, Lesson, get_lesson
from rnnviz.ui import settings
from rnnviz.ui.help import equations_html
from rnnviz.ui.shapes_view import ShapeDiagram

TRAINING_TAB_INDEX = {"gradients": 0, "gates": 1, "compare": 2}
LAST_LESSON_KEY = "lessons/last"


#: a math symbol: a name of one or two letters (h, W, dh, ŷ, σ; h→ and h← for the two directions)
#: and a subscript in braces or of at most three letters or digits (t, hh, max, {t-1}). Longer
#: words on either side of the "_" make an identifier (brackets_lstm, rnn_tanh, weight_ih_l0),
#: and so does a file extension after it (my_rnn.npz): those are shown as written.
_SYMBOL = re.compile(r"(?<!\w)([^\W\d_]{1,2}[\u2192\u2190]?)_(\{[^}]*\}|[^\W_]{1,3})(?!\w)(?!\.\w)")


def prose_html(text: str) -> str:
    """A lesson's sentences (trusted HTML) with symbols as in the views: h_t -> h<sub>t</sub>,
    W_hh -> W<sub>hh</sub>; identifiers and file names (brackets_lstm, reversal_gru.npz) verbatim."""
    return _SYMBOL.sub(lambda m: f"{m.group(1)}<sub>{m.group(2).strip('{}')}</sub>", text)


def lesson_html(lesson: Lesson, number: int | None = None) -> str:
    head = f"Lesson {number}: " if number is not None else ""
    return (f"<h3>{head}{html.escape(lesson.title)}</h3>"
            f"<p><b>Look at this.</b> {prose_html(lesson.look)}</p>"
            + equations_html(lesson.equations, heading_level=4)
            + f"<p><b>Try this.</b> {prose_html(lesson.suggestion)}</p>")


def ask_discard_run(window, lesson: Lesson, steps: int) -> bool:
    """Ask whether the lesson may replace the training run of ``steps`` steps (True: discard)."""
    answer = QMessageBox.question(
        window, "Replace the training run?",
        f"The lesson “{lesson.title}” sets up its own training run. Discard the current run "
        f"({steps} steps trained)?\n\nKeep it to go on with your run; the lesson then leaves the "
        "training settings as they are.",
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Discard


def apply_lesson(window, lesson: Lesson) -> None:
    """Put ``window`` in the state ``lesson.setup`` describes (model, text, compare mode, layer,
    training form and sub-tab, visible tab, highlighted shape). A lesson on the Memory tab (not
    in compare mode) shows its layer, the bottom one if it names none, with the automatically
    chosen unit; other lessons leave the Memory tab's layer and unit as they are. A training
    run with steps taken is replaced only if the person agrees (:func:`ask_discard_run`)."""
    s = lesson.setup
    if not s.compare and window.compare_mode:
        window.set_compare_mode(False)
    if s.model and s.model != window.model_name:
        window.select_model(s.model)
    if s.compare and not window.compare_mode:
        window.set_compare_mode(True)
    if s.text is not None:
        window.replace_text(s.text)  # applied below, after the layer and unit: drawn once
    if s.tab == "memory" and not s.compare and window.model is not None:
        # the lesson's layer (the bottom one if it names none), and no unit chosen before it
        layer = s.layer if s.layer is not None and s.layer < window.model.net.num_layers else 0
        with window.live.one_redraw():  # drawn once (not at all while the lesson's text waits)
            window.set_layer_direction(layer, 0)
            window.live.reset_selection()
    if s.text is not None:
        window.flush()
    if s.train:
        from rnnviz.training.config import TrainConfig

        panel = window.training
        steps = panel.steps_trained()
        if panel.state() == "idle" or not steps or ask_discard_run(window, lesson, steps):
            if panel.state() != "idle":
                panel.reset()
            panel.set_config(TrainConfig(**s.train).validate())
        else:
            panel.show_message(f"Kept your training run (step {steps}); the lesson's settings were not "
                               "loaded. Press Reset, then choose the lesson again to load them.")
    if s.training_tab:
        window.training.tabs.setCurrentIndex(TRAINING_TAB_INDEX[s.training_tab])
    tab = {"memory": window.memory_page, "training": window.training, "shapes": window.shapes}[s.tab]
    window.tabs.setCurrentWidget(tab)
    window.shapes.select_shape(s.shape if s.shape in window.shapes.diagrams else None)
    window.hint_label.setText(f"<b>Lesson:</b> {html.escape(lesson.title)} \u2014 <b>Try this:</b> "
                              f"{prose_html(lesson.suggestion)}")
    window.hint_label.setVisible(s.tab == "memory")


def prepare_screenshot(window, lesson: Lesson, timeout: float = 60.0) -> None:
    """Make a lesson's picture worth looking at: run its training steps, generate, train demos."""
    s = lesson.setup
    app = QApplication.instance()
    shapes = window.shapes
    if s.shape == "one_to_many":
        import numpy as np

        shapes.generate.generate(rng=np.random.default_rng(1))
    if s.shape == "bidirectional":
        shapes.lookahead.train_now()
    if s.tab == "training" and s.training_tab == "compare":
        cmp = window.training.compare
        if cmp.start():
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and min(
                    (len(h) for h in cmp.histories.values()), default=0) < 2:
                app.processEvents()
                time.sleep(0.02)
            t_end = time.monotonic() + 8.0
            while time.monotonic() < min(t_end, deadline):
                app.processEvents()
                time.sleep(0.02)
            cmp.stop()
            cmp.redraw()
    elif s.tab == "training" and s.screenshot_steps:
        panel = window.training
        panel.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and panel.progress.value() < s.screenshot_steps \
                and panel.state() == "running":
            app.processEvents()
            time.sleep(0.02)
        panel.pause()
        t_end = time.monotonic() + 0.5
        while time.monotonic() < t_end:
            app.processEvents()
            time.sleep(0.02)
        panel.redraw(force=True)
    app.processEvents()


class LessonsDock(QDockWidget):
    """A dock titled "Lessons": a lesson chooser, the lesson's text, Set up / Previous / Next."""

    lesson_opened = Signal(str)

    def __init__(self, window) -> None:
        super().__init__("Lessons", window)
        self.setObjectName("dock.lessons")
        self.setToolTip("Guided lessons: each sets the app up, says what to look at, shows the equations\n"
                        "with the same symbols as the views, and suggests one thing to try.")
        self.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
                             | Qt.DockWidgetArea.BottomDockWidgetArea)
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.window_ = window
        self.current: Lesson | None = None
        self.combo = QComboBox()
        for n, lesson in enumerate(LESSONS, 1):
            self.combo.addItem(f"{n}. {lesson.title}", lesson.id)
        self.combo.setToolTip("Choose a lesson; it opens at once")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(18)
        self.combo.activated.connect(lambda i: self.open_lesson(self.combo.itemData(i)))
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setToolTip("What this lesson shows: what to look at, the equations (same symbols as the "
                                "views) and one thing to try")
        self.diagram_label = QLabel("Which inputs and outputs are used:")
        self.diagram_holder = QVBoxLayout()
        self.diagram: ShapeDiagram | None = None
        self.setup_button = QPushButton("Set up again")
        self.setup_button.setToolTip("Put the app back in this lesson's starting state")
        self.setup_button.clicked.connect(lambda: self.current and self.open_lesson(self.current.id))
        self.prev_button = QPushButton("\u25c0 Previous")
        self.prev_button.setToolTip("The previous lesson")
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button = QPushButton("Next \u25b6")
        self.next_button.setToolTip("The next lesson")
        self.next_button.clicked.connect(lambda: self.step(1))
        buttons = QHBoxLayout()
        buttons.addWidget(self.prev_button)
        buttons.addWidget(self.setup_button)
        buttons.addWidget(self.next_button)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.combo)
        lay.addWidget(self.diagram_label)
        lay.addLayout(self.diagram_holder)
        lay.addWidget(self.browser, 1)
        lay.addLayout(buttons)
        self.diagram_label.hide()
        self.setWidget(body)
        self.browser.setHtml("<p>Choose a lesson above. Each one sets the app up for one idea of the "
                             "chapter on recurrent networks.</p>")

    def showEvent(self, ev) -> None:  # noqa: N802
        if self.current is None:
            self._show_last_lesson()
        super().showEvent(ev)

    def _show_last_lesson(self) -> None:
        """Show (not apply) the lesson open last time, so a learner can carry on."""
        try:
            lesson = get_lesson(settings.get_str(LAST_LESSON_KEY, ""))
        except KeyError:
            return
        self.current = lesson
        number = self.lesson_ids().index(lesson.id) + 1
        self.combo.setCurrentIndex(number - 1)
        self.browser.setHtml("<p><i>Last time you were here; press <b>Set up again</b> to continue.</i></p>"
                             + lesson_html(lesson, number))
        self._show_diagram(lesson.setup.shape)

    def lesson_ids(self) -> list[str]:
        return [lesson.id for lesson in LESSONS]

    def step(self, delta: int) -> None:
        ids = self.lesson_ids()
        i = ids.index(self.current.id) if self.current else -1
        self.open_lesson(ids[(i + delta) % len(ids)])

    def open_lesson(self, lesson_id: str, for_screenshot: bool = False) -> bool:
        """Set the window up for ``lesson_id`` and show the lesson; False (and a status-bar
        message) for an unknown id."""
        w = self.window_
        try:
            lesson = get_lesson(lesson_id)
        except KeyError as exc:
            w.show_message(str(exc.args[0]).capitalize() + ".")
            return False
        self.current = lesson
        number = self.lesson_ids().index(lesson.id) + 1
        self.combo.setCurrentIndex(number - 1)
        self.browser.setHtml(lesson_html(lesson, number))
        self._show_diagram(lesson.setup.shape)
        if not self.isVisible() and not self.isFloating():
            w.resizeDocks([self], [340], Qt.Orientation.Horizontal)
        self.show()
        self.raise_()
        apply_lesson(w, lesson)
        settings.set_value(LAST_LESSON_KEY, lesson.id)
        if for_screenshot:
            prepare_screenshot(w, lesson)
        w.show_message(f"Lesson {number}: {lesson.title}")
        self.lesson_opened.emit(lesson.id)
        return True

    def _show_diagram(self, shape: str | None) -> None:
        if self.diagram is not None:
            self.diagram_holder.removeWidget(self.diagram)
            self.diagram.hide()
            self.diagram.setParent(None)
            self.diagram.deleteLater()
            self.diagram = None
        if shape:
            self.diagram = ShapeDiagram(shape)
            self.diagram.set_selected(True)
            self.diagram_holder.addWidget(self.diagram)
            self.diagram.show()
        self.diagram_label.setVisible(bool(shape))
