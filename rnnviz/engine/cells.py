"""Sequence scans of the three recurrent cells: forward and exact backward through time.

Each scan runs one layer in one direction over a whole sequence. Arrays are passed in
*processing order*: for the reverse direction the caller passes time-reversed views
(``a[::-1]``), so the same loop serves both directions and every buffer stays in natural
time order in memory. Steps write into preallocated buffers; the buffers *are* the cache,
so the gate arrays the views show are the very arrays the forward pass used.

Symbols (the same as in the UI), per time step t, batch row b, with input projection
``x̃_t = W_ih x_t + b_ih`` precomputed for all steps in one matrix product:

tanh / ReLU RNN::

    a_t = x̃_t + W_hh h_{t-1} + b_hh
    h_t = tanh(a_t)            (or max(a_t, 0))

LSTM (PyTorch gate order i, f, g, o)::

    i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)
    f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)
    g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
    o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
    h_t = o_t ⊙ tanh(c_t)

GRU (PyTorch gate order r, z, n)::

    r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
    z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
    n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
    h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}

Padding: with a mask ``m_t`` (B, 1) (True where step t is inside row b's length), the carried
state is ``h_t = m_t ⊙ cell(x_t, h_{t-1}) + (1 - m_t) ⊙ h_{t-1}`` (and the same for c), which
is PyTorch's packed-sequence semantics for both directions.

Speed: σ(x) = 1 / (1 + exp(-x)) and tanh(x) = 2 σ(2x) - 1, so the caller scales the weight
rows once (by -1 for sigmoid gates, -2 for the LSTM's tanh gate) and each step applies one
``exp`` (SIMD-vectorised in NumPy, unlike ``tanh``), ``+1`` and a reciprocal to the whole gate
block; only the tanh rows then need ``2σ - 1``. exp overflow to inf gives the exact limits 0/-1. Backward uses the factorisation that, given the forward values, every gate
gradient is the incoming ``dL/dh_t`` (and ``dL/dc_t``) times a factor that can be computed for
all steps at once outside the loop.
"""
from __future__ import annotations

import numpy as np

GATES = {
    "rnn_tanh": (),
    "rnn_relu": (),
    "lstm": ("i", "f", "g", "o"),
    "gru": ("r", "z", "n"),
}
N_GATES = {"rnn_tanh": 1, "rnn_relu": 1, "lstm": 4, "gru": 3}


def sigmoid_row_scale(cell: str, hidden: int, dtype) -> np.ndarray:
    """Per-row factor applied to the stacked weights so that one exp gives every gate.

    Shape (G*H,): -1 for sigmoid rows, -2 for the LSTM's g rows, 1 for rows left to tanh
    (GRU n, RNN).
    """
    if cell == "lstm":
        s = np.full(4 * hidden, -1.0, dtype=dtype)
        s[2 * hidden:3 * hidden] = -2.0
    elif cell == "gru":
        s = np.full(3 * hidden, -1.0, dtype=dtype)
        s[2 * hidden:] = 1.0
    else:
        s = np.ones(hidden, dtype=dtype)
    return s


