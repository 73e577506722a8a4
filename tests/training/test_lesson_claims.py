"""The Training-tab lessons' claims, measured at the settings each lesson puts in the form (the
longer runs a lesson suggests were measured once, see the closing notes; these are the checks
that take seconds)."""
import numpy as np

from rnnviz.lessons import get_lesson
from rnnviz.training.config import TrainConfig
from rnnviz.training.loop import train


def lesson_config(lesson_id: str, **changes) -> TrainConfig:
    """What the lesson puts in the Training form, then the changes a person makes there."""
    cfg = TrainConfig(**get_lesson(lesson_id).setup.train).validate()
    return cfg.replace(**changes) if changes else cfg


def first_snapshot(cfg: TrainConfig):
    """The first step's snapshot: its ||dL/dh_t|| is the gradient at the initial weights."""
    return next(iter(train(cfg.replace(steps=1))))


def start_to_end_ratio(snap) -> float:
    """||dL/dh_1|| / ||dL/dh_T|| of the plotted (top layer) curve."""
    norms = np.asarray(snap.top_step_norms, dtype=float)
    return float(norms[0] / norms[-1])


def test_bptt_lesson_lstm_passes_gradient_back_and_forget_bias_0_does_not():
    rnn = start_to_end_ratio(first_snapshot(lesson_config("bptt-vanishing")))
    lstm = start_to_end_ratio(first_snapshot(lesson_config("bptt-vanishing", cell="lstm")))
    lstm_fb0 = start_to_end_ratio(first_snapshot(lesson_config("bptt-vanishing", cell="lstm", forget_bias=0.0)))
    assert rnn < 1e-8  # vanishes steeply towards t = 1
    assert lstm > 1e-3  # "far more gradient reaches t = 1"
    assert lstm_fb0 < 1e-6  # "as little gradient as the RNN"
    assert lesson_config("bptt-vanishing", cell="lstm").forget_bias == 2.0  # the form's default


def test_clipping_lesson_norms_form_a_v_and_the_global_norm_is_clipped():
    snaps = list(train(lesson_config("exploding-clipping", steps=40)))
    norms = np.asarray(snaps[0].top_step_norms, dtype=float)
    low = int(np.argmin(norms))
    assert 10 <= low <= 45  # the minimum is inside the sequence ...
    assert norms[0] > 100 * norms[low]  # ... and the curve climbs again towards t = 1
    assert np.all(norms[1:low + 1] < norms[:low])  # every step back from the minimum grows it
    # "over the first dozen updates ... tens, at times hundreds, against a clip of 1": the
    # spikes are chaotic (their steps move with the last bit of tanh, which differs between
    # NumPy's AVX2 and AVX-512 loops: over 100 within 12 steps on one, at step 24 on the other)
    first = [s.grad_norm for s in snaps[:12]]
    assert np.median(first) > 10 and min(first) > 1
    assert max(s.grad_norm for s in snaps) > 100
    assert all(s.clipped for s in snaps[:12])


def test_clipping_lesson_sgd_overflows_without_clipping_and_not_with_it():
    sgd = dict(optimizer="sgd", lr=0.1, steps=60)
    unclipped = list(train(lesson_config("exploding-clipping", clip=None, **sgd)))
    assert any(s.event == "nan" for s in unclipped)
    first_nan = next(s for s in unclipped if s.event == "nan")
    assert "Restored the weights" in first_nan.message
    clipped = list(train(lesson_config("exploding-clipping", clip=1.0, **sgd)))
    assert not any(s.event == "nan" for s in clipped)
    assert np.isfinite([s.train_loss for s in clipped]).all()


def test_gates_compare_lesson_lstm_starts_with_a_level_curve_and_the_others_do_not():
    ratios = {cell: start_to_end_ratio(first_snapshot(lesson_config("gates-compare", cell=cell)))
              for cell in ("rnn_tanh", "gru", "lstm")}
    assert ratios["lstm"] > 1e-2, ratios  # forget bias 2: a near-identity path from the start
    assert ratios["gru"] < 1e-3 and ratios["rnn_tanh"] < 1e-3, ratios


def test_gates_compare_lesson_gru_still_falls_away_after_600_steps():
    *_, last = train(lesson_config("gates-compare", cell="gru"))
    assert last.step == 600
    assert start_to_end_ratio(last) < 1e-2
