"""Find the unit that tracks a property of the text (NumPy only, no Qt).

Karpathy et al. (2015), *Visualizing and Understanding Recurrent Networks*, found LSTM cells that
count bracket depth or switch on inside quotes. A person looking at 2 layers x 128 units x
(h, c) would rarely find them by clicking. :func:`find_unit` does the search: it runs the model
over texts the repository generates (:func:`rnnviz.data.corpora.bracket_quote_corpus`, so every
feature has its ground truth per character), and correlates every unit of the memory (h, and c
for an LSTM) of every layer and direction with the feature, over all steps of all texts::

    r_u = sum_t (s_tu - mean_u)(y_t - mean_y) / (||s_u - mean_u|| ||y - mean_y||)

The unit with the largest |r_u| wins; its sign says whether the unit rises or falls with the
feature. Only character-level models whose vocabulary holds the feature's characters can be
searched (a word model never sees a lone bracket).
"""
from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

import numpy as np

from rnnviz.data.corpora import QUOTE, bracket_depth_of, bracket_quote_corpus, inside_quote_of
from rnnviz.data.tokenize import CharTokenizer
from rnnviz.errors import RnnvizError

#: independent probe texts, run as one batch, and the characters of each. Several short texts
#: rather than one long one: a unit that drifts over a long text can correlate with a feature
#: there by chance, and the texts start from the zero state as typed text does (~70 ms)
PROBE_TEXTS = 4
PROBE_CHARS = 400
#: seed of the first probe text (not a seed the shipped models were trained on)
PROBE_SEED = 20261121
#: the states searched: the network's memory, not its gates
MEMORY_KEYS = ("h", "c")
#: |r| from which a unit is said to track a feature (below it, the best unit is only the closest)
CLEAR_CORRELATION = 0.5
#: searches on the default probe texts remembered, by what decides their answer (see
#: :func:`model_digest`): an Examples click or a menu find repeats one in ~2 ms, not ~70 ms
MEMO_SIZE = 32
_memo: OrderedDict = OrderedDict()


@dataclass(frozen=True)
class Feature:
    """A property of each character of a text. ``of(text)`` -> (len(text),) numbers;
    ``needs``: characters the model's vocabulary must hold for the search to mean anything
    (for bracket depth the round pair; a model that never saw ``[`` reads it as unknown)."""

    id: str
    name: str            # "bracket depth": how the views name it
    of: Callable[[str], np.ndarray]
    needs: str


FEATURES: dict[str, Feature] = {f.id: f for f in (
    Feature("bracket_depth", "bracket depth", bracket_depth_of, "()"),
    Feature("inside_quote", "being inside a quote", inside_quote_of, QUOTE),
)}


@dataclass(frozen=True)
class UnitMatch:
    """The unit found: ``states(layer, direction)[key][:, unit]`` correlates with the feature
    by ``correlation`` (Pearson r, in [-1, 1]) over ``probe_chars`` generated characters in all."""

    feature: Feature
    layer: int
    direction: int
    key: str
    unit: int
    correlation: float
    probe_chars: int

    @property
    def clear(self) -> bool:
        """Whether the unit tracks the feature clearly (|r| >= :data:`CLEAR_CORRELATION`)."""
        return abs(self.correlation) >= CLEAR_CORRELATION

    def where(self) -> str:
        """"c unit 11 of layer 2", with "(backward)" for the backward direction."""
        return (f"{self.key} unit {self.unit} of layer {self.layer + 1}"
                + (" (backward)" if self.direction else ""))

    def note(self) -> str:
        """A few words to put after the unit's name, e.g. "tracks bracket depth (r = +0.80)";
        a weak match is "closest to bracket depth (r = -0.21)"."""
        verb = "tracks" if self.clear else "closest to"
        return f"{verb} {self.feature.name} (r = {self.correlation:+.2f})"

    def describe(self) -> str:
        """One sentence for the status bar, e.g. "c unit 11 of layer 2 tracks bracket depth
        (r = +0.80 over 1,600 generated characters)"; a weak match says that no unit does."""
        evidence = f"r = {self.correlation:+.2f} over {self.probe_chars:,} generated characters"
        if self.clear:
            return f"{self.where()} tracks {self.feature.name} ({evidence})"
        return (f"No unit tracks {self.feature.name} clearly; the closest is {self.where()} "
                f"({evidence})")


