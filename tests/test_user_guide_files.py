"""The user guide names the files and keys the code really uses (a renamed constant shows up
here), and describes the wheel and the session models as they behave now."""
from pathlib import Path

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "user-guide.md"


def _guide() -> str:
    return " ".join(GUIDE.read_text(encoding="utf-8").split())  # one line: sentences wrap anywhere


def test_the_guide_names_the_trace_list_and_the_projects_session_model_keys():
    from rnnviz.ui.export import TRACE_MANIFEST

    text = _guide()
    assert f"`{TRACE_MANIFEST}`" in text
    assert "`live_session_model`" in text and "`live.<param>`" in text
    assert "recovery file keeps only the model shown in the Memory tab" in text


def test_the_guide_describes_the_wheel_and_the_quit_question():
    text = _guide()
    assert "the mouse wheel zooms, and" not in text                      # no longer true while it scrolls
    assert text.count("Ctrl+wheel zooms") >= 2                            # Memory and Training tabs
    assert "models of this session that are in no file" in text
    assert "`code (LSTM), step 300 (2)`" in text and "`brackets_lstm (x)`" in text
