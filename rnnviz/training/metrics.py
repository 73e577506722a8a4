"""Training diagnostics computed from a network's weights, a forward Trace and BPTT step norms.

NumPy only. Every function reads the arrays it is given and returns new arrays (never views of
the live weights or of the trace), so results can be handed to another thread.

What each number means, with the symbols of :mod:`rnnviz.engine.cells`:

* **Spectral radius** ρ(W) = max |λ(W)| of each square recurrent block of ``W_hh`` — ``W_hh``
  itself for an RNN; ``W_hi, W_hf, W_hg, W_ho`` (LSTM) or ``W_hr, W_hz, W_hn`` (GRU). The stacked
  gated ``W_hh`` is (G·H, H), not square, so for it we report its spectral norm ‖W_hh‖₂ (largest
  singular value) under the key ``"norm"`` (for an RNN ``"norm"`` is ‖W_hh‖₂ too).
* **Step Jacobian** J_t = ∂s_t/∂s_{t-1}, exact, from the gate values the forward pass stored:

  - tanh RNN: ``J = diag(1 - h_t²) W_hh``; ReLU RNN: ``J = diag(a_t > 0) W_hh``.
  - GRU (``h_t = (1-z)⊙n + z⊙h_{t-1}``, ``n = tanh(x̃_n + r⊙(W_hn h_{t-1} + b_hn))``)::

        ∂z = diag(z(1-z)) W_hz            ∂r = diag(r(1-r)) W_hr
        ∂n = diag(1-n²) [diag(r) W_hn + diag(W_hn h_{t-1} + b_hn) ∂r]
        J  = diag(z) + diag(h_{t-1} - n) ∂z + diag(1-z) ∂n

  - LSTM: the state is s = (h, c), so the *full* step Jacobian is 2H × 2H::

        ∂i = diag(i(1-i)) W_hi   ∂f = diag(f(1-f)) W_hf   ∂g = diag(1-g²) W_hg   ∂o = diag(o(1-o)) W_ho
        ∂c_t/∂h_{t-1} = diag(c_{t-1}) ∂f + diag(g) ∂i + diag(i) ∂g      ∂c_t/∂c_{t-1} = diag(f)
        ∂h_t/∂h_{t-1} = diag(tanh c_t) ∂o + diag(o(1-tanh² c_t)) ∂c_t/∂h_{t-1}
        ∂h_t/∂c_{t-1} = diag(o(1-tanh² c_t) f)

    ``state="full"`` (the LSTM default) returns ``[[∂h/∂h, ∂h/∂c], [∂c/∂h, ∂c/∂c]]`` — the matrix
    whose products carry gradients back in time, including the cell-state path that keeps them
    alive; ``state="h"`` returns ∂h_t/∂h_{t-1} with c_{t-1} held fixed.

  Padded steps (outside a row's length) carry the state unchanged: their Jacobian is I.
  "Batch mean" singular values are the mean over batch rows of each row's sorted singular values.
* **Gate saturation** (Karpathy, Johnson & Fei-Fei 2015): per unit, the fraction of (valid)
  steps × rows where a gate is left-saturated (< 0.1) or right-saturated (> 0.9).
* **Gradient ratio** ‖dL/dh_1‖ / ‖dL/dh_T‖ from the per-step norms of BPTT, batch-averaged.
* **Divergence**: the recent training loss far (``DIVERGENCE_FACTOR`` times) above the loss at
  the start, or above the task's baseline when that is higher; a run can blow up this way
  without ever producing NaN (saturated units, finite but huge outputs).
"""
from __future__ import annotations

import numpy as np

from rnnviz.engine.recurrent import Recurrent
from rnnviz.engine.trace import Trace
from rnnviz.errors import RnnvizError

__all__ = ["GATE_NAMES", "spectral_radius", "recurrent_spectra", "step_jacobian",
           "jacobian_singular_values", "gate_saturation", "mean_forget_gate", "gradient_ratio",
           "mean_step_norms", "DIVERGENCE_FACTOR", "LOSS_BASELINES", "loss_divergence", "divergence_warning"]

#: training has diverged when its recent loss is more than this many times its reference
DIVERGENCE_FACTOR = 10.0
#: the loss of a trivial predictor, per task (adding problem: always predict 1, MSE 1/6)
LOSS_BASELINES = {"adding": 1 / 6}

