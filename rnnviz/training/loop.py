"""The training loop: a pure generator of frozen :class:`Snapshot` objects. No Qt.

The GUI's worker thread and the ``rnnviz train`` command run this same loop::

    for snap in train(config):            # one Snapshot per optimiser step (and per event)
        print(snap.step, snap.train_loss, snap.top_step_norms)

Each step draws a fresh batch of the task (seeded by ``config.seed``), computes the loss and
every gradient by exact BPTT, clips by global norm, and updates the weights. Validation uses
one fixed batch. NaN or Inf in the loss, the gradients or the updated weights restores the
last good weights (and repairs the optimiser's state), yields a snapshot with
``event="nan"`` and a message, then pauses, stops or continues as ``config.on_nan`` says.

:class:`Controls` is how another thread steers a running loop: pause / resume / single step /
stop and new hyperparameters (lr, clip, truncate), applied between steps.
"""
from __future__ import annotations

import json as _json
import math
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from rnnviz.data.tasks import Batch, make_task
from rnnviz.engine.clip import clip_grad_norm, global_norm
from rnnviz.engine.optim import make_optimizer
from rnnviz.errors import DataError, RnnvizError
from rnnviz.training import metrics as M
from rnnviz.training.config import TrainConfig
from rnnviz.training.snapshot import Snapshot

__all__ = ["Controls", "build_model", "make_batch", "validation_batch", "train", "evaluate",
           "headless_train", "prime_dataset", "series_dataset", "data_problem", "MAX_CONSECUTIVE_NAN"]

#: With ``on_nan="continue"``, this many non-finite steps in a row stop training anyway.
MAX_CONSECUTIVE_NAN = 20

_NO_CHANGE = object()


# ----------------------------------------------------------------------------- controls
class Controls:
    """Thread-safe steering of a running :func:`train` loop, read between steps.

    Any thread may call :meth:`pause`, :meth:`resume`, :meth:`step`, :meth:`stop`,
    :meth:`set_lr`, :meth:`set_clip`, :meth:`set_truncate`. The loop calls :meth:`wait` before
    each step: it returns at once while running, blocks while paused until resumed, granted a
    single step or stopped, and returns False once stopped.
    """

    def __init__(self, paused: bool = False) -> None:
        self._cv = threading.Condition()
        self._paused = bool(paused)
        self._stopped = False
        self._tokens = 0
        self._changes: dict = {}

    # -- state
    @property
    def paused(self) -> bool:
        with self._cv:
            return self._paused

    @property
    def stopped(self) -> bool:
        with self._cv:
            return self._stopped

    @property
    def pending_steps(self) -> int:
        with self._cv:
            return self._tokens

    def ready(self) -> bool:
        """True when :meth:`wait` would return True without blocking."""
        with self._cv:
            return not self._stopped and (not self._paused or self._tokens > 0)

    # -- commands
    def pause(self) -> None:
        with self._cv:
            self._paused = True
            self._cv.notify_all()

    def resume(self) -> None:
        with self._cv:
            self._paused = False
            self._tokens = 0
            self._cv.notify_all()

    def step(self, n: int = 1) -> None:
        """Pause (if running) and allow exactly ``n`` more steps."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise RnnvizError(f"n: expected a positive integer, got {n!r}")
        with self._cv:
            self._paused = True
            self._tokens += n
            self._cv.notify_all()

    def stop(self) -> None:
        with self._cv:
            self._stopped = True
            self._cv.notify_all()

    def set_lr(self, lr: float) -> None:
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr) or lr <= 0:
            raise RnnvizError(f"lr: expected a finite number > 0, got {lr!r}")
        self._set("lr", float(lr))

    def set_clip(self, clip: float | None) -> None:
        if clip is not None and (isinstance(clip, bool) or not isinstance(clip, (int, float))
                                 or not math.isfinite(clip) or clip <= 0):
            raise RnnvizError(f"clip: expected 'off' (no clipping) or a finite number > 0, got {clip!r}")
        self._set("clip", None if clip is None else float(clip))

    def set_truncate(self, truncate: int | None) -> None:
        if truncate is not None and (isinstance(truncate, bool) or not isinstance(truncate, int)
                                     or truncate < 1):
            raise RnnvizError(f"truncate: expected 'off' (full BPTT) or a whole number >= 1, got {truncate!r}")
        self._set("truncate", truncate)

    def _set(self, key, value) -> None:
        with self._cv:
            self._changes[key] = value

    def reset(self, paused: bool = True) -> None:
        """Back to a fresh state: not stopped, no pending steps or changes."""
        with self._cv:
            self._paused = bool(paused)
            self._stopped = False
            self._tokens = 0
            self._changes = {}
            self._cv.notify_all()

    # -- loop side
    def try_acquire(self) -> bool | None:
        """Non-blocking :meth:`wait`: True (run a step, consuming a single-step grant if paused),
        False (paused), None (stopped)."""
        with self._cv:
            if self._stopped:
                return None
            if not self._paused:
                return True
            if self._tokens > 0:
                self._tokens -= 1
                return True
            return False

    def take_changes(self) -> dict:
        """Pop the hyperparameter changes made since the last call."""
        with self._cv:
            out, self._changes = self._changes, {}
            return out

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a step may run (True) or the loop must stop (False).

        With ``timeout`` (seconds), give up after that long and return False while still paused
        — the caller then checks :attr:`stopped`.
        """
        with self._cv:
            ok = self._cv.wait_for(lambda: self._stopped or not self._paused or self._tokens > 0, timeout)
            if self._stopped or not ok:
                return False
            if self._paused:
                self._tokens -= 1
            return True


