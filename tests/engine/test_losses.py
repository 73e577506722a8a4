"""Losses: values, finite-difference gradients (with masks), stability, PyTorch parity."""
import numpy as np
import pytest

from rnnviz.engine.losses import accuracy, log_softmax, mse, sigmoid_bce, softmax, softmax_cross_entropy
from rnnviz.errors import RnnvizError

T, B, C = 4, 3, 5


def numeric_grad(f, x, eps=1e-6):
    num = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps; lp = f()
        x[i] = old - eps; lm = f()
        x[i] = old
        num[i] = (lp - lm) / (2 * eps)
    return num


def rel_err(a, b):
    return np.abs(a - b).max() / max(np.abs(b).max(), 1e-12)


MASKS = {
    "none": lambda rng, shape: None,
    "bool": lambda rng, shape: rng.random(shape) > 0.4,
    "weights": lambda rng, shape: rng.random(shape) * (rng.random(shape) > 0.3),
}


@pytest.mark.parametrize("mask_kind", list(MASKS))
def test_cross_entropy_finite_difference(mask_kind):
    rng = np.random.default_rng(0)
    z = rng.standard_normal((T, B, C)) * 3
    y = rng.integers(0, C, (T, B))
    mask = MASKS[mask_kind](rng, (T, B))
    if mask is not None:
        y = np.where(mask > 0, y, -1)  # padding ids at masked positions are allowed
    loss, d = softmax_cross_entropy(z, y, mask)
    num = numeric_grad(lambda: softmax_cross_entropy(z, y, mask)[0], z)
    assert rel_err(d, num) <= 1e-6
    assert d.shape == z.shape and d.dtype == z.dtype and loss > 0
    if mask is not None:
        np.testing.assert_array_equal(d[mask == 0], 0.0)


@pytest.mark.parametrize("mask_kind", list(MASKS))
def test_bce_finite_difference(mask_kind):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((T, B, 2)) * 3
    y = rng.random((T, B, 2))
    mask = MASKS[mask_kind](rng, (T, B))  # per position, shared over the last axis
    _, d = sigmoid_bce(x, y, mask)
    num = numeric_grad(lambda: sigmoid_bce(x, y, mask)[0], x)
    assert rel_err(d, num) <= 1e-6


@pytest.mark.parametrize("mask_kind", list(MASKS))
def test_mse_finite_difference(mask_kind):
    rng = np.random.default_rng(2)
    p = rng.standard_normal((T, B, 3))
    y = rng.standard_normal((T, B, 3))
    mask = MASKS[mask_kind](rng, (T, B, 3))
    _, d = mse(p, y, mask)
    num = numeric_grad(lambda: mse(p, y, mask)[0], p)
    assert rel_err(d, num) <= 1e-6


def test_softmax_and_log_softmax_stable():
    z = np.array([[1000.0, 1000.0, -1000.0], [0.0, 1.0, 2.0]])
    s = softmax(z)
    np.testing.assert_allclose(s.sum(-1), 1.0)
    np.testing.assert_allclose(s[0], [0.5, 0.5, 0.0])
    ls = log_softmax(z)
    assert np.all(np.isfinite(ls[1])) and np.isfinite(ls[0, :2]).all()
    np.testing.assert_allclose(np.exp(ls), s, atol=1e-15)
    np.testing.assert_allclose(softmax(z.T, axis=0), s.T)
    assert softmax(z.astype(np.float32)).dtype == np.float32


def test_cross_entropy_extreme_logits_finite():
    z = np.array([[1e4, -1e4], [-1e4, 1e4]])
    loss, d = softmax_cross_entropy(z, np.array([1, 1]))
    assert loss == pytest.approx(1e4, rel=1e-12) and np.all(np.isfinite(d))


def test_bce_extreme_logits_finite():
    x = np.array([800.0, -800.0, 0.0])
    loss, d = sigmoid_bce(x, np.array([0.0, 1.0, 1.0]))
    assert np.isfinite(loss) and np.all(np.isfinite(d))
    assert loss == pytest.approx((800 + 800 + np.log(2)) / 3)
    np.testing.assert_allclose(d, np.array([1.0, -1.0, -0.5]) / 3)


def test_accuracy():
    z = np.zeros((2, 2, 3)); z[0, 0, 1] = z[0, 1, 2] = z[1, 0, 0] = z[1, 1, 1] = 1
    y = np.array([[1, 0], [0, 0]])
    assert accuracy(z, y) == 0.5
    assert accuracy(z, y, np.array([[True, False], [True, False]])) == 1.0
    assert np.isnan(accuracy(z, y, np.zeros((2, 2), bool)))


