"""Project files: a round trip restores model, optimiser, history, config and view; hostile or
broken files are refused with a message naming the file; a failed save keeps the old file."""
import errno
import io
import json
import os
import re
import zipfile

import numpy as np
import pytest

from rnnviz import project as P
from rnnviz.engine.optim import make_optimizer
from rnnviz.errors import RnnvizError
from rnnviz.training.config import TrainConfig
from rnnviz.training.loop import build_model, train

CFG = TrainConfig(task="adding", length=6, cell="lstm", hidden=(4,), batch=4, steps=20, val_every=5,
                  val_batch=8, metrics_every=5)


@pytest.fixture(scope="module")
def trained():
    from rnnviz.ui.training_views import TrainingHistory

    model = build_model(CFG)
    opt = make_optimizer(CFG.optimizer, model.params, lr=CFG.lr)
    h = TrainingHistory()
    for s in train(CFG, model, optimizer=opt):
        h.add(s)
    return model, opt, h


def _project(trained):
    model, opt, h = trained
    return P.Project(config=CFG, model=model, optimizer_state=opt.state_dict(), step=20,
                     history=P.history_state(h), view={"tab": 1, "text": "héllo (world)", "layer": 0})


def test_round_trip_restores_everything(tmp_path, trained):
    from rnnviz.ui.training_views import TrainingHistory

    model, opt, h = trained
    path = tmp_path / "work.rnnviz"
    P.save_project(path, _project(trained))
    q = P.load_project(path)
    assert q.config == CFG and q.step == 20 and q.view["text"] == "héllo (world)"
    for k, v in model.params.items():
        np.testing.assert_array_equal(q.model.params[k], v)
    o2 = make_optimizer(CFG.optimizer, q.model.params, lr=CFG.lr)
    o2.load_state_dict(q.optimizer_state)
    assert o2.step_count == opt.step_count == 20
    h2 = TrainingHistory()
    P.restore_history(h2, q.history)
    assert h2.steps == h.steps and h2.val_steps == h.val_steps
    np.testing.assert_allclose(h2.train_loss, h.train_loss)
    assert len(h2.norm_rows) == len(h.norm_rows)
    np.testing.assert_array_equal(h2.norm_stack()[1], h.norm_stack()[1])
    assert h2.latest.step == 20 and h2.latest.gate_saturation is not None
    np.testing.assert_array_equal(h2.latest.top_step_norms, h.latest.top_step_norms)
    with zipfile.ZipFile(path) as zf:  # a zip of .npy arrays, nothing else
        assert all(n.endswith(".npy") for n in zf.namelist())


def test_training_continues_from_a_loaded_project(tmp_path, trained):
    P.save_project(tmp_path / "a.rnnviz", _project(trained))
    q = P.load_project(tmp_path / "a.rnnviz")
    opt = make_optimizer(q.config.optimizer, q.model.params, lr=q.config.lr)
    opt.load_state_dict(q.optimizer_state)
    snaps = list(train(q.config.replace(steps=25), q.model, optimizer=opt, start_step=q.step))
    assert [s.step for s in snaps] == [21, 22, 23, 24, 25] and opt.step_count == 25


