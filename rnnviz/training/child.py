"""The training process: runs :func:`rnnviz.training.loop.train` in a child process. No Qt.

:class:`rnnviz.training.worker.TrainingWorker` (process mode, the default) starts
:func:`child_main` in a process of the ``"spawn"`` start method (a Qt process is never
forked) and talks to it over two one-way pipes:

* commands, GUI -> child: the run to train first (``init``), then ``pause``, ``resume``,
  ``step``, ``stop``, ``set`` (lr / clip / truncate), ``reset``, ``save``, ``capture``,
  ``set_params`` (weights edited in the GUI) and ``shutdown``; every command carries a
  sequence number the child echoes back (``ack``), so the GUI knows when the pause/stop flags
  it reads back are up to date;
* messages, child -> GUI: ``snapshots`` (a tuple of :class:`Snapshot`, at most ``max_rate``
  batches a second, at once on an event or a single step), ``state``, ``params`` (the current
  weights, sent whenever training goes idle: paused, finished, stopped, after a NaN), ``model``
  (after a reset), ``was_reset``, ``failed``, ``paused_for_data``, ``saved``, ``captured``,
  ``fatal``. ``failed`` carries a message for the user (a failed run, save or request);
  ``paused_for_data`` carries only the problem with the run's data or settings that paused it
  (the state "paused" follows; the GUI words it as it likes), never a ``failed`` message.

Every message is ``(kind, payload, ack, paused, stopped)``, pickled with :func:`dumps` (which
also handles the read-only ``MappingProxyType`` mappings of snapshots). Pickle is only used on
these pipes between the app and its own child process, never for files.

The child exits when the GUI sends ``shutdown`` or closes its end of the pipe (the app quit or
died), so it cannot outlive the app.
"""
from __future__ import annotations

import copyreg
import io
import os
import pickle
import sys
import time
from types import MappingProxyType

__all__ = ["dumps", "loads", "child_main", "user_message", "Session", "StepLoop", "READY"]

#: sent (raw, not pickled) once the child holds its run and waits for commands
READY = b"rnnviz-training-ready"


# ----------------------------------------------------------------------------- wire format
def _mapping_proxy(d: dict) -> MappingProxyType:
    return MappingProxyType(d)


def _reduce_mapping_proxy(mp):
    return _mapping_proxy, (dict(mp),)


class _Pickler(pickle.Pickler):
    dispatch_table = copyreg.dispatch_table.copy()
    dispatch_table[MappingProxyType] = _reduce_mapping_proxy


def dumps(obj) -> bytes:
    """``obj`` as bytes for the pipe (pickle protocol 5; read-only arrays stay read-only)."""
    buf = io.BytesIO()
    _Pickler(buf, protocol=5).dump(obj)
    return buf.getvalue()


def loads(data: bytes):
    """The inverse of :func:`dumps` (only ever applied to bytes from our own child/parent)."""
    return pickle.loads(data)


# ----------------------------------------------------------------------------- messages
def _is_data_problem(exc: Exception) -> bool:
    """Whether ``exc`` is a problem with the training data (a :class:`DataError`: a file gone,
    a batch larger than the data holds), which pauses the run until the person fixes it; any
    other error (a bad shape, weights holding NaN) ends the run as failed."""
    from rnnviz.errors import DataError

    return isinstance(exc, DataError)


def user_message(exc: Exception) -> str:
    """``exc`` for the user: its message (an RnnvizError names the file or setting), or for a
    fault inside rnnviz a plain sentence with its detail, never an exception class name."""
    from rnnviz.errors import RnnvizError

    if isinstance(exc, RnnvizError):
        return str(exc)
    detail = str(exc).strip()
    return "an internal error in rnnviz" + (f" ({detail})" if detail else "") + "; please report it"


# ----------------------------------------------------------------------------- the session
class _Gate:
    """What the generator sees of :class:`Controls`: never blocks (the runner decides, with
    :meth:`Controls.try_acquire`, whether a step may run before it advances the generator)."""

    def __init__(self, controls) -> None:
        self._c = controls

    def wait(self, timeout=None) -> bool:
        return not self._c.stopped

    def take_changes(self) -> dict:
        return self._c.take_changes()

    def pause(self) -> None:
        self._c.pause()


