"""A network whose state overflows (a ReLU RNN with W_hh = 1.5 I, lesson 7's exploding setting)
keeps the live window working: the views show what is finite, the trajectory says why it is
empty, and no warning or exception escapes."""
import warnings

import numpy as np
import pytest

from rnnviz.ui.live_view import LiveView
from tests.ui._live_models import char_lm


@pytest.fixture
def exploding():
    m = char_lm("rnn_relu", (16,), seed=0)
    m.net.params["weight_hh_l0"][:] = 1.5 * np.eye(16, dtype=m.net.params["weight_hh_l0"].dtype)
    m.net.params["bias_hh_l0"][:] = 0.5
    return m


def test_an_overflowing_state_is_shown_and_explained_not_raised(qtbot, exploding):
    view = LiveView()
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    view.set_model(exploding, "relu")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning would fail here
        for n in (20, 300, 40):
            view.set_text("a" * n)
            view.flush()
            view.grab()  # paints every view (an exception or warning there fails the test)
            h = view.heatmap("h").image_data()
            assert h.shape == (16, n)
            overflowed = not np.isfinite(h).all()
            assert overflowed == (n == 300)
            if overflowed:
                first = int(np.argmax(~np.isfinite(h).all(axis=0)))
                assert view.trajectory.points().shape[0] == 0
                # the first column holding inf or NaN, read as t = index + 1
                assert f"step {first + 1} on" in view.trajectory.hint_text()
                assert "overflow" in view.trajectory.hint_text()
            else:
                assert view.trajectory.points().shape == (n, 2)
                assert not view.trajectory.hint.isVisible()
