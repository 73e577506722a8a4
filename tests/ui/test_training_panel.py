"""TrainingPanel: actions and buttons drive a real worker; invalid settings start nothing; NaN
pauses with a message; the plots hold the engine's numbers; shutdown joins every thread."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from rnnviz.training.snapshot import Snapshot
from rnnviz.ui.compare_training import COMPARE_CELLS, CompareTrainingWidget, sweep_config
from rnnviz.ui.training_panel import TrainingPanel
from tests.training._worker_helpers import tiny as tiny_run

TIMEOUT = 30_000


def tiny(**kw):
    """The worker tests' tiny run, smaller still (a tanh RNN of 4 units on length 5)."""
    return tiny_run(**{"length": 5, "cell": "rnn_tanh", "hidden": (4,), "batch": 4, "val_batch": 8,
                       "steps": 50, **kw})


@pytest.fixture
def panel(qtbot):
    p = TrainingPanel()
    qtbot.addWidget(p)
    p.resize(1400, 800)
    p.set_config(tiny())
    yield p
    threads = []
    if p.worker is not None:
        threads.append(p.worker.training_thread)
    threads += p.compare.threads()
    assert p.shutdown(10_000)
    for t in threads:
        assert not t.isRunning()


def n_steps(p):
    return len(p.history)


def test_actions_have_stable_ids_and_space(panel):
    ids = [a.objectName() for a in panel.actions()]
    assert ids == ["training.start", "training.step", "training.reset", "training.show_in_memory"]
    assert panel.action("training.start").shortcut() == QKeySequence(Qt.Key.Key_Space)
    assert panel.start_button.defaultAction() is panel.action("training.start")


def test_step_pause_resume_reset_with_buttons(qtbot, panel):
    qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: n_steps(panel) == 1, timeout=TIMEOUT)
    assert panel.state() == "paused"
    assert panel.worker is not None and not panel.hidden_edit.isEnabled()  # architecture locked
    qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: n_steps(panel) == 2, timeout=TIMEOUT)
    assert panel.progress.value() == 2
    # resume with the Start button, then pause it again
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert panel.state() == "running"
    assert panel.action("training.start").text() == "Pause"
    qtbot.waitUntil(lambda: n_steps(panel) >= 4 or panel.state() == "finished", timeout=TIMEOUT)
    if panel.state() == "running":
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.state() in ("paused", "finished"), timeout=TIMEOUT)
    assert panel.state() in ("paused", "finished")
    qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    assert panel.state() == "idle" and panel.worker is None and n_steps(panel) == 0
    assert panel.hidden_edit.isEnabled()
    assert panel.step_norm_view.series_names() == []


def test_actions_run_to_the_end_and_plots_equal_snapshots(qtbot, panel):
    panel.set_config(tiny(steps=12, hidden=(4, 3)))
    seen = []
    panel.action("training.start").trigger()
    panel.worker.snapshots.connect(lambda snaps: seen.extend(snaps))
    qtbot.waitUntil(lambda: panel.state() == "finished", timeout=TIMEOUT)
    qtbot.waitUntil(lambda: n_steps(panel) == 12, timeout=TIMEOUT)
    panel.redraw(force=True)
    last = panel.history.latest
    assert last.step == 12 and last.event == "done"
    assert "Done" in panel.banner_text()
    for k in range(2):
        x, y = panel.step_norm_view.series(f"layer {k + 1}")
        np.testing.assert_array_equal(y, last.step_norms[k][0])
        np.testing.assert_array_equal(x, np.arange(1, 6))
    rows = list(panel.history.norm_rows)
    assert len(rows) == 12
    np.testing.assert_array_equal(panel.history_view.image_data(), np.log10(np.stack([r[-1][0] for r in rows])))
    # what the worker sent is exactly what was plotted
    if len(seen) == 12:
        np.testing.assert_array_equal(panel.ratio_view.series("ratio")[1], [s.grad_ratio for s in seen])
    np.testing.assert_array_equal(panel.loss_view.series("train loss")[1], panel.history.train_loss)


@pytest.mark.parametrize("field,widget,text", [
    ("lr", "lr_edit", "abc"), ("lr", "lr_edit", "0"), ("hidden", "hidden_edit", "64,x"),
    ("clip", "clip_edit", "-1"), ("truncate", "truncate_edit", "1.5")])
