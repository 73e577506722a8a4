"""Training views: what they plot equals the snapshots the training loop produced."""
import math

import numpy as np
import pytest

from rnnviz.training.loop import train
from rnnviz.training.snapshot import Snapshot
from rnnviz.ui.training_views import (ALL_VIEWS, GradNormView, GradRatioView, LogAxis, LossView,
                                      NormHistoryView, SaturationView, SpectrumView, StepNormView,
                                      TrainingHistory, log10_norms, power_of_ten_label)
from tests.training._worker_helpers import tiny as tiny_run


def tiny(**kw):
    """The worker tests' tiny run, smaller still (a tanh RNN of 4 units, 12 steps)."""
    return tiny_run(**{"cell": "rnn_tanh", "hidden": (4,), "batch": 4, "val_batch": 8, "steps": 12,
                       "val_every": 4, "metrics_every": 4, **kw})


@pytest.fixture(scope="module")
def rnn_snaps():
    return list(train(tiny(hidden=(4, 3))))


@pytest.fixture(scope="module")
def lstm_snaps():
    return list(train(tiny(cell="lstm", task="delayed_recall", lag=2, bidirectional=True)))


def history_of(snaps, **kw):
    h = TrainingHistory(**kw)
    h.extend(snaps)
    return h


def test_step_norm_curves_equal_snapshot(qtbot, rnn_snaps):
    v = StepNormView()
    qtbot.addWidget(v)
    h = history_of(rnn_snaps)
    v.render(h)
    last = rnn_snaps[-1]
    assert v.series_names() == ["layer 1", "layer 2"]
    for k in range(2):
        x, y = v.series(f"layer {k + 1}")
        np.testing.assert_array_equal(x, np.arange(1, 7))
        np.testing.assert_array_equal(y, last.step_norms[k][0])
        # the plotted item holds the same data (before the log axis transform)
        xd, yd = v._curves[f"layer {k + 1}"].getOriginalDataset()
        np.testing.assert_array_equal(yd, last.step_norms[k][0])
    assert v.plot.getAxis("left").logMode


def test_bidirectional_curves_per_direction(qtbot, lstm_snaps):
    v = StepNormView()
    qtbot.addWidget(v)
    v.render(history_of(lstm_snaps))
    assert v.series_names() == ["layer 1 forward", "layer 1 backward"]
    np.testing.assert_array_equal(v.series("layer 1 backward")[1], lstm_snaps[-1].step_norms[0][1])


def test_history_heatmap_is_log10_of_stacked_norms(qtbot, rnn_snaps):
    v = NormHistoryView()
    qtbot.addWidget(v)
    v.render(history_of(rnn_snaps))
    stacked = np.stack([s.step_norms[-1][0] for s in rnn_snaps])
    np.testing.assert_allclose(v.image_data(), np.log10(stacked), rtol=0, atol=0)
    assert v.image.image.shape == (12, 6)
    np.testing.assert_array_equal(v.image_steps(), np.arange(1, 13))
    lo, hi = v.levels()
    assert lo == math.floor(np.log10(stacked).min()) and hi == math.ceil(np.log10(stacked).max())
    labels = v.colorbar_labels()
    assert labels and all(s.startswith("10") for s in labels)
    # the layer selector switches to the first layer
    v.layer_box.setCurrentIndex(1)
    np.testing.assert_array_equal(v.image_data(), np.log10(np.stack([s.step_norms[0][0] for s in rnn_snaps])))


def test_history_scrolls(qtbot, rnn_snaps):
    v = NormHistoryView()
    qtbot.addWidget(v)
    h = history_of(rnn_snaps, max_rows=5)
    v.render(h)
    assert v.image_data().shape == (5, 6)
    np.testing.assert_array_equal(v.image_steps(), np.arange(8, 13))
    np.testing.assert_array_equal(v.image_data()[-1], np.log10(rnn_snaps[-1].step_norms[-1][0]))


def test_ratio_grad_norm_and_loss(qtbot, rnn_snaps):
    h = history_of(rnn_snaps)
    ratio, gnorm, loss = GradRatioView(), GradNormView(), LossView()
    for w in (ratio, gnorm, loss):
        qtbot.addWidget(w)
        w.render(h)
    np.testing.assert_array_equal(ratio.series("ratio")[1], [s.grad_ratio for s in rnn_snaps])
    np.testing.assert_array_equal(gnorm.series("grad norm")[1], [s.grad_norm for s in rnn_snaps])
    clipped = [s.step for s in rnn_snaps if s.clipped]
    np.testing.assert_array_equal(gnorm.series("clipped")[0], clipped)
    assert f"clipped {rnn_snaps[-1].clip_count} of 12" in gnorm.plot.legend.note.toPlainText()
    np.testing.assert_array_equal(loss.series("train loss")[1], [s.train_loss for s in rnn_snaps])
    np.testing.assert_array_equal(loss.series("validation loss")[0], [4, 8, 12])
    assert not loss.acc_plot.isVisible()  # regression task: no accuracy


