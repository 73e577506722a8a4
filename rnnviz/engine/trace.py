"""What a forward pass leaves behind (Trace) and what a backward pass returns (Grads)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rnnviz.errors import RnnvizError


def _direction_index(direction, num_directions: int) -> int:
    if direction in (0, "forward", "fwd"):
        return 0
    if direction in (1, "reverse", "backward", "bwd") and num_directions == 2:
        return 1
    raise RnnvizError(
        "direction must be 0/'forward'" + (" or 1/'reverse'" if num_directions == 2 else "")
        + f" for this network, got {direction!r}"
    )


@dataclass
class LayerCache:
    """Everything one layer-direction computed, in natural time order.

    h: (T, B, H) carried hidden state h_t; c, tc: (T, B, H) cell state and tanh(c_t) (LSTM);
    gate_views: name -> (T, B, H) gate activation (LSTM i, f, g, o; GRU r, z, n) or the RNN
    pre-activation "a", views of the arrays the forward pass computed in;
    hn: (T, B, H) GRU's W_hn h_{t-1} + b_hn; h0, c0: (B, H) initial state; x: (T, B, D) the
    layer's input; buffers: the cell's internal arrays that backward reads (the views above
    point into them).
    """

    h: np.ndarray
    gate_views: dict
    h0: np.ndarray
    x: np.ndarray
    c: np.ndarray | None = None
    tc: np.ndarray | None = None
    c0: np.ndarray | None = None
    hn: np.ndarray | None = None
    buffers: dict = field(default_factory=dict)

    @property
    def gates(self) -> np.ndarray:
        """(T, B, G*H): the gates side by side in PyTorch order (i, f, g, o / r, z, n), or a_t.

        The forward's own array when it stored them that way (GRU, RNN: ``buffers["gates"]``),
        else a copy (LSTM, whose internal layout is gate-major).
        """
        if "gates" in self.buffers:
            return self.buffers["gates"]
        return np.concatenate(list(self.gate_views.values()), axis=-1)


@dataclass
class Trace:
    """The result of :meth:`Recurrent.forward`.

    output: (T, B, H_last * directions), zero at padded steps.
    final_state: like PyTorch — (L*dirs, B, H) array, or a tuple (h_n, c_n) for LSTM; a list
        of per-layer-direction (B, H_k) arrays when layers have different sizes.
    lengths: (B,) int array or None; mask: (T, B, 1) bool or None.
    """

    cell: str
    hidden_sizes: tuple[int, ...]
    num_directions: int
    output: np.ndarray
    final_state: object
    caches: list[list[LayerCache]]
    lengths: np.ndarray | None = None
    mask: np.ndarray | None = None

    @property
    def num_layers(self) -> int:
        return len(self.caches)

    @property
    def steps(self) -> int:
        return self.output.shape[0]

    def cache(self, layer: int, direction=0) -> LayerCache:
        if not isinstance(layer, (int, np.integer)) or not 0 <= layer < self.num_layers:
            raise RnnvizError(f"layer must be an int in [0, {self.num_layers - 1}], got {layer!r}")
        return self.caches[layer][_direction_index(direction, self.num_directions)]

    def states(self, layer: int = 0, direction=0) -> dict[str, np.ndarray]:
        """Per-step arrays of one layer and direction, each (T, B, H_layer), natural time order.

        Keys: "h" always; "c" for LSTM; gates "i", "f", "g", "o" (LSTM), "r", "z", "n" (GRU);
        the pre-activation "a" for RNNs. These are views of the arrays the forward pass used.
        """
        cache = self.cache(layer, direction)
        out = {"h": cache.h}
        if cache.c is not None:
            out["c"] = cache.c
        out.update(cache.gate_views)
        return out


@dataclass
class Grads:
    """The result of :meth:`Recurrent.backward`.

    params: same keys and shapes as ``state_dict()``; input: (T, B, input_size);
    initial_state: gradient w.r.t. h0 (and c0), shaped like ``Trace.final_state``.
    """

    params: dict[str, np.ndarray]
    input: np.ndarray
    initial_state: object
    norms: list[list[np.ndarray]] = field(default_factory=list)
    num_directions: int = 1

    def step_norms(self, layer: int = 0, direction=0) -> np.ndarray:
        """(T, B): ||dL/dh_t||, the total derivative of the loss w.r.t. h_t of this layer.

        Total means through every later step and every layer above (within the truncation
        window when truncated BPTT is used): the number that shows gradients vanishing.
        """
        if not isinstance(layer, (int, np.integer)) or not 0 <= layer < len(self.norms):
            raise RnnvizError(f"layer must be an int in [0, {len(self.norms) - 1}], got {layer!r}")
        return self.norms[layer][_direction_index(direction, self.num_directions)]
