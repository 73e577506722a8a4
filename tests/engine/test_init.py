"""Initialisers: statistics, layouts, in-place semantics, PyTorch naming."""
from fractions import Fraction

import numpy as np
import pytest

from rnnviz.engine.init import (
    identity,
    init_recurrent_params,
    orthogonal,
    uniform_default,
    xavier_uniform,
)
from rnnviz.errors import RnnvizError


def make_params(cell, sizes, input_size=5, bidirectional=False, bias=True, dtype=np.float32):
    g = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    params = {}
    d = input_size
    for k, h in enumerate(sizes):
        for suf in ([""] + (["_reverse"] if bidirectional else [])):
            params[f"weight_ih_l{k}{suf}"] = np.full((g * h, d), 7.0, dtype)
            params[f"weight_hh_l{k}{suf}"] = np.full((g * h, h), 7.0, dtype)
            if bias:
                params[f"bias_ih_l{k}{suf}"] = np.full(g * h, 7.0, dtype)
                params[f"bias_hh_l{k}{suf}"] = np.full(g * h, 7.0, dtype)
        d = h * (2 if bidirectional else 1)
    return params


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_uniform_default_bounds_and_spread(dtype):
    h = 16
    w = uniform_default((4 * h, 10), h, np.random.default_rng(0), dtype)
    assert w.dtype == dtype and w.shape == (64, 10)
    b = 1 / np.sqrt(h)
    assert np.all(np.abs(w) <= b)
    assert w.max() > 0.9 * b and w.min() < -0.9 * b  # fills the interval
    assert abs(w.std() - b / np.sqrt(3)) < 0.02


def test_xavier_bound_and_variance():
    w = xavier_uniform((300, 200), np.random.default_rng(1), np.float64)
    a = np.sqrt(6 / 500)
    assert np.all(np.abs(w) <= a) and w.max() > 0.99 * a
    assert abs(w.var() - 2 / 500) / (2 / 500) < 0.03


@pytest.mark.parametrize("g", [1, 3, 4])
def test_orthogonal_each_gate_block(g):
    h = 8
    w = orthogonal((g * h, h), np.random.default_rng(2), np.float64, gain=1.5)
    for k in range(g):
        blk = w[k * h:(k + 1) * h]
        np.testing.assert_allclose(blk @ blk.T, 1.5 ** 2 * np.eye(h), atol=1e-12)
    if g > 1:  # blocks are independent draws
        assert not np.allclose(w[:h], w[h:2 * h])


def test_orthogonal_rectangular_semi_orthogonal():
    rng = np.random.default_rng(3)
    wide = orthogonal((4, 9), rng, np.float64)
    np.testing.assert_allclose(wide @ wide.T, np.eye(4), atol=1e-12)
    tall = orthogonal((10, 4), rng, np.float64, blocks=1)
    np.testing.assert_allclose(tall.T @ tall, np.eye(4), atol=1e-12)
    w32 = orthogonal((6, 6), rng, np.float32)
    assert w32.dtype == np.float32
    np.testing.assert_allclose(w32 @ w32.T, np.eye(6), atol=1e-5)


def test_identity_blocks():
    w = identity((12, 4), np.float64, scale=0.5)
    np.testing.assert_array_equal(w, np.vstack([0.5 * np.eye(4)] * 3))
    assert identity((3, 3), np.float32).dtype == np.float32
    with pytest.raises(RnnvizError, match="shape"):
        identity((5, 3))


def test_reproducible_with_seed():
    a = uniform_default((5, 5), 5, np.random.default_rng(9), np.float64)
    b = uniform_default((5, 5), 5, np.random.default_rng(9), np.float64)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_default_scheme_in_place_per_layer_hidden_size(cell):
    params = make_params(cell, [6, 3], bidirectional=True)
    ids = {k: id(v) for k, v in params.items()}
    view = params["weight_hh_l1"][:2]
    out = init_recurrent_params(params, cell, None, "default", np.random.default_rng(0))
    assert out is params and {k: id(v) for k, v in params.items()} == ids
    assert np.shares_memory(view, params["weight_hh_l1"]) and not np.any(view == 7.0)
    for k, v in params.items():
        h = 6 if "_l0" in k else 3
        assert v.dtype == np.float32
        assert np.all(np.abs(v) <= 1 / np.sqrt(h) + 1e-7), k
    assert params["weight_ih_l0"].std() > 0.1


def test_orthogonal_scheme_lstm_layout():
    params = make_params("lstm", [5, 5], dtype=np.float64)
    init_recurrent_params(params, "lstm", [5, 5], "orthogonal", np.random.default_rng(1),
                          recurrent_scale=0.9)
    for k in (0, 1):
        w = params[f"weight_hh_l{k}"]
        for gi in range(4):
            blk = w[gi * 5:(gi + 1) * 5]
            np.testing.assert_allclose(blk @ blk.T, 0.81 * np.eye(5), atol=1e-12)
        assert np.all(params[f"bias_ih_l{k}"] == 0) and np.all(params[f"bias_hh_l{k}"] == 0)
        a = np.sqrt(6 / (20 + 5))
        assert np.all(np.abs(params[f"weight_ih_l{k}"]) <= a)


