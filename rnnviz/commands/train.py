"""``rnnviz train``: train a model headless with the same loop the GUI runs.

Example (the adding problem, Hochreiter & Schmidhuber 1997)::

    rnnviz train --task adding --length 50 --cell lstm --hidden 64 --batch 64 \\
        --optimizer adam --lr 1e-3 --clip 1.0 --steps 4000 --seed 0 --json --out lstm.npz

Prints a progress line every ``--log-every`` steps; with ``--json`` every line is one JSON
object and the last one holds the final ``step``, ``train_loss``, ``val_loss``,
``val_accuracy`` (classification tasks) and ``step_grad_norms`` (mean ||dL/dh_t|| per time
step of the top layer on the validation batch).

``--clip`` and ``--truncate`` are turned off by ``none``, ``off`` or any numeric zero (``0``,
``0.0``, ``00``): no clipping, full BPTT.

Exit status (every error is one line on stderr naming the flag or the file):

* 0: trained (and saved with ``--out``).
* 2: bad arguments, found before training starts: a bad value, an ``--out`` that cannot be
  written (empty, a folder, in a folder that does not exist or is not writable), or a
  ``--corpus`` file that cannot be read or used (missing, empty, not text, malformed CSV, too
  short to hold out one validation sequence), or a ``--batch`` larger than its training
  windows.
* 1: training stopped on NaN/Inf (the last good weights are kept and still saved with
  ``--out``) or the model could not be saved (e.g. the disk filled up).
* 130: interrupted (Ctrl+C).
"""
from __future__ import annotations

import argparse
import os
import sys

from rnnviz.training.config import CELLS, INITS, LSTM_FORGET_BIAS, ON_NAN, OPTIMIZERS, TASK_NAMES

_DEFAULTS = None


def _defaults():
    global _DEFAULTS
    if _DEFAULTS is None:
        from rnnviz.training.config import TrainConfig

        _DEFAULTS = TrainConfig()
    return _DEFAULTS


def _hidden(text: str) -> tuple[int, ...]:
    """``--hidden``: one size or one per layer, ``64`` or ``64,32`` (spaces allowed). An empty
    part (``64,,``, ``64,``, ``,64``) is refused, as the GUI's hidden-size field refuses it."""
    try:
        return tuple(int(p) for p in text.replace(" ", "").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer or a comma-separated list like 64,32, "
                                         f"got {text!r}") from None


def _is_off(text: str) -> bool:
    """'none', 'off' or any numeric zero ('0', '0.0', '00', '-0', '0e3') turns clipping/truncation off."""
    t = text.strip().lower()
    if t in ("none", "off"):
        return True
    try:
        return float(t) == 0.0
    except ValueError:
        return False


def _optional_float(text: str):
    if _is_off(text):
        return None
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, or 0 / 'none' for off, got {text!r}")


def _forget_bias(text: str):
    """``--forget-bias``: a number (0 included), or 'none' for the initialiser's own biases."""
    if text.strip().lower() == "none":
        return None
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'none', got {text!r}")


