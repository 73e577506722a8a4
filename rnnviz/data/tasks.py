"""Synthetic sequence tasks that show what recurrent networks can and cannot remember.

Every task is a function of sizes and ``rng`` (a ``np.random.Generator`` or an int seed)
returning a :class:`Batch`. Arrays are time-major: inputs ``(T, B, D)`` float32 or token ids
``(T, B)`` int64. :data:`TASKS` maps short names to the functions and :func:`make_task`
calls one by name with validated keyword parameters.

Target kinds (``Batch.kind``):

- ``"regression_last"``: ``y`` (B, K) float32, compared with the output after the last step;
- ``"classification_last"``: ``y`` (B,) int64 class ids, after the last step;
- ``"regression_each"``: ``y`` (T, B, K) float32, one target per step;
- ``"classification_each"``: ``y`` (T, B) int64 class ids, one per step (``mask`` says which count);
- ``"seq2seq"``: ``y`` (T_out, B) int64 decoder targets; ``decoder_input`` (T_out, B) ids.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from rnnviz.data._checks import as_rng, check_float, check_int, check_size
from rnnviz.errors import RnnvizError

TARGET_KINDS = ("regression_last", "classification_last", "classification_each",
                "regression_each", "seq2seq")

#: Characters of :func:`bracket_depth` sequences; their index is the input id.
BRACKET_ALPHABET = "()abc"


@dataclass(frozen=True, eq=False)
class Batch:
    """One batch of a synthetic task.

    Attributes:
        x: inputs, float32 ``(T, B, D)`` or int64 token ids ``(T, B)``.
        y: targets; shape and dtype depend on ``kind`` (see module docstring).
        kind: one of :data:`TARGET_KINDS`.
        mask: bool ``(T, B)`` for per-step targets that only count where True, else None.
        n_classes: number of target classes for classification / seq2seq, else None.
        ids: int64 ``(T, B)`` input ids when ``x`` is one-hot, else None.
        tokens: per-sequence list of T surface tokens (time-axis labels), else None.
        decoder_input: int64 ``(T_out, B)`` teacher-forcing decoder input (seq2seq), else None.
        info: small JSON-serialisable facts about the task (vocabulary size, start token, ...).
        lengths: int64 ``(B,)`` valid steps per sequence of a padded batch, else None.
    """

    x: np.ndarray
    y: np.ndarray
    kind: str
    mask: np.ndarray | None = None
    n_classes: int | None = None
    ids: np.ndarray | None = None
    tokens: list[list[str]] | None = None
    decoder_input: np.ndarray | None = None
    info: dict[str, Any] = field(default_factory=dict)
    lengths: np.ndarray | None = None

    @property
    def T(self) -> int:
        """Number of input time steps."""
        return int(self.x.shape[0])

    @property
    def B(self) -> int:
        """Batch size."""
        return int(self.x.shape[1])


def _one_hot(ids: np.ndarray, depth: int) -> np.ndarray:
    """``ids`` (T, B) int -> float32 (T, B, depth)."""
    return np.eye(depth, dtype=np.float32)[ids]


def adding_problem(T: int, B: int, rng) -> Batch:
    """The adding problem with Hochreiter & Schmidhuber's marker placement (1997, experiment 4).

    ``x`` float32 (T, B, 2): channel 0 values uniform in [0, 1) (as in Le, Jaitly & Hinton 2015);
    channel 1 a marker with exactly two 1s, both in the first half of the sequence, as in
    Hochreiter & Schmidhuber: the first among the first ten steps, the second later in the first
    half. With ``m = min(10, max(1, T // 4))`` the first marker is at a step in ``[0, m)`` and the
    second in ``[m, T // 2)``, so for ``T >= 4`` both marked values lie at least ``T / 2`` steps
    before the end and the network has to carry them across the whole second half (for T >= 40,
    ``m = 10``: "one of the first ten"). Short sequences stay valid: ``T = 2`` and ``3`` mark
    steps 0 and 1. ``y`` float32 (B, 1): the sum of the two marked values. Always predicting the
    mean 1.0 gives an MSE of var(U1 + U2) = 1/6 (about 0.167), the baseline a network that
    cannot remember scores. ``kind="regression_last"``. Needs ``T >= 2``.

    Differences from the 1997 paper, which used values in [-1, 1], a target 0.5 + (X1 + X2) / 4,
    lengths drawn from [T, T + T/10] and the second marker among the first T/2 - 1 steps
    (excluding the first): here values and target follow Le et al. and the second marker is
    drawn after the first one's window, so the two are always distinct.
    (The earlier placement — second marker anywhere in the second half — let a tanh RNN learn the
    cases where it falls near the end; see issue 4.)
    """
    T = check_int("T", T, minimum=2)
    B = check_int("B", B, minimum=1)
    check_size("T*B*2", T, B, 2)
    rng = as_rng(rng)
    values = rng.random((T, B), dtype=np.float32)
    m = min(10, max(1, T // 4))
    first = rng.integers(0, m, size=B)
    second = rng.integers(m, max(m + 1, T // 2), size=B)
    marker = np.zeros((T, B), dtype=np.float32)
    cols = np.arange(B)
    marker[first, cols] = 1.0
    marker[second, cols] = 1.0
    x = np.stack([values, marker], axis=-1)
    y = (values[first, cols] + values[second, cols]).astype(np.float32)[:, None]
    return Batch(x=x, y=y, kind="regression_last", info={"input_size": 2, "output_size": 1})


def delayed_recall(T: int, lag: int, n_symbols: int, B: int, rng) -> Batch:
    """Recall the symbol seen ``lag`` steps ago.

    Every step shows a symbol drawn uniformly from ``n_symbols`` (the distractors come from the
    same alphabet). ``ids`` int64 (T, B); ``x`` float32 one-hot (T, B, n_symbols);
    ``y`` int64 (T, B) with ``y[t] = ids[t - lag]`` for ``t >= lag`` and 0 before;
    ``mask`` bool (T, B) True where ``t >= lag``. ``kind="classification_each"``.
    Needs ``0 <= lag < T`` and ``n_symbols >= 2``.
    """
    T = check_int("T", T, minimum=1)
    lag = check_int("lag", lag, minimum=0)
    if lag >= T:
        raise RnnvizError(f"lag: expected an integer < T={T} so some step has a target, got {lag}")
    n_symbols = check_int("n_symbols", n_symbols, minimum=2, maximum=10_000)
    B = check_int("B", B, minimum=1)
    check_size("T*B*n_symbols", T, B, n_symbols)
    rng = as_rng(rng)
    ids = rng.integers(0, n_symbols, size=(T, B), dtype=np.int64)
    y = np.zeros((T, B), dtype=np.int64)
    y[lag:] = ids[: T - lag]
    mask = np.zeros((T, B), dtype=bool)
    mask[lag:] = True
    tokens = [[str(s) for s in ids[:, b].tolist()] for b in range(B)]
    return Batch(x=_one_hot(ids, n_symbols), y=y, kind="classification_each", mask=mask,
                 n_classes=n_symbols, ids=ids, tokens=tokens,
                 info={"input_size": n_symbols, "lag": lag})


def bracket_depth_targets(ids: np.ndarray, max_depth: int | None = None) -> np.ndarray:
    """Nesting depth after each step for ids over :data:`BRACKET_ALPHABET`; (T, B) -> (T, B) int64.

    ``"("`` (id 0) adds one, ``")"`` (id 1) subtracts one (never below 0, and never above
    ``max_depth`` when given), filler leaves the depth unchanged.
    """
    ids = np.asarray(ids)
    depth = np.zeros(ids.shape[1:], dtype=np.int64)
    out = np.empty(ids.shape, dtype=np.int64)
    for t in range(ids.shape[0]):
        depth = depth + (ids[t] == 0) - (ids[t] == 1)
        depth = np.clip(depth, 0, max_depth)
        out[t] = depth
    return out


def bracket_depth(T: int, B: int, max_depth: int, rng) -> Batch:
    """Track bracket nesting depth: a counter the network must keep in its state.

    Sequences over :data:`BRACKET_ALPHABET` (``"("``, ``")"`` and filler ``a b c``) never close
    below depth 0 nor open above ``max_depth``. ``ids`` int64 (T, B); ``x`` float32 one-hot
    (T, B, 5); ``tokens`` the B strings as lists of T characters (``info["strings"]`` as plain
    strings); ``y`` int64 (T, B) = depth after reading step t, in ``[0, max_depth]``;
    ``n_classes = max_depth + 1``. ``kind="classification_each"``.
    """
    T = check_int("T", T, minimum=1)
    B = check_int("B", B, minimum=1)
    max_depth = check_int("max_depth", max_depth, minimum=1, maximum=1000)
    check_size("T*B*5", T, B, len(BRACKET_ALPHABET))
    rng = as_rng(rng)
    n_fill = len(BRACKET_ALPHABET) - 2
    ids = np.empty((T, B), dtype=np.int64)
    y = np.empty((T, B), dtype=np.int64)
    depth = np.zeros(B, dtype=np.int64)
    for t in range(T):
        u = rng.random(B)
        can_open = depth < max_depth
        can_close = depth > 0
        # open 35%, close 35%, filler 30%; impossible moves become filler
        step = np.where((u < 0.35) & can_open, 0,
                        np.where((u >= 0.35) & (u < 0.70) & can_close, 1, -1))
        filler = 2 + rng.integers(0, n_fill, size=B)
        step = np.where(step < 0, filler, step)
        depth = depth + (step == 0) - (step == 1)
        ids[t] = step
        y[t] = depth
    chars = np.array(list(BRACKET_ALPHABET))
    tokens = [chars[ids[:, b]].tolist() for b in range(B)]
    return Batch(x=_one_hot(ids, len(BRACKET_ALPHABET)), y=y, kind="classification_each",
                 mask=np.ones((T, B), dtype=bool), n_classes=max_depth + 1, ids=ids,
                 tokens=tokens,
                 info={"input_size": len(BRACKET_ALPHABET), "alphabet": BRACKET_ALPHABET,
                       "strings": ["".join(tok) for tok in tokens]})


def sine_prediction(T: int, B: int, rng, n_sines: int = 1, noise: float = 0.0) -> Batch:
    """Forecast the next value of a (noisy) sum of sines.

    Each sequence is ``s_t = sum_k a_k sin(w_k t + phi_k) / n_sines + noise * N(0, 1)`` with
    periods ``2 pi / w_k`` uniform in [8, 40] steps, amplitudes ``a_k`` in [0.5, 1] and random
    phases. ``x`` float32 (T, B, 1) = ``s_0 .. s_{T-1}``; ``y`` float32 (T, B, 1) =
    ``s_1 .. s_T`` (so ``y[t] == x[t + 1]``). ``kind="regression_each"``.
    """
    T = check_int("T", T, minimum=1)
    B = check_int("B", B, minimum=1)
    n_sines = check_int("n_sines", n_sines, minimum=1, maximum=100)
    noise = check_float("noise", noise, minimum=0.0)
    check_size("(T+1)*B*n_sines", T + 1, B, n_sines)
    rng = as_rng(rng)
    periods = rng.uniform(8.0, 40.0, size=(B, n_sines))
    amps = rng.uniform(0.5, 1.0, size=(B, n_sines))
    phases = rng.uniform(0.0, 2 * np.pi, size=(B, n_sines))
    t = np.arange(T + 1, dtype=np.float64)[:, None, None]
    s = (amps * np.sin(2 * np.pi * t / periods + phases)).sum(axis=-1) / n_sines
    if noise > 0:
        s = s + noise * rng.standard_normal(s.shape)
    s = s.astype(np.float32)[..., None]
    return Batch(x=s[:-1], y=s[1:], kind="regression_each",
                 info={"input_size": 1, "output_size": 1, "n_sines": n_sines, "noise": noise})


def sequence_reversal(T: int, n_symbols: int, B: int, rng) -> Batch:
    """Reverse a sequence of symbols (encoder-decoder).

    ``x`` int64 (T, B) encoder ids in ``[0, n_symbols)``; ``y`` int64 (T, B) = ``x[::-1]``;
    ``decoder_input`` int64 (T, B) = start token then ``y[:-1]``; the start token is id
    ``n_symbols`` (``info["start_token"]``), so the decoder vocabulary has ``n_symbols + 1``
    entries. ``n_classes = n_symbols``. ``kind="seq2seq"``.
    """
    T = check_int("T", T, minimum=1)
    n_symbols = check_int("n_symbols", n_symbols, minimum=2, maximum=10_000)
    B = check_int("B", B, minimum=1)
    check_size("T*B", T, B, 3)
    rng = as_rng(rng)
    x = rng.integers(0, n_symbols, size=(T, B), dtype=np.int64)
    y = x[::-1].copy()
    decoder_input = np.empty_like(y)
    decoder_input[0] = n_symbols
    decoder_input[1:] = y[:-1]
    tokens = [[str(s) for s in x[:, b].tolist()] for b in range(B)]
    return Batch(x=x, y=y, kind="seq2seq", n_classes=n_symbols, ids=x, tokens=tokens,
                 decoder_input=decoder_input,
                 info={"vocab_size": n_symbols + 1, "start_token": n_symbols})


TASKS: dict[str, Callable[..., Batch]] = {
    "adding": adding_problem,
    "delayed_recall": delayed_recall,
    "bracket_depth": bracket_depth,
    "sine": sine_prediction,
    "reversal": sequence_reversal,
}


def task_params(name: str) -> dict[str, Any]:
    """Parameter names of task ``name`` mapped to their defaults (``inspect.Parameter.empty`` if required)."""
    if name not in TASKS:
        raise RnnvizError(f"name: expected one of {sorted(TASKS)}, got {name!r}")
    sig = inspect.signature(TASKS[name])
    return {p.name: p.default for p in sig.parameters.values()}


def make_task(name: str, **params) -> Batch:
    """Build a batch of task ``name`` (a key of :data:`TASKS`) from keyword ``params``.

    Unknown names, unknown or missing parameters and bad values raise RnnvizError naming the
    field, e.g. ``make_task("adding", T=50, B=32, rng=0)``.
    """
    if not isinstance(name, str) or name not in TASKS:
        raise RnnvizError(f"name: expected one of {sorted(TASKS)}, got {name!r}")
    accepted = task_params(name)
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise RnnvizError(
            f"{unknown[0]}: not a parameter of task {name!r}; expected some of {list(accepted)}")
    missing = [p for p, d in accepted.items() if d is inspect.Parameter.empty and p not in params]
    if missing:
        raise RnnvizError(f"{missing[0]}: required by task {name!r} but not given")
    return TASKS[name](**params)