# ----------------------------------------------------------------------------- model and data
def build_model(config: TrainConfig):
    """The model for ``config.task``: a SequenceModel, or an EncoderDecoder for "reversal".

    adding: raw (T, B, 2) -> 1 value after the last step (MSE); sine: raw (T, B, 1) -> next value
    at every step (MSE); delayed_recall / bracket_depth: one-hot token ids -> a class per step
    (cross-entropy); reversal: one-hot encoder-decoder.
    """
    from rnnviz.engine.model import EncoderDecoder, SequenceModel

    config.validate()
    c = config
    dtype = np.dtype(c.dtype)
    common = dict(bidirectional=c.bidirectional, seed=c.seed, dtype=dtype, init=c.init,
                  forget_bias=c.forget_bias, recurrent_scale=c.recurrent_scale)
    sizes = c.hidden_sizes
    if c.task == "adding":
        return SequenceModel(c.cell, 2, sizes, 1, target="regression_last", encoding="raw", **common)
    if c.task == "sine":
        return SequenceModel(c.cell, 1, sizes, 1, target="regression_each", encoding="raw", **common)
    if c.task == "delayed_recall":
        return SequenceModel(c.cell, c.n_symbols, sizes, c.n_symbols, target="classification_each",
                             encoding="onehot", **common)
    if c.task == "bracket_depth":
        return SequenceModel(c.cell, 5, sizes, c.max_depth + 1, target="classification_each",
                             encoding="onehot", **common)
    if c.task == "series":
        return SequenceModel(c.cell, hidden_size=sizes, **series_dataset(c).model_kwargs(), **common)
    if c.task in ("text", "classify"):
        ds = text_dataset(c)
        enc = dict(encoding="onehot") if c.embedding is None else dict(encoding="embedding", embedding_dim=c.embedding)
        return SequenceModel(c.cell, hidden_size=sizes, **ds.model_kwargs(), **enc, **common)
    # reversal
    return EncoderDecoder(c.cell, c.n_symbols, c.n_symbols, sizes, start_token=c.n_symbols, seed=c.seed,
                          dtype=dtype, init=c.init, forget_bias=c.forget_bias, recurrent_scale=c.recurrent_scale)


