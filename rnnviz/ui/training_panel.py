"""The Training panel: choose a task and a network, train it off the GUI thread, and watch the
loss, the per-step gradient norms, spectra and gates live.

::

    panel = TrainingPanel()
    window.addDockWidget(..., dock_with(panel))
    for act in panel.actions():            # "training.start" (Space), "training.step", "training.reset",
                                           # "training.show_in_memory" (emits show_in_memory_requested)
        toolbar.addAction(act)
    ...
    panel.shutdown()                       # window closing: stop the worker thread(s)

A run is a :class:`rnnviz.training.worker.TrainingWorker` built from the form when Start (or
Step) is pressed with no run in progress. While a run exists the task and architecture fields
are locked (Reset unlocks them); the learning rate, clip norm and truncation length stay
editable and apply between steps. Snapshots are accumulated in a
:class:`~rnnviz.ui.training_views.TrainingHistory` and the views are redrawn at most
``MAX_FPS`` times a second.
"""
from __future__ import annotations

import math
import os
import time
import weakref

from PySide6.QtCore import QElapsedTimer, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QApplication, QCheckBox, QComboBox,
                               QDoubleSpinBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QMessageBox, QProgressBar, QScrollArea, QSizePolicy,
                               QSpinBox, QTabWidget, QToolButton, QVBoxLayout, QWidget)

from rnnviz.errors import RnnvizError
from rnnviz.training.config import LSTM_FORGET_BIAS, TrainConfig
from rnnviz.ui.lazy import built_on_first_use
from rnnviz.ui.training_views import (PAINT_SECONDS, GradNormView, GradRatioView, LossView, NormHistoryView, PlotScroll,
                                      SaturationView, SpectrumView, StepNormView, TrainingHistory)

__all__ = ["TrainingPanel", "ask_replace_run", "TASKS", "CELL_CHOICES", "MAX_FPS", "parse_sizes",
           "parse_optional_float", "parse_optional_int", "parse_float"]

#: the views are redrawn at most this many times a second
MAX_FPS = 30
#: at most this fraction of the GUI thread's time goes to drawing the live views (slower
#: machines get fewer frames, never a frozen window or a starved training process). Training
#: runs in a process of its own that needs a whole core: with two cores or fewer, drawing gets
#: less, so that the two do not slow each other down.
GUI_BUDGET = 0.4 if (os.cpu_count() or 1) > 2 else 0.25
#: ...but redraw at least this often (seconds between frames)
MAX_INTERVAL = 0.5
#: the least width of a column of the Loss && gradients tab's plots: room for their titles
PLOT_COLUMN_WIDTH = 330

#: (config value, label shown, tooltip)
TASKS = (
    ("adding", "adding problem",
     "Two numbers in a long sequence are marked; the target is their sum (MSE; predicting 1\n"
     "always gives 0.167). Needs memory over the whole length."),
    ("delayed_recall", "delayed recall",
     "Output, at every step, the symbol seen 'lag' steps earlier (distractors from the same\n"
     "alphabet). Accuracy drops when gradients cannot span the lag."),
    ("bracket_depth", "bracket depth",
     "Read brackets and output the current nesting depth at every step (classification)."),
    ("sine", "noisy sine",
     "Predict the next value of a (sum of) sine wave(s) at every step (MSE)."),
    ("reversal", "sequence reversal",
     "An encoder-decoder reads a symbol sequence and writes it backwards (classification)."),
)
CELL_CHOICES = (("rnn_tanh", "tanh RNN"), ("rnn_relu", "ReLU RNN"), ("gru", "GRU"), ("lstm", "LSTM"))
INIT_CHOICES = (("default", "default (PyTorch uniform)"), ("orthogonal", "orthogonal"),
                ("identity", "identity (IRNN)"), ("xavier", "Xavier"))
OPTIMIZER_CHOICES = (("adam", "Adam"), ("sgd", "SGD"), ("rmsprop", "RMSprop"), ("adagrad", "Adagrad"))
_OFF = ("", "off", "none", "no", "-")
STEP_TIP = ("Run exactly one training step, then pause; after a run has ended, start a new run\n"
            "with these settings (it replaces the ended run and its plots: asks first)")
ENDED_STEP_TIP = ("Start a new run with these settings and run one step: replaces the ended run\n"
                  "and its plots (asks first)")
SHOW_IN_MEMORY_TIP = ("Show this run's model, as trained so far, in the Memory tab: type and watch its\n"
                      "states and gates (training goes on here; show it again for newer weights)")


# ----------------------------------------------------------------------------- parsing
def parse_float(field: str, text: str) -> float:
    try:
        v = float(text.strip())
    except ValueError:
        raise RnnvizError(f"{field}: expected a number, got {text.strip()!r}") from None
    if not math.isfinite(v):
        raise RnnvizError(f"{field}: expected a finite number, got {text.strip()!r}")
    return v


def parse_optional_float(field: str, text: str) -> float | None:
    """``"off"`` / empty -> None, else a number."""
    return None if text.strip().lower() in _OFF else parse_float(field, text)


def parse_optional_int(field: str, text: str) -> int | None:
    if text.strip().lower() in _OFF:
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise RnnvizError(f"{field}: expected a whole number or 'off', got {text.strip()!r}") from None