def test_invalid_setting_shows_message_and_starts_nothing(qtbot, panel, field, widget, text):
    getattr(panel, widget).setText(text)
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert panel.worker is None and panel.state() == "idle"
    assert panel.banner_text().startswith(f"{field}:")
    assert panel.banner.isVisibleTo(panel)
    panel.action("training.step").trigger()
    assert panel.worker is None


def test_lag_must_be_below_length(qtbot, panel):
    panel.set_config(tiny(task="delayed_recall", length=5, lag=2))
    panel.lag_spin.setValue(7)
    panel.action("training.start").trigger()
    assert panel.worker is None and panel.banner_text().startswith("lag:")


def test_learning_rate_change_applies_between_steps(qtbot, panel):
    panel.action("training.step").trigger()
    qtbot.waitUntil(lambda: n_steps(panel) == 1, timeout=TIMEOUT)
    assert panel.lr_edit.isEnabled()
    panel.lr_edit.setText("0.05")
    panel.lr_edit.editingFinished.emit()
    panel.action("training.step").trigger()
    qtbot.waitUntil(lambda: n_steps(panel) == 2, timeout=TIMEOUT)
    assert panel.history.latest.lr == pytest.approx(0.05)


@pytest.mark.parametrize("field, edit, good, bad", [
    ("lr", "lr_edit", "0.05", "0"), ("clip", "clip_edit", "0.5", "-1"), ("truncate", "truncate_edit", "3", "1.5")])
def test_every_live_setting_applies_between_steps_and_is_checked_again_on_going_on(qtbot, panel, field, edit,
                                                                                   good, bad):
    """The live settings (one list in the panel): a valid value edited during a run is in force
    from the next step; an invalid one says so, is not applied, and Step says so again."""
    assert [f for f, _parse, _edit in panel._live_settings] == ["lr", "clip", "truncate"]
    edit = getattr(panel, edit)
    assert [e for f, _parse, e in panel._live_settings if f == field] == [edit]
    panel.action("training.step").trigger()
    qtbot.waitUntil(lambda: n_steps(panel) == 1, timeout=TIMEOUT)
    before = getattr(panel.history.latest, field)
    edit.setText(good)
    edit.editingFinished.emit()
    assert panel.banner_text() == ""
    panel.action("training.step").trigger()
    qtbot.waitUntil(lambda: n_steps(panel) == 2, timeout=TIMEOUT)
    assert getattr(panel.history.latest, field) == pytest.approx(float(good)) != before
    edit.setText(bad)
    edit.editingFinished.emit()
    assert panel.banner_text().startswith(f"{field}:")
    panel.show_message("")
    panel.action("training.step").trigger()
    assert panel.banner_text().startswith(f"{field}:")  # said again on going on
    qtbot.waitUntil(lambda: n_steps(panel) == 3, timeout=TIMEOUT)
    assert getattr(panel.history.latest, field) == pytest.approx(float(good))  # the last valid value


def test_nan_shows_message_and_pauses(qtbot, panel):
    panel.set_config(tiny(init="identity", recurrent_scale=3.0, lr=1e6, clip=None, optimizer="sgd", steps=40))
    panel.action("training.start").trigger()
    qtbot.waitUntil(lambda: panel.history.nan_steps != [], timeout=TIMEOUT)
    qtbot.waitUntil(lambda: panel.state() == "paused", timeout=TIMEOUT)
    assert "NaN/Inf" in panel.banner_text()
    assert panel.action("training.start").text() == "Resume"
    panel.redraw(force=True)
    assert "NaN/Inf step undone" in panel.grad_norm_view.plot.legend.note.toPlainText()


def test_injected_nan_snapshot_pauses(qtbot, panel):
    panel.action("training.start").trigger()
    snap = Snapshot.build(step=3, total_steps=50, train_loss=float("nan"), event="nan",
                          message="NaN/Inf at step 4: the loss is inf. Restored the weights from step 3 and paused.")
    panel.show_snapshot(snap)
    assert panel.state() == "paused"
    assert panel.banner_text() == snap.message
    qtbot.waitUntil(lambda: panel.worker.controls.paused, timeout=TIMEOUT)


def test_shutdown_while_training_stops_the_thread(qtbot):
    p = TrainingPanel()
    qtbot.addWidget(p)
    p.set_config(tiny(steps=100_000))
    p.action("training.start").trigger()
    qtbot.waitUntil(lambda: n_steps(p) >= 2, timeout=TIMEOUT)
    thread = p.worker.training_thread
    assert thread.isRunning()
    p.close()   # closeEvent -> shutdown
    assert not thread.isRunning()
    assert p.worker is None
    assert p.shutdown()  # idempotent


