"""Whole models: every sequence shape, gradients by finite differences, generation, decoding."""
import numpy as np
import pytest

from rnnviz.data.tasks import make_task
from rnnviz.engine.gradcheck import gradcheck
from rnnviz.engine.model import EncoderDecoder, SequenceModel, model_from_config
from rnnviz.engine.optim import make_optimizer
from rnnviz.errors import RnnvizError


def _fd(model, loss_fn, res):
    return gradcheck(loss_fn, model.params, res.grads, max_entries=40)


@pytest.mark.parametrize("cell", ["rnn_tanh", "lstm", "gru"])
@pytest.mark.parametrize("bidir", [False, True])
def test_many_to_one_classifier_with_padding_gradients(cell, bidir):
    rng = np.random.default_rng(0)
    m = SequenceModel(cell, 7, [4, 3], 2, bidirectional=bidir, target="classification_last",
                      encoding="embedding", embedding_dim=3, dtype=np.float64, seed=1)
    ids = rng.integers(0, 7, (6, 3))
    y = np.array([0, 1, 1])
    lengths = np.array([6, 2, 4])
    res = m.loss_and_grads(ids, y, lengths=lengths)
    r = _fd(m, lambda: m.loss_and_grads(ids, y, lengths=lengths, compute_grads=False).loss, res)
    assert r.max_rel_error <= 1e-6, (r.worst_key, r.max_rel_error)
    assert res.outputs.shape == (3, 2)


@pytest.mark.parametrize("cell", ["rnn_relu", "lstm", "gru"])
def test_many_to_many_onehot_with_mask_gradients(cell):
    rng = np.random.default_rng(1)
    m = SequenceModel(cell, 5, 4, 5, target="classification_each", encoding="onehot", dtype=np.float64)
    ids = rng.integers(0, 5, (5, 2))
    y = rng.integers(0, 5, (5, 2))
    mask = rng.random((5, 2)) > 0.3
    res = m.loss_and_grads(ids, y, mask=mask)
    r = _fd(m, lambda: m.loss_and_grads(ids, y, mask=mask, compute_grads=False).loss, res)
    assert r.max_rel_error <= 1e-6, (r.worst_key, r.max_rel_error)
    assert res.accuracy is not None and 0 <= res.accuracy <= 1


def test_regression_last_and_each_gradients():
    rng = np.random.default_rng(2)
    for target, y in (("regression_last", rng.standard_normal((3, 1))),
                      ("regression_each", rng.standard_normal((4, 3, 1)))):
        m = SequenceModel("lstm", 2, 3, 1, target=target, dtype=np.float64, bidirectional=True)
        x = rng.standard_normal((4, 3, 2))
        res = m.loss_and_grads(x, y)
        r = _fd(m, lambda: m.loss_and_grads(x, y, compute_grads=False).loss, res)
        assert r.max_rel_error <= 1e-6, (target, r.worst_key)
        assert res.accuracy is None


@pytest.mark.parametrize("cell", ["rnn_tanh", "lstm", "gru"])
def test_encoder_decoder_gradients_reach_the_encoder(cell):
    rng = np.random.default_rng(3)
    m = EncoderDecoder(cell, 4, 4, [3, 3], dtype=np.float64, seed=0)
    src = rng.integers(0, 4, (5, 2))
    tgt = rng.integers(0, 4, (3, 2))
    dec_in = np.vstack([np.full((1, 2), m.start_token), tgt[:-1]])
    res = m.loss_and_grads(src, dec_in, tgt)
    r = gradcheck(lambda: m.loss_and_grads(src, dec_in, tgt, compute_grads=False).loss,
                  m.params, res.grads, max_entries=40)
    assert r.max_rel_error <= 1e-6, (r.worst_key, r.max_rel_error)
    assert np.linalg.norm(res.grads["encoder_rnn.weight_ih_l0"]) > 0
    assert res.rnn_grads.step_norms(0).shape == (5, 2)


