"""Datasets over text: next-token language modelling and labelled sentences (NumPy only).

Both draw random batches as :class:`rnnviz.data.tasks.Batch` objects, so the training loop
treats them like the synthetic tasks:

- :class:`TextLMDataset` — many-to-many next-token prediction over one text: ``x`` ids (T, B),
  ``y`` the following ids (T, B), ``kind="classification_each"``.
- :class:`LabelledTextDataset` — many-to-one classification of sentences: ``x`` padded ids
  (T, B) with ``lengths`` (B,), ``y`` (B,), ``kind="classification_last"``.

:func:`builtin_corpus` names the corpora the repository composes itself.
"""
from __future__ import annotations

import re

import numpy as np

from rnnviz.data.corpora import bracket_quote_corpus, sentiment_sentences
from rnnviz.data.tasks import Batch
from rnnviz.data.tokenize import CharTokenizer, WordTokenizer
from rnnviz.errors import RnnvizError

TOKENIZERS = {"char": CharTokenizer, "word": WordTokenizer}
CORPORA = ("brackets", "sentiment")
_PROSE_STARTS = {"she", "he", "they", "the", "my", "someone"}


def natural_sentence(s: str) -> str:
    """"the bank was steep , so i slid down it ." -> "The bank was steep, so I slid down it." """
    s = re.sub(r" ([,.!?;:])", r"\1", s)
    s = re.sub(r"\bi\b", "I", s)
    return s[:1].upper() + s[1:]


def _as_rng(rng) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _check_pos(name, v, maximum=None):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
        raise RnnvizError(f"{name} must be a positive integer, got {v!r}")
    if maximum is not None and v > maximum:
        raise RnnvizError(f"{name} must be at most {maximum}, got {v}")
    return int(v)


def check_lm_text(text, name: str | None = None) -> None:
    """Refuse a text a language model cannot learn from: not a str, empty, or only whitespace.

    The one check of both :class:`TextLMDataset` and
    :func:`rnnviz.data.loaders.load_text_dataset` (which runs it before fitting a tokenizer);
    the message starts with ``name`` when given (``"notes.txt: the text holds only whitespace ..."``).
    """
    def named(message: str) -> str:
        return message if name is None else f"{name}: {message}"

    if not isinstance(text, str):
        raise RnnvizError(named(f"text: expected a str, got {type(text).__name__}"))
    if not text:
        raise RnnvizError(named("the text is empty; a language model needs some text to learn from"))
    if text.isspace():  # (what strip() would leave nothing of, without copying the text)
        raise RnnvizError(named(f"the text holds only whitespace ({len(text)} spaces, tabs or line breaks); "
                                "a language model needs some text to learn from"))


class TextLMDataset:
    """Next-token prediction over ``text``.

    Args:
        text: the corpus. tokenizer: a fitted tokenizer, or None to fit one of ``kind``
            ("char" | "word") with ``max_vocab``. val_fraction: the tail held out for validation.
        name: where the text came from (a file name; the training loop gives ``"corpus: <file>"``),
            or None; every message about the text starts with it
            (``"notes.txt: the text holds only whitespace ..."``).
    """

    target = "classification_each"

    def __init__(self, text: str, tokenizer=None, kind: str = "char", max_vocab: int | None = None,
                 val_fraction: float = 0.05, name: str | None = None) -> None:
        self.name = None if name is None else str(name)
        check_lm_text(text, self.name)
        if tokenizer is None:
            if kind not in TOKENIZERS:
                raise RnnvizError(f"tokenizer kind must be 'char' or 'word', got {kind!r}")
            try:
                tokenizer = TOKENIZERS[kind].from_text(text, max_vocab=max_vocab)
            except RnnvizError as exc:
                raise RnnvizError(self._named(str(exc))) from None
        self.tokenizer = tokenizer
        ids = np.asarray(tokenizer.encode(text), dtype=np.int64)
        if not 0 <= val_fraction < 1:
            raise RnnvizError(f"val_fraction must be in [0, 1), got {val_fraction}")
        n_val = int(len(ids) * val_fraction)
        self.train_ids = ids[: len(ids) - n_val] if n_val else ids
        self.val_ids = ids[len(ids) - n_val:] if n_val else ids
        self.vocab_size = len(tokenizer.vocab)

    def _named(self, message: str) -> str:
        return message if self.name is None else f"{self.name}: {message}"

    def _check_len(self, ids, T, what):
        if len(ids) < T + 1:
            raise RnnvizError(self._named(f"the {what} text has {len(ids)} tokens, shorter than one training "
                                          f"sequence of {T} + 1; use a shorter sequence length or more text"))

    def batch(self, T: int, B: int, rng, validation: bool = False) -> Batch:
        """B random windows of T tokens: x (T, B) ids, y (T, B) next ids."""
        T, B = _check_pos("length", T), _check_pos("batch", B)
        ids = self.val_ids if validation else self.train_ids
        self._check_len(ids, T, "validation" if validation else "training")
        starts = _as_rng(rng).integers(0, len(ids) - T, size=B)
        idx = starts[None, :] + np.arange(T)[:, None]
        return Batch(x=ids[idx], y=ids[idx + 1], kind=self.target, ids=ids[idx], n_classes=self.vocab_size,
                     info={"vocab_size": self.vocab_size})

    def model_kwargs(self) -> dict:
        return {"input_size": self.vocab_size, "output_size": self.vocab_size, "target": self.target,
                "tokenizer": self.tokenizer}


