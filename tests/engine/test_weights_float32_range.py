"""Weights stored in float64 are checked in the model's dtype: a value finite in float64 but too
large for float32 (1e39) is refused naming the tensor, on every path that loads parameters
(.safetensors import, .npz model files, project members), and nothing is changed."""
import numpy as np
import pytest
from safetensors.numpy import save_file

from rnnviz import project as P
from rnnviz.engine.model import SequenceModel, load_model
from rnnviz.engine.recurrent import Recurrent
from rnnviz.engine.serialize import import_recurrent_weights
from rnnviz.errors import RnnvizError
from rnnviz.training.config import TrainConfig
from rnnviz.training.loop import build_model
from tests.test_project import _rewrite


def _too_big(state, key, value=1e39):
    a = np.asarray(state[key], dtype=np.float64).copy()
    a.flat[1] = value
    state[key] = a


def _model():
    return SequenceModel("lstm", 3, [4], 2, seed=2)


def _rewrite_npz(src, dst, change):
    _rewrite(src, dst, change)
    return dst


@pytest.mark.parametrize("value", [1e39, -1e39])
def test_a_float64_safetensors_value_too_large_for_float32_is_refused_by_name(tmp_path, value):
    src = Recurrent("lstm", 3, 4, seed=5)
    state = {f"lstm.{k}": v.astype(np.float64) for k, v in src.state_dict().items()}
    _too_big(state, "lstm.weight_hh_l0", value)
    path = tmp_path / "big.safetensors"
    save_file(state, str(path))
    net = Recurrent("lstm", 3, 4, seed=1)
    before = net.state_dict()
    with pytest.raises(RnnvizError) as e:
        import_recurrent_weights(path, net)
    msg = str(e.value)
    assert "'lstm.weight_hh_l0'" in msg and "too large for float32" in msg, msg
    for k, v in before.items():  # nothing changed, no inf anywhere
        np.testing.assert_array_equal(net.params[k], v)
        assert np.all(np.isfinite(net.params[k]))


def test_float64_weights_that_fit_float32_still_import(tmp_path):
    src = Recurrent("gru", 3, 4, seed=5)
    state = {k: v.astype(np.float64) for k, v in src.state_dict().items()}
    _too_big(state, "weight_hh_l0", 3e38)  # below float32's largest (3.4e38)
    path = tmp_path / "ok.safetensors"
    save_file(state, str(path))
    net = Recurrent("gru", 3, 4, seed=1)
    import_recurrent_weights(path, net)
    assert net.params["weight_hh_l0"].dtype == np.float32
    assert net.params["weight_hh_l0"].flat[1] == np.float32(3e38)
    np.testing.assert_array_equal(net.params["bias_ih_l0"], src.params["bias_ih_l0"])


def test_nan_in_the_file_is_still_called_nan(tmp_path):
    state = {k: v.astype(np.float64) for k, v in Recurrent("gru", 3, 4).state_dict().items()}
    _too_big(state, "bias_hh_l0", np.nan)
    path = tmp_path / "nan.safetensors"
    save_file(state, str(path))
    with pytest.raises(RnnvizError, match=r"'bias_hh_l0' holds NaN or infinite values"):
        import_recurrent_weights(path, Recurrent("gru", 3, 4, seed=1))


def test_load_state_dict_refuses_a_value_too_large_and_changes_nothing():
    model = _model()
    before = model.state_dict()
    state = {k: v.astype(np.float64) for k, v in before.items()}
    _too_big(state, "head.weight")
    with pytest.raises(RnnvizError, match=r"'head.weight'.*too large for float32"):
        model.load_state_dict(state)
    for k, v in before.items():
        np.testing.assert_array_equal(model.params[k], v)


def test_a_model_file_with_a_float64_value_too_large_for_float32_is_refused(tmp_path):
    src = tmp_path / "m.npz"
    _model().save(src)
    bad = _rewrite_npz(src, tmp_path / "big.npz", lambda a: _too_big(a, "rnn.weight_hh_l0"))
    with pytest.raises(RnnvizError) as e:
        load_model(bad)
    msg = str(e.value)
    assert msg.startswith(f"{bad}: ") and "'rnn.weight_hh_l0'" in msg and "too large for float32" in msg, msg


@pytest.mark.parametrize("member, words", [
    ("model.rnn.weight_hh_l0", ["the model does not fit", "'rnn.weight_hh_l0'"]),
    ("live.rnn.weight_hh_l0", ["Memory tab", "'rnn.weight_hh_l0'"]),
])
def test_a_project_member_too_large_for_float32_is_refused(tmp_path, member, words):
    cfg = TrainConfig(task="adding", length=6, cell="lstm", hidden=(4,), batch=4, steps=1)
    good = tmp_path / "good.rnnviz"
    P.save_project(good, P.Project(config=cfg, model=build_model(cfg), live_model=_model(),
                                   live_model_name="session copy", view={"text": "x"}))
    with np.load(good, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    assert member in arrays
    _too_big(arrays, member)
    bad = tmp_path / "bad.rnnviz"
    with open(bad, "wb") as fh:
        np.savez(fh, **arrays)
    with pytest.raises(RnnvizError) as e:
        P.load_project(bad)
    msg = str(e.value)
    assert msg.startswith(f"{bad}: ") and "too large for float32" in msg, msg
    for w in words:
        assert w in msg, msg
    assert P.load_project(good).live_model_name == "session copy"  # the good file still opens
