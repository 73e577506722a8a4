import json
import subprocess
import sys
import threading
import queue

import numpy as np
import pytest

from rnnviz.errors import RnnvizError
from rnnviz.training.config import TrainConfig
from rnnviz.training.loop import (Controls, _seeds, build_model, evaluate, headless_train, make_batch,
                                  train, validation_batch)


def tiny(**kw):
    base = dict(task="adding", length=8, cell="gru", hidden=(8,), batch=16, val_batch=32, steps=5,
                val_every=2, metrics_every=2, log_every=1)
    base.update(kw)
    return TrainConfig(**base)


def test_loss_falls_on_tiny_sine_task():
    cfg = tiny(task="sine", length=16, hidden=(16,), lr=1e-2, steps=150, val_every=25, metrics_every=50)
    snaps = list(train(cfg))
    assert [s.step for s in snaps] == list(range(1, 151))
    vals = [s.val_loss for s in snaps if s.val_step == s.step]
    assert vals[-1] < 0.3 * vals[0]
    assert snaps[-1].event == "done"
    assert snaps[-1].val_step == 150


def test_loss_falls_on_tiny_adding_task():
    cfg = tiny(length=6, cell="lstm", hidden=(16,), lr=1e-2, steps=300, batch=32, val_every=50,
               metrics_every=100)
    model = build_model(cfg)
    before = evaluate(model, validation_batch(cfg))["loss"]
    *_, last = train(cfg, model)
    assert last.val_loss < 0.5 * before


def test_snapshots_hold_read_only_copies_not_live_arrays():
    cfg = tiny(cell="lstm", metrics_every=1, snapshot_weights=True, steps=3)
    model = build_model(cfg)
    snaps = list(train(cfg, model))
    s = snaps[-1]
    saved = {k: v.copy() for k, v in s.weights.items()}
    np.testing.assert_array_equal(saved["rnn.weight_hh_l0"], model.params["rnn.weight_hh_l0"])
    norms = s.step_norms[0][0].copy()
    fm = s.forget_mean[0][0].copy()
    for p in model.params.values():
        p[...] = 0.0
    for k, v in s.weights.items():
        np.testing.assert_array_equal(v, saved[k])
        assert not np.shares_memory(v, model.params[k])
    np.testing.assert_array_equal(s.step_norms[0][0], norms)
    np.testing.assert_array_equal(s.forget_mean[0][0], fm)
    for arr in (s.step_norms[0][0], s.val_step_norms, s.jacobian_sv[0][0], s.forget_mean[0][0],
                s.gate_saturation[0][0]["f"], s.weights["head.weight"]):
        assert not arr.flags.writeable
    with pytest.raises(TypeError):
        s.weights["head.weight"] = None
    with pytest.raises(Exception):
        s.step = 7
    assert set(s.spectral_radius[0][0]) == {"i", "f", "g", "o", "norm"}
    assert s.jacobian_sv[0][0].shape == (3, 5)
    assert s.step_norms[0][0].shape == (cfg.length,)


def test_step_norms_equal_the_engines():
    cfg = tiny(cell="rnn_tanh", layers=2, bidirectional=True, steps=1)
    (s,) = list(train(cfg))
    model = build_model(cfg)  # same seed -> same initial weights
    batch = make_batch(cfg, cfg.batch, _seeds(cfg)[0])
    res = model.loss_on_batch(batch)
    for k in range(2):
        for d in range(2):
            np.testing.assert_allclose(s.step_norms[k][d], res.rnn_grads.step_norms(k, d).mean(axis=1),
                                       rtol=1e-6)
    assert s.train_loss == pytest.approx(res.loss)


def test_nan_weights_are_restored_and_reported():
    cfg = tiny(steps=10, on_nan="stop")
    model = build_model(cfg)
    gen = train(cfg, model)
    s1 = next(gen)
    s2 = next(gen)
    good = {k: v.copy() for k, v in model.params.items()}
    model.params["rnn.weight_hh_l0"][0, 0] = np.nan
    s3 = next(gen)
    assert s3.event == "nan" and "NaN" in s3.message and "restored" in s3.message.lower()
    assert s3.step == 2 and s3.nan_count == 1
    for k, v in model.params.items():
        np.testing.assert_array_equal(v, good[k])
    with pytest.raises(StopIteration):
        next(gen)
    assert s1.step == 1 and s2.step == 2


