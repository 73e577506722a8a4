"""Whole models: input encoding + recurrent network + linear readout, for every sequence shape.

* :class:`SequenceModel` — many-to-many (``target="*_each"``: next token, tagging, forecasting),
  many-to-one (``target="*_last"``: sentiment, the adding problem) and, by sampling its own
  predictions, one-to-many generation (:meth:`SequenceModel.generate`).
* :class:`EncoderDecoder` — sequence to sequence of a different length: the decoder starts
  from the encoder's final state, is trained with teacher forcing, decodes greedily, and its
  gradient flows back into the encoder through that state.

Parameters of a model live in one flat dict of live arrays, ``model.params``, named like a
PyTorch module with attributes ``encoder`` (an ``nn.Embedding``), ``rnn`` and ``head``
(``nn.Linear``): ``"encoder.weight"``, ``"rnn.weight_ih_l0"``, ..., ``"head.weight"``,
``"head.bias"``. Optimisers update them in place.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from rnnviz.engine.encoding import Embedding, OneHot, RawFloat
from rnnviz.engine.init import init_recurrent_params
from rnnviz.engine.linear import Linear
from rnnviz.engine.losses import accuracy, mse, softmax, softmax_cross_entropy
from rnnviz.engine.recurrent import Recurrent, load_params_strict
from rnnviz.engine.trace import Grads, Trace
from rnnviz.errors import RnnvizError, finite_float

TARGETS = ("classification_each", "classification_last", "regression_each", "regression_last")
ENCODINGS = ("raw", "onehot", "embedding")


@dataclass
class StepResult:
    """What one loss evaluation returns.

    loss: mean loss; grads: name -> gradient like ``model.params`` (None when not computed);
    accuracy: for classification, else None; trace: the forward Trace (encoder's for
    EncoderDecoder); rnn_grads: the recurrent net's Grads (``step_norms``); outputs: logits
    (classification) or predictions (regression), (T, B, C) for ``*_each`` and (B, C) for ``*_last``.
    """

    loss: float
    grads: dict[str, np.ndarray] | None
    accuracy: float | None
    trace: Trace
    rnn_grads: Grads | None
    outputs: np.ndarray


def _make_encoder(encoding, input_size, embedding_dim, rng, dtype):
    if encoding == "raw":
        return RawFloat(input_size)
    if encoding == "onehot":
        return OneHot(input_size, dtype)
    if encoding == "embedding":
        if embedding_dim is None:
            raise RnnvizError("embedding_dim is required when encoding='embedding'")
        return Embedding(input_size, embedding_dim, rng, dtype)
    raise RnnvizError(f"encoding must be one of {', '.join(ENCODINGS)}; got {encoding!r}")


def _mask_with_lengths(mask, valid: np.ndarray):
    """A per-step ``mask`` (bool, or non-negative float/int weights, (T, B) or (T, B, K)) with the
    padded steps of ``valid`` (T, B) set to False / weight 0. A mask of another shape or with bad
    values is returned unchanged, for the loss to refuse with a message naming it."""
    m = np.asarray(mask)
    if m.ndim < valid.ndim or m.shape[:valid.ndim] != valid.shape:
        return mask
    v = valid.reshape(valid.shape + (1,) * (m.ndim - valid.ndim))
    if m.dtype == bool:
        return m & v
    if m.dtype.kind in "iuf" and np.all(np.isfinite(m)) and not np.any(m < 0):
        return np.where(v, m, 0).astype(m.dtype, copy=False)
    return mask


class _ParamsIO:
    """Weights in and out of a model whose live parameters are the flat dict ``self.params``."""

    params: dict[str, np.ndarray]

    def save(self, path) -> None:
        """Write the model atomically as one ``.npz`` file (no pickle). See rnnviz.engine.serialize."""
        from rnnviz.engine.serialize import save_model

        save_model(self, path)

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter, by name."""
        return {k: v.copy() for k, v in self.params.items()}

    def load_state_dict(self, state: dict) -> None:
        """Strict, all-or-nothing copy of ``state`` into the live parameters."""
        load_params_strict(self.params, state, f"this {self.kind} model")


