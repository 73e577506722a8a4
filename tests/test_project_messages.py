"""A project whose stored weights do not fit its model description says so once, naming the
tensor and both shapes (it said "the model does not fit its description: the weights do not fit
the model header (...)"); the optimiser state and history members are still read and checked."""
import numpy as np
import pytest

from rnnviz import project as P
from rnnviz.engine.model import SequenceModel
from rnnviz.engine.optim import make_optimizer
from rnnviz.errors import RnnvizError
from rnnviz.training.config import TrainConfig
from rnnviz.training.loop import build_model

CFG = TrainConfig(task="adding", length=6, cell="lstm", hidden=(4,), batch=4, steps=1)


@pytest.fixture
def saved(tmp_path):
    model = build_model(CFG)
    opt = make_optimizer(CFG.optimizer, model.params, lr=CFG.lr)
    path = tmp_path / "p.rnnviz"
    P.save_project(path, P.Project(config=CFG, model=model, optimizer_state=opt.state_dict(), step=3,
                                   live_model=SequenceModel("gru", 3, [5], 2, seed=1),
                                   live_model_name="session copy", view={"text": "x"}))
    return path


def _refusal(src, dst, key, shape):
    with np.load(src, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    arrays[key] = np.zeros(shape, np.float32)
    with open(dst, "wb") as fh:
        np.savez(fh, **arrays)
    with pytest.raises(RnnvizError) as e:
        P.load_project(dst)
    msg = str(e.value)
    assert msg.startswith(f"{dst}: "), msg
    return msg[len(f"{dst}: "):]


@pytest.mark.parametrize("key, words", [
    ("model.rnn.weight_hh_l0", ["the description of the model", "'rnn.weight_hh_l0' with shape (16, 4)"]),
    ("live.rnn.weight_hh_l0", ["the description of the Memory tab's model 'session copy'",
                               "'rnn.weight_hh_l0' with shape (15, 5)"]),
])
def test_weights_that_do_not_fit_the_description_are_said_not_to_fit_once(tmp_path, saved, key, words):
    msg = _refusal(saved, tmp_path / "bad.rnnviz", key, (3, 3))
    assert msg.count("fit") == 1, msg  # before: "does not fit its description: the weights do not fit ..."
    assert msg.startswith("the weights do not fit"), msg
    assert "the file stores (3, 3)" in msg and "parameters" in msg, msg
    for w in words:
        assert w in msg, msg


def test_optimiser_and_history_members_are_still_read(tmp_path, saved):
    q = P.load_project(saved)
    assert q.optimizer_state and all(not k.startswith("optim.") for k in q.optimizer_state)
    key = next(k for k in q.optimizer_state if k.startswith("exp_avg"))
    msg = _refusal(saved, tmp_path / "opt.rnnviz", f"optim.{key}", (3,))
    assert "optimiser state does not fit the model" in msg, msg