def make_batch(config: TrainConfig, batch_size: int, rng) -> Batch:
    """One batch of ``config.task`` with ``batch_size`` rows drawn from ``rng``."""
    c = config
    if c.task == "adding":
        return make_task("adding", T=c.length, B=batch_size, rng=rng)
    if c.task == "delayed_recall":
        return make_task("delayed_recall", T=c.length, lag=c.lag, n_symbols=c.n_symbols, B=batch_size, rng=rng)
    if c.task == "bracket_depth":
        return make_task("bracket_depth", T=c.length, B=batch_size, max_depth=c.max_depth, rng=rng)
    if c.task == "sine":
        return make_task("sine", T=c.length, B=batch_size, rng=rng, n_sines=c.n_sines, noise=c.noise)
    if c.task in _FILE_TASKS:
        return _file_batch(c, batch_size, rng)
    return make_task("reversal", T=c.length, n_symbols=c.n_symbols, B=batch_size, rng=rng)


#: the tasks that train on a file (or a built-in corpus) read into a dataset
_FILE_TASKS = ("text", "classify", "series")


@contextmanager
def _data_checks():
    """Raise a problem met while reading or batching the training data as a :class:`DataError`
    (a run pauses on one until the file or the setting is fixed)."""
    try:
        yield
    except DataError:
        raise
    except RnnvizError as exc:
        raise DataError(str(exc)) from None


def _file_batch(config: TrainConfig, batch_size: int, rng) -> Batch:
    """One training batch of a text, classify or series ``config`` (DataError if it cannot be had)."""
    c = config
    with _data_checks():
        if c.task == "text":
            return text_dataset(c).batch(c.length, batch_size, rng)
        if c.task == "classify":
            return text_dataset(c).batch(batch_size, rng)
        return series_dataset(c).batch(c.length, batch_size, rng)


_DATASETS: dict = {}


def _dataset_key(c: TrainConfig) -> tuple:
    if c.task == "series":
        return (c.task, c.corpus, c.series_inputs, c.series_targets, c.length, c.horizon, c.normalise)
    # a language model's dataset does not depend on the seed (only the classifier's split does)
    return (c.task, c.corpus, c.tokens, c.max_vocab, c.seed if c.task == "classify" else None)


def prime_dataset(config: TrainConfig, dataset) -> None:
    """Use ``dataset`` (read elsewhere, e.g. by the GUI in a background thread with progress)
    for ``config``'s file instead of reading the file again."""
    if len(_DATASETS) > 8:
        _DATASETS.clear()
    _DATASETS[_dataset_key(config)] = dataset


def data_problem(config: TrainConfig) -> str | None:
    """Why training on ``config``'s data cannot start now, as a sentence for the user that names
    the file, or the setting to change and to what; None when nothing stands in the way.

    Cheap, for the GUI thread: a data file is looked for, never read. A dataset already loaded
    (the app loads a file when it is opened, and hands it to the training process) needs no
    file: a run on it goes on if the file is then renamed. A series file's windows are counted
    only when its dataset is loaded (otherwise the training process finds the problem and
    pauses)."""
    from rnnviz.data.text_datasets import CORPORA

    c = config
    if c.task not in _FILE_TASKS or c.corpus in CORPORA:
        return None
    dataset = _DATASETS.get(_dataset_key(c))
    if dataset is None and not os.path.isfile(c.corpus):
        return (f"the training data file {c.corpus} is missing (moved, renamed or deleted); "
                "put it back there to train on it")
    return None if dataset is None or c.task != "series" else _series_problem(c, dataset)


def _series_problem(config: TrainConfig, dataset) -> str | None:
    """What in ``config`` does not fit the windows of the loaded series ``dataset`` (its
    training batch, or one validation window), naming the file; or None."""
    c = config
    problem = dataset.problem(c.length, c.batch) or dataset.problem(c.length, 1, validation=True)
    return f"{os.path.basename(c.corpus)}: {problem}" if problem else None