class SequenceModel(_ParamsIO):
    """encoder -> :class:`Recurrent` -> :class:`Linear` head.

    Args:
        cell, hidden_size, num_layers, bidirectional, seed, dtype: as :class:`Recurrent`.
        input_size: D for ``encoding="raw"`` (inputs (T, B, D) floats), else the vocabulary
            size V (inputs (T, B) int token ids).
        output_size: classes C, or regression outputs K.
        target: "classification_each" | "classification_last" | "regression_each" | "regression_last".
            ``*_last`` reads the last valid step (for a bidirectional net: the forward
            direction's last step and the backward direction's first step).
        encoding: "raw" | "onehot" | "embedding" (then ``embedding_dim``).
        init, forget_bias, recurrent_scale: see :func:`rnnviz.engine.init.init_recurrent_params`.
        tokenizer: optional object with ``to_config()`` (saved with the model).
        class_names: optional names of the C classes. normalisation: optional dict of
            JSON-serialisable numbers (e.g. series mean/std) saved with the model.
    """

    kind = "sequence"

    def __init__(self, cell: str, input_size: int, hidden_size, output_size: int, *, num_layers: int = 1,
                 bidirectional: bool = False, target: str = "classification_each", encoding: str = "raw",
                 embedding_dim: int | None = None, seed: int = 0, dtype=np.float32, init: str = "default",
                 forget_bias: float | None = None, recurrent_scale: float = 1.0, tokenizer=None,
                 class_names=None, normalisation: dict | None = None) -> None:
        if target not in TARGETS:
            raise RnnvizError(f"target must be one of {', '.join(TARGETS)}; got {target!r}")
        if class_names is not None and isinstance(output_size, (int, np.integer)) and len(class_names) != output_size:
            raise RnnvizError(f"class_names has {len(class_names)} names but the model has {output_size} "
                              "output classes (output_size)")
        if (tokenizer is not None and encoding != "raw" and isinstance(input_size, (int, np.integer))
                and len(tokenizer.vocab) > input_size):
            raise RnnvizError(f"the tokenizer has {len(tokenizer.vocab)} tokens but the model reads only "
                              f"{input_size} (input_size)")
        rng = np.random.default_rng(seed)
        self.target = target
        self.encoding = encoding
        self.encoder = _make_encoder(encoding, input_size, embedding_dim, rng, dtype)
        self.net = Recurrent(cell, self.encoder.output_size, hidden_size, num_layers=num_layers,
                             bidirectional=bidirectional, seed=seed, dtype=dtype)
        if init != "default" or forget_bias is not None or recurrent_scale != 1.0:
            init_recurrent_params(self.net.params, cell, list(self.net.hidden_sizes), init, rng,
                                  forget_bias=forget_bias, recurrent_scale=recurrent_scale)
        self.head = Linear(self.net.output_size, output_size, rng, dtype)
        self.input_size = int(input_size)
        self.output_size = int(output_size)
        self.seed = seed
        self.init_config = {"init": init, "forget_bias": forget_bias, "recurrent_scale": recurrent_scale}
        self.tokenizer = tokenizer
        self.class_names = list(class_names) if class_names is not None else None
        self.normalisation = dict(normalisation) if normalisation else None
        self.params = self._collect_params()

    def _collect_params(self) -> dict[str, np.ndarray]:
        params = {f"encoder.{k}": v for k, v in self.encoder.params.items()}
        params.update({f"rnn.{k}": v for k, v in self.net.params.items()})
        params.update({f"head.{k}": v for k, v in self.head.params.items()})
        return params

    @property
    def is_classifier(self) -> bool:
        return self.target.startswith("classification")

    @property
    def per_step(self) -> bool:
        return self.target.endswith("_each")

    @property
    def dtype(self):
        return self.net.dtype

    # ----------------------------------------------------------------- forward
    def encode(self, x) -> np.ndarray:
        """Inputs -> (T, B, D) vectors for the first recurrent layer."""
        if self.encoding == "raw":
            return self.encoder.forward(np.asarray(x, dtype=self.dtype) if np.asarray(x).dtype.kind in "iu" else x)
        return self.encoder.forward(x)

    def _features(self, trace: Trace, lengths):
        """(T, B, Hd) for ``*_each``; (B, Hd) for ``*_last``."""
        out = trace.output
        if self.per_step:
            return out
        T, B, _ = out.shape
        if T == 0:
            raise RnnvizError("x must have at least one time step for a many-to-one model")
        last = np.full(B, T - 1) if lengths is None else np.asarray(lengths) - 1
        H = self.net.hidden_size
        feat = out[last, np.arange(B)].copy()
        if self.net.num_directions == 2:
            feat[:, H:] = out[0, :, H:]
        return feat

    def forward(self, x, lengths=None, h0=None) -> tuple[Trace, np.ndarray]:
        """Returns (trace, outputs): logits or predictions, (T, B, C) or (B, C)."""
        trace = self.net.forward(self.encode(x), h0=h0, lengths=lengths)
        return trace, self.head.forward(self._features(trace, lengths))

    def predict_proba(self, x, lengths=None, h0=None) -> tuple[Trace, np.ndarray]:
        """Classifiers: softmax probabilities, (T, B, C) or (B, C)."""
        trace, logits = self.forward(x, lengths, h0)
        return trace, softmax(logits, axis=-1)

    def step_outputs(self, trace: Trace) -> np.ndarray:
        """The head applied at *every* step, (T, B, C), whatever the target.

        For a many-to-one classifier this is "the class probability after every token"
        (using the state after reading tokens 0..t, forward direction only when bidirectional).
        """
        out = trace.output
        if self.net.num_directions == 2 and not self.per_step:
            H = self.net.hidden_size
            out = out.copy()
            out[:, :, H:] = out[0:1, :, H:]
        return self.head.forward(out)

    # ----------------------------------------------------------------- loss
    def _loss(self, outputs, y, mask):
        if self.is_classifier:
            loss, d = softmax_cross_entropy(outputs, y, mask)
            return loss, d, accuracy(outputs, y, mask)
        y = np.asarray(y, dtype=outputs.dtype)
        if y.shape != outputs.shape:
            raise RnnvizError(f"y must have shape {outputs.shape} for this model, got {y.shape}")
        loss, d = mse(outputs, y, mask)
        return loss, d, None

    def loss_and_grads(self, x, y, mask=None, lengths=None, truncate=None, h0=None,
                       compute_grads: bool = True) -> StepResult:
        """Loss (cross-entropy or MSE, mean over unmasked targets) and every parameter gradient.

        y: (T, B) int / (B,) int for classification; (T, B, K) / (B, K) floats for regression.
        mask: (T, B) bool, or non-negative weights, for per-step targets; with ``lengths`` the
            padded steps count for nothing whatever the mask says.
        truncate: truncated BPTT window (see Recurrent.backward).
        """
        x_enc = self.encode(x)
        trace = self.net.forward(x_enc, h0=h0, lengths=lengths)
        feats = self._features(trace, lengths)
        outputs = self.head.forward(feats)
        if mask is not None and self.per_step and lengths is not None:
            mask = _mask_with_lengths(mask, np.arange(trace.steps)[:, None] < np.asarray(lengths)[None, :])
        elif mask is None and self.per_step and lengths is not None:
            mask = np.arange(trace.steps)[:, None] < np.asarray(lengths)[None, :]
        loss, d_out, acc = self._loss(outputs, y, mask)
        if not compute_grads:
            return StepResult(loss, None, acc, trace, None, outputs)
        d_feat, head_grads = self.head.backward(feats, d_out)
        if self.per_step:
            d_output = d_feat
        else:
            T, B, _ = trace.output.shape
            d_output = np.zeros_like(trace.output)
            last = np.full(B, T - 1) if lengths is None else np.asarray(lengths) - 1
            H = self.net.hidden_size
            d_output[last, np.arange(B), :H] = d_feat[:, :H]
            if self.net.num_directions == 2:
                d_output[0, :, H:] += d_feat[:, H:]
        rnn_grads = self.net.backward(trace, d_output, truncate=truncate)
        grads = {f"encoder.{k}": v for k, v in self.encoder.backward(x, rnn_grads.input).items()}
        grads.update({f"rnn.{k}": v for k, v in rnn_grads.params.items()})
        grads.update({f"head.{k}": v for k, v in head_grads.items()})
        return StepResult(loss, grads, acc, trace, rnn_grads, outputs)

    def loss_on_batch(self, batch, truncate=None, compute_grads: bool = True) -> StepResult:
        """:meth:`loss_and_grads` on a :class:`rnnviz.data.tasks.Batch`."""
        if batch.kind != self.target:
            raise RnnvizError(f"this model predicts {self.target!r} but the batch is {batch.kind!r}")
        x = batch.ids if (self.encoding != "raw" and batch.ids is not None) else batch.x
        return self.loss_and_grads(x, batch.y, mask=batch.mask, lengths=getattr(batch, "lengths", None),
                                   truncate=truncate, compute_grads=compute_grads)

    def evaluate_batch(self, batch) -> StepResult:
        return self.loss_on_batch(batch, compute_grads=False)

    # ----------------------------------------------------------------- one-to-many
    def generate(self, seed_ids, n_steps: int, temperature: float = 1.0, rng=None, greedy: bool = False):
        """Sample ``n_steps`` tokens after the prompt ``seed_ids`` (1-D ids), feeding each back in.

        p(token) ∝ exp(logit / temperature), ``temperature`` any real number > 0 (Python or NumPy
        int/float, not bool) that a float can hold; a tiny one samples the most likely token, one
        too large for a float is refused. Needs a unidirectional token model with
        ``target="classification_each"`` whose classes are the input vocabulary.
        Returns the generated ids (n_steps,) int64.
        """
        if self.encoding == "raw" or self.target != "classification_each" or self.net.bidirectional:
            raise RnnvizError("generate needs a unidirectional next-token model over token ids")
        if (isinstance(temperature, (bool, np.bool_)) or not isinstance(temperature, numbers.Real)
                or not temperature > 0):
            raise RnnvizError(f"temperature must be a positive number, got {temperature!r}")
        t = finite_float("temperature must be a positive number", temperature)
        temperature = max(t, 5e-324)  # a positive number below the smallest float acts as the smallest
        if not isinstance(n_steps, (int, np.integer)) or n_steps < 0:
            raise RnnvizError(f"n_steps must be a non-negative integer, got {n_steps!r}")
        rng = np.random.default_rng(rng)
        seed_ids = np.asarray(seed_ids, dtype=np.int64).reshape(-1)
        if seed_ids.size == 0:
            seed_ids = np.zeros(1, np.int64)
        trace, logits = self.forward(seed_ids[:, None])
        state = trace.final_state
        out = np.empty(n_steps, np.int64)
        last = logits[-1, 0]
        # never emit the tokenizer's unknown token (id 0, "<unk>"): it is not text
        banned = 0 if self.tokenizer is not None and self.tokenizer.vocab[:1] == ["<unk>"] else None
        for k in range(n_steps):
            if banned is not None:
                last = last.copy()
                last[banned] = -np.inf
            if greedy:
                nxt = int(np.argmax(last))
            else:
                z = last.astype(np.float64)
                with np.errstate(over="ignore"):  # (logit - max) / temperature: at worst -inf, never NaN
                    p = softmax((z - z.max()) / temperature)
                nxt = int(rng.choice(p.size, p=p / p.sum()))
            out[k] = nxt
            trace, logits = self.forward(np.array([[nxt]]), h0=state)
            state = trace.final_state
            last = logits[-1, 0]
        return out

    # ----------------------------------------------------------------- config
    def to_config(self) -> dict:
        cfg = {
            "kind": self.kind, "cell": self.net.cell, "input_size": self.input_size,
            "hidden_size": list(self.net.hidden_sizes), "output_size": self.output_size,
            "bidirectional": self.net.bidirectional, "target": self.target, "encoding": self.encoding,
            "embedding_dim": getattr(self.encoder, "dim", None), "seed": self.seed,
            "dtype": self.net.dtype.name, **self.init_config,
            "class_names": self.class_names, "normalisation": self.normalisation,
            "tokenizer": self.tokenizer.to_config() if self.tokenizer is not None else None,
        }
        return cfg

    @classmethod
    def from_config(cls, cfg: dict) -> "SequenceModel":
        tok = None
        if cfg.get("tokenizer"):
            from rnnviz.data.tokenize import tokenizer_from_config

            try:
                tok = tokenizer_from_config(cfg["tokenizer"])
            except RnnvizError as exc:
                raise RnnvizError(f"model config field 'tokenizer': {exc}") from None
        return cls(cfg["cell"], cfg["input_size"], cfg["hidden_size"], cfg["output_size"],
                   bidirectional=cfg.get("bidirectional", False), target=cfg["target"],
                   encoding=cfg["encoding"], embedding_dim=cfg.get("embedding_dim"),
                   seed=cfg.get("seed", 0), dtype=np.dtype(cfg.get("dtype", "float32")),
                   init=cfg.get("init", "default"), forget_bias=cfg.get("forget_bias"),
                   recurrent_scale=cfg.get("recurrent_scale", 1.0),
                   tokenizer=tok, class_names=cfg.get("class_names"), normalisation=cfg.get("normalisation"))



