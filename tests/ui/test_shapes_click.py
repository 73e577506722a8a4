"""Sequence shapes: a click on a diagram leads somewhere, and the generation box says why a
model cannot generate instead of showing the previous model's text."""
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from rnnviz.ui.examples import EXAMPLES
from tests.ui._live_models import char_lm, make_models_dir


@pytest.fixture
def models_dir(tmp_path):
    """The window's models, with brackets_lstm a unidirectional language model (it can generate)."""
    folder = make_models_dir(tmp_path / "models", compare=False)
    char_lm("lstm", (8, 8)).save(folder / "brackets_lstm.npz")
    return folder


@pytest.fixture
def shapes(qtbot, window):
    """The Sequence shapes tab of the window, shown."""
    window.actions.trigger("view.shapes")
    qtbot.waitUntil(lambda: window.shapes.parts_built())
    yield window.shapes
    window.shapes.shutdown()


@pytest.mark.parametrize("shape, field", [("one_to_many", "seed_edit"), ("encoder_decoder", "input_edit")])
def test_click_on_a_diagram_with_a_demo_puts_the_keyboard_in_that_demo(qtbot, shapes, shape, field):
    demo = shapes.generate if shape == "one_to_many" else shapes.reversal
    qtbot.mouseClick(shapes.diagrams[shape], Qt.MouseButton.LeftButton)
    target = getattr(demo, field)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is target)
    assert target.selectedText() == target.text()  # typing replaces the example input
    assert "Try it below" in shapes.hint.text()


def test_click_on_the_bidirectional_diagram_focuses_its_train_button(qtbot, shapes):
    qtbot.mouseClick(shapes.diagrams["bidirectional"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is shapes.lookahead.train_button)


def test_many_to_one_links_to_a_sentiment_example_in_the_memory_tab(qtbot, window, shapes):
    qtbot.mouseClick(shapes.diagrams["many_to_one"], Qt.MouseButton.LeftButton)
    hrefs = re.findall(r"href='([^']+)'", shapes.hint.text())
    assert len(hrefs) == 1
    shapes.hint.linkActivated.emit(hrefs[0])  # what a click on the link does
    example = next(ex for ex in EXAMPLES if ex.action_id == hrefs[0])
    assert window.tabs.currentWidget() is window.memory_page
    assert window.model_name == example.model == "sentiment_lstm"
    assert window.text_edit.toPlainText() == example.text


def test_many_to_many_links_to_a_language_model_example(qtbot, window, shapes):
    window.select_model("sentiment_lstm")
    window.actions.trigger("view.shapes")
    qtbot.mouseClick(shapes.diagrams["many_to_many"], Qt.MouseButton.LeftButton)
    (href,) = re.findall(r"href='([^']+)'", shapes.hint.text())
    shapes.hint.linkActivated.emit(href)
    assert window.tabs.currentWidget() is window.memory_page
    assert window.model_name == "brackets_lstm"


def test_switching_to_a_classifier_clears_the_generated_text_and_says_why(qtbot, window, shapes):
    gen = shapes.generate
    qtbot.mouseClick(gen.button, Qt.MouseButton.LeftButton)
    assert gen.output.toPlainText().startswith(gen.seed_edit.text())
    window.select_model("sentiment_lstm")
    assert not gen.button.isEnabled()
    assert gen.output.toPlainText() == ""
    assert gen.last_output == ""
    assert "sentiment_lstm answers once for a whole text" in gen.title.text()
