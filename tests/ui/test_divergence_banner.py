"""A run whose loss blows up without NaN (learning rate 1e9) ends with a warning that it
diverged, in the error style and on the panel's message (the status bar), not a green "Done"."""
import numpy as np

from tests.ui._training_helpers import TIMEOUT, tiny

# ``panel``: the fixture of tests/ui/conftest.py

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


def test_the_start_loss_stays_the_first_steps_however_often_a_long_run_is_thinned():
    """History thinning kept odd records only, so after k thinnings 'from <start>' was the loss
    of step 2^k."""
    from rnnviz.training.metrics import divergence_warning
    from rnnviz.training.snapshot import Snapshot
    from rnnviz.ui.training_views import TrainingHistory

    h = TrainingHistory(max_points=100)
    for s in range(1, 2001):  # the loss climbs from 1.0 at step 1 to 2000
        h.add(Snapshot.build(step=s, total_steps=2000, train_loss=float(s), grad_norm=1.0,
                             step_norms=((np.ones(3),),)))
    assert len(h) <= 101 and h.steps[0] == 1 and h.steps[-1] == 2000
    assert h.train_loss[0] == 1.0
    assert divergence_warning(h.train_loss).startswith("training diverged: the loss rose from 1 at the start")


def test_a_thinned_run_is_warned_about_from_its_first_loss(qtbot, panel):
    from rnnviz.training.loop import train

    panel.history.max_points = 4  # thinned early, as a run past 10,000 records is
    _train_to_the_end(qtbot, panel, "1e9")
    first = next(iter(train(panel.worker.config))).train_loss  # the same seed: the same first batch
    text = panel.banner_text()
    assert text.startswith(f"Done: finished 40 steps, but training diverged: the loss rose from {first:.3g} "
                           "at the start"), text