class EncoderDecoder(_ParamsIO):
    """Sequence to sequence with different lengths (Sutskever et al. 2014; Cho et al. 2014).

    encoder: one-hot(src ids) -> Recurrent; its final state (h, and c for LSTM) is the
    decoder's initial state. decoder: one-hot(previous target token, start token first) ->
    Recurrent -> Linear -> softmax over ``tgt_vocab`` classes. Training uses teacher forcing:
    the decoder reads the true previous token. Parameters: ``encoder_rnn.*``, ``decoder_rnn.*``,
    ``head.*``. ``net`` is the encoder's Recurrent (for the views), ``decoder_net`` the decoder's.
    ``init``, ``forget_bias``, ``recurrent_scale`` (see
    :func:`rnnviz.engine.init.init_recurrent_params`) apply to both networks and are saved with
    the model.
    """

    kind = "encoder_decoder"
    target = "seq2seq"

    def __init__(self, cell: str, src_vocab: int, tgt_vocab: int, hidden_size, *, num_layers: int = 1,
                 start_token: int | None = None, seed: int = 0, dtype=np.float32, init: str = "default",
                 forget_bias: float | None = None, recurrent_scale: float = 1.0) -> None:
        rng = np.random.default_rng(seed)
        self.src_vocab = int(src_vocab)
        self.tgt_vocab = int(tgt_vocab)
        self.start_token = self.tgt_vocab if start_token is None else int(start_token)
        self.src_encoder = OneHot(self.src_vocab, dtype)
        self.dec_encoder = OneHot(max(self.tgt_vocab, self.start_token + 1), dtype)
        self.net = Recurrent(cell, self.src_vocab, hidden_size, num_layers=num_layers, seed=seed, dtype=dtype)
        self.decoder_net = Recurrent(cell, self.dec_encoder.output_size, hidden_size, num_layers=num_layers,
                                     seed=seed + 1, dtype=dtype)
        self.head = Linear(self.decoder_net.output_size, self.tgt_vocab, rng, dtype)
        if init != "default" or forget_bias is not None or recurrent_scale != 1.0:
            init_rng = np.random.default_rng(seed)  # a generator of its own: encoder, then decoder
            for net in (self.net, self.decoder_net):
                init_recurrent_params(net.params, cell, list(net.hidden_sizes), init, init_rng,
                                      forget_bias=forget_bias, recurrent_scale=recurrent_scale)
        self.seed = seed
        self.init_config = {"init": init, "forget_bias": forget_bias, "recurrent_scale": recurrent_scale}
        self.params = {f"encoder_rnn.{k}": v for k, v in self.net.params.items()}
        self.params.update({f"decoder_rnn.{k}": v for k, v in self.decoder_net.params.items()})
        self.params.update({f"head.{k}": v for k, v in self.head.params.items()})
        self.tokenizer = None
        self.class_names = None
        self.normalisation = None

    @property
    def dtype(self):
        return self.net.dtype

    def loss_and_grads(self, src, dec_in, tgt, mask=None, truncate=None, compute_grads: bool = True) -> StepResult:
        """src: (T_in, B) ids; dec_in: (T_out, B) ids (start token first); tgt: (T_out, B) ids."""
        enc_trace = self.net.forward(self.src_encoder.forward(src))
        dec_trace = self.decoder_net.forward(self.dec_encoder.forward(dec_in), h0=enc_trace.final_state)
        logits = self.head.forward(dec_trace.output)
        loss, d_logits = softmax_cross_entropy(logits, tgt, mask)
        acc = accuracy(logits, tgt, mask)
        if not compute_grads:
            return StepResult(loss, None, acc, enc_trace, None, logits)
        d_dec_out, head_grads = self.head.backward(dec_trace.output, d_logits)
        dec_grads = self.decoder_net.backward(dec_trace, d_dec_out)
        enc_grads = self.net.backward(enc_trace, np.zeros_like(enc_trace.output),
                                      d_final_state=dec_grads.initial_state, truncate=truncate)
        grads = {f"encoder_rnn.{k}": v for k, v in enc_grads.params.items()}
        grads.update({f"decoder_rnn.{k}": v for k, v in dec_grads.params.items()})
        grads.update({f"head.{k}": v for k, v in head_grads.items()})
        return StepResult(loss, grads, acc, enc_trace, enc_grads, logits)

    def loss_on_batch(self, batch, truncate=None, compute_grads: bool = True) -> StepResult:
        if batch.kind != "seq2seq":
            raise RnnvizError(f"an encoder-decoder model needs a seq2seq batch, got {batch.kind!r}")
        src = batch.ids if batch.ids is not None else batch.x
        return self.loss_and_grads(src, batch.decoder_input, batch.y, mask=batch.mask, truncate=truncate,
                                   compute_grads=compute_grads)

    def evaluate_batch(self, batch) -> StepResult:
        return self.loss_on_batch(batch, compute_grads=False)

    def greedy_decode(self, src, n_steps: int) -> np.ndarray:
        """Decode ``n_steps`` tokens greedily from the encoder's final state. src (T_in, B) -> (n_steps, B)."""
        src = np.asarray(src)
        B = src.shape[1]
        state = self.net.forward(self.src_encoder.forward(src)).final_state
        tok = np.full((1, B), self.start_token, np.int64)
        out = np.empty((n_steps, B), np.int64)
        for t in range(n_steps):
            tr = self.decoder_net.forward(self.dec_encoder.forward(tok), h0=state)
            state = tr.final_state
            nxt = np.argmax(self.head.forward(tr.output[0]), axis=-1)
            out[t] = nxt
            tok = nxt[None, :].astype(np.int64)
        return out

    def to_config(self) -> dict:
        return {"kind": self.kind, "cell": self.net.cell, "src_vocab": self.src_vocab, "tgt_vocab": self.tgt_vocab,
                "hidden_size": list(self.net.hidden_sizes), "start_token": self.start_token, "seed": self.seed,
                "dtype": self.net.dtype.name, **self.init_config}

    @classmethod
    def from_config(cls, cfg: dict) -> "EncoderDecoder":
        hs = cfg["hidden_size"]
        return cls(cfg["cell"], cfg["src_vocab"], cfg["tgt_vocab"], hs, num_layers=len(hs) if isinstance(hs, list) else 1,
                   start_token=cfg.get("start_token"), seed=cfg.get("seed", 0),
                   dtype=np.dtype(cfg.get("dtype", "float32")), init=cfg.get("init", "default"),
                   forget_bias=cfg.get("forget_bias"), recurrent_scale=cfg.get("recurrent_scale", 1.0))