def series_dataset(config: TrainConfig):
    """The (cached) :class:`~rnnviz.data.csv_series.SeriesDataset` of a "series" config."""
    c = config
    key = _dataset_key(c)
    if key in _DATASETS:
        return _DATASETS[key]
    from rnnviz.data.loaders import load_series_dataset

    with _data_checks():
        _, ds = load_series_dataset(c.corpus,
                                    input_columns=None if c.series_inputs is None else list(c.series_inputs),
                                    target_columns=None if c.series_targets is None else list(c.series_targets),
                                    window=c.length, horizon=c.horizon, normalise=c.normalise)
    prime_dataset(c, ds)
    return ds


def text_dataset(config: TrainConfig):
    """The (cached) text dataset of a "text" or "classify" config.

    ``corpus`` is a built-in corpus name ("brackets", "sentiment") or a file: a text file for
    "text", a ``text,label`` CSV for "classify".
    """
    key = _dataset_key(config)
    if key in _DATASETS:
        return _DATASETS[key]
    with _data_checks():
        ds = _load_text_dataset(config)
    prime_dataset(config, ds)
    return ds


def _load_text_dataset(config: TrainConfig):
    """Read the text dataset of a "text" or "classify" ``config`` (RnnvizError if it cannot)."""
    from rnnviz.data import text_datasets as td

    c = config
    if c.task == "text":
        builtin = c.corpus in td.CORPORA
        text = td.builtin_corpus(c.corpus, c.seed) if builtin else _read_text(c.corpus)
        if not isinstance(text, str):
            raise RnnvizError(f"corpus: {c.corpus!r} is a labelled corpus; use task 'classify'")
        # a file names itself in every message about its text, now and later in batch():
        # "corpus: notes.txt: the validation text has 12 tokens, ..."
        ds = td.TextLMDataset(text, kind=c.tokens, max_vocab=c.max_vocab,
                              name=None if builtin else f"corpus: {c.corpus}")
    else:
        if c.corpus in td.CORPORA:
            pairs = td.builtin_corpus(c.corpus, c.seed)
            if isinstance(pairs, str):
                raise RnnvizError(f"corpus: {c.corpus!r} is unlabelled text; use task 'text'")
            names = ["negative", "positive"] if c.corpus == "sentiment" else None
        else:
            pairs, names = _read_labelled(c.corpus)
        ds = td.LabelledTextDataset(pairs, kind=c.tokens, max_vocab=c.max_vocab, class_names=names, seed=c.seed)
    return ds


def _read_text(path: str) -> str:
    try:
        from rnnviz.data.loaders import read_text_file
    except ImportError:  # pragma: no cover - loaders land separately
        try:
            with open(path, encoding="utf-8") as fh:
                return fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise RnnvizError(f"corpus: cannot read {path}: {exc}") from None
    return read_text_file(path)


def _read_labelled(path: str):
    try:
        from rnnviz.data.loaders import read_labelled_csv
    except ImportError:  # pragma: no cover
        raise RnnvizError(f"corpus: cannot read labelled CSV files in this build ({path})") from None
    return read_labelled_csv(path)


def _seeds(config: TrainConfig):
    train_seq, val_seq = np.random.SeedSequence(config.seed).spawn(2)
    return np.random.default_rng(train_seq), np.random.default_rng(val_seq)


def validation_batch(config: TrainConfig) -> Batch:
    """The fixed validation batch of ``config`` (same seed, same batch, every call)."""
    if config.task not in _FILE_TASKS:
        return make_batch(config, config.val_batch, _seeds(config)[1])
    with _data_checks():
        if config.task == "text":
            return text_dataset(config).batch(config.length, config.val_batch, _seeds(config)[1], validation=True)
        if config.task == "classify":
            return text_dataset(config).batch(config.val_batch, _seeds(config)[1], validation=True)
        return series_dataset(config).validation_batch(config.length, max_windows=config.val_batch)


