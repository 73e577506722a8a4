"""The "Try this" hint and the status bar say only what the views on screen show.

An example's hint is hidden once another model (or compare mode) replaces the views it was
about; an example about another model in compare mode either leaves compare mode (a
classifier's P(class), which no column shows) or says in the status bar why the columns stay
(a language model like theirs); a unit search's result leaves the status bar once another
layer, direction or unit is shown.
"""
import pytest
from PySide6.QtCore import Qt

from rnnviz.ui.examples import EXAMPLES
from tests.ui._live_models import type_text


def _example(title: str) -> str:
    """The action id of the example called ``title``."""
    return next(f"examples.{i}" for i, ex in enumerate(EXAMPLES) if ex.title == title)


BRACKETS = _example("Brackets: nested")
SENTIMENT = _example("Sentiment swing: food / service")


def _pick_model(window, name: str) -> None:
    """Choose ``name`` in the model selector, as a click on its entry does."""
    combo = window.model_combo
    idx = combo.findText(name)
    assert idx >= 0, name
    combo.setCurrentIndex(idx)
    combo.activated.emit(idx)
    window.flush()


def _trigger(window, action_id: str) -> None:
    window.actions[action_id].trigger()
    window.flush()


# -- the "Try this" hint ---------------------------------------------------------------------------
def test_the_brackets_hint_goes_when_another_model_is_picked(qtbot, window):
    _trigger(window, BRACKETS)
    assert window.hint_label.isVisible() and "bracket depth" in window.hint_label.text()
    _pick_model(window, "sentiment_lstm")
    assert window.model_name == "sentiment_lstm"
    assert not window.actions["view.find_unit.bracket_depth"].isEnabled()
    assert not window.hint_label.isVisible()


def test_the_hint_stays_while_its_own_model_is_shown(qtbot, window):
    _trigger(window, SENTIMENT)
    assert window.model_name == "sentiment_lstm" and window.hint_label.isVisible()
    _pick_model(window, "sentiment_lstm")  # the same entry again: nothing changes
    assert window.hint_label.isVisible()


def test_compare_mode_hides_a_hint_about_the_live_views(qtbot, window):
    _trigger(window, SENTIMENT)
    assert "P(positive)" in window.hint_label.text() and window.hint_label.isVisible()
    _trigger(window, "view.compare")
    assert window.compare_mode and not window.hint_label.isVisible()


def test_a_classifier_example_in_compare_mode_leaves_it_for_its_model(qtbot, window):
    _trigger(window, "view.compare")
    _trigger(window, SENTIMENT)
    assert not window.compare_mode and not window.actions["view.compare"].isChecked()
    assert window.model_name == "sentiment_lstm"
    assert window.live.output_stack.currentWidget() is window.live.class_view  # P(positive) on screen
    assert window.live.class_view.series().shape[0] == len(EXAMPLES[int(SENTIMENT.split(".")[1])].text.split())
    assert window.hint_label.isVisible() and "P(positive)" in window.hint_label.text()
    status = window.status_text()
    assert status.startswith("Left compare mode") and "sentiment_lstm" in status and "P(class)" in status


def test_a_language_model_example_in_compare_mode_stays_and_says_why(qtbot, window):
    _trigger(window, "view.compare")
    model_before = window.model_name
    _trigger(window, BRACKETS)
    ex = EXAMPLES[int(BRACKETS.split(".")[1])]
    assert window.compare_mode and window.model_name == model_before
    assert window.compare.text() == ex.text and window.compare.steps() == len(ex.text)
    status = window.status_text()
    assert status.startswith("Compare mode:") and ex.title in status and ex.model in status
    assert "Ctrl+M" in status
    assert "The unit of h that tracks bracket depth" in status  # the search in every column follows
    assert window.hint_label.isVisible() and "bracket depth" in window.hint_label.text()


# -- the status bar's unit claim --------------------------------------------------------------------
@pytest.fixture
def found(qtbot, window):
    """The starter example found the unit that tracks bracket depth; the status bar says where."""
    window.show_starter()
    window.flush()
    claim = window.status_text()
    assert "bracket depth" in claim and "of layer" in claim
    return claim


def test_another_layer_clears_the_unit_claim(qtbot, window, found):
    layer = window.live.layer
    qtbot.keyClick(window, Qt.Key.Key_BracketLeft, Qt.KeyboardModifier.ControlModifier)  # Ctrl+[
    window.flush()
    assert window.live.layer != layer
    assert window.status_text() == ""


def test_another_direction_clears_the_unit_claim(qtbot, window, found):
    direction = window.live.direction
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # Ctrl+D
    window.flush()
    assert window.live.direction != direction
    assert window.status_text() == ""


def test_another_unit_clicked_clears_the_unit_claim(qtbot, window, found):
    key, unit = window.live.selected_unit()
    hm = window.live.heatmap(key)
    other = (unit + 1) % hm.shape()[0]
    hm.grab()
    pos = hm.plot_widget.mapFromScene(hm.scene_pos_of(2, other))
    qtbot.mouseClick(hm.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    window.flush()
    assert window.live.selected_unit() == (key, other)
    assert window.status_text() == ""


def test_the_claim_stays_while_its_unit_is_shown(qtbot, window, found):
    cur = window.text_edit.textCursor()
    cur.movePosition(cur.MoveOperation.End)
    window.text_edit.setTextCursor(cur)
    type_text(qtbot, window, " (x)")
    assert window.status_text() == found


def test_another_message_is_not_cleared_by_a_later_layer_change(qtbot, window, found):
    window.show_message("Saved.")
    qtbot.keyClick(window, Qt.Key.Key_BracketLeft, Qt.KeyboardModifier.ControlModifier)
    window.flush()
    assert window.status_text() == "Saved."


# -- the example's model file, read once --------------------------------------------------------------
@pytest.fixture
def reads(monkeypatch):
    """The model files read from now on (file names, in order)."""
    from rnnviz.engine import model as model_module

    names, load = [], model_module.load_model

    def counting_load(path):
        names.append(str(path).replace("\\", "/").rsplit("/", 1)[-1])
        return load(path)

    monkeypatch.setattr(model_module, "load_model", counting_load)
    return names


def test_a_classifier_example_in_compare_mode_reads_its_model_once(qtbot, window, reads):
    _trigger(window, "view.compare")
    reads.clear()  # (the compare models)
    _trigger(window, SENTIMENT)
    assert not window.compare_mode and window.model_name == "sentiment_lstm"
    assert reads == ["sentiment_lstm.npz"]


def test_an_example_for_the_model_shown_reads_no_file_in_compare_mode(qtbot, window, reads):
    assert window.model_name == "brackets_lstm"
    _trigger(window, "view.compare")
    reads.clear()
    _trigger(window, BRACKETS)
    assert window.compare_mode and window.status_text().startswith("Compare mode:")
    assert reads == []


def test_an_example_whose_model_file_is_broken_says_what_failed(qtbot, window):
    (window.models_dir / "sentiment_lstm.npz").write_bytes(b"not a model")
    _trigger(window, "view.compare")
    _trigger(window, SENTIMENT)
    assert window.compare_mode  # the columns stay
    status = window.status_text()
    assert "sentiment_lstm, which cannot be opened" in status
    assert "not an rnnviz model file" in status  # why
