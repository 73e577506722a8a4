"""Hostile or inconsistent model files: every one is refused with an RnnvizError naming the field or
problem, and a small file whose header claims a huge model is refused before anything is allocated."""
import io
import json
import tracemalloc
import zipfile

import numpy as np
import pytest

from rnnviz.data.tokenize import CharTokenizer
from rnnviz.engine import model as model_mod
from rnnviz.engine.model import EncoderDecoder, SequenceModel, load_model, model_from_config
from rnnviz.errors import RnnvizError


def _write(path, arrays):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for k, v in arrays.items():
            b = io.BytesIO()
            np.lib.format.write_array(b, np.asarray(v))
            zf.writestr(k + ".npy", b.getvalue())


def _with_header(arrays, header):
    out = dict(arrays)
    raw = header if isinstance(header, str) else json.dumps(header)
    out["__rnnviz__"] = np.frombuffer(raw.encode(), np.uint8)
    return out


def _saved(tmp_path, m):
    p = tmp_path / "orig.npz"
    m.save(p)
    arrays = dict(np.load(p))
    return arrays, json.loads(arrays["__rnnviz__"].tobytes())


def _hostile(tmp_path, m, **changes):
    arrays, header = _saved(tmp_path, m)
    header["config"].update(changes)
    p = tmp_path / "hostile.npz"
    _write(p, _with_header(arrays, header))
    return p


@pytest.fixture
def classifier():
    return SequenceModel("lstm", 5, [4, 3], 2, encoding="embedding", embedding_dim=3,
                         target="classification_last")


def test_huge_header_sizes_refused_before_building_anything(tmp_path, classifier, monkeypatch):
    p = _hostile(tmp_path, classifier, encoding="raw", input_size=2500, hidden_size=[2500],
                 embedding_dim=None)
    built = []
    monkeypatch.setattr(model_mod.SequenceModel, "from_config", classmethod(lambda cls, cfg: built.append(cfg)))
    tracemalloc.start()
    try:
        with pytest.raises(RnnvizError, match=r"hostile\.npz: the weights do not fit the model header .*"
                                              r"'rnn\.weight_ih_l0' with shape \(10000, 2500\).*implies"):
            load_model(p)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert built == []              # nothing was built
    assert peak < 20 * 2**20         # the model would need ~400 MB


@pytest.mark.parametrize("changes, message", [
    ({"hidden_size": [10**7, 3]}, r"'rnn\.weight_ih_l0' with shape \(40000000, 3\)"),
    ({"embedding_dim": 10**9}, r"'encoder\.weight' with shape \(5, 1000000000\)"),
    ({"seed": -1}, r"field 'seed' must be an integer >= 0, got -1"),
    ({"seed": "x"}, r"field 'seed'"),
    ({"bidirectional": "yes"}, r"field 'bidirectional' must be true or false"),
    ({"hidden_size": [4.5, 3]}, r"field 'hidden_size' \(layer 0\) must be a positive integer"),
    ({"class_names": 5}, r"field 'class_names' must be a list"),
    ({"class_names": ["a", "b", "c"]}, r"'class_names' has 3 names but the model has 2 output classes"),
    ({"normalisation": [1, 2]}, r"field 'normalisation'"),
    ({"dtype": "float16"}, r"field 'dtype'"),
    ({"init": "magic"}, r"field 'init'"),
    ({"forget_bias": float("nan")}, r"field 'forget_bias' must be a finite number"),
    ({"forget_bias": -10**400}, r"field 'forget_bias' must be a finite number, got a number too large for a float"),
    ({"recurrent_scale": 10**400}, r"field 'recurrent_scale' must be a finite number, got a number too large"),
    ({"input_size": True}, r"field 'input_size' must be a positive integer"),
    ({"tokenizer": {"kind": "char", "version": 1, "vocab": ["<unk>"] + list("abcdefgh")}},
     r"'tokenizer' has 9 tokens but the model reads only 5 \(embedding rows"),
    ({"tokenizer": {"kind": "char", "vocab": ["<unk>", "ab"]}}, r"field 'tokenizer': .*single character"),
])
def test_bad_sequence_header_fields_are_named(tmp_path, classifier, changes, message):
    p = _hostile(tmp_path, classifier, **changes)
    with pytest.raises(RnnvizError, match=r"hostile\.npz: .*" + message):
        load_model(p)