def _quiet_overflow(fn):
    """exp(-x) may overflow to inf for large |x|; 1/(1+inf) = 0 is the exact limit, so no warning."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with np.errstate(over="ignore"):
            return fn(*args, **kwargs)
    return wrapper


def _mask_views(mask):
    """(keep, drop, any_drop) for a processing-order bool mask (T, B, 1), or Nones."""
    if mask is None:
        return None, None, None
    drop = ~mask
    return mask, drop, drop.any(axis=(1, 2))


# ----------------------------------------------------------------------------- RNN
def rnn_scan(a, h, whh_t, h0, mask, relu: bool) -> None:
    """Forward scan of a tanh/ReLU RNN.

    a: (T, B, H) holding x̃_t + b_hh on entry; holds the pre-activation a_t on exit.
    h: (T, B, H) output buffer for h_t. whh_t: (H, H) = W_hhᵀ. h0: (B, H).
    """
    T = a.shape[0]
    tmp = np.empty_like(h0)
    _, drop, any_drop = _mask_views(mask)
    h_prev = h0
    for s in range(T):
        np.matmul(h_prev, whh_t, out=tmp)
        a[s] += tmp
        if relu:
            np.maximum(a[s], 0, out=h[s])
        else:
            np.tanh(a[s], out=h[s])
        if any_drop is not None and any_drop[s]:
            np.copyto(h[s], h_prev, where=drop[s])
        h_prev = h[s]


def rnn_backward(a, h, whh, h0, mask, dh, relu: bool, truncate):
    """Backward scan of a tanh/ReLU RNN.

    dh: (T, B, H) holds the direct gradient dL/dh_t from above on entry and the *total*
    derivative dL/dh_t (through later steps too) on exit. Returns (d_a (T,B,H), dh0 (B,H)):
    d_a is the gradient w.r.t. the pre-activation, shared by the ih and hh paths.
    """
    T, B, H = h.shape
    if relu:
        d_a = (a > 0).astype(h.dtype)
    else:
        d_a = np.multiply(h, h)
        np.subtract(1, d_a, out=d_a)
    keep, drop, any_drop = _mask_views(mask)
    dh_next = np.zeros((B, H), dtype=h.dtype)
    carry = np.empty_like(dh_next)
    for s in range(T - 1, -1, -1):
        G = dh[s]
        G += dh_next
        d = d_a[s]
        d *= G
        padded = any_drop is not None and any_drop[s]
        if padded:
            np.copyto(carry, G)
            carry *= drop[s]
            d *= keep[s]
        np.matmul(d, whh, out=dh_next)
        if padded:
            dh_next += carry
        if truncate and s % truncate == 0 and s > 0:
            dh_next.fill(0)
    return d_a, dh_next


# ----------------------------------------------------------------------------- LSTM
@_quiet_overflow
def lstm_scan(gates, h, c, tc, whh_t_scaled, h0, c0, mask) -> None:
    """Forward scan of an LSTM.

    gates: (T, B, 4H) holding the scaled (see :func:`sigmoid_row_scale`) x̃_t + b_hh on entry,
    the activations [i, f, g, o] on exit. h, c, tc: (T, B, H) outputs h_t, c_t, tanh(c_t).
    whh_t_scaled: (H, 4H) = (diag(s) W_hh)ᵀ. h0, c0: (B, H).
    """
    T, B, G4 = gates.shape
    H = G4 // 4
    tmp = np.empty((B, G4), dtype=gates.dtype)
    ig = np.empty((B, H), dtype=gates.dtype)
    _, drop, any_drop = _mask_views(mask)
    I, F, Gg, O = (gates[..., k * H:(k + 1) * H] for k in range(4))
    # local names and per-gate 3-D views: this loop runs once per time step, so Python-level
    # lookups and slicing are a measurable share of its cost for small batches
    dot, exp, add, recip, mul, tanh = np.dot, np.exp, np.add, np.reciprocal, np.multiply, np.tanh
    h_prev, c_prev = h0, c0
    for s in range(T):
        g = gates[s]
        dot(h_prev, whh_t_scaled, out=tmp)
        add(g, tmp, out=g)
        exp(g, out=g)          # every gate: 1 / (1 + exp(-a)) ...
        add(g, 1, out=g)
        recip(g, out=g)
        gg = Gg[s]
        mul(gg, 2, out=gg)     # ... and g = 2 σ(2a) - 1 = tanh(a)
        add(gg, -1, out=gg)
        ct = c[s]
        mul(F[s], c_prev, out=ct)
        mul(I[s], gg, out=ig)
        add(ct, ig, out=ct)
        tcs = tc[s]
        tanh(ct, out=tcs)
        hs = h[s]
        mul(O[s], tcs, out=hs)
        if any_drop is not None and any_drop[s]:
            np.copyto(hs, h_prev, where=drop[s])
            np.copyto(ct, c_prev, where=drop[s])
        h_prev, c_prev = hs, ct


def lstm_backward(gates, c, tc, whh, c0, mask, dh, dc_final, truncate):
    """Backward scan of an LSTM.

    dh: (T, B, H) direct dL/dh_t on entry, total dL/dh_t on exit (as for the RNN).
    dc_final: (B, H) or None, gradient w.r.t. the final cell state.
    Returns (d_pre (T, B, 4H), dh0 (B, H), dc0 (B, H)), d_pre being the gradient w.r.t.
    the gate pre-activations, shared by the ih and hh paths.
    """
    T, B, G4 = gates.shape
    H = G4 // 4
    i, f, g, o = (gates[..., k * H:(k + 1) * H] for k in range(4))
    # d_pre = P ⊙ [dc, dc, dc, dh] with P computed here for all steps at once.
    P = np.empty_like(gates)
    c_prev = np.empty_like(c)
    c_prev[0] = c0
    c_prev[1:] = c[:-1]
    np.subtract(1, i, out=P[..., :H]); P[..., :H] *= i; P[..., :H] *= g
    np.subtract(1, f, out=P[..., H:2 * H]); P[..., H:2 * H] *= f; P[..., H:2 * H] *= c_prev
    np.multiply(g, g, out=P[..., 2 * H:3 * H]); np.subtract(1, P[..., 2 * H:3 * H], out=P[..., 2 * H:3 * H])
    P[..., 2 * H:3 * H] *= i
    np.subtract(1, o, out=P[..., 3 * H:]); P[..., 3 * H:] *= o; P[..., 3 * H:] *= tc
    del c_prev
    K = np.multiply(tc, tc)  # dc_t += dh_t ⊙ o_t ⊙ (1 - tanh²(c_t))
    np.subtract(1, K, out=K)
    K *= o
    keep, drop, any_drop = _mask_views(mask)
    dh_next = np.zeros((B, H), dtype=gates.dtype)
    dc_next = np.zeros((B, H), dtype=gates.dtype) if dc_final is None else np.array(dc_final, dtype=gates.dtype)
    dc = np.empty_like(dh_next)
    carry_h = np.empty_like(dh_next)
    carry_c = np.empty_like(dh_next)
    for s in range(T - 1, -1, -1):
        G = dh[s]
        G += dh_next
        padded = any_drop is not None and any_drop[s]
        if padded:
            # a padded step only carries h and c through: no path via this step's cell
            np.multiply(G, drop[s], out=carry_h)
            np.multiply(dc_next, drop[s], out=carry_c)
            dc_next *= keep[s]
            Geff = G * keep[s]
        else:
            Geff = G
        np.multiply(Geff, K[s], out=dc)
        dc += dc_next
        P3 = P[s].reshape(B, 4, H)
        P3[:, :3] *= dc[:, None, :]
        P3[:, 3] *= Geff
        np.multiply(dc, f[s], out=dc_next)
        np.dot(P[s], whh, out=dh_next)
        if padded:
            dh_next += carry_h
            dc_next += carry_c
        if truncate and s % truncate == 0 and s > 0:
            dh_next.fill(0)
            dc_next.fill(0)
    return P, dh_next, dc_next


# ----------------------------------------------------------------------------- GRU
@_quiet_overflow
def gru_scan(gates, h, hn, whh_t_scaled, b_hn, h0, mask) -> None:
    """Forward scan of a GRU.

    gates: (T, B, 3H) holding [-(x̃_r + b_hr), -(x̃_z + b_hz), x̃_n] on entry and the
    activations [r, z, n] on exit. hn: (T, B, H) output W_hn h_{t-1} + b_hn (needed by
    backward and shown as nothing else). whh_t_scaled: (H, 3H). b_hn: (H,).
    """
    T, B, G3 = gates.shape
    H = G3 // 3
    tmp = np.empty((B, G3), dtype=gates.dtype)
    rh = np.empty((B, H), dtype=gates.dtype)
    _, drop, any_drop = _mask_views(mask)
    h_prev = h0
    for s in range(T):
        g = gates[s]
        np.matmul(h_prev, whh_t_scaled, out=tmp)
        rz = g[:, :2 * H]
        rz += tmp[:, :2 * H]
        np.exp(rz, out=rz)
        rz += 1
        np.reciprocal(rz, out=rz)
        np.add(tmp[:, 2 * H:], b_hn, out=hn[s])
        n = g[:, 2 * H:]
        np.multiply(g[:, :H], hn[s], out=rh)
        n += rh
        np.tanh(n, out=n)
        ht = h[s]
        np.subtract(h_prev, n, out=ht)
        ht *= g[:, H:2 * H]
        ht += n
        if any_drop is not None and any_drop[s]:
            np.copyto(ht, h_prev, where=drop[s])
        h_prev = ht


def gru_backward(gates, h, hn, whh, h0, mask, dh, truncate):
    """Backward scan of a GRU.

    dh as for the RNN. Returns (d_x (T, B, 3H), d_hn (T, B, H), dh0 (B, H)): d_x is the
    gradient w.r.t. the input-path pre-activations [r, z, n]; the hidden path shares the
    r and z parts and has d_hn = d_x[n] ⊙ r for its n part.
    """
    T, B, G3 = gates.shape
    H = G3 // 3
    r, z, n = (gates[..., k * H:(k + 1) * H] for k in range(3))
    h_prev = np.empty_like(h)
    h_prev[0] = h0
    h_prev[1:] = h[:-1]
    F = np.empty_like(gates)  # d_x = F ⊙ [dh, dh, dh]
    Fr, Fz, Fn = F[..., :H], F[..., H:2 * H], F[..., 2 * H:]
    np.multiply(n, n, out=Fn); np.subtract(1, Fn, out=Fn)
    tmp = np.subtract(1, z)
    Fn *= tmp
    np.subtract(1, r, out=Fr); Fr *= r; Fr *= hn; Fr *= Fn
    np.subtract(h_prev, n, out=Fz); np.subtract(1, z, out=tmp); tmp *= z; Fz *= tmp
    del tmp, h_prev
    d_hn = np.empty_like(h)
    keep, drop, any_drop = _mask_views(mask)
    dh_next = np.zeros((B, H), dtype=gates.dtype)
    d_hid = np.empty((B, G3), dtype=gates.dtype)
    zg = np.empty_like(dh_next)
    carry = np.empty_like(dh_next)
    for s in range(T - 1, -1, -1):
        G = dh[s]
        G += dh_next
        padded = any_drop is not None and any_drop[s]
        if padded:
            np.multiply(G, drop[s], out=carry)
            Geff = G * keep[s]
        else:
            Geff = G
        F3 = F[s].reshape(B, 3, H)
        F3 *= Geff[:, None, :]
        d_hid[:, :2 * H] = F[s][:, :2 * H]
        np.multiply(F[s][:, 2 * H:], r[s], out=d_hn[s])
        d_hid[:, 2 * H:] = d_hn[s]
        np.matmul(d_hid, whh, out=dh_next)
        np.multiply(Geff, z[s], out=zg)
        dh_next += zg
        if padded:
            dh_next += carry
        if truncate and s % truncate == 0 and s > 0:
            dh_next.fill(0)
    return F, d_hn, dh_next