def _optional_int(text: str):
    if _is_off(text):
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, or 0 / 'none' for off, got {text!r}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``rnnviz train``'s options on ``parser``."""
    d = _defaults()
    parser.error = _one_line_error(parser)  # one line on stderr, exit 2, no usage dump
    a = parser.add_argument
    g = parser.add_argument_group("task")
    g.add_argument("--task", choices=TASK_NAMES, default=d.task, help="built-in task (default %(default)s)")
    g.add_argument("--length", type=int, default=d.length, help="sequence length T (default %(default)s)")
    g.add_argument("--lag", type=int, default=d.lag, help="delayed_recall: steps to remember (default %(default)s)")
    g.add_argument("--symbols", dest="n_symbols", type=int, default=d.n_symbols,
                   help="alphabet size for delayed_recall / reversal (default %(default)s)")
    g.add_argument("--max-depth", type=int, default=d.max_depth, help="bracket_depth: deepest nesting")
    g.add_argument("--sines", dest="n_sines", type=int, default=d.n_sines, help="sine: number of sines summed")
    g.add_argument("--noise", type=float, default=d.noise, help="sine: noise standard deviation")
    g.add_argument("--corpus", default=d.corpus,
                   help="text/classify: built-in corpus (brackets, sentiment) or a file (default %(default)s)")
    g.add_argument("--tokens", choices=("char", "word"), default=d.tokens, help="text/classify: tokeniser")
    g.add_argument("--embedding", type=_optional_int, default=d.embedding,
                   help="text/classify: embedding size, or 'none' for one-hot inputs (default %(default)s)")
    g.add_argument("--max-vocab", type=int, default=None, help="text/classify: vocabulary size cap")
    g = parser.add_argument_group("model")
    g.add_argument("--cell", choices=CELLS, default=d.cell, help="recurrent cell (default %(default)s)")
    g.add_argument("--hidden", type=_hidden, default=d.hidden,
                   help="hidden size, or one per layer: 64 or 64,32 (default 64)")
    g.add_argument("--layers", type=int, default=d.layers, help="number of layers (default %(default)s)")
    g.add_argument("--bidirectional", action="store_true", help="bidirectional layers")
    g.add_argument("--init", choices=INITS, default=d.init, help="initialiser (default %(default)s)")
    g.add_argument("--forget-bias", type=_forget_bias, default=argparse.SUPPRESS, metavar="B",
                   help=f"LSTM only: initial forget-gate bias b_if + b_hf (default {LSTM_FORGET_BIAS} for an "
                        "LSTM: a memory of ~1 + e^B steps at the start, see Tallec & Ollivier 2018); 'none' keeps the "
                        "initialiser's biases (PyTorch's default U(-1/sqrt(H), 1/sqrt(H)) with --init default)")
    g.add_argument("--recurrent-scale", type=float, default=d.recurrent_scale,
                   help="multiply every W_hh by this after initialisation")
    g.add_argument("--float64", action="store_true", help="compute in float64 (default float32)")
    g = parser.add_argument_group("optimisation")
    g.add_argument("--optimizer", choices=OPTIMIZERS, default=d.optimizer, help="(default %(default)s)")
    g.add_argument("--lr", type=float, default=d.lr, help="learning rate (default %(default)s)")
    g.add_argument("--batch", type=int, default=d.batch, help="batch size (default %(default)s)")
    g.add_argument("--clip", type=_optional_float, default=d.clip,
                   help="clip the global gradient norm to this; 0 (any zero: 0, 0.0) or 'none' for no "
                        "clipping (default %(default)s)")
    g.add_argument("--truncate", type=_optional_int, default=None,
                   help="truncated BPTT window in steps; 0 (any zero) or 'none' for full BPTT (default: full BPTT)")
    g.add_argument("--steps", type=int, default=d.steps, help="optimiser steps (default %(default)s)")
    g.add_argument("--seed", type=int, default=d.seed, help="seed for weights and data (default %(default)s)")
    g.add_argument("--on-nan", choices=[c for c in ON_NAN if c != "pause"], default="stop",
                   help="on NaN/Inf: restore the last good weights and stop, or continue (default stop)")
    g = parser.add_argument_group("output")
    g.add_argument("--log-every", type=int, default=d.log_every, help="progress line every N steps")
    g.add_argument("--val-every", type=int, default=d.val_every, help="validate every N steps")
    g.add_argument("--val-batch", type=int, default=d.val_batch, help="rows in the fixed validation batch")
    g.add_argument("--json", action="store_true", help="every output line is a JSON object")
    g.add_argument("--out", metavar="PATH", help="save the trained model to PATH (.npz); checked before "
                                                  "training: not a folder, in an existing writable folder")
    a("--threads", type=int, default=1,
      help="BLAS threads (default 1: small matrices run fastest on one thread)")


def _one_line_error(parser):
    def error(message: str):
        parser.exit(2, f"{parser.prog}: error: {message}\n")
    return error


def _limit_threads(n: int) -> None:
    """Set the BLAS thread count if NumPy is not imported yet (environment read at load)."""
    if "numpy" in sys.modules:
        return
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(n))


