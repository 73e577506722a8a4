"""Run a model over typed text, incrementally: the engine side of the live view (no Qt).

Every keystroke calls :meth:`LiveRunner.update` with the whole text. The runner tokenises it,
finds the first token that differs from the previous call and, for a unidirectional network,
re-runs the network only from there, starting from the states it kept for the step before.
Per-step arrays live in growable buffers, so typing at the end of a long text costs O(new
tokens), not O(text). Bidirectional networks depend on the future, so any edit re-runs them.

The arrays the views show (``states(layer, direction)``) are the engine's own forward arrays
for the recomputed steps, copied into the buffers (batch size 1 squeezed): (T, H) each.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnviz.engine.losses import softmax
from rnnviz.errors import RnnvizError

MAX_TOKENS = 200_000


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
        if end > self.data.shape[0]:
            cap = max(end, 2 * self.data.shape[0])
            grown = np.zeros((cap,) + self.data.shape[1:], dtype=self.data.dtype)
            grown[:start] = self.data[:start]
            self.data = grown
        self.data[start:end] = rows


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
        self._T = 0
        self._tokens: list[str] = []
        self._spans: list[tuple[int, int]] = []
        self._unknown = np.zeros(0, bool)
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
        t_unknown = np.array([tok.is_unknown(t) for t in t_tokens], dtype=bool)
        tokens = self._tokens[:k] + t_tokens
        spans = self._spans[:k] + t_spans
        ids = np.concatenate([self._ids[:k], t_ids]) if k else t_ids
        unknown = np.concatenate([self._unknown[:k], t_unknown]) if k else t_unknown
        # first token that differs from the previous text
        n = min(len(self._tokens), len(tokens))
        changed = k
        while changed < n and tokens[changed] == self._tokens[changed] and ids[changed] == self._ids[changed]:
            changed += 1
        return tokens, spans, ids, unknown, changed

    # ------------------------------------------------------------------ update
    def update(self, text: str) -> LiveResult:
        """Tokenise ``text`` and bring every per-step array up to date."""
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
        if start < T_new:
            self._run(ids, start)
        self._ids = ids
        self._T = T_new
        self._tokens, self._spans, self._unknown = tokens, spans, unknown
        self.last = LiveResult(text, tokens, spans, ids, unknown, start, min(start, changed))
        return self.last

    def _initial_state(self, start: int):
        if start == 0:
            return None
        nd = self.net.num_directions
        hs, cs = [], []
        for k in range(self.net.num_layers):
            for d in range(nd):
                hs.append(self._bufs[(k, d, "h")].data[start - 1][None])
                if self.net.cell == "lstm":
                    cs.append(self._bufs[(k, d, "c")].data[start - 1][None])
        if len(set(self.net.hidden_sizes)) == 1:
            h0 = np.stack(hs)
            return (h0, np.stack(cs)) if self.net.cell == "lstm" else h0
        return (hs, cs) if self.net.cell == "lstm" else hs

    def _run(self, ids: np.ndarray, start: int) -> None:
        suffix = ids[start:, None]
        trace = self.net.forward(self.model.encode(suffix), h0=self._initial_state(start))
        for k in range(self.net.num_layers):
            for d in range(self.net.num_directions):
                for key, arr in trace.states(k, d).items():
                    buf = self._bufs.get((k, d, key))
                    if buf is None:
                        buf = self._bufs[(k, d, key)] = _Buffer(arr.shape[2:], arr.dtype)
                    buf.write(start, arr[:, 0])
        logits = self.model.step_outputs(trace)[:, 0]
        probs = softmax(logits.astype(np.float64), axis=-1)
        if self._out is None:
            self._out = _Buffer(probs.shape[1:], probs.dtype)
        self._out.write(start, probs)

    # ------------------------------------------------------------------ views
    @property
    def steps(self) -> int:
        return self._T

    def states(self, layer: int = 0, direction: int = 0) -> dict[str, np.ndarray]:
        """(T, H) arrays "h", "c", gates... for the current text (views of the buffers)."""
        if not 0 <= layer < self.net.num_layers or not 0 <= direction < self.net.num_directions:
            raise RnnvizError(f"no layer {layer} / direction {direction} in this model")
        T = self._T
        keys = {"lstm": "h c i f g o", "gru": "h r z n"}.get(self.net.cell, "h a").split()
        out = {}
        for key in keys:
            buf = self._bufs.get((layer, direction, key))
            H = self.net.hidden_sizes[layer]
            out[key] = buf.data[:T] if buf is not None else np.zeros((0, H), self.net.dtype)
        return out

    def probabilities(self) -> np.ndarray:
        """(T, C): next-token distribution (language model) or class probabilities after each token."""
        if self._out is None:
            return np.zeros((0, self.model.output_size))
        return self._out.data[: self._T]

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
