"""The LSTM's internal paths (both gate identities, chunked scans, batch-major copies) against
PyTorch, and the public views they must keep: true gate values in PyTorch order."""
import numpy as np
import pytest

from rnnviz.engine import Recurrent, cells

torch = pytest.importorskip("torch")
from tests.engine.torch_ref import torch_module  # noqa: E402


def rel(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-300)


@pytest.fixture(params=["tanh", "exp"])
def route(request, monkeypatch):
    """Force one of the two gate identities whatever the size."""
    monkeypatch.setattr(cells, "lstm_tanh_route", lambda B, H: request.param == "tanh")
    return request.param


@pytest.fixture(params=[1, 3, 1 << 16])
def chunk(request, monkeypatch):
    """Steps per chunk: one step, a few (uneven last chunk), or everything in one chunk."""
    monkeypatch.setattr(cells, "chunk_steps", lambda B, H, T: max(1, min(T, request.param)))
    return request.param


def _torch_grads(net, x, w, lengths=None, dtype=torch.float64):
    D, H = net.input_size, net.hidden_size
    mod = torch_module("lstm", D, H, net.num_layers, net.bidirectional, net.state_dict(), dtype)
    xt = torch.tensor(x, requires_grad=True)
    if lengths is None:
        out, _ = mod(xt)
    else:
        packed = torch.nn.utils.rnn.pack_padded_sequence(xt, torch.tensor(lengths), enforce_sorted=False)
        out, _ = mod(packed)
        out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, total_length=x.shape[0])
    (out * torch.tensor(w)).sum().backward()
    return out.detach().numpy(), {k: p.grad.numpy() for k, p in mod.named_parameters()}, xt.grad.numpy()


@pytest.mark.parametrize("B", [1, 4])
@pytest.mark.parametrize("bidir", [False, True])
def test_routes_and_chunks_match_torch(route, chunk, B, bidir):
    T, D, H = 8, 3, 5
    rng = np.random.default_rng(B)
    net = Recurrent("lstm", D, H, num_layers=2, bidirectional=bidir, seed=1, dtype=np.float64)
    x = rng.standard_normal((T, B, D)) * 2
    w = rng.standard_normal((T, B, net.output_size))
    trace = net.forward(x)
    grads = net.backward(trace, w)
    out, pgrads, xgrad = _torch_grads(net, x, w)
    assert rel(trace.output, out) <= 1e-10
    for name, g in pgrads.items():
        assert rel(grads.params[name], g) <= 1e-10, name
    assert rel(grads.input, xgrad) <= 1e-10


@pytest.mark.parametrize("B", [1, 4])
def test_padding_and_truncation_in_chunks(route, chunk, B):
    T, D, H = 9, 3, 4
    rng = np.random.default_rng(7)
    net = Recurrent("lstm", D, H, bidirectional=True, seed=2, dtype=np.float64)
    x = rng.standard_normal((T, B, D))
    w = rng.standard_normal((T, B, 2 * H))
    lengths = np.array([T, 5, 1, 7][:B]) if B > 1 else None
    if lengths is not None:
        w *= (np.arange(T)[:, None] < lengths[None, :])[:, :, None]
    grads = net.backward(net.forward(x, lengths=lengths), w)
    _, pgrads, xgrad = _torch_grads(net, x, w, None if lengths is None else lengths)
    for name, g in pgrads.items():
        assert rel(grads.params[name], g) <= 1e-10, name
    assert rel(grads.input, xgrad) <= 1e-10
    # truncation: the same in every chunking and route as with one chunk (compared in float64)
    cut = net.backward(net.forward(x, lengths=lengths), w, truncate=2)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cells, "chunk_steps", lambda B, H, T: T)
        ref = net.backward(net.forward(x, lengths=lengths), w, truncate=2)
    for name in ref.params:
        np.testing.assert_allclose(cut.params[name], ref.params[name], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(cut.step_norms(0, 1), ref.step_norms(0, 1), rtol=1e-12, atol=1e-14)


def test_states_are_true_gates_in_torch_order():
    T, B, D, H = 5, 2, 3, 4
    rng = np.random.default_rng(3)
    net = Recurrent("lstm", D, H, seed=4, dtype=np.float64)
    x = rng.standard_normal((T, B, D))
    st = net.forward(x).states()
    W_ih, W_hh = net.params["weight_ih_l0"], net.params["weight_hh_l0"]
    b = net.params["bias_ih_l0"] + net.params["bias_hh_l0"]
    h, c = np.zeros((B, H)), np.zeros((B, H))
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    for t in range(T):
        a = x[t] @ W_ih.T + h @ W_hh.T + b
        i, f, g, o = sig(a[:, :H]), sig(a[:, H:2 * H]), np.tanh(a[:, 2 * H:3 * H]), sig(a[:, 3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
        for name, ref in zip("ifgoch", (i, f, g, o, c, h)):
            np.testing.assert_allclose(st[name][t], ref, rtol=1e-12, atol=1e-14, err_msg=name)


def test_gates_property_is_pytorch_order():
    net = Recurrent("lstm", 3, 4, seed=0, dtype=np.float64)
    trace = net.forward(np.random.default_rng(0).standard_normal((6, 2, 3)))
    st, gates = trace.states(), trace.cache(0).gates
    assert gates.shape == (6, 2, 16)
    np.testing.assert_array_equal(gates, np.concatenate([st[k] for k in "ifgo"], axis=-1))


def test_route_is_tanh_at_every_size_where_numpy_has_a_fast_tanh(monkeypatch):
    monkeypatch.setattr(cells, "FAST_TANH", True)
    assert cells.lstm_tanh_route(32, 128) and cells.lstm_tanh_route(1, 1)
    assert list(cells.lstm_scale(32, 128, np.float32)[[0, 3 * 128]]) == [0.5, 1.0]
    monkeypatch.setattr(cells, "FAST_TANH", False)
    assert cells.lstm_tanh_route(1, 128) and not cells.lstm_tanh_route(32, 128)
    assert list(cells.lstm_scale(32, 128, np.float32)[[0, 3 * 128]]) == [-1.0, -2.0]