def parse_sizes(text: str) -> tuple[int, ...]:
    """``"64"`` or ``"64, 32"`` -> (64,) / (64, 32)."""
    parts = [p.strip() for p in text.replace(";", ",").split(",")]
    if not text.strip() or any(not p for p in parts):
        raise RnnvizError(f"hidden: expected layer sizes such as 64 or 64,32, got {text.strip()!r}")
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        raise RnnvizError(f"hidden: expected whole numbers such as 64 or 64,32, got {text.strip()!r}") from None


def ask_replace_run(panel, steps: int) -> bool:
    """Ask whether Start or Step may replace the ended run of ``steps`` steps with a new run
    from the settings (True: discard it). Tests replace this function."""
    answer = QMessageBox.question(
        panel, "Replace the training run?",
        f"The training run has ended ({steps} steps trained). Start a new run with the current "
        "settings? Its weights and plots are discarded.\n\nCancel keeps the run and its plots "
        "(File > Save Project keeps them for later).",
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Discard


def _combo(choices, tip) -> QComboBox:
    box = QComboBox()
    for value, label in choices:
        box.addItem(label, value)
    box.setToolTip(tip)
    return box


def _spin(lo, hi, value, tip) -> QSpinBox:
    s = QSpinBox()
    s.setRange(lo, hi)
    s.setValue(value)
    s.setToolTip(tip)
    s.setAccelerated(True)
    return s


def _edit(text, tip) -> QLineEdit:
    e = QLineEdit(text)
    e.setToolTip(tip)
    return e


def _fmt_time(seconds: float) -> str:
    if not math.isfinite(seconds) or seconds < 0:
        return "-"
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


# ----------------------------------------------------------------------------- the panel
def _weak_slot(method, *args):
    """A slot calling the bound ``method`` with ``args`` through a weak reference to its object.

    ``functools.partial(method, ...)`` (or a lambda) connected to a child's signal would hold
    the panel strongly from inside Qt: a dropped panel would stay alive, or be freed by the
    garbage collector at any moment, possibly while Qt paints one of its views (a crash)."""
    ref = weakref.WeakMethod(method)

    def call():
        bound = ref()
        if bound is not None:
            bound(*args)
    return call


#: how truncated BPTT cuts the sequence (the engine detaches h every k steps, Recurrent.backward)
TRUNCATE_TIP = ("Truncated BPTT: the gradient is cut every k steps from the start, so it flows back\n"
                "at most k steps, and only to the last multiple of k: with a loss at the last of 50\n"
                "steps and k = 20, steps 40-49 get gradient and steps 0-39 none ('off' = the whole\n"
                "sequence); can change while training")

class TrainingPanel(QWidget):
    """Controls and live views of one training run, plus the compare tab.

    Signals: ``state_changed(str)`` ("idle", "running", "paused", "finished", "stopped",
    "failed"), ``message(str)`` (what the banner shows; for a status bar),
    ``show_in_memory_requested()`` (the "training.show_in_memory" action: the window shows the
    run's model in the Memory tab), ``run_changed()`` (``worker`` is another run, or None after
    Reset; the state alone does not tell: a project opened over a paused run stays "paused").
    """

    state_changed = Signal(str)
    message = Signal(str)
    show_in_memory_requested = Signal()
    run_changed = Signal()

    loss_view = built_on_first_use("loss_view", "_ensure_views")
    step_norm_view = built_on_first_use("step_norm_view", "_ensure_views")
    history_view = built_on_first_use("history_view", "_ensure_views")
    ratio_view = built_on_first_use("ratio_view", "_ensure_views")
    grad_norm_view = built_on_first_use("grad_norm_view", "_ensure_views")
    spectrum_view = built_on_first_use("spectrum_view", "_ensure_views")
    saturation_view = built_on_first_use("saturation_view", "_ensure_views")
    views = built_on_first_use("views", "_ensure_views")
    tabs = built_on_first_use("tabs", "_ensure_views")
    grads_scroll = built_on_first_use("grads_scroll", "_ensure_views")
    gates_scroll = built_on_first_use("gates_scroll", "_ensure_views")
    compare = built_on_first_use("compare", "_ensure_views")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("training_panel")
        self.worker = None
        self._start_step = 0            # the step the current run started from (a run read from a project)
        self._divergence_said = False   # the banner has warned that this run diverged
        self._data_sources: dict = {}   # task -> {"label", "hint", "fields"}: the user's own data files
        self.history = TrainingHistory()
        self._state = "idle"
        self._closed = False
        self._dirty = False
        self._since_draw = QElapsedTimer()
        self._since_draw.start()
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.timeout.connect(self._start_frame)
        self._slice_timer = QTimer(self)
        self._slice_timer.setSingleShot(True)
        self._slice_timer.timeout.connect(self._draw_next)
        self._frame: list = []
        self._stale: set = set()
        self._frame_cost = 0.0
        self._paint_mark = PAINT_SECONDS[0]
        self._slice_paint = 0.0
        self._cost_ema = None
        self._min_interval = 1.0 / MAX_FPS
        self.redraw_count = 0

        self._make_actions()
        form = self._make_form()
        # the plots (~0.4 s of pyqtgraph set-up) are built when the panel is first shown or a
        # view is first used (see _ensure_views), not while the app starts on the Memory tab
        self._parts: dict = {}
        self._views_host = QWidget()
        self._views_layout = QVBoxLayout(self._views_host)
        self._views_layout.setContentsMargins(0, 0, 0, 0)

        # ---- controls column: buttons, progress, banner, form
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(4, 4, 4, 4)
        buttons = QHBoxLayout()
        self.start_button = self._button(self._actions["training.start"])
        self.step_button = self._button(self._actions["training.step"])
        self.reset_button = self._button(self._actions["training.reset"])
        for b in (self.start_button, self.step_button, self.reset_button):
            buttons.addWidget(b)
        ll.addLayout(buttons)
        self.show_in_memory_button = self._button(self._actions["training.show_in_memory"])
        self.show_in_memory_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        ll.addWidget(self.show_in_memory_button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("not started")
        self.progress.setToolTip("Training steps done out of the steps asked for")
        ll.addWidget(self.progress)
        self.rate_label = QLabel(" ")
        self.rate_label.setToolTip("Training speed (recent steps per second) and the time left at that speed")
        ll.addWidget(self.rate_label)
        self.banner = QLabel("")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.setToolTip("Problems with the settings or the run (NaN/Inf, failed steps)")
        self.banner.hide()
        ll.addWidget(self.banner)
        ll.addWidget(form, 1)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(270)
        scroll.setMaximumWidth(360)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(scroll)
        lay.addWidget(self._views_host, 1)
        self._on_task_changed()
        self._on_cell_changed()
        self._update_buttons()

    # ------------------------------------------------------------------ construction
    def _make_actions(self) -> None:
        a = {}
        a["training.start"] = QAction("Start", self)
        a["training.start"].setShortcut(QKeySequence(Qt.Key.Key_Space))
        # Space belongs to the Training tab (the action also sits in the window's menu, which
        # would make it window-wide): elsewhere it toggles a checkbox, presses a button, ...
        a["training.start"].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        a["training.start"].setToolTip("Start training, or pause / resume it (Space)")
        a["training.start"].triggered.connect(self.toggle_start)
        a["training.step"] = QAction("Step", self)
        a["training.step"].setToolTip(STEP_TIP)
        a["training.step"].triggered.connect(self.single_step)
        a["training.reset"] = QAction("Reset", self)
        a["training.reset"].setToolTip("Stop, discard the trained weights and plots, and unlock the settings")
        a["training.reset"].triggered.connect(self.reset)
        a["training.show_in_memory"] = QAction("Type into this model (Memory tab)", self)
        a["training.show_in_memory"].setToolTip(SHOW_IN_MEMORY_TIP)
        a["training.show_in_memory"].setEnabled(False)
        a["training.show_in_memory"].triggered.connect(self.show_in_memory_requested)
        for key, act in a.items():
            act.setObjectName(key)
            act.setStatusTip(act.toolTip())
            self.addAction(act)
        self._actions = a

    def event(self, event) -> bool:  # noqa: D102 - Qt API
        # a focused checkbox, button or list inside the panel keeps its own Space key
        # (unaccepted ShortcutOverride events travel from the focus widget up to the panel)
        if (event.type() == QEvent.Type.ShortcutOverride and event.key() == Qt.Key.Key_Space
                and not event.modifiers()
                and isinstance(QApplication.focusWidget(), (QAbstractButton, QComboBox, QAbstractItemView))):
            event.accept()
            return True
        return super().event(event)

    def actions(self) -> list[QAction]:  # noqa: D401 - Qt's QWidget.actions() returns the same objects
        """The panel's actions: "training.start", "training.step", "training.reset",
        "training.show_in_memory"."""
        return [self._actions[k] for k in ("training.start", "training.step", "training.reset",
                                           "training.show_in_memory")]

    def action(self, action_id: str) -> QAction:
        return self._actions[action_id]

    def _button(self, act: QAction) -> QToolButton:
        b = QToolButton()
        b.setDefaultAction(act)
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return b

    def _make_form(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(0, 0, 0, 0)

        task = QGroupBox("Task")
        f = QFormLayout(task)
        self.task_box = QComboBox()
        for value, label, tip in TASKS:
            self.task_box.addItem(label, value)
            self.task_box.setItemData(self.task_box.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.task_box.setToolTip("The synthetic task to learn")
        self.task_box.currentIndexChanged.connect(self._on_task_changed)
        self.length_spin = _spin(1, 100_000, 50, "Sequence length T (time steps per example)")
        self.lag_spin = _spin(0, 100_000, 10, "Delayed recall: how many steps back the symbol to recall is")
        f.addRow("task", self.task_box)
        f.addRow("length T", self.length_spin)
        f.addRow("lag", self.lag_spin)
        self.task_hint = QLabel("")
        self.task_hint.setWordWrap(True)
        f.addRow(self.task_hint)
        v.addWidget(task)

        arch = QGroupBox("Network")
        f = QFormLayout(arch)
        self.cell_box = _combo(CELL_CHOICES, "The recurrent cell")
        self.cell_box.setCurrentIndex(0)
        self.cell_box.currentIndexChanged.connect(self._on_cell_changed)
        self.hidden_edit = _edit("64", "Hidden units per layer: one size (64) or one per layer (64,32)")
        self.bidir_check = QCheckBox("bidirectional")
        self.bidir_check.setToolTip("Run a second network backwards in time and concatenate")
        self.init_box = _combo(INIT_CHOICES, "How the recurrent weights W_hh start: orthogonal and identity keep\n"
                                             "gradients from shrinking at the start of training")
        self.forget_edit = _edit(f"{LSTM_FORGET_BIAS:g}",
                                 f"LSTM only: initial forget-gate bias (default {LSTM_FORGET_BIAS:g} keeps memories "
                                 "early on);\nempty or 'none' = the initialiser's biases (PyTorch's default)")
        self.scale_spin = QDoubleSpinBox()
        self.scale_spin.setRange(0.0, 100.0)
        self.scale_spin.setDecimals(2)
        self.scale_spin.setSingleStep(0.1)
        self.scale_spin.setValue(1.0)
        self.scale_spin.setToolTip("Multiply the initial W_hh by this: < 1 makes gradients vanish faster,\n"
                                   "> 1 makes them explode")
        f.addRow("cell", self.cell_box)
        f.addRow("layer sizes", self.hidden_edit)
        f.addRow("", self.bidir_check)
        f.addRow("initialiser", self.init_box)
        f.addRow("forget bias", self.forget_edit)
        f.addRow("W_hh scale", self.scale_spin)
        v.addWidget(arch)

        opt = QGroupBox("Optimisation")
        f = QFormLayout(opt)
        self.optimizer_box = _combo(OPTIMIZER_CHOICES, "The optimiser")
        self.lr_edit = _edit("0.001", "Learning rate (can change while training; applies from the next step)")
        self.batch_spin = _spin(1, 65536, 64, "Sequences per training step")
        self.clip_edit = _edit("1.0", "Clip the global gradient norm to this ('off' = no clipping);\n"
                                      "can change while training")
        self.truncate_edit = _edit("off", TRUNCATE_TIP)
        self.steps_spin = _spin(1, 10**9, 2000, "How many training steps to run")
        self.seed_spin = _spin(0, 2**31 - 1, 0, "Random seed for the weights and the data")
        f.addRow("optimiser", self.optimizer_box)
        f.addRow("learning rate", self.lr_edit)
        f.addRow("batch size", self.batch_spin)
        f.addRow("clip norm", self.clip_edit)
        f.addRow("truncate BPTT", self.truncate_edit)
        f.addRow("steps", self.steps_spin)
        f.addRow("seed", self.seed_spin)
        #: the settings that can change during a run, applied between steps: (field, parser, edit);
        #: a field's value goes to the worker's (and Controls') ``set_<field>``
        self._live_settings = (("lr", parse_float, self.lr_edit), ("clip", parse_optional_float, self.clip_edit),
                               ("truncate", parse_optional_int, self.truncate_edit))
        for field, _parse, edit in self._live_settings:
            edit.editingFinished.connect(_weak_slot(self._apply_live, field))
        v.addWidget(opt)
        v.addStretch(1)
        self._locked_fields = [self.task_box, self.length_spin, self.lag_spin, self.cell_box, self.hidden_edit,
                               self.bidir_check, self.init_box, self.forget_edit, self.scale_spin,
                               self.optimizer_box, self.batch_spin, self.steps_spin, self.seed_spin]
        return w

    def views_built(self) -> bool:
        """Whether the plots exist yet (they are built on first show or first use)."""
        return bool(self._parts)

    def _ensure_views(self) -> None:
        if self._parts:
            return
        self._make_views()
        self._views_layout.addWidget(self._parts["tabs"])
        self._parts["tabs"].show()  # (visible with the panel; added to a shown panel it would wait a turn)
        self._on_task_changed()
        if len(self.history):
            self.redraw(force=True)  # a run that went on before the panel was first shown

    def _make_views(self) -> None:
        from rnnviz.ui.compare_training import CompareTrainingWidget

        v = self._parts
        v["loss_view"] = LossView()
        v["step_norm_view"] = StepNormView()
        v["history_view"] = NormHistoryView()
        v["ratio_view"] = GradRatioView()
        v["grad_norm_view"] = GradNormView()
        v["spectrum_view"] = SpectrumView()
        v["saturation_view"] = SaturationView()
        v["views"] = [v["loss_view"], v["step_norm_view"], v["history_view"], v["ratio_view"],
                      v["grad_norm_view"], v["spectrum_view"], v["saturation_view"]]
        v["tabs"] = QTabWidget()
        # three columns, fewer in a narrow window; the views keep readable data areas and scroll
        # when the window is short (at 1366 x 768 the spectra had ~40 px, at the least size none)
        # (the two views of two plots each, loss and spectra, in the first row: the second row, of
        # one plot each, is then short enough for both rows to fit a 1400 x 975 window unscrolled)
        v["grads_scroll"] = PlotScroll([v["loss_view"], v["step_norm_view"], v["spectrum_view"], v["ratio_view"],
                                        v["grad_norm_view"], v["history_view"]],
                                       columns=3, column_width=PLOT_COLUMN_WIDTH)
        v["tabs"].addTab(v["grads_scroll"], "Loss && gradients")
        v["gates_scroll"] = PlotScroll([v["saturation_view"]])
        v["tabs"].addTab(v["gates_scroll"], "Gates")
        v["compare"] = CompareTrainingWidget(self.config_from_form)
        v["tabs"].addTab(v["compare"], "Compare RNN / GRU / LSTM")
        v["tabs"].currentChanged.connect(self._on_tab_changed)
        v["tabs"].setTabToolTip(0, "Loss, per-step gradient norms and their history, the gradient ratio,\n"
                                   "the global gradient norm and the recurrent spectra of the current run")
        v["tabs"].setTabToolTip(1, "Gate saturation per unit and the mean LSTM forget gate")
        v["tabs"].setTabToolTip(2, "Train a tanh RNN, a GRU and an LSTM on the same task, data and seed at\n"
                                   "once; sweep the lag or length")

    # ------------------------------------------------------------------ form
    def _on_task_changed(self) -> None:
        task = self.task_box.currentData()
        self.lag_spin.setEnabled(task == "delayed_recall" and self._state not in ("running", "paused"))
        self.task_hint.setText((dict((t[0], t[2]) for t in TASKS).get(task) or
                                self._data_sources.get(task, {}).get("hint", "")).replace("\n", " "))
        self.bidir_check.setEnabled(task != "reversal" and self._state not in ("running", "paused"))
        if task == "reversal":
            self.bidir_check.setChecked(False)
        if self._parts:
            from rnnviz.training.metrics import LOSS_BASELINES

            self.loss_view.set_baseline(LOSS_BASELINES.get(task), "predict 1: MSE 0.167")
            self.compare.update_sweep_label(task)

    def _on_cell_changed(self) -> None:
        lstm = self.cell_box.currentData() == "lstm"
        self.forget_edit.setEnabled(lstm and self._state not in ("running", "paused"))
        self.forget_edit.setPlaceholderText("initialiser's" if lstm else "LSTM only")

    def set_config(self, config: TrainConfig) -> None:
        """Fill the form from ``config`` (for restoring settings or tests)."""
        def pick(box, value):
            i = box.findData(value)
            if i >= 0:
                box.setCurrentIndex(i)
        pick(self.task_box, config.task)
        self.length_spin.setValue(config.length)
        self.lag_spin.setValue(config.lag)
        pick(self.cell_box, config.cell)
        self.hidden_edit.setText(",".join(str(h) for h in config.hidden_sizes) if len(config.hidden) > 1
                                 or config.layers > 1 else str(config.hidden[0]))
        self.bidir_check.setChecked(config.bidirectional)
        pick(self.init_box, config.init)
        fb = config.forget_bias if config.cell == "lstm" else LSTM_FORGET_BIAS  # what a switch to LSTM gets
        self.forget_edit.setText("" if fb is None else f"{fb:g}")
        self.scale_spin.setValue(config.recurrent_scale)
        pick(self.optimizer_box, config.optimizer)
        self.lr_edit.setText(f"{config.lr:g}")
        self.batch_spin.setValue(config.batch)
        self.clip_edit.setText("off" if config.clip is None else f"{config.clip:g}")
        self.truncate_edit.setText("off" if config.truncate is None else str(config.truncate))
        self.steps_spin.setValue(config.steps)
        self.seed_spin.setValue(config.seed)
        self._extra = {k: getattr(config, k) for k in ("val_every", "val_batch", "metrics_every",
                                                       "n_symbols", "max_depth", "n_sines", "noise")}

    def config_from_form(self) -> TrainConfig:
        """The validated TrainConfig the form describes; raises RnnvizError naming the bad field."""
        task = self.task_box.currentData()
        cell = self.cell_box.currentData()
        steps = self.steps_spin.value()
        extra = dict(getattr(self, "_extra", {}))
        extra.setdefault("val_every", max(5, min(100, steps // 40)))
        extra.setdefault("metrics_every", max(5, min(25, steps // 80)))
        extra.setdefault("val_batch", max(64, min(256, self.batch_spin.value() * 2)))
        extra.update(self._data_sources.get(task, {}).get("fields", {}))
        cfg = TrainConfig(
            task=task, length=self.length_spin.value(), lag=self.lag_spin.value(), cell=cell,
            hidden=parse_sizes(self.hidden_edit.text()), bidirectional=self.bidir_check.isChecked(),
            init=self.init_box.currentData(),
            forget_bias=parse_optional_float("forget_bias", self.forget_edit.text()) if cell == "lstm" else None,
            recurrent_scale=float(self.scale_spin.value()), optimizer=self.optimizer_box.currentData(),
            lr=parse_float("lr", self.lr_edit.text()), batch=self.batch_spin.value(),
            clip=parse_optional_float("clip", self.clip_edit.text()),
            truncate=parse_optional_int("truncate", self.truncate_edit.text()),
            steps=steps, seed=self.seed_spin.value(), **extra)
        cfg.validate()
        return cfg

    def _apply_live(self, field: str) -> None:
        """The live setting ``field`` ("lr", "clip" or "truncate"; its edit's editingFinished calls
        this) goes from its field to the worker during a run, applied between steps; an invalid
        value is said in the banner and not applied."""
        try:
            parse, edit = next((p, e) for f, p, e in self._live_settings if f == field)
        except StopIteration:
            raise ValueError(f"{field!r} is not a live setting "
                             f"({', '.join(f for f, _p, _e in self._live_settings)})") from None
        if self.worker is None or self._state not in ("running", "paused"):
            return
        try:
            getattr(self.worker, f"set_{field}")(parse(field, edit.text()))
        except RnnvizError as exc:
            self.show_message(str(exc), error=True)
        else:
            self.show_message("")

    # ------------------------------------------------------------------ commands
    def state(self) -> str:
        """"idle" (no run), "running", "paused", "finished", "stopped" or "failed"."""
        return self._state

    def steps_trained(self) -> int:
        """How many optimisation steps the current run has taken (0 when there is no run).

        The newest step recorded, or the step a run read from a project starts from: not
        ``len(history)``, which counts records (thinned to every second one on long runs), nor
        the progress bar, which stops at the steps asked for."""
        if self.worker is None:
            return 0
        latest = self.history.latest
        recorded = self.history.steps[-1] if len(self.history) else 0
        return max(int(self._start_step), int(recorded), int(latest.step) if latest is not None else 0)

    def toggle_start(self) -> None:
        """Start a run (from the form), pause it, or resume it — the Space key."""
        if self._state == "running":
            self.worker.pause()
            return
        if self.worker is not None and self._state == "paused":
            if self._refuse_data(self.worker.config):
                return
            self._going_on()
            self.worker.start()
            self._set_state("running")
            return
        if self._new_run():
            self.worker.start()
            self._set_state("running")

    def start(self) -> None:
        """Start or resume (never pauses)."""
        if self._state != "running":
            self.toggle_start()

    def pause(self) -> None:
        if self.worker is not None and self._state == "running":
            self.worker.pause()

    def single_step(self) -> None:
        """Run one step and pause (starting a run from the form if there is none)."""
        if self.worker is None or self._state not in ("running", "paused", "idle"):
            if not self._new_run():
                return
        else:
            if self._refuse_data(self.worker.config):
                return
            self._going_on()
        self.worker.step()
        self._set_state("paused")

    def _going_on(self) -> None:
        """The run goes on (Resume, Step): what the banner said about it so far is stale (a
        NaN/Inf undone, 'Restored from <project>', a lesson's 'Kept your training run', a failed
        save) and goes; a live setting (learning rate, clip norm, truncation) that is still
        invalid, and so not applied, says so again."""
        from rnnviz.training.loop import Controls

        self.show_message("")
        check = Controls()  # validates as the worker's controls do, applies nothing
        for field, parse, edit in self._live_settings:
            try:
                getattr(check, f"set_{field}")(parse(field, edit.text()))
            except RnnvizError as exc:
                self.show_message(str(exc), error=True)
                return

    def data_refusal(self, config: TrainConfig | None = None) -> str | None:
        """Why Start or Step cannot train on the data of ``config`` (default: the run's, else the
        form's) now, as the banner says it (naming the file, or the setting to change), or None.
        Checked before anything starts, so the run stays as it is and Start works once fixed."""
        from rnnviz.training.loop import data_problem

        if config is None:
            config = self.worker.config if self.worker is not None else self.config_from_form()
        problem = data_problem(config)
        if problem is None:
            return None
        going_on = self.worker is not None and config is self.worker.config and self.steps_trained()
        return f"Training cannot {'go on' if going_on else 'start'}: {problem}."

    def _refuse_data(self, config: TrainConfig) -> bool:
        """Say :meth:`data_refusal` in the banner; True when there is one (nothing starts)."""
        refusal = self.data_refusal(config)
        if refusal is not None:
            self.show_message(refusal, error=True)
        return refusal is not None

    def reset(self) -> None:
        """Stop the run, drop its weights and plots, unlock the settings."""
        self._drop_worker()
        self.history.clear()
        self._clear_views()
        self.show_message("")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("not started")
        self.rate_label.setText(" ")
        self._set_state("idle")

    def _clear_views(self) -> None:
        for v in self.views:
            v.clear()
        self.redraw(force=True)

    def _new_run(self) -> bool:
        """Build a worker from the form; False (and a message) when the form is invalid, or
        when an ended run with steps is there and the person keeps it (:func:`ask_replace_run`)."""
        try:
            config = self.config_from_form()
        except RnnvizError as exc:
            self.show_message(str(exc), error=True)
            return False
        if self._refuse_data(config):
            return False
        steps = self.steps_trained()
        if self.worker is not None and steps and not ask_replace_run(self, steps):
            return False  # the ended run, its plots and the banner stay
        from rnnviz.training.worker import TrainingWorker

        self._drop_worker()
        try:
            worker = TrainingWorker(config, max_rate=MAX_FPS, parent=self)
        except RnnvizError as exc:
            self.show_message(str(exc), error=True)
            return False
        self._attach_worker(worker, config)
        return True

    def set_data_source(self, task: str, label: str, fields: dict, hint: str = "") -> None:
        """Offer the user's own data as the task ``task`` ("text", "classify", "series") and select it.

        ``fields``: TrainConfig fields it sets (``corpus`` = the file, columns, ...)."""
        self._data_sources[task] = {"label": label, "hint": hint or label, "fields": dict(fields)}
        i = self.task_box.findData(task)
        if i < 0:
            self.task_box.addItem(label, task)
            i = self.task_box.count() - 1
        self.task_box.setItemText(i, label)
        self.task_box.setItemData(i, hint or label, Qt.ItemDataRole.ToolTipRole)
        if self.task_box.currentIndex() == i:
            self._on_task_changed()
        self.task_box.setCurrentIndex(i)

    def data_source(self, task: str) -> dict | None:
        return self._data_sources.get(task)

    def adopt_run(self, config: TrainConfig, model, optimizer_state=None, start_step: int = 0) -> None:
        """Hold ``model`` (e.g. from a project file) as a paused run of ``config`` that Start
        continues with ``optimizer_state`` from step ``start_step``; raises RnnvizError if invalid."""
        from rnnviz.training.worker import TrainingWorker

        config.validate()
        worker = TrainingWorker(config, model=model, max_rate=MAX_FPS, parent=self,
                                optimizer_state=optimizer_state, start_step=start_step)
        self._drop_worker()
        self.set_config(config)
        self._attach_worker(worker, config, keep_history=True)
        self._start_step = int(start_step)
        self.progress.setValue(min(int(start_step), config.steps))
        self._set_state("paused")

    def _attach_worker(self, worker, config: TrainConfig, keep_history: bool = False) -> None:
        self.worker = worker
        self._start_step = 0
        self._divergence_said = False
        if not keep_history:
            self.history.clear()
            self._clear_views()
        worker.snapshots.connect(self._on_snapshots)
        worker.snapshot.connect(self._on_snapshot)
        worker.state_changed.connect(self._on_worker_state)
        worker.failed.connect(lambda msg: self.show_message(msg, error=True))
        worker.paused_for_data.connect(self._on_paused_for_data)
        self.progress.setRange(0, config.steps)
        self.progress.setValue(0)
        self.progress.setFormat("step %v / %m")
        self.show_message("")
        self._run_changed()

    def _drop_worker(self) -> None:
        w, self.worker = self.worker, None
        if w is not None:
            w.dispose()
        self._run_changed()

    def _run_changed(self) -> None:
        self._update_buttons()  # a new run, maybe in the same state as the last one
        self.run_changed.emit()

    def show_in_memory_refusal(self) -> str | None:
        """Why this run's model cannot be shown in the Memory tab ("Type into this model"), or
        None when it can."""
        if self.worker is None:
            return "No training run yet: press Start or Step in the Training tab first."
        if getattr(self.worker.model, "tokenizer", None) is None:
            return ("This run's model reads its task's own inputs (numbers or symbols), not typed text: the "
                    "Memory tab shows models that read characters or words (a text file or a labelled CSV).")
        if self._state == "failed":
            return "The training run failed; its model cannot be copied. Reset and start a new run."
        return None

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Stop training (this run and the compare tab) and join every thread. Idempotent."""
        self._closed = True  # snapshots still queued are kept in the history, not drawn
        from rnnviz.training.worker import discard_spare

        discard_spare()
        self._redraw_timer.stop()
        self._slice_timer.stop()
        self._frame = []
        ok = True
        w, self.worker = self.worker, None
        if w is not None:
            ok = w.shutdown(timeout_ms) and ok
            self._last_thread = w.training_thread
        if self._parts:
            ok = self.compare.shutdown(timeout_ms) and ok
        if self._state in ("running", "paused"):
            self._set_state("stopped")
        return ok

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt
        self.shutdown()
        super().closeEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt
        self._ensure_views()
        super().showEvent(event)
        self._prewarm()

    def _prewarm(self) -> None:
        """Start a spare training process while the user sets up a run, so Start is instant."""
        if not self._closed:
            from rnnviz.training.worker import prewarm

            prewarm()

    # ------------------------------------------------------------------ snapshots
    def _on_snapshots(self, snaps) -> None:
        self.history.extend(snaps)
        self._schedule_redraw()

    def _on_snapshot(self, snap) -> None:
        self.show_snapshot(snap, record=False)

    def show_snapshot(self, snap, record: bool = True) -> None:
        """Show ``snap`` (recording it in the history unless the worker already did)."""
        if record:
            self.history.add(snap)
        total = max(1, int(snap.total_steps))
        if self.progress.maximum() != total:
            self.progress.setRange(0, total)
            self.progress.setFormat("step %v / %m")
        self.progress.setValue(min(int(snap.step), total))
        rate = float(snap.steps_per_second)
        left = (total - snap.step) / rate if rate > 0 else float("nan")
        self.rate_label.setText(f"{rate:.1f} steps/s \u00b7 {_fmt_time(left)} left \u00b7 "
                                f"{_fmt_time(snap.elapsed)} elapsed")
        if snap.event == "nan":
            self.show_message(snap.message, error=True)
            if self.worker is not None and self._state == "running":
                self.worker.pause()
            self._set_state("paused")
        elif snap.event == "done":
            warning = self.divergence_warning()
            if warning is None:
                self.show_message(f"Done: {snap.message}.", error=False)
            else:
                self.show_message(f"Done: {snap.message}, but {warning}.", error=True)
        elif snap.event is None and not self._divergence_said and self._state == "running":
            self._say_divergence()
        self._schedule_redraw(urgent=snap.event is not None)

    def divergence_warning(self) -> str | None:
        """What to tell the user when this run's loss has climbed far above where it started
        (:func:`rnnviz.training.metrics.divergence_warning`), else None."""
        from rnnviz.training.metrics import LOSS_BASELINES, divergence_warning

        task = self.worker.config.task if self.worker is not None else self.task_box.currentData()
        return divergence_warning(self.history.train_loss, LOSS_BASELINES.get(task))

    def _say_divergence(self) -> None:
        """While training: warn (once a run) as soon as the loss has diverged, not only at the end."""
        warning = self.divergence_warning()
        if warning is not None:
            self._divergence_said = True
            self.show_message(warning[0].upper() + warning[1:] + ".", error=True)

    def _schedule_redraw(self, urgent: bool = False) -> None:
        self._dirty = True
        if self._redraw_timer.isActive() or self._frame:
            return
        wait = max(0.0, self._min_interval - self._since_draw.elapsed() / 1000.0)
        self._redraw_timer.start(0 if urgent else int(wait * 1000))

    def _start_frame(self) -> None:
        """Begin a frame: render the visible views one slice per event-loop turn (a view's
        :meth:`slices`), each painted on its own in the next turn, so timers, input and the
        other views' paints run in between (no single long stall)."""
        if not self._dirty or self._closed or not self._parts:
            return  # (views not built: they render the whole history when they are)
        self._dirty = False
        self._since_draw.restart()
        self.redraw_count += 1
        self._frame = [(v, render, settle) for v in self.views if v.isVisible() for render, settle in v.slices()]
        self._stale.update(v for v in self.views if not v.isVisible())
        self._frame_cost = 0.0
        self._draw_next()

    def _draw_next(self) -> None:
        if not self._frame:
            return
        v, render, settle = self._frame.pop(0)
        t0 = time.perf_counter()
        p0 = PAINT_SECONDS[0]
        render(self.history)
        settle()   # one paint, in the next event-loop turn
        self._stale.discard(v)
        self._frame_cost += time.perf_counter() - t0
        self._slice_paint += PAINT_SECONDS[0] - p0
        if self._frame:
            self._slice_timer.start(0)
        else:
            self._end_frame()

    def _end_frame(self) -> None:
        # the cost of a frame = rendering + painting in its slices + any other painting of the
        # views since the previous frame ended (hover, resize, leftovers); keep the GUI thread's
        # drawing within GUI_BUDGET of the time, and never above MAX_FPS
        paint = PAINT_SECONDS[0] - self._paint_mark - self._slice_paint
        self._paint_mark = PAINT_SECONDS[0]
        self._slice_paint = 0.0
        cost = self._frame_cost + max(0.0, paint)
        self._cost_ema = cost if self._cost_ema is None else 0.7 * self._cost_ema + 0.3 * cost
        self._min_interval = min(MAX_INTERVAL, max(1.0 / MAX_FPS, self._cost_ema / GUI_BUDGET))
        if self._dirty:
            self._schedule_redraw()

    def redraw(self, force: bool = False) -> None:
        """Render every view from the history now (tests, reset; the live path renders in slices)."""
        if not (self._dirty or force) or self._closed:
            return
        self._dirty = False
        self._frame = []
        self._since_draw.restart()
        self.redraw_count += 1
        for v in self.views:
            v.render(self.history)
        self._stale.clear()

    def _on_tab_changed(self, _index: int) -> None:
        """Views skipped while hidden catch up when their tab is shown."""
        for v in list(self._stale):
            if v.isVisible():
                v.render(self.history)
                self._stale.discard(v)

    # ------------------------------------------------------------------ state
    def _on_worker_state(self, state: str) -> None:
        if self.sender() is not None and self.sender() is not self.worker:
            return
        self._set_state(state)

    def _on_paused_for_data(self, problem: str) -> None:
        """The run met a problem with its data or settings (a file gone, a batch larger than the
        data holds) and pauses (the worker's state "paused" follows) with its weights and steps:
        say what to fix; Start tries the data again."""
        if self.sender() is not None and self.sender() is not self.worker:
            return
        self.show_message(f"Training paused: {problem}.", error=True)

    def _set_state(self, state: str) -> None:
        if state == self._state:
            return
        self._state = state
        self._update_buttons()
        self.state_changed.emit(state)
        if state in ("idle", "finished", "stopped", "failed") and self.isVisible():
            self._prewarm()  # a new run is likely next

    def _update_buttons(self) -> None:
        st = self._state
        start = self._actions["training.start"]
        start.setText({"running": "Pause", "paused": "Resume"}.get(st, "Start"))
        ended = st in ("finished", "stopped", "failed") and self.worker is not None
        start.setToolTip({"running": "Pause training (Space)", "paused": "Resume training (Space)"}
                         .get(st, "Start a new run with these settings: replaces the ended run and its plots "
                                  "(asks first) (Space)" if ended else "Start training with these settings (Space)"))
        step = self._actions["training.step"]
        step.setToolTip(ENDED_STEP_TIP if ended else STEP_TIP)
        step.setStatusTip(step.toolTip())
        show = self._actions["training.show_in_memory"]
        refusal = self.show_in_memory_refusal()
        show.setEnabled(refusal is None)
        show.setToolTip(SHOW_IN_MEMORY_TIP if refusal is None or self.worker is None else refusal)
        show.setStatusTip(show.toolTip())
        active = st in ("running", "paused")
        for w in self._locked_fields:
            w.setEnabled(not active)
        self._on_task_changed()
        self._on_cell_changed()
        lock_tip = "Reset to change this setting" if active else ""
        for w in self._locked_fields:
            w.setStatusTip(lock_tip)

    def show_message(self, text: str, error: bool = False) -> None:
        """Show ``text`` in the banner ("" hides it) and emit ``message``."""
        if not text:
            self.banner.hide()
            self.banner.setText("")
            return
        if error:
            self.banner.setStyleSheet("QLabel { background: #fde2d8; color: #7a1d00; border: 1px solid #D55E00;"
                                      " border-radius: 3px; padding: 4px; }")
        else:
            self.banner.setStyleSheet("QLabel { background: #dff3ea; color: #00402c; border: 1px solid #009E73;"
                                      " border-radius: 3px; padding: 4px; }")
        self.banner.setText(text)
        self.banner.show()
        self.message.emit(text)

    def banner_text(self) -> str:
        return self.banner.text() if not self.banner.isHidden() else ""
