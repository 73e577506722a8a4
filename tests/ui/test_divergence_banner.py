"""A run whose loss blows up without NaN (learning rate 1e9) ends with a warning that it
diverged, in the error style and on the panel's message (the status bar), not a green "Done"."""
from tests.ui.test_training_panel import TIMEOUT, panel, tiny  # noqa: F401  (the fixture)

ERROR_BACKGROUND = "#fde2d8"   # the banner's error style; the green one is #dff3ea


def _start(panel, lr: str, steps: int) -> list:
    """Start a run of the adding problem at learning rate ``lr``; the panel's messages so far."""
    messages = []
    panel.message.connect(messages.append)
    panel.set_config(tiny(task="adding", length=10, hidden=(8,), batch=8, steps=steps))
    panel.lr_edit.setText(lr)
    panel.action("training.start").trigger()
    return messages


def _train_to_the_end(qtbot, panel, lr: str) -> list:
    messages = _start(panel, lr, 40)
    qtbot.waitUntil(lambda: panel.state() == "finished", timeout=TIMEOUT)
    return messages


def test_a_diverged_run_ends_with_a_warning_not_a_green_done(qtbot, panel):
    messages = _train_to_the_end(qtbot, panel, "1e9")
    text = panel.banner_text()
    assert text.startswith("Done: finished 40 steps, but training diverged: the loss rose from"), text
    assert "Lower the learning rate" in text
    assert ERROR_BACKGROUND in panel.banner.styleSheet()
    assert messages[-1] == text


def test_a_diverging_run_is_warned_about_while_it_goes_on(qtbot, panel):
    messages = _start(panel, "1e9", 10**6)
    qtbot.waitUntil(lambda: panel.banner_text().startswith("Training diverged: the loss rose from"),
                    timeout=TIMEOUT)
    assert ERROR_BACKGROUND in panel.banner.styleSheet()
    assert panel.state() == "running"  # a warning: the person decides
    assert sum(m.startswith("Training diverged") for m in messages) == 1


def test_a_run_that_learns_ends_with_the_green_done(qtbot, panel):
    messages = _train_to_the_end(qtbot, panel, "0.01")
    assert panel.banner_text() == "Done: finished 40 steps."
    assert ERROR_BACKGROUND not in panel.banner.styleSheet()
    assert not any("diverged" in m for m in messages)
