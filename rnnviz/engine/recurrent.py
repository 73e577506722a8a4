"""Stacked, optionally bidirectional recurrent networks with instrumented BPTT.

:class:`Recurrent` is the one public surface of the engine's recurrent core. Its parameters
follow PyTorch's ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` ``state_dict`` exactly (names, shapes,
gate order), so a PyTorch model's weights load by name and PyTorch is an exact reference.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rnnviz.engine import cells
from rnnviz.engine.trace import Grads, LayerCache, Trace
from rnnviz.errors import RnnvizError

CELLS = ("rnn_tanh", "rnn_relu", "lstm", "gru")


def _param_names(layer: int, direction: int) -> tuple[str, str, str, str]:
    sfx = f"_l{layer}" + ("_reverse" if direction == 1 else "")
    return (f"weight_ih{sfx}", f"weight_hh{sfx}", f"bias_ih{sfx}", f"bias_hh{sfx}")


class Recurrent:
    """A stack of recurrent layers (RNN tanh/ReLU, LSTM or GRU), uni- or bidirectional.

    Args:
        cell: "rnn_tanh" | "rnn_relu" | "lstm" | "gru".
        input_size: D, features per time step.
        hidden_size: H, an int, or a list with one size per layer (then ``num_layers`` is
            its length, or must equal it).
        num_layers: L.
        bidirectional: run each layer forwards and backwards in time and concatenate.
        seed: for PyTorch's default initialisation U(-1/√H, 1/√H).
        dtype: float32 (default) or float64.

    Arrays are time-major: inputs (T, B, D), states (L * directions, B, H).
    """

    def __init__(self, cell: str, input_size: int, hidden_size, num_layers: int = 1,
                 bidirectional: bool = False, seed: int = 0, dtype=np.float32) -> None:
        if cell not in CELLS:
            raise RnnvizError(f"cell must be one of {', '.join(CELLS)}; got {cell!r}")
        if not _is_positive_int(input_size):
            raise RnnvizError(f"input_size must be a positive integer, got {input_size!r}")
        if isinstance(hidden_size, Sequence) and not isinstance(hidden_size, str):
            sizes = list(hidden_size)
            if not sizes:
                raise RnnvizError("hidden_size must be a positive integer or a non-empty list of them")
            if num_layers not in (1, len(sizes)):
                raise RnnvizError(
                    f"num_layers={num_layers!r} disagrees with hidden_size list of length {len(sizes)}")
        else:
            if not _is_positive_int(num_layers):
                raise RnnvizError(f"num_layers must be a positive integer, got {num_layers!r}")
            sizes = [hidden_size] * num_layers
        for k, h in enumerate(sizes):
            if not _is_positive_int(h):
                raise RnnvizError(f"hidden_size of layer {k} must be a positive integer, got {h!r}")
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise RnnvizError(f"dtype must be float32 or float64, got {dtype}")
        self.cell = cell
        self.input_size = int(input_size)
        self.hidden_sizes = tuple(int(h) for h in sizes)
        self.num_layers = len(sizes)
        self.bidirectional = bool(bidirectional)
        self.num_directions = 2 if bidirectional else 1
        self.dtype = dtype
        self.n_gates = cells.N_GATES[cell]
        self.params: dict[str, np.ndarray] = {}
        self._prepared_cache: dict | None = None  # see layer_net(frozen=True)
        rng = np.random.default_rng(seed)
        for k, H in enumerate(self.hidden_sizes):
            D = self.layer_input_size(k)
            bound = 1.0 / np.sqrt(H)
            for d in range(self.num_directions):
                wih, whh, bih, bhh = _param_names(k, d)
                GH = self.n_gates * H
                for name, shape in ((wih, (GH, D)), (whh, (GH, H)), (bih, (GH,)), (bhh, (GH,))):
                    self.params[name] = rng.uniform(-bound, bound, size=shape).astype(dtype)

    # ------------------------------------------------------------------ parameters
    def layer_input_size(self, layer: int) -> int:
        return self.input_size if layer == 0 else self.hidden_sizes[layer - 1] * self.num_directions

    @property
    def hidden_size(self) -> int:
        """H of the last layer."""
        return self.hidden_sizes[-1]

    @property
    def output_size(self) -> int:
        return self.hidden_sizes[-1] * self.num_directions

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of the parameters, PyTorch names/shapes/gate order."""
        return {k: v.copy() for k, v in self.params.items()}

    def load_state_dict(self, state: dict, names: dict[str, str] | None = None) -> None:
        """Copy ``state`` into the parameters (in place), strictly.

        Raises RnnvizError naming a missing or unknown key, a wrong shape or non-finite values;
        on error nothing is changed. ``names``: how each parameter is called where ``state``
        came from (``{"weight_ih_l0": "lstm.weight_ih_l0"}``), for the messages.
        """
        load_params_strict(self.params, state, f"this {self.cell} network", names)

    def layer_net(self, layer: int, frozen: bool = False) -> "Recurrent":
        """Layer ``layer`` as a one-layer network of its own, sharing this network's arrays.

        Its input is the previous layer's output (T, B, H_{layer-1} * directions) and its
        parameters are the very arrays of this network (renamed ``*_l0``), so updates made in
        place to either are seen by both. Running the layers one after another, each from the
        previous one's output, gives what :meth:`forward` gives for the stack.

        ``frozen=True``: for repeated inference on weights that no longer change (the live
        view). The weights are reordered, scaled and transposed for the step loops on the
        first forward and kept (about 0.1 ms a call saved for H = 128, most of the cost of a
        one-step forward); after changing the weights, make a new layer net.
        """
        if not (isinstance(layer, (int, np.integer)) and 0 <= layer < self.num_layers):
            raise RnnvizError(f"layer must be in [0, {self.num_layers - 1}], got {layer!r}")
        sub = object.__new__(Recurrent)
        sub.__dict__.update(self.__dict__)
        sub.input_size = self.layer_input_size(layer)
        sub.hidden_sizes = (self.hidden_sizes[layer],)
        sub.num_layers = 1
        sub.params = {}
        sub._prepared_cache = {} if frozen else None
        for d in range(self.num_directions):
            for new, old in zip(_param_names(0, d), _param_names(layer, d)):
                sub.params[new] = self.params[old]
        return sub

    def num_parameters(self) -> int:
        return int(sum(p.size for p in self.params.values()))

    def config(self) -> dict:
        """JSON-serialisable constructor arguments."""
        return {"cell": self.cell, "input_size": self.input_size, "hidden_size": list(self.hidden_sizes),
                "bidirectional": self.bidirectional, "dtype": self.dtype.name}

    # ------------------------------------------------------------------ forward
    def forward(self, x, h0=None, lengths=None) -> Trace:
        """Run the network over a sequence.

        Args:
            x: (T, B, input_size) finite floats.
            h0: None (zeros), an array (L*dirs, B, H) — for LSTM a tuple (h0, c0) — or, for
                layers of different sizes, a list of L*dirs arrays (B, H_k) (LSTM: tuple of lists).
            lengths: None, or (B,) ints in [1, T]: row b uses steps 0..lengths[b]-1 (padded batch).
        Returns:
            :class:`Trace` with ``output`` (T, B, H_last*dirs), ``final_state`` and per-step caches.
        """
        return self._run(x, h0, lengths, finite=True)

    __call__ = forward

    def resume(self, x, state=None) -> Trace:
        """Continue a run from ``state``, a state this network computed (the final state of an
        earlier trace, or its states at one step), over more input ``x``.

        :meth:`forward` with ``h0=state``, except that ``x`` and ``state`` may hold inf or NaN.
        An overflowing network (an exploding ReLU RNN) computes them, and one forward pass over
        the whole sequence carries them on from step to step as the arithmetic gives; running
        the sequence in pieces (the live view: one piece per keystroke, one layer at a time)
        must give the same arrays, so the pieces carry them on too. :meth:`forward` refuses
        them: there they come from the caller, and an input or initial state must be finite.
        Shapes are checked as in :meth:`forward`.
        """
        return self._run(x, state, None, finite=False)

    def _run(self, x, h0, lengths, finite: bool) -> Trace:
        """The forward pass; ``finite``: refuse NaN/inf in ``x`` and ``h0``."""
        x = self._check_input(x, finite)
        T, B, _ = x.shape
        mask = self._make_mask(lengths, T, B)
        h0s, c0s = self._initial_states(h0, B, finite)
        dt = self.dtype
        caches: list[list[LayerCache]] = []
        layer_in = x
        for k, H in enumerate(self.hidden_sizes):
            row = []
            for d in range(self.num_directions):
                row.append(self._forward_direction(k, d, layer_in, h0s[k][d],
                                                   None if c0s is None else c0s[k][d], mask))
            caches.append(row)
            layer_in = self._layer_output(row, mask)
        output = layer_in
        if T == 0:
            output = np.zeros((0, B, self.output_size), dtype=dt)
        final = self._final_state(caches, T, h0s, c0s)
        return Trace(cell=self.cell, hidden_sizes=self.hidden_sizes, num_directions=self.num_directions,
                     output=output, final_state=final, caches=caches,
                     lengths=None if lengths is None else np.asarray(lengths).copy(), mask=mask)

    def _forward_direction(self, k, d, x, h0, c0, mask) -> LayerCache:
        if self.cell == "lstm":
            return self._lstm_forward(k, d, x, h0, c0, mask)
        T, B, D = x.shape
        H = self.hidden_sizes[k]
        wih_t, bias, whh_t = self._prepared(k, d, B)
        bhh = self.params[_param_names(k, d)[3]]
        # input projections for all steps in one product: (T*B, D) @ (D, G*H)
        gates = np.matmul(x.reshape(T * B, D), wih_t).reshape(T, B, wih_t.shape[1])
        gates += bias
        h = np.empty((T, B, H), dtype=self.dtype)
        rev = _reverser(d)
        m = None if mask is None else rev(mask)
        names = cells.GATES[self.cell] or ("a",)
        views = {name: gates[..., j * H:(j + 1) * H] for j, name in enumerate(names)}
        cache = LayerCache(h=h, gate_views=views, h0=h0, x=x, buffers={"gates": gates})
        if self.cell == "gru":
            cache.hn = np.empty_like(h)
            cells.gru_scan(rev(gates), rev(h), rev(cache.hn), whh_t, bhh[2 * H:], h0, m)
        else:
            cells.rnn_scan(rev(gates), rev(h), whh_t, h0, m, relu=self.cell == "rnn_relu")
        return cache

    def _prepared(self, k: int, d: int, B: int):
        """(W_ihᵀ (D, G*H), bias (G*H,), W_hhᵀ (H, G*H)) as the step loops want them.

        GRU / RNN: rows scaled by :func:`cells.sigmoid_row_scale`; the bias is b_ih + b_hh
        (GRU: b_hn stays out of it, it sits inside r ⊙ (...)). LSTM: rows in the internal gate
        order and scaled for the route the batch size selects (:func:`cells.lstm_scale`).
        Kept between calls only by a frozen layer net (see :meth:`layer_net`).
        """
        H = self.hidden_sizes[k]
        key = (k, d, cells.lstm_tanh_route(B, H) if self.cell == "lstm" else None)
        cache = self._prepared_cache
        if cache is not None and key in cache:
            return cache[key]
        wih, whh, bih, bhh = (self.params[n] for n in _param_names(k, d))
        if self.cell == "lstm":
            rows, s = cells.lstm_rows(H), cells.lstm_scale(B, H, self.dtype)
            wih, whh, bias = wih[rows], whh[rows], (bih + bhh)[rows]
        else:
            s = cells.sigmoid_row_scale(self.cell, H, self.dtype)
            if self.cell == "gru":  # b_hn stays out: it sits inside r ⊙ (W_hn h + b_hn)
                bias = bih.copy()
                bias[:2 * H] += bhh[:2 * H]
            else:
                bias = bih + bhh
        out = ((wih * s[:, None]).T, bias * s, np.ascontiguousarray((whh * s[:, None]).T))
        if cache is not None:
            cache[key] = out
        return out

    def _lstm_forward(self, k, d, x, h0, c0, mask) -> LayerCache:
        """LSTM layer-direction forward in the gate-major layout of :mod:`cells`.

        Buffers have one row more than steps: ``z`` (T+1, 5, B, H) holds step t's gates
        (o, i, f, g) and the cell state before it; ``hb`` (T+1, B, H) the hidden states, with
        the initial state in the extra row (first for direction 0, last for direction 1).
        """
        T, B, D = x.shape
        H = self.hidden_sizes[k]
        wih_t, bias, whh_t = self._prepared(k, d, B)
        z = np.empty((T + 1, 5, B, H), dtype=self.dtype)
        hb = np.empty((T + 1, B, H), dtype=self.dtype)
        tc = np.empty((T, B, H), dtype=self.dtype)
        rev = _reverser(d)
        rev(z)[0, 4] = c0
        rev(hb)[0] = h0
        cells.lstm_scan(rev(x), wih_t, bias, whh_t, rev(z), rev(hb), rev(tc),
                        None if mask is None else rev(mask))
        g0, s0 = (0, 1) if d == 0 else (1, 0)  # first row of the gates / of the states after a step
        views = {name: z[g0:g0 + T, cells.LSTM_NAMES.index(name)] for name in cells.GATES["lstm"]}
        return LayerCache(h=hb[s0:s0 + T], gate_views=views, h0=h0, x=x, c=z[s0:s0 + T, 4], tc=tc,
                          c0=c0, buffers={"z": z, "hb": hb})

    def _layer_output(self, row: list[LayerCache], mask) -> np.ndarray:
        if len(row) == 1:
            out = row[0].h
            return out * mask if mask is not None else out
        out = np.concatenate([row[0].h, row[1].h], axis=-1)
        if mask is not None:
            out *= mask
        return out

    def _final_state(self, caches, T, h0s, c0s):
        hs, cs = [], []
        for k, row in enumerate(caches):
            for d, cache in enumerate(row):
                if T == 0:
                    hs.append(h0s[k][d])
                    cs.append(None if c0s is None else c0s[k][d])
                    continue
                last = T - 1 if d == 0 else 0  # padded steps hold the state, so this is exact
                hs.append(cache.h[last].copy())
                cs.append(cache.c[last].copy() if cache.c is not None else None)
        if len(set(self.hidden_sizes)) == 1:
            h_n = np.stack(hs)
            if self.cell == "lstm":
                return (h_n, np.stack(cs))
            return h_n
        return (hs, cs) if self.cell == "lstm" else hs

    # ------------------------------------------------------------------ backward
    def backward(self, trace: Trace, d_output, d_final_state=None, truncate: int | None = None) -> Grads:
        """Backpropagation through time.

        Args:
            trace: from :meth:`forward` with the current parameters.
            d_output: (T, B, H_last * dirs) gradient of the loss w.r.t. ``trace.output``
                (padded steps are ignored).
            d_final_state: None, or shaped like ``trace.final_state``.
            truncate: None for full BPTT, or k >= 1: the hidden state is detached every k
                steps (in each direction's processing order), so gradient flows back at most
                k steps within a layer.
        Returns:
            :class:`Grads`: ``params`` (state_dict keys), ``input`` (T, B, input_size),
            ``initial_state`` and ``step_norms(layer, direction)`` = ||dL/dh_t|| (T, B).
        """
        if not isinstance(trace, Trace) or trace.cell != self.cell or trace.hidden_sizes != self.hidden_sizes \
                or trace.num_directions != self.num_directions:
            raise RnnvizError("trace must come from forward() of this network")
        T, B = trace.output.shape[:2]
        d_output = np.asarray(d_output)
        if d_output.shape != trace.output.shape:
            raise RnnvizError(f"d_output must have shape {trace.output.shape}, got {d_output.shape}")
        if truncate is not None and (not _is_positive_int(truncate)):
            raise RnnvizError(f"truncate must be None or a positive integer, got {truncate!r}")
        dfh, dfc = self._split_final_grad(d_final_state, B)
        mask = trace.mask
        grads: dict[str, np.ndarray] = {}
        norms: list[list[np.ndarray]] = [None] * self.num_layers
        dh0 = [[None] * self.num_directions for _ in range(self.num_layers)]
        dc0 = [[None] * self.num_directions for _ in range(self.num_layers)]
        d_above = d_output.astype(self.dtype, copy=False)
        for k in range(self.num_layers - 1, -1, -1):
            H = self.hidden_sizes[k]
            d_in = None
            row_norms = []
            for d in range(self.num_directions):
                cache = trace.caches[k][d]
                dh = np.array(d_above[..., d * H:(d + 1) * H], dtype=self.dtype)  # contiguous copy
                if mask is not None:
                    dh *= mask
                gh = None if dfh is None else dfh[k * self.num_directions + d]
                gc = None if dfc is None else dfc[k * self.num_directions + d]
                if gh is not None and T > 0:
                    dh[T - 1 if d == 0 else 0] += gh
                dx, g0h, g0c = self._backward_direction(k, d, cache, dh, gc, mask, truncate, grads)
                d_in = dx if d_in is None else d_in + dx
                row_norms.append(np.sqrt(np.einsum("tbh,tbh->tb", dh, dh)))
                if T == 0:
                    g0h = np.zeros((B, H), self.dtype) if gh is None else np.array(gh, self.dtype)
                    g0c = None if self.cell != "lstm" else (
                        np.zeros((B, H), self.dtype) if gc is None else np.array(gc, self.dtype))
                dh0[k][d], dc0[k][d] = g0h, g0c
            norms[k] = row_norms
            d_above = d_in
        params = {name: grads[name] for name in self.params}
        flat_h = [g for row in dh0 for g in row]
        flat_c = [g for row in dc0 for g in row]
        if len(set(self.hidden_sizes)) == 1:
            init = (np.stack(flat_h), np.stack(flat_c)) if self.cell == "lstm" else np.stack(flat_h)
        else:
            init = (flat_h, flat_c) if self.cell == "lstm" else flat_h
        return Grads(params=params, input=d_above, initial_state=init, norms=norms,
                     num_directions=self.num_directions)

    def _backward_direction(self, k, d, cache: LayerCache, dh, dc_final, mask, truncate, grads):
        """Backward through one layer-direction; fills ``grads`` and returns (dx, dh0, dc0).

        ``dh`` holds the direct gradient on entry and the total dL/dh_t on exit.
        """
        T, B, D = cache.x.shape
        H = self.hidden_sizes[k]
        GH = self.n_gates * H
        wih_n, whh_n, bih_n, bhh_n = _param_names(k, d)
        whh = self.params[whh_n]
        rev = _reverser(d)
        m = None if mask is None else rev(mask)
        if T == 0:
            for name in (wih_n, whh_n, bih_n, bhh_n):
                grads[name] = np.zeros_like(self.params[name])
            return np.zeros((0, B, D), self.dtype), None, None
        if self.cell == "lstm":
            return self._lstm_backward(k, d, cache, dh, dc_final, m, truncate, grads)
        if self.cell == "gru":
            d_x, d_hn, dh0 = cells.gru_backward(rev(cache.buffers["gates"]), rev(cache.h), rev(cache.hn), whh,
                                                 cache.h0, m, rev(dh), truncate)
            d_x, d_hn = rev(d_x), rev(d_hn)
        else:
            d_a, dh0 = cells.rnn_backward(rev(cache.buffers["gates"]), rev(cache.h), whh, cache.h0, m, rev(dh),
                                          relu=self.cell == "rnn_relu", truncate=truncate)
            d_x = rev(d_a)
        d_x = np.ascontiguousarray(d_x)
        dx2 = d_x.reshape(T * B, GH)
        grads[wih_n] = dx2.T @ cache.x.reshape(T * B, D)
        grads[bih_n] = dx2.sum(axis=0)
        # hidden path: sum_t d_hid[t]ᵀ h_{t-1} with h_{t-1} the previous state in processing order
        h = cache.h
        if self.cell == "gru":
            d_hn = np.ascontiguousarray(d_hn)
            gw = np.empty_like(whh)
            gw[:2 * H] = _outer_sum(d_x[..., :2 * H], h, cache.h0, d)
            gw[2 * H:] = _outer_sum(d_hn, h, cache.h0, d)
            gb = np.empty(GH, dtype=self.dtype)
            gb[:2 * H] = grads[bih_n][:2 * H]
            gb[2 * H:] = d_hn.reshape(T * B, H).sum(axis=0)
            grads[whh_n], grads[bhh_n] = gw, gb
        else:
            grads[whh_n] = _outer_sum(d_x, h, cache.h0, d)
            grads[bhh_n] = grads[bih_n].copy()
        dx = (dx2 @ self.params[wih_n]).reshape(T, B, D)
        return dx, dh0, None  # no cell state

    def _lstm_backward(self, k, d, cache: LayerCache, dh, dc_final, mask, truncate, grads):
        """LSTM backward; the weight and input gradients are accumulated chunk by chunk.

        ``mask`` is in processing order. Returns (dx (T, B, D), dh0, dc0).
        """
        T, B, D = cache.x.shape
        H = self.hidden_sizes[k]
        wih_n, whh_n, bih_n, bhh_n = _param_names(k, d)
        rows = cells.lstm_rows(H)
        wih = self.params[wih_n][rows]
        rev = _reverser(d)
        x, h_prev = rev(cache.x), rev(cache.buffers["hb"])[:T]
        dx = np.empty((T, B, D), dtype=self.dtype)
        dx_p = rev(dx)
        g_ih = np.zeros((4 * H, D), dtype=self.dtype)
        g_hh = np.zeros((4 * H, H), dtype=self.dtype)
        g_b = np.zeros(4 * H, dtype=self.dtype)

        def consume(lo, hi, d_pre):
            """d_pre (n*B, 4H) for processing steps lo..hi-1: Σ d_preᵀ [x, h_prev, 1] and dx."""
            n = hi - lo
            g_ih[...] += d_pre.T @ x[lo:hi].reshape(n * B, D)
            g_hh[...] += d_pre.T @ h_prev[lo:hi].reshape(n * B, H)
            g_b[...] += d_pre.sum(axis=0)
            dx_p[lo:hi] = (d_pre @ wih).reshape(n, B, D)

        dh0, dc0 = cells.lstm_backward(rev(cache.buffers["z"]), rev(cache.tc),
                                       self.params[whh_n][rows], rev(dh),
                                       dc_final, mask, truncate, consume)
        back = np.argsort(rows)  # internal gate order -> PyTorch's
        grads[wih_n], grads[whh_n], grads[bih_n] = g_ih[back], g_hh[back], g_b[back]
        grads[bhh_n] = grads[bih_n].copy()
        return dx, dh0, dc0

    # ------------------------------------------------------------------ validation helpers
    def _check_input(self, x, finite: bool = True) -> np.ndarray:
        """``x`` as a contiguous (T, B, D) array of this network's dtype; ``finite``: refuse
        NaN/inf."""
        x = np.asarray(x)
        if x.ndim != 3 or x.shape[2] != self.input_size:
            raise RnnvizError(
                f"x must have shape (T, B, {self.input_size}) (time-major), got {x.shape}")
        if x.dtype.kind not in "fiub":
            raise RnnvizError(f"x must be numeric, got dtype {x.dtype}")
        if x.shape[1] == 0:
            raise RnnvizError("x must have a batch size B >= 1, got 0")
        x = np.ascontiguousarray(x, dtype=self.dtype)
        if finite and not np.all(np.isfinite(x)):
            raise RnnvizError("x holds NaN or infinite values; inputs must be finite")
        return x

    def _make_mask(self, lengths, T, B):
        if lengths is None:
            return None
        lengths = np.asarray(lengths)
        if lengths.shape != (B,) or lengths.dtype.kind not in "iu":
            raise RnnvizError(f"lengths must be an int array of shape ({B},), got {lengths.shape} {lengths.dtype}")
        if np.any(lengths < 1) or np.any(lengths > T):
            raise RnnvizError(f"lengths must lie in [1, T={T}], got min {lengths.min()} max {lengths.max()}")
        if np.all(lengths == T):
            return None
        return (np.arange(T)[:, None] < lengths[None, :])[:, :, None]

    def _initial_states(self, h0, B, finite: bool = True):
        """Per layer/direction (B, H) initial states; (hs, cs) as nested lists [layer][dir].
        ``finite``: refuse NaN/inf."""
        L, nd = self.num_layers, self.num_directions
        want = [(B, H) for H in self.hidden_sizes for _ in range(nd)]

        def split(arr, what):
            if arr is None:
                return [np.zeros(s, self.dtype) for s in want]
            if isinstance(arr, (list, tuple)):
                items = list(arr)
            else:
                a = np.asarray(arr)
                if a.ndim != 3 or a.shape[0] != L * nd:
                    raise RnnvizError(
                        f"{what} must have shape ({L * nd}, {B}, H), got {a.shape}")
                items = list(a)
            if len(items) != L * nd:
                raise RnnvizError(f"{what} must hold {L * nd} states (layers x directions), got {len(items)}")
            out = []
            for i, (it, shp) in enumerate(zip(items, want)):
                a = np.asarray(it)
                if a.shape != shp:
                    raise RnnvizError(f"{what}[{i}] must have shape {shp}, got {a.shape}")
                a = np.array(a, dtype=self.dtype)
                if finite and not np.all(np.isfinite(a)):
                    raise RnnvizError(f"{what} holds NaN or infinite values")
                out.append(a)
            return out

        if self.cell == "lstm":
            if h0 is None:
                hs, cs = split(None, "h0"), split(None, "c0")
            else:
                if not (isinstance(h0, tuple) and len(h0) == 2):
                    raise RnnvizError("h0 for an LSTM must be a tuple (h0, c0)")
                hs, cs = split(h0[0], "h0"), split(h0[1], "c0")
        else:
            hs, cs = split(h0, "h0"), None
        nest = lambda flat: [flat[k * nd:(k + 1) * nd] for k in range(L)]  # noqa: E731
        return nest(hs), (None if cs is None else nest(cs))

    def _split_final_grad(self, d_final, B):
        if d_final is None:
            return None, None
        if self.cell == "lstm":
            if not (isinstance(d_final, tuple) and len(d_final) == 2):
                raise RnnvizError("d_final_state for an LSTM must be a tuple (dh_n, dc_n)")
            hs, cs = self._initial_states(d_final, B)
            return [g for row in hs for g in row], [g for row in cs for g in row]
        hs, _ = self._initial_states(d_final, B)
        return [g for row in hs for g in row], None