def evaluate(model, batch: Batch) -> dict:
    """Loss, accuracy and the top layer's mean ||dL/dh_t|| (forward direction) on ``batch``.

    Returns ``{"loss": float, "accuracy": float | None, "step_norms": (T,) float64}``.
    Nothing is updated.
    """
    with np.errstate(all="ignore"):
        res = model.loss_on_batch(batch)
    top = len(res.rnn_grads.norms) - 1
    norms = M.mean_step_norms(res.rnn_grads.step_norms(top, 0), _row_mask(res.trace))
    return {"loss": float(res.loss), "accuracy": res.accuracy, "step_norms": norms}


def _row_mask(trace):
    return None if trace.mask is None else trace.mask[..., 0]


# ----------------------------------------------------------------------------- helpers
def _all_finite(arrays) -> bool:
    for a in arrays:
        if a.size and not math.isfinite(float(np.add.reduce(a, axis=None, dtype=np.float64))):
            if not np.all(np.isfinite(a)):
                return False
    return True


def _repair_optimizer(opt) -> None:
    """Zero non-finite entries of the optimiser's per-parameter state."""
    for slot in opt.state.values():
        for arr in slot.values():
            bad = ~np.isfinite(arr)
            if bad.any():
                arr[bad] = 0


def _compute_metrics(model, trace, config: TrainConfig) -> dict:
    net = model.net
    L, nd = net.num_layers, net.num_directions
    spectra, svs, sats, fmean = [], [], [], []
    steps = None
    for k in range(L):
        rs, rsv, rsat, rf = [], [], [], []
        for d in range(nd):
            rs.append(M.recurrent_spectra(net, k, d))
            steps, sv = M.jacobian_singular_values(net, trace, k=config.jacobian_k, layer=k, direction=d,
                                                   max_rows=config.jacobian_rows)
            rsv.append(sv)
            rsat.append(M.gate_saturation(trace, k, d))
            rf.append(M.mean_forget_gate(trace, k, d))
        spectra.append(rs)
        svs.append(rsv)
        sats.append(rsat)
        fmean.append(rf)
    return {"spectral_radius": spectra, "jacobian_steps": steps, "jacobian_sv": svs,
            "gate_saturation": sats, "forget_mean": fmean}