def test_compare_runs_three_cells_and_overlays_three_curves(qtbot):
    w = CompareTrainingWidget(lambda: tiny(steps=8))
    qtbot.addWidget(w)
    try:
        assert w.start()
        assert set(w.workers) == set(COMPARE_CELLS)
        qtbot.waitUntil(lambda: not w.is_running(), timeout=TIMEOUT)
        qtbot.waitUntil(lambda: all(len(w.histories[c]) == 8 for c in COMPARE_CELLS), timeout=TIMEOUT)
        w.redraw()
        assert w.visible_curves()["loss"] == 3 and w.visible_curves()["norms"] == 3
        for c in COMPARE_CELLS:
            np.testing.assert_array_equal(w.series(f"norms {c}")[1], w.histories[c].latest.top_step_norms)
            assert w.workers[c].config.cell == c and w.workers[c].config.seed == 0
        names = [item[1].text for item in w.loss_plot.legend.items]
        assert names == ["tanh RNN", "GRU", "LSTM"]
    finally:
        threads = w.threads()
        assert w.shutdown()
        assert not any(t.isRunning() for t in threads)


def _sweep_widget(qtbot, lags: str = "1, 3", steps: int = 2) -> CompareTrainingWidget:
    """The Compare tab on a short delayed-recall task, set to sweep ``lags`` for ``steps`` steps."""
    w = CompareTrainingWidget(lambda: tiny(task="delayed_recall", length=6, lag=1, steps=3))
    qtbot.addWidget(w)
    w.sweep_edit.setText(lags)
    w.sweep_steps.setValue(steps)
    return w


def test_sweep_runs_off_thread_and_plots_metric_vs_lag(qtbot):
    w = _sweep_widget(qtbot)
    try:
        assert w.start_sweep()
        qtbot.waitUntil(lambda: not w.sweep_running(), timeout=TIMEOUT)
        assert w.visible_curves()["sweep"] == 3
        for c in COMPARE_CELLS:
            x, y = w.series(f"sweep {c}")
            np.testing.assert_array_equal(x, [1, 3])
            assert np.all((y >= 0) & (y <= 1))  # accuracies
        assert "lag" in w.sweep_plot.getAxis("bottom").labelText
    finally:
        assert w.shutdown()
        assert not w.sweep_worker.thread_.isRunning()


def test_sweep_config_keeps_lag_below_length():
    cfg = sweep_config(tiny(task="delayed_recall", length=6, lag=1), "lstm", 20, 5)
    assert cfg.lag == 20 and cfg.length == 25 and cfg.steps == 5 and cfg.cell == "lstm"
    cfg = sweep_config(tiny(), "gru", 30, 5)
    assert cfg.length == 30


def test_panel_compare_tab_uses_form(qtbot, panel):
    panel.hidden_edit.setText("abc")
    assert not panel.compare.start()
    assert "hidden:" in panel.compare.status.text()


def test_plots_are_built_on_first_show_and_draw_what_was_recorded_before(qtbot):
    from rnnviz.training.loop import train

    p = TrainingPanel()
    qtbot.addWidget(p)
    p.set_config(tiny(steps=6))
    assert not p.views_built()  # app start-up does not pay for the training plots
    for snap in train(tiny(steps=6)):
        p.show_snapshot(snap)  # a run recorded while the panel was hidden
    assert not p.views_built() and len(p.history) == 6
    p.resize(1200, 700)
    p.show()
    qtbot.waitExposed(p)
    assert p.views_built() and p.tabs.isVisible()
    x, y = p.loss_view.train_curve.getData()
    np.testing.assert_array_equal(x, np.asarray(p.history.steps, dtype=float))
    np.testing.assert_allclose(y, np.log10(np.asarray(p.history.train_loss, dtype=float)))  # a log axis
    assert p.shutdown(10_000)
    p.close()


def test_a_panel_with_its_views_built_is_freed_without_the_garbage_collector(qtbot):
    """No reference cycle keeps a dropped panel alive. (One did: the compare tab held the
    panel's bound ``config_from_form``. Freed later by the collector, a panel that was still
    shown could be deleted while Qt painted one of its views, inside a Python paint callback:
    a segmentation fault.)"""
    import gc
    import weakref

    p = TrainingPanel()
    qtbot.addWidget(p)
    p.resize(900, 600)
    p.show()
    qtbot.waitExposed(p)
    assert p.views_built()
    # the weakly held provider still reaches the panel's form (a dead one says "Cannot start")
    assert p.compare.start(), p.compare.status.text()
    assert f"on {p.config_from_form().task} " in p.compare.status.text()
    assert p.shutdown(10_000)
    p.close()
    ref = weakref.ref(p)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        del p
        assert ref() is None
    finally:
        if was_enabled:
            gc.enable()


