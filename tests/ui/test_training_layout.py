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


def _data_area(plot):
    return plot.getViewBox().sceneBoundingRect()


def _shown_plots(graphics):
    return [p for p in _plots(graphics) if p.isVisible()]


def _check_readable(scroll, graphics, plot, where):
    """``plot`` (in ``graphics``, inside the PlotScroll ``scroll``) has a data area of at least
    MIN_DATA_HEIGHT, its title shown whole, and scrolling brings its data area into view."""
    from rnnviz.ui.training_views import MIN_DATA_HEIGHT

    name = (where, plot.titleLabel.text)
    data = _data_area(plot)
    assert data.height() >= MIN_DATA_HEIGHT - 0.5 and data.width() >= 100, (name, data)
    title = plot.titleLabel.item.sceneBoundingRect()
    whole = plot.sceneBoundingRect().adjusted(-1, 0, 1, 0)
    assert whole.left() <= title.left() and title.right() <= whole.right(), (name, title, whole)
    assert QRectF(graphics.viewport().rect()).adjusted(-1, -1, 1, 1).contains(
        QRectF(graphics.mapFromScene(title).boundingRect())), name
    # scrolled to: the data area lies inside the scroll area's viewport
    rect = graphics.mapFromScene(data).boundingRect()
    top_left = graphics.mapTo(scroll.widget(), rect.topLeft())
    scroll.ensureVisible(top_left.x() + rect.width() // 2, top_left.y() + rect.height() // 2,
                         rect.width() // 2 + 1, rect.height() // 2 + 1)
    QApplication.processEvents()
    shown = graphics.mapTo(scroll.viewport(), rect.topLeft())
    seen = QRectF(scroll.viewport().rect()).adjusted(-1, -1, 1, 1)
    assert seen.contains(QRectF(shown, rect.size().toSizeF())), (name, shown, rect, scroll.viewport().rect())


def test_every_training_plot_keeps_a_readable_data_area_at_any_window_size(qtbot, window):
    """At the window's least size (890 x 555), on a 1366 x 768 screen and at the first start's
    size, every plot of the Training tab (its three inner tabs) keeps a data area at least
    MIN_DATA_HEIGHT high with its title shown whole, and can be scrolled to. Before, the tab
    laid its plots out in a fixed grid: at 1366 x 768 the spectral radius and Jacobian plots
    had ~40 px of data under their legends, at the least size none, and the tab made the window
    at least 1080 px wide."""
    from rnnviz.training.loop import train
    from rnnviz.ui.compare_training import COMPARE_CELLS
    from rnnviz.ui.main_window import DEFAULT_SIZE
    from tests.training._worker_helpers import tiny

    panel = window.training
    window.actions.trigger("view.training")
    qtbot.waitUntil(panel.views_built)
    run = dict(hidden=(8, 6), batch=4, val_batch=8, steps=12, val_every=4, metrics_every=4)
    panel.history.extend(train(tiny(cell="lstm", task="delayed_recall", lag=3, **run)))
    panel.redraw(force=True)
    compare = panel.compare
    for c in COMPARE_CELLS:
        compare.histories[c].extend(train(tiny(cell=c, **run)))
        compare._on_sweep_result(c, 10, 0.3)
        compare._on_sweep_result(c, 20, 0.2)
    compare.redraw()
    columns = {}
    for size in ((890, 555), (1366, 768), DEFAULT_SIZE):
        window.resize(*size)
        for _ in range(3):
            QApplication.processEvents()
        assert window.size().toTuple() == tuple(size)  # the tab does not widen the window
        for tab in range(panel.tabs.count()):
            panel.tabs.setCurrentIndex(tab)
            for _ in range(3):
                QApplication.processEvents()
            window.grab()
            if tab < 2:
                scroll = panel.grads_scroll if tab == 0 else panel.gates_scroll
                views = [v for v in scroll.views if v.isVisible()]
                assert len(views) == (6 if tab == 0 else 1)
                checks = [(g, p) for v in views for g, ps in _views_of(v) for p in _shown_plots(g)]
                assert len(checks) == (8 if tab == 0 else 2)  # loss + accuracy, the spectra's two
            else:
                scroll = compare.plot_scroll
                checks = [(compare.graphics, p) for p in (compare.loss_plot, compare.norm_plot, compare.sweep_plot)]
            for graphics, plot in checks:
                _check_readable(scroll, graphics, plot, (size, tab))
        columns[size] = (panel.grads_scroll.columns(), compare.plot_scroll.columns(),
                         panel.grads_scroll.verticalScrollBar().maximum() > 0)
    # narrow: one column, scrolled; a laptop screen: three columns, scrolled a little; the first
    # start's size: all six views at once
    assert columns == {(890, 555): (1, 1, True), (1366, 768): (3, 2, True), DEFAULT_SIZE: (3, 2, False)}


def _wheel(widget, ctrl=False, up=False):
    """A mouse wheel turn (one notch down, or ``up``) over the middle of ``widget``."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent

    pos = QPointF(widget.rect().center())
    mods = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    event = QWheelEvent(pos, QPointF(widget.mapToGlobal(pos.toPoint())), QPoint(0, 0), QPoint(0, 120 if up else -120),
                        Qt.MouseButton.NoButton, mods, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def _grid_of_four(qtbot, columns=3, column_width=300):
    """A PlotScroll of four gradient norm views with data."""
    from rnnviz.training.loop import train
    from rnnviz.ui.training_views import GradNormView, PlotScroll, TrainingHistory
    from tests.training._worker_helpers import tiny

    history = TrainingHistory()
    history.extend(train(tiny(hidden=(4,), batch=4, val_batch=8, steps=8)))
    views = [GradNormView() for _ in range(4)]
    for v in views:
        v.render(history)
    scroll = PlotScroll(views, columns=columns, column_width=column_width)
    qtbot.addWidget(scroll)
    scroll.resize(1000, 900)
    scroll.show()
    qtbot.waitExposed(scroll)
    return scroll, views


def _resize(widget, width, height):
    widget.resize(width, height)
    for _ in range(3):
        QApplication.processEvents()


def test_the_plot_grid_takes_the_columns_that_fit_and_scrolls_when_short(qtbot):
    """PlotScroll: as many columns (of at least column_width) as fit, up to its most; the views
    keep their least height (data areas of MIN_DATA_HEIGHT) and scroll when the area is short."""
    from rnnviz.ui.training_views import MIN_DATA_HEIGHT

    scroll, views = _grid_of_four(qtbot)
    seen = []
    scroll.columns_changed.connect(seen.append)
    for width, cols in ((1000, 3), (900, 2), (640, 2), (600, 1), (1000, 3)):
        _resize(scroll, width, 900)
        assert scroll.columns() == cols, width
        lefts = sorted({v.x() for v in views})
        assert len(lefts) == cols and all(v.width() >= 300 for v in views), (width, lefts)
    assert seen == [2, 1, 3]
    assert scroll.verticalScrollBar().maximum() == 0  # two rows fit 900 px
    _resize(scroll, 600, 400)  # one column of four views at their least height: scrolls
    assert scroll.verticalScrollBar().maximum() > 0
    for v in views:
        assert v.height() >= v.minimumSizeHint().height()
        assert v.plot.getViewBox().sceneBoundingRect().height() >= MIN_DATA_HEIGHT - 0.5


def test_the_wheel_over_a_plot_scrolls_the_grid_and_ctrl_wheel_zooms_it(qtbot):
    """While the grid scrolls, the wheel over a plot scrolls the grid instead of zooming the plot
    (the page stuck under the pointer); Ctrl+wheel zooms it. With nothing to scroll the wheel
    zooms, as before."""
    scroll, views = _grid_of_four(qtbot)
    viewport = views[0].graphics.viewport()
    vb = views[0].plot.getViewBox()
    before = vb.viewRange()
    _wheel(viewport)
    assert vb.viewRange() != before  # nothing to scroll: the wheel zooms, as it did
    vb.autoRange()
    _resize(scroll, 600, 400)
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0
    before, value = vb.viewRange(), bar.value()
    _wheel(viewport)
    assert bar.value() > value and vb.viewRange() == before  # scrolled, not zoomed
    value = bar.value()
    _wheel(viewport, ctrl=True)
    assert bar.value() == value and vb.viewRange() != before  # Ctrl+wheel zooms the plot