def unit_correlations(states: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Pearson correlation of every column of ``states`` (T, H) with ``target`` (T,): (H,).

    A constant column (or a constant target) has no correlation: 0, not NaN.
    """
    s = np.asarray(states, dtype=np.float64)
    y = np.asarray(target, dtype=np.float64)
    if s.ndim != 2 or y.shape != (s.shape[0],):
        raise ValueError(f"states must be (T, H) and target (T,), got {s.shape} and {y.shape}")
    s = s - s.mean(axis=0)
    y = y - y.mean()
    denom = np.linalg.norm(s, axis=0) * np.linalg.norm(y)
    num = y @ s
    out = np.zeros(s.shape[1])
    ok = denom > 1e-12 * max(1.0, float(np.abs(num).max(initial=0.0)))
    out[ok] = num[ok] / denom[ok]
    return np.clip(out, -1.0, 1.0)


def searchable_features(model) -> list[Feature]:
    """The features :func:`find_unit` can look for in ``model`` (empty for word models)."""
    tok = getattr(model, "tokenizer", None)
    if not isinstance(tok, CharTokenizer) or getattr(model, "kind", "") != "sequence":
        return []
    vocab = set(tok.vocab)
    return [f for f in FEATURES.values() if set(f.needs) <= vocab]


def probe_texts(n_texts: int = PROBE_TEXTS, chars: int = PROBE_CHARS, seed: int = PROBE_SEED) -> list[str]:
    """``n_texts`` generated texts of ``chars`` characters each (seeds ``seed``, ``seed + 1``, ...)."""
    return [bracket_quote_corpus(chars, seed + k) for k in range(n_texts)]


def model_digest(model) -> bytes:
    """A fingerprint of everything that decides what the search finds in ``model``: the cell
    and encoding, the tokenizer, and every parameter's name, dtype, shape and bytes. Weights
    changed in place (an import, training) give another digest, so a remembered search is
    never used for weights it did not see. About 1 ms for the default model (~1 MB)."""
    h = hashlib.blake2b(digest_size=20)
    tok = getattr(model, "tokenizer", None)
    head = {"cell": model.net.cell, "encoding": getattr(model, "encoding", None),
            "tokenizer": tok.to_config() if tok is not None else None}
    h.update(json.dumps(head, sort_keys=True).encode())
    for name in sorted(model.params):
        a = np.ascontiguousarray(model.params[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}".encode())
        h.update(a.data)
    return h.digest()


def find_unit(model, feature_id: str, texts: list[str] | None = None,
              keys: tuple[str, ...] = MEMORY_KEYS, layers: tuple[int, ...] | None = None,
              directions: tuple[int, ...] | None = None) -> UnitMatch:
    """The unit of ``model``'s memory that best tracks feature ``feature_id`` (see module doc):
    the strongest of :func:`find_units`, whose arguments and errors it shares."""
    return max(find_units(model, feature_id, texts, keys, layers, directions).values(),
               key=lambda m: abs(m.correlation))


def find_units(model, feature_id: str, texts: list[str] | None = None,
               keys: tuple[str, ...] = MEMORY_KEYS, layers: tuple[int, ...] | None = None,
               directions: tuple[int, ...] | None = None) -> dict[str, UnitMatch]:
    """For each state in ``keys`` the model has, its unit that best tracks ``feature_id``, from
    one run of the model.

    ``texts``: probe texts of equal length, run as one batch (default :func:`probe_texts`: the
    answer on them is remembered by :func:`model_digest`, for the last :data:`MEMO_SIZE` searches).
    ``keys``: the states searched (a subset of MEMORY_KEYS; "c" exists in an LSTM only);
    ``layers``, ``directions``: the layers and directions searched (default: all). Raises
    RnnvizError when the feature is unknown or the model cannot read it, ValueError when
    ``keys``, ``layers`` or ``directions`` name nothing the model has.
    """
    feature = FEATURES.get(feature_id)
    if feature is None:
        raise RnnvizError(f"unknown feature {feature_id!r}; known: {', '.join(FEATURES)}")
    if feature not in searchable_features(model):
        raise RnnvizError(f"this model cannot show {feature.name}: it needs a character-level model "
                          f"whose vocabulary holds {' '.join(feature.needs)}")
    net = model.net
    has = ("h", "c") if net.cell == "lstm" else ("h",)
    if not keys or not set(keys) <= set(MEMORY_KEYS) or not set(keys) & set(has):
        raise ValueError(f"keys must be some of {has} for this {net.cell} model, got {keys!r}")
    keys = tuple(k for k in keys if k in has)
    layers = tuple(range(net.num_layers)) if layers is None else tuple(layers)
    directions = tuple(range(net.num_directions)) if directions is None else tuple(directions)
    for name, got, n in (("layers", layers, net.num_layers), ("directions", directions, net.num_directions)):
        if not got or any(not 0 <= k < n for k in got):
            raise ValueError(f"{name} must be indices below {n}, got {got!r}")
    memo_key = None
    if texts is None:  # the default probe texts: the answer depends on the model only
        memo_key = (model_digest(model), feature_id, keys, layers, directions)
        if memo_key in _memo:
            _memo.move_to_end(memo_key)
            return dict(_memo[memo_key])
        texts = probe_texts()
    if not texts or len({len(t) for t in texts}) != 1 or not texts[0]:
        raise RnnvizError("the probe texts must be one or more non-empty texts of equal length")
    target = np.concatenate([feature.of(t) for t in texts])          # (B*T,), text by text
    ids = np.stack([model.tokenizer.encode(t) for t in texts], axis=1)  # (T, B)
    trace = net.forward(model.encode(ids))
    best: dict[str, UnitMatch] = {}
    for layer in layers:
        for direction in directions:
            states = trace.states(layer, direction)
            for key in keys:
                s = states[key]                                          # (T, B, H)
                r = unit_correlations(s.transpose(1, 0, 2).reshape(-1, s.shape[2]), target)
                u = int(np.argmax(np.abs(r)))
                if key not in best or abs(r[u]) > abs(best[key].correlation):
                    best[key] = UnitMatch(feature, layer, direction, key, u, float(r[u]), target.size)
    if memo_key is not None:
        _memo[memo_key] = dict(best)
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return best
