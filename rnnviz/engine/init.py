"""Weight initialisers for recurrent networks (NumPy only).

Every initialiser takes an explicit ``rng: np.random.Generator`` (so runs are reproducible) and
returns a *new* array of the requested dtype (float32 or float64).

Layout conventions follow PyTorch's ``state_dict``: a stacked weight has shape ``(G*H, D)``
(input) or ``(G*H, H)`` (recurrent), with gate blocks of ``H`` rows in the order

* LSTM: ``i, f, g, o``  (G = 4)
* GRU:  ``r, z, n``     (G = 3)
* RNN:  one block        (G = 1)

:func:`init_recurrent_params` re-initialises such a state dict *in place* by a named scheme.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from numbers import Real

import numpy as np

from rnnviz.errors import RnnvizError, finite_float

__all__ = [
    "GATES",
    "SCHEMES",
    "gate_count",
    "uniform_default",
    "xavier_uniform",
    "orthogonal",
    "identity",
    "init_recurrent_params",
]

#: Number of gate blocks stacked in the weights of each cell type.
GATES: dict[str, int] = {"rnn": 1, "rnn_tanh": 1, "rnn_relu": 1, "tanh": 1, "relu": 1,
                         "lstm": 4, "gru": 3}

#: Names accepted by :func:`init_recurrent_params`.
SCHEMES: tuple[str, ...] = ("default", "xavier", "orthogonal", "identity")

_FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
_KEY_RE = re.compile(r"^(weight|bias)_(ih|hh)_l(\d+)(_reverse)?$")


# ----------------------------------------------------------------------------------- validation
def _dtype(dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise RnnvizError(f"dtype: expected float32 or float64, got {dtype!r}") from exc
    if dt not in _FLOAT_DTYPES:
        raise RnnvizError(f"dtype: expected float32 or float64, got {dt}")
    return dt


def _shape(shape, ndim: int | None = None, name: str = "shape") -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (int(shape),)
    try:
        out = tuple(int(s) for s in shape)
        ok = all(not isinstance(s, bool) and int(s) == s for s in shape)
    except (TypeError, ValueError):
        ok = False
    if not ok or any(s <= 0 for s in out):
        raise RnnvizError(f"{name}: expected a tuple of positive ints, got {shape!r}")
    if ndim is not None and len(out) != ndim:
        raise RnnvizError(f"{name}: expected {ndim} dimensions, got {out}")
    return out


def _rng(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise RnnvizError(f"rng: expected a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def _finite(value, name: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise RnnvizError(f"{name}: expected a finite number, got {value!r}")
    x = finite_float(f"{name}: expected a finite number", value)
    if positive and value <= 0:
        raise RnnvizError(f"{name}: expected a number > 0, got {value!r}")
    return x


def gate_count(cell: str) -> int:
    """Number of stacked gate blocks ``G`` for ``cell`` ("rnn", "rnn_tanh", "rnn_relu", "lstm", "gru")."""
    key = cell.lower() if isinstance(cell, str) else None
    if key not in GATES:
        raise RnnvizError(f"cell: expected one of {sorted(GATES)}, got {cell!r}")
    return GATES[key]


# --------------------------------------------------------------------------------- initialisers
def uniform_default(shape, hidden_size: int, rng: np.random.Generator,
                    dtype=np.float32) -> np.ndarray:
    """PyTorch's default RNN/LSTM/GRU initialisation: ``W ~ U(-1/sqrt(H), 1/sqrt(H))``.

    Args:
        shape: shape of the array, e.g. ``(G*H, D)``, ``(G*H, H)`` or ``(G*H,)``.
        hidden_size: ``H``, the hidden size of the layer (sets the bound ``1/sqrt(H)``).
        rng: random generator.
        dtype: float32 or float64.

    Returns:
        New array of ``shape`` and ``dtype``.
    """
    shape = _shape(shape)
    h = _shape(hidden_size, 1, "hidden_size")[0]
    bound = 1.0 / math.sqrt(h)
    return _rng(rng).uniform(-bound, bound, size=shape).astype(_dtype(dtype))


def xavier_uniform(shape, rng: np.random.Generator, dtype=np.float32,
                   gain: float = 1.0) -> np.ndarray:
    """Glorot/Xavier uniform: ``W ~ U(-a, a)``, ``a = gain * sqrt(6 / (fan_in + fan_out))``.

    For a 2-D ``shape = (fan_out, fan_in)`` (PyTorch's ``(out, in)`` layout), as
    ``torch.nn.init.xavier_uniform_``. A stacked ``(G*H, D)`` matrix is treated as one matrix
    (``fan_out = G*H``), as Keras' ``glorot_uniform`` does for its ``(D, G*H)`` kernel.
    """
    shape = _shape(shape, 2)
    gain = _finite(gain, "gain", positive=True)
    fan_out, fan_in = shape
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _rng(rng).uniform(-bound, bound, size=shape).astype(_dtype(dtype))


def _semi_orthogonal(rows: int, cols: int, rng: np.random.Generator) -> np.ndarray:
    """(rows, cols) with orthonormal rows (rows <= cols) or columns (rows >= cols), in float64."""
    a = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    d = np.sign(np.diag(r))
    d[d == 0] = 1.0
    q = q * d  # make the decomposition unique (Mezzadri 2007), so Q is Haar-distributed
    return q.T if rows < cols else q


def orthogonal(shape, rng: np.random.Generator, dtype=np.float32, gain: float = 1.0,
               blocks: int | None = None) -> np.ndarray:
    """(Semi-)orthogonal initialisation (Saxe et al. 2014), per gate block.

    ``shape = (R, C)`` is split row-wise into ``blocks`` blocks of ``R / blocks`` rows; each
    block ``W_b`` is ``gain`` times a random (semi-)orthogonal matrix:
    ``W_b W_b^T = gain^2 I`` if it has at most as many rows as columns, else ``W_b^T W_b = gain^2 I``.

    ``blocks=None`` (default) means: ``R // C`` blocks when ``R`` is a multiple of ``C``
    (a stacked ``(G*H, H)`` recurrent matrix -> each ``H x H`` gate block orthogonal), else 1.
    """
    rows, cols = _shape(shape, 2)
    gain = _finite(gain, "gain", positive=True)
    rng = _rng(rng)
    if blocks is None:
        blocks = rows // cols if rows % cols == 0 else 1
    if isinstance(blocks, bool) or not isinstance(blocks, (int, np.integer)) or blocks <= 0 \
            or rows % blocks:
        raise RnnvizError(f"blocks: expected a positive divisor of {rows} rows, got {blocks!r}")
    r = rows // blocks
    out = np.concatenate([_semi_orthogonal(r, cols, rng) for _ in range(int(blocks))], axis=0)
    return (gain * out).astype(_dtype(dtype))


def identity(shape, dtype=np.float32, scale: float = 1.0) -> np.ndarray:
    """Stacked scaled identity for IRNN (Le, Jaitly & Hinton 2015): each ``H x H`` block is ``scale * I``.

    ``shape = (G*H, H)``; ``G`` (the number of gate blocks) is ``shape[0] // shape[1]``.
    """
    rows, cols = _shape(shape, 2)
    if rows % cols:
        raise RnnvizError(f"shape: expected (G*H, H) with rows a multiple of columns, got {(rows, cols)}")
    scale = _finite(scale, "scale")
    return np.tile(scale * np.eye(cols), (rows // cols, 1)).astype(_dtype(dtype))


# ------------------------------------------------------------------------ whole-network re-init
def _hidden_sizes(hidden_sizes, num_layers: int) -> list[int] | None:
    if hidden_sizes is None:
        return None
    if isinstance(hidden_sizes, (int, np.integer)) and not isinstance(hidden_sizes, bool):
        hidden_sizes = [int(hidden_sizes)] * num_layers
    if not isinstance(hidden_sizes, Sequence) or isinstance(hidden_sizes, str):
        raise RnnvizError(f"hidden_sizes: expected an int or a list of ints, got {hidden_sizes!r}")
    sizes = list(hidden_sizes)
    if len(sizes) != num_layers:
        raise RnnvizError(f"hidden_sizes: expected {num_layers} entries (one per layer), got {len(sizes)}")
    return [_shape(s, 1, "hidden_sizes")[0] for s in sizes]


def init_recurrent_params(params: dict[str, np.ndarray], cell: str, hidden_sizes,
                          scheme: str, rng: np.random.Generator,
                          forget_bias: float | None = None,
                          recurrent_scale: float = 1.0) -> dict[str, np.ndarray]:
    """Re-initialise a PyTorch-named recurrent state dict **in place** (arrays keep identity and dtype).

    Keys: ``weight_ih_l{k}`` (G*H_k, D_k), ``weight_hh_l{k}`` (G*H_k, H_k), ``bias_ih_l{k}`` and
    ``bias_hh_l{k}`` (G*H_k,), each optionally with the ``_reverse`` suffix. The hidden size
    ``H_k`` of layer ``k`` is read from ``weight_hh_l{k}`` (layers may differ).

    Schemes:

    * ``"default"``: everything ``U(-1/sqrt(H_k), 1/sqrt(H_k))`` (PyTorch).
    * ``"xavier"``: Glorot-uniform ``W_ih`` and ``W_hh``, zero biases.
    * ``"orthogonal"``: Glorot-uniform ``W_ih``, per-gate-block orthogonal ``W_hh``, zero biases.
    * ``"identity"``: IRNN (Le et al. 2015): each ``W_hh`` gate block ``= I``, biases 0,
      ``W_ih ~ N(0, 0.001^2)``.

    Then ``forget_bias`` (LSTM only) sets ``b_ih[H:2H] = forget_bias`` and ``b_hh[H:2H] = 0``, so
    the forget gate ``f = sigma(W_if x + b_if + W_hf h + b_hf)`` starts with total bias
    ``forget_bias``; and ``W_hh <- recurrent_scale * W_hh``.

    Args:
        params: the state dict (mutated in place).
        cell: "rnn" / "rnn_tanh" / "rnn_relu" / "lstm" / "gru".
        hidden_sizes: ``None`` (infer), an int (all layers) or one int per layer; checked
            against the shapes of ``weight_hh_l{k}``.
        scheme: one of :data:`SCHEMES`.
        rng: random generator (keys are visited in PyTorch's parameter order, so a seed is
            reproducible whatever the insertion order of ``params``).
        forget_bias: LSTM forget-gate bias, or ``None`` to leave the scheme's value.
        recurrent_scale: factor applied to every ``W_hh`` after initialisation.

    Returns:
        ``params`` (the same dict).
    """
    g = gate_count(cell)
    if not isinstance(scheme, str) or scheme.lower() not in SCHEMES:
        raise RnnvizError(f"scheme: expected one of {list(SCHEMES)}, got {scheme!r}")
    scheme = scheme.lower()
    rng = _rng(rng)
    recurrent_scale = _finite(recurrent_scale, "recurrent_scale")
    if forget_bias is not None:
        forget_bias = _finite(forget_bias, "forget_bias")
        if g != 4:
            raise RnnvizError(f"forget_bias: only an LSTM has a forget gate, cell is {cell!r}")
    if not isinstance(params, Mapping) or not params:
        raise RnnvizError("params: expected a non-empty dict of arrays")

    parsed: dict[tuple[int, bool], dict[str, str]] = {}
    for key, arr in params.items():
        m = _KEY_RE.match(key) if isinstance(key, str) else None
        if m is None:
            raise RnnvizError(f"params: unexpected key {key!r}; expected weight_ih_l<k>, "
                              "weight_hh_l<k>, bias_ih_l<k>, bias_hh_l<k> (optional _reverse)")
        if not isinstance(arr, np.ndarray) or arr.dtype not in _FLOAT_DTYPES:
            raise RnnvizError(f"params[{key!r}]: expected a float32/float64 ndarray")
        kind, part, layer, rev = m.groups()
        parsed.setdefault((int(layer), rev is not None), {})[f"{kind}_{part}"] = key

    layers = sorted({k for k, _ in parsed})
    if layers != list(range(len(layers))):
        raise RnnvizError(f"params: expected layers 0..{len(layers) - 1} without gaps, got {layers}")
    sizes = _hidden_sizes(hidden_sizes, len(layers))

    for (layer, rev) in sorted(parsed):
        keys = parsed[(layer, rev)]
        for need in ("weight_ih", "weight_hh"):
            if need not in keys:
                raise RnnvizError(f"params: missing {need}_l{layer}{'_reverse' if rev else ''}")
        w_hh = params[keys["weight_hh"]]
        if w_hh.ndim != 2 or w_hh.shape[0] != g * w_hh.shape[1]:
            raise RnnvizError(f"params[{keys['weight_hh']!r}]: expected shape (G*H, H) with "
                              f"G={g} for {cell!r}, got {w_hh.shape}")
        h = w_hh.shape[1]
        if sizes is not None and sizes[layer] != h:
            raise RnnvizError(f"hidden_sizes: layer {layer} has hidden size {h} in "
                              f"{keys['weight_hh']!r}, but hidden_sizes says {sizes[layer]}")
        w_ih = params[keys["weight_ih"]]
        if w_ih.ndim != 2 or w_ih.shape[0] != g * h:
            raise RnnvizError(f"params[{keys['weight_ih']!r}]: expected shape ({g * h}, D), got {w_ih.shape}")
        for b in ("bias_ih", "bias_hh"):
            if b in keys and params[keys[b]].shape != (g * h,):
                raise RnnvizError(f"params[{keys[b]!r}]: expected shape ({g * h},), "
                                  f"got {params[keys[b]].shape}")

        # PyTorch's parameter order: weight_ih, weight_hh, bias_ih, bias_hh.
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            if name not in keys:
                continue
            arr = params[keys[name]]
            if scheme == "default":
                new = uniform_default(arr.shape, h, rng, np.float64)
            elif name.startswith("bias"):
                new = np.zeros(arr.shape)
            elif scheme == "identity":
                new = (identity(arr.shape, np.float64) if name == "weight_hh"
                       else 0.001 * rng.standard_normal(arr.shape))
            elif name == "weight_hh" and scheme == "orthogonal":
                new = orthogonal(arr.shape, rng, np.float64, blocks=g)
            else:
                new = xavier_uniform(arr.shape, rng, np.float64)
            if name == "weight_hh":
                new = new * recurrent_scale
            arr[...] = new

        if forget_bias is not None:
            if "bias_ih" not in keys or "bias_hh" not in keys:
                raise RnnvizError(f"forget_bias: layer {layer} has no biases (bias_ih/bias_hh)")
            params[keys["bias_ih"]][h:2 * h] = forget_bias
            params[keys["bias_hh"]][h:2 * h] = 0.0
    return params
