"""The Training tab's plots fit their widgets: at a view's first show narrower than its title,
in the Compare tab at a narrow width, and the ||dL/dh_t|| view's step label stays off the data."""
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from rnnviz.ui.training_views import ALL_VIEWS


def _plots(graphics):
    """The PlotItems of a GraphicsLayoutWidget."""
    return [item for item in graphics.ci.items if isinstance(item, pg.PlotItem)]


def _views_of(view):
    """(GraphicsView, its PlotItems) of a training view (the spectrum view has two)."""
    out = [(view.graphics, _plots(view.graphics))]
    if hasattr(view, "sv_graphics"):
        out.append((view.sv_graphics, _plots(view.sv_graphics)))
    return out


def _assert_plots_fit(graphics, plots):
    shown = QRectF(graphics.viewport().rect()).adjusted(-1, -1, 1, 1)
    assert plots
    for plot in plots:
        rect = plot.sceneBoundingRect()
        assert rect.width() > 0, plot
        assert shown.contains(QRectF(graphics.mapFromScene(rect).boundingRect())), (
            plot.titleLabel.text, rect, graphics.viewport().rect())


@pytest.mark.parametrize("cls", ALL_VIEWS, ids=lambda c: c.__name__)
def test_a_view_shown_narrower_than_its_title_fits_its_widget_at_first_show(qtbot, cls):
    """A view first shown narrower than its title (the ||dL/dh_t|| view below ~350 px, the
    gradient ratio view below ~310 px: the panel next to the lessons panel) lays its plots out
    inside its widget at once, not ~22 px wider (legend and right edge cut off) until a resize."""
    v = cls()
    qtbot.addWidget(v)
    v.resize(270, 300)
    v.show()
    qtbot.waitExposed(v)
    for _ in range(3):
        QApplication.processEvents()
    for graphics, plots in _views_of(v):
        _assert_plots_fit(graphics, plots)


def test_every_compare_plot_fits_its_view_at_a_narrow_width(qtbot):
    """The Compare tab's titles shrink with their plots: below ~710 px of plot area the
    ||dL/dh_t|| plot on the right was laid out wider than the view, its right part cut off."""
    from rnnviz.training.loop import train
    from rnnviz.ui.compare_training import COMPARE_CELLS, CompareTrainingWidget
    from tests.training._worker_helpers import tiny

    w = CompareTrainingWidget(lambda: tiny(steps=8, hidden=(4,)))
    qtbot.addWidget(w)
    for c in COMPARE_CELLS:
        w.histories[c].extend(train(tiny(cell=c, steps=8, hidden=(4,), batch=4, val_batch=8)))
    w.redraw()
    for c in COMPARE_CELLS:
        w._on_sweep_result(c, 10, 0.3)
        w._on_sweep_result(c, 20, 0.2)
    plots = [w.loss_plot, w.norm_plot, w.sweep_plot]
    w.resize(560, 520)
    w.show()
    qtbot.waitExposed(w)
    for size in ((560, 520), (700, 600), (420, 480)):
        w.resize(*size)
        for _ in range(3):
            QApplication.processEvents()
        w.grab()
        assert w.graphics.viewport().width() < 710
        _assert_plots_fit(w.graphics, plots)
    assert w.shutdown()


def test_the_step_norm_views_step_and_ratio_stay_off_the_data(qtbot):
    """The ||dL/dh_t|| view's "step N  ||dL/dh_1|| / ||dL/dh_T|| = ..." sits above the data
    (at the left of the legend's row), not over the curves' start, and is shown whole, at every
    size a view takes and as the curves come."""
    from rnnviz.training.loop import train
    from rnnviz.ui.training_views import StepNormView, TrainingHistory
    from tests.training._worker_helpers import tiny

    v = StepNormView()
    qtbot.addWidget(v)
    v.resize(700, 420)
    v.show()
    qtbot.waitExposed(v)
    history = TrainingHistory()
    history.extend(train(tiny(cell="lstm", task="delayed_recall", lag=2, hidden=(4, 3), batch=4,
                              val_batch=8, steps=12, val_every=4, metrics_every=4)))
    v.render(history)
    label = v.step_label
    text = label.toPlainText()
    assert text.startswith("step 12") and "||dL/dh\u2081|| / ||dL/dh_T|| = " in text
    # wide (the panel alone), in a 1400x975 and a 1366x768 window, its least size, and back
    for size in ((700, 420), (330, 380), (300, 260), (260, 170), (330, 380), (700, 420)):
        v.resize(*size)
        for _ in range(3):
            QApplication.processEvents()
        v.grab()
        data = v.plot.getViewBox().sceneBoundingRect()
        legend = v.plot.legend.sceneBoundingRect()
        rect = label.sceneBoundingRect()
        assert label.isVisible() and label.toPlainText() == text
        assert data.width() > 0 and data.height() > 0 and rect.height() > 0
        assert not rect.intersects(data), (size, rect, data)
        assert not rect.intersects(legend), (size, rect, legend)
        shown = QRectF(v.graphics.mapFromScene(rect).boundingRect())
        assert QRectF(v.graphics.viewport().rect()).adjusted(-1, -1, 1, 1).contains(shown), (size, shown)
    v.clear()
    assert v.step_label.toPlainText() == ""
