"""``rnnviz train``: arguments the data or the parser cannot use are bad arguments (exit 2),
found before training, and the error names the flag the user typed."""
import numpy as np
import pytest

from rnnviz.cli import main


@pytest.fixture
def series_csv(tmp_path):
    """A 300-row series: with --length 50, its training rows hold fewer than 1000 windows."""
    path = tmp_path / "series.csv"
    t = np.arange(300)
    rows = "\n".join(f"{i},{np.sin(i / 5):.6f}" for i in t)
    path.write_text("x,y\n" + rows + "\n")
    return path


def _train(capsys, *args):
    """``rnnviz train ARGS`` in process: (exit status, stdout, stderr)."""
    try:
        rc = main(["train", *args])
    except SystemExit as exc:  # argparse's own errors
        rc = exc.code
    out, err = capsys.readouterr()
    return rc, out, err


def test_batch_larger_than_the_series_windows_is_a_bad_argument(capsys, series_csv):
    rc, out, err = _train(capsys, "--task", "series", "--corpus", str(series_csv), "--length", "50",
                          "--batch", "1000", "--steps", "5")
    assert rc == 2
    assert out == ""  # nothing trained
    assert err.startswith("rnnviz train: error: --batch: the batch size 1000 is larger than the ")
    assert "windows of 50 steps; set the batch size to at most" in err
    assert len(err.splitlines()) == 1


def test_a_batch_the_series_holds_trains(capsys, series_csv):
    rc, _, err = _train(capsys, "--task", "series", "--corpus", str(series_csv), "--length", "20",
                        "--batch", "8", "--hidden", "4", "--steps", "2", "--log-every", "1")
    assert rc == 0, err


@pytest.mark.parametrize("hidden", ["64,,", "64,", ",64", "64,,32"])
def test_hidden_with_an_empty_size_is_refused(capsys, hidden):
    rc, out, err = _train(capsys, "--hidden", hidden, "--steps", "1")
    assert rc == 2
    assert out == ""
    assert "--hidden" in err and repr(hidden) in err


def test_hidden_with_spaces_after_commas_is_accepted(capsys):
    rc, _, err = _train(capsys, "--hidden", "4, 3", "--length", "4", "--steps", "1", "--log-every", "1")
    assert rc == 0, err


def test_threads_zero_names_the_flag(capsys):
    rc, out, err = _train(capsys, "--threads", "0")
    assert rc == 2
    assert err == "rnnviz train: error: --threads: expected an integer >= 1, got 0\n"
