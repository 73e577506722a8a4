"""Losses with their gradients (NumPy only).

Every loss returns ``(loss, d_input)``: ``loss`` is a Python float, the **mean** over the
unmasked positions, and ``d_input`` is ``dL/d input`` with the shape and dtype of the input
(``logits`` or ``pred``).

Masks: ``mask`` is ``None`` (every position counts), a bool array, or non-negative finite
weights ``w``. The loss is the weighted mean ``L = sum_n w_n l_n / sum_n w_n``; masked-out
positions (``w_n = 0``) get zero gradient. If every weight is 0 the loss is ``0.0`` and the
gradient is zero (nothing to learn from; PyTorch would give NaN).
"""
from __future__ import annotations

import numpy as np

from rnnviz.errors import RnnvizError

__all__ = ["softmax", "log_softmax", "softmax_cross_entropy", "accuracy", "sigmoid_bce", "mse"]


def _float_array(x, name: str) -> np.ndarray:
    x = np.asarray(x)
    if x.dtype not in (np.float32, np.float64):
        raise RnnvizError(f"{name}: expected a float32/float64 array, got dtype {x.dtype}")
    return x


def _weights(mask, shape: tuple[int, ...], name: str = "mask",
             allow_last_axis_broadcast: bool = False) -> np.ndarray | None:
    """Mask -> float64 weights of ``shape`` (or ``None``). ``mask`` may have ``shape`` or, when
    ``allow_last_axis_broadcast``, ``shape[:-1]`` (one weight per position, shared over features)."""
    if mask is None:
        return None
    m = np.asarray(mask)
    if m.dtype == bool:
        m = m.astype(np.float64)
    elif np.issubdtype(m.dtype, np.integer) or np.issubdtype(m.dtype, np.floating):
        m = m.astype(np.float64)
        if not np.all(np.isfinite(m)) or np.any(m < 0):
            raise RnnvizError(f"{name}: expected bool or finite non-negative weights")
    else:
        raise RnnvizError(f"{name}: expected a bool or float array, got dtype {m.dtype}")
    if m.shape == shape:
        return m
    if allow_last_axis_broadcast and len(shape) >= 1 and m.shape == shape[:-1]:
        return np.broadcast_to(m[..., None], shape)
    want = f"{shape}" + (f" or {shape[:-1]}" if allow_last_axis_broadcast else "")
    raise RnnvizError(f"{name}: expected shape {want}, got {m.shape}")


def log_softmax(logits, axis: int = -1) -> np.ndarray:
    """``log softmax(z)_c = z_c - log sum_k exp z_k``, stable (max subtracted), same shape and dtype."""
    z = _float_array(logits, "logits")
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(logits, axis: int = -1) -> np.ndarray:
    """``softmax(z)_c = exp(z_c - max z) / sum_k exp(z_k - max z)``, same shape and dtype."""
    z = _float_array(logits, "logits")
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _class_targets(logits, targets, w):
    z = _float_array(logits, "logits")
    if z.ndim < 1:
        raise RnnvizError("logits: expected shape (..., C)")
    t = np.asarray(targets)
    if not np.issubdtype(t.dtype, np.integer):
        raise RnnvizError(f"targets: expected an integer array of class ids, got dtype {t.dtype}")
    if t.shape != z.shape[:-1]:
        raise RnnvizError(f"targets: expected shape {z.shape[:-1]} (logits without the class "
                          f"axis), got {t.shape}")
    return z, t


def _check_range(t, valid, n_classes: int) -> None:
    tv = t[valid] if valid is not None else t
    if tv.size and (tv.min() < 0 or tv.max() >= n_classes):
        raise RnnvizError(f"targets: expected class ids in [0, {n_classes}) at unmasked "
                          f"positions, got values in [{tv.min()}, {tv.max()}]")


def softmax_cross_entropy(logits, targets, mask=None) -> tuple[float, np.ndarray]:
    """Mean softmax cross-entropy and its gradient.

    ``l_n = -log softmax(z_n)_{y_n} = logsumexp(z_n) - z_{n, y_n}``,
    ``L = sum_n w_n l_n / sum_n w_n``, ``dL/dz_n = w_n (softmax(z_n) - onehot(y_n)) / sum_n w_n``.

    Args:
        logits: ``z`` (..., C) float32/float64, e.g. (T, B, C).
        targets: ``y`` (...) int class ids in ``[0, C)`` (only checked where unmasked, so
            padding may use e.g. -1).
        mask: ``None`` or (...) bool / non-negative weights.

    Returns:
        ``(loss, d_logits)`` with ``d_logits`` shaped and typed like ``logits``.
    """
    z, t = _class_targets(logits, targets, mask)
    w = _weights(mask, t.shape)
    valid = None if w is None else w > 0
    _check_range(t, valid, z.shape[-1])
    denom = float(t.size if w is None else w.sum())
    if denom == 0.0:
        return 0.0, np.zeros_like(z)
    t_safe = t if valid is None else np.where(valid, t, 0)
    lsm = log_softmax(z)
    nll = -np.take_along_axis(lsm, t_safe[..., None], axis=-1)[..., 0]
    loss = float(np.sum(nll, dtype=np.float64) if w is None else np.sum(w * nll)) / denom
    d = np.exp(lsm)
    np.put_along_axis(d, t_safe[..., None],
                      np.take_along_axis(d, t_safe[..., None], axis=-1) - 1, axis=-1)
    scale = (1.0 / denom) if w is None else (w / denom)[..., None]
    return loss, (d * scale).astype(z.dtype, copy=False)