MAX_PARAM_BYTES = 2 << 30
"""Largest model (its parameters, in bytes) built from a config: a model file holds at most 2 GiB
(``serialize.MAX_TOTAL_BYTES``), so a bigger model could not be saved and loaded back."""

_MISSING = object()


def _get(cfg: dict, field: str, default=_MISSING):
    if field in cfg:
        return cfg[field]
    if default is _MISSING:
        raise RnnvizError(f"model config is missing the field {field!r}")
    return default


def _pos_int(cfg: dict, field: str, default=_MISSING) -> int:
    v = _get(cfg, field, default)
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
        raise RnnvizError(f"model config field {field!r} must be a positive integer, got {v!r}")
    return int(v)


def _real(cfg: dict, field: str, default=_MISSING) -> float:
    v = _get(cfg, field, default)
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise RnnvizError(f"model config field {field!r} must be a finite number, got {v!r:.80}")
    return finite_float(f"model config field {field!r} must be a finite number", v)  # JSON can hold 10**400


def _choice(cfg: dict, field: str, choices, default=_MISSING) -> str:
    v = _get(cfg, field, default)
    if not isinstance(v, str) or v not in choices:
        raise RnnvizError(f"model config field {field!r} must be one of {', '.join(choices)}; got {v!r}")
    return v


