"""Input encodings: one-hot, embedding (finite differences, PyTorch parity), raw floats."""
import numpy as np
import pytest

from rnnviz.engine.encoding import Embedding, Identity, OneHot, RawFloat, encoding_from_config
from rnnviz.errors import RnnvizError


def test_onehot_forward():
    enc = OneHot(5)
    ids = np.array([[0, 4], [2, 2], [1, 0]])
    x = enc.forward(ids)
    assert x.shape == (3, 2, 5) and x.dtype == np.float32
    np.testing.assert_array_equal(x.argmax(-1), ids)
    np.testing.assert_array_equal(x.sum(-1), 1.0)
    assert enc.params == {} and enc.output_size == 5
    assert enc.backward(ids, np.ones((3, 2, 5))) == {}
    assert OneHot(3, np.float64).forward(np.zeros((1, 1), int)).dtype == np.float64


def test_embedding_forward_is_lookup():
    enc = Embedding(7, 3, np.random.default_rng(0), np.float64)
    ids = np.array([[1, 6], [1, 0]])
    x = enc.forward(ids)
    assert x.shape == (2, 2, 3) and enc.output_size == 3
    np.testing.assert_array_equal(x[0, 0], enc.params["weight"][1])
    np.testing.assert_array_equal(x[1, 0], x[0, 0])
    assert abs(Embedding(200, 50, np.random.default_rng(1)).weight.std() - 1.0) < 0.05


def test_embedding_backward_finite_difference_with_repeats():
    rng = np.random.default_rng(1)
    enc = Embedding(6, 4, rng, np.float64)
    ids = np.array([[1, 1, 3], [5, 1, 0], [3, 3, 1]])  # repeated ids must accumulate
    c = rng.standard_normal((3, 3, 4))
    loss = lambda: float(np.sum(c * np.tanh(enc.forward(ids))))  # noqa: E731
    d_out = c * (1 - np.tanh(enc.forward(ids)) ** 2)
    grad = enc.backward(ids, d_out)["weight"]
    w = enc.params["weight"]
    num = np.zeros_like(w)
    eps = 1e-6
    for i in np.ndindex(w.shape):
        old = w[i]
        w[i] = old + eps; lp = loss()
        w[i] = old - eps; lm = loss()
        w[i] = old
        num[i] = (lp - lm) / (2 * eps)
    rel = np.abs(grad - num).max() / max(np.abs(num).max(), 1e-12)
    assert rel <= 1e-6
    np.testing.assert_array_equal(grad[[2, 4]], 0.0)  # unused rows get no gradient


def test_embedding_matches_torch():
    torch = pytest.importorskip("torch")
    enc = Embedding(9, 5, np.random.default_rng(2), np.float64)
    ids = np.random.default_rng(3).integers(0, 9, (4, 3))
    d_out = np.random.default_rng(4).standard_normal((4, 3, 5))
    emb = torch.nn.Embedding(9, 5).double()
    emb.load_state_dict({"weight": torch.from_numpy(enc.params["weight"].copy())})
    y = emb(torch.from_numpy(ids))
    y.backward(torch.from_numpy(d_out))
    np.testing.assert_allclose(enc.forward(ids), y.detach().numpy(), rtol=0, atol=0)
    np.testing.assert_allclose(enc.backward(ids, d_out)["weight"], emb.weight.grad.numpy(),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_raw_float_keeps_dtype_and_validates(dtype):
    enc = RawFloat(2)
    x = np.ones((4, 3, 2), dtype)
    out = enc.forward(x)
    assert out.dtype == dtype and out.shape == (4, 3, 2) and np.shares_memory(out, x)
    assert enc.backward(x, np.zeros_like(x)) == {} and enc.params == {}
    assert Identity is RawFloat
    assert enc.forward(np.ones((1, 1, 2), int)).dtype == np.float64
    bad = x.copy(); bad[1, 1, 0] = np.nan
    with pytest.raises(RnnvizError, match="finite"):
        enc.forward(bad)
    with pytest.raises(RnnvizError, match=r"x: expected shape \(T, B, 2\)"):
        enc.forward(np.ones((4, 2)))


def test_bad_ids_and_args():
    enc = OneHot(4)
    with pytest.raises(RnnvizError, match=r"ids: expected ids in \[0, 4\)"):
        enc.forward(np.array([[0, 4]]))
    with pytest.raises(RnnvizError, match="ids: expected ids"):
        Embedding(4, 2, np.random.default_rng(0)).forward(np.array([[-1]]))
    with pytest.raises(RnnvizError, match="integer"):
        enc.forward(np.array([[0.5]]))
    with pytest.raises(RnnvizError, match=r"\(T, B\)"):
        enc.forward(np.array([0, 1]))
    with pytest.raises(RnnvizError, match="vocab_size"):
        OneHot(0)
    with pytest.raises(RnnvizError, match="dim"):
        Embedding(3, 2.5, np.random.default_rng(0))
    with pytest.raises(RnnvizError, match="d_out"):
        Embedding(3, 2, np.random.default_rng(0)).backward(np.zeros((2, 2), int), np.zeros((2, 2, 3)))


def test_config_round_trip():
    rng = np.random.default_rng(0)
    for enc in (OneHot(6, np.float64), Embedding(5, 3, rng, np.float64), RawFloat(4)):
        again = encoding_from_config(enc.to_config(), rng)
        assert type(again) is type(enc) and again.to_config() == enc.to_config()
        assert again.output_size == enc.output_size
    with pytest.raises(RnnvizError, match="config.type"):
        encoding_from_config({"type": "bpe"})
    with pytest.raises(RnnvizError, match="vocab_size"):
        encoding_from_config({"type": "onehot"})
