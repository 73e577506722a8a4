"""The training process's wire protocol for a run paused by its data: the child sends a message
of its own kind, ``paused_for_data``, carrying the problem alone (no "Training paused: " for
the GUI to strip), then the state "paused" -- never a ``failed`` message. The run keeps its
weights and steps, and the next ``resume`` reads the data again. No Qt: the child's loop
(:func:`rnnviz.training.child._serve`) runs in a thread of this process, on real pipes."""
import multiprocessing as mp
import threading

import numpy as np
import pytest

from rnnviz.errors import DataError
from rnnviz.training.child import READY, _serve, dumps, loads
from rnnviz.training.loop import build_model, validation_batch
from tests.training._worker_helpers import tiny

TIMEOUT = 30.0  # seconds; a bound, never a timing assertion
TEXT = "the quick brown fox jumps over the lazy dog. " * 60


class _Child:
    """:func:`_serve` in a thread, talked to as the worker talks to the child process."""

    def __init__(self, init: dict) -> None:
        self._cmd_r, self._cmd_w = mp.Pipe(duplex=False)
        self._data_r, self._data_w = mp.Pipe(duplex=False)
        self._seq = 0
        self._thread = threading.Thread(target=_serve, args=(self._cmd_r, self._data_w), daemon=True)
        self._thread.start()
        self.send("init", init)
        assert self._data_r.poll(TIMEOUT) and self._data_r.recv_bytes() == READY

    def send(self, *cmd) -> None:
        self._seq += 1
        self._cmd_w.send_bytes(dumps((self._seq, cmd)))

    def receive_until(self, done) -> list[tuple]:
        """The messages ``(kind, payload, ack, paused, stopped)`` up to the first one ``done`` accepts."""
        got = []
        while not got or not done(got[-1]):
            assert self._data_r.poll(TIMEOUT), f"no message from the child; so far {[m[0] for m in got]}"
            got.append(loads(self._data_r.recv_bytes()))
        return got

    def close(self) -> None:
        self.send("shutdown")
        self._thread.join(TIMEOUT)
        assert not self._thread.is_alive()
        for conn in (self._cmd_w, self._data_r, self._cmd_r, self._data_w):
            conn.close()


@pytest.fixture
def child():
    made = []

    def make(init):
        made.append(_Child(init))
        return made[-1]
    yield make
    for c in made:
        c.close()


def test_a_data_problem_is_sent_as_paused_for_data_not_failed(child, tmp_path):
    book, twin = tmp_path / "book.txt", tmp_path / "twin.txt"
    twin.write_text(TEXT)
    config = tiny(task="text", corpus=str(book), length=8, batch=4, steps=10**6)
    model = build_model(config.replace(corpus=str(twin)))  # the same text: the same vocabulary
    weights = model.state_dict()
    with pytest.raises(DataError) as missing:
        validation_batch(config)
    problem = str(missing.value)
    c = child({"config": config, "model": model, "max_rate": 30.0, "start_step": 3})

    c.send("resume")
    got = c.receive_until(lambda m: m[:2] == ("state", "paused"))
    kinds = [m[0] for m in got]
    assert "failed" not in kinds and "snapshots" not in kinds, kinds
    pauses = [m for m in got if m[0] == "paused_for_data"]
    assert len(pauses) == 1, kinds
    _kind, payload, _ack, paused, stopped = pauses[0]
    assert payload == problem and str(book) in payload, payload  # the problem alone
    assert "Training paused" not in payload and not payload.endswith(".")
    assert paused and not stopped
    assert kinds[-2:] == ["paused_for_data", "state"], kinds  # then the state "paused"
    sent = [m[1] for m in got if m[0] == "params"]  # the weights the GUI sees: the run's own
    assert sent, kinds
    for params in sent:
        for k, v in weights.items():
            np.testing.assert_array_equal(params[k], v)

    book.write_text(TEXT)  # put back: the next resume reads it again, from step 3 on
    c.send("resume")
    got = c.receive_until(lambda m: m[0] == "snapshots")
    assert [m[0] for m in got if m[0] in ("failed", "paused_for_data")] == []
    assert got[-1][1][0].step == 4