def _rewrite(src, dst, change):
    with np.load(src, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    change(arrays)
    with open(dst, "wb") as fh:
        np.savez(fh, **arrays)


def _set_header(arrays, **kw):
    h = json.loads(arrays[P.HEADER_KEY].tobytes())
    h.update(kw)
    arrays[P.HEADER_KEY] = np.frombuffer(json.dumps(h).encode(), dtype=np.uint8)


@pytest.fixture
def good(tmp_path, trained):
    path = tmp_path / "good.rnnviz"
    P.save_project(path, _project(trained))
    return path


def assert_refused(path, *words):
    with pytest.raises(RnnvizError) as e:
        P.load_project(path)
    msg = str(e.value)
    assert str(path) in msg
    for w in words:
        assert w in msg, msg
    return msg


def test_truncated(tmp_path, good):
    bad = tmp_path / "cut.rnnviz"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert_refused(bad, "project file")


def test_not_a_zip(tmp_path):
    bad = tmp_path / "notes.rnnviz"
    bad.write_text("hello")
    assert_refused(bad, "not an rnnviz project file")


def test_unknown_version(tmp_path, good):
    bad = tmp_path / "v9.rnnviz"
    _rewrite(good, bad, lambda a: _set_header(a, version=9))
    assert_refused(bad, "version 9", "not supported")


def test_wrong_shape(tmp_path, good):
    bad = tmp_path / "shape.rnnviz"

    def change(a):
        a["model.weight_hh_l0"] = np.zeros((3, 3), np.float32)
    _rewrite(good, bad, change)
    assert_refused(bad, "weight_hh_l0")


def test_huge_model_header_with_small_arrays_is_refused_before_building(tmp_path, good, monkeypatch):
    import tracemalloc

    from rnnviz.engine import model as model_mod

    bad = tmp_path / "huge.rnnviz"

    def change(a):
        h = json.loads(a[P.HEADER_KEY].tobytes())
        h["model"]["hidden_size"] = [4096] * 3  # 335M parameters, 1.25 GiB: under the build limit
        a[P.HEADER_KEY] = np.frombuffer(json.dumps(h).encode(), dtype=np.uint8)
    _rewrite(good, bad, change)
    assert bad.stat().st_size < 100_000
    built = []
    monkeypatch.setattr(model_mod, "model_from_config", lambda cfg: built.append(cfg))
    tracemalloc.start()
    try:
        msg = assert_refused(bad, "do not fit", "'rnn.weight_ih_l0' with shape (16384, 2)", "parameters")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert built == []            # nothing was built
    assert peak < 20 * 2**20      # the model would need 1.25 GiB
    assert "implies 335,679,489 parameters" in msg


def test_wrong_optimiser_shape(tmp_path, good):
    bad = tmp_path / "opt.rnnviz"

    def change(a):
        key = next(k for k in a if k.startswith("optim.exp_avg"))
        a[key] = np.zeros(3)
    _rewrite(good, bad, change)
    assert_refused(bad, "optimiser state")


def test_history_lengths_disagree(tmp_path, good):
    bad = tmp_path / "hist.rnnviz"

    def change(a):
        a["history.train_loss"] = a["history.train_loss"][:-1]
    _rewrite(good, bad, change)
    assert_refused(bad, "train_loss")


def test_pickled_object_array_is_refused_and_not_run(tmp_path, good):
    bad = tmp_path / "pickle.rnnviz"
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    def change(a):
        a["history.steps"] = np.array([Evil()], dtype=object)
    with np.load(good, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    change(arrays)
    with open(bad, "wb") as fh:
        np.savez(fh, **arrays)
    assert_refused(bad, "pickle", "refused")
    assert not marker.exists()


def test_zip_bomb(tmp_path):
    bad = tmp_path / "bomb.rnnviz"
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.zeros(1 << 20))
    with zipfile.ZipFile(bad, "w", compression=zipfile.ZIP_BZIP2) as zf:
        zf.writestr("history.steps.npy", buf.getvalue())
    assert_refused(bad, "zip bomb")


def test_model_file_is_not_a_project(tmp_path, trained):
    path = tmp_path / "m.npz"
    trained[0].save(path)
    assert_refused(path, "model file, not a project")


def test_bad_config_named(tmp_path, good):
    bad = tmp_path / "cfg.rnnviz"

    def change(a):
        h = json.loads(a[P.HEADER_KEY].tobytes())
        h["config"]["lr"] = -1
        a[P.HEADER_KEY] = np.frombuffer(json.dumps(h).encode(), dtype=np.uint8)
    _rewrite(good, bad, change)
    assert_refused(bad, "lr")


def test_config_number_too_large_for_a_float_is_named(tmp_path, good):
    bad = tmp_path / "lr.rnnviz"

    def change(a):
        h = json.loads(a[P.HEADER_KEY].tobytes())
        h["config"]["lr"] = 10**400
        a[P.HEADER_KEY] = np.frombuffer(json.dumps(h).encode(), dtype=np.uint8)
    _rewrite(good, bad, change)
    assert_refused(bad, "training settings are not valid", "lr: expected a finite number, got a number too large")


@pytest.mark.parametrize("where", ["latest", "spectra", "events"])
def test_history_numbers_too_large_or_damaged_are_refused_by_name(tmp_path, good, where):
    from rnnviz.ui.training_views import TrainingHistory

    bad = tmp_path / "hist.rnnviz"

    def change(a):
        h = json.loads(a[P.HEADER_KEY].tobytes())
        if where == "latest":
            h["history"]["latest"]["train_loss"] = 10**400
        elif where == "spectra":
            m = h["history"]["spectra"][0][0][0]
            m[next(iter(m))] = 10**400
        else:
            h["history"]["events"] = [["x", "nan", "m"]]
        a[P.HEADER_KEY] = np.frombuffer(json.dumps(h).encode(), dtype=np.uint8)
    _rewrite(good, bad, change)
    q = P.load_project(bad)
    with pytest.raises(RnnvizError, match=rf"^{re.escape(str(bad))}: the saved training (snapshot|history) is damaged"):
        P.restore_history(TrainingHistory(), q.history, str(bad))


def test_header_number_with_too_many_digits_is_refused(tmp_path, good):
    bad = tmp_path / "digits.rnnviz"

    def change(a):
        raw = a[P.HEADER_KEY].tobytes().decode().replace('"step": 20', '"step": ' + "1" * 5000)
        a[P.HEADER_KEY] = np.frombuffer(raw.encode(), dtype=np.uint8)
    _rewrite(good, bad, change)
    assert_refused(bad, "the project header holds a number with too many digits")


def test_missing_and_permission(tmp_path, monkeypatch, good):
    assert_refused(tmp_path / "nope.rnnviz", "not found")

    def deny(*a, **k):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(zipfile, "ZipFile", deny)
    assert_refused(good, "permission denied")


def test_disk_full_keeps_the_previous_file(tmp_path, trained, monkeypatch):
    path = tmp_path / "work.rnnviz"
    P.save_project(path, _project(trained))
    before = path.read_bytes()

    def full(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(np, "savez_compressed", full)
    with pytest.raises(RnnvizError, match="No space left"):
        P.save_project(path, P.Project(config=CFG))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["work.rnnviz"]  # no temporary left behind


def test_empty_project_round_trip(tmp_path):
    P.save_project(tmp_path / "e.rnnviz", P.Project(view={"text": "x"}))
    q = P.load_project(tmp_path / "e.rnnviz")
    assert q.model is None and q.config is None and q.history is None and q.view == {"text": "x"}
