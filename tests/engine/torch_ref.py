"""PyTorch references for the engine tests: nn.RNN/LSTM/GRU and an unrolled *Cell loop."""
import torch

TORCH_CLASSES = {"rnn_tanh": "RNN", "rnn_relu": "RNN", "lstm": "LSTM", "gru": "GRU"}
CELL_CLASSES = {"rnn_tanh": "RNNCell", "rnn_relu": "RNNCell", "lstm": "LSTMCell", "gru": "GRUCell"}


def torch_module(cell, input_size, hidden, num_layers, bidirectional, state, dtype=torch.float64):
    """nn.RNN / nn.LSTM / nn.GRU holding ``state`` (numpy state_dict)."""
    kw = dict(input_size=input_size, hidden_size=hidden, num_layers=num_layers, bidirectional=bidirectional)
    if cell.startswith("rnn"):
        kw["nonlinearity"] = "relu" if cell == "rnn_relu" else "tanh"
    mod = getattr(torch.nn, TORCH_CLASSES[cell])(**kw).to(dtype)
    mod.load_state_dict({k: torch.tensor(v, dtype=dtype) for k, v in state.items()})
    return mod


def unrolled(cell, hidden_sizes, bidirectional, state, x, dtype=torch.float64):
    """Run a stacked (bi)directional net step by step with nn.*Cell, retaining every h_t.

    Returns (output tensor (T,B,H*dirs), hs) where hs[layer][direction][t] is the h_t
    tensor with retain_grad() so its .grad is the total dL/dh_t after backward.
    """
    T, B, _ = x.shape
    dirs = 2 if bidirectional else 1
    layer_in = [x[t] for t in range(T)]
    hs = []
    for k, H in enumerate(hidden_sizes):
        row = []
        outs = []
        for d in range(dirs):
            sfx = f"_l{k}" + ("_reverse" if d else "")
            D = layer_in[0].shape[1]
            kw = dict(input_size=D, hidden_size=H)
            if cell.startswith("rnn"):
                kw["nonlinearity"] = "relu" if cell == "rnn_relu" else "tanh"
            c = getattr(torch.nn, CELL_CLASSES[cell])(**kw).to(dtype)
            c.load_state_dict({n: torch.tensor(state[f"{n}{sfx}"], dtype=dtype)
                               for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")})
            h = torch.zeros(B, H, dtype=dtype)
            cc = torch.zeros(B, H, dtype=dtype)
            seq = [None] * T
            order = range(T) if d == 0 else range(T - 1, -1, -1)
            for t in order:
                if cell == "lstm":
                    h, cc = c(layer_in[t], (h, cc))
                else:
                    h = c(layer_in[t], h)
                h.retain_grad()
                seq[t] = h
            row.append(seq)
            outs.append(seq)
        hs.append(row)
        layer_in = [torch.cat([o[t] for o in outs], dim=1) for t in range(T)]
    return torch.stack(layer_in), hs
