"""Parity with PyTorch: outputs, final states, every gradient and the per-step ||dL/dh_t||."""
import numpy as np
import pytest

from rnnviz.engine import Recurrent

torch = pytest.importorskip("torch")
from tests.engine.torch_ref import torch_module, unrolled  # noqa: E402

CELLS = ["rnn_tanh", "rnn_relu", "lstm", "gru"]


def rel(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-300)


def _run(cell, layers, bidir, dtype, T=7, B=3, D=5, H=6, seed=0):
    rng = np.random.default_rng(seed)
    net = Recurrent(cell, D, H, num_layers=layers, bidirectional=bidir, seed=seed, dtype=dtype)
    x = rng.standard_normal((T, B, D)).astype(dtype)
    w_out = rng.standard_normal((T, B, H * (2 if bidir else 1))).astype(dtype)
    trace = net.forward(x)
    grads = net.backward(trace, w_out)  # loss = sum(output * w_out)
    tdt = torch.float64 if dtype == np.float64 else torch.float32
    mod = torch_module(cell, D, H, layers, bidir, net.state_dict(), tdt)
    xt = torch.tensor(x, requires_grad=True)
    out, _ = mod(xt)
    (out * torch.tensor(w_out)).sum().backward()
    return net, trace, grads, mod, xt, out, x, w_out


@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-8), (np.float32, 1e-4)])
@pytest.mark.parametrize("bidir", [False, True])
@pytest.mark.parametrize("layers", [1, 2, 3])
@pytest.mark.parametrize("cell", CELLS)
def test_outputs_and_param_grads_match_torch(cell, layers, bidir, dtype, tol):
    net, trace, grads, mod, xt, out, x, w_out = _run(cell, layers, bidir, dtype)
    assert rel(trace.output, out.detach().numpy()) <= tol
    for name, p in mod.named_parameters():
        assert rel(grads.params[name], p.grad.numpy()) <= tol, name
    assert rel(grads.input, xt.grad.numpy()) <= tol


@pytest.mark.parametrize("bidir", [False, True])
@pytest.mark.parametrize("layers", [1, 2, 3])
@pytest.mark.parametrize("cell", CELLS)
def test_final_state_matches_torch(cell, layers, bidir):
    rng = np.random.default_rng(1)
    net = Recurrent(cell, 4, 5, num_layers=layers, bidirectional=bidir, seed=3, dtype=np.float64)
    x = rng.standard_normal((6, 2, 4))
    trace = net.forward(x)
    mod = torch_module(cell, 4, 5, layers, bidir, net.state_dict())
    _, fin = mod(torch.tensor(x))
    if cell == "lstm":
        assert rel(trace.final_state[0], fin[0].detach().numpy()) <= 1e-10
        assert rel(trace.final_state[1], fin[1].detach().numpy()) <= 1e-10
    else:
        assert rel(trace.final_state, fin.detach().numpy()) <= 1e-10


@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-8), (np.float32, 1e-4)])
@pytest.mark.parametrize("bidir", [False, True])
@pytest.mark.parametrize("layers", [1, 2, 3])
@pytest.mark.parametrize("cell", CELLS)
def test_step_norms_match_unrolled_torch(cell, layers, bidir, dtype, tol):
    T, B, D, H = 7, 3, 5, 6
    rng = np.random.default_rng(2)
    net = Recurrent(cell, D, H, num_layers=layers, bidirectional=bidir, seed=5, dtype=dtype)
    x = rng.standard_normal((T, B, D)).astype(dtype)
    w_out = rng.standard_normal((T, B, net.output_size)).astype(dtype)
    grads = net.backward(net.forward(x), w_out)
    tdt = torch.float64 if dtype == np.float64 else torch.float32
    out, hs = unrolled(cell, [H] * layers, bidir, net.state_dict(), torch.tensor(x), tdt)
    (out * torch.tensor(w_out)).sum().backward()
    for k in range(layers):
        for d in range(2 if bidir else 1):
            ref = np.stack([h.grad.norm(dim=1).numpy() for h in hs[k][d]])
            assert rel(grads.step_norms(k, d), ref) <= tol, (k, d)


@pytest.mark.parametrize("cell", CELLS)
def test_padded_batch_matches_packed_sequence(cell):
    T, B, D, H = 6, 3, 4, 5
    rng = np.random.default_rng(4)
    net = Recurrent(cell, D, H, num_layers=2, bidirectional=True, seed=1, dtype=np.float64)
    x = rng.standard_normal((T, B, D))
    lengths = np.array([6, 3, 1])
    w_out = rng.standard_normal((T, B, 2 * H))
    trace = net.forward(x, lengths=lengths)
    grads = net.backward(trace, w_out)
    mod = torch_module(cell, D, H, 2, True, net.state_dict())
    xt = torch.tensor(x, requires_grad=True)
    packed = torch.nn.utils.rnn.pack_padded_sequence(xt, torch.tensor(lengths), enforce_sorted=False)
    out_p, fin = mod(packed)
    out, _ = torch.nn.utils.rnn.pad_packed_sequence(out_p, total_length=T)
    (out * torch.tensor(w_out)).sum().backward()
    assert rel(trace.output, out.detach().numpy()) <= 1e-10
    fin_t = fin[0] if cell == "lstm" else fin
    fin_r = trace.final_state[0] if cell == "lstm" else trace.final_state
    assert rel(fin_r, fin_t.detach().numpy()) <= 1e-10
    for name, p in mod.named_parameters():
        assert rel(grads.params[name], p.grad.numpy()) <= 1e-8, name
    assert rel(grads.input, xt.grad.numpy()) <= 1e-8


@pytest.mark.parametrize("cell", CELLS)
def test_initial_state_and_final_state_gradients_match_torch(cell):
    T, B, D, H, L = 5, 2, 3, 4, 2
    rng = np.random.default_rng(7)
    net = Recurrent(cell, D, H, num_layers=L, bidirectional=True, seed=2, dtype=np.float64)
    x = rng.standard_normal((T, B, D))
    h0 = rng.standard_normal((2 * L, B, H))
    c0 = rng.standard_normal((2 * L, B, H))
    gw = rng.standard_normal((T, B, 2 * H))
    gh = rng.standard_normal((2 * L, B, H))
    gc = rng.standard_normal((2 * L, B, H))
    init = (h0, c0) if cell == "lstm" else h0
    dfin = (gh, gc) if cell == "lstm" else gh
    trace = net.forward(x, init)
    grads = net.backward(trace, gw, d_final_state=dfin)
    mod = torch_module(cell, D, H, L, True, net.state_dict())
    h0t = torch.tensor(h0, requires_grad=True)
    c0t = torch.tensor(c0, requires_grad=True)
    out, fin = mod(torch.tensor(x), (h0t, c0t) if cell == "lstm" else h0t)
    loss = (out * torch.tensor(gw)).sum()
    if cell == "lstm":
        loss = loss + (fin[0] * torch.tensor(gh)).sum() + (fin[1] * torch.tensor(gc)).sum()
    else:
        loss = loss + (fin * torch.tensor(gh)).sum()
    loss.backward()
    for name, p in mod.named_parameters():
        assert rel(grads.params[name], p.grad.numpy()) <= 1e-8, name
    if cell == "lstm":
        assert rel(grads.initial_state[0], h0t.grad.numpy()) <= 1e-8
        assert rel(grads.initial_state[1], c0t.grad.numpy()) <= 1e-8
    else:
        assert rel(grads.initial_state, h0t.grad.numpy()) <= 1e-8
