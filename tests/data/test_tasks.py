"""Synthetic tasks: shapes, target values, determinism and parameter validation."""
import numpy as np
import pytest

from rnnviz.data.tasks import (
    BRACKET_ALPHABET, TASKS, adding_problem, bracket_depth, bracket_depth_targets,
    delayed_recall, make_task, sequence_reversal, sine_prediction, task_params,
)
from rnnviz.errors import RnnvizError


# ---- adding problem --------------------------------------------------------------------

def _marker_steps(b):
    """(first, second) marked steps per row, asserting exactly two 1s and 0 elsewhere."""
    marker = b.x[:, :, 1]
    assert set(np.unique(marker)) <= {0.0, 1.0}
    assert (marker.sum(axis=0) == 2).all()
    steps = np.sort(np.argwhere(marker.T == 1)[:, 1].reshape(b.B, 2), axis=1)
    return steps[:, 0], steps[:, 1]


def test_adding_shapes_and_exactly_two_markers():
    b = adding_problem(T=30, B=64, rng=0)
    assert b.x.shape == (30, 64, 2) and b.x.dtype == np.float32
    assert b.y.shape == (64, 1) and b.y.dtype == np.float32
    assert b.kind == "regression_last"
    assert b.info == {"input_size": 2, "output_size": 1}
    first, second = _marker_steps(b)
    assert (first < second).all() and (second < 15).all()  # both in the first half
    assert ((b.x[:, :, 0] >= 0) & (b.x[:, :, 0] < 1)).all()


