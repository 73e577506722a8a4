"""LiveRunner on a network whose state overflows (a 2-layer ReLU RNN with W_hh = 1.5 I, lesson
7's exploding setting): typing after the overflow keeps going, and the incremental states equal
one forward pass over the whole text, inf and NaN where that pass has them. The engine's own
forward still refuses a caller's non-finite input or initial state."""
import warnings

import numpy as np
import pytest

from rnnviz.analysis.live import LiveRunner
from rnnviz.data.tokenize import CharTokenizer
from rnnviz.engine.losses import softmax
from rnnviz.engine.model import SequenceModel
from rnnviz.engine.recurrent import Recurrent
from rnnviz.errors import RnnvizError

TEXT = "(a + b) * c " * 40  # 480 characters: both layers overflow well before its end


def exploding_lm(sizes=(16, 12)) -> SequenceModel:
    """A float32 character LM whose every layer has W_hh = 1.5 I and positive biases."""
    tok = CharTokenizer.from_text(TEXT)
    m = SequenceModel("rnn_relu", len(tok.vocab), list(sizes), len(tok.vocab), num_layers=len(sizes),
                      target="classification_each", encoding="embedding", embedding_dim=4,
                      tokenizer=tok, seed=0)
    for k, H in enumerate(sizes):
        m.net.params[f"weight_hh_l{k}"][:] = 1.5 * np.eye(H, dtype=np.float32)
        m.net.params[f"bias_hh_l{k}"][:] = 0.5
    return m


def full_pass(model, text):
    """(trace, probabilities) of one forward pass over ``text``."""
    with np.errstate(over="ignore", invalid="ignore"):
        trace = model.net.forward(model.encode(model.tokenizer.encode(text)[:, None]))
        probs = softmax(model.step_outputs(trace)[:, 0].astype(np.float64), axis=-1)
    return trace, probs


def assert_same_where_finite(got, want, what):
    """Equal (to float32 rounding) where ``want`` is finite; inf/NaN exactly where it is not."""
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    assert got.shape == want.shape, what
    finite = np.isfinite(want)
    np.testing.assert_array_equal(np.isfinite(got), finite, err_msg=f"{what}: non-finite entries differ")
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg=f"{what}: NaN entries differ")
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-5, err_msg=what)


def assert_runner_matches(runner, model, text):
    trace, probs = full_pass(model, text)
    for layer in range(model.net.num_layers):
        for key, arr in trace.states(layer, 0).items():
            assert_same_where_finite(runner.states(layer)[key], arr[:, 0], f"layer {layer} {key}")
    assert_same_where_finite(runner.probabilities(), probs, "probabilities")


def test_the_model_overflows_in_both_layers():
    trace, probs = full_pass(exploding_lm(), TEXT)
    for layer in range(2):
        h = trace.states(layer, 0)["h"][:, 0]
        assert np.isfinite(h[:100]).all() and not np.isfinite(h[-1]).any(), layer
    assert np.isnan(probs[-1]).all()


def test_typing_after_the_overflow_equals_a_full_pass():
    m = exploding_lm()
    r = LiveRunner(m)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning per keystroke either
        r.update(TEXT)  # a paste
        assert_runner_matches(r, m, TEXT)
        text = TEXT
        for ch in "x(y)":
            text += ch
            res = r.update(text)
            assert res.recomputed_from == len(text) - 1  # only the new token is run
            assert_runner_matches(r, m, text)
        text = text[:-1]  # a deletion
        r.update(text)
        assert_runner_matches(r, m, text)


def test_layers_completed_in_idle_slices_equal_a_full_pass():
    """The upper layer is run in slices from the carried state (the live view's idle time)."""
    m = exploding_lm()
    r = LiveRunner(m)
    r.update(TEXT)
    r.states(0)  # the shown layer: its upper layer is left for the slices
    while not r.complete(max_steps=37):
        pass
    assert_runner_matches(r, m, TEXT)


def test_an_edit_before_the_overflow_reruns_from_finite_states():
    m = exploding_lm()
    r = LiveRunner(m)
    r.update(TEXT + "abc")
    r.states(1)
    edited = "b" + TEXT[1:] + "abc"
    assert r.update(edited).recomputed_from == 0
    assert_runner_matches(r, m, edited)


def test_forward_refuses_non_finite_input_and_state_and_resume_carries_them():
    net = Recurrent("rnn_relu", 3, 4, seed=0)
    x = np.ones((5, 1, 3), np.float32)
    bad = np.full((1, 1, 4), np.inf, np.float32)
    with pytest.raises(RnnvizError, match="h0 holds NaN or infinite"):
        net.forward(x, h0=bad)
    with pytest.raises(RnnvizError, match="x holds NaN or infinite"):
        net.forward(np.full((5, 1, 3), np.nan, np.float32))
    with pytest.raises(RnnvizError, match=r"x must have shape"):
        net.resume(np.ones((5, 1, 2), np.float32), bad)  # shapes are still checked
    with np.errstate(over="ignore", invalid="ignore"):
        h = net.resume(x, bad).states(0, 0)["h"][:, 0]
    assert not np.isfinite(h).all()


def test_resume_in_pieces_equals_one_forward_pass():
    net = Recurrent("rnn_relu", 3, 4, seed=0)
    net.params["weight_hh_l0"][:] = 40 * np.eye(4, dtype=np.float32)
    net.params["bias_hh_l0"][:] = 1.0
    x = np.random.default_rng(0).standard_normal((60, 1, 3)).astype(np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        whole = net.forward(x).states(0, 0)["h"][:, 0]
        first = net.forward(x[:40])
        rest = net.resume(x[40:], first.final_state).states(0, 0)["h"][:, 0]
    assert np.isfinite(whole[:10]).all() and not np.isfinite(whole[39]).all()
    assert_same_where_finite(np.r_[first.states(0, 0)["h"][:, 0], rest], whole, "h")
