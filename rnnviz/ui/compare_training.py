"""Compare mode: a tanh RNN, a GRU and an LSTM trained on the same task, data and seed at once,
their curves overlaid; and a sweep of the final validation metric against the lag (delayed
recall) or the sequence length (other tasks), run off the GUI thread.

Each cell gets its own :class:`~rnnviz.training.worker.TrainingWorker` built from the same
TrainConfig with only ``cell`` changed (the task batches come from ``config.seed`` alone, so all
three see the same data). The sweep runs :func:`rnnviz.training.loop.train` briefly for every
(cell, value) pair in a :class:`SweepWorker` on its own QThread.
"""
from __future__ import annotations

import inspect
import threading
import weakref
from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QThread, QTimer, Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from rnnviz.errors import RnnvizError
from rnnviz.training.config import LSTM_FORGET_BIAS, TrainConfig
from rnnviz.training.loop import Controls, data_problem, train
from rnnviz.ui import theme
from rnnviz.ui.training_views import CELL_COLORS, CELL_LABELS, FitGraphics, PlotScroll, TrainingHistory, new_plot

__all__ = ["CompareTrainingWidget", "SweepWorker", "COMPARE_CELLS", "sweep_parameter", "sweep_config"]

COMPARE_CELLS = ("rnn_tanh", "gru", "lstm")
MAX_FPS = 30
#: the least width of each of the two upper plots side by side (room for their titles)
PLOT_COLUMN_WIDTH = 420


def sweep_parameter(task: str) -> str:
    """What the sweep varies for ``task``: "lag" for delayed recall, else "length"."""
    return "lag" if task == "delayed_recall" else "length"



def _lstm_forget_bias(base) -> float | None:
    """The forget bias of the LSTM in a comparison: the form's own when it describes an LSTM,
    else the LSTM default (the form of an RNN or GRU has none)."""
    return base.forget_bias if base.cell == "lstm" else LSTM_FORGET_BIAS

def sweep_config(base: TrainConfig, cell: str, value: int, steps: int) -> TrainConfig:
    """The config of one sweep run: ``base`` with ``cell``, ``steps`` and the swept value.

    Delayed recall sweeps the lag with length = max(base.length, lag + 5). Validation runs only
    at the end (its loss/accuracy is the point plotted).
    """
    changes = dict(cell=cell, steps=int(steps), val_every=int(steps), metrics_every=int(steps),
                   forget_bias=_lstm_forget_bias(base) if cell == "lstm" else None)
    if sweep_parameter(base.task) == "lag":
        changes.update(lag=int(value), length=max(base.length, int(value) + 5))
    else:
        changes.update(length=int(value))
    cfg = replace(base, **changes)
    cfg.validate()
    return cfg


def _metric(task: str) -> tuple[str, str]:
    """(snapshot attribute, axis label) of the sweep's metric."""
    if task in ("adding", "sine"):
        return "val_loss", "final validation MSE (log)"
    return "val_accuracy", "final validation accuracy"


class SweepWorker(QObject):
    """Runs the sweep in its own thread. Signals: ``result(cell, value, metric)``,
    ``progress(done, total)``, ``finished(str)`` (a summary or an error message)."""

    result = Signal(str, int, float)
    progress = Signal(int, int)
    finished = Signal(str)
    _go = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self._stop = threading.Event()
        self._controls: Controls | None = None
        self._lock = threading.Lock()
        self.thread_ = QThread()
        self.thread_.setObjectName("rnnviz-sweep")
        self.moveToThread(self.thread_)
        self._go.connect(self._run, Qt.ConnectionType.QueuedConnection)
        self.thread_.start()

    def run(self, configs: list[tuple[str, int, TrainConfig]]) -> None:
        """Queue a sweep over ``(cell, value, config)`` triples (thread-safe)."""
        self._stop.clear()
        self._go.emit(list(configs))

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            if self._controls is not None:
                self._controls.stop()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        self.stop()
        self.thread_.quit()
        return bool(self.thread_.wait(int(timeout_ms)))

    @Slot(object)
    def _run(self, configs) -> None:
        n = len(configs)
        attr = _metric(configs[0][2].task)[0] if configs else "val_loss"
        for i, (cell, value, cfg) in enumerate(configs):
            if self._stop.is_set():
                self.finished.emit(f"sweep stopped after {i} of {n} runs")
                return
            controls = Controls()
            with self._lock:
                self._controls = controls
            last = None
            try:
                for snap in train(cfg, controls=controls):
                    last = snap
            except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
                self.finished.emit(f"sweep failed on {CELL_LABELS.get(cell, cell)} at {value}: {exc}")
                return
            with self._lock:
                self._controls = None
            if last is None or last.event == "stopped" or self._stop.is_set():
                self.finished.emit(f"sweep stopped after {i} of {n} runs")
                return
            v = getattr(last, attr)
            self.result.emit(cell, int(value), float("nan") if v is None else float(v))
            self.progress.emit(i + 1, n)
        self.finished.emit(f"sweep finished: {n} runs")


