"""The "Try this" hint says only what the views on screen show.

An example's hint is hidden once another model (or compare mode) replaces the views it was
about; an example about another model in compare mode either leaves compare mode (a
classifier's P(class), which no column shows) or says in the status bar why the columns stay
(a language model like theirs).
"""
from rnnviz.ui.examples import EXAMPLES


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