def test_encoder_decoder_learns_reversal_and_decodes_greedily():
    m = EncoderDecoder("gru", 4, 4, 32, seed=0, dtype=np.float64)
    opt = make_optimizer("adam", m.params, lr=1e-2)
    for step in range(300):
        b = make_task("reversal", T=4, n_symbols=4, B=32, rng=step)
        opt.step(m.loss_on_batch(b).grads)
    b = make_task("reversal", T=4, n_symbols=4, B=64, rng=10_000)
    out = m.greedy_decode(b.x if b.ids is None else b.ids, 4)
    assert np.mean(out == b.y) > 0.9


def test_many_to_one_learns_the_adding_problem_quickly():
    m = SequenceModel("lstm", 2, 32, 1, target="regression_last", seed=0)
    opt = make_optimizer("adam", m.params, lr=1e-2)
    for step in range(500):
        opt.step(m.loss_on_batch(make_task("adding", T=10, B=32, rng=step)).grads)
    val = m.evaluate_batch(make_task("adding", T=10, B=256, rng=99))
    assert val.loss < 0.05  # baseline (always predict 1) is 0.167


def test_generate_is_reproducible_and_respects_temperature():
    m = SequenceModel("lstm", 6, 8, 6, target="classification_each", encoding="onehot", seed=0)
    a = m.generate([1, 2], 20, temperature=1.0, rng=0)
    b = m.generate([1, 2], 20, temperature=1.0, rng=0)
    assert a.shape == (20,) and np.array_equal(a, b) and a.min() >= 0 and a.max() < 6
    g = m.generate([1, 2], 10, greedy=True)
    low = m.generate([1, 2], 10, temperature=1e-4, rng=1)
    assert np.array_equal(g, low)  # temperature -> 0 is greedy
    with pytest.raises(RnnvizError, match="temperature"):
        m.generate([1], 3, temperature=0)


def test_step_outputs_give_class_probability_after_every_token():
    m = SequenceModel("gru", 5, 4, 2, target="classification_last", encoding="onehot", seed=0)
    ids = np.array([[1], [2], [3]])
    trace, logits = m.forward(ids)
    per_step = m.step_outputs(trace)
    assert per_step.shape == (3, 1, 2)
    np.testing.assert_allclose(per_step[-1], logits, rtol=1e-6)
    _, prefix_logits = m.forward(ids[:2])
    np.testing.assert_allclose(per_step[1], prefix_logits, rtol=1e-6)


def test_params_are_live_views_updated_in_place():
    m = SequenceModel("lstm", 3, 4, 2, target="classification_each", encoding="onehot")
    assert m.params["rnn.weight_hh_l0"] is m.net.params["weight_hh_l0"]
    assert m.params["head.weight"] is m.head.params["weight"]


def test_bad_model_arguments():
    with pytest.raises(RnnvizError, match="target"):
        SequenceModel("lstm", 3, 4, 2, target="sideways")
    with pytest.raises(RnnvizError, match="encoding"):
        SequenceModel("lstm", 3, 4, 2, encoding="morse")
    with pytest.raises(RnnvizError, match="hidden_size"):
        SequenceModel("lstm", 3, 0, 2)
    with pytest.raises(RnnvizError, match="kind"):
        model_from_config({"kind": "transformer"})
    m = SequenceModel("lstm", 3, 4, 1, target="regression_last")
    with pytest.raises(RnnvizError, match="y must have shape"):
        m.loss_and_grads(np.zeros((2, 1, 3), np.float32), np.zeros((1, 2)))


def test_generate_never_emits_the_unknown_token():
    from rnnviz.data.tokenize import CharTokenizer

    tok = CharTokenizer.from_text("abc")
    m = SequenceModel("gru", len(tok.vocab), 4, len(tok.vocab), target="classification_each",
                      encoding="onehot", tokenizer=tok, seed=0)
    m.head.params["bias"][0] = 50.0  # the untrained model now prefers <unk> strongly
    out = m.generate(tok.encode("ab"), 50, temperature=1.0, rng=0)
    assert 0 not in out
    assert 0 not in m.generate(tok.encode("ab"), 5, greedy=True)
