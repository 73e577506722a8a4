"""What the Examples menu and the lessons say the shipped models show, checked on those models.

Each example is opened the way a person opens it (its action in the Examples menu, a lesson
through the Lessons panel), on the models in resources/models/, and the claim of its hint or
lesson text is checked on what the views then hold: the top-5 panel, the P(class) series, the
heatmaps, the unit the example selects, the compare columns.
"""
import re

import numpy as np
import pytest

from rnnviz import resources
from rnnviz.analysis.unit_search import find_units
from rnnviz.data.corpora import bracket_depth_of, inside_quote_of
from rnnviz.lessons import get_lesson
from rnnviz.ui.examples import EXAMPLES
from tests.ui._live_models import type_text

CLOSING = ")]}"


@pytest.fixture
def models_dir():
    """The shipped models: the claims are about them."""
    return resources.models_dir()


# ----------------------------------------------------------------------------- helpers
def _open_example(window, title: str):
    """Choose the example called ``title`` in the Examples menu; return it."""
    n = next(i for i, ex in enumerate(EXAMPLES) if ex.title == title)
    window.actions[f"examples.{n}"].trigger()
    window.flush()
    assert window.live.text() == EXAMPLES[n].text
    return EXAMPLES[n]


def _top5_after(window, step: int) -> list[str]:
    """Hover column ``step`` of the h heatmap; the tokens the top-5 panel then shows."""
    window.live.heatmap("h").hover_cell(step, 0)
    assert window.live.topk.step() == step
    return [tok for tok, _ in window.live.topk.entries()]


def _p_positive(window) -> dict:
    """P(positive) after each token, as the P(class) panel holds it: {token: value} (first
    occurrence of a token) and the series itself."""
    view = window.live.class_view
    series = view.series()[:, view.class_names().index("positive")]
    tokens = window.live.heatmap("h").tokens()
    at = {}
    for tok, p in zip(tokens, series):
        at.setdefault(tok, float(p))
    return at, series


def _step_of(tokens: list[str], text: str, word: str) -> int:
    """The step of the last token of ``word`` in ``text`` (characters or words)."""
    if all(len(t) <= 1 for t in tokens):
        return text.index(word) + len(word) - 1
    return tokens.index(word.lower())


def _rows_keeping_colour(view, first: int, last: int) -> int:
    """Rows of heatmap ``view`` whose colour keeps its side of 0 and a visible strength (at
    least a tenth of the colour range) at every step from ``first`` to ``last``."""
    values = view.image_data()[:, first:last + 1]
    bound = max(abs(v) for v in view.levels())
    same_sign = (np.sign(values) == np.sign(values[:, :1])).all(axis=1)
    strong = (np.abs(values) >= 0.1 * bound).all(axis=1)
    return int((same_sign & strong).sum())


# ----------------------------------------------------------------------------- examples
def test_unclosed_bracket_expects_the_square_bracket_then_the_round_one(qtbot, window):
    ex = _open_example(window, "Unclosed bracket")
    top = [tok for tok, _ in window.live.topk.entries()]
    assert window.live.topk.step() == len(ex.text) - 1  # the cursor the example leaves: the end
    assert top[0] == "]"  # the innermost open bracket is a '[': ']' first, before any ')'
    type_text(qtbot, window, "]")
    assert window.live.topk.entries()[0][0] == ")"


@pytest.mark.parametrize("model", ["brackets_lstm", "sentiment_lstm"])
def test_memory_example_rows_of_c_keep_their_colour_from_bank_to_down(qtbot, window, model):
    assert window.select_model(model)
    ex = _open_example(window, "Memory: 'The bank was steep…'")
    live = window.live
    tokens = live.heatmap("h").tokens()
    first, last = _step_of(tokens, ex.text, "bank"), _step_of(tokens, ex.text, "down")
    assert _rows_keeping_colour(live.heatmap("c"), first, last) >= 3


def test_prediction_example_expects_the_end_of_the_line(qtbot, window):
    assert window.select_model("brackets_lstm")
    ex = _open_example(window, "Prediction: 'I love eating'")
    assert window.live.topk.step() == len(ex.text) - 1
    assert window.live.topk.entries()[0][0] == "\n"
    assert window.live.topk.display_labels()[0] == "\u23ce"  # the symbol the hint names


def test_sentiment_swing_at_terrible_and_amazing(qtbot, window):
    _open_example(window, "Sentiment swing: food / service")
    _, p = _p_positive(window)
    tokens = window.live.heatmap("h").tokens()
    bad, good = tokens.index("terrible"), tokens.index("amazing")
    assert p[bad] < p[bad - 1] - 0.2 and p[bad] < 0.2      # drops at 'terrible'
    assert p[good] > p[good - 1] + 0.5 and p[good] > 0.8  # climbs again at 'amazing'


def test_negative_then_positive_sinks_at_boring_and_climbs_at_great(qtbot, window):
    _open_example(window, "Sentiment: negative then positive")
    at, p = _p_positive(window)
    assert at["boring"] < 0.1 and at["but"] < 0.1
    assert p[-1] > 0.9 and window.live.heatmap("h").tokens()[-1] == "great"


def test_positive_then_negative_falls_after_but(qtbot, window):
    _open_example(window, "Sentiment: positive then negative")
    at, p = _p_positive(window)
    tokens = window.live.heatmap("h").tokens()
    assert at["lovely"] > 0.9
    assert at["but"] < at["lovely"] - 0.5                           # falls at 'but' …
    assert p[tokens.index("but"):].max() < at["lovely"] - 0.2      # … and stays below
    assert p[-1] < 0.1 and tokens[-1] == "rude"   # ends near 0: classified negative


