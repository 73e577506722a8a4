"""The truncation field's tooltip says how the engine cuts the gradient, and the engine does so."""
import numpy as np

from rnnviz.engine import Recurrent
from rnnviz.ui.training_panel import TRUNCATE_TIP


def test_the_tooltip_example_is_what_the_engine_does():
    T, k = 50, 20
    net = Recurrent("rnn_tanh", 3, 8, seed=0, dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((T, 1, 3))
    trace = net.forward(x)
    d_out = np.zeros((T, 1, 8))
    d_out[-1] = 1.0  # a loss at the last step only
    norms = net.backward(trace, d_out, truncate=k).step_norms(0, 0)[:, 0]
    assert np.all(norms[40:] > 0) and np.all(norms[:40] == 0)
    assert "steps 40-49 get gradient and steps 0-39 none" in TRUNCATE_TIP.replace("\n", " ")


def test_the_truncation_field_shows_it(panel):
    assert panel.truncate_edit.toolTip() == TRUNCATE_TIP
