"""Character and word tokenisers with a fixed vocabulary.

Both tokenisers share one interface:

- ``from_text(text, max_vocab=None)`` (alias ``fit``) builds the vocabulary from a corpus;
- ``vocab: list[str]``; index 0 is always the unknown token ``"<unk>"``;
- ``encode(text) -> ids`` int64, shape ``(N,)``; tokens not in the vocabulary map to 0;
- ``decode(ids) -> str``; ids of shape ``(N,)``;
- ``tokenize(text) -> list[str]``: the N surface tokens, in order (time-axis labels);
- ``spans(text) -> list[(start, end)]``: the N character offsets of those tokens in ``text``,
  so ``text[start:end]`` is the token as typed (before lower-casing);
- ``is_unknown(token)``; ``to_config()`` / ``from_config(cfg)`` (JSON-serialisable dict);
- ``kind``: ``"char"`` or ``"word"``.

Character tokens are the characters of the text, spaces and newlines included, case kept.

Word tokens are runs of word characters (Unicode letters, marks, digits and ``_``; an
apostrophe between two word characters stays inside the word: ``don't``), lower-cased;
every other non-space character is a token of its own (punctuation). Example::

    "The food was terrible, but" -> ["the", "food", "was", "terrible", ",", "but"]

The vocabulary cap keeps the ``max_vocab - 1`` most frequent tokens (plus ``"<unk>"``);
ties are broken by code-point order of the token, so the vocabulary depends only on the
token counts, never on dictionary or set ordering. Ids are assigned in that same order.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache

import numpy as np

from rnnviz.data._checks import as_id_array, check_int, check_text
from rnnviz.errors import RnnvizError

UNK = "<unk>"
CONFIG_VERSION = 1
_APOSTROPHES = frozenset("'\u2019")


@lru_cache(maxsize=4096)
def _is_word_char(ch: str) -> bool:
    """True for Unicode letters (L*), marks (M*), numbers (N*) and ``_``."""
    return ch == "_" or unicodedata.category(ch)[0] in "LMN"


def word_spans(text: str) -> list[tuple[int, int]]:
    """Character ``(start, end)`` offsets of the word tokens of ``text`` (see module docstring)."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if not _is_word_char(ch):
            spans.append((i, i + 1))
            i += 1
            continue
        start = i
        i += 1
        while i < n:
            ch = text[i]
            if _is_word_char(ch):
                i += 1
            elif ch in _APOSTROPHES and i + 1 < n and _is_word_char(text[i + 1]):
                i += 2
            else:
                break
        spans.append((start, i))
    return spans


def _normalise_word(tok: str) -> str:
    """Lower-case word tokens; punctuation tokens are kept as they are."""
    return tok.lower() if _is_word_char(tok[0]) else tok


def _build_vocab(tokens: list[str], max_vocab: int | None) -> list[str]:
    counts = Counter(tokens)
    counts.pop(UNK, None)
    ordered = sorted(counts, key=lambda t: (-counts[t], t))
    if max_vocab is not None:
        ordered = ordered[: max_vocab - 1]
    return [UNK, *ordered]