def _weak_provider(provider):
    """``provider`` itself, or for a bound method (the Training panel's ``config_from_form``) a
    function that calls it through a weak reference. The panel owns this widget; a strong
    reference back would make a cycle that only the garbage collector frees, at whatever moment
    it runs, possibly while Qt is painting one of the panel's views (a crash)."""
    if not inspect.ismethod(provider):
        return provider
    ref = weakref.WeakMethod(provider)

    def call():
        method = ref()
        if method is None:
            raise RnnvizError("the settings form of these runs was closed")
        return method()
    return call


class CompareTrainingWidget(QWidget):
    """RNN vs GRU vs LSTM on the same task, data and seed; plus the lag/length sweep.

    ``config_provider()`` returns the base TrainConfig (the Training panel's form) or raises
    RnnvizError. ``histories[cell]`` hold what each run produced.
    """

    state_changed = Signal(str)

    def __init__(self, config_provider=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme.configure_pyqtgraph()
        self._provider = _weak_provider(
            config_provider or (lambda: TrainConfig(task="adding", length=30, hidden=(32,))))
        self.workers: dict[str, object] = {}
        self._problems: dict[str, str] = {}  # cell -> what ended its run (a data problem)
        self.histories: dict[str, TrainingHistory] = {c: TrainingHistory(max_rows=2) for c in COMPARE_CELLS}
        self.sweep_results: dict[str, dict[int, float]] = {c: {} for c in COMPARE_CELLS}
        self.sweep_worker: SweepWorker | None = None
        self._sweep_task = "adding"
        self._running = False
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.redraw)
        self.setToolTip("A tanh RNN, a GRU and an LSTM trained on the task, data and seed set in the Training\n"
                        "panel (only the cell differs). Colours: one per cell, see the legends.")

        # ---- controls
        self.run_button = QPushButton("Train all three")
        self.run_button.setToolTip("Train a tanh RNN, a GRU and an LSTM at once with the panel's settings")
        self.run_button.clicked.connect(self.toggle)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop the three runs (their curves stay)")
        self.stop_button.clicked.connect(self.stop)
        self.status = QLabel("Uses the task, network size and optimiser set in the Training panel.")
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.run_button)
        top.addWidget(self.stop_button)
        top.addWidget(self.status, 1)

        sweep_box = QGroupBox("Sweep")
        sl = QHBoxLayout(sweep_box)
        self.sweep_label = QLabel("lengths:")
        self.sweep_edit = QLineEdit("10, 20, 40, 80")
        self.sweep_edit.setToolTip("The lags (delayed recall) or sequence lengths (other tasks) to try,\n"
                                   "comma-separated")
        self.sweep_steps = QSpinBox()
        self.sweep_steps.setRange(1, 1_000_000)
        self.sweep_steps.setValue(300)
        self.sweep_steps.setToolTip("Training steps for each cell at each value (short runs)")
        self.sweep_button = QPushButton("Run sweep")
        self.sweep_button.setToolTip("Train each cell briefly at every value and plot the final validation\n"
                                     "metric against it (runs in the background)")
        self.sweep_button.clicked.connect(self.toggle_sweep)
        self.sweep_progress = QProgressBar()
        self.sweep_progress.setRange(0, 1)
        self.sweep_progress.setValue(0)
        self.sweep_progress.setToolTip("Sweep runs done")
        for w in (self.sweep_label, self.sweep_edit, QLabel("steps each:"), self.sweep_steps, self.sweep_button,
                  self.sweep_progress):
            sl.addWidget(w)

        # ---- plots
        # as tall as its plots need (data areas of MIN_DATA_HEIGHT), scrolled in a short window
        self.graphics = FitGraphics()
        self.graphics.setMinimumWidth(400)
        g = self.graphics
        self.loss_plot = new_plot(g, 0, 0, "training loss (moving average)", "training step", "loss (log)", log_y=True,
                                  legend=True)
        self.norm_plot = new_plot(g, 0, 1, "||dL/dh\u209c|| per time step (top layer, latest batch)", "time step t",
                                  "||dL/dh\u209c|| (log)", log_y=True, legend=True)
        # (linear until a sweep of a regression task shows its loss on a log axis)
        self.sweep_plot = new_plot(g, 1, 0, "final validation metric vs length", "length", "", legend=True, colspan=2,
                                   log_axis=True)
        self.loss_curves, self.norm_curves, self.sweep_curves = {}, {}, {}
        for c in COMPARE_CELLS:
            col = QColor(CELL_COLORS[c])
            self.loss_curves[c] = self.loss_plot.plot([], [], pen=pg.mkPen(col, width=2), name=CELL_LABELS[c])
            self.loss_curves[c].setDownsampling(auto=True, method="mean")
            self.norm_curves[c] = self.norm_plot.plot([], [], pen=pg.mkPen(col, width=2), name=CELL_LABELS[c])
            self.sweep_curves[c] = self.sweep_plot.plot([], [], pen=pg.mkPen(col, width=2), symbol="o", symbolSize=7,
                                                        symbolBrush=col, symbolPen=None, name=CELL_LABELS[c])
        self.loss_plot.getViewBox().parentItem().setToolTip("")
        self.graphics.setToolTip(
            "Top left: each cell's training loss (moving average, log axis). Top right: ||dL/dh_t|| of the\n"
            "top layer for each cell's latest batch - the tanh RNN's curve falls towards t = 1 (vanishing\n"
            "gradient), the GRU's and LSTM's stay up. Bottom: the final validation metric of short runs\n"
            "at several lags / lengths. One colour per cell (legend).")
        self._series: dict[str, tuple[np.ndarray, np.ndarray]] = {}

        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(top)
        lay.addWidget(sweep_box)
        # the two upper plots side by side when each has room for its title, else one above the other
        self.plot_scroll = PlotScroll([self.graphics], columns=2, column_width=PLOT_COLUMN_WIDTH)
        self.plot_scroll.columns_changed.connect(self._arrange_plots)
        self._arrange_plots(self.plot_scroll.columns())
        lay.addWidget(self.plot_scroll, 1)
        self._update_buttons()

    def _arrange_plots(self, columns: int) -> None:
        """The loss and ||dL/dh_t|| plots side by side above the sweep (``columns`` 2), or the
        three one above the other (1: a narrow window, where titles side by side overlapped)."""
        layout = self.graphics.ci.layout
        plots = (self.loss_plot, self.norm_plot, self.sweep_plot)
        for p in plots:
            layout.removeItem(p)
        if columns >= 2:
            cells = ((0, 0, 1, 1), (0, 1, 1, 1), (1, 0, 1, 2))
        else:
            cells = ((0, 0, 1, 1), (1, 0, 1, 1), (2, 0, 1, 1))
        for p, cell in zip(plots, cells):
            layout.addItem(p, *cell)
        layout.setColumnStretchFactor(0, 1)
        layout.setColumnStretchFactor(1, 1 if columns >= 2 else 0)

    # ------------------------------------------------------------------ compare runs
    def is_running(self) -> bool:
        return self._running

    def toggle(self) -> None:
        if self._running:
            self.stop()
        else:
            self.start()

    def start(self) -> bool:
        """Start the three runs from ``config_provider()``; False (and a message) if it is invalid."""
        try:
            base = self._provider()
            configs = {c: replace(base, cell=c, forget_bias=_lstm_forget_bias(base) if c == "lstm" else None)
                       for c in COMPARE_CELLS}
            for cfg in configs.values():
                cfg.validate()
            problem = data_problem(base)  # the three runs share the data: checked once
            if problem is not None:
                raise RnnvizError(problem)
        except RnnvizError as exc:
            self.status.setText(f"Cannot start: {exc}")
            return False
        from rnnviz.training.worker import TrainingWorker

        self._drop_workers()
        for c in COMPARE_CELLS:
            self.histories[c] = TrainingHistory(max_rows=2)
            self.loss_curves[c].setData([], [])
            self.norm_curves[c].setData([], [])
        for c, cfg in configs.items():
            w = TrainingWorker(cfg, max_rate=MAX_FPS, parent=self)
            w.snapshots.connect(lambda snaps, c=c: self._on_snapshots(c, snaps))
            w.state_changed.connect(self._on_worker_state)
            w.failed.connect(lambda msg, c=c: self._on_worker_failed(c, msg))
            w.paused_for_data.connect(lambda problem, c=c: self._on_worker_failed(c, f"{problem}."))
            self.workers[c] = w
        self._problems = {}
        for w in self.workers.values():
            w.start()
        self._running = True
        self.status.setText(f"Training {', '.join(CELL_LABELS[c] for c in COMPARE_CELLS)} on {base.task} "
                            f"(T={base.length}, seed {base.seed}, {base.steps} steps)")
        self._update_buttons()
        self.state_changed.emit("running")
        return True

    def stop(self) -> None:
        """Stop the three runs (their curves stay) and say so in place of "Training ...": the
        runs' own end is not announced after this (they were stopped, not finished)."""
        if not self._running:
            return
        for w in self.workers.values():
            w.stop()
        self._running = False
        self.status.setText(f"Stopped {', '.join(CELL_LABELS[c] for c in self.workers)}; their curves stay. "
                            "Train all three starts again from the beginning.")
        self._update_buttons()
        self.state_changed.emit("stopped")

    def _on_worker_failed(self, cell: str, message: str) -> None:
        """Show a run's problem at once (a failure, or the problem with the data that paused
        it, as a sentence), and keep it for the end of the three runs."""
        self._problems[cell] = message
        self.status.setText(f"{CELL_LABELS[cell]}: {message}")

    def _problem_lines(self) -> list[str]:
        """One "tanh RNN, GRU, LSTM: <problem>" per distinct problem (the runs share their data)."""
        cells: dict[str, list[str]] = {}
        for c in COMPARE_CELLS:  # in the columns' order, whichever run reported first
            if c in self._problems:
                cells.setdefault(self._problems[c], []).append(CELL_LABELS[c])
        return [f"{', '.join(labels)}: {message}" for message, labels in cells.items()]

    def _on_worker_state(self, _state: str) -> None:
        """All three ended: say so, with the problem that ended a run, if any. Compare mode never
        pauses its runs, so a paused one was paused by its data (or a NaN) and counts as ended:
        it would not go on by itself, and Train all three starts the three again."""
        ended = ("finished", "stopped", "failed", "paused")
        if self._running and all(w.state in ended for w in self.workers.values()):
            self._running = False
            self.status.setText(" ".join(["All three runs ended.", *self._problem_lines()]))
            self._update_buttons()
            self.state_changed.emit("finished")

    def _on_snapshots(self, cell: str, snaps) -> None:
        self.histories[cell].extend(snaps)
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start(int(1000 / MAX_FPS))

    def redraw(self) -> None:
        """Redraw the overlaid curves (called at most ~30 times a second)."""
        self._dirty = False
        from rnnviz.ui.training_views import _ema

        for c in COMPARE_CELLS:
            h = self.histories[c]
            x = np.asarray(h.steps, dtype=np.float64)
            y = _ema(np.asarray(h.train_loss, dtype=np.float64))
            self._series[f"loss {c}"] = (x, np.asarray(h.train_loss, dtype=np.float64))
            self.loss_curves[c].setData(x, y)
            snap = h.latest
            norms = snap.top_step_norms if snap is not None and snap.step_norms else None
            if norms is not None:
                t = np.arange(1, norms.shape[0] + 1, dtype=np.float64)
                self._series[f"norms {c}"] = (t, np.asarray(norms, dtype=np.float64))
                self.norm_curves[c].setData(t, norms)

    def series(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Raw data of "loss <cell>", "norms <cell>" or "sweep <cell>"."""
        return self._series[name]

    def visible_curves(self) -> dict[str, int]:
        """How many overlaid curves each plot shows with data (for tests)."""
        def count(curves):
            return sum(1 for c in curves.values() if c.xData is not None and len(c.xData) > 0)
        return {"loss": count(self.loss_curves), "norms": count(self.norm_curves), "sweep": count(self.sweep_curves)}

    # ------------------------------------------------------------------ sweep
    def sweep_values(self) -> list[int]:
        text = self.sweep_edit.text()
        try:
            vals = [int(v) for v in text.replace(";", ",").split(",") if v.strip()]
        except ValueError:
            raise RnnvizError(f"sweep: expected whole numbers separated by commas, got {text.strip()!r}") from None
        if not vals:
            raise RnnvizError("sweep: enter at least one value")
        return sorted(set(vals))

    def toggle_sweep(self) -> None:
        if self.sweep_running():
            self.sweep_worker.stop()
        else:
            self.start_sweep()

    def sweep_running(self) -> bool:
        return self.sweep_button.text() == "Stop sweep"

    def start_sweep(self) -> bool:
        try:
            base = self._provider()
            values = self.sweep_values()
            steps = self.sweep_steps.value()
            runs = [(c, v, sweep_config(base, c, v, steps)) for v in values for c in COMPARE_CELLS]
        except RnnvizError as exc:
            self.status.setText(f"Cannot sweep: {exc}")
            return False
        if self.sweep_worker is None:
            self.sweep_worker = SweepWorker()
            # emitted in the sweep thread: queued to this (GUI) thread - never lambdas, which
            # PySide would call directly in the sweep thread
            queued = Qt.ConnectionType.QueuedConnection
            self.sweep_worker.result.connect(self._on_sweep_result, queued)
            self.sweep_worker.progress.connect(self._on_sweep_progress, queued)
            self.sweep_worker.finished.connect(self._on_sweep_finished, queued)
        self._sweep_task = base.task
        param = sweep_parameter(base.task)
        attr, label = _metric(base.task)
        self.sweep_plot.setLogMode(y=attr == "val_loss")
        self.sweep_plot.setTitle(f"{label.replace(' (log)', '')} vs {param} ({base.task}, {steps} steps each)")
        self.sweep_plot.setLabel("bottom", param)
        self.sweep_plot.setLabel("left", label)
        self.sweep_results = {c: {} for c in COMPARE_CELLS}
        for c in COMPARE_CELLS:
            self.sweep_curves[c].setData([], [])
            self._series.pop(f"sweep {c}", None)
        self.sweep_progress.setRange(0, len(runs))
        self.sweep_progress.setValue(0)
        self.sweep_button.setText("Stop sweep")
        # (not the end of the previous sweep, or of the runs above, which the status said)
        self.status.setText(f"Sweeping the {param} over {', '.join(str(v) for v in values)}: {len(runs)} runs "
                            f"of {steps} steps…")
        self.sweep_worker.run(runs)
        return True

    @Slot(str, int, float)
    def _on_sweep_result(self, cell: str, value: int, metric: float) -> None:
        self.sweep_results[cell][value] = metric
        xs = sorted(self.sweep_results[cell])
        x = np.asarray(xs, dtype=np.float64)
        y = np.asarray([self.sweep_results[cell][v] for v in xs], dtype=np.float64)
        self._series[f"sweep {cell}"] = (x, y)
        self.sweep_curves[cell].setData(x, y)

    @Slot(int, int)
    def _on_sweep_progress(self, done: int, total: int) -> None:
        self.sweep_progress.setValue(done)

    @Slot(str)
    def _on_sweep_finished(self, text: str) -> None:
        self.sweep_button.setText("Run sweep")
        self.status.setText(text)

    def _update_buttons(self) -> None:
        self.run_button.setText("Stop all three" if self._running else "Train all three")
        self.stop_button.setEnabled(self._running)

    def update_sweep_label(self, task: str) -> None:
        self.sweep_label.setText("lags:" if sweep_parameter(task) == "lag" else "lengths:")

    # ------------------------------------------------------------------ shutdown
    def _drop_workers(self) -> None:
        workers, self.workers = self.workers, {}
        for w in workers.values():
            w.dispose()

    def threads(self) -> list[QThread]:
        """Every thread this widget started (for tests: none runs after shutdown)."""
        out = [w.training_thread for w in self.workers.values()]
        if self.sweep_worker is not None:
            out.append(self.sweep_worker.thread_)
        return out

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Stop the three runs and the sweep and join their threads. Idempotent."""
        self._timer.stop()
        ok = True
        self._last_threads = self.threads()
        for w in self.workers.values():
            ok = w.shutdown(timeout_ms) and ok
        if self.sweep_worker is not None:
            ok = self.sweep_worker.shutdown(timeout_ms) and ok
        self._running = False
        return ok

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt
        self.shutdown()
        super().closeEvent(event)
