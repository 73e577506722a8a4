"""Bad arguments raise ValueError (RnnvizError) naming the argument and what was expected."""
import subprocess
import sys

import numpy as np
import pytest

from rnnviz.engine import Recurrent
from rnnviz.errors import RnnvizError


@pytest.mark.parametrize("kwargs,match", [
    (dict(cell="transformer", input_size=3, hidden_size=4), "cell must be one of"),
    (dict(cell="lstm", input_size=0, hidden_size=4), "input_size"),
    (dict(cell="lstm", input_size=3, hidden_size=0), "hidden_size"),
    (dict(cell="lstm", input_size=3, hidden_size=[4, 0]), "hidden_size of layer 1"),
    (dict(cell="lstm", input_size=3, hidden_size=[]), "hidden_size"),
    (dict(cell="lstm", input_size=3, hidden_size=4, num_layers=0), "num_layers"),
    (dict(cell="lstm", input_size=3, hidden_size=[4, 4], num_layers=3), "num_layers"),
    (dict(cell="lstm", input_size=3, hidden_size=4.5), "hidden_size"),
    (dict(cell="gru", input_size=3, hidden_size=4, dtype=np.int32), "dtype"),
])
def test_bad_constructor_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Recurrent(**kwargs)


def test_errors_are_the_apps_own_type():
    with pytest.raises(RnnvizError):
        Recurrent("lstm", 3, 0)


def test_bad_forward_arguments():
    net = Recurrent("lstm", 3, 4, num_layers=2)
    with pytest.raises(ValueError, match=r"x must have shape \(T, B, 3\)"):
        net.forward(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"x must have shape"):
        net.forward(np.zeros((5, 2, 4)))
    x = np.zeros((5, 2, 3))
    x[1, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite"):
        net.forward(x)
    x[1, 0, 0] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        net.forward(x)
    with pytest.raises(ValueError, match="lengths"):
        net.forward(np.zeros((5, 2, 3)), lengths=np.array([6, 1]))
    with pytest.raises(ValueError, match="lengths"):
        net.forward(np.zeros((5, 2, 3)), lengths=np.array([0, 1]))
    with pytest.raises(ValueError, match="h0 for an LSTM must be a tuple"):
        net.forward(np.zeros((5, 2, 3)), h0=np.zeros((2, 2, 4)))
    with pytest.raises(ValueError, match=r"h0 must have shape \(2, 2, H\)"):
        net.forward(np.zeros((5, 2, 3)), h0=(np.zeros((1, 2, 4)), np.zeros((2, 2, 4))))
    with pytest.raises(ValueError, match="batch size"):
        net.forward(np.zeros((5, 0, 3)))


def test_bad_backward_arguments():
    net = Recurrent("gru", 3, 4)
    tr = net.forward(np.zeros((5, 2, 3)))
    with pytest.raises(ValueError, match=r"d_output must have shape \(5, 2, 4\)"):
        net.backward(tr, np.zeros((5, 2, 3)))
    with pytest.raises(ValueError, match="truncate"):
        net.backward(tr, np.zeros((5, 2, 4)), truncate=0)
    other = Recurrent("lstm", 3, 4)
    with pytest.raises(ValueError, match="trace must come from"):
        other.backward(tr, np.zeros((5, 2, 4)))


def test_bad_state_dict():
    net = Recurrent("lstm", 3, 4)
    sd = net.state_dict()
    sd.pop("bias_hh_l0")
    with pytest.raises(ValueError, match="missing key 'bias_hh_l0'"):
        net.load_state_dict(sd)
    sd = net.state_dict()
    sd["weight_hh_l1"] = np.zeros((16, 4))
    with pytest.raises(ValueError, match="unknown key 'weight_hh_l1'"):
        net.load_state_dict(sd)
    sd = net.state_dict()
    before = net.state_dict()
    sd["weight_ih_l0"] = np.ones((16, 3))
    sd["weight_hh_l0"] = np.zeros((12, 4))
    with pytest.raises(ValueError, match=r"weight_hh_l0.*shape \(12, 4\), expected \(16, 4\)"):
        net.load_state_dict(sd)
    for k in before:  # all or nothing
        np.testing.assert_array_equal(net.params[k], before[k])


def test_states_and_step_norm_accessors_validate():
    net = Recurrent("lstm", 3, 4)
    tr = net.forward(np.zeros((2, 1, 3)))
    with pytest.raises(ValueError, match="layer"):
        tr.states(1)
    with pytest.raises(ValueError, match="direction"):
        tr.states(0, "reverse")
    g = net.backward(tr, np.zeros((2, 1, 4)))
    with pytest.raises(ValueError, match="layer"):
        g.step_norms(3)


def test_empty_sequence_is_allowed():
    net = Recurrent("lstm", 3, 4)
    tr = net.forward(np.zeros((0, 2, 3)))
    assert tr.output.shape == (0, 2, 4)
    assert np.all(tr.final_state[0] == 0)
    g = net.backward(tr, np.zeros((0, 2, 4)))
    assert g.input.shape == (0, 2, 3) and g.step_norms(0).shape == (0, 2)


def test_states_expose_every_gate_as_views_of_the_forward_arrays():
    for cell, keys in (("lstm", "h c i f g o"), ("gru", "h r z n"), ("rnn_tanh", "h a")):
        net = Recurrent(cell, 3, 4, num_layers=2, bidirectional=True)
        tr = net.forward(np.random.default_rng(0).standard_normal((6, 2, 3)))
        for layer in range(2):
            for d in (0, 1):
                st = tr.states(layer, d)
                assert sorted(st) == sorted(keys.split())
                assert all(a.shape == (6, 2, 4) for a in st.values())
        if cell == "lstm":
            st = tr.states(0, 0)
            assert np.all((st["i"] > 0) & (st["i"] < 1)) and np.all(np.abs(st["g"]) < 1)
            np.testing.assert_allclose(st["h"], st["o"] * np.tanh(st["c"]), rtol=1e-5, atol=1e-6)


def test_core_imports_without_qt():
    code = ("import sys; import rnnviz.engine, rnnviz.data, rnnviz.engine.model, rnnviz.engine.serialize;"
            "import importlib.util;"
            "importlib.util.find_spec('rnnviz.training.loop') and __import__('rnnviz.training.loop');"
            "bad=[m for m in ('PySide6','pyqtgraph') if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
