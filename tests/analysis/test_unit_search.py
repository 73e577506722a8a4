"""Finding the unit that tracks a feature: correlations against NumPy, a planted counter unit,
and the shipped language model's bracket-depth and quote units."""
import functools
from collections import OrderedDict

import numpy as np
import pytest

from rnnviz.analysis import unit_search
from rnnviz.analysis.unit_search import find_unit, searchable_features, unit_correlations
from rnnviz.data.corpora import CLOSE_BRACKETS, OPEN_BRACKETS, bracket_depth_of, bracket_quote_corpus
from rnnviz.data.tokenize import CharTokenizer, WordTokenizer
from rnnviz.engine.model import SequenceModel, load_model
from rnnviz.errors import RnnvizError
from rnnviz.resources import models_dir
from tests.ui._live_models import char_lm, forward_states


def test_correlations_equal_numpy_corrcoef():
    rng = np.random.default_rng(0)
    s = rng.standard_normal((50, 6))
    y = rng.standard_normal(50)
    s[:, 2] = 3 * y + 1  # perfectly correlated
    s[:, 4] = -0.5 * y   # perfectly anti-correlated
    expected = [np.corrcoef(s[:, j], y)[0, 1] for j in range(6)]
    r = unit_correlations(s, y)
    np.testing.assert_allclose(r, expected, atol=1e-12)
    assert r[2] == pytest.approx(1.0) and r[4] == pytest.approx(-1.0)


def test_constant_unit_or_target_has_no_correlation_not_nan():
    s = np.ones((10, 3))
    s[:, 1] = np.arange(10)
    r = unit_correlations(s, np.arange(10.0))
    assert r.tolist() == [0.0, pytest.approx(1.0), 0.0]
    assert unit_correlations(s, np.full(10, 2.0)).tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="states must be"):
        unit_correlations(s, np.arange(9.0))


@functools.cache
def _bracket_tokenizer() -> CharTokenizer:
    """The characters of the generated bracket-and-quote corpus."""
    return CharTokenizer.from_text(bracket_quote_corpus(5000, 3))


def _planted_counter(unit: int = 2, hidden: int = 4) -> SequenceModel:
    """A ReLU RNN whose unit ``unit`` is the bracket depth: h = relu(h_prev + [open] - [close]);
    every other unit is silent (all-zero weights) except unit 0, which sees letters only."""
    tok = _bracket_tokenizer()
    m = SequenceModel("rnn_relu", len(tok.vocab), [hidden], len(tok.vocab), encoding="onehot",
                      tokenizer=tok, seed=0, dtype=np.float64)
    p = m.net.params
    for k in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
        p[k][...] = 0.0
    p["weight_hh_l0"][unit, unit] = 1.0
    for ch in OPEN_BRACKETS:
        p["weight_ih_l0"][unit, tok.token_id(ch)] = 1.0
    for ch in CLOSE_BRACKETS:
        p["weight_ih_l0"][unit, tok.token_id(ch)] = -1.0
    for ch in "abcde":
        p["weight_ih_l0"][0, tok.token_id(ch)] = 1.0
    return m


def test_finds_a_planted_bracket_counter_with_r_one():
    m = _planted_counter(unit=2)
    match = find_unit(m, "bracket_depth")
    assert (match.layer, match.direction, match.key, match.unit) == (0, 0, "h", 2)
    assert match.correlation == pytest.approx(1.0, abs=1e-9)
    assert match.clear and match.probe_chars == unit_search.PROBE_TEXTS * unit_search.PROBE_CHARS
    assert match.describe().startswith("h unit 2 of layer 1 tracks bracket depth (r = +1.00 over 1,600")
    # the counter really is the depth: the planted unit reproduces bracket_depth_of
    text = unit_search.probe_texts()[0]
    h = forward_states(m, text)["h"][:, 2]
    np.testing.assert_array_equal(h, bracket_depth_of(text))


def _count_forwards(monkeypatch, model) -> list:
    runs = []
    forward = model.net.forward
    monkeypatch.setattr(model.net, "forward", lambda *a, **k: runs.append(1) or forward(*a, **k))
    return runs


@pytest.fixture
def fresh_memo(monkeypatch):
    """An empty memory of searches, for this test only."""
    memo = OrderedDict()
    monkeypatch.setattr(unit_search, "_memo", memo)
    return memo