def test_huge_learning_rate_restores_last_good_weights():
    cfg = tiny(optimizer="sgd", lr=1e30, clip=None, cell="rnn_relu", on_nan="stop", steps=20,
               snapshot_weights=True, metrics_every=1)
    model = build_model(cfg)
    snaps = list(train(cfg, model))
    nan = snaps[-1]
    assert nan.event == "nan" and len(snaps) >= 2
    good = snaps[-2]
    assert good.event is None and nan.step == good.step
    assert f"from step {good.step}" in nan.message
    for k, v in model.params.items():
        assert np.all(np.isfinite(v))
        np.testing.assert_array_equal(v, good.weights[k])


def test_nan_continue_goes_on_and_pause_pauses():
    cfg = tiny(steps=4, on_nan="continue")
    model = build_model(cfg)
    gen = train(cfg, model)
    next(gen)
    model.params["head.weight"][...] = np.inf
    s = next(gen)
    assert s.event == "nan" and "went on" in s.message
    rest = list(gen)
    assert [r.step for r in rest] == [2, 3, 4]

    controls = Controls()
    cfg = tiny(steps=4, on_nan="pause")
    model = build_model(cfg)
    gen = train(cfg, model, controls)
    next(gen)
    model.params["head.bias"][...] = np.nan
    s = next(gen)
    assert s.event == "nan" and "paused" in s.message
    assert controls.paused


def _run_in_thread(cfg, controls):
    q = queue.Queue()

    def work():
        for s in train(cfg, None, controls):
            q.put(s)
        q.put(None)

    t = threading.Thread(target=work, daemon=True)
    t.start()
    return t, q


def test_controls_pause_single_step_set_lr_and_stop():
    controls = Controls(paused=True)
    cfg = tiny(steps=1000)
    t, q = _run_in_thread(cfg, controls)
    controls.step(2)
    a, b = q.get(timeout=5), q.get(timeout=5)
    assert (a.step, b.step) == (1, 2)
    with pytest.raises(queue.Empty):
        q.get(timeout=0.2)  # paused: no more steps
    controls.set_lr(0.05)
    controls.set_clip(None)
    controls.set_truncate(3)
    controls.step()
    c = q.get(timeout=5)
    assert (c.step, c.lr, c.clip, c.truncate) == (3, 0.05, None, 3)
    controls.resume()
    d = q.get(timeout=5)
    assert d.step == 4
    controls.stop()
    while True:
        s = q.get(timeout=5)
        if s is None or s.event == "stopped":
            break
    assert s is not None and s.event == "stopped"
    assert q.get(timeout=5) is None
    t.join(5)
    assert not t.is_alive()
    with pytest.raises(RnnvizError, match="lr"):
        controls.set_lr(-1)
    with pytest.raises(RnnvizError, match="clip"):
        controls.set_clip(0)
    with pytest.raises(RnnvizError, match="truncate"):
        controls.set_truncate(0)


def test_stop_while_paused_unblocks():
    controls = Controls(paused=True)
    t, q = _run_in_thread(tiny(steps=10), controls)
    controls.stop()
    s = q.get(timeout=5)
    assert s.event == "stopped" and s.step == 0
    t.join(5)
    assert not t.is_alive()


@pytest.mark.parametrize("task,cell", [("delayed_recall", "lstm"), ("bracket_depth", "rnn_tanh"),
                                       ("reversal", "gru"), ("sine", "rnn_relu")])
def test_every_task_trains(task, cell):
    cfg = tiny(task=task, cell=cell, length=6, lag=2, steps=3, val_every=3)
    snaps = list(train(cfg))
    assert snaps[-1].step == 3 and np.isfinite(snaps[-1].val_loss)
    if task in ("delayed_recall", "bracket_depth", "reversal"):
        assert snaps[-1].val_accuracy is not None


def test_truncation_limits_gradient_flow():
    cfg = tiny(cell="rnn_tanh", length=8, truncate=2, steps=1)
    (s,) = list(train(cfg))
    assert s.truncate == 2
    assert np.all(np.isfinite(s.step_norms[0][0]))


