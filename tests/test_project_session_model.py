"""A project keeps the Memory tab's model when it has no file (a model of this session): its
config (tokenizer, class names, normalisation) and weights round-trip; a damaged or hostile
description or member is refused naming the file; files without one stay version 1."""
import json

import numpy as np
import pytest

from rnnviz import project as P
from rnnviz.engine.model import SequenceModel
from rnnviz.errors import RnnvizError
from tests.ui._live_models import char_lm, word_classifier


def _series_model():
    return SequenceModel("gru", 2, [3, 5], 1, num_layers=2, target="regression_last", seed=4,
                         normalisation={"method": "zscore", "columns": ["x", "y"], "mean": [1.5, -2.0],
                                        "std": [0.5, 3.0], "window": 8})


def _session(model, name="code (LSTM), step 3 + torch"):
    return P.Project(view={"text": "f(a)", "live_model": ""}, live_model=model, live_model_name=name)


@pytest.mark.parametrize("make", [lambda: char_lm("lstm", (8, 8), bidirectional=True, seed=5), word_classifier,
                                  _series_model], ids=["char_lm", "classifier", "series"])
def test_a_session_model_round_trips_with_its_tokenizer_and_settings(tmp_path, make):
    model = make()
    rng = np.random.default_rng(1)
    for v in model.params.values():  # weights of its own, not those its seed would give again
        v[...] = rng.standard_normal(v.shape)
    path = tmp_path / "s.rnnviz"
    P.save_project(path, _session(model))
    q = P.load_project(path)
    assert q.live_model_name == "code (LSTM), step 3 + torch" and q.model is None
    assert q.live_model.to_config() == model.to_config()
    assert set(q.live_model.params) == set(model.params)
    for k, v in model.params.items():
        np.testing.assert_array_equal(q.live_model.params[k], v)
    if model.tokenizer is not None:
        assert q.live_model.tokenizer.vocab == model.tokenizer.vocab
        assert list(q.live_model.tokenizer.encode("the bank")) == list(model.tokenizer.encode("the bank"))
    with np.load(path, allow_pickle=False) as f:
        header = json.loads(f[P.HEADER_KEY].tobytes())
        assert header["version"] == 2 and header["live_session_model"]["name"] == q.live_model_name
        assert {k for k in f.files if k.startswith("live.")} == {f"live.{k}" for k in model.params}


def test_without_a_session_model_the_file_stays_version_1_and_an_older_reader_is_told_to_update(
        tmp_path, monkeypatch):
    plain = tmp_path / "plain.rnnviz"
    P.save_project(plain, P.Project(view={"text": "x", "live_model": "/models/m.npz"}))
    with np.load(plain, allow_pickle=False) as f:
        header = json.loads(f[P.HEADER_KEY].tobytes())
        assert header["version"] == 1 and "live_session_model" not in header
        assert not [k for k in f.files if k.startswith("live.")]
    q = P.load_project(plain)
    assert q.live_model is None and q.live_model_name == "" and q.view["live_model"] == "/models/m.npz"
    with_model = tmp_path / "session.rnnviz"
    P.save_project(with_model, _session(word_classifier()))
    monkeypatch.setattr(P, "VERSION", 1)  # an rnnviz that reads version 1 only
    assert P.load_project(plain).view["text"] == "x"
    with pytest.raises(RnnvizError, match="version 2 is not supported.*update rnnviz"):
        P.load_project(with_model)


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "good.rnnviz"
    P.save_project(path, _session(char_lm("lstm", (8, 8), bidirectional=True)))
    return path