# ----------------------------------------------------------------------------- the loop
def train(config: TrainConfig, model=None, controls: Controls | None = None, optimizer=None,
          start_step: int = 0) -> Iterator[Snapshot]:
    """Train ``model`` (default: :func:`build_model` of ``config``) and yield a Snapshot per step.

    The generator yields one snapshot per optimiser step (``event`` None, or "done" on the
    last), one with ``event="nan"`` per non-finite step, and one with ``event="stopped"``
    when ``controls`` stops it. ``model`` is updated in place; snapshots hold copies only.
    Hyperparameters set through ``controls`` apply from the next step.

    ``optimizer``: an optimiser over ``model.params`` to go on with (e.g. restored from a
    project file; default a fresh one of ``config.optimizer``); ``start_step``: the steps
    already taken (training continues up to ``config.steps``).
    """
    config.validate()
    if model is None:
        model = build_model(config)
    params = model.params
    keys = list(params)
    train_rng, _ = _seeds(config)
    # the held-out rows (text, labelled sentences, series), checked before the first step:
    # a text too short to hold out one sequence is refused now, not after training
    val_batch = validation_batch(config)
    lr, clip, truncate = float(config.lr), config.clip, config.truncate
    opt = optimizer if optimizer is not None else make_optimizer(config.optimizer, params, lr=lr)
    opt.lr = lr
    good = {k: params[k].copy() for k in keys}
    if not _all_finite(good.values()):
        raise RnnvizError("model: the initial weights hold NaN or infinite values")
    net = model.net
    L, nd = net.num_layers, net.num_directions
    total = config.steps

    step = int(start_step)
    clip_count = 0
    nan_count = 0
    consecutive_nan = 0
    elapsed = 0.0
    rate_ema = None
    val: dict | None = None
    val_step = None
    metrics: dict | None = None
    metrics_step = None
    weights = None
    last: Snapshot | None = None

    def latest(**kw) -> dict:
        d = dict(val_step=val_step, val_loss=None if val is None else val["loss"],
                 val_accuracy=None if val is None else val["accuracy"],
                 val_step_norms=None if val is None else val["step_norms"],
                 metrics_step=metrics_step, weights=weights, nan_count=nan_count,
                 lr=lr, clip=clip, truncate=truncate, clip_count=clip_count, total_steps=total,
                 elapsed=elapsed, steps_per_second=0.0 if rate_ema is None else 1.0 / rate_ema)
        if metrics is not None:
            d.update(metrics)
        d.update(kw)
        return d

    while step < total:
        if controls is not None:
            go = controls.wait()
            if not go:
                msg = f"stopped after step {step}"
                if last is None:
                    yield Snapshot.build(**latest(step=step, train_loss=float("nan"), event="stopped",
                                                  message=msg))
                else:
                    yield Snapshot.build(**{**_fields(last), **latest(step=step, event="stopped", message=msg)})
                return
            changes = controls.take_changes()
            if "lr" in changes:
                lr = changes["lr"]
                opt.lr = lr
            clip = changes.get("clip", clip)
            truncate = changes.get("truncate", truncate)
        t0 = time.perf_counter()
        batch = make_batch(config, config.batch, train_rng)
        n = step + 1
        bad = None
        res = None
        clipped = False
        norm = float("nan")
        with np.errstate(all="ignore"):
            try:
                res = model.loss_on_batch(batch, truncate=truncate)
            except RnnvizError:
                if _all_finite(params.values()):
                    raise
                bad = "the weights hold NaN or infinite values"
            if bad is None and not math.isfinite(res.loss):
                bad = f"the loss is {res.loss}"
            if bad is None:
                if n % config.metrics_every == 0 or n == total or metrics is None:
                    metrics = _compute_metrics(model, res.trace, config)
                    metrics_step = n
                if clip is not None:
                    norm, clipped = clip_grad_norm(res.grads, clip)
                else:
                    norm = global_norm(res.grads)
                if not math.isfinite(norm):
                    bad = f"the gradient norm is {norm}"
            if bad is None:
                opt.step(res.grads)
                if not _all_finite(params.values()):
                    bad = "the update made the weights NaN or infinite (learning rate too high?)"
        if bad is not None:
            for k in keys:
                np.copyto(params[k], good[k])
            _repair_optimizer(opt)
            nan_count += 1
            consecutive_nan += 1
            action = config.on_nan
            if action == "continue" and consecutive_nan >= MAX_CONSECUTIVE_NAN:
                action = "stop"
            if action == "pause" and controls is None:
                action = "stop"
            what = {"pause": "paused", "stop": "stopped",
                    "continue": "skipped this step and went on"}[action]
            msg = (f"NaN/Inf at step {n}: {bad}. Restored the weights from step {step} and {what}.")
            base = _fields(last) if last is not None else dict(step=step, train_loss=float("nan"))
            snap = Snapshot.build(**{**base, **latest(step=step, event="nan", message=msg)})
            last = snap
            if action == "pause":
                controls.pause()  # before the yield: whoever sees the event sees the pause
            yield snap
            if action == "stop":
                return
            continue
        consecutive_nan = 0
        step = n
        for k in keys:
            np.copyto(good[k], params[k])
        clip_count += int(clipped)
        if config.snapshot_weights and metrics_step == step:
            weights = good
        if step % config.val_every == 0 or step == total:
            val = evaluate(model, val_batch)
            val_step = step
        g = res.rnn_grads
        row_mask = _row_mask(res.trace)
        norms = [[M.mean_step_norms(g.step_norms(k, d), row_mask) for d in range(nd)] for k in range(L)]
        dt = time.perf_counter() - t0
        elapsed += dt
        rate_ema = dt if rate_ema is None else 0.9 * rate_ema + 0.1 * dt
        done = step == total
        snap = Snapshot.build(**latest(
            step=step, train_loss=float(res.loss), train_accuracy=res.accuracy, grad_norm=float(norm),
            clipped=bool(clipped), step_norms=norms, grad_ratio=M.gradient_ratio(norms[-1][0]),
            event="done" if done else None,
            message=f"finished {total} steps" if done else ""))
        weights = None if weights is None else snap.weights  # the frozen copy, shared read-only
        last = snap
        yield snap


