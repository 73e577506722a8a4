"""View › Find the unit that tracks …, the bracket examples that use it, and the starter example
the window opens on."""
import argparse

import numpy as np
import pytest

from rnnviz import app
from rnnviz.analysis.unit_search import find_unit
from rnnviz.ui import main_window, theme
from rnnviz.ui.examples import EXAMPLES, starter_for
from tests.ui._live_models import forward_states
from tests.ui._live_models import type_text as _type

DEPTH = "view.find_unit.bracket_depth"
QUOTE = "view.find_unit.inside_quote"
TEXT = 'f(a, (b + c)) "x" [d]'


@pytest.mark.parametrize("action, feature", [(DEPTH, "bracket_depth"), (QUOTE, "inside_quote")])
def test_find_action_shows_the_unit_the_search_finds(qtbot, window, action, feature):
    _type(qtbot, window, TEXT)
    want = find_unit(window.model, feature)
    live = window.live
    window.set_layer_direction(1 - want.layer, 1 - want.direction)  # the find changes both
    drawn = []
    live.rendered.connect(lambda: drawn.append((live.layer, live.direction, live.selected_unit())))
    window.actions[action].trigger()
    assert drawn == [(want.layer, want.direction, (want.key, want.unit))]  # one redraw, not two
    # the stand-in model is a 2-layer bidirectional LSTM: the selectors follow the unit found
    assert (window.layer_combo.currentIndex(), window.direction_combo.currentIndex()) == (want.layer, want.direction)
    assert (live.layer, live.direction) == (want.layer, want.direction)
    assert live.selected_unit() == (want.key, want.unit)
    states = forward_states(window.model, TEXT, want.layer, want.direction)
    np.testing.assert_allclose(live.unit_line.series(), states[want.key][:, want.unit], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(live.strip.values(), states[want.key][:, want.unit], rtol=1e-5, atol=1e-6)
    name = want.feature.name
    assert live.unit_line.label().startswith(f"{want.key} unit {want.unit} (layer {want.layer + 1}/2, ")
    assert f"{name} (r = {want.correlation:+.2f})" in live.unit_line.label()
    assert window.status_text() == want.describe()


def test_another_layer_drops_the_note_and_a_click_replaces_it(qtbot, window):
    _type(qtbot, window, TEXT)
    match = window.unit_finder.find("bracket_depth")
    assert "bracket depth" in window.live.unit_line.label()
    window.set_layer_direction(1 - match.layer, match.direction)
    assert "bracket depth" not in window.live.unit_line.label()
    window.unit_finder.find("bracket_depth")
    assert "bracket depth" in window.live.unit_line.label()
    window.live.heatmap("h").click_unit(0)
    assert window.live.unit_line.label() == f"h unit 0 (layer {match.layer + 1}/2, " + (
        "backward)" if match.direction else "forward)")


def test_actions_are_enabled_only_where_a_search_means_something(qtbot, window):
    assert window.actions[DEPTH].isEnabled() and window.actions[QUOTE].isEnabled()
    assert window.select_model("sentiment_lstm")  # reads words: no lone brackets
    assert not window.actions[DEPTH].isEnabled() and not window.actions[QUOTE].isEnabled()
    assert window.unit_finder.find("bracket_depth") is None
    assert "cannot show bracket depth" in window.status_text()
    assert window.select_model("brackets_lstm")
    assert window.actions[DEPTH].isEnabled()
    window.set_compare_mode(True)  # three character models: searched side by side
    assert window.actions[DEPTH].isEnabled() and window.actions[QUOTE].isEnabled()
    window.set_compare_mode(False)
    assert window.actions[DEPTH].isEnabled()
    assert window.select_model("sentiment_lstm")
    window.set_compare_mode(True)  # the model of the Memory tab does not matter there
    assert window.actions[DEPTH].isEnabled()
    window.set_compare_mode(False)
    assert not window.actions[DEPTH].isEnabled()


def test_in_compare_mode_each_column_highlights_its_own_unit_of_h(qtbot, window):
    window.set_compare_mode(True)
    cmp = window.compare
    qtbot.keyClicks(window.text_edit, TEXT)
    qtbot.waitUntil(lambda: not cmp._pending and cmp.steps() == len(TEXT))
    assert window.unit_finder.find("bracket_depth") is None  # (the live panel's result only)
    wants = [find_unit(p.model, "bracket_depth", keys=("h",), layers=(0,)) for p in cmp.panels]
    for p, name, want in zip(cmp.panels, ("plain RNN (tanh)", "GRU", "LSTM"), wants):
        assert p.h_view.selected_unit() == want.unit
        assert p.h_view.title() == f"h \u2014 unit {want.unit} {want.note()}"
        part = (f"{name}: unit {want.unit} (r = {want.correlation:+.2f})" if want.clear else
                f"{name}: no clear unit (closest: unit {want.unit}, r = {want.correlation:+.2f})")
        assert part in window.status_text()
    assert window.status_text().startswith("The unit of h that tracks bracket depth \u2014 plain RNN (tanh): ")
    qtbot.keyClicks(window.text_edit, " (z)")  # new text: the units stay highlighted
    qtbot.waitUntil(lambda: not cmp._pending and cmp.steps() == len(TEXT) + 4)
    assert cmp.panels[1].h_view.selected_unit() == wants[1].unit
    first = cmp.panels[0].h_view
    found_title = first.title()
    first.click_unit(first.selected_unit())  # the unit found, clicked: still the finding
    assert first.title() == found_title
    first.click_unit((first.selected_unit() + 1) % first.shape()[1])  # a unit picked by hand
    assert first.title() == "hidden state h"
    assert cmp.panels[1].h_view.title().startswith("h \u2014 unit ")


def test_in_compare_mode_a_model_that_cannot_read_the_feature_shows_no_unit(qtbot, window):
    from rnnviz.data.tokenize import CharTokenizer
    from rnnviz.engine.model import SequenceModel

    tok = CharTokenizer.from_text("abc def")  # no brackets
    plain = SequenceModel("gru", len(tok.vocab), [5], len(tok.vocab), target="classification_each",
                          encoding="onehot", tokenizer=tok, seed=0)
    window.set_compare_mode(True)
    cmp = window.compare
    cmp.select_units([3, 3, 3], ["x", "x", "x"])  # an earlier finding
    cmp.set_models([("compare_rnn", cmp.panels[0].model), ("plain_gru", plain)])
    window.unit_finder.find("bracket_depth")
    assert cmp.panels[1].h_view.selected_unit() is None and cmp.panels[1].h_view.title() == "hidden state h"
    assert "GRU: cannot read it." in window.status_text()
    assert cmp.panels[0].h_view.selected_unit() is not None


def test_in_compare_mode_the_shipped_trio_shows_which_cell_grows_a_bracket_counter(qtbot):
    """On the shipped compare models: the GRU has a clear depth unit in h, the plain RNN none, and
    the LSTM's counter sits in its cell state (which the status bar says, as the columns show h)."""
    w = main_window.MainWindow()
    qtbot.addWidget(w)
    w.set_compare_mode(True)
    w.actions[DEPTH].trigger()
    msg = w.status_text()
    assert "plain RNN (tanh): no clear unit (closest: unit 76, r = -0.21)" in msg
    assert "GRU: unit 15 (r = +0.70)" in msg
    assert "LSTM: no clear unit (closest: unit 75, r = +0.41), but in its cell state c: unit 75 (r = +0.59)" in msg
    assert w.compare.panels[1].h_view.selected_unit() == 15


def test_the_actions_are_in_the_view_menu(window):
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    texts = [a.text() for a in view.actions()]
    assert "Find the unit that tracks bracket depth" in texts
    assert "Find the unit that tracks being inside a quote" in texts


def test_bracket_example_selects_the_depth_unit(qtbot, window):
    n = next(i for i, ex in enumerate(EXAMPLES) if ex.title == "Brackets: nested")
    window.actions[f"examples.{n}"].trigger()
    want = find_unit(window.model, "bracket_depth")
    assert window.live.text() == EXAMPLES[n].text
    assert window.live.selected_unit() == (want.key, want.unit)
    assert window.live.layer == want.layer


def test_a_cell_state_unit_colours_the_text_by_its_own_range(qtbot, window):
    """c is not bounded by ±1: its text colours span the unit's range, as the label says."""
    _type(qtbot, window, TEXT)
    window.live.select_unit("c", 3)
    values = forward_states(window.model, TEXT)["c"][:, 3]
    levels = theme.levels_for("free", values)
    want = theme.value_rgba(values, "free", levels)
    got = np.array([c.getRgb() for c in window.live.strip.token_colors()])
    np.testing.assert_array_equal(got, want)
    assert "dark = lowest .. yellow = highest" in window.live.strip_label.text()
    window.live.select_unit("h", 3)
    assert "blue = negative" in window.live.strip_label.text()


def test_starter_example_is_selected_so_typing_replaces_it(qtbot, window):
    window.show_starter()
    ex = starter_for("brackets_lstm")
    assert ex.title == "Brackets: nested" and ex.unit_feature == "bracket_depth"
    assert window.text_edit.toPlainText() == ex.text
    assert window.text_edit.textCursor().selectedText() == ex.text
    assert window.live.text() == ex.text and window.live.result.steps == len(ex.text)
    assert not window.hint_label.isHidden() and ex.hint in window.hint_label.text()
    assert "bracket depth" in window.live.unit_line.label()
    _type(qtbot, window, "(x)")
    assert window.text_edit.toPlainText() == "(x)"


def test_program_text_hides_the_hint_and_a_memory_lesson_starts_from_its_layer(qtbot, window):
    """After the starter (the depth unit's layer, its hint), text set by the program hides the
    hint, and a Memory lesson that names no layer shows the bottom one with the most variable
    unit again."""
    window.show_starter()
    assert window.live.layer == find_unit(window.model, "bracket_depth").layer
    window.set_text("abc")
    assert window.hint_label.isHidden()
    window.show_starter()
    window.live.set_layer_direction(1, 1)
    assert window.open_lesson("memory")
    assert (window.live.layer, window.live.direction) == (0, 0)
    assert window.layer_combo.currentIndex() == 0
    assert "the most variable unit" in window.live.unit_line.label()


def test_a_lesson_on_another_tab_keeps_the_memory_tabs_layer_and_unit(qtbot, window):
    _type(qtbot, window, TEXT)
    window.set_layer_direction(1, 1)
    window.live.select_unit("c", 2)
    assert window.open_lesson("bptt-vanishing")  # the Training tab
    assert (window.live.layer, window.live.direction) == (1, 1)
    assert window.live.selected_unit() == ("c", 2)


def test_starters_of_other_models():
    assert starter_for("sentiment_lstm").text == "The food was terrible but the service was amazing"
    assert starter_for("compare_gru").model is None  # a sentence any model can read


@pytest.mark.parametrize("text, want", [(None, "starter"), ("typed", "typed"), ("", "")])
def test_launch_opens_on_the_starter_unless_text_is_given(qapp, monkeypatch, models_dir, text, want):
    monkeypatch.setenv("RNNVIZ_RESOURCES", str(models_dir.parent))
    seen = {}

    def fake_render(window, path):
        seen["text"] = window.text_edit.toPlainText()
        seen["unit"] = window.live.unit_line.label()
        seen["model"] = window.model
        return True

    monkeypatch.setattr(main_window, "render_to_png", fake_render)
    args = argparse.Namespace(screenshot="unused.png", text=text, model=None, lesson=None)
    assert app.run_app(args) == 0
    if want == "starter":
        assert seen["text"] == starter_for("brackets_lstm").text
        match = find_unit(seen["model"], "bracket_depth")
        assert seen["unit"].startswith(f"{match.key} unit {match.unit} ")
        assert seen["unit"].endswith(match.note())
    else:
        assert seen["text"] == want
