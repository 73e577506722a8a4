"""The LSTM cell state's heatmap: a symmetric scale fitted to c (c is not bounded by 1)."""
from pathlib import Path

import numpy as np

from rnnviz.ui import theme
from tests.ui._live_models import forward_states
from tests.ui._live_models import type_text as _type

SHIPPED = Path(__file__).resolve().parents[2] / "resources" / "models" / "brackets_lstm.npz"


def test_the_cell_state_heatmap_scale_fits_the_cell_state(qtbot, window):
    """c is not bounded by 1 (the shipped model's counting units reach tens): its scale is
    fitted to the values, so most cells are not saturated; h keeps its fixed -1..1."""
    assert window.load_model_file(SHIPPED)
    window.set_layer_direction(1, 0)
    text = "f(a, (b + c) * [d - (e / 2)]) + g([x, (y)])"
    _type(qtbot, window, text)
    c = forward_states(window.model, text, window.live.layer)["c"]
    hm = window.live.heatmap("c")
    lo, hi = hm.levels()
    assert hm.kind() == "symmetric" and lo == -hi and hi == theme.symmetric_bound(c) and hi > 1
    assert np.mean(np.abs(c) >= hi) <= 0.05
    assert tuple(hm.image.getLevels()) == (lo, hi)
    assert window.live.heatmap("h").levels() == (-1.0, 1.0)
