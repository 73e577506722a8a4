"""Run the training loop off the GUI thread (the only Qt module of ``rnnviz.training``).

By default the loop runs in a **child process** (multiprocessing, "spawn" start method: a Qt
process is never forked), so the training step's NumPy/Python work and the GUI's painting
never compete for one GIL. :mod:`rnnviz.training.child` is the child side (no Qt). A thread
mode (``mode="thread"``: a ``QObject`` in its own ``QThread``) is kept as a fallback.

Either way :class:`TrainingWorker` drives the same generator as the command line
(:func:`rnnviz.training.loop.train`) one step at a time, so a stop is honoured at the next step
boundary. Snapshots (frozen copies) reach the GUI as signals emitted in the GUI thread,
coalesced to at most ``max_rate`` emissions per second (default 30)::

    worker = TrainingWorker(TrainConfig(task="adding", cell="lstm"))
    worker.snapshot.connect(view.show_snapshot)      # latest one, <= 30 times a second
    worker.snapshots.connect(history.extend)         # every step since the last emission
    worker.start()            # Space: start / pause
    ...
    worker.shutdown()         # window closing: stop and join the process and its threads

Every public method is thread-safe and non-blocking (except :meth:`TrainingWorker.shutdown`,
which joins): it records the request and passes it on (to the child over a pipe, or to the
worker thread), so it may be called directly or connected to any signal.

In process mode ``worker.model`` is the GUI's copy of the model: the child sends its weights
whenever training goes idle (paused, single step done, finished, stopped, NaN restored), before
the snapshots that announce it; weights edited in that copy while not running (e.g. imported
from a file) are sent back to the child before the next start / step / save / capture.
:func:`prewarm` starts a spare child process ahead of time so Start begins at once.
"""
from __future__ import annotations

import collections
import os
import queue
import signal
import threading

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

from rnnviz.errors import RnnvizError
from rnnviz.training.config import TrainConfig
from rnnviz.engine.optim import make_optimizer
from rnnviz.training.child import READY, StepLoop, child_main, dumps, loads
from rnnviz.training.loop import Controls, build_model

__all__ = ["TrainingWorker", "STATES", "MODES", "DEFAULT_MODE", "prewarm", "discard_spare"]

STATES = ("idle", "running", "paused", "finished", "stopped", "failed")
#: where the loop runs: a child process (default) or a QThread of this process (fallback)
MODES = ("process", "thread")
DEFAULT_MODE = "process"


