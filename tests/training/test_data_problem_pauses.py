"""A problem with the data found while training (the text file gone before the run read it)
pauses the run with a plain message, not a failed run with an exception class name; the next
Start reads the data again and trains. Both worker modes."""
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

import numpy as np

from rnnviz.errors import DataError, RnnvizError
from rnnviz.training.child import user_message
from rnnviz.training.loop import Controls, build_model, make_batch, validation_batch
from tests.training._worker_helpers import TIMEOUT, tiny, worker_maker


@pytest.fixture(params=["process", "thread"])
def make_worker(request):
    yield from worker_maker(request.param)


TEXT = "the quick brown fox jumps over the lazy dog. " * 60


def test_a_missing_text_file_pauses_the_run_until_it_is_back(qtbot, make_worker, tmp_path):
    """As a project's run, opened after its file moved: the model exists, the data does not.
    The worker says so with ``paused_for_data`` (the problem alone, no "Training paused: "
    wording to strip), never ``failed``; the run keeps its weights and steps."""
    book, twin = tmp_path / "book.txt", tmp_path / "twin.txt"
    twin.write_text(TEXT)
    config = tiny(task="text", corpus=str(book), length=8, batch=4, steps=10**6)
    model = build_model(config.replace(corpus=str(twin)))  # the same text: the same vocabulary
    weights = model.state_dict()
    with pytest.raises(DataError) as missing:
        validation_batch(config)  # what the run meets first
    w = make_worker(config, model=model, start_step=3)
    failures, problems, snaps, states = [], [], [], []
    w.failed.connect(failures.append)
    w.paused_for_data.connect(problems.append)
    w.snapshots.connect(snaps.extend)
    w.state_changed.connect(states.append)
    w.start()
    qtbot.waitUntil(lambda: bool(problems) and w.state == "paused", timeout=TIMEOUT)
    assert problems == [str(missing.value)] and str(book) in problems[0], problems
    assert not problems[0].startswith("Training paused") and not problems[0].endswith(".")
    assert failures == [] and snaps == [] and states[-1] == "paused" and "failed" not in states
    assert w.controls.paused
    for k, v in weights.items():  # nothing trained: the weights are the run's own
        np.testing.assert_array_equal(w.model.params[k], v)

    book.write_text(TEXT)  # put back: the next start reads it again and goes on from step 3
    w.start()
    qtbot.waitUntil(lambda: len(snaps) >= 2, timeout=TIMEOUT)
    assert w.state == "running" and len(problems) == 1 and failures == []
    assert snaps[0].step == 4


def test_weights_holding_nan_fail_the_run_and_start_does_not_pause_it_again(qtbot, make_worker):
    """Not a data problem: the run is marked failed (not paused with the same message at every
    Start), its message without an exception class name."""
    config = tiny(steps=10**6)
    model = build_model(config)
    model.params[next(iter(model.params))][...] = np.nan
    w = make_worker(config, model=model)
    failures, states = [], []
    w.failed.connect(failures.append)
    w.state_changed.connect(states.append)
    w.start()
    qtbot.waitUntil(lambda: w.state == "failed", timeout=TIMEOUT)
    assert failures == ["training failed: model: the initial weights hold NaN or infinite values"], failures
    assert "paused" not in states


def test_only_problems_with_the_data_are_data_errors(tmp_path):
    """Reading and batching the data raise DataError (a run pauses on it); the rest stays a
    plain RnnvizError."""
    gone = tiny(task="text", corpus=str(tmp_path / "gone.txt"), length=8, batch=4)
    with pytest.raises(DataError, match="gone.txt"):
        make_batch(gone, 4, np.random.default_rng(0))
    short = tmp_path / "short.txt"
    short.write_text("the quick brown fox. " * 3)
    with pytest.raises(DataError, match="validation text"):
        validation_batch(tiny(task="text", corpus=str(short), length=40, batch=4))
    with pytest.raises(RnnvizError) as caught:
        Controls().set_lr(-1.0)
    assert not isinstance(caught.value, DataError)


def test_messages_for_the_user_carry_no_exception_class_names():
    assert user_message(RnnvizError("batch: use at most 50")) == "batch: use at most 50"
    text = user_message(ZeroDivisionError("division by zero"))
    assert text == "an internal error in rnnviz (division by zero); please report it"
    assert user_message(KeyError()) == "an internal error in rnnviz; please report it"
