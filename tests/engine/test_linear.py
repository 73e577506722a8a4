"""Linear readout: shapes, finite differences, PyTorch parity."""
import numpy as np
import pytest

from rnnviz.engine.linear import Linear
from rnnviz.errors import RnnvizError


def test_forward_any_leading_dims():
    lin = Linear(4, 3, np.random.default_rng(0), np.float64)
    assert lin.params["weight"].shape == (3, 4) and lin.params["bias"].shape == (3,)
    h = np.random.default_rng(1).standard_normal((5, 2, 4))
    y = lin.forward(h)
    assert y.shape == (5, 2, 3)
    np.testing.assert_allclose(y[3, 1], lin.weight @ h[3, 1] + lin.bias, rtol=1e-14)
    assert lin.forward(h[0, 0]).shape == (3,)
    assert np.all(np.abs(lin.weight) <= 0.5) and lin.output_size == 3


def test_dtype_float32_preserved():
    lin = Linear(4, 2, np.random.default_rng(0))
    y = lin.forward(np.ones((3, 4), np.float32))
    assert y.dtype == np.float32
    d_h, g = lin.backward(np.ones((3, 4), np.float32), np.ones((3, 2), np.float32))
    assert d_h.dtype == np.float32 and g["weight"].dtype == np.float32


@pytest.mark.parametrize("bias", [True, False])
def test_backward_finite_difference(bias):
    rng = np.random.default_rng(2)
    lin = Linear(5, 3, rng, np.float64, bias=bias)
    h = rng.standard_normal((4, 2, 5))
    c = rng.standard_normal((4, 2, 3))
    loss = lambda hh: float(np.sum(c * np.sin(lin.forward(hh))))  # noqa: E731
    d_out = c * np.cos(lin.forward(h))
    d_h, grads = lin.backward(h, d_out)
    assert set(grads) == set(lin.params)
    eps = 1e-6

    def numeric(arr, f):
        num = np.zeros_like(arr)
        for i in np.ndindex(arr.shape):
            old = arr[i]
            arr[i] = old + eps; lp = f()
            arr[i] = old - eps; lm = f()
            arr[i] = old
            num[i] = (lp - lm) / (2 * eps)
        return num

    for name, arr in lin.params.items():
        num = numeric(arr, lambda: loss(h))
        assert np.abs(grads[name] - num).max() / np.abs(num).max() <= 1e-6, name
    num = numeric(h, lambda: loss(h))
    assert np.abs(d_h - num).max() / np.abs(num).max() <= 1e-6


def test_matches_torch_linear():
    torch = pytest.importorskip("torch")
    lin = Linear(6, 4, np.random.default_rng(3), np.float64)
    tl = torch.nn.Linear(6, 4).double()
    tl.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in lin.params.items()})
    h = np.random.default_rng(4).standard_normal((3, 2, 6))
    d = np.random.default_rng(5).standard_normal((3, 2, 4))
    th = torch.from_numpy(h.copy()).requires_grad_()
    y = tl(th)
    y.backward(torch.from_numpy(d))
    np.testing.assert_allclose(lin.forward(h), y.detach().numpy(), rtol=1e-12)
    d_h, g = lin.backward(h, d)
    np.testing.assert_allclose(d_h, th.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(g["weight"], tl.weight.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(g["bias"], tl.bias.grad.numpy(), rtol=1e-12)


def test_errors():
    rng = np.random.default_rng(0)
    lin = Linear(3, 2, rng)
    with pytest.raises(RnnvizError, match=r"h: expected shape \(\.\.\., 3\)"):
        lin.forward(np.ones((2, 4)))
    with pytest.raises(RnnvizError, match="d_out"):
        lin.backward(np.ones((2, 3)), np.ones((2, 3)))
    with pytest.raises(RnnvizError, match="in_features"):
        Linear(0, 2, rng)
    with pytest.raises(RnnvizError, match="dtype"):
        Linear(2, 2, rng, np.int64)
    with pytest.raises(RnnvizError, match="h: expected a float"):
        lin.forward(np.ones((2, 3), int))
    assert lin.to_config() == {"type": "linear", "in_features": 3, "out_features": 2,
                               "bias": True, "dtype": "float32"}
