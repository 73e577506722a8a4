"""TrainingPanel._apply_live takes the live setting it applies as an argument, so a direct call
works (it picked the field by ``self.sender()``, and a call from code did nothing)."""
import pytest

from tests.ui.test_training_panel import TIMEOUT, n_steps, panel  # noqa: F401  (the fixture)


@pytest.mark.parametrize("field, edit, good", [("lr", "lr_edit", "0.05"), ("clip", "clip_edit", "0.5"),
                                               ("truncate", "truncate_edit", "3")])
def test_a_direct_call_applies_the_fields_value_between_steps(qtbot, panel, field, edit, good):
    panel.action("training.step").trigger()
    qtbot.waitUntil(lambda: n_steps(panel) == 1, timeout=TIMEOUT)
    before = getattr(panel.history.latest, field)
    getattr(panel, edit).setText(good)  # no editingFinished: no sender
    panel._apply_live(field)
    assert panel.banner_text() == ""
    panel.action("training.step").trigger()
    qtbot.waitUntil(lambda: n_steps(panel) == 2, timeout=TIMEOUT)
    assert getattr(panel.history.latest, field) == pytest.approx(float(good)) != before


def test_a_direct_call_with_an_invalid_value_says_so_and_applies_nothing(qtbot, panel):
    panel.action("training.step").trigger()
    qtbot.waitUntil(lambda: n_steps(panel) == 1, timeout=TIMEOUT)
    lr = panel.history.latest.lr
    panel.lr_edit.setText("0")
    panel._apply_live("lr")
    assert panel.banner_text().startswith("lr:"), panel.banner_text()
    panel.lr_edit.setText(str(lr))  # valid again, so Step goes on (it checks the fields again)
    panel.action("training.step").trigger()
    qtbot.waitUntil(lambda: n_steps(panel) == 2, timeout=TIMEOUT)
    assert panel.history.latest.lr == pytest.approx(lr)


def test_an_unknown_setting_is_refused_by_name(panel):
    with pytest.raises(ValueError, match="'steps' is not a live setting"):
        panel._apply_live("steps")