def test_xavier_scheme_zero_bias():
    params = make_params("gru", [4], input_size=6, dtype=np.float64)
    init_recurrent_params(params, "gru", 4, "xavier", np.random.default_rng(1))
    assert np.all(params["bias_ih_l0"] == 0)
    assert np.all(np.abs(params["weight_hh_l0"]) <= np.sqrt(6 / 16))
    assert np.all(np.abs(params["weight_ih_l0"]) <= np.sqrt(6 / 18))


def test_identity_scheme_irnn():
    params = make_params("rnn", [8], input_size=3, dtype=np.float64)
    init_recurrent_params(params, "rnn_relu", None, "identity", np.random.default_rng(0))
    np.testing.assert_array_equal(params["weight_hh_l0"], np.eye(8))
    assert np.all(params["bias_ih_l0"] == 0) and np.all(params["bias_hh_l0"] == 0)
    assert 0 < params["weight_ih_l0"].std() < 0.003


def test_forget_bias_slice_is_second_block():
    h = 4
    params = make_params("lstm", [h], dtype=np.float64)
    init_recurrent_params(params, "lstm", None, "default", np.random.default_rng(0),
                          forget_bias=1.0)
    bih, bhh = params["bias_ih_l0"], params["bias_hh_l0"]
    np.testing.assert_array_equal(bih[h:2 * h], 1.0)
    np.testing.assert_array_equal(bhh[h:2 * h], 0.0)
    np.testing.assert_array_equal((bih + bhh)[h:2 * h], 1.0)  # total forget bias
    for blk in (slice(0, h), slice(2 * h, 3 * h), slice(3 * h, 4 * h)):  # i, g, o untouched
        assert not np.any(bih[blk] == 1.0) and np.all(np.abs(bih[blk]) <= 0.5)


def test_forget_bias_on_torch_lstm_state_dict_drives_forget_gate():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True).double()
    params = {k: v.detach().numpy().copy() for k, v in lstm.state_dict().items()}
    init_recurrent_params(params, "lstm", [4, 4], "orthogonal", np.random.default_rng(0),
                          forget_bias=5.0)
    lstm.load_state_dict({k: torch.from_numpy(v) for k, v in params.items()})
    # with zero input weights and state, f = sigma(5) and i = sigma(0) at the first step;
    # c_1 = i * g with g = tanh(0) = 0 -> use the gates by hand from torch's own weights
    x = torch.zeros(1, 1, 3, dtype=torch.float64)
    _, (h, c) = lstm(x)
    assert torch.all(h == 0)  # zero biases except forget: g = tanh(0) = 0
    b = lstm.bias_ih_l0 + lstm.bias_hh_l0
    assert torch.allclose(torch.sigmoid(b[4:8]), torch.sigmoid(torch.tensor(5.0, dtype=torch.float64)))
    assert torch.all(b[:4] == 0) and torch.all(b[8:] == 0)


def test_errors_name_the_argument():
    rng = np.random.default_rng(0)
    with pytest.raises(RnnvizError, match="dtype"):
        uniform_default((2, 2), 2, rng, np.int32)
    with pytest.raises(RnnvizError, match="hidden_size"):
        uniform_default((2, 2), 0, rng)
    with pytest.raises(RnnvizError, match="rng"):
        xavier_uniform((2, 2), 42)
    with pytest.raises(RnnvizError, match="shape"):
        xavier_uniform((2, -1), rng)
    p = make_params("lstm", [3])
    with pytest.raises(RnnvizError, match="scheme"):
        init_recurrent_params(p, "lstm", None, "he", rng)
    with pytest.raises(RnnvizError, match="cell"):
        init_recurrent_params(p, "transformer", None, "default", rng)
    with pytest.raises(RnnvizError, match="forget_bias"):
        init_recurrent_params(make_params("gru", [3]), "gru", None, "default", rng, forget_bias=1.0)
    with pytest.raises(RnnvizError, match="hidden_sizes"):
        init_recurrent_params(p, "lstm", [4], "default", rng)
    with pytest.raises(RnnvizError, match="weight_hh_l0"):
        init_recurrent_params(p, "gru", None, "default", rng)  # 12 rows is not 3*3
    with pytest.raises(RnnvizError, match="unexpected key"):
        init_recurrent_params({"fc.weight": np.zeros((2, 2))}, "rnn", None, "default", rng)
    with pytest.raises(RnnvizError, match="recurrent_scale"):
        init_recurrent_params(p, "lstm", None, "default", rng, recurrent_scale=float("nan"))
    with pytest.raises(RnnvizError, match="recurrent_scale: expected a finite number, got a number too large"):
        init_recurrent_params(p, "lstm", None, "default", rng, recurrent_scale=10**400)
    with pytest.raises(RnnvizError, match="forget_bias: expected a finite number, got a number too large"):
        init_recurrent_params(p, "lstm", None, "default", rng, forget_bias=Fraction(-10**400, 3))
    with pytest.raises(RnnvizError, match="forget_bias"):
        init_recurrent_params(make_params("lstm", [3], bias=False), "lstm", None, "default",
                              rng, forget_bias=1.0)
    assert issubclass(RnnvizError, ValueError)
