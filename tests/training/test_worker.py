"""TrainingWorker: streams snapshot copies from its child process (or its thread), obeys controls,
shuts down cleanly. Every test here runs in both modes; process-only behaviour is in
test_worker_process.py."""

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QThread

from rnnviz.training.config import TrainConfig
from rnnviz.training.snapshot import Snapshot
from rnnviz.training.worker import TrainingWorker
from tests.training._worker_helpers import TIMEOUT, start_until_nan, tiny, worker_maker


@pytest.fixture(params=["process", "thread"])
def mode(request):
    return request.param


@pytest.fixture
def make_worker(mode):
    yield from worker_maker(mode)


def test_streams_snapshots_to_the_end(qtbot, make_worker):
    import threading

    w = make_worker(tiny(steps=20))
    got, states, threads = [], [], set()
    w.snapshots.connect(lambda batch: (got.extend(batch), threads.add(threading.current_thread())))
    w.state_changed.connect(states.append)
    with qtbot.waitSignal(w.state_changed, timeout=TIMEOUT, check_params_cb=lambda s: s == "finished"):
        w.start()
    qtbot.waitUntil(lambda: bool(got) and got[-1].event == "done", timeout=TIMEOUT)
    assert [s.step for s in got] == list(range(1, 21))  # coalesced, never lost
    assert all(isinstance(s, Snapshot) for s in got)
    assert states[0] == "running" and states[-1] == "finished"
    assert w.training_thread is not QThread.currentThread()
    assert threads == {threading.main_thread()}  # even a lambda runs in the GUI thread


def test_snapshot_signal_is_rate_limited(qtbot, make_worker):
    w = make_worker(tiny(steps=100_000, length=3, hidden=(2,), batch=2, val_every=1000, metrics_every=1000),
                    max_rate=20)
    emissions, batches = [], []
    w.snapshot.connect(emissions.append)
    w.snapshots.connect(batches.append)
    w.start()
    qtbot.waitUntil(lambda: bool(batches), timeout=TIMEOUT)  # started (a child process takes a moment)
    n0 = len(emissions)
    qtbot.wait(600)
    w.pause()
    qtbot.waitUntil(lambda: w.state == "paused", timeout=TIMEOUT)
    qtbot.wait(100)
    steps = sum(len(b) for b in batches)
    assert steps > len(emissions)  # several steps per emission: coalesced
    assert len(emissions) - n0 <= 0.6 * 20 + 5
    assert emissions[-1].step == steps
    assert [s.step for b in batches for s in b] == list(range(1, steps + 1))


def test_pause_single_step_lr_and_stop(qtbot, make_worker):
    w = make_worker(tiny(steps=1000))
    got = []
    w.snapshot.connect(got.append)
    with qtbot.waitSignal(w.snapshot, timeout=TIMEOUT):
        w.step()
    assert got[-1].step == 1 and w.controls.paused
    qtbot.wait(150)
    assert got[-1].step == 1  # stays paused
    w.set_lr(0.123)
    with qtbot.waitSignal(w.snapshot, timeout=TIMEOUT):
        w.step()
    assert (got[-1].step, got[-1].lr) == (2, 0.123)
    w.start()
    qtbot.waitUntil(lambda: got[-1].step > 5, timeout=TIMEOUT)
    with qtbot.waitSignal(w.state_changed, timeout=TIMEOUT, check_params_cb=lambda s: s == "stopped"):
        w.stop()
    assert got[-1].event == "stopped"
    weights = {k: v.copy() for k, v in w.model.params.items()}
    assert np.all(np.isfinite(weights["head.weight"]))


def test_reset_rebuilds_the_model(qtbot, make_worker):
    cfg = tiny(steps=1000)
    w = make_worker(cfg)
    initial = {k: v.copy() for k, v in w.model.params.items()}
    got = []
    w.snapshot.connect(got.append)
    w.start()
    qtbot.waitUntil(lambda: bool(got) and got[-1].step >= 3, timeout=TIMEOUT)
    with qtbot.waitSignal(w.was_reset, timeout=TIMEOUT):
        w.reset()
    assert w.state == "idle"
    for k, v in w.model.params.items():
        np.testing.assert_array_equal(v, initial[k])
    got.clear()
    with qtbot.waitSignal(w.snapshot, timeout=TIMEOUT):
        w.step()
    assert got[-1].step == 1
    from rnnviz.errors import RnnvizError

    with pytest.raises(RnnvizError, match="^lr:"):
        w.reset(TrainConfig(lr=-1.0))


def test_nan_pauses_and_restores(qtbot, make_worker):
    w, events = start_until_nan(qtbot, make_worker)
    assert events[0].event == "nan" and "paused" in events[0].message
    qtbot.waitUntil(lambda: w.state == "paused", timeout=TIMEOUT)
    assert all(np.all(np.isfinite(v)) for v in w.model.params.values())


def test_save_request(qtbot, make_worker, tmp_path):
    w = make_worker(tiny())
    path = str(tmp_path / "m.npz")
    with qtbot.waitSignal(w.saved, timeout=TIMEOUT) as blocker:
        w.save(path)
    assert blocker.args == [path]
    with qtbot.waitSignal(w.failed, timeout=TIMEOUT):
        w.save(str(tmp_path / "missing" / "m.npz"))


def test_shutdown_while_running_joins_the_thread(qtbot, mode):
    w = TrainingWorker(tiny(steps=10**6), mode=mode)
    got = []
    w.snapshot.connect(got.append)
    w.start()
    qtbot.waitUntil(lambda: bool(got), timeout=TIMEOUT)
    assert w.shutdown(5000)  # True: the thread stopped between two steps, long before 10**6 of them
    assert not w.training_thread.isRunning()
    assert w.shutdown()  # idempotent
    w.start()  # harmless after shutdown
    if mode == "process":
        assert w.process.exitcode == 0  # it finished its step and exited, not terminated


def test_a_bad_optimizer_state_is_refused_at_once(make_worker):
    from rnnviz.engine.optim import make_optimizer
    from rnnviz.errors import RnnvizError
    from rnnviz.training.loop import build_model

    other = build_model(tiny(hidden=(3,)))
    state = make_optimizer("adam", other.params, lr=1e-3).state_dict()
    with pytest.raises(RnnvizError, match="^state_dict"):
        make_worker(tiny(), optimizer_state=state)
