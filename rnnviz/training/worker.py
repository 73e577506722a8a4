"""Run the training loop off the GUI thread (the only Qt module of ``rnnviz.training``).

:class:`TrainingWorker` is a ``QObject`` living in its own ``QThread``. It drives the same
generator as the command line (:func:`rnnviz.training.loop.train`) one step per event-loop
turn, so the thread's event loop stays free between steps and a stop is honoured at the next
step boundary. Snapshots (frozen copies) reach the GUI through queued signals, coalesced to
at most ``max_rate`` emissions per second (default 30)::

    worker = TrainingWorker(TrainConfig(task="adding", cell="lstm"))
    worker.snapshot.connect(view.show_snapshot)      # latest one, <= 30 times a second
    worker.snapshots.connect(history.extend)         # every step since the last emission
    worker.start()            # Space: start / pause
    ...
    worker.shutdown()         # window closing: stop and join the thread

Every public method is thread-safe and non-blocking (except :meth:`shutdown`, which joins):
it records the request and wakes the worker thread, so it may be called directly or
connected to any signal with any connection type.
"""
from __future__ import annotations

import threading
import time

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

from rnnviz.errors import RnnvizError
from rnnviz.training.config import TrainConfig
from rnnviz.engine.optim import make_optimizer
from rnnviz.training.loop import Controls, build_model, train

__all__ = ["TrainingWorker", "STATES"]

STATES = ("idle", "running", "paused", "finished", "stopped", "failed")


class _Gate:
    """What the generator sees of :class:`Controls` inside the worker: never blocks.

    The worker itself decides whether a step may run (:meth:`Controls.try_acquire`) before
    it advances the generator, so the generator's ``wait()`` only reports a stop.
    """

    def __init__(self, controls: Controls):
        self._c = controls

    def wait(self, timeout=None) -> bool:
        return not self._c.stopped

    def take_changes(self) -> dict:
        return self._c.take_changes()

    def pause(self) -> None:
        self._c.pause()


