"""Training plots with little to draw: one step (a line through one point draws nothing), a NaN
right after it (its red mark must be inside the view), ratios of 0 on a log axis (truncated
BPTT: said in a note, since the log axis cannot show them)."""
import math

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QApplication

from tests.ui._training_helpers import TIMEOUT, tiny

# ``panel``: the fixture of tests/ui/conftest.py


def _redraw(panel) -> None:
    """Draw the history now and let the plots settle their ranges."""
    panel.redraw(force=True)
    for view in panel.views:
        view.settle()
    QApplication.processEvents()


def _step(qtbot, panel, n: int) -> None:
    """Press Step until ``n`` training steps are recorded."""
    while len(panel.history) < n:
        done = len(panel.history)
        qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(panel.history) > done, timeout=TIMEOUT)
        qtbot.waitUntil(lambda: panel.state() == "paused", timeout=TIMEOUT)
    _redraw(panel)


def _shown_points(curve) -> list[tuple[float, float]]:
    """The points ``curve`` draws as markers and that lie in its view (in view coordinates:
    log10 on a log axis)."""
    (x0, x1), (y0, y1) = curve.getViewBox().viewRange()
    pts = [(p.pos().x(), p.pos().y()) for p in curve.scatter.points()] if curve.opts["symbol"] else []
    return [(x, y) for x, y in pts if x0 <= x <= x1 and y0 <= y <= y1]


def _line_curves(panel):
    """name -> the line curves of the loss, ratio, gradient-norm and spectral-radius plots."""
    out = {"train loss": panel.loss_view.train_curve, "train loss (average)": panel.loss_view.smooth_curve,
           "ratio": panel.ratio_view.curve, "grad norm": panel.grad_norm_view.curve}
    out.update(panel.spectrum_view._radius_curves)
    return out


def test_after_one_step_every_plot_shows_its_point(qtbot, panel):
    _step(qtbot, panel, 1)
    curves = _line_curves(panel)
    assert any(name.startswith("\u03c1") for name in curves)  # the spectral radius was drawn
    for name, curve in curves.items():
        x, y = curve.getData()
        assert len(x) == 1, name
        shown = _shown_points(curve)
        assert len(shown) == 1 and shown[0][0] == pytest.approx(1.0), (name, shown)


def test_from_the_second_point_the_curves_are_plain_lines(qtbot, panel):
    _step(qtbot, panel, 1)
    _step(qtbot, panel, 2)
    for name in ("train loss", "train loss (average)", "ratio", "grad norm"):
        curve = _line_curves(panel)[name]
        assert curve.opts["symbol"] is None and len(curve.getData()[0]) == 2, name


def test_a_nan_at_step_two_is_marked_inside_the_view_and_the_title_fits(qtbot, panel):
    # a ReLU RNN with W_hh scaled by 3, plain SGD at lr 1, no clipping: step 2 overflows
    panel.set_config(tiny(cell="rnn_relu", recurrent_scale=3.0, lr=1.0, optimizer="sgd", clip=None,
                          length=20, hidden=(16,)))
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.history.nan_steps != [] and panel.state() == "paused", timeout=TIMEOUT)
    assert panel.history.steps == [1] and panel.history.nan_steps == [2]
    _redraw(panel)
    view = panel.grad_norm_view
    (x0, x1), _ = view.plot.getViewBox().viewRange()
    assert x0 < 1.0 and 2.0 < x1  # the good step and the undone one
    assert view.nan_marks() == [2.0]
    assert len(_shown_points(view.curve)) == 1
    note = view.plot.legend.note
    assert note.isVisible()
    assert note.toPlainText().replace("\u00a0", " ") == "clipped 0 of 1 step \u00b7 1 NaN/Inf step undone (red line)"
    # the title is shown whole, within the plot
    title = view.plot.titleLabel.item.sceneBoundingRect()
    whole = view.plot.sceneBoundingRect().adjusted(-1, 0, 1, 0)
    assert whole.left() <= title.left() and title.right() <= whole.right(), (title, whole)
    shown = QRectF(view.graphics.viewport().rect()).adjusted(-1, -1, 1, 1)
    assert shown.contains(QRectF(view.graphics.mapFromScene(title).boundingRect()))


def test_ratios_of_zero_under_truncated_bptt_are_explained(qtbot, panel):
    panel.set_config(tiny(truncate=2))
    _step(qtbot, panel, 2)
    ratios = panel.ratio_view.series("ratio")[1]
    assert list(ratios) == [0.0, 0.0]  # ||dL/dh_1|| = 0: the gradient stops 2 steps back
    assert _shown_points(panel.ratio_view.curve) == []
    note = panel.ratio_view.plot.legend.note
    assert note.isVisible()
    text = note.toPlainText().replace("\u00a0", " ")
    assert "ratio 0 at 2 of 2 steps" in text and "truncated BPTT (2 steps)" in text


def test_zero_norms_of_truncated_bptt_are_counted_in_the_step_norm_note(qtbot, panel):
    panel.set_config(tiny(truncate=2))
    _step(qtbot, panel, 1)
    norms = panel.step_norm_view.series("layer 1")[1]
    zeros = int((norms == 0).sum())
    assert 0 < zeros < len(norms) and all(math.isfinite(v) for v in norms)  # early steps get no gradient
    text = panel.step_norm_view.plot.legend.note.toPlainText().replace("\u00a0", " ")
    assert f"{zeros} zero values not shown on the log axis" in text
