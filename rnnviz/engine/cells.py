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
# Internal layout. PyTorch's gate blocks (i, f, g, o) are permuted to (o, i, f, g) and each step's
# gates are stored gate-major next to the cell state from before the step:
#
#     Z[s] = [o_s, i_s, f_s, g_s, c_{s-1}]      (5, B, H), processing order, Z[s+1, 4] = c_s
#
# so every per-step operand is a contiguous block (strided (B, H) slices of a (B, 4H) row cost
# NumPy a slow iterator per call) and one product [i, f] ⊙ [g, c_{s-1}] gives both terms of c_s.
LSTM_ORDER = (3, 0, 1, 2)  # internal block k holds PyTorch gate block LSTM_ORDER[k]
LSTM_NAMES = "oifg"


def lstm_rows(hidden: int) -> np.ndarray:
    """(4H,) row indices taking PyTorch-ordered (4H, ...) weights to the internal (o, i, f, g) order."""
    return np.concatenate([np.arange(k * hidden, (k + 1) * hidden) for k in LSTM_ORDER])


def chunk_steps(batch: int, hidden: int, steps: int) -> int:
    """Steps per chunk of the vectorised pre/post passes: ~64K floats per (B, H) block set.

    Large enough that the chunk's matrix products have >= ~256 rows, small enough that the
    chunk's buffers stay in cache between the vectorised pass and the step loop.
    """
    return max(1, min(steps, (1 << 16) // (batch * hidden)))


def _step_drops(mask, lo, hi):
    """Per step lo..hi-1 (processing order): None, or the (B, 1) bool array of padded rows."""
    if mask is None:
        return [None] * (hi - lo)
    full = mask[lo:hi].all(axis=(1, 2))
    return [None if f else ~mask[s] for s, f in zip(range(lo, hi), full)]


@_quiet_overflow
def lstm_scan(x, wih_t, bias, whh_t, z, hb, tc, mask) -> None:
    """Forward scan of an LSTM in processing order.

    x: (T, B, D) layer input. wih_t: (D, 4H), bias: (4H,), whh_t: (H, 4H): the weights in the
    internal gate order, transposed and scaled by :func:`lstm_scale` (so that one exp gives
    every gate). z: (T+1, 5, B, H) with z[0, 4] = c0 on entry, filled as described above.
    hb: (T+1, B, H) with hb[0] = h0 on entry, hb[s+1] = h_s on exit. tc: (T, B, H) tanh(c_s).
    mask: processing-order (T, B, 1) bool or None.

    The input projection x̃ = W_ih x + b is computed per chunk of steps in one matrix product
    (batch-major) and added to W_hh h_{s-1} as a gate-major view.
    """
    T, B, D = x.shape
    H = hb.shape[2]
    dt = hb.dtype
    chunk = chunk_steps(B, H, T)
    xp = np.empty((chunk, B, 4 * H), dtype=dt)
    tmp = np.empty((B, 4 * H), dtype=dt)
    tmp_g = tmp.reshape(B, 4, H).transpose(1, 0, 2)
    prod = np.empty((2, B, H), dtype=dt)
    ig, fc = prod
    one, two = np.ones((), dt), np.array(2, dt)  # 0-d arrays: NumPy's fast scalar path
    dot, add, sub, mul, exp, recip, tanh = (np.dot, np.add, np.subtract, np.multiply, np.exp,
                                            np.reciprocal, np.tanh)
    for lo in range(0, T, chunk):
        hi = min(T, lo + chunk)
        n = hi - lo
        xc = xp[:n]
        np.matmul(x[lo:hi].reshape(n * B, D), wih_t, out=xc.reshape(n * B, 4 * H))
        xc += bias
        zc = z[lo:hi + 1]
        # the loop's operands, one view per step (iterating an array is cheaper than indexing it)
        for xs, a, g, if_, gc, o, c, t, hp, hn, drop in zip(
                xc.reshape(n, B, 4, H).transpose(0, 2, 1, 3), zc[:n, :4], zc[:n, 3], zc[:n, 1:3],
                zc[:n, 3:5], zc[:n, 0], zc[1:, 4], tc[lo:hi], hb[lo:hi], hb[lo + 1:hi + 1],
                _step_drops(mask, lo, hi)):
            dot(hp, whh_t, out=tmp)
            add(xs, tmp_g, out=a)
            exp(a, out=a)          # every gate: 1 / (1 + exp(-a)) ...
            add(a, one, out=a)
            recip(a, out=a)
            mul(g, two, out=g)     # ... and g = 2 σ(2a) - 1 = tanh(a)
            sub(g, one, out=g)
            mul(if_, gc, out=prod)  # [i ⊙ g, f ⊙ c_{s-1}]
            add(ig, fc, out=c)
            tanh(c, out=t)
            mul(o, t, out=hn)
            if drop is not None:   # padded rows carry h and c through unchanged
                np.copyto(hn, hp, where=drop)
                np.copyto(c, gc[1], where=drop)


def lstm_scale(hidden: int, dtype) -> np.ndarray:
    """(4H,) factor for the internal-order weight rows: -1 for the sigmoid gates o, i, f, -2 for g.

    σ(a) = 1 / (1 + exp(-a)) and tanh(a) = 2 σ(2a) - 1, so with the rows pre-scaled one exp
    serves all four gates.
    """
    s = np.full(4 * hidden, -1.0, dtype=dtype)
    s[3 * hidden:] = -2.0
    return s


def lstm_backward(z, tc, whh, dh, dc_final, mask, truncate, consume):
    """Backward scan of an LSTM in processing order.

    z, tc: the forward's buffers (see :func:`lstm_scan`). whh: (4H, H) W_hh in internal gate
    order, unscaled. dh: (T, B, H) direct dL/dh_t on entry, total dL/dh_t on exit.
    dc_final: (B, H) or None, gradient w.r.t. the final cell state.
    consume(lo, hi, d_pre): called once per chunk of steps lo..hi-1 (from the end) with
    d_pre (n*B, 4H), the gradient w.r.t. those steps' gate pre-activations (internal order,
    rows in processing order), shared by the ih and hh weight paths.
    Returns (dh0, dc0), each (B, H).

    Per step, with G = dL/dh_s (total) and the factors of :func:`_lstm_factors`::

        [K G, d_o] = [K, P_o] ⊙ G,     dc = K G + f_{s+1} ⊙ dc_{s+1}
        [d_i, d_f, d_g, f ⊙ dc] = [P_i, P_f, P_g, f] ⊙ dc,     dL/dh_{s-1} += d_pre W_hh
    """
    T, B, H = dh.shape
    dt = dh.dtype
    chunk = chunk_steps(B, H, T)
    q = np.empty((chunk + 1, 6, B, H), dtype=dt)
    rows = None if B == 1 else np.empty((chunk, B, 4 * H), dtype=dt)
    dh_next = np.zeros((B, H), dtype=dt)
    dc = np.empty((B, H), dtype=dt)
    carry = np.zeros((B, H), dtype=dt) if dc_final is None else np.array(dc_final, dtype=dt)
    dot, add, mul, copyto = np.dot, np.add, np.multiply, np.copyto
    for hi in range(T, 0, -chunk):
        lo = max(0, hi - chunk)
        n = hi - lo
        qc = q[:n + 1]
        _lstm_factors(z[lo:hi], tc[lo:hi], qc)
        qc[n, 5] = carry
        if B == 1:  # (4, 1, H) is already the (1, 4H) row the product needs
            d_rows = qc[:n, 1:5].reshape(n, 1, 4 * H)
            copies = [None] * n
        else:
            d_rows = rows[:n]
            copies = d_rows.reshape(n, B, 4, H).transpose(0, 2, 1, 3)
        cuts = [bool(truncate) and s % truncate == 0 and s > 0 for s in range(lo, hi)]
        drops = _step_drops(mask, lo, hi)
        for G, ko, kg, c_in, r4, src, dst, row, cut, drop in zip(
                dh[hi - 1:lo - 1 if lo else None:-1], qc[n - 1::-1, 0:2], qc[n - 1::-1, 0],
                qc[n:0:-1, 5], qc[n - 1::-1, 2:6], qc[n - 1::-1, 1:5], copies[::-1], d_rows[::-1],
                cuts[::-1], drops[::-1]):
            add(G, dh_next, out=G)
            if drop is None:
                mul(ko, G, out=ko)
            else:
                G, carry_h, carry_c = _lstm_pad_split(G, c_in, drop)
                mul(ko, G, out=ko)
            add(kg, c_in, out=dc)
            mul(r4, dc, out=r4)
            if dst is not None:
                copyto(dst, src)
            dot(row, whh, out=dh_next)
            if drop is not None:
                dh_next += carry_h
                r4[3] += carry_c
            if cut:
                dh_next.fill(0)
                r4[3].fill(0)
        carry = qc[0, 5].copy()
        consume(lo, hi, (qc[:n, 1:5] if B == 1 else rows[:n]).reshape(n * B, 4 * H))
    return dh_next, carry


def _lstm_factors(z, tc, q) -> None:
    """The forward-only factors of the LSTM gradient for n steps, vectorised.

    z: (n, 5, B, H) forward buffer rows, tc: (n, B, H); fills q[:n] (n, 6, B, H) with
    [K, P_o, P_i, P_f, P_g, f] where K = o (1 - tanh²c) and P_x = ∂x/∂(pre-activation) times the
    factor the gate meets in c or h::

        P_o = o(1-o) tanh(c),  P_i = i(1-i) g,  P_f = f(1-f) c_{s-1},  P_g = (1-g²) i
    """
    n = tc.shape[0]
    q = q[:n]
    one = np.ones((), q.dtype)
    s3, zs = z[:n, 0:3], z[:n]
    sig = q[:, 1:4]
    np.subtract(one, s3, out=sig)
    sig *= s3
    q[:, 1] *= tc
    q[:, 2:4] *= zs[:, 3:5]
    pg, k = q[:, 4], q[:, 0]
    np.multiply(zs[:, 3], zs[:, 3], out=pg)
    np.subtract(one, pg, out=pg)
    pg *= zs[:, 1]
    np.multiply(tc, tc, out=k)
    np.subtract(one, k, out=k)
    k *= zs[:, 0]
    np.copyto(q[:, 5], zs[:, 2])


def _lstm_pad_split(G, c_in, drop):
    """At a step where some rows are padding: only the kept rows pass through the cell.

    Returns (G ⊙ keep, G ⊙ drop, dc_in ⊙ drop) and masks c_in (dL/dc_s) to the kept rows in place:
    padded rows hand dL/dh_s and dL/dc_s straight to the previous step.
    """
    carry_h = G * drop
    carry_c = c_in * drop
    c_in *= ~drop
    return G * ~drop, carry_h, carry_c


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
