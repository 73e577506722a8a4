"""Lesson prose: math symbols get their subscripts, identifiers and file names stay as written."""
import pytest

from rnnviz.lessons import get_lesson
from rnnviz.ui.lessons_panel import prose_html


@pytest.mark.parametrize("name", ["brackets_lstm", "sentiment_lstm", "compare_rnn", "rnn_tanh",
                                  "weight_ih_l0", "one_to_many", "reversal_gru.npz", "my_rnn.npz"])
def test_identifiers_and_file_names_are_shown_verbatim(name):
    assert prose_html(f"Open {name} now.") == f"Open {name} now."


@pytest.mark.parametrize("text, want", [
    ("h_t", "h<sub>t</sub>"),
    ("c_t.", "c<sub>t</sub>."),
    ("W_hh", "W<sub>hh</sub>"),
    ("h_{t-1}", "h<sub>t-1</sub>"),
    ("||dL/dh_t||", "||dL/dh<sub>t</sub>||"),
    ("h\u2192_t", "h\u2192<sub>t</sub>"),
    ("\u0177_t", "\u0177<sub>t</sub>"),
    ("\u03c3_max of W_hh", "\u03c3<sub>max</sub> of W<sub>hh</sub>"),
])
def test_math_symbols_keep_their_subscripts(text, want):
    assert prose_html(text) == want


def test_the_deep_lesson_names_its_model_as_written(qtbot, window):
    """Lesson 11 in the Lessons panel: 'brackets_lstm' reads as the model's name, h_t as a symbol."""
    window.open_lesson("deep")
    browser = window.lessons.browser
    assert "brackets_lstm stacks two LSTM layers" in browser.toPlainText()
    html = browser.toHtml()
    assert "brackets_lstm" in html
    look = prose_html(get_lesson("deep").look)
    assert "brackets<sub>" not in look and "h<sub>t</sub>" in look
