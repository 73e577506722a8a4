"""The LSTM forget-gate bias defaults to 2.0 (see LSTM_FORGET_BIAS); None keeps
the initialiser's (PyTorch's) biases; other cells never get one."""
import json

import numpy as np
import pytest

from rnnviz.engine.model import SequenceModel
from rnnviz.errors import RnnvizError
from rnnviz.training.config import CELLS, LSTM_FORGET_BIAS, TrainConfig
from rnnviz.training.loop import build_model


def _recurrent(model, net="net"):
    return {k: v for k, v in getattr(model, net).params.items()}


def test_lstm_default_forget_bias_is_one():
    assert LSTM_FORGET_BIAS == 2.0
    assert TrainConfig().cell == "lstm" and TrainConfig().forget_bias == 2.0
    assert TrainConfig(cell="lstm", task="sine").validate().forget_bias == 2.0


@pytest.mark.parametrize("cell", [c for c in CELLS if c != "lstm"])
def test_other_cells_default_to_no_forget_bias_and_validate(cell):
    cfg = TrainConfig(cell=cell).validate()
    assert cfg.forget_bias is None
    with pytest.raises(RnnvizError, match="^forget_bias:"):
        TrainConfig(cell=cell, forget_bias=1.0).validate()  # asking for one is still an error


def test_replace_changing_the_cell_follows_the_cells_default():
    lstm = TrainConfig(hidden=(8,))
    assert lstm.replace(cell="gru").forget_bias is None
    assert lstm.replace(cell="gru").replace(cell="lstm").forget_bias == 2.0
    assert TrainConfig(forget_bias=None).replace(steps=5).forget_bias is None  # kept when cell unchanged
    assert TrainConfig(forget_bias=2.0).replace(cell="lstm").forget_bias == 2.0
    assert TrainConfig(cell="gru").replace(cell="lstm", forget_bias=None).forget_bias is None
    with pytest.raises(RnnvizError, match="^forget_bias:"):
        lstm.replace(cell="gru", forget_bias=1.0)


def test_dict_round_trip_keeps_explicit_none_and_fills_a_missing_key():
    old = TrainConfig(forget_bias=None).to_dict()  # e.g. a project saved before the default changed
    assert json.loads(json.dumps(old))["forget_bias"] is None
    assert TrainConfig.from_dict(old).forget_bias is None
    d = TrainConfig(hidden=(8,)).to_dict()
    assert d["forget_bias"] == 2.0
    del d["forget_bias"]
    assert TrainConfig.from_dict(d).forget_bias == 2.0
    assert TrainConfig.from_dict(dict(d, cell="gru")).forget_bias is None


def test_default_config_builds_lstm_with_the_default_forget_bias_in_every_layer_and_direction():
    cfg = TrainConfig(task="adding", hidden=(8, 6), bidirectional=True)
    model = build_model(cfg)
    assert model.init_config["forget_bias"] == 2.0
    params = _recurrent(model)
    seen = 0
    for name, arr in params.items():
        if name.startswith("bias_ih"):
            h = arr.shape[0] // 4
            np.testing.assert_array_equal(arr[h:2 * h], LSTM_FORGET_BIAS)
            np.testing.assert_array_equal(params[name.replace("bias_ih", "bias_hh")][h:2 * h], 0.0)
            assert not np.all(arr[:h] == LSTM_FORGET_BIAS)  # only the forget block
            seen += 1
    assert seen == 4  # 2 layers x 2 directions


def test_forget_bias_none_builds_lstm_with_pytorch_default_init():
    cfg = TrainConfig(task="adding", hidden=(16,), forget_bias=None, seed=3)
    model = build_model(cfg)
    plain = SequenceModel("lstm", 2, [16], 1, target="regression_last", encoding="raw", seed=3)
    assert model.init_config["forget_bias"] is None
    for name, arr in _recurrent(plain).items():
        np.testing.assert_array_equal(_recurrent(model)[name], arr, err_msg=name)
    params = _recurrent(model)
    bound = 1 / np.sqrt(16)
    for name, arr in params.items():  # PyTorch: every recurrent parameter U(-1/sqrt(H), 1/sqrt(H))
        assert np.abs(arr).max() <= bound, name
    total = params["bias_ih_l0"][16:32] + params["bias_hh_l0"][16:32]
    assert np.abs(total).max() < 2 * bound and total.std() > 0  # random, not a constant bias


def test_forget_bias_one_and_none_differ_only_by_request():
    one = build_model(TrainConfig(task="sine", hidden=(8,)))
    none = build_model(TrainConfig(task="sine", hidden=(8,), forget_bias=None))
    assert not np.array_equal(one.net.params["bias_ih_l0"][8:16], none.net.params["bias_ih_l0"][8:16])
    two = build_model(TrainConfig(task="sine", hidden=(8,), forget_bias=2.5))
    np.testing.assert_array_equal(two.net.params["bias_ih_l0"][8:16], 2.5)


@pytest.mark.parametrize("cell", [c for c in CELLS if c != "lstm"])
def test_default_config_of_other_cells_builds_their_plain_default_model(cell):
    model = build_model(TrainConfig(task="adding", cell=cell, hidden=(8,), seed=1))
    plain = SequenceModel(cell, 2, [8], 1, target="regression_last", encoding="raw", seed=1)
    assert model.init_config["forget_bias"] is None
    for name, arr in _recurrent(plain).items():
        np.testing.assert_array_equal(_recurrent(model)[name], arr, err_msg=name)


def test_encoder_decoder_lstm_gets_the_default_forget_bias_in_both_networks():
    model = build_model(TrainConfig(task="reversal", hidden=(8,), n_symbols=4, length=5))
    for net in ("net", "decoder_net"):
        b = _recurrent(model, net)
        np.testing.assert_array_equal(b["bias_ih_l0"][8:16], LSTM_FORGET_BIAS)
        np.testing.assert_array_equal(b["bias_hh_l0"][8:16], 0.0)