class StepLoop:
    """The step-by-step state machine shared by :class:`Session` (the child process) and the
    thread runner of :mod:`rnnviz.training.worker`: states "idle", "running", "paused",
    "finished", "stopped", "failed"; snapshots are coalesced to at most ``max_rate`` batches a
    second. No Qt.

    A subclass sets ``_config`` and ``_model``, calls :meth:`_init_loop`, and provides
    ``_set_state(state)`` (record and report a state change), ``_flush()`` (report the batch
    :meth:`_take_batch` returns, if any), ``_fail(message)`` (report a message for the user)
    and ``_paused_for_data(problem)`` (report the problem with the data or the settings that
    pauses the run: its text alone, e.g. "corpus: notes.txt: the validation text has 12
    tokens, ...", no "paused" wording and no full stop).
    """

    def _init_loop(self, max_rate: float, optimizer_state, start_step: int) -> None:
        from rnnviz.training.loop import Controls

        self._optimizer = self._new_optimizer(optimizer_state)
        self._step = int(start_step)
        self._min_interval = 1.0 / float(max_rate)
        self.controls = Controls(paused=True)
        self._state = "idle"
        self._gen = None
        self._pending: list = []
        self._last_emit = 0.0

    def _new_optimizer(self, optimizer_state=None):
        """A fresh optimiser for the current model (raises on a bad ``optimizer_state``)."""
        from rnnviz.engine.optim import make_optimizer

        optimizer = make_optimizer(self._config.optimizer, self._model.params, lr=float(self._config.lr))
        if optimizer_state is not None:
            optimizer.load_state_dict(optimizer_state)
        return optimizer

    def _weights_changed(self) -> None:
        """Called after every step (and a failed one); a hook, nothing by default."""

    def _take_batch(self) -> tuple | None:
        """The snapshots since the last batch (None when there are none)."""
        if not self._pending:
            return None
        batch = tuple(self._pending)
        self._pending = []
        self._last_emit = time.monotonic()
        return batch

    def _pause_for(self, problem: Exception) -> None:
        """A problem with the data or the settings (a file gone, a batch larger than the data
        holds) stopped the step: the run pauses with its weights and its steps, and says what
        to fix (reported as such, not as a failure); the next start reads the data again."""
        self.controls.pause()
        self._paused_for_data(str(problem))
        self._set_state("paused")

    def _capture(self) -> dict:
        """Copies of the weights and the optimiser state, with the step and the config."""
        return {"params": self._model.state_dict(),
                "optimizer": self._optimizer.state_dict(), "step": self._step, "config": self._config}

    def _drop_run(self) -> None:
        """Close the generator of the current run, if any."""
        if self._gen is not None:
            self._gen.close()
            self._gen = None

    def _restart(self) -> None:
        """After a reset has set the model: a fresh optimiser, step 0, paused, state "idle"."""
        self._optimizer = self._new_optimizer()
        self._step = 0
        self._pending = []
        self.controls.reset(paused=True)
        self._set_state("idle")

    def tick(self) -> bool:
        """Run at most one step; True when another step may follow at once."""
        from rnnviz.training.loop import train

        go = self.controls.try_acquire()
        if go is False:
            self._flush()
            if self._state == "running":
                self._set_state("paused")
            return False
        if self._state in ("finished", "stopped", "failed") and self._gen is None:
            if go is True:  # start after the end: nothing to do until reset
                self.controls.pause()
            return False
        if self._gen is None:
            if go is None:
                return False
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
            return False
        except Exception as exc:  # an engine bug must not kill the thread or process silently
            self._gen = None
            self._weights_changed()  # whatever the weights are now, the GUI should see them
            self._flush()
            if _is_data_problem(exc):
                self._pause_for(exc)
            else:
                self._fail(f"training failed: {user_message(exc)}")
                self._set_state("failed")
            return False
        self._pending.append(snap)
        self._step = int(snap.step)
        self._weights_changed()
        if snap.event in ("done", "stopped"):
            self._gen = None
        now = time.monotonic()
        if snap.event is not None or was_paused or now - self._last_emit >= self._min_interval:
            self._flush()
        if snap.event == "done":
            self._set_state("finished")
            return False
        if snap.event == "stopped":
            self._set_state("stopped")
            return False
        if snap.event == "nan" and self.controls.paused:
            self._set_state("paused")
        return True