def _tampered(src, dst, change):
    with np.load(src, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    header = json.loads(arrays[P.HEADER_KEY].tobytes())
    change(arrays, header)
    arrays[P.HEADER_KEY] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    with open(dst, "wb") as fh:
        np.savez(fh, **arrays)
    return dst


def _shape(a, h):
    a["live.rnn.weight_hh_l1"] = np.zeros((3, 3), np.float32)


def _missing(a, h):
    del a["live.head.bias"]


def _extra(a, h):
    a["live.rnn.weight_ih_l9"] = np.zeros((2, 2), np.float32)


def _nan(a, h):
    a["live.rnn.bias_ih_l0"] = np.full_like(a["live.rnn.bias_ih_l0"], np.nan)


def _text(a, h):
    a["live.head.bias"] = np.array(["x"] * a["live.head.bias"].size)


def _no_description(a, h):
    del h["live_session_model"]


def _not_an_object(a, h):
    h["live_session_model"] = ["name", {}]


def _name_not_text(a, h):
    h["live_session_model"]["name"] = 5


def _name_control(a, h):
    h["live_session_model"]["name"] = "ok\nrm -rf"


def _name_long(a, h):
    h["live_session_model"]["name"] = "x" * 1001


def _name_blank(a, h):
    h["live_session_model"]["name"] = "  "


def _bad_cell(a, h):
    h["live_session_model"]["config"]["cell"] = "transformer"


def _tokenizer(a, h):
    h["live_session_model"]["config"]["tokenizer"] = {"kind": "char", "vocab": 7}


def _config_list(a, h):
    h["live_session_model"]["config"] = [1, 2]


@pytest.mark.parametrize("change, words", [
    (_shape, ["Memory tab", "'rnn.weight_hh_l1'", "(3, 3)"]),
    (_missing, ["Memory tab", "'head.bias'", "does not hold"]),
    (_extra, ["Memory tab", "'rnn.weight_ih_l9'"]),
    (_nan, ["Memory tab", "'rnn.bias_ih_l0'", "NaN"]),
    (_text, ["Memory tab", "'head.bias'", "numeric"]),
    (_no_description, ["'live.*'", "without its description"]),
    (_not_an_object, ["Memory tab", "not an object"]),
    (_name_not_text, ["name of the model shown in the Memory tab (5)", "not a model name"]),
    (_name_control, ["'ok\\nrm -rf'", "not a model name"]),
    (_name_long, ["not a model name", "1 to 1000"]),
    (_name_blank, ["not a model name"]),
    (_bad_cell, ["Memory tab", "'cell'", "transformer"]),
    (_tokenizer, ["Memory tab", "tokenizer"]),
    (_config_list, ["description of the Memory tab's model", "not an object"]),
], ids=lambda v: v.__name__.strip("_") if callable(v) else None)
def test_a_damaged_or_hostile_session_model_is_refused_by_name(tmp_path, saved, change, words):
    bad = _tampered(saved, tmp_path / "bad.rnnviz", change)
    with pytest.raises(RnnvizError) as e:
        P.load_project(bad)
    msg = str(e.value)
    assert msg.startswith(f"{bad}: "), msg
    for w in words:
        assert w in msg, msg


def test_a_huge_session_model_claimed_by_a_small_file_is_refused_before_building(tmp_path, saved, monkeypatch):
    from rnnviz.engine import model as model_mod

    def huge(a, h):
        h["live_session_model"]["config"]["hidden_size"] = [4096] * 3
    bad = _tampered(saved, tmp_path / "huge.rnnviz", huge)
    built = []
    monkeypatch.setattr(model_mod, "model_from_config", lambda cfg: built.append(cfg))
    with pytest.raises(RnnvizError, match="Memory tab.*'rnn.weight_ih_l0' with shape"):
        P.load_project(bad)
    assert built == []


def test_a_name_the_app_gave_that_could_not_be_read_back_is_saved_readable(tmp_path):
    """A run's model is named after its data file, and a file name may be long or hold a tab or
    a newline: what is saved is always a name the file can be opened with."""
    path = tmp_path / "odd.rnnviz"
    P.save_project(path, _session(word_classifier(), "my\tdata\nfile" + "y" * 2000 + " (LSTM), step 3"))
    q = P.load_project(path)
    assert q.live_model_name.startswith("my data fileyyy") and len(q.live_model_name) == P.MAX_MODEL_NAME
    P.save_project(path, _session(word_classifier(), " \n "))
    assert P.load_project(path).live_model_name == "model of this session"
