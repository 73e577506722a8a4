"""Small demos the lessons train on the spot (NumPy only, no Qt; a few seconds each).

* :func:`train_reversal`: a GRU encoder-decoder that writes a symbol sequence backwards
  (different input and output lengths: the decoder only sees the encoder's last state).
* :func:`train_lookahead`: a task where the future matters — at each step output the symbol
  that comes ``ahead`` steps *later*. A unidirectional network cannot know it (chance level);
  a bidirectional one reads it from its backward direction.

Each takes ``progress(step, loss, accuracy) -> bool`` (return False to stop early), so a GUI can
run it in a worker thread and show progress, and a test can run a few steps.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: symbols of the reversal demo (ids 0..7); the decoder's start token is id 8
REVERSAL_SYMBOLS = "ABCDEFGH"
LOOKAHEAD_SYMBOLS = "abcd"


@dataclass
class DemoRun:
    model: object
    losses: list = field(default_factory=list)
    accuracies: list = field(default_factory=list)
    stopped: bool = False


def _train(model, steps: int, loss_on_next_batch, progress) -> DemoRun:
    """Adam (lr 1e-2) with the gradient norm clipped to 1 for ``steps`` steps; each step's
    result comes from ``loss_on_next_batch()`` (an object with loss, accuracy, grads)."""
    from rnnviz.engine.clip import clip_grad_norm
    from rnnviz.engine.optim import Adam

    opt = Adam(model.params, lr=1e-2)
    run = DemoRun(model)
    for step in range(1, steps + 1):
        res = loss_on_next_batch()
        clip_grad_norm(res.grads, 1.0)
        opt.step(res.grads)
        run.losses.append(float(res.loss))
        run.accuracies.append(float(res.accuracy))
        if progress is not None and progress(step, float(res.loss), float(res.accuracy)) is False:
            run.stopped = True
            break
    return run


def train_reversal(steps: int = 400, seed: int = 0, hidden: int = 48, min_len: int = 3, max_len: int = 7,
                   progress=None) -> DemoRun:
    """Train a GRU encoder-decoder to reverse sequences of 3..7 symbols of :data:`REVERSAL_SYMBOLS`."""
    from rnnviz.data.tasks import sequence_reversal
    from rnnviz.engine.model import EncoderDecoder

    n = len(REVERSAL_SYMBOLS)
    model = EncoderDecoder("gru", n, n, hidden, start_token=n, seed=seed)
    rng = np.random.default_rng(seed)
    return _train(model, steps, lambda: model.loss_on_batch(
        sequence_reversal(int(rng.integers(min_len, max_len + 1)), n, 32, rng)), progress)


def reverse_with(model, text: str) -> str:
    """Run the reversal demo model on ``text`` (symbols of :data:`REVERSAL_SYMBOLS`; others are
    dropped) and return what it writes (as many symbols as it read)."""
    ids = [REVERSAL_SYMBOLS.index(ch) for ch in text.upper() if ch in REVERSAL_SYMBOLS]
    if not ids:
        return ""
    out = model.greedy_decode(np.asarray(ids, np.int64)[:, None], len(ids))[:, 0]
    return "".join(REVERSAL_SYMBOLS[int(i)] for i in out)


def ignored_reversal_chars(text: str) -> list[str]:
    """The characters of ``text`` that :func:`reverse_with` drops (not one of
    :data:`REVERSAL_SYMBOLS` in either case), each once, in the order they first appear."""
    out: list[str] = []
    for ch in text:
        if ch not in out and any(c not in REVERSAL_SYMBOLS for c in ch.upper()):
            out.append(ch)
    return out


def lookahead_batch(T: int, B: int, ahead: int, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x (T, B) ids, y (T, B) with ``y_t = x_{t+ahead}``, mask (T, B) False where t+ahead >= T."""
    n = len(LOOKAHEAD_SYMBOLS)
    x = rng.integers(0, n, size=(T, B), dtype=np.int64)
    y = np.zeros_like(x)
    y[: T - ahead] = x[ahead:]
    mask = np.zeros((T, B), bool)
    mask[: T - ahead] = True
    return x, y, mask


def train_lookahead(bidirectional: bool, steps: int = 300, seed: int = 0, hidden: int = 24, T: int = 12,
                    ahead: int = 2, progress=None) -> DemoRun:
    """Train a GRU tagger to output, at each step, the symbol ``ahead`` steps later."""
    from rnnviz.engine.model import SequenceModel

    n = len(LOOKAHEAD_SYMBOLS)
    model = SequenceModel("gru", n, hidden, n, bidirectional=bidirectional, target="classification_each",
                          encoding="onehot", seed=seed)
    rng = np.random.default_rng(seed)

    def next_loss():
        x, y, mask = lookahead_batch(T, 32, ahead, rng)
        return model.loss_and_grads(x, y, mask=mask)

    return _train(model, steps, next_loss, progress)
