"""A refused live setting (clip norm, truncation typed while training) is explained with the
form's own word for "none", 'off', not Python's ``None``."""
import pytest
from PySide6.QtCore import Qt

from tests.ui.test_training_panel import TIMEOUT, n_steps, panel  # noqa: F401  (the fixture)


@pytest.mark.parametrize("edit, field", [("clip_edit", "clip"), ("truncate_edit", "truncate")])
def test_zero_typed_during_a_run_is_refused_in_the_forms_words(qtbot, panel, edit, field):
    panel.action("training.step").trigger()
    qtbot.waitUntil(lambda: n_steps(panel) == 1, timeout=TIMEOUT)
    box = getattr(panel, edit)
    box.selectAll()
    qtbot.keyClicks(box, "0")
    qtbot.keyClick(box, Qt.Key.Key_Return)  # editingFinished: applied to the paused run
    text = panel.banner_text()
    assert text.startswith(f"{field}:") and "'off'" in text, text
    assert "None" not in text, text
