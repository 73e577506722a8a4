"""Recurrent.layer_net: one layer of a stack as a network of its own, sharing the arrays."""
import numpy as np
import pytest

from rnnviz.engine import Recurrent
from rnnviz.errors import RnnvizError


@pytest.mark.parametrize("cell", ["rnn_tanh", "lstm", "gru"])
@pytest.mark.parametrize("bidir", [False, True])
def test_layers_run_one_after_another_equal_the_stack(cell, bidir):
    net = Recurrent(cell, 3, [5, 4, 6], bidirectional=bidir, seed=1, dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((9, 2, 3))
    whole = net.forward(x)
    layer_in = x
    for k in range(net.num_layers):
        sub = net.layer_net(k)
        assert sub.num_layers == 1 and sub.hidden_sizes == (net.hidden_sizes[k],)
        assert sub.input_size == net.layer_input_size(k)
        tr = sub.forward(layer_in)
        for d in range(net.num_directions):
            for key, arr in whole.states(k, d).items():
                np.testing.assert_array_equal(tr.states(0, d)[key], arr)
        layer_in = tr.output
    np.testing.assert_array_equal(layer_in, whole.output)


def test_layer_net_shares_the_parameter_arrays():
    net = Recurrent("lstm", 3, [4, 4], seed=0)
    sub = net.layer_net(1)
    assert sub.params["weight_hh_l0"] is net.params["weight_hh_l1"]
    assert set(sub.params) == {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}
    net.params["bias_hh_l1"] += 1.0  # an in-place update is seen by the layer net
    np.testing.assert_array_equal(sub.params["bias_hh_l0"], net.params["bias_hh_l1"])


@pytest.mark.parametrize("bad", [-1, 2, 1.5, "0"])
def test_layer_net_names_a_bad_layer(bad):
    with pytest.raises(RnnvizError, match="layer must be in"):
        Recurrent("gru", 3, [4, 4]).layer_net(bad)


@pytest.mark.parametrize("cell", ["rnn_tanh", "lstm", "gru"])
def test_a_frozen_layer_net_keeps_its_prepared_weights_and_gives_the_same_results(cell):
    net = Recurrent(cell, 3, [5, 5], seed=2, dtype=np.float64)
    x = np.random.default_rng(1).standard_normal((6, 1, 5))
    frozen, plain = net.layer_net(1, frozen=True), net.layer_net(1)
    for _ in range(2):  # the second call uses the kept weights
        a, b = frozen.forward(x), plain.forward(x)
        np.testing.assert_array_equal(a.output, b.output)
    assert len(frozen._prepared_cache) == 1 and plain._prepared_cache is None
    net.params["weight_hh_l1"] *= 0.5  # a weight change is seen by a new layer net only
    np.testing.assert_array_equal(frozen.forward(x).output, a.output)
    changed = net.layer_net(1, frozen=True).forward(x).output
    assert not np.allclose(changed, a.output)
    np.testing.assert_array_equal(changed, net.layer_net(1).forward(x).output)