class _RunnerBase(QObject):
    """What the two runners share; see :class:`TrainingWorker` for the API.

    The signals, the argument checks, ``config`` / ``model`` / ``state``, and the requests:
    each one acts on ``controls`` (set by the subclass) or is passed on by :meth:`_request`.
    A subclass provides ``controls``, ``training_thread``, :meth:`_request` and
    :meth:`_shutdown_now`, and may override :meth:`_sync_edits` (before a run or a save) and
    :meth:`_poke` (after a control changed).
    """

    snapshots = Signal(object)
    state_changed = Signal(str)
    failed = Signal(str)
    paused_for_data = Signal(str)
    saved = Signal(str)
    was_reset = Signal()
    captured = Signal(object)

    def __init__(self, config: TrainConfig, model, max_rate: float) -> None:
        super().__init__()
        config.validate()
        if not (isinstance(max_rate, (int, float)) and max_rate > 0):
            raise RnnvizError(f"max_rate: expected a number > 0, got {max_rate!r}")
        self._config = config
        self._model = model if model is not None else build_model(config)
        self._state = "idle"

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

    @Slot()
    def start(self) -> None:
        """Start, or resume after a pause."""
        self._sync_edits()
        self.controls.resume()
        self._poke()

    @Slot()
    def pause(self) -> None:
        self.controls.pause()
        self._poke()

    @Slot()
    def step(self) -> None:
        """Pause (if running) and run exactly one more step."""
        self._sync_edits()
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
        self._sync_edits()
        self._request("save", str(path))

    def capture(self) -> None:
        self._sync_edits()
        self._request("capture", None)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Stop training and join the training thread (and, in process mode, the child).
        Idempotent. True when they have finished. Must not be called from the training thread."""
        if QThread.currentThread() is self.training_thread:
            raise RuntimeError("shutdown() must be called from outside the training thread")
        return bool(self._shutdown_now(int(timeout_ms)))

    # ------------------------------------------------------------------ plumbing
    def _request(self, kind: str, arg) -> None:
        """Pass on a "reset" (arg: the config or None), "save" (the path) or "capture"."""
        raise NotImplementedError

    def _shutdown_now(self, timeout_ms: int) -> bool:
        raise NotImplementedError

    def _sync_edits(self) -> None:
        """Before a start / step / save / capture; nothing by default."""

    def _poke(self) -> None:
        """After a control changed; nothing by default."""

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)


class _Runner(_RunnerBase, StepLoop):
    """Thread mode: the part that lives in the training thread and runs the :class:`StepLoop`.

    Its signals are emitted in the training thread and reach the TrainingWorker queued.
    """

    _wake = Signal()
    _next = Signal()

    def __init__(self, config: TrainConfig, model=None, max_rate: float = 30.0, optimizer_state=None,
                 start_step: int = 0) -> None:
        super().__init__(config, model, max_rate)
        self._init_loop(max_rate, optimizer_state, start_step)
        self._lock = threading.Lock()
        self._requests: list[tuple] = []          # (kind, arg), consumed in the worker thread
        self._shutdown = threading.Event()
        self._scheduled = False
        self._thread = QThread()
        self._thread.setObjectName("rnnviz-training")
        self.moveToThread(self._thread)
        self._wake.connect(self._on_wake, Qt.QueuedConnection)
        self._next.connect(self._tick, Qt.QueuedConnection)
        self._thread.start()

    @property
    def training_thread(self) -> QThread:
        return self._thread

    # ------------------------------------------------------------------ plumbing
    def _shutdown_now(self, timeout_ms: int) -> bool:
        self._shutdown.set()
        self.controls.stop()
        if self._thread.isRunning():
            self._wake.emit()
            return self._thread.wait(timeout_ms)
        return True

    def _request(self, kind, arg) -> None:
        with self._lock:
            self._requests.append((kind, arg))
        self._poke()

    def _poke(self) -> None:
        if not self._shutdown.is_set():
            self._wake.emit()

    def _fail(self, message: str) -> None:
        self.failed.emit(message)

    def _paused_for_data(self, problem: str) -> None:
        self.paused_for_data.emit(problem)

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
                self.captured.emit(self._capture())
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
        self._drop_run()
        try:
            self._model = build_model(self._config)
        except RnnvizError as exc:
            self.failed.emit(str(exc))
        self._restart()
        self.was_reset.emit()

    @Slot()
    def _tick(self) -> None:
        """Worker thread: run at most one step (:meth:`StepLoop.tick`), schedule the next turn."""
        self._scheduled = False
        if self._shutdown.is_set():
            self._finish_thread()
            return
        if self.tick():
            self._schedule()

    def _flush(self) -> None:
        batch = self._take_batch()
        if batch:
            self.snapshots.emit(batch)

    def _finish_thread(self) -> None:
        """Worker thread, on shutdown: drop the run, hand the object back, end the event loop."""
        self._drop_run()
        self._flush()
        app = QCoreApplication.instance()
        if app is not None:
            self.moveToThread(app.thread())
        self._thread.quit()


# ----------------------------------------------------------------------------- process mode
_SPARE = None            # (process, cmd_conn, data_conn): a started child waiting for its run
_SPARE_LOCK = threading.Lock()
_END = object()          # inbox marker: the child's pipe closed


def _spawn():
    """Start a child process (spawn start method) and return (process, cmd_w, data_r)."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    cmd_r, cmd_w = ctx.Pipe(duplex=False)
    data_r, data_w = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=child_main, args=(cmd_r, data_w), name="rnnviz-training", daemon=True)
    try:
        with _without_main_module():
            proc.start()
    finally:
        cmd_r.close()   # the child's ends: closed here so a dead child reads as end-of-file
        data_w.close()
    return proc, cmd_w, data_r


class _without_main_module:
    """While starting the child: do not make it re-import this process's ``__main__`` (the
    "spawn" default). The child runs :func:`rnnviz.training.child.child_main`, which needs
    nothing from it; re-running the app's (or a user's unguarded) script in the child would
    be slow at best and, for a script that opens a window, wrong. ``sys.path`` and the working
    directory are still passed on."""

    def __enter__(self):
        from multiprocessing import spawn as mp_spawn

        self._mod = mp_spawn
        self._orig = orig = mp_spawn.get_preparation_data

        def get_preparation_data(name):
            data = orig(name)
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
            return data

        mp_spawn.get_preparation_data = get_preparation_data
        return self

    def __exit__(self, *exc) -> None:
        self._mod.get_preparation_data = self._orig


