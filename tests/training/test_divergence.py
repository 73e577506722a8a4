"""Divergence without NaN: the loss climbing far above where it started (or the task's
baseline) is told apart from a run that learns, a noisy one, or one with a single spike."""
import numpy as np
import pytest

from rnnviz.training import metrics as M
from rnnviz.training.config import TrainConfig
from rnnviz.training.loop import train


def test_a_run_with_a_huge_learning_rate_diverges_without_nan():
    losses = [s.train_loss for s in train(TrainConfig(task="adding", length=10, hidden=(8,), batch=8,
                                                      val_batch=16, steps=30, lr=1e9))]
    assert np.all(np.isfinite(losses))  # no NaN: the loop's own check never fires
    start, recent = M.loss_divergence(losses, M.LOSS_BASELINES["adding"])
    assert start == pytest.approx(losses[0]) and recent > 1e6 * start
    text = M.divergence_warning(losses, M.LOSS_BASELINES["adding"])
    assert text.startswith("training diverged: the loss rose from") and "learning rate" in text


def test_a_run_that_learns_has_not_diverged():
    losses = [s.train_loss for s in train(TrainConfig(task="adding", length=10, hidden=(8,), batch=8,
                                                      val_batch=16, steps=30, lr=0.01))]
    assert M.loss_divergence(losses, M.LOSS_BASELINES["adding"]) is None
    assert M.divergence_warning(losses) is None


@pytest.mark.parametrize("losses", [
    [2.0] + [1.0] * 98 + [500.0],          # one spike at the end: the recent median is low
    [2.0, 15.0, 19.0],                      # up, but less than 10 times
    [5.0],                                  # one step: nothing to compare
    [float("nan"), float("inf")],           # nothing finite
    [0.0, 3.0, 4.0],                        # started at 0: no scale to compare against
])
def test_no_divergence(losses):
    assert M.loss_divergence(losses) is None


def test_the_baseline_raises_the_bar_for_a_model_that_started_below_it():
    losses = [0.01] + [0.5] * 20            # 50 times the start, but only 3 times the baseline
    assert M.loss_divergence(losses) == (0.01, 0.5)
    assert M.loss_divergence(losses, baseline=1 / 6) is None


def test_undone_nan_steps_are_skipped():
    assert M.loss_divergence([1.0, float("nan"), 50.0, 60.0]) == (1.0, 60.0)
