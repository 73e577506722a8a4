"""Input encodings: token ids or raw series -> time-major input vectors ``x_t`` (NumPy only).

Common interface of every encoding:

* ``output_size``: ``D``, the size of the vectors fed to the first recurrent layer;
* ``params``: dict of trainable arrays (possibly empty), updated in place by an optimiser;
* ``forward(x)``: ``(T, B)`` int ids or ``(T, B, D_in)`` floats -> ``(T, B, D)``;
* ``backward(x, d_out)``: ``dL/d params`` as a dict with the keys of ``params``;
* ``to_config()``: a JSON-friendly dict; :func:`encoding_from_config` rebuilds the object.
"""
from __future__ import annotations

import numpy as np

from rnnviz.engine.init import _dtype, _rng
from rnnviz.errors import RnnvizError

__all__ = ["OneHot", "Embedding", "RawFloat", "Identity", "encoding_from_config"]


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise RnnvizError(f"{name}: expected a positive int, got {value!r}")
    return int(value)


def _check_ids(ids, vocab_size: int, name: str = "ids") -> np.ndarray:
    ids = np.asarray(ids)
    if ids.ndim != 2:
        raise RnnvizError(f"{name}: expected int token ids of shape (T, B), got shape {ids.shape}")
    if not np.issubdtype(ids.dtype, np.integer):
        raise RnnvizError(f"{name}: expected an integer array, got dtype {ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
        raise RnnvizError(f"{name}: expected ids in [0, {vocab_size}), "
                          f"got values in [{ids.min()}, {ids.max()}]")
    return ids


def _check_d_out(d_out, shape: tuple[int, ...]) -> np.ndarray:
    d_out = np.asarray(d_out)
    if d_out.shape != shape:
        raise RnnvizError(f"d_out: expected shape {shape}, got {d_out.shape}")
    return d_out


class OneHot:
    """One-hot encoding: ``x_t[b] = e_{ids[t, b]}``, shape ``(T, B) -> (T, B, V)``. No parameters."""

    def __init__(self, vocab_size: int, dtype=np.float32):
        self.vocab_size = _positive_int(vocab_size, "vocab_size")
        self.dtype = _dtype(dtype)
        self.params: dict[str, np.ndarray] = {}

    @property
    def output_size(self) -> int:
        return self.vocab_size

    def forward(self, ids) -> np.ndarray:
        """``ids`` (T, B) int in ``[0, V)`` -> one-hot ``(T, B, V)`` of ``self.dtype``."""
        ids = _check_ids(ids, self.vocab_size)
        out = np.zeros(ids.shape + (self.vocab_size,), dtype=self.dtype)
        np.put_along_axis(out, ids[..., None], 1.0, axis=-1)
        return out

    def backward(self, ids, d_out) -> dict[str, np.ndarray]:
        """No parameters: returns ``{}`` (``d_out`` (T, B, V) is shape-checked)."""
        ids = _check_ids(ids, self.vocab_size)
        _check_d_out(d_out, ids.shape + (self.vocab_size,))
        return {}

    def to_config(self) -> dict:
        return {"type": "onehot", "vocab_size": self.vocab_size, "dtype": self.dtype.name}


class Embedding:
    """Learned lookup table: ``x_t[b] = E[ids[t, b]]``, ``E`` of shape ``(V, dim)``.

    ``params = {"weight": E}`` (PyTorch's ``nn.Embedding`` name and shape), initialised
    ``N(0, 1)`` as in PyTorch. Gradient: ``dL/dE[v] = sum_{(t, b): ids[t, b] = v} d_out[t, b]``
    (accumulated with ``np.add.at`` so repeated ids add up).
    """

    def __init__(self, vocab_size: int, dim: int, rng: np.random.Generator, dtype=np.float32):
        self.vocab_size = _positive_int(vocab_size, "vocab_size")
        self.dim = _positive_int(dim, "dim")
        dt = _dtype(dtype)
        self.params = {"weight": _rng(rng).standard_normal((self.vocab_size, self.dim)).astype(dt)}

    @property
    def weight(self) -> np.ndarray:
        return self.params["weight"]

    @property
    def output_size(self) -> int:
        return self.dim

    def forward(self, ids) -> np.ndarray:
        """``ids`` (T, B) int -> ``(T, B, dim)`` (a new array, not a view of the table)."""
        ids = _check_ids(ids, self.vocab_size)
        return self.params["weight"][ids]

    def backward(self, ids, d_out) -> dict[str, np.ndarray]:
        """``d_out`` (T, B, dim) = dL/dx -> ``{"weight": dL/dE}`` of shape ``(V, dim)``."""
        ids = _check_ids(ids, self.vocab_size)
        d_out = _check_d_out(d_out, ids.shape + (self.dim,))
        w = self.params["weight"]
        grad = np.zeros_like(w)
        np.add.at(grad, ids.reshape(-1), d_out.reshape(-1, self.dim).astype(w.dtype, copy=False))
        return {"weight": grad}

    def to_config(self) -> dict:
        return {"type": "embedding", "vocab_size": self.vocab_size, "dim": self.dim,
                "dtype": self.params["weight"].dtype.name}


class RawFloat:
    """Pass-through for real-valued series: ``x`` (T, B, D) -> ``x``, after validation.

    The input must be finite. float32/float64 inputs are returned unchanged (same dtype, no
    copy); integer inputs are converted to float64.
    """

    def __init__(self, input_size: int):
        self.input_size = _positive_int(input_size, "input_size")
        self.params: dict[str, np.ndarray] = {}

    @property
    def output_size(self) -> int:
        return self.input_size

    def _check(self, x) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim != 3 or x.shape[2] != self.input_size:
            raise RnnvizError(f"x: expected shape (T, B, {self.input_size}), got {x.shape}")
        if np.issubdtype(x.dtype, np.integer):
            x = x.astype(np.float64)
        elif x.dtype not in (np.float32, np.float64):
            raise RnnvizError(f"x: expected a float32/float64 array, got dtype {x.dtype}")
        if not np.all(np.isfinite(x)):
            raise RnnvizError("x: expected finite values, found NaN or Inf")
        return x

    def forward(self, x) -> np.ndarray:
        """``x`` (T, B, D) finite -> ``x`` (T, B, D)."""
        return self._check(x)

    def backward(self, x, d_out) -> dict[str, np.ndarray]:
        """No parameters: returns ``{}`` (``d_out`` (T, B, D) is shape-checked)."""
        _check_d_out(d_out, self._check(x).shape)
        return {}

    def to_config(self) -> dict:
        return {"type": "raw", "input_size": self.input_size}


#: Alias: the identity encoding for series.
Identity = RawFloat


def encoding_from_config(config: dict, rng: np.random.Generator | None = None):
    """Rebuild an encoding from ``to_config()``. Embedding weights are freshly drawn from ``rng``
    (load saved weights into ``.params["weight"]`` afterwards)."""
    if not isinstance(config, dict) or "type" not in config:
        raise RnnvizError(f"config: expected a dict with a 'type' key, got {config!r}")
    kind = config["type"]
    try:
        if kind == "onehot":
            return OneHot(config["vocab_size"], config.get("dtype", "float32"))
        if kind == "embedding":
            return Embedding(config["vocab_size"], config["dim"],
                             rng if rng is not None else np.random.default_rng(0),
                             config.get("dtype", "float32"))
        if kind in ("raw", "identity"):
            return RawFloat(config["input_size"])
    except KeyError as exc:
        raise RnnvizError(f"config: missing field {exc.args[0]!r} for type {kind!r}") from exc
    raise RnnvizError(f"config.type: expected 'onehot', 'embedding' or 'raw', got {kind!r}")
