"""The legends of the Training tab's plots (loss, accuracy, ||dL/dh_t||, gradient norm, spectral
radius, Jacobian) and of its Compare tab sit in a row of their own above the data, as the
P(class) plot's does (tests/ui/test_class_legend.py): they never cover the curves, once data
has arrived and after a resize."""
import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from rnnviz.training.loop import train
from rnnviz.ui.compare_training import COMPARE_CELLS, CompareTrainingWidget
from rnnviz.ui.training_views import GradNormView, LossView, SpectrumView, StepNormView, TrainingHistory
from tests.training._worker_helpers import tiny as tiny_run


def tiny(**kw):
    return tiny_run(**{"hidden": (4,), "batch": 4, "val_batch": 8, "steps": 12, "val_every": 4,
                       "metrics_every": 4, **kw})


@pytest.fixture(scope="module")
def lstm_history():
    """A bidirectional LSTM on delayed recall (a classification task: the accuracy plot is
    shown; the spectral radius plot has five curves, one per gate and ||W_hh||)."""
    h = TrainingHistory()
    h.extend(train(tiny(cell="lstm", task="delayed_recall", lag=2, bidirectional=True, clip=0.01)))
    return h


def _settle(w):
    for _ in range(3):
        QApplication.processEvents()
    w.grab()  # lays out and paints, as on screen


def _check_clear_of_data(plot, view, names):
    """``plot``'s legend holds ``names``, is shown in ``view`` (a GraphicsView) and lies above
    the data area, right-aligned, without touching it."""
    legend = plot.legend.sceneBoundingRect()
    data = plot.getViewBox().sceneBoundingRect()
    assert [label.text for _, label in plot.legend.items] == names
    assert legend.width() > 0 and legend.height() > 0 and plot.legend.isVisible()
    assert data.width() > 0 and data.height() > 0
    assert not legend.intersects(data), (names, legend, data)
    assert legend.bottom() <= data.top() and legend.right() <= data.right() + 1, (names, legend, data)
    shown = QRectF(view.mapFromScene(legend).boundingRect())
    assert QRectF(view.viewport().rect()).adjusted(-1, -1, 1, 1).contains(shown), (names, shown)


def _sizes_check(qtbot, w, checks, sizes):
    qtbot.addWidget(w)
    w.resize(*sizes[0])
    w.show()
    qtbot.waitExposed(w)
    for size in sizes:
        w.resize(*size)
        _settle(w)
        for plot, view, names in checks():
            _check_clear_of_data(plot, view, names)


# the sizes of a view in the Training tab: wide (the panel alone on a large screen), in a 1400x975
# window, in a 1366x768 one, its least size
VIEW_SIZES = [(700, 420), (330, 380), (300, 260), (260, 170), (330, 380)]


def test_the_loss_and_accuracy_legends_do_not_cover_the_curves(qtbot, lstm_history):
    v = LossView()
    v.render(lstm_history)
    assert lstm_history.has_accuracy
    _sizes_check(qtbot, v, lambda: [
        (v.loss_plot, v.graphics, ["train (batch)", "train (average)", "validation"]),
        (v.acc_plot, v.graphics, ["train", "validation"])], VIEW_SIZES)


def test_the_step_norm_legend_does_not_cover_the_curves(qtbot, lstm_history):
    v = StepNormView()
    v.render(lstm_history)
    _sizes_check(qtbot, v, lambda: [(v.plot, v.graphics, ["layer 1 forward", "layer 1 backward"])], VIEW_SIZES)


def test_the_gradient_norm_legend_does_not_cover_the_curves(qtbot, lstm_history):
    v = GradNormView()
    v.render(lstm_history)
    assert np.any(lstm_history.clipped)  # the "clipped" crosses are drawn
    _sizes_check(qtbot, v, lambda: [(v.plot, v.graphics, ["||\u2207L||", "clipped"])], VIEW_SIZES)


def test_the_spectrum_and_jacobian_legends_do_not_cover_the_curves(qtbot, lstm_history):
    v = SpectrumView()
    v.render(lstm_history)
    k = lstm_history.latest.jacobian_sv[0][0].shape[1]
    radius = [p[1].text for p in v.radius_plot.legend.items]
    assert len(radius) == 5 and "||W_hh||\u2082" in radius
    sv = ["\u03c3" + "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089"[j + 1] for j in range(k)]
    _sizes_check(qtbot, v, lambda: [(v.sv_plot, v.sv_graphics, sv), (v.radius_plot, v.graphics, radius)],
                 [(700, 420), (330, 380), (300, 320), (330, 380)])


def test_a_legend_keeps_clear_of_the_data_as_curves_come_and_go(qtbot, lstm_history):
    """The ||dL/dh_t|| plot adds a curve per layer as the run shows them, and drops them for a
    run with fewer layers."""
    v = StepNormView()
    v.resize(400, 380)
    v.show()
    qtbot.addWidget(v)
    qtbot.waitExposed(v)
    _settle(v)
    deep = TrainingHistory()
    deep.extend(train(tiny(cell="rnn_tanh", hidden=(4, 3, 3))))
    v.render(deep)
    _settle(v)
    _check_clear_of_data(v.plot, v.graphics, ["layer 1", "layer 2", "layer 3"])
    v.clear()
    v.render(lstm_history)
    _settle(v)
    _check_clear_of_data(v.plot, v.graphics, ["layer 1 forward", "layer 1 backward"])


def test_the_compare_legends_do_not_cover_the_curves(qtbot):
    w = CompareTrainingWidget(lambda: tiny(steps=8))
    for c in COMPARE_CELLS:
        w.histories[c].extend(train(tiny(cell=c, steps=8)))
    w.redraw()
    for c in COMPARE_CELLS:
        for value, metric in ((10, 0.3), (20, 0.2), (40, 0.15)):
            w._on_sweep_result(c, value, metric)
    assert w.visible_curves() == {"loss": 3, "norms": 3, "sweep": 3}
    names = ["tanh RNN", "GRU", "LSTM"]
    _sizes_check(qtbot, w, lambda: [(p, w.graphics, names) for p in (w.loss_plot, w.norm_plot, w.sweep_plot)],
                 [(1000, 700), (800, 520), (1400, 900), (1000, 700)])
    assert w.shutdown()