def run(args: argparse.Namespace) -> int:
    """Build the config from ``args``, train, print, save. Returns the exit status."""
    prog = "rnnviz train"
    if args.threads is not None and args.threads >= 1:
        _limit_threads(args.threads)
    elif args.threads is not None:
        print(f"{prog}: error: --threads: expected an integer >= 1, got {args.threads}", file=sys.stderr)
        return 2
    from rnnviz.errors import RnnvizError
    from rnnviz.training.config import TrainConfig
    from rnnviz.training.loop import headless_train

    # --forget-bias not given: TrainConfig's default for the cell (LSTM_FORGET_BIAS for an LSTM, None otherwise)
    forget = {"forget_bias": args.forget_bias} if hasattr(args, "forget_bias") else {}
    try:
        config = TrainConfig(
            task=args.task, length=args.length, lag=args.lag, n_symbols=args.n_symbols,
            max_depth=args.max_depth, n_sines=args.n_sines, noise=args.noise, corpus=args.corpus,
            tokens=args.tokens, embedding=args.embedding, max_vocab=args.max_vocab, cell=args.cell,
            hidden=tuple(args.hidden), layers=args.layers, bidirectional=args.bidirectional,
            init=args.init, recurrent_scale=args.recurrent_scale, **forget,
            optimizer=args.optimizer, lr=args.lr, batch=args.batch, clip=args.clip,
            truncate=args.truncate, steps=args.steps, seed=args.seed, val_every=args.val_every,
            val_batch=args.val_batch, log_every=args.log_every, on_nan=args.on_nan,
            dtype="float64" if args.float64 else "float32")
        config.validate()
        if args.out is not None:
            _check_out(args.out)
        if config.task in ("text", "classify", "series"):
            # read the corpus now (the loop keeps it) and draw the held-out rows, so an unusable
            # file is a bad argument (exit 2) found before training, not after
            from rnnviz.training.loop import validation_batch

            try:
                validation_batch(config)
            except RnnvizError as exc:
                raise RnnvizError(_naming_corpus(str(exc), config.corpus)) from None
            _check_training_batch(config)
    except RnnvizError as exc:
        print(f"{prog}: error: {_flag_name(str(exc))}", file=sys.stderr)
        return 2

    def emit(line: str) -> None:
        print(line, flush=True)

    try:
        final = headless_train(config, out=args.out, json=args.json, print_fn=emit)
    except RnnvizError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    if final.get("event") == "nan":
        print(f"{prog}: {final.get('message', 'stopped on NaN/Inf')}", file=sys.stderr)
        return 1
    return 0


def _check_training_batch(config) -> None:
    """Refuse, before training, a ``--batch`` larger than the file's training windows or
    sequences (or a ``--length`` too long for them): RnnvizError "batch: ..." / "length: ...".
    A series says it as the app and the training loop do (:meth:`SeriesDataset.problem`); a
    text's is found by drawing one batch (the loop draws its own)."""
    import numpy as np

    from rnnviz.errors import RnnvizError
    from rnnviz.training.loop import make_batch, series_dataset

    if config.task != "series":
        make_batch(config, config.batch, np.random.default_rng(config.seed))
        return
    problem = series_dataset(config).problem(config.length, config.batch)
    if problem:
        raise RnnvizError(problem)


def _naming_corpus(message: str, corpus: str) -> str:
    """A message about the corpus that names it: 'corpus: notes.txt: the validation text has ...'."""
    from pathlib import Path

    if message.startswith(("corpus:", f"{corpus}:", f"{Path(corpus)}:")):
        return message
    return f"corpus: {corpus}: {message}"


def _check_out(out: str) -> None:
    """Refuse an ``--out`` the model could not be saved to, before training
    (:func:`rnnviz.output_paths.output_path_problem`, as ``--screenshot`` is checked)."""
    from rnnviz.errors import RnnvizError
    from rnnviz.output_paths import output_path_problem

    problem = output_path_problem(out, example="model.npz")
    if problem:
        raise RnnvizError(f"out: cannot write {out}: {problem}" if out.strip() else f"out: {problem}")


_FLAG = {"n_symbols": "--symbols", "n_sines": "--sines", "dtype": "--float64"}


def _flag_name(message: str) -> str:
    """'lr: expected ...' -> '--lr: expected ...' (the name the user typed)."""
    field, sep, rest = message.partition(":")
    if sep and field.isidentifier():
        return f"{_FLAG.get(field, '--' + field.replace('_', '-'))}:{rest}"
    return message