def test_nested_brackets_unit_rises_with_depth_and_falls_at_each_close(qtbot, window):
    ex = _open_example(window, "Brackets: nested")
    series = window.live.unit_line.series()
    assert np.corrcoef(series, bracket_depth_of(ex.text))[0, 1] >= 0.5
    for i, ch in enumerate(ex.text):
        if ch in CLOSING:
            assert series[i] < series[i - 1], (i, ch)


def test_deep_nesting_unit_climbs_through_the_opening_run_and_comes_back_down(qtbot, window):
    ex = _open_example(window, "Brackets: deep nesting")
    series = window.live.unit_line.series()
    assert ex.text.startswith("((((")
    assert np.all(np.diff(series[:4]) > 0)                # climbs through '(((('
    a, closed = ex.text.index("a"), ex.text.index(")))") + 2
    assert series[closed] < series[a] - 1.0               # back down once ')))' is read


def test_quote_unit_flips_at_every_quote_and_a_quoted_bracket_fools_it(qtbot, window):
    ex = _open_example(window, "Quotes")
    series = window.live.unit_line.series()
    quoted = inside_quote_of(ex.text)
    quotes = [i for i, ch in enumerate(ex.text) if ch == '"']
    inside_sign = np.sign(series[quotes[0]])
    for i in quotes:  # an opening quote has the inside colour, a closing one the outside colour
        assert np.sign(series[i]) == (inside_sign if quoted[i] else -inside_sign), i
    assert "print(\"hello (world)\")" in ex.hint
    extra = ' print("hello (world)")'
    type_text(qtbot, window, extra)
    series = window.live.unit_line.series()
    bracket = len(ex.text) + extra.index("(w")
    assert inside_quote_of(ex.text + extra)[bracket]      # the '(' is inside the quote …
    assert np.sign(series[bracket]) == -inside_sign       # … and the unit shows 'outside'


# ----------------------------------------------------------------------------- lessons
def test_memory_lesson_rows_of_c_keep_their_colour_more_than_rows_of_h(qtbot, window):
    lesson = get_lesson("memory")
    assert "rows of c_t keep their colour" in lesson.look
    window.open_lesson("memory")
    live, text = window.live, lesson.setup.text
    first, last = text.index("bank") + 3, text.index("down") + 3
    assert _rows_keeping_colour(live.heatmap("c"), first, last) > _rows_keeping_colour(
        live.heatmap("h"), first, last)


def test_many_to_one_lesson_swings_and_follows_the_last_clause(qtbot, window):
    window.open_lesson("shapes-sentiment")
    _, p = _p_positive(window)
    tokens = window.live.heatmap("h").tokens()
    assert p[tokens.index("terrible")] < 0.2 and p[tokens.index("amazing")] > 0.8
    window.text_edit.selectAll()  # Try this: swap the two adjectives
    type_text(qtbot, window, "The food was amazing but the service was terrible")
    _, p = _p_positive(window)
    assert p[-1] < 0.2  # the final P(positive) follows the last clause


def test_many_to_many_lesson_expects_the_bracket_still_open(qtbot, window):
    lesson = get_lesson("shapes-next-char")
    window.open_lesson(lesson.id)
    text = lesson.setup.text
    close_round = text.index("data)") + len("data)") - 1
    assert _top5_after(window, close_round)[0] == "]"       # after 'data)': the '[' is still open
    assert text[close_round + 1] == "]"
    assert _top5_after(window, close_round + 1)[0] == ")"   # after that ']': the '(' of print
    for i, ch in enumerate(text):
        if ch in "([{":  # right after an opening bracket: an argument, not a closing bracket
            assert not set(_top5_after(window, i)) & set(CLOSING), (i, ch)


def test_compare_lesson_names_only_what_its_columns_show(qtbot, window):
    """Lesson 9 runs in compare mode: every state or gate its text asks to watch is drawn."""
    lesson = get_lesson("gates-cell-state")
    window.open_lesson(lesson.id)
    assert window.compare_mode
    shown = {"h"} | {p.memory_key for p in window.compare.panels}
    named = set(re.findall(r"(?<!\w)([a-z])_t\b", lesson.look + " " + lesson.suggestion))
    assert named and named <= shown, named - shown


def test_compare_lesson_gates_and_depth_units(qtbot, window):
    window.open_lesson("gates-cell-state")
    panels = {p.family: p for p in window.compare.panels}
    f = panels["lstm"].memory_view.image_data()
    z = panels["gru"].memory_view.image_data()
    assert (f.mean(axis=1) > 0.8).sum() >= 10             # many rows of f_t yellow (near 1)
    assert z.mean() < 0.3 and (z > 0.8).any()             # z_t mostly dark, a few yellow cells
    window.actions["view.find_unit.bracket_depth"].trigger()  # Try this
    assert "tracks bracket depth" in panels["gru"].h_view.title()   # a clear counter in h_t
    assert "closest to bracket depth" in panels["rnn"].h_view.title()
    assert "closest to bracket depth" in panels["lstm"].h_view.title()
    assert "LSTM: no clear unit" in window.status_text() and "in its cell state c" in window.status_text()


def test_deep_lesson_has_a_depth_counter_in_c_of_the_top_layer_only(qtbot, window):
    window.open_lesson("deep")
    bottom = find_units(window.model, "bracket_depth", keys=("c",), layers=(0,))["c"]
    top = find_units(window.model, "bracket_depth", keys=("c",), layers=(1,))["c"]
    assert top.clear and not bottom.clear
    window.actions["view.find_unit.bracket_depth"].trigger()  # "checks your answer"
    assert window.live.layer == 1 and window.live.selected_unit() == ("c", top.unit)