class Session(StepLoop):
    """One training run driven step by step (:class:`StepLoop`); ``send(kind, payload)``
    reports to the GUI. No Qt, no pipes: :func:`child_main` feeds it commands.
    """

    def __init__(self, config, model, max_rate: float, optimizer_state, start_step: int, send) -> None:
        config.validate()
        self._config = config
        self._model = model
        self._init_loop(max_rate, optimizer_state, start_step)
        self.params_dirty = False
        self._send = send

    # -- reporting
    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self._send("state", state)

    def _fail(self, message: str) -> None:
        self._send("failed", message)

    def _paused_for_data(self, problem: str) -> None:
        self._send("paused_for_data", problem)

    def _weights_changed(self) -> None:
        self.params_dirty = True

    def sync_params(self) -> None:
        """Send the current weights (when they changed since the last time)."""
        if self.params_dirty:
            self.params_dirty = False
            self._send("params", self._model.state_dict())

    def _flush(self) -> None:
        """Send the snapshots since the last batch; when training is about to go idle, the
        weights go first, so the GUI's copy of the model is current when it sees the batch."""
        if self._gen is None or not self.controls.ready():
            self.sync_params()
        batch = self._take_batch()
        if batch:
            self._send("snapshots", batch)

    # -- commands
    def handle(self, cmd: tuple) -> None:
        kind = cmd[0]
        c = self.controls
        if kind == "pause":
            c.pause()
        elif kind == "resume":
            c.resume()
        elif kind == "step":
            c.step(int(cmd[1]))
        elif kind == "stop":
            c.stop()
        elif kind == "set":
            getattr(c, "set_" + cmd[1])(cmd[2])
        elif kind == "controls_reset":
            c.reset(paused=bool(cmd[1]))
        elif kind == "reset":
            self.reset(cmd[1], cmd[2])
        elif kind == "save":
            self.save(cmd[1], cmd[2])
        elif kind == "capture":
            self._send("captured", self._capture())
        elif kind == "set_params":
            self._model.load_state_dict(cmd[1])
        else:  # pragma: no cover - a programming error on the GUI side
            raise ValueError(f"unknown command {kind!r}")

    def save(self, path: str, shown: str) -> None:
        from rnnviz.errors import RnnvizError

        try:
            self._model.save(path)
        except (RnnvizError, OSError) as exc:
            self._send("failed", f"could not save the model: {exc}")
        else:
            self._send("saved", shown)

    def reset(self, config, dataset) -> None:
        from rnnviz.errors import RnnvizError
        from rnnviz.training.loop import build_model, prime_dataset

        self._drop_run()
        new_config = self._config if config is None else config
        if dataset is not None:
            prime_dataset(new_config, dataset)
        try:
            self._model = build_model(new_config)
            self._config = new_config
        except RnnvizError as exc:
            self._send("failed", str(exc))
        self.params_dirty = False
        self._restart()
        self._send("model", (self._config, self._model))
        self._send("was_reset", None)

    def close(self) -> None:
        self._drop_run()
        self._flush()


# ----------------------------------------------------------------------------- the process
def child_main(cmd_conn, data_conn) -> None:
    """The child process: import the engine at once (a spare process is warm before it is
    needed), wait for the ``init`` command, then train as commanded until ``shutdown`` or
    until the parent goes away. Ends with ``os._exit`` (nothing to tear down)."""
    code = 0
    try:
        code = _serve(cmd_conn, data_conn)
    except BaseException:  # noqa: BLE001 - last resort: say what happened, then exit
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        for conn in (data_conn, cmd_conn):
            try:
                conn.close()
            except OSError:
                pass
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os._exit(code)


def _serve(cmd_conn, data_conn) -> int:
    from rnnviz.training.loop import prime_dataset  # now: warm the imports while no run is waiting

    ack = 0
    session: Session | None = None

    def send(kind, payload) -> None:
        c = None if session is None else session.controls
        data_conn.send_bytes(dumps((kind, payload, ack,
                                    True if c is None else c.paused, False if c is None else c.stopped)))

    try:
        seq, cmd = loads(cmd_conn.recv_bytes())
    except (EOFError, OSError):
        return 0  # a spare the app never used
    ack = seq
    if cmd[0] != "init":
        send("fatal", f"training process: expected the run first, got {cmd[0]!r}")
        return 1
    try:
        init = cmd[1]
        if init.get("dataset") is not None:
            prime_dataset(init["config"], init["dataset"])
        session = Session(init["config"], init["model"], init["max_rate"], init.get("optimizer_state"),
                          init.get("start_step", 0), send)
    except Exception as exc:  # noqa: BLE001
        send("fatal", f"could not start training: {user_message(exc)}")
        return 1
    data_conn.send_bytes(READY)

    more = False
    while True:
        if not more:
            session.sync_params()
        try:
            if more:
                ready = cmd_conn.poll(0)
            else:
                ready = cmd_conn.poll(None)
            while ready:
                seq, cmd = loads(cmd_conn.recv_bytes())
                ack = seq
                if cmd[0] == "shutdown":
                    session.close()
                    return 0
                try:
                    session.handle(cmd)
                except Exception as exc:  # noqa: BLE001 - a bad request must not end the run
                    send("failed", user_message(exc))
                ready = cmd_conn.poll(0)
        except (EOFError, OSError):
            return 0  # the app is gone
        more = session.tick()