class _Tokenizer:
    """Shared machinery; subclasses define ``kind``, ``tokenize``, ``spans``, ``_join``, ``_check_token``."""

    kind: str = ""

    def __init__(self, vocab: list[str]):
        """Build from a vocabulary list; ``vocab[0]`` must be ``"<unk>"`` (validated)."""
        self.vocab = self._validate_vocab(vocab)
        self._index = {tok: i for i, tok in enumerate(self.vocab)}

    # --- construction -------------------------------------------------------------------
    @classmethod
    def from_text(cls, text: str, max_vocab: int | None = None):
        """Build the vocabulary from ``text``; ``max_vocab`` counts ``"<unk>"`` (>= 1) or is None."""
        check_text("text", text)
        if max_vocab is not None:
            max_vocab = check_int("max_vocab", max_vocab, minimum=1)
        tokens = cls._tokens(text)
        if not tokens:
            raise RnnvizError("text: expected at least one token to build a vocabulary, got none")
        return cls(_build_vocab(tokens, max_vocab))

    fit = from_text

    @classmethod
    def from_config(cls, cfg: dict):
        """Rebuild a tokeniser from :meth:`to_config` output; bad configs raise RnnvizError."""
        if not isinstance(cfg, dict):
            raise RnnvizError(f"config: expected a dict, got {type(cfg).__name__}")
        kind = cfg.get("kind")
        if kind != cls.kind:
            raise RnnvizError(f"config.kind: expected {cls.kind!r}, got {kind!r}")
        version = cfg.get("version", CONFIG_VERSION)
        if version != CONFIG_VERSION:
            raise RnnvizError(f"config.version: expected {CONFIG_VERSION}, got {version!r}")
        if "vocab" not in cfg:
            raise RnnvizError("config.vocab: missing; expected a list of token strings")
        return cls(cfg["vocab"])

    def to_config(self) -> dict:
        """JSON-serialisable description: ``{"kind", "version", "vocab"}``."""
        return {"kind": self.kind, "version": CONFIG_VERSION, "vocab": list(self.vocab)}

    @classmethod
    def _validate_vocab(cls, vocab) -> list[str]:
        if not isinstance(vocab, (list, tuple)):
            raise RnnvizError(f"config.vocab: expected a list of str, got {type(vocab).__name__}")
        if not vocab or vocab[0] != UNK:
            raise RnnvizError(f"config.vocab: expected {UNK!r} at index 0")
        seen = set()
        for i, tok in enumerate(vocab):
            if not isinstance(tok, str):
                raise RnnvizError(f"config.vocab[{i}]: expected a str, got {type(tok).__name__}")
            if tok in seen:
                raise RnnvizError(f"config.vocab[{i}]: duplicate token {tok!r}")
            seen.add(tok)
            if i > 0:
                cls._check_token(i, tok)
        return list(vocab)

    # --- interface ----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.vocab)

    @property
    def vocab_size(self) -> int:
        """Number of entries in the vocabulary, ``"<unk>"`` included."""
        return len(self.vocab)

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.vocab == other.vocab

    def __hash__(self):
        return hash((self.kind, tuple(self.vocab)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(vocab_size={len(self.vocab)})"

    def tokenize(self, text: str) -> list[str]:
        """The surface tokens of ``text`` in order (lower-cased for words); length N."""
        check_text("text", text)
        return self._tokens(text)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character ``(start, end)`` offsets in ``text`` of each of the N tokens."""
        check_text("text", text)
        return self._spans(text)

    def encode(self, text: str) -> np.ndarray:
        """Token ids of ``text``, int64 shape ``(N,)``; unknown tokens are 0."""
        check_text("text", text)
        index = self._index
        return np.fromiter((index.get(t, 0) for t in self._tokens(text)), dtype=np.int64)

    def decode(self, ids) -> str:
        """Text for ids of shape ``(N,)`` (ints in ``[0, vocab_size)``); id 0 decodes to ``"<unk>"``."""
        arr = as_id_array("ids", ids, ndim=1)
        if arr.size and arr.max() >= len(self.vocab):
            raise RnnvizError(
                f"ids: expected ids in [0, {len(self.vocab)}), found {int(arr.max())}")
        return self._join([self.vocab[i] for i in arr.tolist()])

    def is_unknown(self, token: str) -> bool:
        """True if ``token`` (a surface token) is not in the vocabulary, or is ``"<unk>"``."""
        check_text("token", token)
        return self._index.get(self._normalise(token), 0) == 0

    def token_id(self, token: str) -> int:
        """Id of a surface token (0 if unknown)."""
        check_text("token", token)
        return self._index.get(self._normalise(token), 0)

    # --- subclass hooks -----------------------------------------------------------------
    @classmethod
    def _tokens(cls, text: str) -> list[str]:
        raise NotImplementedError

    @classmethod
    def _spans(cls, text: str) -> list[tuple[int, int]]:
        raise NotImplementedError

    @staticmethod
    def _join(tokens: list[str]) -> str:
        raise NotImplementedError

    @staticmethod
    def _normalise(token: str) -> str:
        return token

    @classmethod
    def _check_token(cls, i: int, tok: str) -> None:
        raise NotImplementedError


class CharTokenizer(_Tokenizer):
    """One token per character (spaces, newlines and case kept). ``decode(encode(t)) == t`` in-vocab."""

    kind = "char"

    @classmethod
    def _tokens(cls, text: str) -> list[str]:
        return list(text)

    @classmethod
    def _spans(cls, text: str) -> list[tuple[int, int]]:
        return [(i, i + 1) for i in range(len(text))]

    @staticmethod
    def _join(tokens: list[str]) -> str:
        return "".join(tokens)

    @classmethod
    def _check_token(cls, i: int, tok: str) -> None:
        if len(tok) != 1:
            raise RnnvizError(f"config.vocab[{i}]: expected a single character, got {tok!r}")


class WordTokenizer(_Tokenizer):
    """Lower-cased words and single-character punctuation tokens; decode joins with spaces.

    For in-vocabulary text, ``tokenize(decode(encode(t))) == tokenize(t)``.
    """

    kind = "word"

    @classmethod
    def _tokens(cls, text: str) -> list[str]:
        return [_normalise_word(text[a:b]) for a, b in word_spans(text)]

    @classmethod
    def _spans(cls, text: str) -> list[tuple[int, int]]:
        return word_spans(text)

    @staticmethod
    def _join(tokens: list[str]) -> str:
        return " ".join(tokens)

    @staticmethod
    def _normalise(token: str) -> str:
        return _normalise_word(token) if token else token

    @classmethod
    def _check_token(cls, i: int, tok: str) -> None:
        if cls._tokens(tok) != [tok]:
            raise RnnvizError(
                f"config.vocab[{i}]: expected one lower-case word or punctuation token, got {tok!r}")


_KINDS = {"char": CharTokenizer, "word": WordTokenizer}


def tokenizer_from_config(cfg: dict) -> CharTokenizer | WordTokenizer:
    """Rebuild a Char- or WordTokenizer from ``to_config()`` output, dispatching on ``cfg["kind"]``."""
    if not isinstance(cfg, dict):
        raise RnnvizError(f"config: expected a dict, got {type(cfg).__name__}")
    kind = cfg.get("kind")
    if kind not in _KINDS:
        raise RnnvizError(f"config.kind: expected one of {sorted(_KINDS)}, got {kind!r}")
    return _KINDS[kind].from_config(cfg)
