"""The P(class) plot's legend sits in a row of its own above the data: it never covers the
curves, whose newest points are drawn at the right edge while typing."""
import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from rnnviz.ui.prediction_view import ClassProbabilityView


def _settle(w):
    for _ in range(3):
        QApplication.processEvents()
    w.grab()  # lays out and paints, as on screen


def _check_legend_clear_of_data(w, names):
    vb = w.plot.getViewBox()
    legend = w.legend.sceneBoundingRect()
    data = vb.sceneBoundingRect()
    assert [label.text for _, label in w.legend.items] == names  # one entry per class
    assert legend.width() > 0 and legend.height() > 0 and w.legend.isVisible()
    assert not legend.intersects(data), (legend, data)
    assert legend.bottom() <= data.top() and legend.right() <= data.right() + 1  # above the data, right-aligned
    # on screen: inside the plot's viewport
    shown = QRectF(w.plot_widget.mapFromScene(legend).boundingRect())
    assert QRectF(w.plot_widget.viewport().rect()).adjusted(-1, -1, 1, 1).contains(shown), shown
    # the newest point of every curve is drawn where the legend is not
    T = len(w.tokens())
    for j in range(len(names)):
        newest = w.scene_pos_of(T - 1, float(w.series()[-1, j]))
        assert data.contains(newest) and not legend.contains(newest)


@pytest.mark.parametrize("names,size", [
    (["negative", "positive"], (380, 260)),                      # the sentiment model, as in the window
    ([f"class number {i}" for i in range(8)], (320, 320)),       # many long names in a narrow plot
])
def test_the_class_legend_does_not_cover_the_newest_points(qtbot, names, size):
    w = ClassProbabilityView()
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    rng = np.random.default_rng(0)
    T = 16  # the time axis is then exactly 16 steps wide: the newest points at its right edge
    p = rng.dirichlet(np.ones(len(names)), size=T)
    p[-1] = 0.0
    p[-1, 0] = 1.0  # the newest point of the first class in the top right corner
    tokens = [f"t{i}" for i in range(T)]
    w.set_probabilities(p, tokens, names)
    _settle(w)
    _check_legend_clear_of_data(w, names)
    # typing on (the curves are updated in place) and resizing keep it clear of the data
    q = np.vstack([p, rng.dirichlet(np.ones(len(names)), size=8)])
    q[-1] = 0.0
    q[-1, -1] = 1.0
    w.set_probabilities(q, tokens + [f"t{i}" for i in range(T, T + 8)], names)
    _settle(w)
    _check_legend_clear_of_data(w, names)
    w.resize(size[0] + 300, size[1])
    _settle(w)
    _check_legend_clear_of_data(w, names)
    w.resize(*size)
    _settle(w)
    _check_legend_clear_of_data(w, names)