class LabelledTextDataset:
    """Sentences with integer labels, for many-to-one classification."""

    target = "classification_last"

    def __init__(self, pairs, tokenizer=None, kind: str = "word", max_vocab: int | None = None,
                 class_names=None, val_fraction: float = 0.1, seed: int = 0) -> None:
        pairs = list(pairs)
        if not pairs:
            raise RnnvizError("there are no labelled sentences")
        texts = [p[0] for p in pairs]
        labels = np.asarray([p[1] for p in pairs])
        if labels.dtype.kind not in "iu":
            raise RnnvizError("labels must be integers 0..C-1")
        n_classes = int(labels.max()) + 1
        if labels.min() < 0 or n_classes < 2 or len(np.unique(labels)) < 2:
            raise RnnvizError(f"labelled sentences need at least two classes, found {len(np.unique(labels))}")
        if tokenizer is None:
            if kind not in TOKENIZERS:
                raise RnnvizError(f"tokenizer kind must be 'char' or 'word', got {kind!r}")
            tokenizer = TOKENIZERS[kind].from_text("\n".join(texts), max_vocab=max_vocab)
        self.tokenizer = tokenizer
        self.sequences = [np.asarray(tokenizer.encode(t), dtype=np.int64) for t in texts]
        keep = [i for i, s in enumerate(self.sequences) if len(s) > 0]
        if not keep:
            raise RnnvizError("every sentence is empty after tokenising")
        self.sequences = [self.sequences[i] for i in keep]
        self.labels = labels[keep].astype(np.int64)
        self.n_classes = n_classes
        self.class_names = list(class_names) if class_names else [str(c) for c in range(n_classes)]
        order = np.random.default_rng(seed).permutation(len(self.labels))
        n_val = max(1, int(len(order) * val_fraction)) if len(order) > 1 else 0
        self.val_idx, self.train_idx = order[:n_val], order[n_val:] if n_val < len(order) else order
        self.vocab_size = len(tokenizer.vocab)

    def _make(self, idx) -> Batch:
        seqs = [self.sequences[i] for i in idx]
        lengths = np.array([len(s) for s in seqs], dtype=np.int64)
        ids = np.zeros((int(lengths.max()), len(seqs)), dtype=np.int64)
        for b, s in enumerate(seqs):
            ids[: len(s), b] = s
        return Batch(x=ids, y=self.labels[idx], kind=self.target, ids=ids, n_classes=self.n_classes,
                     lengths=lengths, info={"vocab_size": self.vocab_size})

    def batch(self, B: int, rng, validation: bool = False) -> Batch:
        B = _check_pos("batch", B)
        pool = self.val_idx if validation else self.train_idx
        return self._make(_as_rng(rng).choice(pool, size=B, replace=len(pool) < B))

    def validation_batch(self) -> Batch:
        return self._make(self.val_idx)

    def model_kwargs(self) -> dict:
        return {"input_size": self.vocab_size, "output_size": self.n_classes, "target": self.target,
                "tokenizer": self.tokenizer, "class_names": self.class_names}


def lm_corpus_text(seed: int = 0, n_chars: int = 200_000) -> str:
    """The default language model's text: bracket/quote code and prose lines mixed with
    natural-case sentiment sentences (so "The bank was steep, so I slid down it." is in-vocabulary)."""
    rng = np.random.default_rng(seed)
    code = bracket_quote_corpus(n_chars, seed).splitlines()
    sents = [natural_sentence(s) for s, _ in sentiment_sentences(max(8, n_chars // 80), seed)]
    lines, total, ci, si = [], 0, 0, 0
    while total < n_chars and (ci < len(code) or si < len(sents)):
        if si < len(sents) and (rng.random() < 0.4 or ci >= len(code)):
            line = sents[si]; si += 1
        else:
            line = code[ci]; ci += 1
            if line.split(" ", 1)[0] in _PROSE_STARTS:
                line = line[:1].upper() + line[1:]
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines)[:n_chars]


def builtin_corpus(name: str, seed: int = 0):
    """"brackets": language-model text (str); "sentiment": list of (natural sentence, label)."""
    if name == "brackets":
        return lm_corpus_text(seed)
    if name == "sentiment":
        return [(natural_sentence(s), lab) for s, lab in sentiment_sentences(4000, seed)]
    raise RnnvizError(f"unknown corpus {name!r}; built-in corpora are {', '.join(CORPORA)}")
