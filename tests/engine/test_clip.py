"""Gradient clipping: PyTorch parity, in-place semantics, non-finite reporting."""
import math

import numpy as np
import pytest

from rnnviz.engine.clip import clip_grad_norm, global_norm
from rnnviz.errors import RnnvizError


def make_grads(scale=1.0, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return {"a": (scale * rng.standard_normal((4, 3))).astype(dtype),
            "b": (scale * rng.standard_normal(5)).astype(dtype)}


def test_global_norm_value():
    g = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    assert global_norm(g) == 5.0
    assert global_norm({}) == 0.0 and global_norm({"z": np.zeros(3)}) == 0.0
    big = {"a": np.array([3e200, 4e200])}  # naive sum of squares would overflow
    assert global_norm(big) == pytest.approx(5e200, rel=1e-15)
    assert global_norm({"a": np.array([3.0, 4.0], np.float32)}) == 5.0


@pytest.mark.parametrize("scale,max_norm", [(10.0, 1.0), (0.01, 1.0), (1.0, 0.5), (3.0, 100.0)])
def test_matches_torch(scale, max_norm):
    torch = pytest.importorskip("torch")
    g = make_grads(scale)
    ts = [torch.nn.Parameter(torch.zeros(v.shape, dtype=torch.float64)) for v in g.values()]
    for t, v in zip(ts, g.values()):
        t.grad = torch.from_numpy(v.copy())
    t_norm = torch.nn.utils.clip_grad_norm_(ts, max_norm, foreach=False).item()
    total, clipped = clip_grad_norm(g, max_norm)
    assert total == pytest.approx(t_norm, rel=1e-12)
    assert clipped == (total > max_norm)
    for t, v in zip(ts, g.values()):
        np.testing.assert_allclose(v, t.grad.numpy(), rtol=1e-12)


def test_boundary_matches_torch_epsilon():
    torch = pytest.importorskip("torch")
    g = {"a": np.array([3.0, 4.0])}  # norm exactly 5 = max_norm: torch still scales by 5/(5+1e-6)
    t = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    t.grad = torch.tensor([3.0, 4.0], dtype=torch.float64)
    torch.nn.utils.clip_grad_norm_([t], 5.0, foreach=False)
    total, clipped = clip_grad_norm(g, 5.0)
    assert total == 5.0 and clipped
    np.testing.assert_allclose(g["a"], t.grad.numpy(), rtol=1e-15)


def test_clips_in_place_to_max_norm():
    g = make_grads(50.0, np.float32)
    arrays = dict(g)
    view = g["a"][0]
    total, clipped = clip_grad_norm(g, 2.0)
    assert clipped and total > 2.0
    assert all(g[k] is arrays[k] for k in g) and g["a"].dtype == np.float32
    assert global_norm(g) == pytest.approx(2.0, rel=1e-5)
    assert np.shares_memory(view, g["a"])


def test_small_norm_untouched():
    g = make_grads(0.01)
    before = {k: v.copy() for k, v in g.items()}
    total, clipped = clip_grad_norm(g, 1.0)
    assert not clipped and total < 1.0
    for k in g:
        np.testing.assert_array_equal(g[k], before[k])


@pytest.mark.parametrize("bad,expect_nan", [(np.nan, True), (np.inf, False), (-np.inf, False)])
def test_non_finite_reported_not_clipped(bad, expect_nan):
    g = make_grads(100.0)
    g["b"][2] = bad
    before = {k: v.copy() for k, v in g.items()}
    total, clipped = clip_grad_norm(g, 1.0)
    assert not clipped
    assert math.isnan(total) if expect_nan else total == math.inf
    for k in g:
        np.testing.assert_array_equal(g[k], before[k])
    g["a"][0, 0] = np.inf  # NaN wins over Inf
    if expect_nan:
        assert math.isnan(global_norm(g))


@pytest.mark.parametrize("max_norm", [0, -1.0, float("nan"), float("inf"), "1", True])
def test_bad_max_norm(max_norm):
    with pytest.raises(RnnvizError, match="max_norm"):
        clip_grad_norm(make_grads(), max_norm)


def test_max_norm_too_large_for_a_float_is_named():
    with pytest.raises(RnnvizError, match="max_norm: expected a finite number > 0, got a number too large"):
        clip_grad_norm(make_grads(), 10**400)


def test_bad_grads():
    with pytest.raises(RnnvizError, match=r"grads\['a'\]"):
        global_norm({"a": np.array([1, 2])})
    with pytest.raises(RnnvizError, match="grads"):
        global_norm([np.zeros(2)])
