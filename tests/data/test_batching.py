"""Batching: LM windows, padding, train/validation splits."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from rnnviz.data.batching import lm_batches, pad_sequences, train_val_split
from rnnviz.errors import RnnvizError


def test_lm_batches_in_order_without_rng():
    ids = np.arange(23)
    batches = list(lm_batches(ids, seq_len=5, batch_size=2))
    assert [x.shape for x, _ in batches] == [(5, 2), (5, 2)]  # 4 windows of 5 (+1 target)
    x0, y0 = batches[0]
    assert x0.dtype == np.int64 and y0.dtype == np.int64
    np.testing.assert_array_equal(x0[:, 0], [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(x0[:, 1], [5, 6, 7, 8, 9])
    for x, y in batches:
        np.testing.assert_array_equal(y, x + 1)


def test_lm_batches_shuffled_cover_disjoint_windows():
    ids = np.arange(1000) % 97
    ids_pos = np.arange(1000)
    batches = list(lm_batches(ids_pos, seq_len=10, batch_size=8, rng=0))
    assert all(x.shape[0] == 10 and 1 <= x.shape[1] <= 8 for x, _ in batches)
    assert batches[-1][0].shape[1] <= 8 and sum(x.shape[1] for x, _ in batches) >= 98
    starts = np.concatenate([x[0] for x, _ in batches])
    assert len(set(starts.tolist())) == len(starts)  # no window twice
    assert len(set((starts % 10).tolist())) == 1  # one offset per epoch
    assert not np.array_equal(starts, np.sort(starts))  # shuffled
    for x, y in batches:
        np.testing.assert_array_equal(y, x + 1)
    again = list(lm_batches(ids_pos, 10, 8, rng=0))
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(batches, again))
    xs, ys = next(lm_batches(ids, 10, 4, rng=1))
    np.testing.assert_array_equal(ys[:-1], xs[1:])


@settings(max_examples=100, deadline=None)
@given(n=st.integers(2, 200), seq_len=st.integers(1, 20), bs=st.integers(1, 9), seed=st.integers(0, 5))
def test_lm_batches_targets_are_next_ids(n, seq_len, bs, seed):
    ids = np.arange(n)
    if n < seq_len + 1:
        with pytest.raises(RnnvizError, match="^ids"):
            lm_batches(ids, seq_len, bs, rng=seed)
        return
    batches = list(lm_batches(ids, seq_len, bs, rng=seed))
    assert batches, "at least one window fits"
    for x, y in batches:
        assert x.shape == y.shape and x.shape[0] == seq_len and 1 <= x.shape[1] <= bs
        np.testing.assert_array_equal(y, x + 1)
        assert y.max() < n


def test_lm_batches_validate_eagerly():
    with pytest.raises(RnnvizError, match="^ids"):
        lm_batches(np.arange(5), seq_len=5, batch_size=1)
    with pytest.raises(RnnvizError, match="^ids"):
        lm_batches(np.zeros((3, 3), dtype=int), 1, 1)
    with pytest.raises(RnnvizError, match="^ids"):
        lm_batches(np.array([0.5, 1.0, 2.0]), 1, 1)
    with pytest.raises(RnnvizError, match="^seq_len"):
        lm_batches(np.arange(10), 0, 1)
    with pytest.raises(RnnvizError, match="^batch_size"):
        lm_batches(np.arange(10), 2, 0)
    with pytest.raises(RnnvizError, match="^rng"):
        lm_batches(np.arange(10), 2, 1, rng="x")


def test_pad_sequences():
    ids, lengths = pad_sequences([[1, 2, 3], np.array([4]), []], pad=9)
    assert ids.shape == (3, 3) and ids.dtype == np.int64
    np.testing.assert_array_equal(ids, [[1, 4, 9], [2, 9, 9], [3, 9, 9]])
    np.testing.assert_array_equal(lengths, [3, 1, 0])
    ids0, _ = pad_sequences([[5, 6]])
    np.testing.assert_array_equal(ids0[:, 0], [5, 6])


@pytest.mark.parametrize("seqs, field", [
    ([], "sequences"),
    (np.arange(3), "sequences"),
    ([[1], [0.5]], r"sequences\[1\]"),
    ([[1], [[1, 2]]], r"sequences\[1\]"),
    ([[-1]], r"sequences\[0\]"),
])
def test_pad_sequences_bad_input(seqs, field):
    with pytest.raises(RnnvizError, match=f"^{field}"):
        pad_sequences(seqs)


@settings(max_examples=100, deadline=None)
@given(n=st.integers(1, 500), frac=st.floats(0.0, 0.99), seed=st.integers(0, 10))
def test_train_val_split_partitions(n, frac, seed):
    train, val = train_val_split(n, frac, seed)
    assert train.dtype == np.int64 and val.dtype == np.int64
    assert len(train) >= 1
    np.testing.assert_array_equal(np.sort(np.concatenate([train, val])), np.arange(n))
    assert abs(len(val) - n * frac) <= 1 or (n >= 2 and frac > 0 and len(val) == 1)
    t2, v2 = train_val_split(n, frac, seed)
    assert np.array_equal(train, t2) and np.array_equal(val, v2)


def test_train_val_split_sizes_and_errors():
    train, val = train_val_split(100, 0.2, 0)
    assert len(val) == 20 and len(train) == 80
    assert len(train_val_split(10, 0.0, 0)[1]) == 0
    with pytest.raises(RnnvizError, match="^val_fraction"):
        train_val_split(10, 1.0, 0)
    with pytest.raises(RnnvizError, match="^val_fraction"):
        train_val_split(10, -0.1, 0)
    with pytest.raises(RnnvizError, match="^n"):
        train_val_split(0, 0.1, 0)