def test_a_search_is_remembered_until_the_weights_change(monkeypatch, fresh_memo):
    m = _planted_counter(unit=2)
    runs = _count_forwards(monkeypatch, m)
    first = find_unit(m, "bracket_depth")
    assert find_unit(m, "bracket_depth") == first and first.unit == 2
    assert len(runs) == 1  # the repeat did not run the network
    m.load_state_dict(_planted_counter(unit=3).state_dict())  # the counter moves, in place
    moved = find_unit(m, "bracket_depth")
    assert len(runs) == 2 and moved.unit == 3 and moved.correlation == pytest.approx(1.0)
    find_unit(m, "bracket_depth", unit_search.probe_texts())  # texts given: never remembered
    assert len(runs) == 3


def test_the_memory_holds_the_last_searches_only(monkeypatch, fresh_memo):
    monkeypatch.setattr(unit_search, "MEMO_SIZE", 1)
    a, b = _planted_counter(unit=2), _planted_counter(unit=3)
    runs_a, runs_b = _count_forwards(monkeypatch, a), _count_forwards(monkeypatch, b)
    for m in (a, b, a, a):
        find_unit(m, "bracket_depth")
    assert (len(runs_a), len(runs_b)) == (2, 1)  # b's search pushed a's out; then a's was kept
    assert len(fresh_memo) == 1


def test_the_digest_tells_apart_what_decides_the_answer():
    digest = unit_search.model_digest
    assert digest(char_lm("rnn_tanh")) == digest(char_lm("rnn_tanh"))
    tanh, relu = char_lm("rnn_tanh"), char_lm("rnn_relu")
    assert all(np.array_equal(tanh.params[k], relu.params[k]) for k in tanh.params)  # same weights
    assert digest(tanh) != digest(relu)  # another nonlinearity
    other = char_lm("rnn_tanh")
    other.params["encoder.weight"][0, 0] += 1e-6
    assert digest(other) != digest(tanh)


def test_a_weak_best_unit_is_called_the_closest_not_a_tracker():
    m = _planted_counter()
    match = find_unit(m, "inside_quote")  # no unit knows about quotes
    assert not match.clear and abs(match.correlation) < unit_search.CLEAR_CORRELATION
    assert match.describe().startswith("No unit tracks being inside a quote clearly; the closest is")


def test_only_character_models_with_the_features_characters_can_be_searched():
    assert [f.id for f in searchable_features(_planted_counter())] == ["bracket_depth", "inside_quote"]
    word_tok = WordTokenizer.from_text("a b ( ) c")
    words = SequenceModel("lstm", len(word_tok.vocab), [3], 2, encoding="embedding", embedding_dim=2,
                          tokenizer=word_tok, target="classification_last")
    no_quotes = SequenceModel("gru", 6, [3], 6, encoding="onehot",
                              tokenizer=CharTokenizer.from_text("ab()c"))
    assert searchable_features(words) == []
    assert [f.id for f in searchable_features(no_quotes)] == ["bracket_depth"]
    with pytest.raises(RnnvizError, match="cannot show being inside a quote.*character-level"):
        find_unit(no_quotes, "inside_quote")
    with pytest.raises(RnnvizError, match="unknown feature 'loudness'"):
        find_unit(no_quotes, "loudness")
    with pytest.raises(RnnvizError, match="equal length"):
        find_unit(no_quotes, "bracket_depth", texts=["(a)", "(ab)"])