def test_all_masked_gives_zero_loss_and_grad():
    z = np.ones((2, 3, 4))
    loss, d = softmax_cross_entropy(z, np.zeros((2, 3), int), np.zeros((2, 3)))
    assert loss == 0.0 and not d.any()
    loss, d = mse(z, z + 1, np.zeros((2, 3)))
    assert loss == 0.0 and not d.any()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_kept(dtype):
    z = np.ones((2, 3), dtype)
    assert softmax_cross_entropy(z, np.array([0, 2]))[1].dtype == dtype
    assert sigmoid_bce(z, np.zeros((2, 3)))[1].dtype == dtype
    assert mse(z, np.zeros((2, 3)))[1].dtype == dtype
    assert isinstance(mse(z, np.zeros((2, 3)))[0], float)


def test_bad_arguments():
    z = np.zeros((3, 2, 4))
    with pytest.raises(RnnvizError, match=r"targets: expected class ids in \[0, 4\)"):
        softmax_cross_entropy(z, np.full((3, 2), 4))
    with pytest.raises(RnnvizError, match="targets: expected class ids"):
        softmax_cross_entropy(z, np.full((3, 2), -1), np.ones((3, 2), bool))
    with pytest.raises(RnnvizError, match=r"targets: expected shape \(3, 2\)"):
        softmax_cross_entropy(z, np.zeros((2, 3), int))
    with pytest.raises(RnnvizError, match="targets: expected an integer"):
        softmax_cross_entropy(z, np.zeros((3, 2)))
    with pytest.raises(RnnvizError, match="mask: expected shape"):
        softmax_cross_entropy(z, np.zeros((3, 2), int), np.ones((3, 3)))
    with pytest.raises(RnnvizError, match="mask: expected bool or finite non-negative"):
        softmax_cross_entropy(z, np.zeros((3, 2), int), -np.ones((3, 2)))
    with pytest.raises(RnnvizError, match="targets: expected values in"):
        sigmoid_bce(z, np.full(z.shape, 2.0))
    with pytest.raises(RnnvizError, match="targets: expected shape"):
        mse(z, np.zeros((3, 2)))
    with pytest.raises(RnnvizError, match="targets: expected finite"):
        mse(z, np.full(z.shape, np.nan))
    with pytest.raises(RnnvizError, match="logits"):
        softmax(np.array([1, 2]))


# ------------------------------------------------------------------------------ PyTorch parity
def test_cross_entropy_matches_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(5)
    z = rng.standard_normal((T, B, C)) * 4
    y = rng.integers(0, C, (T, B))
    mask = rng.random((T, B)) > 0.3
    for m in (None, mask):
        tz = torch.from_numpy(z.copy()).requires_grad_()
        ty = torch.from_numpy(y if m is None else np.where(m, y, -100))
        tl = F.cross_entropy(tz.reshape(-1, C), ty.reshape(-1), ignore_index=-100)
        tl.backward()
        loss, d = softmax_cross_entropy(z, y, m)
        assert loss == pytest.approx(tl.item(), rel=1e-12)
        np.testing.assert_allclose(d, tz.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(log_softmax(z), F.log_softmax(torch.from_numpy(z), -1).numpy(),
                               rtol=1e-12)


def test_bce_and_mse_match_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(6)
    x = rng.standard_normal((T, B, 2)) * 5
    y = (rng.random((T, B, 2)) > 0.5).astype(np.float64)
    w = rng.random((T, B, 2))
    tx = torch.from_numpy(x.copy()).requires_grad_()
    tl = F.binary_cross_entropy_with_logits(tx, torch.from_numpy(y))
    tl.backward()
    loss, d = sigmoid_bce(x, y)
    assert loss == pytest.approx(tl.item(), rel=1e-12)
    np.testing.assert_allclose(d, tx.grad.numpy(), rtol=1e-10)
    # weighted mean = sum(w * l) / sum(w)
    tx.grad = None
    tl = F.binary_cross_entropy_with_logits(tx, torch.from_numpy(y), weight=torch.from_numpy(w),
                                            reduction="sum") / w.sum()
    tl.backward()
    loss, d = sigmoid_bce(x, y, w)
    assert loss == pytest.approx(tl.item(), rel=1e-12)
    np.testing.assert_allclose(d, tx.grad.numpy(), rtol=1e-10)

    tx.grad = None
    tl = F.mse_loss(tx, torch.from_numpy(y))
    tl.backward()
    loss, d = mse(x, y)
    assert loss == pytest.approx(tl.item(), rel=1e-12)
    np.testing.assert_allclose(d, tx.grad.numpy(), rtol=1e-12)
