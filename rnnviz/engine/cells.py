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
rows once (by -1 for sigmoid gates, 1 for rows left to tanh) and each step applies one
``exp`` (about half the cost of ``tanh`` per element in NumPy), ``+1`` and a reciprocal to
the whole sigmoid block. exp overflow to inf gives the exact limit 0. The LSTM has its own
layout and two gate identities (see the LSTM section). Backward uses the factorisation that,
given the forward values, every gate gradient is the incoming ``dL/dh_t`` (and ``dL/dc_t``)
times a factor that can be computed for many steps at once outside the loop.
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
    """Per-row factor applied to the stacked GRU / RNN weights so that one exp gives every gate.

    Shape (G*H,): -1 for sigmoid rows (GRU r, z), 1 for rows left to tanh (GRU n, RNN).
    The LSTM uses :func:`lstm_scale`.
    """
    if cell == "gru":
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


# ndarray.dot skips np.dot's __array_function__ dispatch: ~0.3 µs less per call in the step loops
_dot = np.ndarray.dot


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
        _dot(h_prev, whh_t, tmp)
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
        _dot(d, whh, dh_next)
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
# NumPy a slow iterator per call), the sigmoid gates are one block and one product
# [i, f] ⊙ [g, c_{s-1}] gives both terms of c_s. Per step the cost is mostly NumPy's fixed
# ~0.5 µs per call for small batches, so the loops below are written to make few calls.
LSTM_ORDER = (3, 0, 1, 2)  # internal block k holds PyTorch gate block LSTM_ORDER[k]
LSTM_NAMES = "oifg"


def lstm_rows(hidden: int) -> np.ndarray:
    """(4H,) row indices taking PyTorch-ordered (4H, ...) weights to the internal (o, i, f, g) order."""
    return np.concatenate([np.arange(k * hidden, (k + 1) * hidden) for k in LSTM_ORDER])


