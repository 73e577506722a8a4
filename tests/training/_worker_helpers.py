"""Shared by the TrainingWorker tests: a tiny run, the time bound, and a worker factory."""
from rnnviz.training.config import TrainConfig
from rnnviz.training.worker import TrainingWorker

#: generous upper bounds (never timing assertions): a child process may take a while to start
#: on a busy machine
TIMEOUT = 15_000


def tiny(**kw):
    base = dict(task="adding", length=6, cell="gru", hidden=(8,), batch=8, val_batch=16, steps=20,
                val_every=5, metrics_every=5)
    base.update(kw)
    return TrainConfig(**base)


def worker_maker(mode):
    """For a fixture to ``yield from``: yields ``make(config, **kw)``, which builds a
    TrainingWorker in ``mode``, then shuts every one down and checks that its thread and its
    child process have ended."""
    workers = []

    def make(config, **kw):
        w = TrainingWorker(config, mode=mode, **kw)
        assert w.mode == mode
        workers.append(w)
        return w

    yield make
    for w in workers:
        assert w.shutdown(5000)
        assert not w.training_thread.isRunning()
        if w.mode == "process":
            assert not w.process.is_alive()


def start_until_nan(qtbot, make_worker):
    """Start a worker whose run overflows at once (ReLU RNN, SGD with lr 1e30, no clipping);
    wait for its first event snapshot. Returns (worker, the event snapshots so far)."""
    w = make_worker(tiny(steps=1000, optimizer="sgd", lr=1e30, clip=None, cell="rnn_relu"))
    events = []
    w.snapshot.connect(lambda s: events.append(s) if s.event else None)
    w.start()
    qtbot.waitUntil(lambda: bool(events), timeout=TIMEOUT)
    return w, events