def _hidden_sizes(cfg: dict) -> list[int]:
    hs = _get(cfg, "hidden_size")
    sizes = hs if isinstance(hs, list) else [hs]
    if not sizes:
        raise RnnvizError("model config field 'hidden_size' must be a positive integer or a non-empty list of them")
    for k, h in enumerate(sizes):
        if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h < 1:
            raise RnnvizError(f"model config field 'hidden_size' (layer {k}) must be a positive integer, got {h!r}")
    return [int(h) for h in sizes]


def _rnn_shapes(prefix: str, cell: str, input_size: int, sizes: list[int], directions: int) -> dict:
    from rnnviz.engine.cells import N_GATES

    shapes = {}
    G = N_GATES[cell]
    D = input_size
    for k, H in enumerate(sizes):
        for d in range(directions):
            sfx = f"_l{k}" + ("_reverse" if d == 1 else "")
            shapes[f"{prefix}weight_ih{sfx}"] = (G * H, D)
            shapes[f"{prefix}weight_hh{sfx}"] = (G * H, H)
            shapes[f"{prefix}bias_ih{sfx}"] = (G * H,)
            shapes[f"{prefix}bias_hh{sfx}"] = (G * H,)
        D = H * directions
    return shapes


def config_param_shapes(cfg) -> dict[str, tuple[int, ...]]:
    """Check every field of a model config (from ``to_config()`` or a file) and return the name and
    shape of each parameter the model would have -- by arithmetic only, nothing is allocated.

    Raises RnnvizError naming the field and what was expected.
    """
    from rnnviz.engine.init import SCHEMES
    from rnnviz.engine.recurrent import CELLS

    if not isinstance(cfg, dict):
        raise RnnvizError("model config must be a JSON object")
    kind = cfg.get("kind")
    if kind not in ("sequence", "encoder_decoder"):
        raise RnnvizError(f"model config has unknown kind {kind!r} (expected 'sequence' or 'encoder_decoder')")
    cell = _choice(cfg, "cell", CELLS)
    sizes = _hidden_sizes(cfg)
    seed = _get(cfg, "seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise RnnvizError(f"model config field 'seed' must be an integer >= 0, got {seed!r}")
    _choice(cfg, "dtype", ("float32", "float64"), "float32")
    init = _get(cfg, "init", "default")
    if not isinstance(init, str) or init.lower() not in SCHEMES:
        raise RnnvizError(f"model config field 'init' must be one of {', '.join(SCHEMES)}; got {init!r}")
    if _get(cfg, "forget_bias", None) is not None:
        _real(cfg, "forget_bias")
        if cell != "lstm":
            raise RnnvizError(f"model config field 'forget_bias' is only for an LSTM, the cell is {cell!r}")
    _real(cfg, "recurrent_scale", 1.0)
    if kind == "encoder_decoder":
        src = _pos_int(cfg, "src_vocab")
        tgt = _pos_int(cfg, "tgt_vocab")
        start = _get(cfg, "start_token", None)
        if start is not None and (isinstance(start, bool) or not isinstance(start, (int, np.integer)) or start < 0):
            raise RnnvizError(f"model config field 'start_token' must be an integer >= 0 or null, got {start!r}")
        dec_in = max(tgt, tgt if start is None else int(start) + 1)
        shapes = _rnn_shapes("encoder_rnn.", cell, src, sizes, 1)
        shapes.update(_rnn_shapes("decoder_rnn.", cell, dec_in, sizes, 1))
        shapes.update({"head.weight": (tgt, sizes[-1]), "head.bias": (tgt,)})
        return shapes
    input_size = _pos_int(cfg, "input_size")
    output_size = _pos_int(cfg, "output_size")
    bidirectional = _get(cfg, "bidirectional", False)
    if not isinstance(bidirectional, bool):
        raise RnnvizError(f"model config field 'bidirectional' must be true or false, got {bidirectional!r}")
    target = _choice(cfg, "target", TARGETS)
    encoding = _choice(cfg, "encoding", ENCODINGS)
    shapes = {}
    if encoding == "embedding":
        dim = _pos_int(cfg, "embedding_dim")
        shapes["encoder.weight"] = (input_size, dim)
        rnn_in = dim
    else:
        if _get(cfg, "embedding_dim", None) is not None:
            raise RnnvizError(f"model config field 'embedding_dim' must be null for encoding {encoding!r}, "
                              f"got {cfg['embedding_dim']!r}")
        rnn_in = input_size
    names = _get(cfg, "class_names", None)
    if names is not None:
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise RnnvizError(f"model config field 'class_names' must be a list of names, got {names!r:.80}")
        if not target.startswith("classification"):
            raise RnnvizError(f"model config field 'class_names' is only for a classifier, the target is {target!r}")
        if len(names) != output_size:
            raise RnnvizError(f"model config field 'class_names' has {len(names)} names but the model has "
                              f"{output_size} output classes (output_size)")
    norm = _get(cfg, "normalisation", None)
    if norm is not None and not isinstance(norm, dict):
        raise RnnvizError(f"model config field 'normalisation' must be an object or null, got {norm!r:.80}")
    tok = _get(cfg, "tokenizer", None)
    if tok is not None and not isinstance(tok, dict):
        raise RnnvizError(f"model config field 'tokenizer' must be an object or null, got {tok!r:.80}")
    if tok and encoding != "raw":
        vocab = tok.get("vocab")
        if isinstance(vocab, list) and len(vocab) > input_size:
            rows = "embedding rows" if encoding == "embedding" else "one-hot inputs"
            raise RnnvizError(f"model config field 'tokenizer' has {len(vocab)} tokens but the model reads only "
                              f"{input_size} ({rows}, input_size); a token past {input_size - 1} could not be typed")
    shapes.update(_rnn_shapes("rnn.", cell, rnn_in, sizes, 2 if bidirectional else 1))
    feat = sizes[-1] * (2 if bidirectional else 1)
    shapes.update({"head.weight": (output_size, feat), "head.bias": (output_size,)})
    return shapes


def count_params(shapes: dict) -> int:
    """Number of parameters for a dict of shapes (Python ints: no overflow)."""
    total = 0
    for shape in shapes.values():
        n = 1
        for s in shape:
            n *= int(s)
        total += n
    return total


def model_from_config(cfg: dict):
    """Build an untrained model of the architecture ``cfg`` describes (from ``to_config()``).

    Every field is checked first (:func:`config_param_shapes`) and a model of more than
    :data:`MAX_PARAM_BYTES` is refused before anything is allocated. Every problem is an
    RnnvizError naming the field.
    """
    shapes = config_param_shapes(cfg)
    n = count_params(shapes)
    nbytes = n * np.dtype(cfg.get("dtype", "float32")).itemsize
    if nbytes > MAX_PARAM_BYTES:
        raise RnnvizError(f"model config describes {n:,} parameters ({nbytes / 2**30:.1f} GiB); the limit is "
                          f"{MAX_PARAM_BYTES / 2**30:.0f} GiB -- lower hidden_size, the number of layers or the vocabulary")
    try:
        if cfg["kind"] == "sequence":
            model = SequenceModel.from_config(cfg)
        else:
            model = EncoderDecoder.from_config(cfg)
    except RnnvizError:
        raise
    except KeyError as exc:
        raise RnnvizError(f"model config is missing the field {exc.args[0]!r}") from None
    except MemoryError:
        raise RnnvizError(f"not enough memory to build a model of {n:,} parameters") from None
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:
        raise RnnvizError(f"model config has a field of the wrong type ({type(exc).__name__}: {exc})") from None
    got = {k: v.shape for k, v in model.params.items()}
    if got != shapes:  # the arithmetic above must describe what was built
        raise RnnvizError("model config: the built model's parameters differ from those the config describes")
    return model


def load_model(path):
    """Load a model saved by ``model.save(path)``; see :func:`rnnviz.engine.serialize.load_model`."""
    from rnnviz.engine.serialize import load_model as _load

    return _load(path)
