"""Finite-difference checks (float64) of every gradient the engine computes."""
import numpy as np
import pytest

from rnnviz.engine import Recurrent
from rnnviz.engine.gradcheck import gradcheck, numeric_gradient
from rnnviz.errors import RnnvizError

CELLS = ["rnn_tanh", "rnn_relu", "lstm", "gru"]
TOL = 1e-6


def _loss_setup(net, x, lengths=None, h0=None, with_final=True, seed=0):
    rng = np.random.default_rng(seed)
    trace = net.forward(x, h0=h0, lengths=lengths)
    w = rng.standard_normal(trace.output.shape)
    fin = trace.final_state
    if net.cell == "lstm":
        v = tuple(_like(f, rng) for f in fin)
    else:
        v = _like(fin, rng)

    def loss():
        tr = net.forward(x, h0=h0, lengths=lengths)
        total = float(np.sum(tr.output * w))
        if with_final:
            total += _dot(tr.final_state, v)
        return total

    grads = net.backward(trace, w, d_final_state=v if with_final else None)
    return loss, grads


def _like(f, rng):
    if isinstance(f, list):
        return [rng.standard_normal(a.shape) for a in f]
    return rng.standard_normal(f.shape)


def _dot(a, b):
    if isinstance(a, tuple):
        return sum(_dot(p, q) for p, q in zip(a, b))
    if isinstance(a, list):
        return sum(float(np.sum(p * q)) for p, q in zip(a, b))
    return float(np.sum(a * b))


CONFIGS = [
    dict(hidden_size=3, num_layers=1, bidirectional=False),
    dict(hidden_size=3, num_layers=2, bidirectional=True),
    dict(hidden_size=[4, 3], bidirectional=False),
    dict(hidden_size=[3, 2, 4], bidirectional=True),
]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"{c['hidden_size']}-bi{int(c['bidirectional'])}")
@pytest.mark.parametrize("cell", CELLS)
def test_every_parameter_and_input(cell, config):
    rng = np.random.default_rng(0)
    net = Recurrent(cell, 3, dtype=np.float64, seed=1, **config)
    x = rng.standard_normal((5, 2, 3))
    loss, grads = _loss_setup(net, x)
    result = gradcheck(loss, net.params, grads.params)
    assert result.max_rel_error <= TOL, (result.worst_key, result.max_rel_error)
    result = gradcheck(loss, {"x": x}, {"x": grads.input})
    assert result.max_rel_error <= TOL


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bidir", [False, True])
def test_with_padding_lengths(cell, bidir):
    rng = np.random.default_rng(3)
    net = Recurrent(cell, 3, 3, num_layers=2, bidirectional=bidir, dtype=np.float64, seed=2)
    x = rng.standard_normal((6, 3, 3))
    lengths = np.array([6, 2, 4])
    loss, grads = _loss_setup(net, x, lengths=lengths)
    result = gradcheck(loss, net.params, grads.params)
    assert result.max_rel_error <= TOL, (result.worst_key, result.max_rel_error)
    result = gradcheck(loss, {"x": x}, {"x": grads.input})
    assert result.max_rel_error <= TOL
    # padded steps of the input get no gradient
    assert np.all(grads.input[2:, 1] == 0) and np.all(grads.input[4:, 2] == 0)


@pytest.mark.parametrize("cell", CELLS)
def test_initial_state_gradient(cell):
    rng = np.random.default_rng(5)
    net = Recurrent(cell, 2, 3, num_layers=2, bidirectional=True, dtype=np.float64, seed=3)
    x = rng.standard_normal((4, 2, 2))
    h0 = rng.standard_normal((4, 2, 3))
    c0 = rng.standard_normal((4, 2, 3))
    init = (h0, c0) if cell == "lstm" else h0
    loss, grads = _loss_setup(net, x, h0=init)
    arrays = {"h0": h0, "c0": c0} if cell == "lstm" else {"h0": h0}
    analytic = ({"h0": grads.initial_state[0], "c0": grads.initial_state[1]} if cell == "lstm"
                else {"h0": grads.initial_state})
    assert gradcheck(loss, arrays, analytic).max_rel_error <= TOL


