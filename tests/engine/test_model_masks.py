"""SequenceModel.loss_and_grads: float (or int) mask weights combine with ``lengths``."""
import numpy as np
import pytest

from rnnviz.engine.losses import mse, softmax_cross_entropy
from rnnviz.engine.model import SequenceModel
from rnnviz.errors import RnnvizError

IDS = np.array([[1, 2], [3, 4], [0, 0]])
Y = np.array([[1, 0], [2, 3], [4, 4]])
LENGTHS = np.array([2, 3])
VALID = np.arange(3)[:, None] < LENGTHS[None, :]


@pytest.fixture
def model():
    return SequenceModel("gru", 5, 4, 5, encoding="onehot", target="classification_each", seed=1)


def test_float_weights_with_lengths_give_the_weighted_loss_over_valid_steps(model):
    w = np.array([[0.5, 2.0], [1.0, 0.25], [3.0, 1.5]])
    r = model.loss_and_grads(IDS, Y, mask=w, lengths=LENGTHS)
    _, logits = model.forward(IDS, lengths=LENGTHS)
    expected, _ = softmax_cross_entropy(logits, Y, np.where(VALID, w, 0.0))
    assert r.loss == pytest.approx(expected, rel=1e-6)
    assert set(r.grads) == set(model.params)


@pytest.mark.parametrize("weights", [np.ones((3, 2)), np.full((3, 2), 0.5), np.full((3, 2), 2, dtype=np.int64)])
def test_uniform_weights_with_lengths_equal_the_bool_mask(model, weights):
    ref = model.loss_and_grads(IDS, Y, mask=np.ones((3, 2), bool), lengths=LENGTHS)
    r = model.loss_and_grads(IDS, Y, mask=weights, lengths=LENGTHS)
    assert r.loss == pytest.approx(ref.loss, rel=1e-6)
    for k in ref.grads:
        np.testing.assert_allclose(r.grads[k], ref.grads[k], rtol=1e-5, atol=1e-7)


def test_regression_weights_with_lengths():
    m = SequenceModel("lstm", 2, 3, 2, encoding="raw", target="regression_each", seed=0)
    x = np.random.default_rng(0).standard_normal((3, 2, 2)).astype(np.float32)
    y = np.random.default_rng(1).standard_normal((3, 2, 2)).astype(np.float32)
    w = np.array([[1.0, 0.5], [2.0, 1.0], [4.0, 1.0]], np.float32)
    r = m.loss_and_grads(x, y, mask=w, lengths=LENGTHS)
    _, pred = m.forward(x, lengths=LENGTHS)
    assert r.loss == pytest.approx(mse(pred, y, np.where(VALID, w, 0))[0], rel=1e-5)


def test_bad_weights_with_lengths_are_still_refused_by_name(model):
    with pytest.raises(RnnvizError, match="mask: expected bool or finite non-negative weights"):
        model.loss_and_grads(IDS, Y, mask=np.full((3, 2), -1.0), lengths=LENGTHS)
    with pytest.raises(RnnvizError, match=r"mask: expected shape \(3, 2\)"):
        model.loss_and_grads(IDS, Y, mask=np.ones((2, 2)), lengths=LENGTHS)