def _take_process():
    global _SPARE
    with _SPARE_LOCK:
        spare, _SPARE = _SPARE, None
    if spare is not None:
        if spare[0].is_alive():
            return spare
        _close_spare(spare)
    return _spawn()


def _close_spare(spare) -> None:
    proc, cmd_w, data_r = spare
    for conn in (cmd_w, data_r):
        try:
            conn.close()   # end-of-file: the spare child exits by itself
        except OSError:
            pass
    proc.join(0)  # reap it if it already ended (multiprocessing reaps the rest later)


def prewarm() -> None:
    """Start a spare training process now (if none is waiting), so that the next
    :class:`TrainingWorker` in process mode starts training without the child's start-up
    (a new Python interpreter importing NumPy and the engine: ~0.3-1 s). Cheap when one is
    already waiting; the spare exits by itself when the app does."""
    global _SPARE
    if DEFAULT_MODE != "process":
        return
    with _SPARE_LOCK:
        if _SPARE is not None and _SPARE[0].is_alive():
            return
        old, _SPARE = _SPARE, None
    if old is not None:
        _close_spare(old)
    spare = _spawn()
    with _SPARE_LOCK:
        if _SPARE is None:
            _SPARE, spare = spare, None
    if spare is not None:
        _close_spare(spare)


def discard_spare() -> None:
    """End the spare process started by :func:`prewarm`, if any (the window is closing)."""
    global _SPARE
    with _SPARE_LOCK:
        spare, _SPARE = _SPARE, None
    if spare is not None:
        _close_spare(spare)


def _cached_dataset(config: TrainConfig):
    """The dataset the GUI already holds for ``config`` (a loaded file), to hand to the child."""
    if config.task not in ("text", "classify", "series"):
        return None
    from rnnviz.training import loop

    return loop._DATASETS.get(loop._dataset_key(config))


def _describe_exit(code) -> str:
    if code is None:
        return "it did not exit"
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class _RemoteControls(Controls):
    """The GUI's view of the child's :class:`Controls`: every command is passed on to the
    child; the paused/stopped flags are set here at once and corrected from the child's
    reports once it has caught up with every command sent."""

    def __init__(self, command) -> None:
        super().__init__(paused=True)
        self._command = command

    def pause(self) -> None:
        super().pause()
        self._command(("pause",))

    def resume(self) -> None:
        super().resume()
        self._command(("resume",))

    def step(self, n: int = 1) -> None:
        super().step(n)  # validates n
        with self._cv:
            self._tokens = 0  # counted in the child
        self._command(("step", n))

    def stop(self) -> None:
        super().stop()
        self._command(("stop",))

    def _set(self, key, value) -> None:  # set_lr / set_clip / set_truncate, after validation
        self._command(("set", key, value))

    def reset(self, paused: bool = True) -> None:
        super().reset(paused)
        self._command(("controls_reset", bool(paused)))

    def _mirror(self, paused: bool, stopped: bool) -> None:
        with self._cv:
            self._paused, self._stopped = bool(paused), bool(stopped)
            self._cv.notify_all()


