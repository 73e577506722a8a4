"""One check of a series' batch against its windows (SeriesDataset.problem), said the same way
by SeriesDataset.batch (a DataError, which pauses a run), by the app's Start (loop.data_problem)
and by ``rnnviz train --batch`` (exit 2)."""
import pytest

from rnnviz.cli import main
from rnnviz.data.loaders import load_series_dataset
from rnnviz.errors import DataError
from rnnviz.training import loop
from rnnviz.training.config import TrainConfig
from rnnviz.training.loop import data_problem, prime_dataset


@pytest.fixture
def small(tmp_path):
    """30 rows, no validation split: 25 windows of 5 steps predicting 1 ahead."""
    path = tmp_path / "small.csv"
    path.write_text("x\n" + "\n".join(str(i) for i in range(30)) + "\n")
    return path


def test_problem_is_empty_when_the_rows_hold_the_batch(small):
    _, ds = load_series_dataset(str(small), window=5, val_fraction=0)
    assert ds.problem(5, 25) == ""
    assert ds.batch(5, 25, 0).x.shape[:2] == (5, 25)


def test_a_batch_too_large_is_one_message_that_batch_raises(small):
    _, ds = load_series_dataset(str(small), window=5, val_fraction=0)
    problem = ds.problem(5, 26)
    assert problem == ("batch: the batch size 26 is larger than the 25 training windows of 5 steps; "
                       "set the batch size to at most 25 (or a shorter length)")
    with pytest.raises(DataError) as caught:
        ds.batch(5, 26, 0)
    assert str(caught.value) == problem


def test_a_length_too_long_names_the_length(small):
    _, ds = load_series_dataset(str(small), window=5, val_fraction=0)
    assert ds.problem(40, 1) == ("length: the training rows (30) are too few for one window of 40 steps "
                                 "predicting 1 ahead; set the length to at most 29")


def test_the_app_and_the_command_line_say_the_same(small, capsys, monkeypatch):
    _, ds = load_series_dataset(str(small), window=5)  # as the app does when the file is opened
    config = TrainConfig(task="series", corpus=str(small), length=5, batch=64, hidden=(4,))
    prime_dataset(config, ds)
    problem = ds.problem(5, 64)
    assert problem.startswith("batch: ")
    assert data_problem(config) == f"small.csv: {problem}"

    monkeypatch.setattr(loop, "_DATASETS", {})  # the command line reads the file itself
    rc = main(["train", "--task", "series", "--corpus", str(small), "--length", "5", "--batch", "64",
               "--steps", "1"])
    assert rc == 2
    assert capsys.readouterr().err == f"rnnviz train: error: --{problem}\n"
