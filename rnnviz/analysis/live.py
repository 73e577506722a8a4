"""Run a model over typed text, incrementally: the engine side of the live view (no Qt).

Every keystroke calls :meth:`LiveRunner.update` with the whole text. The runner tokenises it,
finds the first token that differs from the previous call and, for a unidirectional network,
re-runs the network only from there, starting from the states it kept for the step before.
Per-step arrays live in growable buffers, so typing at the end of a long text costs O(new
tokens), not O(text). Bidirectional networks depend on the future, so any edit re-runs them.

Work is done when it is asked for. For a unidirectional stack, ``update`` only marks what the
edit made stale; ``states(layer)`` brings layers 0..layer up to date, and
``probabilities_until(step)`` runs the layers above only as far as ``step``. So after an edit
at the start of a long text, the view of layer 1 and the prediction at the edit cost one layer,
and the rest (:meth:`LiveRunner.complete`, in slices when the user pauses) costs nothing while
the user is typing. Each layer is the engine's own one-layer network
(:meth:`~rnnviz.engine.recurrent.Recurrent.layer_net`) run from the states kept for the step
before, so the result equals a full forward pass of the whole text.

The arrays the views show (``states(layer, direction)``) are the engine's own forward arrays
for the recomputed steps, copied into the buffers (batch size 1 squeezed): (T, H) each.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnviz.engine.losses import softmax
from rnnviz.errors import RnnvizError

MAX_TOKENS = 200_000
#: a network whose state overflows (an exploding ReLU RNN) is shown as it is, inf and NaN
#: included (the views say so), without NumPy's warnings on every keystroke
_QUIET_OVERFLOW = np.errstate(over="ignore", invalid="ignore")


@dataclass
class LiveResult:
    """What one update produced. ``recomputed_from``: first step that was re-run (T if none).
    ``changed_from``: first step whose token, id or states differ from the previous update
    (<= ``recomputed_from``); views may keep everything before it."""

    text: str
    tokens: list[str]
    spans: list[tuple[int, int]]
    ids: np.ndarray
    unknown: np.ndarray
    recomputed_from: int
    changed_from: int = 0

    @property
    def steps(self) -> int:
        return len(self.tokens)


def _common_prefix_len(a: str, b: str) -> int:
    """Length of the longest common prefix of two strings (O(log n) C-level comparisons)."""
    n = min(len(a), len(b))
    if a[:n] == b[:n]:
        return n
    lo, hi = 0, n  # a[:lo] == b[:lo], a[:hi] != b[:hi]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid
    return lo


def _count_spans_ending_before(spans: list[tuple[int, int]], limit: int) -> int:
    """Number of leading spans whose end is <= ``limit`` (spans are sorted)."""
    lo, hi = 0, len(spans)
    while lo < hi:
        mid = (lo + hi) // 2
        if spans[mid][1] <= limit:
            lo = mid + 1
        else:
            hi = mid
    return lo


class _Buffer:
    """A (capacity, ...) array whose first ``n`` rows are valid; grows geometrically."""

    def __init__(self, row_shape, dtype):
        self.data = np.zeros((64,) + tuple(row_shape), dtype=dtype)

    def write(self, start: int, rows: np.ndarray) -> None:
        end = start + rows.shape[0]
        self.reserve(end, keep=start)
        self.data[start:end] = rows

    def reserve(self, n: int, keep: int | None = None) -> None:
        """Room for ``n`` rows; the first ``keep`` rows (default: all) survive a growth."""
        if n > self.data.shape[0]:
            cap = max(n, 2 * self.data.shape[0])
            grown = np.zeros((cap,) + self.data.shape[1:], dtype=self.data.dtype)
            k = self.data.shape[0] if keep is None else keep
            grown[:k] = self.data[:k]
            self.data = grown


class LiveRunner:
    """Keeps a model's states over an edited text up to date.

    Args:
        model: a token :class:`~rnnviz.engine.model.SequenceModel` with a tokenizer.
    """

    def __init__(self, model) -> None:
        if getattr(model, "tokenizer", None) is None or getattr(model, "encoding", "raw") == "raw":
            raise RnnvizError("the live view needs a token model with a tokenizer")
        self.model = model
        self.net = model.net
        self.tokenizer = model.tokenizer
        self._ids = np.zeros(0, np.int64)
        self._bufs: dict[tuple[int, int, str], _Buffer] = {}
        self._out = None  # per-step probabilities
        # leading steps whose states (per layer) and probabilities are up to date
        self._valid = [0] * self.net.num_layers
        # one-layer networks with their step-loop weights kept: the runner lives as long as the
        # model's weights do (a change of weights makes the live view a new runner)
        self._layer_nets = [self.net.layer_net(k, frozen=True) for k in range(self.net.num_layers)]
        self._out_valid = 0
        self._T = 0
        self._tokens: list[str] = []
        self._spans: list[tuple[int, int]] = []
        self.last = LiveResult("", [], [], self._ids, np.zeros(0, bool), 0)

    def _tokenize(self, text: str):
        """(tokens, spans, ids, unknown, first changed token) of ``text``, re-tokenising only
        from the last token that the edit may have touched (typing costs O(new tokens)).

        Tokenisers scan left to right and decide where a token ends by looking at most two
        characters ahead, so a token ending two or more characters before the first edited
        character is unchanged, and the text after it tokenises as it would in the whole text.
        """
        old = self.last.text
        p = _common_prefix_len(old, text)
        k = _count_spans_ending_before(self._spans, p - 2) if p >= 2 else 0
        e = self._spans[k - 1][1] if k else 0
        tail = text[e:]
        tok = self.tokenizer
        t_tokens = tok.tokenize(tail)
        t_spans = tok.spans(tail)
        if e:
            t_spans = [(a + e, b + e) for a, b in t_spans]
        t_ids = np.asarray(tok.encode(tail), dtype=np.int64)
        tokens = self._tokens[:k] + t_tokens
        spans = self._spans[:k] + t_spans
        ids = np.concatenate([self._ids[:k], t_ids]) if k else t_ids
        unknown = ids == 0  # the id of every token outside the vocabulary (encode)
        # first token that differs from the previous text
        n = min(len(self._tokens), len(tokens))
        changed = k
        while changed < n and tokens[changed] == self._tokens[changed] and ids[changed] == self._ids[changed]:
            changed += 1
        return tokens, spans, ids, unknown, changed

    # ------------------------------------------------------------------ update
    def update(self, text: str) -> LiveResult:
        """Tokenise ``text`` and mark the steps the edit made stale (from the first changed
        token on); they are run when asked for (:meth:`states`, :meth:`probabilities_until`,
        :meth:`complete`). A bidirectional network is run whole at once."""
        if not isinstance(text, str):
            raise RnnvizError(f"text must be a string, got {type(text).__name__}")
        tokens, spans, ids, unknown, changed = self._tokenize(text)
        if len(tokens) > MAX_TOKENS:
            raise RnnvizError(f"the text has {len(tokens)} tokens; the live view shows at most {MAX_TOKENS}")
        T_new = len(ids)
        n = min(self._T, T_new)
        diff = np.flatnonzero(self._ids[:n] != ids[:n])
        start = int(diff[0]) if diff.size else n
        if self.net.bidirectional and (start < T_new or T_new != self._T):
            start = 0
        self._ids = ids
        self._T = T_new
        self._valid = [min(v, start) for v in self._valid]
        self._out_valid = min(self._out_valid, start)
        if self.net.bidirectional:
            self.complete()  # every step of a backward direction depends on the last token
        self._tokens, self._spans = tokens, spans
        self.last = LiveResult(text, tokens, spans, ids, unknown, start, min(start, changed))
        return self.last

    # ------------------------------------------------------------------ running
    def pending(self) -> bool:
        """Whether some layer or output is not yet up to date for the current text."""
        return self._out_valid < self._T or any(v < self._T for v in self._valid)

    def complete(self, max_steps: int | None = None) -> bool:
        """Bring every layer and the outputs up to date, or run at most about ``max_steps``
        layer-steps of it (for slices of idle time). Returns True when nothing is left."""
        if self.net.bidirectional:
            if self.pending():
                self._run_all()
            return True
        budget = np.inf if max_steps is None else max(1, int(max_steps))
        for k in range(self.net.num_layers):
            v = self._valid[k]
            upto = int(min(self._T if k == 0 else self._valid[k - 1], v + budget))
            if upto > v:
                self._ensure_layer(k, upto)
                budget -= upto - v
        self._ensure_outputs(self._valid[-1])
        return not self.pending()

    @_QUIET_OVERFLOW
    def _ensure_layer(self, k: int, upto: int) -> None:
        """Run layer ``k`` (unidirectional) over its stale steps before ``upto``."""
        start = self._valid[k]
        if start >= upto:
            return
        if k > 0:
            self._ensure_layer(k - 1, upto)
            layer_in = self._bufs[(k - 1, 0, "h")].data[start:upto, None, :]
        else:
            layer_in = self.model.encode(self._ids[start:upto, None])
        h0 = None
        if start > 0:
            h0 = self._bufs[(k, 0, "h")].data[start - 1][None, None]
            if self.net.cell == "lstm":
                h0 = (h0, self._bufs[(k, 0, "c")].data[start - 1][None, None])
        # resume, not forward: after an overflow the state carried over (and a higher layer's
        # input) holds inf/NaN, which one pass over the whole text carries on as the arithmetic
        # gives; the pieces must give the same arrays (forward refuses them as a caller's input)
        trace = self._layer_nets[k].resume(layer_in, h0)
        self._store(k, 0, trace.states(0, 0), start)
        self._valid[k] = upto

    @_QUIET_OVERFLOW
    def _ensure_outputs(self, upto: int) -> None:
        """Per-step probabilities before ``upto`` (the last layer must be up to date there)."""
        start = self._out_valid
        if start >= upto:
            return
        h = self._bufs[(self.net.num_layers - 1, 0, "h")].data[start:upto, None, :]
        self._store_probs(self.model.head.forward(h)[:, 0], start)
        self._out_valid = upto

    @_QUIET_OVERFLOW
    def _run_all(self) -> None:
        """One forward pass of the whole text (bidirectional networks)."""
        trace = self.net.forward(self.model.encode(self._ids[:, None]))
        for k in range(self.net.num_layers):
            for d in range(self.net.num_directions):
                self._store(k, d, trace.states(k, d), 0)
        self._store_probs(self.model.step_outputs(trace)[:, 0], 0)
        self._valid = [self._T] * self.net.num_layers
        self._out_valid = self._T

    def _store(self, k: int, d: int, states: dict, start: int) -> None:
        for key, arr in states.items():
            buf = self._bufs.get((k, d, key))
            if buf is None:
                buf = self._bufs[(k, d, key)] = _Buffer(arr.shape[2:], arr.dtype)
            buf.write(start, arr[:, 0])

    def _store_probs(self, logits: np.ndarray, start: int) -> None:
        probs = softmax(logits.astype(np.float64), axis=-1)
        if self._out is None:
            self._out = _Buffer(probs.shape[1:], probs.dtype)
        self._out.write(start, probs)

    # ------------------------------------------------------------------ views
    @property
    def steps(self) -> int:
        return self._T

    def states(self, layer: int = 0, direction: int = 0) -> dict[str, np.ndarray]:
        """(T, H) arrays "h", "c", gates... for the current text (views of the buffers); runs
        the stale steps of this layer and of the layers below it first."""
        if not 0 <= layer < self.net.num_layers or not 0 <= direction < self.net.num_directions:
            raise RnnvizError(f"no layer {layer} / direction {direction} in this model")
        T = self._T
        if not self.net.bidirectional:
            self._ensure_layer(layer, T)
        keys = {"lstm": "h c i f g o", "gru": "h r z n"}.get(self.net.cell, "h a").split()
        out = {}
        for key in keys:
            buf = self._bufs.get((layer, direction, key))
            H = self.net.hidden_sizes[layer]
            out[key] = buf.data[:T] if buf is not None else np.zeros((0, H), self.net.dtype)
        return out

    def probabilities(self) -> np.ndarray:
        """(T, C): next-token distribution (language model) or class probabilities after each token."""
        return self.probabilities_until(self._T - 1)

    def probabilities_until(self, step: int) -> np.ndarray:
        """(T, C) like :meth:`probabilities`, up to date for the steps <= ``step`` (later rows
        may be stale): runs the layers only as far as ``step``."""
        upto = min(self._T, max(0, int(step) + 1))
        if self.net.bidirectional:
            self.complete()
        else:
            self._ensure_layer(self.net.num_layers - 1, upto)
            self._ensure_outputs(upto)
        if self._out is None:
            return np.zeros((self._T, self.model.output_size))
        self._out.reserve(self._T)
        return self._out.data[: self._T]

    @_QUIET_OVERFLOW
    def connectivity(self, step: int, target: int | None = None) -> np.ndarray:
        """(step+1,): ||∂ log p(target at step) / ∂ x_τ|| for every input τ <= step.

        The gradient of the chosen output (default: the most likely class) at ``step`` with
        respect to the encoded input vector of each earlier token, computed by the engine's
        backward pass (Distill's "connectivity"). Steps after ``step`` cannot influence it in a
        unidirectional network; for a bidirectional one the whole text is used.
        """
        T = self._T
        if not 0 <= step < T:
            raise RnnvizError(f"step must be in [0, {T - 1}], got {step}")
        end = T if self.net.bidirectional else step + 1
        ids = self._ids[:end, None]
        x = self.model.encode(ids)
        trace = self.net.forward(x)
        logits = self.model.step_outputs(trace)[:, 0]  # (end, C)
        p = softmax(logits[step].astype(np.float64))
        c = int(np.argmax(p)) if target is None else int(target)
        d_logits = np.zeros_like(logits)
        d_logits[step] = -p
        d_logits[step, c] += 1.0  # ∂ log p_c / ∂ logits
        d_out, _ = self.model.head.backward(trace.output[:, 0], d_logits)
        d_out = d_out[:, None, :].astype(self.net.dtype)
        if self.net.bidirectional and not self.model.per_step:
            H = self.net.hidden_size  # step_outputs read the backward half at step 0
            moved = d_out[:, :, H:].sum(axis=0)
            d_out[:, :, H:] = 0
            d_out[0, :, H:] = moved
        grads = self.net.backward(trace, d_out)
        g = np.linalg.norm(grads.input[:, 0].astype(np.float64), axis=-1)
        return g[: step + 1] if not self.net.bidirectional else g