class _Sender(threading.Thread):
    """Writes commands (already pickled) to the child, so the GUI thread never blocks on a
    full pipe (the run sent first may be large; the child reads it once it has started)."""

    def __init__(self, conn) -> None:
        super().__init__(name="rnnviz-training-sender", daemon=True)
        self._conn = conn
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._closed = False

    def put(self, data: bytes) -> None:
        if not self._closed:
            self._queue.put(data)

    def close(self) -> None:
        """Send what is queued, then close the pipe (the child reads end-of-file)."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)

    def run(self) -> None:
        conn = self._conn
        try:
            while True:
                data = self._queue.get()
                if data is None:
                    break
                conn.send_bytes(data)
        except OSError:  # the child is gone (BrokenPipeError): the receiver reports it
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass


class _Receiver(QThread):
    """Reads the child's messages (raw bytes: unpickled in the GUI thread) until the pipe
    closes, then reaps the child. ``training_thread`` of a process-mode worker."""

    def __init__(self, proc, conn, on_data, on_end) -> None:
        super().__init__()
        self.setObjectName("rnnviz-training")
        self._proc = proc
        self._conn = conn
        self._on_data = on_data
        self._on_end = on_end
        self.ready = threading.Event()   # the child has its run and waits for commands

    def run(self) -> None:
        conn = self._conn
        try:
            while True:
                try:
                    data = conn.recv_bytes()
                except (EOFError, OSError):
                    break
                if data == READY:
                    self.ready.set()
                    continue
                self._on_data(data)
        finally:
            try:
                conn.close()
            except OSError:
                pass
            self._on_end(self._reap())

    def _reap(self):
        p = self._proc
        p.join(2.0)
        if p.exitcode is None:  # closed its pipe but did not exit: make sure it does
            p.terminate()
            p.join(2.0)
        if p.exitcode is None:
            p.kill()
            p.join(5.0)
        return p.exitcode


class _ProcessRunner(_RunnerBase):
    """Process mode: the loop runs in a child process (:mod:`rnnviz.training.child`).

    Lives in the GUI thread. Commands are pickled here and written to the child by a
    :class:`_Sender` thread; the child's messages are read by a :class:`_Receiver` QThread and
    handled here, in the GUI thread, all that arrived at once in one go (consecutive snapshot
    batches merged into one emission). Same signals and methods as :class:`_Runner`
    (:class:`_RunnerBase`).
    """

    _wake = Signal()

    def __init__(self, config: TrainConfig, model=None, max_rate: float = 30.0, optimizer_state=None,
                 start_step: int = 0) -> None:
        super().__init__(config, model, max_rate)
        if optimizer_state is not None:  # refuse a bad one here, as the thread runner does
            make_optimizer(config.optimizer, self._model.params, lr=float(config.lr)).load_state_dict(optimizer_state)
        self._synced = self._model.state_dict()
        self._exposed = False     # the GUI has seen self._model (it may edit its weights)
        self._lock = threading.Lock()       # the inbox
        self._send_lock = threading.Lock()  # sequence numbers in the order sent
        self._inbox: collections.deque = collections.deque()
        self._wake_pending = False
        self._closing = False
        self._fatal = False
        self.controls = _RemoteControls(self._command)
        self._wake.connect(self._drain, Qt.QueuedConnection)
        init = {"config": config, "model": self._model, "max_rate": float(max_rate),
                "optimizer_state": optimizer_state, "start_step": int(start_step),
                "dataset": _cached_dataset(config)}
        init_bytes = dumps((1, ("init", init)))  # now: the caller may change the model later
        self._seq = 1             # commands sent (the init above)
        self._proc, cmd_w, data_r = _take_process()
        self._sender = _Sender(cmd_w)
        self._sender.put(init_bytes)
        self._receiver = _Receiver(self._proc, data_r, self._on_data, self._on_end)
        self._sender.start()
        self._receiver.start()

    # ------------------------------------------------------------------ public
    @property
    def model(self):
        """The GUI's copy of the model, with the child's weights as of the last time training
        went idle. Weights changed in it while not running are sent to the child before the
        next start / step / save / capture."""
        self._exposed = True
        return self._model

    @property
    def training_thread(self) -> QThread:
        return self._receiver

    @property
    def process(self):
        """The child ``multiprocessing.Process``."""
        return self._proc

    # ------------------------------------------------------------------ plumbing
    def _shutdown_now(self, timeout_ms: int) -> bool:
        """Ask the child to stop, wait for it (and the receiver thread) up to ``timeout_ms``,
        then terminate / kill it. True when the child and the thread are gone."""
        if not self._closing:
            self._closing = True
            self.controls._mirror(self.controls.paused, True)
            self._command(("shutdown",))
            self._sender.close()
            if not self._receiver.ready.is_set():
                # still starting (importing, reading its run): nothing to finish, no need to wait
                try:
                    self._proc.terminate()
                except (OSError, ValueError, AttributeError):
                    pass
        done = self._receiver.wait(max(0, timeout_ms))
        for kill in (self._proc.terminate, self._proc.kill):
            if done:
                break
            try:
                kill()
            except (OSError, ValueError, AttributeError):
                pass
            done = self._receiver.wait(3000)
        self._sender.join(1.0)
        return done

    def _request(self, kind: str, arg) -> None:
        if kind == "reset":
            self._command(("reset", arg, None if arg is None else _cached_dataset(arg)))
        elif kind == "save":
            self._command(("save", os.path.abspath(arg), arg))
        else:
            self._command((kind,))

    def _command(self, cmd: tuple) -> None:
        if self._closing and cmd[0] != "shutdown":
            return
        with self._send_lock:
            self._seq += 1
            self._sender.put(dumps((self._seq, cmd)))

    def _params_edited(self) -> bool:
        if not self._exposed:
            return False
        params, synced = self._model.params, self._synced
        return params.keys() != synced.keys() or any(not np.array_equal(v, synced[k]) for k, v in params.items())

    def _sync_edits(self) -> None:
        """Send the weights edited in the GUI's copy of the model (while not running)."""
        if self._state != "running" and self._params_edited():
            copies = self._model.state_dict()
            self._command(("set_params", copies))
            self._synced = copies

    # receiver thread
    def _on_data(self, data: bytes) -> None:
        with self._lock:
            self._inbox.append(data)
            wake, self._wake_pending = not self._wake_pending, True
        if wake:
            self._wake.emit()

    def _on_end(self, exitcode) -> None:
        with self._lock:
            self._inbox.append((_END, exitcode))
            wake, self._wake_pending = not self._wake_pending, True
        if wake:
            self._wake.emit()

    # GUI thread
    @Slot()
    def _drain(self) -> None:
        with self._lock:
            items = list(self._inbox)
            self._inbox.clear()
            self._wake_pending = False
        sent = self._seq
        batch: list = []
        for item in items:
            if isinstance(item, tuple) and item[0] is _END:
                self._emit_batch(batch)
                self._on_child_end(item[1])
                continue
            kind, payload, ack, paused, stopped = loads(item)
            if ack == sent and not self._closing:  # the child has seen every command: trust its flags
                self.controls._mirror(paused, stopped)
            if kind == "snapshots":
                batch.extend(payload)
                continue
            self._emit_batch(batch)
            self._handle(kind, payload)
        self._emit_batch(batch)

    def _emit_batch(self, batch: list) -> None:
        if batch:
            out = tuple(batch)
            batch.clear()
            self.snapshots.emit(out)

    def _handle(self, kind: str, payload) -> None:
        if kind == "state":
            self._set_state(payload)
        elif kind == "params":
            if not self._params_edited():  # else the GUI's edit wins (sent at the next start/step)
                for k, v in payload.items():
                    if k in self._model.params and self._model.params[k].shape == v.shape:
                        np.copyto(self._model.params[k], v)
                self._synced = payload
        elif kind == "model":
            self._config, self._model = payload
            self._synced = self._model.state_dict()
            self._exposed = False
        elif kind == "was_reset":
            self.was_reset.emit()
        elif kind == "failed":
            self.failed.emit(payload)
        elif kind == "paused_for_data":  # the state "paused" follows
            self.paused_for_data.emit(payload)
        elif kind == "fatal":
            self._fatal = True
            self.failed.emit(payload)
            self._set_state("failed")
        elif kind == "saved":
            self.saved.emit(payload)
        elif kind == "captured":
            self.captured.emit(payload)

    def _on_child_end(self, exitcode) -> None:
        if self._closing:
            return
        self.controls._mirror(True, True)
        if not self._fatal:
            self.failed.emit(f"The training process ended unexpectedly ({_describe_exit(exitcode)}); "
                             "the plots keep what it sent. Press Reset to start a new run.")
        self._set_state("failed")