@pytest.mark.parametrize("changes, message", [
    ({"src_vocab": "abc"}, r"field 'src_vocab' must be a positive integer, got 'abc'"),
    ({"hidden_size": "3"}, r"field 'hidden_size' \(layer 0\)"),
    ({"start_token": -3}, r"field 'start_token' must be an integer >= 0"),
    ({"tgt_vocab": 10**8}, r"'decoder_rnn\.weight_ih_l0' with shape"),
    ({"init": "magic"}, r"field 'init' must be one of"),
    ({"forget_bias": 1.0}, r"field 'forget_bias' is only for an LSTM, the cell is 'gru'"),
    ({"recurrent_scale": "big"}, r"field 'recurrent_scale' must be a finite number"),
])
def test_bad_encoder_decoder_header_fields_are_named(tmp_path, changes, message):
    p = _hostile(tmp_path, EncoderDecoder("gru", 4, 4, [3]), **changes)
    with pytest.raises(RnnvizError, match=r"hostile\.npz: .*" + message):
        load_model(p)


def test_deeply_nested_header_is_refused(tmp_path, classifier):
    arrays, _ = _saved(tmp_path, classifier)
    p = tmp_path / "deep.npz"
    _write(p, _with_header(arrays, '{"format":"rnnviz-model","version":1,"config":'
                           + "[" * 100000 + "]" * 100000 + "}"))
    with pytest.raises(RnnvizError, match=r"deep\.npz: the model header is nested too deeply"):
        load_model(p)


def test_header_number_with_too_many_digits_is_refused(tmp_path, classifier):
    arrays, header = _saved(tmp_path, classifier)
    p = tmp_path / "digits.npz"
    _write(p, _with_header(arrays, json.dumps(header).replace('"seed": 0', '"seed": ' + "1" * 5000)))
    with pytest.raises(RnnvizError, match=r"digits\.npz: the model header holds a number with too many digits"):
        load_model(p)


def test_version_true_is_not_version_1(tmp_path, classifier):
    arrays, header = _saved(tmp_path, classifier)
    header["version"] = True
    p = tmp_path / "v.npz"
    _write(p, _with_header(arrays, header))
    with pytest.raises(RnnvizError, match="version True is not supported"):
        load_model(p)


def test_model_from_config_refuses_a_huge_model_without_allocating(classifier):
    cfg = dict(classifier.to_config(), hidden_size=[6000] * 3)  # 720M parameters, 2.7 GiB
    tracemalloc.start()
    try:
        with pytest.raises(RnnvizError, match=r"parameters \(\d+\.\d GiB\); the limit is 2 GiB.*hidden_size"):
            model_from_config(cfg)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20


def test_constructor_refuses_inconsistent_class_names_and_tokenizer():
    with pytest.raises(RnnvizError, match="class_names has 3 names but the model has 2 output classes"):
        SequenceModel("gru", 4, 3, 2, target="classification_last", encoding="onehot", class_names=["a", "b", "c"])
    tok = CharTokenizer.from_text("abcdefg")
    with pytest.raises(RnnvizError, match=r"the tokenizer has 8 tokens but the model reads only 4"):
        SequenceModel("gru", 4, 3, 4, encoding="embedding", embedding_dim=2, tokenizer=tok)


def test_good_files_still_load(tmp_path, classifier):
    p = tmp_path / "good.npz"
    classifier.save(p)
    back = load_model(p)
    for k in classifier.params:
        np.testing.assert_array_equal(back.params[k], classifier.params[k])
    ed = EncoderDecoder("gru", 4, 5, [3, 2], start_token=7)
    ed.save(tmp_path / "ed.npz")
    assert load_model(tmp_path / "ed.npz").to_config() == ed.to_config()