def _numpy_has_avx512_tanh() -> bool:
    """Whether NumPy runs float32 tanh on its AVX-512 (SKX) loop on this machine: there tanh
    costs about what exp does per element (0.44 vs 0.62 ns measured), on the AVX2 loop about
    1.5x exp (3.5 vs 2.4 ns). Read from NumPy's CPU dispatch table, so the choice is the same
    in every process on a machine (the two routes round differently in the last bit)."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:  # a NumPy without that table: assume the slower tanh
        return False
    return bool(__cpu_features__.get("AVX512_SKX"))


#: see :func:`_numpy_has_avx512_tanh`
FAST_TANH = _numpy_has_avx512_tanh()


def lstm_tanh_route(batch: int, hidden: int) -> bool:
    """Which identity the forward uses for the gates (the weights are pre-scaled to match).

    tanh route, σ(a) = ½ tanh(a/2) + ½: one tanh over the four gates and two calls on the
    sigmoid block — fewest calls, best for small blocks. exp route, σ(a) = 1 / (1 + exp(-a)),
    tanh(a) = 2 σ(2a) - 1: two calls more, but exp costs less than tanh per element where
    NumPy's tanh has no AVX-512 loop. With one (:data:`FAST_TANH`) the tanh route is
    faster at every size (forward of an LSTM, T=100, B=32, H=128: 15.7-17.5 ms vs 17.7-20.5).
    """
    return FAST_TANH or batch * hidden <= 128


def lstm_scale(batch: int, hidden: int, dtype) -> np.ndarray:
    """(4H,) factors for the internal-order weight and bias rows of the route in use.

    tanh route: ½ for the sigmoid gates o, i, f, 1 for g. exp route: -1 for o, i, f, -2 for g.
    """
    tanh_route = lstm_tanh_route(batch, hidden)
    s = np.full(4 * hidden, 0.5 if tanh_route else -1.0, dtype=dtype)
    s[3 * hidden:] = 1.0 if tanh_route else -2.0
    return s


def chunk_steps(batch: int, hidden: int, steps: int) -> int:
    """Steps per chunk of the vectorised passes around the step loops: ~64K floats per block.

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
    internal gate order, transposed and scaled by :func:`lstm_scale`. z: (T+1, 5, B, H) with
    z[0, 4] = c0 on entry, filled as described above. hb: (T+1, B, H) with hb[0] = h0 on
    entry, hb[s+1] = h_s on exit. tc: (T, B, H) tanh(c_s). mask: (T, B, 1) bool or None.

    The input projection x̃ = W_ih x + b is computed per chunk of steps in one matrix product
    (batch-major) and added to W_hh h_{s-1} as a gate-major view.
    """
    T, B, D = x.shape
    H = hb.shape[2]
    steps = _lstm_steps_tanh if lstm_tanh_route(B, H) else _lstm_steps_exp
    chunk = chunk_steps(B, H, T)
    xp = np.empty((chunk, B, 4 * H), dtype=hb.dtype)
    work = _LstmWork(B, H, hb.dtype, whh_t)
    for lo in range(0, T, chunk):
        hi = min(T, lo + chunk)
        n = hi - lo
        xc = xp[:n]
        np.matmul(x[lo:hi].reshape(n * B, D), wih_t, out=xc.reshape(n * B, 4 * H))
        xc += bias
        zc = z[lo:hi + 1]
        # one view per operand and step, made by iterating (cheaper than indexing in the loop)
        views = dict(xs=xc.reshape(n, B, 4, H).transpose(0, 2, 1, 3), a=zc[:n, :4], sig=zc[:n, :3],
                     g=zc[:n, 3], i_f=zc[:n, 1:3], g_c=zc[:n, 3:5], o=zc[:n, 0], c=zc[1:, 4],
                     t=tc[lo:hi], h=hb[lo + 1:hi + 1], drop=_step_drops(mask, lo, hi))
        steps(work, hb[lo], **views)


class _LstmWork:
    """Weights, scratch arrays and constants of one forward scan, shared by its chunks."""

    def __init__(self, B, H, dtype, whh_t):
        self.whh_t = whh_t
        self.tmp = np.empty((B, 4 * H), dtype=dtype)
        self.tmp_g = self.tmp.reshape(B, 4, H).transpose(1, 0, 2)  # gate-major view
        self.prod = np.empty((2, B, H), dtype=dtype)
        # 0-d arrays take NumPy's fast path (a Python float is converted on every call)
        self.half, self.one, self.two = (np.array(v, dtype) for v in (0.5, 1.0, 2.0))


def _lstm_steps_tanh(w, hp, xs, a, sig, g, i_f, g_c, o, c, t, h, drop):
    """Steps of the tanh route: t = tanh(a) for all gates, then σ = ½ t + ½ on the o, i, f block."""
    dot, add, mul, tanh = _dot, np.add, np.multiply, np.tanh
    whh_t, tmp, tmp_g, prod, half = w.whh_t, w.tmp, w.tmp_g, w.prod, w.half
    ig, fc = prod
    for xs_, a_, sig_, if_, gc_, o_, c_, t_, h_, drop_ in zip(xs, a, sig, i_f, g_c, o, c, t, h, drop):
        dot(hp, whh_t, tmp)
        add(xs_, tmp_g, a_)
        tanh(a_, a_)
        mul(sig_, half, sig_)
        add(sig_, half, sig_)
        mul(if_, gc_, prod)  # [i ⊙ g, f ⊙ c_{s-1}]
        add(ig, fc, c_)
        tanh(c_, t_)
        mul(o_, t_, h_)
        if drop_ is not None:
            _lstm_hold(h_, hp, c_, gc_[1], drop_)
        hp = h_


def _lstm_steps_exp(w, hp, xs, a, sig, g, i_f, g_c, o, c, t, h, drop):
    """Steps of the exp route: σ = 1 / (1 + exp(-a)) for all gates, then g = 2 σ(2a) - 1."""
    dot, add, sub, mul, exp, recip, tanh = (_dot, np.add, np.subtract, np.multiply, np.exp,
                                            np.reciprocal, np.tanh)
    whh_t, tmp, tmp_g, prod, one, two = w.whh_t, w.tmp, w.tmp_g, w.prod, w.one, w.two
    ig, fc = prod
    for xs_, a_, g_, if_, gc_, o_, c_, t_, h_, drop_ in zip(xs, a, g, i_f, g_c, o, c, t, h, drop):
        dot(hp, whh_t, tmp)
        add(xs_, tmp_g, a_)
        exp(a_, a_)
        add(a_, one, a_)
        recip(a_, a_)
        mul(g_, two, g_)
        sub(g_, one, g_)
        mul(if_, gc_, prod)  # [i ⊙ g, f ⊙ c_{s-1}]
        add(ig, fc, c_)
        tanh(c_, t_)
        mul(o_, t_, h_)
        if drop_ is not None:
            _lstm_hold(h_, hp, c_, gc_[1], drop_)
        hp = h_


def _lstm_hold(h, h_prev, c, c_prev, drop) -> None:
    """Padded rows (drop, (B, 1) bool) carry the state through the step unchanged."""
    np.copyto(h, h_prev, where=drop)
    np.copyto(c, c_prev, where=drop)


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

        d_o = P_o ⊙ G,     dc = K ⊙ G + f_{s+1} ⊙ dc_{s+1}
        [d_i, d_f, d_g, f ⊙ dc] = [P_i, P_f, P_g, f] ⊙ dc,     dL/dh_{s-1} += d_pre W_hh
    """
    T, B, H = dh.shape
    chunk = chunk_steps(B, H, T)
    q = np.empty((chunk + 1, 6, B, H), dtype=dh.dtype)
    rows = None if B == 1 else np.empty((chunk, B, 4 * H), dtype=dh.dtype)
    work = _LstmBackWork(B, H, dh.dtype, whh)
    carry = np.zeros((B, H), dh.dtype) if dc_final is None else np.array(dc_final, dtype=dh.dtype)
    for hi in range(T, 0, -chunk):
        lo = max(0, hi - chunk)
        n = hi - lo
        qc = q[:n + 1]
        _lstm_factors(z[lo:hi], tc[lo:hi], qc)
        qc[n, 5] = carry
        # d_pre rows for W_hh: for B = 1 the gate-major (4, 1, H) block already is the (1, 4H) row
        d_pre = qc[:n, 1:5].reshape(n, 1, 4 * H) if B == 1 else rows[:n]
        extras = _lstm_back_extras(mask, truncate, lo, hi, None if B == 1 else (qc[:n, 1:5], d_pre))
        back = slice(None, None, -1)
        _lstm_back_steps(work, G=dh[lo:hi][back], k=qc[:n, 0][back], po=qc[:n, 1][back],
                         c_in=qc[1:, 5][back], r4=qc[:n, 2:6][back], row=d_pre[back], extra=extras[back])
        carry = qc[0, 5].copy()
        consume(lo, hi, d_pre.reshape(n * B, 4 * H))
    return work.dh_next, carry


