"""Gradient checking by central finite differences in float64.

Use it to verify any analytic gradient in rnnviz (and your own extensions)::

    result = gradcheck(loss_fn, arrays, analytic)
    assert result.max_rel_error <= 1e-6

``loss_fn()`` reads the arrays in ``arrays`` (which are perturbed in place, one entry at a
time, and restored) and returns a scalar loss. The relative error of each array is the norm-wise
``||g_analytic - g_numeric|| / max(||g_analytic||, ||g_numeric||, tiny)``, which, unlike an
element-wise ratio, does not blow up on entries that are zero in both.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rnnviz.errors import RnnvizError


@dataclass
class GradcheckResult:
    """per_key: name -> relative error; numeric: name -> the finite-difference gradient
    (NaN where an entry was not sampled)."""

    per_key: dict[str, float]
    numeric: dict[str, np.ndarray]

    @property
    def max_rel_error(self) -> float:
        return max(self.per_key.values()) if self.per_key else 0.0

    @property
    def worst_key(self) -> str | None:
        return max(self.per_key, key=self.per_key.get) if self.per_key else None


def numeric_gradient(loss_fn: Callable[[], float], array: np.ndarray, eps: float = 1e-5,
                     indices=None) -> np.ndarray:
    """Central differences (f(a+ε) - f(a-ε)) / 2ε for the entries of ``array`` (float64, in place).

    indices: None for every entry, or an iterable of flat indices to sample.
    Returns an array like ``array`` (NaN at entries not sampled).
    """
    if array.dtype != np.float64:
        raise RnnvizError(f"gradcheck needs float64 arrays, got {array.dtype}")
    flat = array.reshape(-1)
    if not np.shares_memory(flat, array):
        raise RnnvizError("gradcheck needs contiguous arrays (perturbed in place)")
    out = np.full(array.size, np.nan)
    idx = range(array.size) if indices is None else indices
    for i in idx:
        old = flat[i]
        flat[i] = old + eps
        fp = float(loss_fn())
        flat[i] = old - eps
        fm = float(loss_fn())
        flat[i] = old
        out[i] = (fp - fm) / (2 * eps)
    return out.reshape(array.shape)


def gradcheck(loss_fn: Callable[[], float], arrays: dict[str, np.ndarray], analytic: dict[str, np.ndarray],
              eps: float = 1e-5, max_entries: int | None = None, seed: int = 0) -> GradcheckResult:
    """Compare ``analytic`` gradients with central differences of ``loss_fn`` w.r.t. ``arrays``.

    arrays: name -> float64 array read by ``loss_fn`` (perturbed in place, restored after).
    analytic: name -> gradient of the same shape.
    max_entries: sample at most this many entries per array (None: all).
    """
    rng = np.random.default_rng(seed)
    per_key, numeric = {}, {}
    for name, arr in arrays.items():
        if name not in analytic:
            raise RnnvizError(f"analytic gradient missing for {name!r}")
        g = np.asarray(analytic[name], dtype=np.float64)
        if g.shape != arr.shape:
            raise RnnvizError(f"analytic[{name!r}] has shape {g.shape}, expected {arr.shape}")
        if max_entries is not None and arr.size > max_entries:
            idx = rng.choice(arr.size, size=max_entries, replace=False)
        else:
            idx = np.arange(arr.size)
        num = numeric_gradient(loss_fn, arr, eps, idx)
        a = g.reshape(-1)[idx]
        n = num.reshape(-1)[idx]
        denom = max(np.linalg.norm(a), np.linalg.norm(n), 1e-300)
        per_key[name] = float(np.linalg.norm(a - n) / denom) if (np.any(a) or np.any(n)) else 0.0
        numeric[name] = num
    return GradcheckResult(per_key=per_key, numeric=numeric)