class TrainingWorker(QObject):
    """Trains one model off the GUI thread and streams :class:`Snapshot` copies to the GUI.

    ``mode="process"`` (the default, :data:`DEFAULT_MODE`): the loop runs in a child process
    (see :mod:`rnnviz.training.child`); ``mode="thread"``: in a ``_Runner`` QObject moved to
    its own QThread. The TrainingWorker itself lives in the thread that creates it (the GUI
    thread) and re-emits the runner's signals there, so *any* slot — a widget method, a
    lambda, a plain function — runs in the GUI thread. (PySide6 calls a plain callable in the
    emitting thread, so a QObject moved to the worker thread would call lambdas there.)

    Signals (all emitted in the GUI thread):
        snapshot(object): the newest Snapshot, at most ``max_rate`` times a second, and at
            once on an event ("nan", "done", "stopped") or a single step.
        snapshots(object): tuple of every Snapshot since the previous emission, oldest first
            (for views that plot every step); emitted just before ``snapshot``.
        state_changed(str): "idle" | "running" | "paused" | "finished" | "stopped" | "failed".
        failed(str): a message for the user (failed save, engine error).
        paused_for_data(str): a problem with the run's data or settings (a data file gone, a
            batch larger than the data holds) stopped a step: the run keeps its weights and
            steps and goes "paused" (announced just after); the text is the problem alone
            (e.g. "corpus: notes.txt: the validation text has 12 tokens, ..."), for the GUI
            to word. Not a ``failed`` message. The next start reads the data again.
        saved(str): the path a :meth:`save` request wrote.
        was_reset(): :meth:`reset` rebuilt the model (state "idle").
        captured(object): what :meth:`capture` copied.

    In process mode a child that dies (killed, out of memory) is reported through ``failed``
    and the state "failed"; :meth:`shutdown` asks the child to stop, waits, then terminates it.

    Controls (thread-safe, non-blocking, usable as slots with any connection type):
    :meth:`start`, :meth:`pause`, :meth:`toggle`, :meth:`step`, :meth:`stop`, :meth:`reset`,
    :meth:`set_lr`, :meth:`set_clip`, :meth:`set_truncate`, :meth:`save`; :meth:`shutdown`
    stops and joins the thread (closing the window).
    """

    snapshot = Signal(object)
    snapshots = Signal(object)
    state_changed = Signal(str)
    failed = Signal(str)
    paused_for_data = Signal(str)
    saved = Signal(str)
    was_reset = Signal()
    captured = Signal(object)

    def __init__(self, config: TrainConfig, model=None, max_rate: float = 30.0, parent=None,
                 optimizer_state=None, start_step: int = 0, mode: str | None = None) -> None:
        super().__init__(parent)
        mode = DEFAULT_MODE if mode is None else mode
        if mode not in MODES:
            raise RnnvizError(f"mode: expected one of {', '.join(MODES)}, got {mode!r}")
        #: why process mode fell back to a thread (None when it did not)
        self.fallback_reason = None
        self._runner = None
        if mode == "process":
            try:
                self._runner = _ProcessRunner(config, model, max_rate, optimizer_state, start_step)
            except RnnvizError:
                raise
            except Exception as exc:  # noqa: BLE001 - no process (OS limits, an unpicklable model): a thread will do
                self.fallback_reason = f"{type(exc).__name__}: {exc}"
                mode = "thread"
        if self._runner is None:
            self._runner = _Runner(config, model, max_rate, optimizer_state, start_step)
        self.mode = mode
        self._runner.captured.connect(self.captured)
        self._state = "idle"
        self._runner.snapshots.connect(self._on_snapshots)
        self._runner.state_changed.connect(self._on_state)
        self._runner.failed.connect(self.failed)
        self._runner.paused_for_data.connect(self.paused_for_data)
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
        """The run's model with its current weights; read it only while the worker is not
        running (paused/finished/stopped). In process mode it is the GUI's copy, updated
        whenever training goes idle; weights edited in it are sent to the child before the
        next start / step / save / capture."""
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
        """The QThread the loop runs in (thread mode), or the one that receives the child's
        messages (process mode): running while the run lives, finished after :meth:`shutdown`."""
        return self._runner.training_thread

    @property
    def process(self):
        """The child ``multiprocessing.Process`` (process mode), else None."""
        return getattr(self._runner, "process", None)

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
        self._runner.capture()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Stop training and join the thread (and the child process: asked to stop, waited for
        up to ``timeout_ms``, then terminated). Idempotent. True when they have finished."""
        return self._runner.shutdown(timeout_ms)

    def dispose(self) -> None:
        """Drop a run the GUI no longer shows: disconnect the listeners of the run's signals
        (nothing late reaches a new run's views), shut it down and delete it."""
        for sig in (self.snapshots, self.snapshot, self.state_changed, self.failed, self.paused_for_data):
            try:
                sig.disconnect()
            except (RuntimeError, TypeError):  # nothing was connected
                pass
        self.shutdown()
        self.deleteLater()
