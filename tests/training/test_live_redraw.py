"""The live training views' redraw path: metric views skip unchanged renders but never show a
previous run's data; grid lines are painted opaque (pre-blended), looking the same."""

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from rnnviz.training.config import TrainConfig
from rnnviz.training.loop import train


def run(cell, seed=0):
    cfg = TrainConfig(task="adding", length=6, cell=cell, hidden=(4,), batch=4, val_batch=8, steps=6,
                      val_every=3, metrics_every=3, seed=seed)
    return list(train(cfg))


def test_spectrum_view_skips_unchanged_metrics_but_not_a_new_run(qtbot):
    from rnnviz.ui.training_views import SpectrumView, TrainingHistory

    view = SpectrumView()
    qtbot.addWidget(view)
    history = TrainingHistory()
    history.extend(run("gru")[:4])            # metrics at step 3
    view.render(history)
    first = view.series("\u03c1(W_hr)")[1].copy()
    history.add(run("gru")[4])                 # step 5: same metrics step, nothing to redraw
    view.render(history)
    np.testing.assert_array_equal(view.series("\u03c1(W_hr)")[1], first)
    # a new run (history cleared) with the same metrics steps must show the new numbers
    history.clear()
    other = run("gru", seed=7)[:4]
    history.extend(other)
    view.render(history)
    expected = [s[0][0]["r"] for s in history.spectra]
    np.testing.assert_allclose(view.series("\u03c1(W_hr)")[1], expected)
    assert not np.allclose(view.series("\u03c1(W_hr)")[1], first)


def test_grid_lines_are_opaque_and_blended_with_the_background(qtbot):
    from PySide6.QtGui import QImage, QPainter

    from rnnviz.ui import theme
    from rnnviz.ui.training_views import GradNormView, TrainingHistory

    view = GradNormView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    history = TrainingHistory()
    history.extend(run("lstm"))
    view.render(history)
    axis = view.plot.getAxis("bottom")
    img = QImage(10, 10, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    _, ticks, _ = axis.generateDrawSpecs(p)
    p.end()
    assert axis.grid is not False and ticks
    bg = theme.background_color()
    colors = {pen.color().rgba() for pen, _, _ in ticks}
    assert all(pen.color().alpha() == 255 for pen, _, _ in ticks)
    assert bg.rgba() not in colors   # faint, but visible: between the background and the text colour