def test_headless_train_json_lines():
    lines = []
    cfg = tiny(steps=4, log_every=2)
    final = headless_train(cfg, json=True, print_fn=lines.append)
    recs = [json.loads(line) for line in lines]
    assert [r["step"] for r in recs[:-1]] == [2, 4]
    assert recs[-1] == json.loads(json.dumps(final))
    assert {"step", "train_loss", "val_loss", "step_grad_norms"} <= set(recs[-1])
    assert len(recs[-1]["step_grad_norms"]) == cfg.length


def test_headless_train_text_and_save(tmp_path):
    from rnnviz.engine.model import load_model

    lines = []
    out = tmp_path / "m.npz"
    headless_train(tiny(task="delayed_recall", lag=2, steps=2, log_every=1), out=out, print_fn=lines.append)
    assert lines[0].startswith("step 1/2") and lines[-2].startswith("final:") and "val_accuracy" in lines[-2]
    assert load_model(out).params.keys() == build_model(tiny(task="delayed_recall", lag=2)).params.keys()


# ----------------------------------------------------------------------------- config
@pytest.mark.parametrize("field,value", [
    ("lr", 0.0), ("lr", -1.0), ("lr", float("nan")), ("hidden", (0,)), ("hidden", (16, -2)),
    ("length", 0), ("batch", 0), ("steps", 0), ("cell", "transformer"), ("task", "chess"),
    ("optimizer", "lbfgs"), ("clip", 0.0), ("truncate", 0), ("init", "zeros"), ("val_every", 0),
    ("on_nan", "panic"), ("bidirectional", "yes"), ("seed", -1), ("layers", 0), ("steps", 2.5),
])
def test_config_validate_names_the_field(field, value):
    with pytest.raises(RnnvizError, match=f"^{field}:"):
        TrainConfig(**{field: value}).validate()


def test_config_cross_field_checks():
    with pytest.raises(RnnvizError, match="^lag:"):
        TrainConfig(task="delayed_recall", length=5, lag=5).validate()
    with pytest.raises(RnnvizError, match="^forget_bias:"):
        TrainConfig(cell="gru", forget_bias=1.0).validate()
    with pytest.raises(RnnvizError, match="^layers:"):
        TrainConfig(hidden=(8, 4), layers=3).validate()
    with pytest.raises(RnnvizError, match="^bidirectional:"):
        TrainConfig(task="reversal", bidirectional=True).validate()
    assert TrainConfig(hidden=(8,), layers=3).hidden_sizes == [8, 8, 8]
    assert TrainConfig(hidden=16).hidden == (16,)


def test_config_dict_round_trip_is_json():
    cfg = TrainConfig(task="sine", hidden=(8, 4), clip=None, truncate=5, forget_bias=1.0)
    d = json.loads(json.dumps(cfg.to_dict()))
    assert TrainConfig.from_dict(d) == cfg
    with pytest.raises(RnnvizError, match="^colour:"):
        TrainConfig.from_dict({"colour": "red"})
    with pytest.raises(RnnvizError, match="^lr:"):
        TrainConfig.from_dict({"lr": "fast"})


