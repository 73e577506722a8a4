"""Batching helpers: language-model windows, padding, train/validation splits (time-major)."""
from __future__ import annotations

from typing import Iterator

import numpy as np

from rnnviz.data._checks import as_id_array, as_rng, check_float, check_int, check_size
from rnnviz.errors import RnnvizError


def lm_batches(ids, seq_len: int, batch_size: int, rng=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """One epoch of language-model windows over a 1-D id sequence.

    ``ids``: int ``(N,)`` with ``N >= seq_len + 1``. The sequence is cut into
    ``(N - 1 - offset) // seq_len`` non-overlapping windows; each yield is ``(x, y)``, both int64
    ``(seq_len, B)`` with ``y[t, b] = ids[start_b + t + 1]`` (the next id). ``B`` is
    ``batch_size`` except for a smaller last batch.

    ``rng`` (Generator or int seed) shuffles the windows and starts them at a random offset in
    ``[0, seq_len)`` (while at least one window still fits), so each epoch sees different cuts;
    ``rng=None`` gives windows in order from offset 0. Arguments are checked when called, not when
    the first batch is drawn.
    """
    arr = as_id_array("ids", ids, ndim=1)
    seq_len = check_int("seq_len", seq_len, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    if arr.shape[0] < seq_len + 1:
        raise RnnvizError(
            f"ids: expected at least seq_len + 1 = {seq_len + 1} ids, got {arr.shape[0]}")
    offset = 0
    order_rng = None
    if rng is not None:
        order_rng = as_rng(rng)
        max_offset = min(seq_len, arr.shape[0] - 1 - seq_len + 1)  # keep >= 1 window
        offset = int(order_rng.integers(0, max_offset))
    n_windows = (arr.shape[0] - 1 - offset) // seq_len
    starts = offset + seq_len * np.arange(n_windows)
    if order_rng is not None:
        starts = order_rng.permutation(starts)
    steps = np.arange(seq_len)[:, None]

    def gen():
        for i in range(0, n_windows, batch_size):
            idx = steps + starts[None, i:i + batch_size]
            yield arr[idx], arr[idx + 1]

    return gen()


def pad_sequences(sequences, pad: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Stack B 1-D id sequences of different lengths into time-major ``(T, B)`` int64.

    ``T`` is the longest length; shorter sequences are filled with ``pad`` after their end.
    Returns ``(ids (T, B), lengths (B,))``, both int64.
    """
    if not isinstance(sequences, (list, tuple)):
        raise RnnvizError(
            f"sequences: expected a list of 1-D integer id arrays, got {type(sequences).__name__}")
    if len(sequences) == 0:
        raise RnnvizError("sequences: expected at least one sequence, got none")
    pad = check_int("pad", pad)
    seqs = [as_id_array(f"sequences[{i}]", s, ndim=1) for i, s in enumerate(sequences)]
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    check_size("sequences (T*B)", int(lengths.max()), len(seqs))
    out = np.full((int(lengths.max()), len(seqs)), pad, dtype=np.int64)
    for b, s in enumerate(seqs):
        out[: len(s), b] = s
    return out, lengths


def train_val_split(n: int, val_fraction: float, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Split ``range(n)`` into disjoint, sorted int64 index arrays ``(train_idx, val_idx)``.

    ``val_fraction`` in ``[0, 1)``; the validation set has ``round(n * val_fraction)`` items,
    at least 1 when ``val_fraction > 0`` and ``n >= 2``, and the training set keeps at least 1.
    ``rng`` (Generator or int seed) picks which items; ``None`` is non-deterministic.
    """
    n = check_int("n", n, minimum=1)
    val_fraction = check_float("val_fraction", val_fraction, minimum=0.0, maximum=1.0,
                               max_exclusive=True)
    rng = as_rng(rng)
    n_val = int(round(n * val_fraction))
    if val_fraction > 0 and n >= 2:
        n_val = max(n_val, 1)
    n_val = min(n_val, n - 1)
    perm = rng.permutation(n)
    return np.sort(perm[n_val:]).astype(np.int64), np.sort(perm[:n_val]).astype(np.int64)
