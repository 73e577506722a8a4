"""Linear readout ``y = h W^T + b`` (NumPy only), PyTorch ``nn.Linear`` names and shapes."""
from __future__ import annotations

import math

import numpy as np

from rnnviz.engine.init import _dtype, _rng
from rnnviz.errors import RnnvizError

__all__ = ["Linear"]


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise RnnvizError(f"{name}: expected a positive int, got {value!r}")
    return int(value)


class Linear:
    """Affine readout applied to every position: ``y[..., :] = W h[..., :] + b``.

    Shapes: ``h`` (..., in) -> ``y`` (..., out), e.g. ``(T, B, H) -> (T, B, C)``.
    ``params = {"weight": W (out, in), "bias": b (out,)}`` (PyTorch names), initialised
    ``U(-1/sqrt(in), 1/sqrt(in))`` as ``nn.Linear``.

    Gradients (sums over all leading positions ``n``):
    ``dL/dh = d_out W``, ``dL/dW = sum_n d_out_n^T h_n``, ``dL/db = sum_n d_out_n``.
    """

    def __init__(self, in_features: int, out_features: int, rng: np.random.Generator,
                 dtype=np.float32, bias: bool = True):
        self.in_features = _positive_int(in_features, "in_features")
        self.out_features = _positive_int(out_features, "out_features")
        dt = _dtype(dtype)
        rng = _rng(rng)
        bound = 1.0 / math.sqrt(self.in_features)
        self.params: dict[str, np.ndarray] = {
            "weight": rng.uniform(-bound, bound, (self.out_features, self.in_features)).astype(dt)}
        if bias:
            self.params["bias"] = rng.uniform(-bound, bound, self.out_features).astype(dt)

    @property
    def weight(self) -> np.ndarray:
        return self.params["weight"]

    @property
    def bias(self) -> np.ndarray | None:
        return self.params.get("bias")

    @property
    def output_size(self) -> int:
        return self.out_features

    def _check_h(self, h) -> np.ndarray:
        h = np.asarray(h)
        if h.ndim < 1 or h.shape[-1] != self.in_features:
            raise RnnvizError(f"h: expected shape (..., {self.in_features}), got {h.shape}")
        if h.dtype not in (np.float32, np.float64):
            raise RnnvizError(f"h: expected a float32/float64 array, got dtype {h.dtype}")
        return h

    def forward(self, h) -> np.ndarray:
        """``h`` (..., in) -> ``y = h W^T + b`` (..., out)."""
        h = self._check_h(h)
        y = h @ self.params["weight"].T
        if "bias" in self.params:
            y = y + self.params["bias"]
        return y

    def backward(self, h, d_out) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """``h`` (..., in), ``d_out`` = dL/dy (..., out) -> ``(dL/dh (..., in), {"weight", "bias"} grads)``."""
        h = self._check_h(h)
        d_out = np.asarray(d_out)
        if d_out.shape != h.shape[:-1] + (self.out_features,):
            raise RnnvizError(f"d_out: expected shape {h.shape[:-1] + (self.out_features,)}, "
                              f"got {d_out.shape}")
        w = self.params["weight"]
        d2 = d_out.reshape(-1, self.out_features)
        grads = {"weight": (d2.T @ h.reshape(-1, self.in_features)).astype(w.dtype, copy=False)}
        if "bias" in self.params:
            grads["bias"] = d2.sum(axis=0).astype(w.dtype, copy=False)
        return d_out @ w, grads

    def to_config(self) -> dict:
        return {"type": "linear", "in_features": self.in_features,
                "out_features": self.out_features, "bias": "bias" in self.params,
                "dtype": self.params["weight"].dtype.name}