def _fields(snap: Snapshot) -> dict:
    from dataclasses import fields

    return {f.name: getattr(snap, f.name) for f in fields(snap)}


# ----------------------------------------------------------------------------- headless
def _fmt(v, spec=".4g") -> str:
    return "-" if v is None or (isinstance(v, float) and not math.isfinite(v)) else format(v, spec)


def _progress_line(s: Snapshot) -> str:
    parts = [f"step {s.step:>{len(str(s.total_steps))}d}/{s.total_steps}",
             f"loss {_fmt(s.train_loss)}", f"val {_fmt(s.val_loss)}"]
    if s.val_accuracy is not None:
        parts.append(f"val_acc {_fmt(s.val_accuracy, '.3f')}")
    parts += [f"|g| {_fmt(s.grad_norm, '.3g')}", f"clipped {s.clip_count}",
              f"dh1/dhT {_fmt(s.grad_ratio, '.2e')}", f"{s.steps_per_second:.0f} steps/s"]
    return "  ".join(parts)


def _clean(obj):
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def headless_train(config: TrainConfig, out=None, json: bool = False, print_fn=print,
                   controls: Controls | None = None) -> dict:
    """Run :func:`train` to the end, printing progress every ``config.log_every`` steps.

    Text lines by default; with ``json=True`` every line is one JSON object. The last line
    (and the return value) holds the final ``step``, ``train_loss``, ``val_loss``,
    ``val_accuracy`` (classification tasks), ``step_grad_norms`` (mean ||dL/dh_t|| per time step
    of the top layer on the validation batch), ``val_grad_ratio``, and ``event`` / ``message``
    if training stopped early. ``out``: save the trained model there (atomically).
    """
    config.validate()
    model = build_model(config)
    last = None
    for snap in train(config, model, controls):
        last = snap
        if snap.event in ("nan", "stopped") or snap.step % config.log_every == 0 or snap.event == "done":
            print_fn(_json.dumps(_clean(snap.to_json())) if json else
                     (_progress_line(snap) if snap.event != "nan" else f"warning: {snap.message}"))
    # final record on the fixed validation batch with the final weights
    val = evaluate(model, validation_batch(config))
    final = {"final": True, "step": 0 if last is None else last.step,
             "train_loss": None if last is None else last.train_loss,
             "val_loss": val["loss"]}
    if val["accuracy"] is not None:
        final["val_accuracy"] = val["accuracy"]
    norms = val["step_norms"]
    final["step_grad_norms"] = [float(v) for v in norms]
    final["val_grad_ratio"] = M.gradient_ratio(norms)
    final["clip_count"] = 0 if last is None else last.clip_count
    final["nan_count"] = 0 if last is None else last.nan_count
    final["elapsed"] = 0.0 if last is None else round(last.elapsed, 3)
    if last is not None and last.event in ("nan", "stopped"):
        final["event"] = last.event
        final["message"] = last.message
    if out is not None:
        model.save(out)
        final["out"] = str(out)
    final = _clean(final)
    if json:
        print_fn(_json.dumps(final))
    else:
        acc = f"  val_accuracy {_fmt(final.get('val_accuracy'), '.4f')}" if "val_accuracy" in final else ""
        dh1 = _fmt(norms[0] if len(norms) else None, ".3e")
        dhT = _fmt(norms[-1] if len(norms) else None, ".3e")
        print_fn(f"final: step {final['step']}  train_loss {_fmt(final['train_loss'])}  "
                 f"val_loss {_fmt(final['val_loss'])}{acc}  ||dL/dh_1|| {dh1}  ||dL/dh_T|| {dhT}")
        if out is not None:
            print_fn(f"saved model to {out}")
    return final
