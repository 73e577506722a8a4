"""Sequence shapes: a click on a diagram leads somewhere, and the generation box says why a
model cannot generate instead of showing the previous model's text."""
import re

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from rnnviz.ui.examples import EXAMPLES
from tests.ui._live_models import char_lm, make_models_dir


@pytest.fixture
def models_dir(tmp_path):
    """The window's models, with brackets_lstm a unidirectional language model (it can generate)."""
    folder = make_models_dir(tmp_path / "models", compare=False)
    char_lm("lstm", (8, 8)).save(folder / "brackets_lstm.npz")
    return folder


def _link_point(label, href: str) -> QPoint | None:
    """Where the link ``href`` of a rich-text ``label`` is drawn: the middle of its first
    character (from the document the label lays its text out in, once it is drawn), or None."""
    doc = label.findChild(QTextDocument)
    if doc is None:
        return None
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.charFormat().anchorHref() == href:
                pos = frag.position() - block.position()
                line = block.layout().lineForTextPosition(pos)
                top = doc.documentLayout().blockBoundingRect(block).top() + line.y()
                x = line.cursorToX(pos)[0] + 2
                room = label.contentsRect()
                dy = (room.height() - doc.size().height()) / 2 if label.alignment() & Qt.AlignmentFlag.AlignVCenter else 0
                return QPoint(round(room.x() + x), round(room.y() + dy + top + line.height() / 2))
            it += 1
        block = block.next()
    return None


def _click_link(qtbot, label, href: str) -> None:
    """Click the link ``href`` in ``label``, as a person does."""
    qtbot.waitUntil(lambda: _link_point(label, href) is not None)  # the label shows its new text
    point = _link_point(label, href)
    qtbot.mouseMove(label, point)
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton, pos=point)


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
    _click_link(qtbot, shapes.hint, hrefs[0])
    example = next(ex for ex in EXAMPLES if ex.action_id == hrefs[0])
    assert window.tabs.currentWidget() is window.memory_page
    assert window.model_name == example.model == "sentiment_lstm"
    assert window.text_edit.toPlainText() == example.text


def test_many_to_many_links_to_a_language_model_example(qtbot, window, shapes):
    window.select_model("sentiment_lstm")
    window.actions.trigger("view.shapes")
    qtbot.mouseClick(shapes.diagrams["many_to_many"], Qt.MouseButton.LeftButton)
    (href,) = re.findall(r"href='([^']+)'", shapes.hint.text())
    _click_link(qtbot, shapes.hint, href)
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


def test_a_link_click_asks_for_its_example_and_leaves_the_opening_to_the_window(qtbot):
    """The tab on its own (no window around it) only says which example was asked for."""
    from rnnviz.ui.shapes_view import ShapesView

    view = ShapesView()
    qtbot.addWidget(view)
    view.resize(1100, 500)
    view.show()
    qtbot.waitExposed(view)
    qtbot.mouseClick(view.diagrams["many_to_one"], Qt.MouseButton.LeftButton)
    (href,) = re.findall(r"href='([^']+)'", view.hint.text())
    asked, said = [], []
    view.example_requested.connect(asked.append)
    view.message.connect(said.append)
    _click_link(qtbot, view.hint, href)
    assert asked == [href] and said == []
    view.shutdown()
