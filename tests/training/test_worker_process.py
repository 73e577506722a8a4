"""TrainingWorker in process mode: the child process, the GUI's copy of the model, a child that
dies, shutdown, the wire format, the spare process."""

import os
import signal
import subprocess
import sys
from types import MappingProxyType

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from rnnviz.errors import RnnvizError
from rnnviz.training import worker as worker_mod
from rnnviz.training.worker import TrainingWorker
from tests.training._worker_helpers import TIMEOUT, start_until_nan, tiny, worker_maker


@pytest.fixture
def make_worker():
    yield from worker_maker("process")


def step_and_wait(qtbot, w, got, n):
    with qtbot.waitSignal(w.snapshots, timeout=TIMEOUT):
        w.step()
    qtbot.waitUntil(lambda: got and got[-1].step == n, timeout=TIMEOUT)


def test_process_is_the_default_and_the_loop_runs_in_another_process(qtbot, make_worker):
    w = make_worker(tiny())
    assert w.mode == "process" and worker_mod.DEFAULT_MODE == "process"
    assert w.process.pid != os.getpid() and w.process.is_alive()
    got = []
    w.snapshots.connect(got.extend)
    with qtbot.waitSignal(w.state_changed, timeout=TIMEOUT, check_params_cb=lambda s: s == "finished"):
        w.start()
    qtbot.waitUntil(lambda: bool(got) and got[-1].event == "done", timeout=TIMEOUT)
    assert [s.step for s in got] == list(range(1, 21))


def test_unknown_mode_is_refused():
    with pytest.raises(RnnvizError, match="^mode:"):
        TrainingWorker(tiny(), mode="fork")


def test_snapshots_from_the_child_are_frozen_copies(qtbot, make_worker):
    w = make_worker(tiny(metrics_every=1, snapshot_weights=True))
    got = []
    w.snapshots.connect(got.extend)
    step_and_wait(qtbot, w, got, 1)
    s = got[-1]
    assert not s.top_step_norms.flags.writeable and s.top_step_norms.shape == (6,)
    assert isinstance(s.gate_saturation[0][0], MappingProxyType)
    assert isinstance(s.weights, MappingProxyType) and not s.weights["head.weight"].flags.writeable
    with pytest.raises(TypeError):
        s.weights["head.weight"] = None  # read-only mapping, as made by the loop


def test_gui_model_follows_the_child_weights_when_idle(qtbot, make_worker):
    w = make_worker(tiny(steps=1000, lr=0.05))
    initial = {k: v.copy() for k, v in w.model.params.items()}
    got, caps = [], []
    w.snapshots.connect(got.extend)
    w.captured.connect(caps.append)
    step_and_wait(qtbot, w, got, 1)
    # the weights arrive before the snapshot that announces the step
    assert any(not np.array_equal(w.model.params[k], initial[k]) for k in initial)
    w.start()
    qtbot.waitUntil(lambda: got[-1].step >= 5, timeout=TIMEOUT)
    w.pause()
    qtbot.waitUntil(lambda: w.state == "paused", timeout=TIMEOUT)
    with qtbot.waitSignal(w.captured, timeout=TIMEOUT):
        w.capture()
    cap = caps[-1]
    assert cap["step"] == got[-1].step
    for k, v in cap["params"].items():
        np.testing.assert_array_equal(w.model.params[k], v)


def test_weights_edited_in_the_gui_are_sent_to_the_child(qtbot, make_worker, tmp_path):
    w = make_worker(tiny(steps=1000))
    got, caps = [], []
    w.snapshots.connect(got.extend)
    w.captured.connect(caps.append)
    step_and_wait(qtbot, w, got, 1)
    model = w.model                          # e.g. File > Import weights into the paused run
    model.params["head.weight"][...] = 0.25
    model.params["head.bias"][...] = -1.0
    with qtbot.waitSignal(w.captured, timeout=TIMEOUT):
        w.capture()
    assert np.all(caps[-1]["params"]["head.weight"] == 0.25) and np.all(caps[-1]["params"]["head.bias"] == -1.0)
    path = str(tmp_path / "edited.npz")
    with qtbot.waitSignal(w.saved, timeout=TIMEOUT):
        w.save(path)
    from rnnviz.engine.serialize import load_model

    np.testing.assert_array_equal(load_model(path).params["head.weight"], model.params["head.weight"])
    # training goes on from the edited weights, and the child's update comes back
    step_and_wait(qtbot, w, got, 2)
    assert np.isfinite(got[-1].train_loss)
    assert not np.all(w.model.params["head.weight"] == 0.25)  # the child's update came back


