"""Everything one training run needs, as one validated, JSON-able dataclass.

``TrainConfig.validate()`` raises :class:`rnnviz.errors.RnnvizError` whose message starts with
the offending field's name (``"lr: expected a finite number > 0, got 0.0"``), so the command
line and the GUI can show it as is.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from numbers import Integral, Real

from rnnviz.engine.cells import N_GATES as _GATES
from rnnviz.errors import RnnvizError, finite_float

CELLS = ("rnn_tanh", "rnn_relu", "lstm", "gru")
TASK_NAMES = ("adding", "delayed_recall", "bracket_depth", "sine", "reversal", "text", "classify", "series")
TOKEN_KINDS = ("char", "word")
OPTIMIZERS = ("sgd", "adagrad", "rmsprop", "adam")
INITS = ("default", "xavier", "orthogonal", "identity")
ON_NAN = ("pause", "stop", "continue")

#: Initial LSTM forget-gate bias unless a config says otherwise. A positive bias lets the cell
#: state and its gradient survive many steps before the gates are learnt (Gers, Schmidhuber &
#: Cummins 2000; Jozefowicz, Zaremba & Sutskever 2015 use 1). With bias b a cell forgets with a
#: time constant of about 1 / (1 - sigma(b)) = 1 + e^b steps: 3.7 for b = 1, 8.4 for b = 2.
#: Tallec & Ollivier (2018, "chrono initialisation") set b ~ log(T) for dependencies over T steps;
#: 2 suits the built-in tasks (the adding problem at T = 50 needs ~25-50 steps of memory: with
#: b = 1 an LSTM sits at the baseline for ~3,600 of the 4,000 steps, with b = 2 it learns at seeds
#: 0, 1 and 2 alike).
LSTM_FORGET_BIAS = 2.0


class _CellDefault:
    """Default of ``TrainConfig.forget_bias``: :data:`LSTM_FORGET_BIAS` for an LSTM, None otherwise."""

    def __repr__(self) -> str:
        return f"<{LSTM_FORGET_BIAS} for an LSTM, None for other cells>"


_CELL_DEFAULT = _CellDefault()

#: Largest estimated memory of a run (parameters with their gradients and optimiser state, plus the
#: forward trace and its gradients) that ``validate()`` accepts.
MEMORY_LIMIT = 2 << 30
#: Copies of the parameters a run keeps: weights, gradients, optimiser state, last good weights.
_PARAM_COPIES = {"sgd": 3, "adagrad": 4, "rmsprop": 4, "adam": 5}

_LIMITS = {"length": 100_000, "hidden": 8192, "batch": 1 << 16, "val_batch": 1 << 16,
           "steps": 10**9, "layers": 16, "n_symbols": 10_000, "max_depth": 1000, "n_sines": 100}


@dataclass
class TrainConfig:
    """A training run: task, architecture, optimisation, schedule.

    Task: ``task`` (one of :data:`TASK_NAMES`), ``length`` (T), ``lag`` (delayed_recall),
    ``n_symbols`` (delayed_recall, reversal), ``max_depth`` (bracket_depth), ``n_sines``,
    ``noise`` (sine). Text: "text" is next-token language modelling over ``corpus`` (a
    built-in corpus name, "brackets", or a text file), "classify" is many-to-one classification
    of labelled sentences (``corpus`` "sentiment" or a text,label CSV file); ``tokens`` "char" or
    "word", ``embedding`` (input embedding size, None for one-hot), ``max_vocab``.
    Series: "series" is many-to-many regression over a numeric CSV/TSV file ``corpus``: windows of
    ``length`` rows of ``series_inputs`` (column names; None = every column) predict
    ``series_targets`` (None = the last column) ``horizon`` rows ahead, z-scored with the
    training rows' mean/std when ``normalise``.
    Architecture: ``cell``, ``hidden`` (one size per layer, or one size repeated ``layers``
    times), ``layers``, ``bidirectional``, ``init``, ``forget_bias``, ``recurrent_scale``.
    ``forget_bias`` (LSTM only) sets the forget gate's initial total bias ``b_if + b_hf``; when
    not given it is :data:`LSTM_FORGET_BIAS` (2.0) for an LSTM and None for other cells; None on
    an LSTM keeps the initialiser's biases (PyTorch's U(-1/sqrt(H), 1/sqrt(H)) for "default").
    Optimisation: ``optimizer``, ``lr``, ``batch``, ``clip`` (global-norm bound, None = off),
    ``truncate`` (truncated BPTT window, None = full), ``steps``, ``seed``.
    Schedule: ``val_every`` (validation on a fixed batch of ``val_batch`` rows), ``log_every``
    (headless progress lines), ``metrics_every`` (spectra, Jacobians, saturation),
    ``on_nan`` ("pause": restore and pause — stops when nothing can resume it; "stop";
    "continue": restore and go on), ``snapshot_weights`` (copy the weights into snapshots at
    metric steps), ``jacobian_k`` / ``jacobian_rows`` (singular values / batch rows used).
    """

    task: str = "adding"
    length: int = 50
    lag: int = 5
    n_symbols: int = 8
    max_depth: int = 4
    n_sines: int = 1
    noise: float = 0.0
    corpus: str = "brackets"
    tokens: str = "char"
    embedding: int | None = 32
    max_vocab: int | None = None
    series_inputs: tuple[str, ...] | None = None
    series_targets: tuple[str, ...] | None = None
    horizon: int = 1
    normalise: bool = True
    cell: str = "lstm"
    hidden: tuple[int, ...] = (64,)
    layers: int = 1
    bidirectional: bool = False
    init: str = "default"
    forget_bias: float | None = _CELL_DEFAULT  # type: ignore[assignment]  # resolved in __post_init__
    recurrent_scale: float = 1.0
    optimizer: str = "adam"
    lr: float = 1e-3
    batch: int = 64
    clip: float | None = 1.0
    truncate: int | None = None
    steps: int = 4000
    seed: int = 0
    val_every: int = 100
    val_batch: int = 256
    log_every: int = 100
    metrics_every: int = 25
    on_nan: str = "pause"
    snapshot_weights: bool = False
    jacobian_k: int = 5
    jacobian_rows: int = 8
    dtype: str = "float32"

    def __post_init__(self):
        if self.forget_bias is _CELL_DEFAULT:
            self.forget_bias = LSTM_FORGET_BIAS if self.cell == "lstm" else None
        if isinstance(self.hidden, (list, tuple)):
            self.hidden = tuple(self.hidden)
        elif isinstance(self.hidden, Integral) and not isinstance(self.hidden, bool):
            self.hidden = (int(self.hidden),)
        for name in ("series_inputs", "series_targets"):
            v = getattr(self, name)
            if isinstance(v, list):
                setattr(self, name, tuple(v))

    # ------------------------------------------------------------------ derived
    @property
    def hidden_sizes(self) -> list[int]:
        """One hidden size per layer."""
        if len(self.hidden) == 1:
            return [int(self.hidden[0])] * int(self.layers)
        return [int(h) for h in self.hidden]

    @property
    def num_layers(self) -> int:
        return len(self.hidden_sizes)

    def replace(self, **changes) -> "TrainConfig":
        """A validated copy with ``changes`` applied.

        Changing ``cell`` without giving ``forget_bias`` gives the new cell's default forget bias
        (2.0 for an LSTM, None otherwise), as a fresh config of that cell would have.
        """
        if "cell" in changes and "forget_bias" not in changes and changes["cell"] != self.cell:
            changes = dict(changes, forget_bias=_CELL_DEFAULT)
        cfg = replace(self, **changes)
        cfg.validate()
        return cfg

    # ------------------------------------------------------------------ validation
    def validate(self) -> "TrainConfig":
        """Check every field; raise RnnvizError naming the first bad one. Returns self."""
        _choice("task", self.task, TASK_NAMES)
        _int("length", self.length, 2 if self.task == "adding" else 1, _LIMITS["length"])
        _int("lag", self.lag, 0, _LIMITS["length"])
        if self.task == "delayed_recall" and self.lag >= self.length:
            raise RnnvizError(f"lag: expected an integer < length={self.length}, got {self.lag}")
        _int("n_symbols", self.n_symbols, 2, _LIMITS["n_symbols"])
        _int("max_depth", self.max_depth, 1, _LIMITS["max_depth"])
        _int("n_sines", self.n_sines, 1, _LIMITS["n_sines"])
        _float("noise", self.noise, minimum=0.0)
        if not isinstance(self.corpus, str) or not self.corpus:
            raise RnnvizError(f"corpus: expected a built-in corpus name or a file path, got {self.corpus!r}")
        _choice("tokens", self.tokens, TOKEN_KINDS)
        if self.embedding is not None:
            _int("embedding", self.embedding, 1, _LIMITS["hidden"])
        if self.max_vocab is not None:
            _int("max_vocab", self.max_vocab, 2, 1_000_000)
        for name in ("series_inputs", "series_targets"):
            v = getattr(self, name)
            if v is not None and (not isinstance(v, tuple) or not v or not all(isinstance(c, str) and c for c in v)):
                raise RnnvizError(f"{name}: expected a list of column names or None, got {v!r}")
        _int("horizon", self.horizon, 0, _LIMITS["length"])
        _bool("normalise", self.normalise)
        if self.task == "series" and self.corpus in ("brackets", "sentiment"):
            raise RnnvizError("corpus: the series task needs a numeric CSV/TSV file; open one with File > Open")
        _choice("cell", self.cell, CELLS)
        if not isinstance(self.hidden, tuple) or not self.hidden:
            raise RnnvizError(f"hidden: expected a positive integer or a list of them, got {self.hidden!r}")
        for h in self.hidden:
            _int("hidden", h, 1, _LIMITS["hidden"])
        _int("layers", self.layers, 1, _LIMITS["layers"])
        if len(self.hidden) > 1 and self.layers not in (1, len(self.hidden)):
            raise RnnvizError(f"layers: {self.layers} disagrees with {len(self.hidden)} hidden sizes "
                              f"{list(self.hidden)}")
        if len(self.hidden_sizes) > _LIMITS["layers"]:
            raise RnnvizError(f"hidden: at most {_LIMITS['layers']} layers, got {len(self.hidden_sizes)}")
        _bool("bidirectional", self.bidirectional)
        if self.task == "reversal" and self.bidirectional:
            raise RnnvizError("bidirectional: the reversal task uses an encoder-decoder, which is unidirectional")
        _choice("init", self.init, INITS)
        if self.forget_bias is not None:
            _float("forget_bias", self.forget_bias)
            if self.cell != "lstm":
                raise RnnvizError(f"forget_bias: only an LSTM has a forget gate, cell is {self.cell!r}")
        _float("recurrent_scale", self.recurrent_scale)
        _choice("optimizer", self.optimizer, OPTIMIZERS)
        _float("lr", self.lr, positive=True)
        _int("batch", self.batch, 1, _LIMITS["batch"])
        if self.clip is not None:
            _float("clip", self.clip, positive=True)
        if self.truncate is not None:
            _int("truncate", self.truncate, 1, _LIMITS["length"])
        _int("steps", self.steps, 1, _LIMITS["steps"])
        _int("seed", self.seed, 0, 2**63 - 1)
        _int("val_every", self.val_every, 1, _LIMITS["steps"])
        _int("val_batch", self.val_batch, 1, _LIMITS["val_batch"])
        _int("log_every", self.log_every, 1, _LIMITS["steps"])
        _int("metrics_every", self.metrics_every, 1, _LIMITS["steps"])
        _choice("on_nan", self.on_nan, ON_NAN)
        _bool("snapshot_weights", self.snapshot_weights)
        _int("jacobian_k", self.jacobian_k, 1, 1024)
        _int("jacobian_rows", self.jacobian_rows, 1, 4096)
        _choice("dtype", self.dtype, ("float32", "float64"))
        rows, rows_name = ((self.val_batch, "validation batch (val_batch)") if self.val_batch > self.batch
                           else (self.batch, "batch"))
        if self.length * rows * max(self.hidden_sizes) > 2e7:
            raise RnnvizError(f"length: length x {rows_name} x hidden = {self.length} x "
                              f"{rows} x {max(self.hidden_sizes)} is too large "
                              f"for memory; make one of them smaller")
        est = self.memory_estimate()
        if est["total_bytes"] > MEMORY_LIMIT:
            gib = 2 ** 30
            params_big = est["parameter_bytes"] >= est["activation_bytes"]
            lower = (["hidden", "layers"] if params_big else
                     ["length", "val_batch" if self.val_batch > 2 * self.batch else "batch", "hidden", "layers"])
            if self.bidirectional:
                lower.append("bidirectional")
            if self.task in ("text", "classify"):
                lower.append("max_vocab" if self.embedding is not None else "max_vocab or use an embedding")
            sizes = self.hidden_sizes
            hid = (f"{self.num_layers} x {sizes[0]}" if len(set(sizes)) == 1
                   else "(" + " + ".join(str(h) for h in sizes) + ")")
            # the reversal task trains two networks: the figures say so, so that they add up
            two = est["networks"] == 2
            onehot = est["onehot_inputs"]
            if onehot:
                width = f"({self.n_symbols} + {self.n_symbols + 1})" if two else str(onehot)
                onehot_text = f" plus one-hot inputs of length x rows x {width}"
            else:
                onehot_text = ""
            raise RnnvizError(
                f"{'hidden' if params_big else 'length'}: this run needs about {est['total_bytes'] / gib:.1f} GiB "
                f"of memory, over the {MEMORY_LIMIT / gib:.0f} GiB limit. Parameters: {est['parameters']:,}"
                f"{' (encoder, decoder and readout)' if two else ''} x "
                f"{est['parameter_copies']} copies (weights, gradients, {self.optimizer} state, last good weights) "
                f"= {est['parameter_bytes'] / gib:.1f} GiB. Traces: length x max(val_batch, 2 x batch) x layers "
                f"x hidden x directions x (gates + 2){' x 2 networks (encoder and decoder)' if two else ''} = "
                f"{self.length} x {self.trace_rows()} x {hid} x "
                f"{2 if self.bidirectional else 1} x {_GATES.get(self.cell, 4) + 2}{' x 2' if two else ''} values"
                f"{onehot_text} = {est['activation_bytes'] / gib:.1f} GiB. Lower {', '.join(lower)}")
        return self

    def trace_rows(self) -> int:
        """Rows of the largest trace a run holds: ``max(val_batch, 2 x batch)`` (validation runs
        forwards only; a training batch also holds the gradients of its trace)."""
        return max(self.val_batch, 2 * self.batch)

    def io_sizes(self) -> tuple[int, int]:
        """(inputs, outputs) of the model's first and last layers, as far as the config tells: a text
        task's vocabulary is ``max_vocab`` when set (else unknown, counted as 1), a classify task's
        classes and a series' columns are unknown until the data is read (counted as 2 and 1)."""
        if self.task == "adding":
            return 2, 1
        if self.task == "sine":
            return 1, 1
        if self.task in ("delayed_recall", "reversal"):
            return self.n_symbols + (1 if self.task == "reversal" else 0), self.n_symbols
        if self.task == "bracket_depth":
            return 5, self.max_depth + 1
        if self.task in ("text", "classify"):
            vocab = self.max_vocab or 1
            return vocab, (vocab if self.task == "text" else 2)
        return 1, 1  # series

    def memory_estimate(self) -> dict:
        """Approximate memory of a run, by arithmetic only (nothing is allocated).

        Parameters: the recurrent stack (``gates x H_k x (D_k + H_k + 2)`` per layer and direction;
        twice for the reversal task's encoder-decoder), the embedding and the readout; kept in
        :data:`_PARAM_COPIES` copies (weights, gradients, optimiser state, last good weights).
        Activations: ``length x rows x sum over layers and directions of (gates + 2) x H_k`` values
        (gate pre-activations, h and c of every step), twice for the encoder-decoder, plus one-hot
        inputs (the encoder's and the decoder's for the reversal task), where ``rows`` is
        :meth:`trace_rows` (a training batch also holds the trace's gradients, so counts twice).
        Returns a dict with ``parameters``, ``parameter_copies``, ``parameter_bytes``, ``networks``
        (2 for the encoder-decoder, else 1), ``onehot_inputs`` (one-hot width of all networks
        together, 0 without), ``activation_bytes`` and ``total_bytes``.
        """
        item = 8 if self.dtype == "float64" else 4
        gates = _GATES.get(self.cell, 4)
        dirs = 2 if self.bidirectional else 1
        sizes = self.hidden_sizes
        n_in, n_out = self.io_sizes()
        onehot = self.task in ("delayed_recall", "bracket_depth", "reversal") or (
            self.task in ("text", "classify") and self.embedding is None)
        params = 0
        rnn_in = n_in
        if self.task in ("text", "classify") and self.embedding is not None:
            params += n_in * self.embedding
            rnn_in = self.embedding
        stacks = 2 if self.task == "reversal" else 1
        # the reversal task's encoder reads n_symbols, its decoder n_symbols + 1 (the start token)
        for d in ([rnn_in - 1, rnn_in] if stacks == 2 else [rnn_in]):
            for h in sizes:
                params += dirs * gates * h * (d + h + 2)
                d = h * dirs
        params += n_out * (sizes[-1] * dirs + 1)
        copies = _PARAM_COPIES.get(self.optimizer, 5)
        rows = self.trace_rows()
        # one-hot inputs: the encoder's n_symbols and the decoder's n_symbols + 1 for reversal
        onehot_width = (0 if not onehot else 2 * n_in - 1 if stacks == 2 else n_in)
        per_step = stacks * dirs * sum((gates + 2) * h for h in sizes) + onehot_width
        activation = self.length * rows * per_step * item
        param_bytes = params * copies * item
        return {"parameters": params, "parameter_copies": copies, "parameter_bytes": param_bytes,
                "networks": stacks, "onehot_inputs": onehot_width,
                "activation_bytes": activation, "total_bytes": param_bytes + activation}

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict:
        """A JSON-serialisable dict (tuples become lists)."""
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        for name in ("series_inputs", "series_targets"):
            if d[name] is not None:
                d[name] = list(d[name])
        return d

    @classmethod
    def from_dict(cls, d) -> "TrainConfig":
        """Build and validate from a dict; unknown keys raise RnnvizError naming the key."""
        if not isinstance(d, dict):
            raise RnnvizError(f"config: expected a JSON object, got {type(d).__name__}")
        known = {f.name for f in fields(cls)}
        for key in d:
            if key not in known:
                raise RnnvizError(f"{key}: not a training setting (expected some of {sorted(known)})")
        data = dict(d)
        if "hidden" in data and isinstance(data["hidden"], list):
            data["hidden"] = tuple(data["hidden"])
        for name in ("series_inputs", "series_targets"):
            if isinstance(data.get(name), list):
                data[name] = tuple(data[name])
        cfg = cls(**data)
        cfg.validate()
        return cfg


def _choice(name, value, options):
    if not isinstance(value, str) or value not in options:
        raise RnnvizError(f"{name}: expected one of {', '.join(options)}, got {value!r}")


def _int(name, value, minimum, maximum):
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise RnnvizError(f"{name}: expected an integer, got {value!r}")
    if value < minimum:
        raise RnnvizError(f"{name}: expected an integer >= {minimum}, got {value}")
    if value > maximum:
        raise RnnvizError(f"{name}: expected an integer <= {maximum}, got {value}")


def _float(name, value, positive=False, minimum=None):
    if isinstance(value, bool) or not isinstance(value, Real):
        raise RnnvizError(f"{name}: expected a finite number, got {value!r}")
    finite_float(f"{name}: expected a finite number", value)  # a project file's JSON can hold 10**400
    if positive and value <= 0:
        raise RnnvizError(f"{name}: expected a finite number > 0, got {value!r}")
    if minimum is not None and value < minimum:
        raise RnnvizError(f"{name}: expected a number >= {minimum}, got {value!r}")


def _bool(name, value):
    if not isinstance(value, bool):
        raise RnnvizError(f"{name}: expected true or false, got {value!r}")