def test_spectrum_and_saturation_lstm(qtbot, lstm_snaps):
    h = history_of(lstm_snaps)
    spec, sat = SpectrumView(), SaturationView()
    for w in (spec, sat):
        qtbot.addWidget(w)
        w.render(h)
    last = lstm_snaps[-1]
    np.testing.assert_array_equal(spec.series("\u03c1(W_hf)")[1],
                                  [s[0][0]["f"] for s in h.spectra])
    np.testing.assert_array_equal(spec.series("\u03c3\u2081")[1], last.jacobian_sv[0][0][:, 0])
    assert sat.row_names() == ["i < 0.1", "i > 0.9", "f < 0.1", "f > 0.9", "o < 0.1", "o > 0.9"]
    np.testing.assert_array_equal(sat.image_data()[2:4], last.gate_saturation[0][0]["f"])
    np.testing.assert_array_equal(sat.forget_data(), last.forget_mean[0][0])
    sat.layer_box.setCurrentIndex(1)  # backward direction
    np.testing.assert_array_equal(sat.forget_data(), last.forget_mean[0][1])


def test_the_jacobian_plot_names_one_state_before_and_after_data(qtbot, lstm_snaps, rnn_snaps):
    """The title says ∂s_t/∂s_{t-1} before any data, once drawn and after a new run clears it
    (it said ∂h_t/∂h_{t-1} before data and ∂s_t/∂s_(t-1) once drawn); s is the state the
    Jacobian is of: (h_t, c_t) for an LSTM, which the tooltip says."""
    jac = "\u2202s_t/\u2202s_{t-1}"
    v = SpectrumView()
    qtbot.addWidget(v)
    assert v.sv_plot.titleLabel.text == f"singular values of {jac}"
    v.render(history_of(lstm_snaps))
    assert v.sv_plot.titleLabel.text == f"singular values of {jac} at step {lstm_snaps[-1].metrics_step}"
    v.clear()
    assert v.sv_plot.titleLabel.text == f"singular values of {jac}"
    v.render(history_of(rnn_snaps))
    assert v.sv_plot.titleLabel.text == f"singular values of {jac} at step {rnn_snaps[-1].metrics_step}"
    assert jac in v.toolTip() and "\u2202h_t" not in v.toolTip()
    assert "s_t = (h_t, c_t)" in v.toolTip() and "s_t = h_t" in v.toolTip()


def test_saturation_rnn_has_no_gates(qtbot, rnn_snaps):
    sat = SaturationView()
    qtbot.addWidget(sat)
    sat.render(history_of(rnn_snaps))
    assert sat.image_data().size == 0
    assert "no gates" in sat.hint.toPlainText()
    assert sat.forget_data() is None


def test_nan_and_stopped_events_do_not_add_steps(rnn_snaps):
    h = history_of(rnn_snaps[:5])
    nan = Snapshot.build(step=5, total_steps=12, train_loss=float("nan"), event="nan", message="NaN/Inf at step 6")
    h.add(nan)
    assert h.steps == [1, 2, 3, 4, 5] and h.nan_steps == [6]
    assert h.events[-1] == (5, "nan", "NaN/Inf at step 6")


def test_every_view_has_a_tooltip(qtbot):
    for cls in ALL_VIEWS:
        w = cls()
        qtbot.addWidget(w)
        assert len(w.toolTip()) > 40
        w.render(TrainingHistory())  # empty history renders without error


def test_helpers():
    assert power_of_ten_label(-3) == "10\u207b\u00b3"
    assert power_of_ten_label(0) == "10\u2070"
    out = log10_norms([100.0, 0.0, -1.0, np.inf])
    assert out[0] == 2.0 and np.isnan(out[1:]).all()


def test_log_axis_labels(qtbot):
    ax = LogAxis("left")
    ticks = ax.logTickValues(-6.2, -1.1, 300, [])
    assert [v for v in ticks[0][1]] == [-6.0, -5.0, -4.0, -3.0, -2.0]
    assert ax.logTickStrings(ticks[0][1], 1, 1)[0] == "10\u207b\u2076"
    ticks = ax.logTickValues(np.log10(0.03), np.log10(0.2), 300, [])
    assert ax.logTickStrings(ticks[0][1], 1, 1) == ["0.05", "0.1", "0.2"]


