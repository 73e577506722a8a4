"""Training plots with little to draw: a NaN right after the first step (its red mark must be
inside the view)."""
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QApplication

from rnnviz.ui.training_panel import TrainingPanel
from tests.training._worker_helpers import tiny as tiny_run

TIMEOUT = 30_000


def tiny(**kw):
    """A tanh RNN of 4 units on sequences of 5 (see tests/ui/test_training_panel.py)."""
    return tiny_run(**{"length": 5, "cell": "rnn_tanh", "hidden": (4,), "batch": 4, "val_batch": 8,
                       "steps": 50, **kw})


@pytest.fixture
def panel(qtbot):
    p = TrainingPanel()
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.set_config(tiny())
    p.show()
    qtbot.waitExposed(p)
    yield p
    thread = p.worker.training_thread if p.worker is not None else None
    assert p.shutdown(10_000)
    assert thread is None or not thread.isRunning()


def _redraw(panel) -> None:
    """Draw the history now and let the plots settle their ranges."""
    panel.redraw(force=True)
    for view in panel.views:
        view.settle()
    QApplication.processEvents()


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
    note = view.plot.legend.note
    assert note.isVisible()
    assert note.toPlainText().replace("\u00a0", " ") == "clipped 0 of 1 step \u00b7 1 NaN/Inf step undone (red line)"
    # the title is shown whole, within the plot
    title = view.plot.titleLabel.item.sceneBoundingRect()
    whole = view.plot.sceneBoundingRect().adjusted(-1, 0, 1, 0)
    assert whole.left() <= title.left() and title.right() <= whole.right(), (title, whole)
    shown = QRectF(view.graphics.viewport().rect()).adjusted(-1, -1, 1, 1)
    assert shown.contains(QRectF(view.graphics.mapFromScene(title).boundingRect()))
