import numpy as np
import pytest

from rnnviz.engine import Recurrent
from rnnviz.errors import RnnvizError
from rnnviz.training import metrics as M


def _net(cell, H=5, D=3, bidirectional=False, seed=0, scale=1.0):
    net = Recurrent(cell, D, H, bidirectional=bidirectional, seed=seed, dtype=np.float64)
    for k in net.params:
        net.params[k] *= scale
    return net


def _one_step(net, direction, x_t, h_prev, c_prev=None):
    """Run one step of (layer 0, direction) with a unidirectional copy of the weights."""
    uni = Recurrent(net.cell, net.input_size, net.hidden_sizes[0], dtype=np.float64)
    sfx = "_l0_reverse" if direction == 1 else "_l0"
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        uni.params[name + "_l0"][...] = net.params[name + sfx]
    h0 = h_prev[None]
    if net.cell == "lstm":
        tr = uni.forward(x_t[None], h0=(h0, c_prev[None]))
        return tr.states()["h"][0], tr.states()["c"][0]
    tr = uni.forward(x_t[None], h0=h0)
    return tr.states()["h"][0], None


def _fd_jacobian(net, trace, t, direction, full):
    cache = trace.cache(0, direction)
    x_t = cache.x[t]
    hp = M._prev(cache.h, cache.h0, t, direction)
    cp = M._prev(cache.c, cache.c0, t, direction) if net.cell == "lstm" else None
    H = hp.shape[1]
    B = hp.shape[0]
    N = 2 * H if full else H
    J = np.zeros((B, N, N))
    eps = 1e-6
    for j in range(N):
        outs = []
        for sgn in (1, -1):
            h, c = hp.copy(), None if cp is None else cp.copy()
            if j < H:
                h[:, j] += sgn * eps
            else:
                c[:, j - H] += sgn * eps
            hn, cn = _one_step(net, direction, x_t, h, c)
            outs.append(np.concatenate([hn, cn], axis=1) if full else hn)
        J[:, :, j] = (outs[0] - outs[1]) / (2 * eps)
    return J


@pytest.mark.parametrize("cell", ["rnn_tanh", "rnn_relu", "gru", "lstm"])
@pytest.mark.parametrize("direction", [0, 1])
def test_step_jacobian_matches_finite_differences(cell, direction):
    net = _net(cell, bidirectional=True, scale=2.0)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 3, 3))
    trace = net.forward(x)
    for t in (0, 3, 5):
        exact = M.step_jacobian(net, trace, t, direction=direction)
        fd = _fd_jacobian(net, trace, t, direction, full=cell == "lstm")
        np.testing.assert_allclose(exact, fd, rtol=1e-5, atol=1e-7)
    if cell == "lstm":
        h_only = M.step_jacobian(net, trace, 2, direction=direction, state="h")
        fd = _fd_jacobian(net, trace, 2, direction, full=False)
        np.testing.assert_allclose(h_only, fd, rtol=1e-5, atol=1e-7)


def test_step_jacobian_padded_rows_are_identity():
    net = _net("gru")
    x = np.random.default_rng(0).standard_normal((5, 2, 3))
    trace = net.forward(x, lengths=np.array([5, 2]))
    J = M.step_jacobian(net, trace, 3)
    np.testing.assert_array_equal(J[1], np.eye(5))
    assert not np.allclose(J[0], np.eye(5))


def test_rnn_jacobian_at_zero_state_is_whh_and_singular_values():
    net = _net("rnn_tanh", H=4)
    for k in net.params:
        if k.startswith("bias") or k.startswith("weight_ih"):
            net.params[k][...] = 0
    net.params["weight_hh_l0"][...] = np.diag([0.5, 0.4, 0.3, 0.2])
    trace = net.forward(np.zeros((3, 2, 3)))
    J = M.step_jacobian(net, trace, 1)
    np.testing.assert_allclose(J[0], net.params["weight_hh_l0"])
    steps, sv = M.jacobian_singular_values(net, trace, k=2)
    np.testing.assert_array_equal(steps, [0, 1, 2])
    np.testing.assert_allclose(sv, [[0.5, 0.4]] * 3)


