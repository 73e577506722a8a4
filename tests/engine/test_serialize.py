"""Model files and safetensors weights: round trips, and every corrupt or hostile file refused."""
import json
import os
import zipfile

import numpy as np
import pytest

from rnnviz.data.tokenize import CharTokenizer
from rnnviz.engine import Recurrent
from rnnviz.engine.model import EncoderDecoder, SequenceModel, load_model
from rnnviz.engine.serialize import (HEADER_KEY, atomic_write, export_weights, import_recurrent_weights,
                                     load_safetensors, save_safetensors)
from rnnviz.errors import RnnvizError


@pytest.fixture
def model():
    tok = CharTokenizer.from_text("hello (world) \"quoted\"")
    return SequenceModel("lstm", len(tok.vocab), [8, 6], len(tok.vocab), target="classification_each",
                         encoding="embedding", embedding_dim=4, tokenizer=tok, seed=3, bidirectional=False)


def test_round_trip_keeps_weights_config_and_tokenizer(model, tmp_path):
    p = tmp_path / "m.npz"
    model.save(p)
    m2 = load_model(p)
    assert m2.to_config() == model.to_config()
    for k in model.params:
        np.testing.assert_array_equal(m2.params[k], model.params[k])
    ids = model.tokenizer.encode("hello")[:, None]
    np.testing.assert_array_equal(m2.forward(ids)[1], model.forward(ids)[1])
    assert m2.tokenizer.vocab == model.tokenizer.vocab


def test_encoder_decoder_round_trip(tmp_path):
    m = EncoderDecoder("gru", 5, 5, 7, seed=1)
    m.save(tmp_path / "s.npz")
    m2 = load_model(tmp_path / "s.npz")
    src = np.array([[1, 2], [3, 4], [0, 1]])
    np.testing.assert_array_equal(m2.greedy_decode(src, 3), m.greedy_decode(src, 3))


def test_file_holds_no_pickle_and_loads_with_allow_pickle_false(model, tmp_path):
    p = tmp_path / "m.npz"
    model.save(p)
    with np.load(p, allow_pickle=False) as z:
        assert HEADER_KEY in z.files
        header = json.loads(z[HEADER_KEY].tobytes())
    assert header["format"] == "rnnviz-model" and header["version"] == 1