#: Gate names per cell, in PyTorch's row-block order of W_hh.
GATE_NAMES = {"rnn_tanh": (), "rnn_relu": (), "lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}


def _whh(net: Recurrent, layer: int, direction: int) -> np.ndarray:
    if not isinstance(net, Recurrent):
        raise RnnvizError(f"net: expected a Recurrent, got {type(net).__name__}")
    if not isinstance(layer, (int, np.integer)) or not 0 <= layer < net.num_layers:
        raise RnnvizError(f"layer: expected an int in [0, {net.num_layers - 1}], got {layer!r}")
    if direction not in range(net.num_directions):
        raise RnnvizError(f"direction: expected 0{' or 1' if net.num_directions == 2 else ''}, got {direction!r}")
    sfx = f"_l{layer}" + ("_reverse" if direction == 1 else "")
    return net.params[f"weight_hh{sfx}"]


def spectral_radius(w) -> float:
    """ρ(W) = max |eigenvalue| of a square matrix (computed in float64)."""
    w = np.asarray(w, dtype=np.float64)
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise RnnvizError(f"w: expected a square matrix, got shape {w.shape}")
    if w.size == 0:
        return 0.0
    if not np.all(np.isfinite(w)):
        return float("nan")
    return float(np.max(np.abs(np.linalg.eigvals(w))))


def recurrent_spectra(net: Recurrent, layer: int = 0, direction: int = 0) -> dict[str, float]:
    """Spectral radius of each square block of ``W_hh`` and the spectral norm of the whole.

    Returns ``{"hh": ρ(W_hh), "norm": ‖W_hh‖₂}`` for an RNN; ``{"i": ρ(W_hi), "f": ..., "g": ...,
    "o": ..., "norm": ‖W_hh‖₂}`` for an LSTM; ``{"r", "z", "n", "norm"}`` for a GRU.
    """
    w = _whh(net, layer, direction)
    H = w.shape[1]
    names = GATE_NAMES[net.cell] or ("hh",)
    out = {name: spectral_radius(w[k * H:(k + 1) * H]) for k, name in enumerate(names)}
    w64 = np.asarray(w, dtype=np.float64)
    out["norm"] = float(np.linalg.norm(w64, 2)) if np.all(np.isfinite(w64)) else float("nan")
    return out


def _prev(arr, init, t: int, direction: int):
    """The state before step ``t`` in processing order: (B, H)."""
    T = arr.shape[0]
    if direction == 0:
        return arr[t - 1] if t > 0 else init
    return arr[t + 1] if t < T - 1 else init


def step_jacobian(net: Recurrent, trace: Trace, t: int, layer: int = 0, direction: int = 0,
                  rows=None, state: str = "auto") -> np.ndarray:
    """Exact step Jacobian ∂s_t/∂s_{t-1} for each batch row, float64.

    Args:
        net: the network that produced ``trace`` (with the same weights).
        trace: from ``net.forward``.
        t: time step in [0, T) (natural time order; for the reverse direction the "previous"
            state is the one at t+1, as the network processes it).
        layer, direction: which layer-direction.
        rows: None (all) or a sequence/slice of batch rows.
        state: "auto" (LSTM: "full", others: "h"), "h" (∂h_t/∂h_{t-1}), or "full" (LSTM only:
            the (h, c) state, 2H × 2H).
    Returns:
        (B', N, N) with N = H, or 2H for an LSTM's full state; ``J[b, i, j] = ∂s_t[i]/∂s_{t-1}[j]``.
    """
    whh = _whh(net, layer, direction).astype(np.float64)
    if not isinstance(trace, Trace) or trace.cell != net.cell or trace.hidden_sizes != net.hidden_sizes:
        raise RnnvizError("trace: expected a Trace from forward() of this network")
    T = trace.steps
    if not isinstance(t, (int, np.integer)) or not 0 <= t < T:
        raise RnnvizError(f"t: expected an int in [0, {T - 1}], got {t!r}")
    if state == "auto":
        state = "full" if net.cell == "lstm" else "h"
    if state not in ("h", "full") or (state == "full" and net.cell != "lstm"):
        raise RnnvizError(f"state: expected 'auto', 'h'{' or full' if net.cell == 'lstm' else ''}, got {state!r}")
    cache = trace.cache(layer, direction)
    H = net.hidden_sizes[layer]
    sel = slice(None) if rows is None else rows

    def at(a):
        return np.asarray(a[sel], dtype=np.float64)

    eye = np.eye(H)
    if net.cell in ("rnn_tanh", "rnn_relu"):
        if net.cell == "rnn_tanh":
            h = at(cache.h[t])
            d = 1.0 - h * h
        else:
            d = (at(cache.gates[t]) > 0).astype(np.float64)
        J = d[:, :, None] * whh[None]
    elif net.cell == "gru":
        g = at(cache.gates[t])
        r, z, n = g[:, :H], g[:, H:2 * H], g[:, 2 * H:]
        hn = at(cache.hn[t])
        hp = at(_prev(cache.h, cache.h0, t, direction))
        w_r, w_z, w_n = whh[:H], whh[H:2 * H], whh[2 * H:]
        dz = (z * (1 - z))[:, :, None] * w_z
        dr = (r * (1 - r))[:, :, None] * w_r
        dn = (1 - n * n)[:, :, None] * (r[:, :, None] * w_n + hn[:, :, None] * dr)
        J = z[:, :, None] * eye + (hp - n)[:, :, None] * dz + (1 - z)[:, :, None] * dn
    else:  # lstm
        # the LSTM keeps its gates gate-major: read step t of each (``cache.gates`` would copy all T)
        i, f, gg, o = (at(cache.gate_views[name][t]) for name in "ifgo")
        tc = at(cache.tc[t])
        cp = at(_prev(cache.c, cache.c0, t, direction))
        w_i, w_f, w_g, w_o = (whh[k * H:(k + 1) * H] for k in range(4))
        d_i = (i * (1 - i))[:, :, None] * w_i
        d_f = (f * (1 - f))[:, :, None] * w_f
        d_g = (1 - gg * gg)[:, :, None] * w_g
        d_o = (o * (1 - o))[:, :, None] * w_o
        dc_dh = cp[:, :, None] * d_f + gg[:, :, None] * d_i + i[:, :, None] * d_g
        k = o * (1 - tc * tc)
        dh_dh = tc[:, :, None] * d_o + k[:, :, None] * dc_dh
        if state == "h":
            J = dh_dh
        else:
            Bn = dh_dh.shape[0]
            J = np.zeros((Bn, 2 * H, 2 * H))
            J[:, :H, :H] = dh_dh
            J[:, :H, H:] = (k * f)[:, :, None] * eye
            J[:, H:, :H] = dc_dh
            J[:, H:, H:] = f[:, :, None] * eye
    if trace.mask is not None:
        valid = np.asarray(trace.mask[t, sel, 0], dtype=bool)
        if not np.all(valid):
            J[~valid] = np.eye(J.shape[-1])
    return J


def default_jacobian_steps(T: int, n: int = 3) -> np.ndarray:
    """``n`` evenly spaced steps from the first to the last (unique, sorted)."""
    if T <= 0:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.linspace(0, T - 1, num=max(1, n)).round().astype(np.int64))


