"""Gradient-norm clipping (NumPy only), with ``torch.nn.utils.clip_grad_norm_`` semantics.

The global L2 norm over every array in a dict of gradients is
``||g|| = sqrt(sum_k sum_i g_{k,i}^2)``. Clipping rescales every gradient in place by
``max_norm / (||g|| + 1e-6)`` when that factor is below 1 (i.e. ``||g|| > max_norm - 1e-6``,
exactly as PyTorch, which multiplies by ``min(1, max_norm / (||g|| + 1e-6))``).

A non-finite norm (NaN or Inf in a gradient) is *reported*, not raised and not clipped, so the
training loop can detect divergence, pause and restore its last good weights.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real

import numpy as np

from rnnviz.errors import RnnvizError, finite_float

__all__ = ["global_norm", "clip_grad_norm"]

_EPS = 1e-6


def _arrays(grads) -> list[np.ndarray]:
    if not isinstance(grads, Mapping):
        raise RnnvizError(f"grads: expected a dict of arrays, got {type(grads).__name__}")
    out = []
    for k, g in grads.items():
        if not isinstance(g, np.ndarray) or not np.issubdtype(g.dtype, np.floating):
            raise RnnvizError(f"grads[{k!r}]: expected a float ndarray")
        out.append(g)
    return out


def global_norm(grads: Mapping[str, np.ndarray]) -> float:
    """L2 norm of all gradients together, ``sqrt(sum of squares)``, as a Python float.

    Accumulated in float64 and scaled by the largest magnitude, so it neither overflows nor
    underflows for finite gradients. Returns ``nan`` if any entry is NaN, ``inf`` if any is
    infinite, ``0.0`` for an empty dict.
    """
    arrays = [g for g in _arrays(grads) if g.size]
    if not arrays:
        return 0.0
    peak = max(float(np.max(np.abs(g))) for g in arrays)
    if not math.isfinite(peak):
        return float("nan") if any(np.isnan(g).any() for g in arrays) else float("inf")
    if peak == 0.0:
        return 0.0
    total = 0.0
    for g in arrays:
        s = g.astype(np.float64, copy=False).ravel() / peak
        total += float(np.dot(s, s))
    return math.sqrt(total) * peak


def clip_grad_norm(grads: Mapping[str, np.ndarray], max_norm: float) -> tuple[float, bool]:
    """Rescale ``grads`` in place so their global L2 norm is at most ``max_norm``.

    Args:
        grads: dict of float gradient arrays (modified in place).
        max_norm: finite positive bound.

    Returns:
        ``(total_norm, clipped)``: the norm *before* clipping and whether the arrays were
        rescaled (by ``max_norm / (total_norm + 1e-6)``). A non-finite ``total_norm`` is
        returned with ``clipped=False`` and the gradients untouched.
    """
    if isinstance(max_norm, bool) or not isinstance(max_norm, Real):
        raise RnnvizError(f"max_norm: expected a finite number > 0, got {max_norm!r}")
    finite_float("max_norm: expected a finite number > 0", max_norm)
    if max_norm <= 0:
        raise RnnvizError(f"max_norm: expected a finite number > 0, got {max_norm!r}")
    total = global_norm(grads)
    if not math.isfinite(total):
        return total, False
    coef = float(max_norm) / (total + _EPS)
    if coef >= 1.0:
        return total, False
    for g in grads.values():
        g *= coef
    return total, True