def test_reset_with_a_new_architecture_rebuilds_the_gui_model(qtbot, make_worker):
    w = make_worker(tiny(steps=1000))
    got = []
    w.snapshots.connect(got.extend)
    step_and_wait(qtbot, w, got, 1)
    with qtbot.waitSignal(w.was_reset, timeout=TIMEOUT):
        w.reset(tiny(cell="lstm", hidden=(5,)))
    assert w.state == "idle" and w.config.cell == "lstm"
    assert w.model.net.cell == "lstm" and w.model.params["rnn.weight_hh_l0"].shape == (20, 5)
    got.clear()
    step_and_wait(qtbot, w, got, 1)
    assert got[-1].step_norms[0][0].shape == (6,)


def test_nan_restores_the_weights_the_gui_sees(qtbot, make_worker):
    w, events = start_until_nan(qtbot, make_worker)
    qtbot.waitUntil(lambda: w.state == "paused", timeout=TIMEOUT)
    assert events[0].event == "nan" and "Restored the weights" in events[0].message
    assert w.controls.paused  # the child paused itself; the GUI's controls say so
    assert all(np.all(np.isfinite(v)) for v in w.model.params.values())


def test_a_child_that_dies_is_reported_not_a_hang(qtbot, make_worker):
    w = make_worker(tiny(steps=10**6))
    got, failures = [], []
    w.snapshots.connect(got.extend)
    w.failed.connect(failures.append)
    w.start()
    qtbot.waitUntil(lambda: bool(got), timeout=TIMEOUT)
    with qtbot.waitSignal(w.state_changed, timeout=TIMEOUT, check_params_cb=lambda s: s == "failed"):
        os.kill(w.process.pid, signal.SIGKILL)
    assert len(failures) == 1 and "ended unexpectedly" in failures[0] and "SIGKILL" in failures[0]
    assert w.state == "failed"
    qtbot.waitUntil(lambda: not w.training_thread.isRunning(), timeout=TIMEOUT)
    w.start()  # harmless: nothing to talk to
    w.step()
    assert w.shutdown(5000)


def test_closing_while_training_ends_the_child_cleanly(qtbot):
    w = TrainingWorker(tiny(steps=10**6))
    got, failures = [], []
    w.snapshots.connect(got.extend)
    w.failed.connect(failures.append)
    w.start()
    qtbot.waitUntil(lambda: len(got) >= 2, timeout=TIMEOUT)
    proc = w.process
    assert w.shutdown(5000)
    assert not proc.is_alive() and proc.exitcode == 0   # exited by itself between two steps
    assert not w.training_thread.isRunning()
    qtbot.wait(50)
    assert failures == []  # a requested shutdown is not a failure


def test_shutdown_while_the_child_is_still_starting(qtbot):
    worker_mod.discard_spare()
    w = TrainingWorker(tiny())
    assert w.shutdown(5000)      # no need to wait for a child that has not started its run
    assert not w.process.is_alive() and not w.training_thread.isRunning()


