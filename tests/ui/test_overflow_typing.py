"""Typing into a network whose state overflows (a 2-layer ReLU RNN with W_hh = 1.5 I, lesson 7's
exploding setting, opened from disk): a paste and every key after it redraw the Memory tab with
the new step count, the views hold the engine's arrays where they are finite and say where they
are not, and no exception escapes a slot (one used to freeze the views at the paste)."""
import warnings

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.analysis.test_live_overflow import TEXT, assert_same_where_finite, exploding_lm, full_pass


@pytest.fixture
def exploding(window, tmp_path):
    """The main window showing the exploding model, opened from a file."""
    path = tmp_path / "relu_explode.npz"
    exploding_lm().save(path)
    assert window.load_model_file(path)
    return window


def applied(window):
    """The live view has drawn what the text box holds."""
    live = window.live
    return not live._pending and live.text() == window.text_edit.toPlainText()


def assert_views_hold(window, text):
    """Every Memory view shows ``text``'s steps; the heatmaps and the runner hold one forward
    pass's arrays, inf/NaN included; the trajectory names the first step that overflowed."""
    window.flush()
    live, model = window.live, window.model
    T = len(text)
    trace, probs = full_pass(model, text)
    for key, hm in live.heatmaps().items():
        assert hm.shape()[0] == T, key
        assert_same_where_finite(hm.image_data().T, trace.states(live.layer, 0)[key][:, 0], key)
    for layer in range(model.net.num_layers):  # the incremental state of every layer
        assert_same_where_finite(live.runner.states(layer)["h"], trace.states(layer, 0)["h"][:, 0],
                                 f"layer {layer}")
    assert len(live.strip.tokens()) == T
    key, unit = live.selected_unit()
    assert_same_where_finite(live.unit_line.series(), trace.states(live.layer, 0)[key][:, 0, unit], "line")
    assert live.cursor() == T - 1
    h = trace.states(live.layer, 0)["h"][:, 0]
    first = int(np.argmax(~np.isfinite(h).all(axis=1)))
    hint = live.trajectory.hint_text()
    assert "overflowed" in hint and f"from step {first + 1} on" in hint, hint
    assert live.trajectory.points().shape[0] == 0
    assert np.isnan(probs[-1]).all()
    assert live.topk.step() == T - 1
    assert "every probability is NaN" in live.topk.heading_text()


def test_paste_then_keys_keep_every_view_current(qtbot, exploding):
    window = exploding
    window.text_edit.clear()
    qtbot.waitUntil(lambda: applied(window))
    with qtbot.captureExceptions() as raised:
        QApplication.clipboard().setText(TEXT)
        window.text_edit.setFocus()
        qtbot.keyClick(window.text_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: applied(window) and window.live.result.steps == len(TEXT))
        window.grab()  # paints every view
        assert not raised
        assert_views_hold(window, TEXT)
        # plot a unit that reached +inf (its line's y range once went to inf and raised)
        h = full_pass(window.model, TEXT)[0].states(0, 0)["h"][:, 0]
        unit = int(np.flatnonzero(np.isposinf(h).any(axis=0))[0])
        window.live.heatmap("h").click_unit(unit)
        assert window.live.selected_unit() == ("h", unit)
        text = TEXT
        for ch in "x(y)z":
            qtbot.keyClicks(window.text_edit, ch)
            text += ch
            qtbot.waitUntil(lambda: applied(window))
            window.grab()
            assert not raised, ch
            assert_views_hold(window, text)
        qtbot.keyClick(window.text_edit, Qt.Key.Key_Backspace)
        qtbot.waitUntil(lambda: applied(window))
        assert_views_hold(window, text[:-1])
        assert not raised


def test_the_upper_layer_and_connectivity_after_an_overflow(qtbot, exploding):
    window = exploding
    window.text_edit.clear()
    with qtbot.captureExceptions() as raised:
        window.text_edit.insertPlainText(TEXT)
        qtbot.keyClicks(window.text_edit, "ab")
        qtbot.waitUntil(lambda: applied(window))
        window.actions["view.next_layer"].trigger()  # the upper layer: its input overflowed too
        assert window.live.layer == 1
        qtbot.keyClicks(window.text_edit, "c")
        qtbot.waitUntil(lambda: applied(window))
        window.grab()
        assert_views_hold(window, TEXT + "abc")
        # connectivity at a step before the overflow is finite and scaled to its largest
        live, strip = window.live, window.live.strip
        strip.step_clicked.emit(5)
        assert strip.mode() == "shading"
        assert np.isfinite(strip.values()).all() and strip.values().max() == pytest.approx(1.0)
        # at the last step the gradient went through the overflow: not shaded, and said so
        strip.step_clicked.emit(len(TEXT) + 2)
        window.grab()
        assert not np.isfinite(strip.values()).all()
        assert "not finite" in live.strip_label.text()
        assert not raised


def test_an_automatically_chosen_unit_varies_most_where_finite(qtbot, exploding):
    """Until a row is clicked, the line plots the unit of h whose finite values vary most (the
    one that grew most before it overflowed), not the first unit with a NaN standard deviation."""
    window = exploding
    window.text_edit.clear()
    window.text_edit.insertPlainText(TEXT)
    qtbot.waitUntil(lambda: applied(window))
    window.flush()
    h = full_pass(window.model, TEXT)[0].states(0, 0)["h"][:, 0].astype(np.float64)
    spread = np.nanstd(np.where(np.isfinite(h), h, np.nan), axis=0)
    assert window.live.selected_unit() == ("h", int(np.argmax(spread)))
    assert window.live.selected_unit() != ("h", 0)


def test_a_short_overflowing_series_has_dots_at_its_finite_steps_only(qtbot):
    """A line short enough for dots (a fast-exploding network) draws no dot at inf or NaN (one
    there was placed at inf * 0 = NaN, with a warning on every paint)."""
    from rnnviz.ui.line_view import UnitLineView

    view = UnitLineView()
    qtbot.addWidget(view)
    view.resize(500, 200)
    view.show()
    values = np.array([0.5, 2.0, 3e38, np.inf, np.nan, np.nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view.set_series(values, list("abcdef"), "h unit 0")
        view.grab()
    np.testing.assert_array_equal(view.dot_points(), [[0, 0.5], [1, 2.0], [2, 3e38]])
    lo, hi = view.plot.getViewBox().viewRange()[1]
    assert lo < -1.0 and 3e38 < hi < np.inf  # the finite values, not inf