def test_using_a_view_before_show_builds_the_plots(qtbot):
    p = TrainingPanel()
    qtbot.addWidget(p)
    assert not p.views_built()
    assert p.compare.isVisibleTo(p.tabs) is not None and p.views_built()
    assert p.tabs.count() == 3 and p.tabs.parent() is p._views_host
    assert p.shutdown(10_000)


def test_steps_trained_counts_optimiser_steps_not_history_records(qtbot, panel):
    assert panel.steps_trained() == 0  # no run
    panel.history.max_points = 4  # thinned early, as a run past 10,000 records is
    panel.set_config(tiny(steps=12))
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.state() == "finished" and panel.progress.value() == 12, timeout=TIMEOUT)
    assert len(panel.history) < 12  # records, not steps
    assert panel.steps_trained() == 12
    qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    assert panel.steps_trained() == 0


def test_steps_trained_of_a_run_read_from_a_project_is_its_step(qtbot, panel):
    from rnnviz.training.loop import build_model

    cfg = tiny(steps=20)
    panel.adopt_run(cfg, build_model(cfg), start_step=7)  # what opening a project does
    assert panel.state() == "paused" and len(panel.history) == 0
    assert panel.steps_trained() == 7
    qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(panel.history) == 1, timeout=TIMEOUT)
    assert panel.history.steps == [8] and panel.steps_trained() == 8


@pytest.mark.parametrize("button", ["step", "start"])
@pytest.mark.parametrize("discard", [False, True])
def test_step_or_start_after_a_finished_run_asks_before_replacing_it(qtbot, panel, monkeypatch, button, discard):
    from rnnviz.ui import training_panel

    asked = []
    monkeypatch.setattr(training_panel, "ask_replace_run", lambda parent, steps: asked.append(steps) or discard)
    assert "replaces the ended run" in panel.action("training.step").toolTip()
    panel.set_config(tiny(steps=6))
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)  # a new run: nothing to ask
    qtbot.waitUntil(lambda: panel.state() == "finished" and panel.progress.value() == 6, timeout=TIMEOUT)
    assert asked == []
    assert "replaces the ended run" in panel.action("training.step").toolTip()
    assert "replaces the ended run" in panel.action("training.start").toolTip()
    panel.redraw(force=True)
    worker, banner = panel.worker, panel.banner_text()
    loss = panel.loss_view.series("train loss")[1].copy()
    assert banner.startswith("Done") and len(loss) == 6
    qtbot.mouseClick(getattr(panel, f"{button}_button"), Qt.MouseButton.LeftButton)
    assert asked == [6]
    if discard:  # a new run from the settings
        assert panel.worker is not worker and panel.worker is not None
        qtbot.waitUntil(lambda: len(panel.history) >= 1, timeout=TIMEOUT)
        assert panel.history.steps[0] == 1
        if button == "step":
            assert panel.state() == "paused" and panel.history.steps == [1]
    else:  # Cancel keeps everything: the run, its plots, the banner
        assert panel.worker is worker and panel.state() == "finished"
        assert panel.steps_trained() == 6 and panel.banner_text() == banner
        panel.redraw(force=True)
        np.testing.assert_array_equal(panel.loss_view.series("train loss")[1], loss)


NAN_MESSAGE = "NaN/Inf at step 2: the loss is inf. Restored the weights from step 1 and paused."


