"""Importing PyTorch weights that do not fit: the message names the tensor as the file calls it
(its module prefix included) and the shape the network expects; nothing is changed."""
import numpy as np
import pytest

from rnnviz.engine.recurrent import Recurrent
from rnnviz.engine import serialize
from rnnviz.engine.serialize import import_recurrent_weights, save_safetensors
from rnnviz.errors import RnnvizError


def _file(tmp_path, net, prefix, name="w.safetensors", change=None):
    state = {f"{prefix}{k}": v for k, v in net.state_dict().items()}
    if change is not None:
        change(state)
    path = tmp_path / name
    save_safetensors(path, state)
    return path


def _refused(path, net):
    before = net.state_dict()
    with pytest.raises(RnnvizError) as e:
        import_recurrent_weights(path, net)
    for k, v in before.items():  # all or nothing
        np.testing.assert_array_equal(net.params[k], v)
    assert str(path) in str(e.value)
    return str(e.value)


@pytest.mark.parametrize("prefix", ["lstm.", "model.encoder.rnn."])
def test_a_missing_layer_is_named_with_the_files_prefix_and_its_shape(tmp_path, prefix):
    path = _file(tmp_path, Recurrent("lstm", 3, 4, num_layers=1), prefix)
    msg = _refused(path, Recurrent("lstm", 3, 4, num_layers=2, seed=1))
    # layer 2's first tensor, as the file would call it; before: 'bias_hh_l0' (layer 1's, no prefix)
    assert f"'{prefix}weight_ih_l1'" in msg and "(16, 4)" in msg, msg
    assert "'bias_hh_l0'" not in msg and "2 layers" in msg, msg


def test_a_missing_direction_is_named_with_the_prefix(tmp_path):
    path = _file(tmp_path, Recurrent("gru", 3, 4), "rnn.")
    msg = _refused(path, Recurrent("gru", 3, 4, bidirectional=True, seed=1))
    assert "'rnn.weight_ih_l0_reverse'" in msg and "(12, 3)" in msg and "bidirectional" in msg, msg


def test_a_wrong_shape_is_named_with_the_prefix_and_both_shapes(tmp_path):
    path = _file(tmp_path, Recurrent("lstm", 3, 4), "lstm.")
    msg = _refused(path, Recurrent("lstm", 3, 5, seed=1))
    assert "'lstm.weight_ih_l0' has shape (16, 3), expected (20, 3)" in msg, msg
    assert "state_dict[" not in msg


def test_nan_and_non_numbers_are_named_with_the_prefix(tmp_path):
    net = Recurrent("rnn_tanh", 3, 4)

    def nan(state):
        state["enc.lstm.bias_hh_l0"] = np.full(4, np.nan, np.float32)
    msg = _refused(_file(tmp_path, net, "enc.lstm.", "nan.safetensors", nan), Recurrent("rnn_tanh", 3, 4, seed=1))
    assert "'enc.lstm.bias_hh_l0' holds NaN" in msg, msg

    def flags(state):
        state["enc.lstm.bias_ih_l0"] = np.ones(4, bool)
    msg = _refused(_file(tmp_path, net, "enc.lstm.", "bool.safetensors", flags), Recurrent("rnn_tanh", 3, 4, seed=1))
    assert "'enc.lstm.bias_ih_l0' must be numeric" in msg, msg


def test_nothing_recurrent_in_the_file_says_what_was_expected(tmp_path):
    path = tmp_path / "fc.safetensors"
    save_safetensors(path, {"fc.weight": np.zeros((2, 2), np.float32)})
    msg = _refused(path, Recurrent("lstm", 3, 4))
    assert "none of the file's 1 tensors" in msg and "'weight_ih_l0'" in msg and "(16, 3)" in msg, msg


def test_the_prefix_holding_most_tensors_is_the_one_named():
    """Two modules in one file (a decoder's full set of other sizes, an encoder missing layer 2):
    the prefix with the most of the network's tensors is the one the message follows."""
    net = Recurrent("lstm", 3, 4, num_layers=2)
    tensors = {f"encoder.rnn.{k}": v for k, v in net.state_dict().items() if not k.endswith("_l1")}
    tensors.update({f"decoder.{k}": v for k, v in Recurrent("lstm", 3, 4).state_dict().items()
                    if k.startswith("weight")})
    with pytest.raises(RnnvizError, match=r"no 'encoder\.rnn\.weight_ih_l1' \(expected shape \(16, 4\)\)"):
        serialize.recurrent_names_in(tensors, net)
    full = {f"rnn.{k}": v for k, v in net.state_dict().items()}
    assert serialize.recurrent_names_in(full, net)["weight_hh_l1"] == "rnn.weight_hh_l1"
    assert serialize.recurrent_names_in(net.state_dict(), net)["bias_ih_l0"] == "bias_ih_l0"  # plain names


def test_a_fitting_prefixed_file_still_loads(tmp_path):
    src = Recurrent("lstm", 3, 4, num_layers=2, bidirectional=True, seed=5)
    path = _file(tmp_path, src, "model.lstm.")
    net = Recurrent("lstm", 3, 4, num_layers=2, bidirectional=True, seed=1)
    import_recurrent_weights(path, net)
    for k, v in src.params.items():
        np.testing.assert_array_equal(net.params[k], v)