def _truncated_surrogate(net, x, k, w):
    """L̃(θ): the loss with every chunk-boundary state frozen at its current value.

    Its gradient at the current θ is exactly truncated BPTT with window k (T a multiple of k).
    """
    T = x.shape[0]
    full = net.forward(x)
    nd = net.num_directions
    frozen = []
    for j in range(T // k):
        hs, cs = [], []
        for layer in range(net.num_layers):
            for d in range(nd):
                st = full.states(layer, d)
                if d == 0:
                    t = j * k - 1
                    ok = t >= 0
                else:
                    t = (j + 1) * k
                    ok = t < T
                zeros = np.zeros_like(st["h"][0])
                hs.append(st["h"][t].copy() if ok else zeros)
                if net.cell == "lstm":
                    cs.append(st["c"][t].copy() if ok else zeros)
        frozen.append((np.stack(hs), np.stack(cs)) if net.cell == "lstm" else np.stack(hs))

    def loss():
        total = 0.0
        for j in range(T // k):
            sl = slice(j * k, (j + 1) * k)
            tr = net.forward(x[sl], h0=frozen[j])
            total += float(np.sum(tr.output * w[sl]))
        return total

    return loss


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bidir", [False, True])
def test_truncated_bptt(cell, bidir):
    rng = np.random.default_rng(7)
    net = Recurrent(cell, 3, 3, num_layers=2, bidirectional=bidir, dtype=np.float64, seed=4)
    T, k = 6, 2
    x = rng.standard_normal((T, 2, 3))
    w = rng.standard_normal((T, 2, net.output_size))
    grads = net.backward(net.forward(x), w, truncate=k)
    loss = _truncated_surrogate(net, x, k, w)
    result = gradcheck(loss, net.params, grads.params)
    assert result.max_rel_error <= TOL, (result.worst_key, result.max_rel_error)
    assert gradcheck(loss, {"x": x}, {"x": grads.input}).max_rel_error <= TOL
    full = net.backward(net.forward(x), w)
    assert not np.allclose(full.params["weight_hh_l0"], grads.params["weight_hh_l0"])


def test_truncation_cuts_gradient_flow_in_time():
    """With truncate=k, a loss at the last step reaches at most k steps back."""
    rng = np.random.default_rng(0)
    net = Recurrent("lstm", 2, 4, dtype=np.float64)
    T, k = 12, 4
    x = rng.standard_normal((T, 1, 2))
    d = np.zeros((T, 1, 4))
    d[-1] = 1.0
    g = net.backward(net.forward(x), d, truncate=k)
    norms = g.step_norms(0)[:, 0]
    assert np.all(norms[T - k:] > 0) and np.all(norms[:T - k] == 0)
    assert np.all(g.input[:T - k] == 0)


def test_step_norms_equal_total_derivative_by_finite_differences():
    """||dL/dh_t|| of layer 0 against perturbing h_t itself (via the next layer's input)."""
    rng = np.random.default_rng(1)
    net = Recurrent("rnn_tanh", 2, 3, num_layers=1, dtype=np.float64, seed=0)
    x = rng.standard_normal((5, 1, 2))
    w = rng.standard_normal((5, 1, 3))
    g = net.backward(net.forward(x), w)
    # dL/dh_t by perturbing h0 of the suffix run starting at t+1
    for t in range(5):
        tr = net.forward(x[: t + 1])
        h_t = tr.final_state.copy()

        def loss():
            tail = net.forward(x[t + 1:], h0=h_t) if t < 4 else None
            total = float(np.sum(h_t[0] * w[t]))
            if tail is not None:
                total += float(np.sum(tail.output * w[t + 1:]))
            return total

        num = numeric_gradient(loss, h_t)
        assert abs(np.linalg.norm(num) - g.step_norms(0)[t, 0]) <= 1e-7 * max(1, np.linalg.norm(num))


def test_gradcheck_detects_a_wrong_gradient():
    a = np.array([1.0, 2.0, 3.0])
    res = gradcheck(lambda: float(np.sum(a ** 2)), {"a": a}, {"a": 2 * a + np.array([0, 0, 0.1])})
    assert res.max_rel_error > 1e-3
    res = gradcheck(lambda: float(np.sum(a ** 2)), {"a": a}, {"a": 2 * a})
    assert res.max_rel_error < 1e-8


def test_gradcheck_refuses_float32():
    a = np.ones(3, np.float32)
    with pytest.raises(RnnvizError, match="float64"):
        gradcheck(lambda: float(a.sum()), {"a": a}, {"a": np.ones(3)})