@pytest.mark.parametrize("banner", ["nan", "restored", "kept"])
@pytest.mark.parametrize("button", ["start", "step"])
def test_going_on_with_a_paused_run_clears_the_banner_about_it(qtbot, panel, banner, button):
    qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: n_steps(panel) == 1, timeout=TIMEOUT)
    if banner == "nan":  # what a step that overflows shows: the engine undid it and paused
        panel.show_snapshot(Snapshot.build(step=1, total_steps=50, train_loss=float("nan"), event="nan",
                                           message=NAN_MESSAGE))
        text = NAN_MESSAGE
    else:  # what File > Open Project and a lesson that kept the run say about a paused run
        text = {"restored": "Restored from work.rnnviz: step 1. Press Start (Space) to continue training.",
                "kept": "Kept your training run (step 1); the lesson's settings were not loaded. Press Reset, "
                        "then choose the lesson again to load them."}[banner]
        panel.show_message(text)
    assert panel.state() == "paused" and panel.banner_text() == text
    qtbot.mouseClick(getattr(panel, f"{button}_button"), Qt.MouseButton.LeftButton)  # Resume / Step
    assert panel.banner_text() == "" and panel.banner.isHidden()
    qtbot.waitUntil(lambda: n_steps(panel) >= 2, timeout=TIMEOUT)
    assert text not in panel.banner_text()


def test_going_on_keeps_saying_that_a_live_setting_is_invalid(qtbot, panel):
    qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: n_steps(panel) == 1, timeout=TIMEOUT)
    panel.lr_edit.setText("0")
    panel.lr_edit.editingFinished.emit()
    assert panel.banner_text().startswith("lr:")
    panel.show_snapshot(Snapshot.build(step=1, total_steps=50, train_loss=float("nan"), event="nan",
                                       message=NAN_MESSAGE))
    assert panel.banner_text() == NAN_MESSAGE
    qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: n_steps(panel) == 2, timeout=TIMEOUT)
    assert panel.banner_text().startswith("lr:")  # the learning rate in force is still the old one
    assert panel.history.latest.lr == pytest.approx(tiny().lr)


def test_a_new_sweep_replaces_what_the_status_said_about_the_last_one(qtbot):
    w = _sweep_widget(qtbot)
    try:
        qtbot.mouseClick(w.sweep_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: w.sweep_button.text() == "Run sweep", timeout=TIMEOUT)
        assert w.status.text() == "sweep finished: 6 runs"
        w.sweep_edit.setText("2, 3, 4")
        w.sweep_steps.setValue(100_000)  # long enough to look at while it runs
        qtbot.mouseClick(w.sweep_button, Qt.MouseButton.LeftButton)
        assert w.sweep_button.text() == "Stop sweep"
        assert "finished" not in w.status.text()
        assert w.status.text() == "Sweeping the lag over 2, 3, 4: 9 runs of 100000 steps\u2026"
        qtbot.mouseClick(w.sweep_button, Qt.MouseButton.LeftButton)  # Stop sweep
        qtbot.waitUntil(lambda: w.sweep_button.text() == "Run sweep", timeout=TIMEOUT)
        assert w.status.text() == "sweep stopped after 0 of 9 runs"
    finally:
        assert w.shutdown()
        assert not w.sweep_worker.thread_.isRunning()


def _run_texts(p):
    """What the views say about the run in their plots, besides the curves."""
    sat = p.saturation_view
    return {"step label": p.step_norm_view.step_label.toPlainText(),
            "no gates": sat.hint.toPlainText() if sat.hint.isVisible() else "",
            "saturation title": sat.sat_plot.titleLabel.text,
            "jacobian title": p.spectrum_view.sv_plot.titleLabel.text}


@pytest.mark.parametrize("then", ["reset", "new run"])
def test_views_say_nothing_of_a_run_that_was_reset_or_replaced(qtbot, panel, monkeypatch, then):
    from rnnviz.ui import training_panel

    monkeypatch.setattr(training_panel, "ask_replace_run", lambda parent, steps: True)
    panel.resize(1400, 800)
    panel.show()
    qtbot.waitExposed(panel)
    panel.tabs.setCurrentIndex(1)  # the Gates tab
    panel.set_config(tiny(steps=6, metrics_every=2))  # a tanh RNN: no gates
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.state() == "finished" and panel.progress.value() == 6, timeout=TIMEOUT)
    panel.redraw(force=True)
    said = _run_texts(panel)
    assert said["step label"].startswith("step 6") and said["no gates"] == "a plain RNN has no gates"
    assert "step 6" in said["saturation title"] and "step 6" in said["jacobian title"]
    if then == "reset":
        qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    else:  # a GRU run: until its first step, nothing is known about it
        panel.cell_box.setCurrentIndex(panel.cell_box.findData("gru"))
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)  # (replacing the run: Discard)
        assert panel.state() == "running" and len(panel.history) == 0
    now = _run_texts(panel)
    assert now["step label"] == "" and now["no gates"] == ""
    assert "step" not in now["saturation title"] and "step" not in now["jacobian title"]