class _LstmBackWork:
    """W_hh and the (B, H) state of one backward scan, shared by its chunks."""

    def __init__(self, B, H, dtype, whh):
        self.whh = whh
        self.dh_next = np.zeros((B, H), dtype=dtype)
        self.dc = np.empty((B, H), dtype=dtype)


def _lstm_back_steps(w, G, k, po, c_in, r4, row, extra):
    """The step loop of :func:`lstm_backward` over one chunk (views in backward order)."""
    dot, add, mul = _dot, np.add, np.multiply
    whh, dh_next, dc = w.whh, w.dh_next, w.dc
    for G_, k_, po_, cin_, r4_, row_, extra_ in zip(G, k, po, c_in, r4, row, extra):
        add(G_, dh_next, G_)
        if extra_ is None:
            mul(po_, G_, po_)
            mul(k_, G_, dc)
            add(dc, cin_, dc)
            mul(r4_, dc, r4_)
            dot(row_, whh, dh_next)
        else:
            _lstm_back_step_extra(w, G_, k_, po_, cin_, r4_, row_, *extra_)


def _lstm_back_step_extra(w, G, k, po, c_in, r4, row, drop, cut, src, dst) -> None:
    """A backward step with any of: padded rows, a truncation cut, a batch-major d_pre copy.

    Padded rows (drop) hand dL/dh_s and dL/dc_s straight to the previous step; only the kept
    rows pass through the cell. A cut (truncated BPTT) stops both gradients after the step.
    """
    if drop is not None:
        carry_h, carry_c = G * drop, c_in * drop
        c_in *= ~drop
        G = G * ~drop
    np.multiply(po, G, po)
    np.multiply(k, G, w.dc)
    w.dc += c_in
    np.multiply(r4, w.dc, r4)
    if src is not None:
        np.copyto(dst, src)
    _dot(row, w.whh, w.dh_next)
    if drop is not None:
        w.dh_next += carry_h
        r4[3] += carry_c
    if cut:
        w.dh_next.fill(0)
        r4[3].fill(0)


def _lstm_back_extras(mask, truncate, lo, hi, copies):
    """Per step lo..hi-1: None for a plain step, else (drop, cut, src, dst) for the slow path.

    copies: None, or (src (n, 4, B, H), rows (n, B, 4H)) when d_pre must be copied batch-major.
    """
    n = hi - lo
    drops = _step_drops(mask, lo, hi)
    cuts = [bool(truncate) and s % truncate == 0 and s > 0 for s in range(lo, hi)]
    if copies is None:
        pairs = [(None, None)] * n
    else:
        src, rows = copies
        pairs = list(zip(src, rows.reshape(n, rows.shape[1], 4, -1).transpose(0, 2, 1, 3)))
    return [None if d is None and not c and p[0] is None else (d, c, *p)
            for d, c, p in zip(drops, cuts, pairs)]


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
    sig = q[:, 1:4]
    np.subtract(one, z[:, 0:3], out=sig)
    sig *= z[:, 0:3]
    q[:, 1] *= tc
    q[:, 2:4] *= z[:, 3:5]
    pg, k = q[:, 4], q[:, 0]
    np.multiply(z[:, 3], z[:, 3], out=pg)
    np.subtract(one, pg, out=pg)
    pg *= z[:, 1]
    np.multiply(tc, tc, out=k)
    np.subtract(one, k, out=k)
    k *= z[:, 0]
    np.copyto(q[:, 5], z[:, 2])


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
        _dot(h_prev, whh_t_scaled, tmp)
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
        _dot(d_hid, whh, dh_next)
        np.multiply(Geff, z[s], out=zg)
        dh_next += zg
        if padded:
            dh_next += carry
        if truncate and s % truncate == 0 and s > 0:
            dh_next.fill(0)
    return F, d_hn, dh_next
