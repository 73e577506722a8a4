"""The shipped default models exist, load, and show what they are there to show."""
from pathlib import Path

import numpy as np
import pytest

from rnnviz.data.corpora import bracket_depth_of, bracket_quote_corpus, inside_quote_of
from rnnviz.engine.losses import softmax
from rnnviz.engine.model import load_model

MODELS = Path(__file__).resolve().parents[1] / "resources" / "models"


def _load(name):
    return load_model(MODELS / f"{name}.npz")


def _states(model, text, layer):
    ids = model.tokenizer.encode(text)[:, None]
    trace = model.net.forward(model.encode(ids))
    return trace, trace.states(layer, 0)


def _best_unit_corr(h, target):
    h = h - h.mean(axis=0)
    t = target - target.mean()
    corr = (h * t[:, None]).sum(axis=0) / (np.linalg.norm(h, axis=0) * np.linalg.norm(t) + 1e-12)
    return float(np.max(np.abs(corr)))


@pytest.mark.parametrize("name", ["brackets_lstm", "sentiment_lstm", "compare_rnn", "compare_gru", "compare_lstm"])
def test_default_model_loads(name):
    m = _load(name)
    assert m.tokenizer is not None


def test_language_model_has_units_tracking_bracket_depth_and_quotes():
    m = _load("brackets_lstm")
    text = bracket_quote_corpus(3000, seed=12345)  # text the model never trained on (other seed)
    depth, quote = bracket_depth_of(text).astype(float), inside_quote_of(text).astype(float)
    best_depth = best_quote = 0.0
    for layer in range(m.net.num_layers):
        _, st = _states(m, text, layer)
        for key in ("h", "c"):
            best_depth = max(best_depth, _best_unit_corr(st[key][:, 0], depth))
            best_quote = max(best_quote, _best_unit_corr(st[key][:, 0], quote))
    assert best_depth > 0.5 and best_quote > 0.5, (best_depth, best_quote)


def test_language_model_predicts_closing_brackets():
    m = _load("brackets_lstm")
    text = 'print(len(items[0'
    trace, _ = _states(m, text, 0)
    p = softmax(m.step_outputs(trace)[-1, 0])
    vocab = m.tokenizer.vocab
    assert vocab[int(np.argmax(p))] in "])0123456789"


def test_sentiment_swings_at_terrible_and_amazing():
    m = _load("sentiment_lstm")
    text = "The food was terrible but the service was amazing"
    ids = m.tokenizer.encode(text)[:, None]
    trace = m.net.forward(m.encode(ids))
    p_pos = softmax(m.step_outputs(trace)[:, 0], axis=-1)[:, m.class_names.index("positive")]
    tokens = m.tokenizer.tokenize(text)
    k = tokens.index("terrible")
    assert p_pos[k] < 0.3 and p_pos[k] < p_pos[k - 1] - 0.15  # the first swing happens at "terrible"
    assert p_pos[-1] > 0.7
    assert p_pos[-1] - p_pos[-2] > 0.3  # the second swing happens at "amazing", not before
    neg = m.tokenizer.encode("The service was amazing but the food was terrible")[:, None]
    _, probs = m.predict_proba(neg)
    assert probs[0, m.class_names.index("positive")] < 0.3


def test_compare_trio_share_corpus_and_vocabulary():
    trio = [_load(f"compare_{c}") for c in ("rnn", "gru", "lstm")]
    assert [t.net.cell for t in trio] == ["rnn_tanh", "gru", "lstm"]
    assert trio[0].tokenizer.vocab == trio[1].tokenizer.vocab == trio[2].tokenizer.vocab