class _Runner(QObject):
    """The part that lives in the training thread; see :class:`TrainingWorker` for the API.

    Its signals are emitted in the training thread and reach the TrainingWorker queued.
    """

    snapshots = Signal(object)
    state_changed = Signal(str)
    failed = Signal(str)
    saved = Signal(str)
    was_reset = Signal()
    captured = Signal(object)

    _wake = Signal()
    _next = Signal()

    def __init__(self, config: TrainConfig, model=None, max_rate: float = 30.0, optimizer_state=None,
                 start_step: int = 0) -> None:
        super().__init__()
        config.validate()
        if not (isinstance(max_rate, (int, float)) and max_rate > 0):
            raise RnnvizError(f"max_rate: expected a number > 0, got {max_rate!r}")
        self._config = config
        self._model = model if model is not None else build_model(config)
        self._optimizer = make_optimizer(config.optimizer, self._model.params, lr=float(config.lr))
        if optimizer_state is not None:
            self._optimizer.load_state_dict(optimizer_state)
        self._start_step = int(start_step)
        self._step = self._start_step
        self._min_interval = 1.0 / float(max_rate)
        self.controls = Controls(paused=True)
        self._lock = threading.Lock()
        self._requests: list[tuple] = []          # (kind, arg), consumed in the worker thread
        self._shutdown = threading.Event()
        self._state = "idle"
        self._gen = None
        self._pending: list = []
        self._last_emit = 0.0
        self._scheduled = False
        self._thread = QThread()
        self._thread.setObjectName("rnnviz-training")
        self.moveToThread(self._thread)
        self._wake.connect(self._on_wake, Qt.QueuedConnection)
        self._next.connect(self._tick, Qt.QueuedConnection)
        self._thread.start()

    # ------------------------------------------------------------------ public, thread-safe
    @property
    def config(self) -> TrainConfig:
        return self._config

    @property
    def model(self):
        """The live model. Read it only while the worker is not running (paused/finished)."""
        return self._model

    @property
    def state(self) -> str:
        return self._state

    @property
    def training_thread(self) -> QThread:
        return self._thread

    @Slot()
    def start(self) -> None:
        """Start, or resume after a pause."""
        self.controls.resume()
        self._poke()

    @Slot()
    def pause(self) -> None:
        self.controls.pause()
        self._poke()

    @Slot()
    def toggle(self) -> None:
        """Start if paused or idle, else pause (the Space key)."""
        if self._state == "running" and not self.controls.paused:
            self.pause()
        else:
            self.start()

    @Slot()
    def step(self) -> None:
        """Pause (if running) and run exactly one more step."""
        self.controls.step(1)
        self._poke()

    @Slot()
    def stop(self) -> None:
        """End this run (the model keeps its weights); :meth:`reset` starts a new one."""
        self.controls.stop()
        self._poke()

    @Slot()
    def reset(self, config: TrainConfig | None = None) -> None:
        """Discard the run and build a fresh model from ``config`` (default: the current one).

        An invalid config raises RnnvizError here and leaves the current run as it is.
        """
        if config is not None:
            config.validate()
        self.controls.pause()
        self._request("reset", config)

    def set_lr(self, lr: float) -> None:
        """Applied from the next step. Raises RnnvizError (in the caller) on a bad value."""
        self.controls.set_lr(lr)

    def set_clip(self, clip: float | None) -> None:
        self.controls.set_clip(clip)

    def set_truncate(self, truncate: int | None) -> None:
        self.controls.set_truncate(truncate)

    @Slot(str)
    def save(self, path: str) -> None:
        """Save the model between steps (atomically); ``saved`` or ``failed`` reports back."""
        self._request("save", str(path))

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Stop training and join the thread (call when the window closes). Idempotent.

        Returns True when the thread has finished. Must not be called from the worker thread.
        """
        if QThread.currentThread() is self._thread:
            raise RuntimeError("shutdown() must be called from outside the training thread")
        self._shutdown.set()
        self.controls.stop()
        if self._thread.isRunning():
            self._wake.emit()
            done = self._thread.wait(int(timeout_ms))
        else:
            done = True
        return bool(done)

    # ------------------------------------------------------------------ plumbing
    def _request(self, kind, arg) -> None:
        with self._lock:
            self._requests.append((kind, arg))
        self._poke()

    def _poke(self) -> None:
        if not self._shutdown.is_set():
            self._wake.emit()

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    @Slot()
    def _on_wake(self) -> None:
        """Worker thread: handle requests, then (re)start the step chain if it may run."""
        if self._shutdown.is_set():
            self._finish_thread()
            return
        with self._lock:
            requests, self._requests = self._requests, []
        for kind, arg in requests:
            if kind == "reset":
                self._do_reset(arg)
            elif kind == "capture":
                self.captured.emit({"params": {k: v.copy() for k, v in self._model.params.items()},
                                    "optimizer": self._optimizer.state_dict(), "step": self._step,
                                    "config": self._config})
            elif kind == "save":
                try:
                    self._model.save(arg)
                except (RnnvizError, OSError) as exc:
                    self.failed.emit(f"could not save the model: {exc}")
                else:
                    self.saved.emit(arg)
        self._schedule()

    def _schedule(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            self._next.emit()

    def _do_reset(self, config) -> None:
        if config is not None:
            self._config = config
        if self._gen is not None:
            self._gen.close()
            self._gen = None
        try:
            self._model = build_model(self._config)
        except RnnvizError as exc:
            self.failed.emit(str(exc))
        self._optimizer = make_optimizer(self._config.optimizer, self._model.params, lr=float(self._config.lr))
        self._start_step = self._step = 0
        self._pending = []
        self.controls.reset(paused=True)
        self._set_state("idle")
        self.was_reset.emit()

    @Slot()
    def _tick(self) -> None:
        """Worker thread: run at most one step, emit (rate-limited), schedule the next turn."""
        self._scheduled = False
        if self._shutdown.is_set():
            self._finish_thread()
            return
        go = self.controls.try_acquire()
        if go is False:
            self._flush()
            if self._state == "running":
                self._set_state("paused")
            return
        if self._state in ("finished", "stopped", "failed") and self._gen is None:
            if go is True:  # start after the end: nothing to do until reset
                self.controls.pause()
            return
        if self._gen is None:
            if go is None:
                return
            self._gen = train(self._config, self._model, _Gate(self.controls), optimizer=self._optimizer,
                              start_step=self._step)
        was_paused = self.controls.paused
        if go is True:
            self._set_state("paused" if was_paused else "running")
        try:
            snap = next(self._gen)
        except StopIteration:
            self._gen = None
            self._flush()
            self._set_state("finished")
            return
        except Exception as exc:  # an engine bug must not kill the thread silently
            self._gen = None
            self._flush()
            self.failed.emit(f"training failed: {type(exc).__name__}: {exc}")
            self._set_state("failed")
            return
        self._pending.append(snap)
        self._step = int(snap.step)
        now = time.monotonic()
        if snap.event is not None or was_paused or now - self._last_emit >= self._min_interval:
            self._flush()
        if snap.event == "done":
            self._gen = None
            self._set_state("finished")
            return
        if snap.event == "stopped":
            self._gen = None
            self._set_state("stopped")
            return
        if snap.event == "nan" and self.controls.paused:
            self._set_state("paused")
        self._schedule()

    def _flush(self) -> None:
        if self._pending:
            batch = tuple(self._pending)
            self._pending = []
            self._last_emit = time.monotonic()
            self.snapshots.emit(batch)

    def _finish_thread(self) -> None:
        """Worker thread, on shutdown: drop the run, hand the object back, end the event loop."""
        if self._gen is not None:
            self._gen.close()
            self._gen = None
        self._flush()
        app = QCoreApplication.instance()
        if app is not None:
            self.moveToThread(app.thread())
        self._thread.quit()


class TrainingWorker(QObject):
    """Trains one model in a worker ``QThread`` and streams :class:`Snapshot` copies to the GUI.

    The TrainingWorker itself lives in the thread that creates it (the GUI thread); the loop runs
    in a ``_Runner`` QObject moved to its own QThread. The runner's signals arrive here queued
    and are re-emitted in the GUI thread, so *any* slot — a widget method, a lambda, a plain
    function — runs in the GUI thread. (PySide6 calls a plain callable in the emitting thread,
    so a QObject moved to the worker thread would call lambdas in the worker thread.)

    Signals (all emitted in the GUI thread):
        snapshot(object): the newest Snapshot, at most ``max_rate`` times a second, and at
            once on an event ("nan", "done", "stopped") or a single step.
        snapshots(object): tuple of every Snapshot since the previous emission, oldest first
            (for views that plot every step); emitted just before ``snapshot``.
        state_changed(str): "idle" | "running" | "paused" | "finished" | "stopped" | "failed".
        failed(str): a message for the user (failed save, engine error).
        saved(str): the path a :meth:`save` request wrote.
        was_reset(): :meth:`reset` rebuilt the model (state "idle").

    Controls (thread-safe, non-blocking, usable as slots with any connection type):
    :meth:`start`, :meth:`pause`, :meth:`toggle`, :meth:`step`, :meth:`stop`, :meth:`reset`,
    :meth:`set_lr`, :meth:`set_clip`, :meth:`set_truncate`, :meth:`save`; :meth:`shutdown`
    stops and joins the thread (closing the window).
    """

    snapshot = Signal(object)
    snapshots = Signal(object)
    state_changed = Signal(str)
    failed = Signal(str)
    saved = Signal(str)
    was_reset = Signal()
    captured = Signal(object)

    def __init__(self, config: TrainConfig, model=None, max_rate: float = 30.0, parent=None,
                 optimizer_state=None, start_step: int = 0) -> None:
        super().__init__(parent)
        self._runner = _Runner(config, model, max_rate, optimizer_state, start_step)
        self._runner.captured.connect(self.captured)
        self._state = "idle"
        self._runner.snapshots.connect(self._on_snapshots)
        self._runner.state_changed.connect(self._on_state)
        self._runner.failed.connect(self.failed)
        self._runner.saved.connect(self.saved)
        self._runner.was_reset.connect(self.was_reset)

    # -- re-emitted in this (GUI) thread
    @Slot(object)
    def _on_snapshots(self, batch) -> None:
        self.snapshots.emit(batch)
        self.snapshot.emit(batch[-1])

    @Slot(str)
    def _on_state(self, state: str) -> None:
        self._state = state
        self.state_changed.emit(state)

    # -- properties
    @property
    def config(self) -> TrainConfig:
        return self._runner.config

    @property
    def model(self):
        """The live model. Read it only while the worker is not running (paused/finished/stopped)."""
        return self._runner.model

    @property
    def controls(self) -> Controls:
        return self._runner.controls

    @property
    def state(self) -> str:
        """The last state announced by ``state_changed`` (as seen in this thread)."""
        return self._state

    @property
    def training_thread(self) -> QThread:
        """The QThread the loop runs in."""
        return self._runner.training_thread

    # -- commands
    @Slot()
    def start(self) -> None:
        """Start, or resume after a pause."""
        self._runner.start()

    @Slot()
    def pause(self) -> None:
        self._runner.pause()

    @Slot()
    def toggle(self) -> None:
        """Pause if running, else start (the Space key)."""
        if self._state == "running" and not self.controls.paused:
            self._runner.pause()
        else:
            self._runner.start()

    @Slot()
    def step(self) -> None:
        """Pause (if running) and run exactly one more step."""
        self._runner.step()

    @Slot()
    def stop(self) -> None:
        """End this run (the model keeps its weights); :meth:`reset` starts a new one."""
        self._runner.stop()

    @Slot()
    def reset(self, config: TrainConfig | None = None) -> None:
        """Discard the run and build a fresh model from ``config`` (default: the current one).

        An invalid ``config`` raises RnnvizError here and leaves the current run as it is.
        """
        self._runner.reset(config)

    def set_lr(self, lr: float) -> None:
        """Applied from the next step. A bad value raises RnnvizError in the caller."""
        self._runner.set_lr(lr)

    def set_clip(self, clip: float | None) -> None:
        self._runner.set_clip(clip)

    def set_truncate(self, truncate: int | None) -> None:
        self._runner.set_truncate(truncate)

    @Slot(str)
    def save(self, path: str) -> None:
        """Save the model between steps (atomically); ``saved`` or ``failed`` reports back."""
        self._runner.save(path)

    def capture(self) -> None:
        """Copy the weights and the optimiser state between steps; ``captured`` delivers
        ``{"params", "optimizer", "step", "config"}`` (copies, in the GUI thread)."""
        self._runner._request("capture", None)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Stop training and join the thread. Idempotent. True when the thread has finished."""
        return self._runner.shutdown(timeout_ms)