def accuracy(logits, targets, mask=None) -> float:
    """Weighted fraction of positions whose arg-max class equals the target.

    ``logits`` (..., C), ``targets`` (...) int, ``mask`` (...) or ``None``.
    Returns ``nan`` if no position counts (all weights 0 or empty input).
    """
    z, t = _class_targets(logits, targets, mask)
    w = _weights(mask, t.shape)
    _check_range(t, None if w is None else w > 0, z.shape[-1])
    hit = (np.argmax(z, axis=-1) == t).astype(np.float64)
    denom = float(t.size if w is None else w.sum())
    if denom == 0.0:
        return float("nan")
    return float(hit.sum() if w is None else np.sum(w * hit)) / denom


def _real_targets(pred, target, name_pred: str):
    p = _float_array(pred, name_pred)
    y = np.asarray(target)
    if y.shape != p.shape:
        raise RnnvizError(f"targets: expected shape {p.shape} (same as {name_pred}), got {y.shape}")
    if not (np.issubdtype(y.dtype, np.floating) or np.issubdtype(y.dtype, np.integer)
            or y.dtype == bool):
        raise RnnvizError(f"targets: expected real numbers, got dtype {y.dtype}")
    y = y.astype(p.dtype, copy=False)
    if not np.all(np.isfinite(y)):
        raise RnnvizError("targets: expected finite values, found NaN or Inf")
    return p, y


def sigmoid_bce(logits, targets, mask=None) -> tuple[float, np.ndarray]:
    """Mean binary cross-entropy on logits, stable for any ``|x|``.

    ``l = -[y log sigma(x) + (1 - y) log(1 - sigma(x))] = max(x, 0) - x y + log1p(exp(-|x|))``,
    ``dl/dx = sigma(x) - y``; ``L = sum w l / sum w``.

    Args:
        logits: ``x`` (...) float.
        targets: ``y`` (...) in ``[0, 1]`` (bool, int or float).
        mask: ``None``, (...) or (...)[:-1] (one weight per position, shared over the last axis).
    """
    x, y = _real_targets(logits, targets, "logits")
    if np.any((y < 0) | (y > 1)):
        raise RnnvizError("targets: expected values in [0, 1] for binary cross-entropy")
    w = _weights(mask, x.shape, allow_last_axis_broadcast=True)
    denom = float(x.size if w is None else w.sum())
    if denom == 0.0:
        return 0.0, np.zeros_like(x)
    e = np.exp(-np.abs(x))
    per = np.maximum(x, 0) - x * y + np.log1p(e)
    sig = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    d = sig - y
    if w is None:
        return float(np.sum(per, dtype=np.float64)) / denom, (d / denom).astype(x.dtype, copy=False)
    return float(np.sum(w * per)) / denom, (d * (w / denom)).astype(x.dtype, copy=False)


def mse(pred, target, mask=None) -> tuple[float, np.ndarray]:
    """Mean squared error ``L = sum w (p - y)^2 / sum w``, ``dL/dp = 2 w (p - y) / sum w``.

    ``pred`` and ``target`` (...) with the same shape; ``mask`` ``None``, (...) or
    (...)[:-1] (shared over the feature axis, e.g. (T, B) for (T, B, D) series).
    Unmasked, this is ``torch.nn.functional.mse_loss`` (mean over all elements).
    """
    p, y = _real_targets(pred, target, "pred")
    w = _weights(mask, p.shape, allow_last_axis_broadcast=True)
    denom = float(p.size if w is None else w.sum())
    if denom == 0.0:
        return 0.0, np.zeros_like(p)
    diff = p - y
    if w is None:
        return (float(np.sum(diff * diff, dtype=np.float64)) / denom,
                (2.0 / denom * diff).astype(p.dtype, copy=False))
    return float(np.sum(w * diff * diff)) / denom, (2.0 * diff * (w / denom)).astype(p.dtype, copy=False)