def jacobian_singular_values(net: Recurrent, trace: Trace, steps=None, k: int = 5, layer: int = 0,
                             direction: int = 0, max_rows: int | None = 8,
                             state: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` singular values of the step Jacobian at a few steps, mean over batch rows.

    Args:
        steps: time steps (default: first, middle, last). k: how many singular values.
        max_rows: use at most this many batch rows (the first ones), None for all.
    Returns:
        ``(steps (S,) int64, sv (S, k') float64)`` with k' = min(k, N), each row sorted descending.
    """
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise RnnvizError(f"k: expected a positive int, got {k!r}")
    T = trace.steps
    steps = default_jacobian_steps(T) if steps is None else np.asarray(steps, dtype=np.int64).reshape(-1)
    B = trace.output.shape[1]
    rows = slice(0, B if max_rows is None else min(B, int(max_rows)))
    out = []
    for t in steps:
        J = step_jacobian(net, trace, int(t), layer, direction, rows=rows, state=state)
        if not np.all(np.isfinite(J)):
            out.append(np.full(min(k, J.shape[-1]), np.nan))
            continue
        s = np.linalg.svd(J, compute_uv=False)  # (B', N) descending
        out.append(s[:, :k].mean(axis=0))
    sv = np.array(out, dtype=np.float64).reshape(len(steps), -1)
    return steps.copy(), sv


def _valid_weights(trace: Trace) -> np.ndarray | None:
    """(T, B, 1) float weights of valid steps, or None when every step counts."""
    if trace.mask is None:
        return None
    return trace.mask.astype(np.float64)


def gate_saturation(trace: Trace, layer: int = 0, direction: int = 0, low: float = 0.1,
                    high: float = 0.9) -> dict[str, np.ndarray]:
    """Per-unit fraction of steps each gate is saturated (Karpathy, Johnson & Fei-Fei 2015).

    Returns ``{gate: (2, H) float64}`` with row 0 the fraction < ``low`` (left-saturated) and
    row 1 the fraction > ``high`` (right-saturated), over every valid step and batch row.
    Gates: LSTM "i", "f", "o" (sigmoid gates; "g" is a tanh candidate, not a gate); GRU "r", "z".
    An RNN has no gates: ``{}``.
    """
    names = {"lstm": ("i", "f", "o"), "gru": ("r", "z")}.get(trace.cell, ())
    if not names:
        return {}
    states = trace.states(layer, direction)
    w = _valid_weights(trace)
    out = {}
    for name in names:
        a = states[name]
        lo = (a < low)
        hi = (a > high)
        if w is None:
            n = a.shape[0] * a.shape[1]
            out[name] = np.stack([lo.sum(axis=(0, 1)), hi.sum(axis=(0, 1))]).astype(np.float64) / max(n, 1)
        else:
            n = float(w.sum())
            out[name] = np.stack([(lo * w).sum(axis=(0, 1)), (hi * w).sum(axis=(0, 1))]) / max(n, 1.0)
    return out


def mean_forget_gate(trace: Trace, layer: int = 0, direction: int = 0) -> np.ndarray | None:
    """(H,) float64 mean forget gate f per LSTM unit over valid steps and rows; None for other cells."""
    if trace.cell != "lstm":
        return None
    f = trace.states(layer, direction)["f"]
    w = _valid_weights(trace)
    if w is None:
        return f.astype(np.float64).mean(axis=(0, 1))
    return (f * w).sum(axis=(0, 1)) / max(float(w.sum()), 1.0)


def mean_step_norms(norms, mask=None) -> np.ndarray:
    """(T, B) step norms -> (T,) float64 mean over batch rows (valid rows only when ``mask`` (T, B[, 1]))."""
    norms = np.asarray(norms, dtype=np.float64)
    if norms.ndim != 2:
        raise RnnvizError(f"norms: expected shape (T, B), got {norms.shape}")
    if mask is None:
        return norms.mean(axis=1) if norms.shape[1] else np.zeros(norms.shape[0])
    m = np.asarray(mask, dtype=np.float64).reshape(norms.shape)
    return (norms * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1.0)


def gradient_ratio(norms, direction: int = 0) -> float:
    """‖dL/dh_1‖ / ‖dL/dh_T‖ from step norms (T,) or (T, B) (batch-averaged first).

    For the reverse direction (``direction=1``) "first" and "last" are in processing order, so
    the ratio is ‖dL/dh_T‖ / ‖dL/dh_1‖ in natural time. Returns nan when the denominator is 0
    or the sequence is empty.
    """
    n = np.asarray(norms, dtype=np.float64)
    if n.ndim == 2:
        n = n.mean(axis=1)
    if n.ndim != 1:
        raise RnnvizError(f"norms: expected shape (T,) or (T, B), got {np.shape(norms)}")
    if n.size == 0:
        return float("nan")
    first, last = (n[0], n[-1]) if direction == 0 else (n[-1], n[0])
    if last == 0 or not np.isfinite(last) or not np.isfinite(first):
        return float("nan")
    return float(first / last)


def loss_divergence(losses, baseline: float | None = None,
                    factor: float = DIVERGENCE_FACTOR) -> tuple[float, float] | None:
    """``(start, recent)`` training losses when training diverged, else None.

    ``losses``: the training loss of each recorded step, oldest first; non-finite values (steps
    undone after NaN/Inf) are skipped. ``start`` is the first loss (the model before any update
    took effect); ``recent`` the median of the last tenth of the losses (1 to 20 of them), so a
    single spike is no divergence. Diverged: ``recent > factor * max(start, baseline)`` (the
    baseline, a trivial predictor's loss, when given).
    """
    x = np.asarray(losses, dtype=np.float64).ravel()
    x = x[np.isfinite(x)]
    if x.size < 2:
        return None
    start = float(x[0])
    reference = start if baseline is None else max(start, float(baseline))
    if not reference > 0:
        return None
    recent = float(np.median(x[-int(min(20, max(1, x.size // 10))):]))
    return (start, recent) if recent > factor * reference else None


def divergence_warning(losses, baseline: float | None = None,
                       factor: float = DIVERGENCE_FACTOR) -> str | None:
    """A sentence for the user when training diverged (:func:`loss_divergence`), else None:
    "training diverged: the loss rose from 2.03 at the start to 6.9e+18; ..."."""
    found = loss_divergence(losses, baseline, factor)
    if found is None:
        return None
    start, recent = found
    base = "" if baseline is None else f"; a trivial predictor's loss is {baseline:.3g}"
    return (f"training diverged: the loss rose from {start:.3g} at the start to {recent:.3g}{base}. "
            "Lower the learning rate and start a new run (Reset)")