@pytest.mark.parametrize("T", [40, 50, 100, 200])
def test_adding_markers_in_hochreiter_positions_for_many_seeds(T):
    # Hochreiter & Schmidhuber 1997: the first marker among the first ten steps, the second later
    # in the first half, so both marked values are at least T/2 steps before the end.
    firsts, seconds = [], []
    for seed in range(40):
        first, second = _marker_steps(adding_problem(T=T, B=64, rng=seed))
        assert ((0 <= first) & (first < 10)).all(), seed
        assert ((10 <= second) & (second < T // 2)).all(), seed
        assert (T - 1 - second >= T / 2).all()  # steps from the second marker to the last step
        firsts.append(first)
        seconds.append(second)
    # every allowed step is used: the placement is uniform over the windows, not a fixed step
    assert set(np.concatenate(firsts).tolist()) == set(range(10))
    assert set(np.concatenate(seconds).tolist()) == set(range(10, T // 2))


@pytest.mark.parametrize("T", list(range(4, 40)))
def test_adding_short_sequences_keep_both_markers_in_the_first_half(T):
    m = min(10, max(1, T // 4))
    first, second = _marker_steps(adding_problem(T=T, B=500, rng=T))
    assert ((0 <= first) & (first < m)).all()
    assert ((m <= second) & (second < T // 2)).all()


@pytest.mark.parametrize("T", [2, 3])
def test_adding_very_short_sequences_mark_steps_0_and_1(T):
    b = adding_problem(T=T, B=50, rng=0)
    first, second = _marker_steps(b)
    assert (first == 0).all() and (second == 1).all()
    np.testing.assert_allclose(b.y[:, 0], b.x[0, :, 0] + b.x[1, :, 0], rtol=1e-6)


@pytest.mark.parametrize("seed", range(10))
def test_adding_target_is_sum_of_marked_values(seed):
    b = adding_problem(T=17 + 5 * seed, B=100, rng=np.random.default_rng(seed))
    first, second = _marker_steps(b)
    cols = np.arange(b.B)
    np.testing.assert_array_equal(b.y[:, 0], b.x[first, cols, 0] + b.x[second, cols, 0])
    expected = (b.x[:, :, 0] * b.x[:, :, 1]).sum(axis=0)
    np.testing.assert_allclose(b.y[:, 0], expected, rtol=1e-6)


def test_adding_baseline_mse_is_one_sixth():
    # predicting the mean 1.0 scores var(U1 + U2) = 2/12, wherever the markers are
    b = adding_problem(T=50, B=200_000, rng=1)
    mse = float(((b.y - 1.0) ** 2).mean())
    assert abs(mse - 1 / 6) < 0.003
    assert abs(float(b.y.mean()) - 1.0) < 0.005


def test_adding_T2_markers_at_both_steps():
    b = adding_problem(T=2, B=5, rng=0)
    assert (b.x[:, :, 1] == 1).all()


def test_tasks_deterministic_per_seed():
    a, b, c = (adding_problem(20, 8, s) for s in (5, 5, 6))
    assert np.array_equal(a.x, b.x) and np.array_equal(a.y, b.y)
    assert not np.array_equal(a.x, c.x)


# ---- delayed recall --------------------------------------------------------------------

def test_delayed_recall_targets_and_mask():
    b = delayed_recall(T=20, lag=5, n_symbols=4, B=16, rng=0)
    assert b.x.shape == (20, 16, 4) and b.y.shape == (20, 16) and b.mask.shape == (20, 16)
    assert b.kind == "classification_each" and b.n_classes == 4
    np.testing.assert_array_equal(b.x.argmax(-1), b.ids)
    assert (b.x.sum(-1) == 1).all()
    assert not b.mask[:5].any() and b.mask[5:].all()
    np.testing.assert_array_equal(b.y[5:], b.ids[:-5])
    assert len(np.unique(b.ids)) == 4  # distractors from the same alphabet


def test_delayed_recall_lag_zero_copies_input():
    b = delayed_recall(T=6, lag=0, n_symbols=3, B=2, rng=0)
    np.testing.assert_array_equal(b.y, b.ids)
    assert b.mask.all()


# ---- bracket depth ---------------------------------------------------------------------

def _depth_of(s):
    d, out = 0, []
    for ch in s:
        d += (ch == "(") - (ch == ")")
        out.append(d)
    return out


def test_bracket_depth_targets_match_strings():
    b = bracket_depth(T=60, B=12, max_depth=3, rng=2)
    assert b.x.shape == (60, 12, len(BRACKET_ALPHABET)) and b.y.shape == (60, 12)
    assert b.n_classes == 4 and b.kind == "classification_each"
    strings = b.info["strings"]
    assert len(strings) == 12 and all(len(s) == 60 for s in strings)
    for i, s in enumerate(strings):
        assert b.tokens[i] == list(s)
        assert set(s) <= set(BRACKET_ALPHABET)
        assert b.y[:, i].tolist() == _depth_of(s)
    assert b.y.min() == 0 and b.y.max() == 3  # reaches the maximum, never beyond
    np.testing.assert_array_equal(b.x.argmax(-1), b.ids)
    np.testing.assert_array_equal(bracket_depth_targets(b.ids), b.y)


def test_bracket_depth_targets_helper():
    ids = np.array([[0], [0], [2], [1], [1], [1]])
    assert bracket_depth_targets(ids)[:, 0].tolist() == [1, 2, 2, 1, 0, 0]


# ---- sine ------------------------------------------------------------------------------

def test_sine_next_value_targets():
    b = sine_prediction(T=40, B=5, rng=0, n_sines=3, noise=0.1)
    assert b.x.shape == (40, 5, 1) and b.y.shape == (40, 5, 1) and b.x.dtype == np.float32
    assert b.kind == "regression_each"
    np.testing.assert_array_equal(b.y[:-1], b.x[1:])


def test_sine_clean_is_bounded_and_smooth():
    b = sine_prediction(T=200, B=4, rng=0)
    assert np.abs(b.x).max() <= 1.0
    assert np.abs(np.diff(b.x[:, :, 0], axis=0)).max() < 1.0  # period >= 8 steps
    assert b.x.std() > 0.2


# ---- reversal --------------------------------------------------------------------------

def test_reversal_targets_and_decoder_input():
    b = sequence_reversal(T=7, n_symbols=5, B=3, rng=0)
    assert b.x.shape == (7, 3) and b.x.dtype == np.int64 and b.kind == "seq2seq"
    np.testing.assert_array_equal(b.y, b.x[::-1])
    assert (b.decoder_input[0] == 5).all() and b.info["start_token"] == 5
    np.testing.assert_array_equal(b.decoder_input[1:], b.y[:-1])
    assert b.x.max() < 5 and b.info["vocab_size"] == 6


# ---- registry --------------------------------------------------------------------------

def test_registry_keys_and_make_task():
    assert set(TASKS) == {"adding", "delayed_recall", "bracket_depth", "sine", "reversal"}
    b = make_task("delayed_recall", T=10, lag=3, n_symbols=4, B=2, rng=0)
    ref = delayed_recall(10, 3, 4, 2, 0)
    np.testing.assert_array_equal(b.y, ref.y)
    assert "noise" in task_params("sine") and task_params("sine")["noise"] == 0.0


@pytest.mark.parametrize("name, params, field", [
    ("adding", dict(T=0, B=4, rng=0), "T"),
    ("adding", dict(T=1, B=4, rng=0), "T"),
    ("adding", dict(T=10, B=0, rng=0), "B"),
    ("adding", dict(T=10.5, B=2, rng=0), "T"),
    ("adding", dict(T=True, B=2, rng=0), "T"),
    ("adding", dict(T=10, B=2, rng="seed"), "rng"),
    ("adding", dict(T=10, B=2, rng=-1), "rng"),
    ("adding", dict(T=10, B=2), "rng"),
    ("adding", dict(T=10, B=2, rng=0, lag=1), "lag"),
    ("delayed_recall", dict(T=10, lag=-1, n_symbols=3, B=2, rng=0), "lag"),
    ("delayed_recall", dict(T=10, lag=10, n_symbols=3, B=2, rng=0), "lag"),
    ("delayed_recall", dict(T=10, lag=2, n_symbols=1, B=2, rng=0), "n_symbols"),
    ("bracket_depth", dict(T=10, B=2, max_depth=0, rng=0), "max_depth"),
    ("sine", dict(T=10, B=2, rng=0, noise=-0.1), "noise"),
    ("sine", dict(T=10, B=2, rng=0, noise=float("nan")), "noise"),
    ("sine", dict(T=10, B=2, rng=0, noise=10**400), "noise: expected a finite number, got a number too large"),
    ("sine", dict(T=10, B=2, rng=0, n_sines=0), "n_sines"),
    ("reversal", dict(T=0, n_symbols=3, B=2, rng=0), "T"),
    ("adding", dict(T=10**6, B=10**6, rng=0), "T\\*B"),
])
def test_bad_params_raise_naming_field(name, params, field):
    with pytest.raises(RnnvizError, match=f"^{field}"):
        make_task(name, **params)


def test_unknown_task_name():
    with pytest.raises(RnnvizError, match="name"):
        make_task("copy", T=3)