def test_spectral_radius_known_values():
    assert M.spectral_radius(np.eye(7)) == pytest.approx(1.0)
    rot = np.array([[0.0, -2.0], [2.0, 0.0]])  # eigenvalues ±2i
    assert M.spectral_radius(rot) == pytest.approx(2.0)
    net = _net("rnn_tanh", H=4)
    net.params["weight_hh_l0"][...] = np.eye(4)
    s = M.recurrent_spectra(net)
    assert s == pytest.approx({"hh": 1.0, "norm": 1.0})
    lstm = _net("lstm", H=3)
    w = lstm.params["weight_hh_l0"]
    for k, v in enumerate((1.0, 2.0, 3.0, 0.5)):
        w[k * 3:(k + 1) * 3] = v * np.eye(3)
    s = M.recurrent_spectra(lstm)
    assert s["i"] == pytest.approx(1.0) and s["f"] == pytest.approx(2.0)
    assert s["g"] == pytest.approx(3.0) and s["o"] == pytest.approx(0.5)
    assert s["norm"] == pytest.approx(np.sqrt(1 + 4 + 9 + 0.25))
    assert set(M.recurrent_spectra(_net("gru"))) == {"r", "z", "n", "norm"}
    with pytest.raises(RnnvizError, match="layer"):
        M.recurrent_spectra(net, layer=3)
    with pytest.raises(RnnvizError, match="w"):
        M.spectral_radius(np.ones((2, 3)))


def test_gate_saturation_and_forget_mean():
    net = _net("lstm", H=3)
    trace = net.forward(np.random.default_rng(0).standard_normal((4, 5, 3)))
    st = trace.states()
    # overwrite the stored gates with known values (views of the cache)
    st["f"][...] = 0.95
    st["i"][...] = 0.5
    st["i"][:2, :, 0] = 0.05  # unit 0 low half the steps
    st["o"][...] = 0.0
    sat = M.gate_saturation(trace)
    assert set(sat) == {"i", "f", "o"}
    np.testing.assert_allclose(sat["f"], [[0, 0, 0], [1, 1, 1]])
    np.testing.assert_allclose(sat["i"], [[0.5, 0, 0], [0, 0, 0]])
    np.testing.assert_allclose(sat["o"][0], [1, 1, 1])
    np.testing.assert_allclose(M.mean_forget_gate(trace), [0.95] * 3)
    gtr = _net("gru").forward(np.zeros((2, 1, 3)))
    assert set(M.gate_saturation(gtr)) == {"r", "z"}
    assert M.mean_forget_gate(gtr) is None
    assert M.gate_saturation(_net("rnn_tanh").forward(np.zeros((2, 1, 3)))) == {}


def test_gradient_ratio_and_mean_norms():
    norms = np.array([[1e-4, 3e-4], [1e-2, 1e-2], [1.0, 1.0]])
    assert M.gradient_ratio(norms) == pytest.approx(2e-4)
    assert M.gradient_ratio(norms.mean(axis=1), direction=1) == pytest.approx(1 / 2e-4)
    assert np.isnan(M.gradient_ratio(np.array([1.0, 0.0])))
    np.testing.assert_allclose(M.mean_step_norms(norms), [2e-4, 1e-2, 1.0])
    mask = np.array([[True, False], [True, True], [True, True]])
    np.testing.assert_allclose(M.mean_step_norms(norms, mask), [1e-4, 1e-2, 1.0])


def test_metrics_are_copies_not_views():
    net = _net("lstm", H=3)
    trace = net.forward(np.random.default_rng(0).standard_normal((4, 2, 3)))
    f = M.mean_forget_gate(trace)
    J = M.step_jacobian(net, trace, 1)
    trace.states()["f"][...] = 0.0
    net.params["weight_hh_l0"][...] = 0.0
    assert np.all(f > 0)
    assert np.any(J != 0)