def test_core_imports_without_qt():
    code = ("import sys, rnnviz.training.loop, rnnviz.training.metrics, rnnviz.training.snapshot, "
            "rnnviz.training.config, rnnviz.commands.train; "
            "assert 'PySide6' not in sys.modules and 'pyqtgraph' not in sys.modules, 'Qt imported'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_frozen_array_copies_views_and_reuses_frozen_copies():
    from rnnviz.training.snapshot import frozen_array

    live = np.arange(4.0)
    a = frozen_array(live)
    assert not np.shares_memory(a, live) and not a.flags.writeable
    assert frozen_array(a) is a
    view = live[:2]
    view.setflags(write=False)
    assert not np.shares_memory(frozen_array(view), live)


@pytest.mark.parametrize("field", ["lr", "clip", "recurrent_scale", "noise"])
def test_config_number_too_large_for_a_float_is_named(field):
    with pytest.raises(RnnvizError, match=f"^{field}: expected a finite number, got a number too large for a float"):
        TrainConfig(**{field: 10**400}).validate()
    data = dict(TrainConfig().to_dict(), **{field: 10**400})  # as a project file's JSON can hold it
    with pytest.raises(RnnvizError, match=f"^{field}: expected a finite number, got a number too large"):
        TrainConfig.from_dict(data)


# ----------------------------------------------------------------------------- memory estimate
@pytest.mark.parametrize("hidden,layers,bi", [(8192, 16, False), (8192, 16, True), (8192, 1, True)])
def test_config_refuses_weights_too_large_for_memory(hidden, layers, bi):
    cfg = TrainConfig(task="adding", length=2, batch=1, val_batch=1, hidden=(hidden,), layers=layers,
                      bidirectional=bi, steps=1)
    with pytest.raises(RnnvizError, match=r"^hidden: this run needs about [\d.]+ GiB of memory, over the 2 GiB "
                                          r"limit\. Parameters: [\d,]+ x 5 copies .*Lower hidden, layers"):
        cfg.validate()


def test_config_refuses_traces_too_large_for_memory_and_names_the_fields():
    cfg = TrainConfig(task="adding", length=2000, hidden=(32,), layers=16, batch=32, val_batch=256)
    with pytest.raises(RnnvizError, match=r"^length: this run needs about .* Traces: length x max\(val_batch, "
                                          r"2 x batch\) x layers x hidden x directions x \(gates \+ 2\) = "
                                          r"2000 x 256 x 16 x 32 x 1 x 6 values = .*Lower length, val_batch"):
        cfg.validate()


def test_reversal_memory_message_counts_the_encoder_and_the_decoder():
    import re

    cfg = TrainConfig(task="reversal", cell="lstm", length=1000, hidden=(256,), layers=16, batch=32, val_batch=64,
                      n_symbols=8, steps=1)
    est = cfg.memory_estimate()
    with pytest.raises(RnnvizError) as info:
        cfg.validate()
    msg = str(info.value)
    # two networks of 16 x 256 LSTM units each; one-hot inputs of 8 symbols (encoder) and 9 (decoder: + start)
    values = 1000 * 64 * 16 * 256 * 1 * 6 * 2 + 1000 * 64 * (8 + 9)
    assert est["activation_bytes"] == values * 4
    m = re.search(r"Traces: length x max\(val_batch, 2 x batch\) x layers x hidden x directions x \(gates \+ 2\) "
                  r"x 2 networks \(encoder and decoder\) = 1000 x 64 x 16 x 256 x 1 x 6 x 2 values plus one-hot "
                  r"inputs of length x rows x \(8 \+ 9\) = ([\d.]+) GiB", msg)
    assert m, msg
    assert m.group(1) == f"{values * 4 / 2**30:.1f}" == "11.7"  # the figure the user reads adds up
    assert msg.startswith(f"length: this run needs about {est['total_bytes'] / 2**30:.1f} GiB of memory")
    assert f"Parameters: {est['parameters']:,} (encoder, decoder and readout) x 5 copies" in msg


def test_config_accepts_ordinary_and_largish_models():
    from rnnviz.training.config import MEMORY_LIMIT

    for cfg in (TrainConfig(), TrainConfig(hidden=(1024,), layers=4),
                TrainConfig(task="text", hidden=(512,), layers=2, max_vocab=5000)):
        assert cfg.validate() is cfg
        assert 0 < cfg.memory_estimate()["total_bytes"] <= MEMORY_LIMIT


def test_memory_estimate_counts_the_parameters_build_model_makes():
    for cfg in (tiny(), tiny(cell="lstm", hidden=(8, 5), bidirectional=True),
                tiny(task="delayed_recall", lag=2, cell="rnn_tanh", layers=3),
                tiny(task="bracket_depth", max_depth=6), tiny(task="sine", cell="lstm"),
                tiny(task="reversal", n_symbols=5, hidden=(6, 4))):
        model = build_model(cfg)
        assert cfg.memory_estimate()["parameters"] == sum(p.size for p in model.params.values()), cfg


def test_old_memory_message_names_the_batch_it_used():
    with pytest.raises(RnnvizError, match=r"^length: length x validation batch \(val_batch\) x hidden = "
                                          r"1000 x 4096 x 8 is too large"):
        TrainConfig(length=1000, batch=16, val_batch=4096, hidden=(8,)).validate()
    with pytest.raises(RnnvizError, match=r"^length: length x batch x hidden = 1000 x 4096 x 8 is too large"):
        TrainConfig(length=1000, batch=4096, val_batch=16, hidden=(8,)).validate()