def test_search_covers_every_layer_and_the_cell_state():
    """A counter planted in the cell state of layer 2 of a stacked LSTM is found there:
    c_t = f c_{t-1} + i g with f = i = 1 (saturated) and g = ±1 at brackets counts the depth."""
    tok = _bracket_tokenizer()
    m = SequenceModel("lstm", len(tok.vocab), [3, 3], len(tok.vocab), num_layers=2, encoding="onehot",
                      tokenizer=tok, seed=0, dtype=np.float64)
    p = m.net.params
    H = 3
    for a in p.values():  # every weight of both layers starts at 0
        a[...] = 0.0
    # layer 1's unit 0 signals brackets: i = o = 1, f = 0, g = ±1 -> h = tanh(±1) = ±0.76, else 0
    big = 30.0
    i, f, g, o = (slice(k * H, (k + 1) * H) for k in range(4))  # PyTorch gate order
    p["bias_ih_l0"][i.start] = big
    p["bias_ih_l0"][o.start] = big
    p["bias_ih_l0"][f.start] = -big
    for ch in OPEN_BRACKETS:
        p["weight_ih_l0"][g.start, tok.token_id(ch)] = big
    for ch in CLOSE_BRACKETS:
        p["weight_ih_l0"][g.start, tok.token_id(ch)] = -big
    # layer 2, unit 1: f = i = 1, g = ±1 from layer 1's unit 0 (±0.76 -> ×big saturates)
    p["bias_ih_l1"][i.start + 1] = big
    p["bias_ih_l1"][f.start + 1] = big
    p["weight_ih_l1"][g.start + 1, 0] = big
    match = find_unit(m, "bracket_depth")
    assert (match.layer, match.key, match.unit) == (1, "c", 1)
    assert match.correlation > 0.99


@pytest.mark.parametrize("feature", ["bracket_depth", "inside_quote"])
def test_the_shipped_language_model_has_a_clear_unit_for_both_features(feature):
    m = load_model(models_dir() / "brackets_lstm.npz")
    match = find_unit(m, feature)
    assert match.clear, match.describe()
    # the reported r is the unit's correlation over the probe texts, recomputed independently
    texts = unit_search.probe_texts()
    states, target = [], []
    for t in texts:
        states.append(forward_states(m, t, match.layer, match.direction)[match.key][:, match.unit])
        target.append(unit_search.FEATURES[feature].of(t))
    r = np.corrcoef(np.concatenate(states), np.concatenate(target))[0, 1]
    assert match.correlation == pytest.approx(r, abs=1e-4)


def test_the_search_can_be_limited_to_h_and_to_some_layers():
    m = load_model(models_dir() / "brackets_lstm.npz")
    texts = unit_search.probe_texts(2, 300)
    assert find_unit(m, "bracket_depth", texts).key == "c"  # the counter of this model is in c
    in_h = find_unit(m, "bracket_depth", texts, keys=("h",))
    low = find_unit(m, "bracket_depth", texts, layers=(0,))
    assert in_h.key == "h" and low.layer == 0
    target = np.concatenate([unit_search.FEATURES["bracket_depth"].of(t) for t in texts])

    @functools.cache
    def best_abs_r(layer, key):
        s = np.concatenate([forward_states(m, t, layer)[key] for t in texts])
        return np.abs(unit_search.unit_correlations(s, target)).max()

    # each restricted result is the best of what it covers
    assert abs(in_h.correlation) == pytest.approx(max(best_abs_r(0, "h"), best_abs_r(1, "h")), abs=1e-4)
    assert abs(low.correlation) == pytest.approx(max(best_abs_r(0, "h"), best_abs_r(0, "c")), abs=1e-4)
    # both limits at once: layer 0's cell state, though layer 1's c holds the better unit
    assert best_abs_r(1, "c") > best_abs_r(0, "c")
    c_low = find_unit(m, "bracket_depth", texts, keys=("c",), layers=(0,))
    assert (c_low.key, c_low.layer) == ("c", 0)
    assert abs(c_low.correlation) == pytest.approx(best_abs_r(0, "c"), abs=1e-4)
    for bad in ({"keys": ("x",)}, {"keys": ("h", "x")}, {"keys": ()}, {"layers": (2,)}, {"layers": ()},
                {"directions": (1,)}):
        with pytest.raises(ValueError):
            find_unit(m, "bracket_depth", texts, **bad)
    gru = char_lm("gru", (6,))
    with pytest.raises(ValueError, match="keys"):
        find_unit(gru, "bracket_depth", texts, keys=("c",))  # a GRU has no cell state


def test_the_search_can_be_limited_to_one_direction():
    m = char_lm("lstm", (6, 6), bidirectional=True, seed=3)
    texts = unit_search.probe_texts(2, 200)
    fwd = find_unit(m, "bracket_depth", texts, directions=(0,))
    bwd = find_unit(m, "bracket_depth", texts, directions=(1,))
    both = find_unit(m, "bracket_depth", texts)
    assert fwd.direction == 0 and bwd.direction == 1
    assert abs(both.correlation) == max(abs(fwd.correlation), abs(bwd.correlation))
