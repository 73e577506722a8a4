"""In compare mode the time cursor follows the text caret, as in the live view: the arrow keys,
Home and End step it through time, and typing inside the text puts it on the typed token."""
import pytest
from PySide6.QtCore import Qt

TEXT = "f(a, [b]) x"


@pytest.fixture
def cmp(qtbot, window):
    """Compare mode with TEXT typed (the caret at its end)."""
    window.actions["view.compare"].trigger()
    assert window.compare_mode
    qtbot.keyClicks(window.text_edit, TEXT)
    window.flush()
    assert window.compare.steps() == len(TEXT)
    return window.compare


def _key(qtbot, window, key) -> None:
    qtbot.keyClick(window.text_edit, key)
    window.flush()


def test_typing_at_the_end_keeps_the_cursor_on_the_last_token(qtbot, window, cmp):
    assert cmp.cursors() == [len(TEXT) - 1] * 6


def test_home_and_the_arrow_keys_step_the_cursor(qtbot, window, cmp):
    _key(qtbot, window, Qt.Key.Key_Home)
    assert cmp.cursor() == 0 and cmp.cursors() == [0] * 6
    for _ in range(3):
        _key(qtbot, window, Qt.Key.Key_Right)
    assert cmp.cursor() == 2  # the token before the caret: '(' a ...
    assert [p.output.step() for p in cmp.panels] == [2, 2, 2]  # the top-5 of every column too
    _key(qtbot, window, Qt.Key.Key_Left)
    assert cmp.cursor() == 1
    _key(qtbot, window, Qt.Key.Key_End)
    assert cmp.cursor() == len(TEXT) - 1


def test_typing_inside_the_text_puts_the_cursor_on_the_typed_token(qtbot, window, cmp):
    _key(qtbot, window, Qt.Key.Key_Home)
    _key(qtbot, window, Qt.Key.Key_Right)
    qtbot.keyClicks(window.text_edit, "X")
    window.flush()
    assert window.text_edit.toPlainText() == "fX" + TEXT[1:]
    assert cmp.cursor() == 1
    assert all(p.result.tokens[1] == "X" for p in cmp.panels)


def test_text_set_by_an_example_puts_the_cursor_at_its_end(qtbot, window, cmp):
    _key(qtbot, window, Qt.Key.Key_Home)
    window.actions["examples.0"].trigger()
    window.flush()
    assert cmp.cursor() == cmp.steps() - 1


def _caret_to(window, pos) -> None:
    c = window.text_edit.textCursor()
    c.setPosition(pos)
    window.text_edit.setTextCursor(c)


def test_a_hovered_step_is_kept_unless_the_edit_comes_before_it(qtbot, window, cmp):
    """The live view's rule: a step the person hovered stays while the edits come after it."""
    cmp.panels[0].h_view.hover_cell(3, 0)  # as the mouse does
    assert cmp.cursor() == 3
    _caret_to(window, 8)
    cmp.panels[1].h_view.hover_cell(3, 0)  # (the caret moved the cursor: hover again)
    qtbot.keyClicks(window.text_edit, "y")  # an edit after the hovered step
    window.flush()
    assert window.text_edit.toPlainText() == TEXT[:8] + "y" + TEXT[8:]
    assert cmp.cursor() == 3 and cmp.cursors() == [3] * 6
    qtbot.keyClick(window.text_edit, Qt.Key.Key_End)
    cmp.panels[2].h_view.hover_cell(3, 0)
    qtbot.keyClicks(window.text_edit, "!")  # typing at the end: still kept
    window.flush()
    assert cmp.cursor() == 3
    _caret_to(window, 1)
    cmp.panels[0].h_view.hover_cell(5, 0)
    qtbot.keyClicks(window.text_edit, "z")  # an edit before it: the cursor goes to the edit
    window.flush()
    assert cmp.cursor() == 1 and cmp.panels[0].result.tokens[1] == "z"