def _rewrite(src, dst, edit):
    with np.load(src, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    edit(arrays)
    np.savez(dst, **arrays)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(RnnvizError, match="file not found"):
        load_model(tmp_path / "nope.npz")
    with pytest.raises(RnnvizError, match="folder"):
        load_model(tmp_path)


def test_not_a_zip_and_truncated(model, tmp_path):
    bad = tmp_path / "text.npz"
    bad.write_text("hello, I am not a model")
    with pytest.raises(RnnvizError, match="not a zip"):
        load_model(bad)
    good = tmp_path / "m.npz"
    model.save(good)
    data = good.read_bytes()
    trunc = tmp_path / "trunc.npz"
    trunc.write_bytes(data[: len(data) // 2])
    with pytest.raises(RnnvizError, match="trunc.npz"):
        load_model(trunc)
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    with pytest.raises(RnnvizError, match="empty.npz"):
        load_model(empty)


def test_unknown_version_and_format(model, tmp_path):
    src = tmp_path / "m.npz"
    model.save(src)

    def set_header(h):
        def edit(arrays):
            arrays[HEADER_KEY] = np.frombuffer(json.dumps(h).encode(), np.uint8)
        return edit
    _rewrite(src, tmp_path / "v9.npz", set_header({"format": "rnnviz-model", "version": 9, "config": {}}))
    with pytest.raises(RnnvizError, match="version 9"):
        load_model(tmp_path / "v9.npz")
    _rewrite(src, tmp_path / "other.npz", set_header({"format": "keras", "version": 1, "config": {}}))
    with pytest.raises(RnnvizError, match="not an rnnviz model"):
        load_model(tmp_path / "other.npz")
    _rewrite(src, tmp_path / "nohead.npz", lambda a: a.pop(HEADER_KEY))
    with pytest.raises(RnnvizError, match="no rnnviz header"):
        load_model(tmp_path / "nohead.npz")


def test_wrong_shape_missing_key_and_nan(model, tmp_path):
    src = tmp_path / "m.npz"
    model.save(src)
    _rewrite(src, tmp_path / "shape.npz", lambda a: a.__setitem__("rnn.weight_hh_l0", np.zeros((3, 3), np.float32)))
    with pytest.raises(RnnvizError, match="rnn.weight_hh_l0.*shape"):
        load_model(tmp_path / "shape.npz")
    _rewrite(src, tmp_path / "missing.npz", lambda a: a.pop("head.bias"))
    with pytest.raises(RnnvizError, match="head.bias"):
        load_model(tmp_path / "missing.npz")

    def nan(a):
        a["head.weight"] = a["head.weight"].copy()
        a["head.weight"][0, 0] = np.nan
    _rewrite(src, tmp_path / "nan.npz", nan)
    with pytest.raises(RnnvizError, match="NaN"):
        load_model(tmp_path / "nan.npz")


class _Boom:
    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def test_pickled_object_array_is_refused_and_nothing_runs(model, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "m.npz"
    model.save(src)
    evil = tmp_path / "evil.npz"
    with np.load(src, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["head.weight"] = np.array([_Boom()], dtype=object)
    np.savez(evil, **arrays)
    with pytest.raises(RnnvizError, match="pickle"):
        load_model(evil)
    assert not (tmp_path / "PWNED").exists()


def test_zip_bomb_refused_before_decompressing(tmp_path):
    bomb = tmp_path / "bomb.npz"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("head.weight.npy", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(64):  # 64 MiB of zeros compress to ~64 KiB
                fh.write(chunk)
    with pytest.raises(RnnvizError, match="zip bomb|too large"):
        load_model(bomb)


def test_unexpected_member_refused(tmp_path):
    p = tmp_path / "odd.npz"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("../escape.py", "print('hi')")
    with pytest.raises(RnnvizError, match="unexpected entry"):
        load_model(p)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_permission_denied(model, tmp_path):
    p = tmp_path / "m.npz"
    model.save(p)
    p.chmod(0)
    with pytest.raises(RnnvizError, match="permission"):
        load_model(p)


def test_failed_save_keeps_previous_file(model, tmp_path):
    p = tmp_path / "m.npz"
    model.save(p)
    before = p.read_bytes()

    def disk_full(fh):
        fh.write(b"partial")
        raise OSError(28, "No space left on device")
    with pytest.raises(RnnvizError, match="No space left"):
        atomic_write(p, disk_full)
    assert p.read_bytes() == before
    assert [f.name for f in tmp_path.iterdir()] == ["m.npz"]  # no temporary left behind
    with pytest.raises(RnnvizError, match="does not exist"):
        model.save(tmp_path / "no" / "such" / "dir.npz")


def test_safetensors_round_trip_and_bad_file(tmp_path):
    net = Recurrent("gru", 3, 4, num_layers=2, bidirectional=True)
    save_safetensors(tmp_path / "w.safetensors", net.state_dict())
    net2 = Recurrent("gru", 3, 4, num_layers=2, bidirectional=True, seed=9)
    import_recurrent_weights(tmp_path / "w.safetensors", net2)
    for k in net.params:
        np.testing.assert_array_equal(net.params[k], net2.params[k])
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x00\x01garbage")
    with pytest.raises(RnnvizError, match="bad.safetensors"):
        load_safetensors(bad)
    wrong = Recurrent("lstm", 3, 4)
    with pytest.raises(RnnvizError, match="missing|shape"):
        import_recurrent_weights(tmp_path / "w.safetensors", wrong)


def test_model_weights_export_to_safetensors(model, tmp_path):
    export_weights(model, tmp_path / "m.safetensors")
    tensors = load_safetensors(tmp_path / "m.safetensors")
    assert set(tensors) == set(model.params)
    net = Recurrent("lstm", 4, [8, 6])
    import_recurrent_weights(tmp_path / "m.safetensors", net)  # finds the "rnn." prefix
    np.testing.assert_array_equal(net.params["weight_hh_l1"], model.params["rnn.weight_hh_l1"])


def test_torch_lstm_state_dict_via_safetensors_gives_same_outputs(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    torch.manual_seed(0)
    lstm = torch.nn.LSTM(5, 7, num_layers=2, bidirectional=True)
    save_file({k: v.contiguous() for k, v in lstm.state_dict().items()}, str(tmp_path / "lstm.safetensors"))
    net = Recurrent("lstm", 5, 7, num_layers=2, bidirectional=True, dtype=np.float32)
    import_recurrent_weights(tmp_path / "lstm.safetensors", net)
    x = np.random.default_rng(0).standard_normal((9, 3, 5)).astype(np.float32)
    out, (h, c) = lstm(torch.tensor(x))
    tr = net.forward(x)
    np.testing.assert_allclose(tr.output, out.detach().numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(tr.final_state[1], c.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_saved_file_gets_the_usual_permissions(model, tmp_path):
    p = tmp_path / "m.npz"
    model.save(p)
    umask = os.umask(0)
    os.umask(umask)
    assert p.stat().st_mode & 0o777 == 0o666 & ~umask