def test_a_file_dataset_read_by_the_gui_goes_to_the_child(qtbot, make_worker, tmp_path):
    from rnnviz.training.loop import series_dataset

    p = tmp_path / "s.csv"
    t = np.arange(200.0)
    np.savetxt(p, np.stack([np.sin(t / 5), np.cos(t / 7)], axis=1), delimiter=",", header="a,y", comments="")
    cfg = tiny(task="series", corpus=str(p), length=10, steps=3, series_inputs=("a",), series_targets=("y",))
    series_dataset(cfg)            # the GUI reads the file (as File > Open does)
    p.unlink()                     # the child could not read it again
    w = make_worker(cfg)
    got = []
    w.snapshots.connect(got.extend)
    with qtbot.waitSignal(w.state_changed, timeout=TIMEOUT, check_params_cb=lambda s: s == "finished"):
        w.start()
    qtbot.waitUntil(lambda: bool(got) and got[-1].event == "done", timeout=TIMEOUT)
    assert [s.step for s in got] == [1, 2, 3] and np.isfinite(got[-1].train_loss)
    assert w.model.normalisation["target_columns"] == ["y"]


def test_prewarm_hands_its_spare_process_to_the_next_worker(qtbot, make_worker):
    worker_mod.discard_spare()
    worker_mod.prewarm()
    spare = worker_mod._SPARE[0]
    worker_mod.prewarm()  # one spare at most
    assert worker_mod._SPARE[0] is spare
    w = make_worker(tiny())
    assert w.process is spare and worker_mod._SPARE is None
    got = []
    w.snapshots.connect(got.extend)
    step_and_wait(qtbot, w, got, 1)


def test_wire_format_round_trips_snapshots():
    from rnnviz.training.child import dumps, loads
    from rnnviz.training.loop import train

    snaps = tuple(train(tiny(steps=3, metrics_every=1, snapshot_weights=True)))
    back = loads(dumps(snaps))
    assert [s.step for s in back] == [1, 2, 3]
    for a, b in zip(snaps, back):
        np.testing.assert_array_equal(a.top_step_norms, b.top_step_norms)
        assert a.gate_saturation[0][0].keys() == b.gate_saturation[0][0].keys()
        assert not b.top_step_norms.flags.writeable


def test_child_module_imports_without_qt():
    code = ("import sys, rnnviz.training.child; "
            "assert 'PySide6' not in sys.modules and 'pyqtgraph' not in sys.modules, 'Qt imported'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_an_unguarded_script_works_and_is_not_rerun_in_the_child(tmp_path):
    # "spawn" normally re-imports the parent's main script in the child; a script without the
    # `if __name__ == "__main__"` guard would then run again there (here: train twice, or fail)
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import os, sys, time\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "print('body', flush=True)\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from rnnviz.training.config import TrainConfig\n"
        "from rnnviz.training.worker import TrainingWorker\n"
        "w = TrainingWorker(TrainConfig(task='adding', length=6, cell='gru', hidden=(8,), batch=8, val_batch=16,"
        " steps=5, val_every=5, metrics_every=5))\n"
        "got = []\n"
        "w.snapshots.connect(got.extend)\n"
        "w.start()\n"
        "t0 = time.time()\n"
        "while w.state not in ('finished', 'failed') and time.time() - t0 < 60:\n"
        "    app.processEvents(); time.sleep(0.01)\n"
        "print(w.state, len(got), w.shutdown(), w.process.exitcode, flush=True)\n")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env)
    lines = out.stdout.split()
    assert lines.count("body") == 1, out.stdout + out.stderr
    assert out.stdout.strip().endswith("finished 5 True 0"), out.stdout + out.stderr


def test_falls_back_to_a_thread_when_no_process_can_start(qtbot, monkeypatch):
    def no_process():
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(worker_mod, "_take_process", no_process)
    w = TrainingWorker(tiny(steps=3))
    try:
        assert w.mode == "thread" and w.process is None and "Resource temporarily" in w.fallback_reason
        got = []
        w.snapshots.connect(got.extend)
        with qtbot.waitSignal(w.state_changed, timeout=TIMEOUT, check_params_cb=lambda s: s == "finished"):
            w.start()
        qtbot.waitUntil(lambda: bool(got) and got[-1].event == "done", timeout=TIMEOUT)
        assert [s.step for s in got] == [1, 2, 3]
    finally:
        assert w.shutdown(5000)