def test_a_log_axis_over_a_narrow_range_still_has_labels(qtbot):
    """A log axis over a range with fewer than two of 1, 1.5, 2, 2.5, ... x 10^k (the loss of a
    short run, between 2.05 and 2.2; the Compare tab's loss axis) labels evenly spaced round
    values; before, it had no label at all. One over a range with one power of ten labels
    1, 2, 5 x 10^k; before, the power of ten alone."""
    ax = LogAxis("left")
    for lo, hi, want in ((2.05, 2.2, ["2.05", "2.10", "2.15", "2.20"]),
                         (0.31, 0.33, ["0.310", "0.315", "0.320", "0.325", "0.330"]),
                         (3.5, 3.9, ["3.5", "3.6", "3.7", "3.8", "3.9"])):
        ticks = ax.logTickValues(np.log10(lo), np.log10(hi), 200, [])
        assert ax.logTickStrings(ticks[0][1], 1, 1) == want, (lo, hi)
    ticks = ax.logTickValues(np.log10(2.05), np.log10(2.2), 56, [])   # room for two labels
    assert ax.logTickStrings(ticks[0][1], 1, 1) == ["2.1", "2.2"]
    ticks = ax.logTickValues(np.log10(0.03), np.log10(0.2), 300, [])  # as before: 1, 2, 5 x 10^k
    assert ax.logTickStrings(ticks[0][1], 1, 1) == ["0.05", "0.1", "0.2"]
    # more than a decade but one power of ten (||dL/dh_t|| of a short run): labelled 1, 2, 5 x
    # 10^k, not 10⁻² alone
    ticks = ax.logTickValues(np.log10(0.004), np.log10(0.06), 300, [])
    assert ax.logTickStrings(ticks[0][1], 1, 1) == ["0.005", "0.01", "0.02", "0.05"]


def test_history_memory_is_bounded_and_keeps_spikes_and_clips():
    from rnnviz.training.snapshot import Snapshot
    from rnnviz.ui.training_views import TrainingHistory

    h = TrainingHistory(max_points=100)
    for s in range(1, 1001):
        spike = s == 457
        h.add(Snapshot.build(step=s, total_steps=1000, train_loss=1.0 / s, grad_norm=100.0 if spike else 1.0,
                             clipped=spike, step_norms=((np.ones(3),),)))
    assert 50 <= len(h) <= 101
    assert h.steps[-1] == 1000 and list(h.steps) == sorted(h.steps)
    assert max(h.grad_norm) == 100.0 and any(h.clipped)  # the spike and its clip mark survive thinning
    assert len(h.train_loss) == len(h.steps) == len(h.grad_norm) == len(h.clipped) == len(h.grad_ratio)


def test_the_compare_plots_are_made_as_the_training_views_plots_are(qtbot, monkeypatch):
    """One maker of plots (training_views.new_plot) for the Training views and the Compare tab:
    the compare plots get the same opaque grid axes with no SI prefix, the log axis (the sweep's
    too, though it starts linear: a regression sweep switches it to log), no view menu or
    auto-range button, and a legend above the data."""
    import rnnviz.ui.compare_training as compare_training
    import rnnviz.ui.training_views as training_views
    from rnnviz.ui.plot_legend import LegendAbove

    made = []

    def counting(graphics, row, col, title, *args, **kw):
        made.append(title)
        return training_views.new_plot(graphics, row, col, title, *args, **kw)

    monkeypatch.setattr(compare_training, "new_plot", counting)
    w = compare_training.CompareTrainingWidget(lambda: tiny())
    qtbot.addWidget(w)
    plots = [w.loss_plot, w.norm_plot, w.sweep_plot]
    assert made == [p.titleLabel.text for p in plots]
    for p in plots:
        for name in ("left", "bottom"):
            axis = p.getAxis(name)
            assert isinstance(axis, training_views._OpaqueGridAxis) and not axis.autoSIPrefix, (p, name)
        assert isinstance(p.getAxis("left"), LogAxis)
        assert isinstance(p.legend, LegendAbove) and p.legend.parentItem() is p.legend.row
        assert not p.menuEnabled() and p.buttonsHidden and p.titleLabel.minimumWidth() == 0
    assert w.loss_plot.ctrl.logYCheck.isChecked() and w.norm_plot.ctrl.logYCheck.isChecked()
    assert not w.sweep_plot.ctrl.logYCheck.isChecked()
    assert w.shutdown()


def test_the_grid_is_drawn_under_the_curves(qtbot):
    """A curve is drawn over the plot's grid: pyqtgraph drew the (opaque) grid lines over the
    data, which cut a gap into a curve at every vertical grid line (a solid curve read as
    dashed) and hid a curve lying along a horizontal one (a gradient ratio of exactly 10^-2)."""
    import pyqtgraph as pg
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QApplication

    from rnnviz.ui.training_views import _color

    v = GradRatioView()
    qtbot.addWidget(v)
    v.resize(500, 300)
    v.show()
    qtbot.waitExposed(v)
    x = np.arange(1, 41, dtype=float)
    y = np.full(40, 0.01)
    y[0], y[-1] = 0.001, 0.1   # a flat curve along the grid line at 10^-2, between 1 and 40
    v._set(v.curve, "ratio", x, y)
    for _ in range(3):
        QApplication.processEvents()
    image = v.graphics.grab().toImage()
    vb = v.plot.getViewBox()

    def pixel(px, py):
        return v.graphics.mapFromScene(vb.mapViewToScene(pg.Point(px, py)))

    start, end = pixel(3, -2.0), pixel(38, -2.0)   # (the y axis is log10)
    row = start.y()
    colours = {QColor(image.pixel(c, row)).name() for c in range(start.x(), end.x() + 1)}
    assert end.x() - start.x() > 300 and colours == {QColor(_color(2)).name()}, colours