def _reverser(direction: int):
    """Processing-order view maker: identity for direction 0, time reversal for direction 1."""
    return (lambda a: a[::-1]) if direction == 1 else (lambda a: a)


def _outer_sum(d_hid: np.ndarray, h: np.ndarray, h0: np.ndarray, direction: int) -> np.ndarray:
    """Σ_t d_hid[t]ᵀ h_prev[t] with h_prev the state before step t in processing order.

    d_hid: (T, B, G), h: (T, B, H), h0: (B, H) -> (G, H).
    """
    T, B, G = d_hid.shape
    H = h.shape[2]
    if direction == 0:
        cur, prev, first = d_hid[1:], h[:-1], d_hid[0]
    else:
        cur, prev, first = d_hid[:-1], h[1:], d_hid[T - 1]
    out = first.T @ h0
    if T > 1:
        out += np.ascontiguousarray(cur).reshape(-1, G).T @ np.ascontiguousarray(prev).reshape(-1, H)
    return out


def load_params_strict(params: dict[str, np.ndarray], state, what: str,
                       names: dict[str, str] | None = None) -> None:
    """Copy ``state`` into the live arrays of ``params`` in place, all or nothing.

    Raises RnnvizError naming a missing or unknown key, a non-numeric or wrongly shaped array,
    NaN/inf values, or values too large for the parameter's dtype (checked after converting to
    it: 1e39 is finite in float64 but inf in float32); nothing is changed unless every entry is
    valid. ``names`` maps a key to the name its array has in the file it came from (a module
    prefix, say): messages use it.
    """
    if not isinstance(state, dict):
        raise RnnvizError(f"state_dict must be a dict of arrays, got {type(state).__name__}")
    missing = [k for k in params if k not in state]
    unknown = [k for k in state if k not in params]
    if missing:
        raise RnnvizError(f"state_dict is missing key {missing[0]!r} (expected {len(params)} keys)")
    if unknown:
        raise RnnvizError(f"state_dict has unknown key {unknown[0]!r} for {what}")
    converted = {}
    for k, v in state.items():
        arr = np.asarray(v)
        shown = f"state_dict[{k!r}]" if names is None or k not in names else repr(names[k])
        if arr.dtype.kind not in "fiu":
            raise RnnvizError(f"{shown} must be numeric, got dtype {arr.dtype}")
        if arr.shape != params[k].shape:
            raise RnnvizError(f"{shown} has shape {arr.shape}, expected {params[k].shape}")
        converted[k] = finite_as(arr, params[k].dtype, shown)
    for k, arr in converted.items():
        params[k][...] = arr


def finite_as(arr: np.ndarray, dtype, shown: str) -> np.ndarray:
    """``arr`` converted to ``dtype``, refused (RnnvizError naming ``shown``) if it holds NaN/inf
    or a value that only becomes infinite in ``dtype`` (too large for it)."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = arr.astype(dtype)
    bad = ~np.isfinite(out)
    if bad.any():
        if not np.all(np.isfinite(arr)):
            raise RnnvizError(f"{shown} holds NaN or infinite values")
        big = float(np.max(np.abs(arr[bad])))
        raise RnnvizError(f"{shown} holds {big:.3g}, a value too large for {np.dtype(dtype).name} "
                          f"(at most {float(np.finfo(dtype).max):.3g})")
    return out


def _is_positive_int(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 1
