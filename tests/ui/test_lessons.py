"""Each lesson puts the window in the state it describes; the dock, shapes tab and demos work."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from rnnviz import demos
from rnnviz.lessons import LESSONS, get_lesson
from rnnviz.ui.lessons_panel import TRAINING_TAB_INDEX, lesson_html
from rnnviz.ui.main_window import MainWindow
from tests.ui._live_models import char_lm, make_models_dir


@pytest.fixture
def models_dir(tmp_path):
    folder = make_models_dir(tmp_path / "models")
    # a unidirectional 2-layer character model, so one-to-many generation works
    char_lm("lstm", (8, 8)).save(folder / "brackets_lstm.npz")
    return folder


def _current_tab(w) -> str:
    return {id(w.memory_page): "memory", id(w.training): "training", id(w.shapes): "shapes"}[id(w.tabs.currentWidget())]


@pytest.mark.parametrize("lesson_id", [lesson.id for lesson in LESSONS])
def test_lesson_puts_the_window_in_its_state(qtbot, window, lesson_id):
    window.open_lesson("shapes-generate")  # an earlier lesson, with a diagram
    lesson = get_lesson(lesson_id)
    s = lesson.setup
    assert window.open_lesson(lesson_id)
    assert _current_tab(window) == s.tab
    assert window.compare_mode == s.compare
    if s.model:
        assert window.model_name == s.model
        assert window.model_combo.currentText() == s.model
    if s.text is not None:
        assert window.text_edit.toPlainText() == s.text
        panel = window.compare if s.compare else window.live
        assert panel.text() == s.text if not s.compare else window.compare._text == s.text
    if s.layer is not None:
        assert window.live.layer == s.layer
        assert window.layer_combo.currentIndex() == s.layer
    if s.train:
        cfg = window.training.config_from_form()
        for key, value in s.train.items():
            if key == "hidden":
                assert tuple(cfg.hidden_sizes) == tuple(value) or cfg.hidden == tuple(value)
            elif key == "layers":
                assert cfg.num_layers == max(value, len(s.train.get("hidden", (1,))))
            else:
                assert getattr(cfg, key) == value, key
        assert window.training.state() == "idle"
    if s.training_tab:
        assert window.training.tabs.currentIndex() == TRAINING_TAB_INDEX[s.training_tab]
    assert window.shapes.selected_shape == s.shape
    # the dock shows the lesson: title, what to look at, equations, what to try
    dock = window.lessons
    assert dock.isVisible() and dock.current is lesson
    text = dock.browser.toPlainText()
    assert lesson.title in text and "Look at this." in text and "Try this." in text
    assert dock.combo.currentData() == lesson_id
    assert (dock.diagram is not None) == (s.shape is not None)
    diagrams = [d for d in dock.findChildren(type(window.shapes.diagrams["bidirectional"])) if d.isVisible()]
    assert len(diagrams) == (1 if s.shape else 0)  # no diagram of an earlier lesson left behind
    assert lesson.title in window.status_text()


def test_lesson_html_uses_view_symbols():
    html = lesson_html(get_lesson("gates-cell-state"))
    for sym in ("f<sub>t</sub>", "c<sub>t</sub>", "z<sub>t</sub>", "h<sub>t-1</sub>", "g<sub>t</sub>"):
        assert sym in html, sym


def test_unknown_lesson_keeps_state(window):
    before = (window.model_name, window.text_edit.toPlainText(), window.tabs.currentIndex())
    assert not window.open_lesson("no-such-lesson")
    assert "no lesson 'no-such-lesson'" in window.status_text().lower()
    assert (window.model_name, window.text_edit.toPlainText(), window.tabs.currentIndex()) == before


def test_next_previous_and_menu(qtbot, window):
    window.actions.trigger("lessons.memory")
    assert window.lessons.current.id == "memory"
    window.actions.trigger("lessons.next")
    assert window.lessons.current.id == LESSONS[1].id
    window.actions.trigger("lessons.previous")
    window.actions.trigger("lessons.previous")
    assert window.lessons.current.id == LESSONS[-1].id
    titles = [a.text() for a in window.lessons_menu.actions()]
    assert sum(t.startswith(f"{n}. ") for n in range(1, len(LESSONS) + 1) for t in titles) == len(LESSONS)


def test_switching_from_compare_lesson_back(window):
    window.open_lesson("gates-cell-state")
    assert window.compare_mode
    window.open_lesson("memory")
    assert not window.compare_mode and window.model_name == "brackets_lstm"


def test_training_lesson_screenshot_runs_steps(qtbot, window):
    lesson = get_lesson("bptt-vanishing")
    assert window.open_lesson("bptt-vanishing", for_screenshot=True)
    assert window.training.state() in ("paused", "finished")
    assert window.training.progress.value() >= 1
    assert len(window.training.history) > 0
    assert window.training.config_from_form().cell == "rnn_tanh"
    assert lesson.setup.screenshot_steps > 0


def test_generation_follows_model_and_temperature(window):
    window.open_lesson("shapes-generate")
    g = window.shapes.generate
    assert g.model is window.model
    g.length_spin.setValue(30)
    g.set_temperature(0.5)
    assert g.temperature == pytest.approx(0.5)
    out = g.generate(rng=np.random.default_rng(0))
    ids = window.model.tokenizer.encode(g.seed_edit.text())
    want = window.model.generate(ids, 30, temperature=0.5, rng=np.random.default_rng(0))
    assert len(want) == 30 and out == window.model.tokenizer.decode(want)
    assert g.last_output == out and out in g.output.toPlainText()
    # a classifier cannot generate: the controls are disabled and a message says why
    window.select_model("sentiment_lstm")
    assert g.model is None and not g.button.isEnabled()


def test_reversal_demo_uses_the_encoder_decoder(qtbot, window):
    rev = window.shapes.reversal
    rev.train_now(steps=5)
    assert rev.model is not None
    rev.input_edit.setText("abc")
    assert rev.reversed_output() == demos.reverse_with(rev.model, "ABC")
    assert len(rev.reversed_output()) == 3


def test_shipped_reversal_model_reverses():
    from rnnviz.engine.model import load_model
    from rnnviz.ui.shapes_view import REVERSAL_MODEL, lesson_models_dir

    path = lesson_models_dir() / REVERSAL_MODEL
    if not path.exists():
        pytest.skip("resources/lessons/reversal_gru.npz not built")
    model = load_model(path)
    assert demos.reverse_with(model, "ABCDEF") == "FEDCBA"


def test_lookahead_demo_in_a_thread(qtbot, window):
    box = window.shapes.lookahead
    box.steps = 120
    box.start_training()
    qtbot.waitUntil(lambda: not box.busy() and bool(box.runs), timeout=60_000)
    assert box.final_accuracy("bidirectional") > box.final_accuracy("unidirectional") + 0.2
    x, y = box.curves["bidirectional"].getData()
    assert len(x) > 0


def test_demo_thread_stops_on_close(qtbot, models_dir):
    w = MainWindow(models_dir=models_dir)
    qtbot.addWidget(w)
    w.shapes.reversal.start_training(steps=100_000)
    assert w.shapes.reversal.busy()
    w.close()
    assert not w.shapes.reversal.busy()


def test_shape_diagrams_mark_inputs_and_outputs(qtbot, window):
    d = window.shapes.diagrams
    assert [c["output"] for c in d["many_to_one"].columns()] == ["unused"] * 3 + ["used"]
    assert [c["input"] for c in d["one_to_many"].columns()] == ["used", "fed", "fed", "fed"]
    parts = [c.get("part") for c in d["encoder_decoder"].columns()]
    assert parts.count("enc") == 3 and parts.count("dec") == 3
    qtbot.mouseClick(d["many_to_many"], Qt.MouseButton.LeftButton)
    assert window.shapes.selected_shape == "many_to_many"
    img = d["bidirectional"].grab().toImage()
    assert img.width() > 100 and not img.isNull()


def test_the_shapes_demos_are_built_when_the_tab_is_first_shown(qtbot, window):
    """Start-up does not pay for the generation box and the demos; a model opened before the
    tab is shown is the one it generates with, and closing never builds them."""
    shapes = window.shapes
    assert not shapes.parts_built()
    window.select_model("sentiment_lstm")
    window.select_model("brackets_lstm")  # both reach the unbuilt tab
    assert not shapes.parts_built()
    window.actions["view.shapes"].trigger()
    assert shapes.parts_built() and window.tabs.currentWidget() is shapes
    assert shapes.generate.isVisible() and shapes.reversal.isVisible() and shapes.lookahead.isVisible()
    assert shapes.generate.model is window.model and shapes.generate.button.isEnabled()


def test_closing_before_the_shapes_tab_was_shown_builds_nothing(qtbot, models_dir):
    w = MainWindow(models_dir=models_dir)
    qtbot.addWidget(w)
    assert w.shapes.shutdown()  # nothing to stop
    w.close()
    assert not w.shapes.parts_built()


def test_a_shapes_lesson_opened_before_the_window_shows_focuses_the_seed_field(qtbot, models_dir):
    """As with the tab built at start: the tab's first control has the keyboard, not the tab."""
    w = MainWindow(models_dir=models_dir)
    qtbot.addWidget(w)
    assert w.open_lesson("shapes-reversal")
    w.show()
    qtbot.waitExposed(w)
    assert w.focusWidget() is w.shapes.generate.seed_edit  # the window's own, whatever window is active
    w.close()


def test_with_a_model_that_cannot_generate_the_first_enabled_field_takes_the_keyboard(qtbot, models_dir):
    w = MainWindow(models_dir=models_dir)
    qtbot.addWidget(w)
    assert w.select_model("sentiment_lstm")  # a classifier: the seed field is disabled
    w.tabs.setCurrentWidget(w.shapes)
    w.show()
    qtbot.waitExposed(w)
    assert not w.shapes.generate.seed_edit.isEnabled()
    assert w.focusWidget() is w.shapes.reversal.input_edit
    w.close()


@pytest.mark.parametrize("discard", [False, True])
def test_a_training_lesson_asks_before_replacing_a_run_with_steps(qtbot, window, monkeypatch, discard):
    from rnnviz.ui import lessons_panel
    from tests.training._worker_helpers import tiny

    asked = []
    monkeypatch.setattr(lessons_panel, "ask_discard_run",
                        lambda w, lesson, steps: asked.append((lesson.id, steps)) or discard)
    panel = window.training
    assert window.open_lesson("bptt-vanishing")  # no run yet: nothing to ask
    assert asked == []
    panel.set_config(tiny(hidden=(5,), batch=4, val_batch=8, steps=50, val_every=10, metrics_every=10))
    panel.single_step()
    qtbot.waitUntil(lambda: panel.progress.value() >= 1 and len(panel.history) >= 1, timeout=10_000)
    steps = panel.progress.value()
    assert window.open_lesson("exploding-clipping")
    assert asked == [("exploding-clipping", steps)]
    want = get_lesson("exploding-clipping").setup.train
    if discard:
        assert panel.state() == "idle" and len(panel.history) == 0
        assert panel.config_from_form().cell == want["cell"] and list(panel.config_from_form().hidden_sizes) != [5]
    else:  # the run and its settings are kept, and the banner says so
        assert panel.state() == "paused" and panel.progress.value() == steps and len(panel.history) >= 1
        assert list(panel.config_from_form().hidden_sizes) == [5]
        assert "Kept your training run" in panel.banner.text()


@pytest.mark.parametrize("demo", ["reversal", "lookahead"])
def test_stopping_a_demo_keeps_what_it_showed(qtbot, window, demo):
    box = getattr(window.shapes, demo)
    if demo == "reversal":
        before = box.model
        assert before is not None  # the shipped model
    else:
        box.train_now(steps=20)
        before = dict(box.runs)
    box.start_training(steps=100_000)
    qtbot.waitUntil(lambda: box.job.latest is not None, timeout=30_000)
    box.toggle_training()  # Stop
    qtbot.waitUntil(lambda: not box.busy() and box.train_button.text() == "Train again", timeout=30_000)
    assert "Stopped after" in box.status.text()
    assert box.progress.value() < box.progress.maximum()
    if demo == "reversal":
        assert box.model is before
    else:
        assert box.runs == before


def test_a_training_lesson_asks_before_replacing_a_run_read_from_a_project(qtbot, window, monkeypatch):
    """A run opened from a project has taken steps before any is recorded in this session."""
    from rnnviz.training.loop import build_model
    from rnnviz.ui import lessons_panel
    from tests.training._worker_helpers import tiny

    asked = []
    monkeypatch.setattr(lessons_panel, "ask_discard_run",
                        lambda w, lesson, steps: asked.append((lesson.id, steps)) or False)
    panel = window.training
    cfg = tiny(hidden=(5,), batch=4, val_batch=8, steps=50, val_every=10, metrics_every=10)
    panel.adopt_run(cfg, build_model(cfg), start_step=7)
    assert window.open_lesson("exploding-clipping")
    assert asked == [("exploding-clipping", 7)]
    assert panel.state() == "paused" and panel.steps_trained() == 7
    assert list(panel.config_from_form().hidden_sizes) == [5]
    assert "Kept your training run (step 7)" in panel.banner.text()


def _curves(box):
    """{name: (x, y)} of the lookahead demo's plotted curves (empty arrays when empty)."""
    return {k: tuple(np.zeros(0) if a is None else np.array(a, dtype=float).reshape(-1) for a in c.getData())
            for k, c in box.curves.items()}


@pytest.mark.parametrize("trained_before", [True, False])
def test_a_stopped_lookahead_demo_plots_what_it_kept(qtbot, window, trained_before):
    """The status says the previous results were kept: the plot shows them (not the partial
    curves of the stopped run), or nothing when nothing was trained before."""
    window.tabs.setCurrentWidget(window.shapes)
    box = window.shapes.lookahead
    if trained_before:
        box.steps = 20
        qtbot.mouseClick(box.train_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not box.busy() and box.train_button.text() == "Train again", timeout=60_000)
        assert set(box.runs) == {"unidirectional", "bidirectional"}
    kept = _curves(box)
    assert all(len(x) == (11 if trained_before else 0) for x, _ in kept.values())  # 20 steps, smoothed over 10
    box.steps = 100_000
    qtbot.mouseClick(box.train_button, Qt.MouseButton.LeftButton)
    assert box.train_button.text() == "Stop"
    qtbot.waitUntil(lambda: box.progress.value() > 40 and len(_curves(box)["unidirectional"][0]) > 30,
                    timeout=60_000)  # the stopped run's partial curve is on the plot
    qtbot.mouseClick(box.train_button, Qt.MouseButton.LeftButton)  # Stop
    qtbot.waitUntil(lambda: not box.busy() and box.train_button.text() == "Train again", timeout=30_000)
    assert "Stopped after" in box.status.text()
    assert ("kept what the demo showed before" in box.status.text()) == trained_before
    shown = _curves(box)
    for key, (x, y) in kept.items():
        np.testing.assert_array_equal(shown[key][0], x)
        np.testing.assert_array_equal(shown[key][1], y)


def test_the_reversal_demo_names_the_characters_it_ignores(qtbot, window):
    window.tabs.setCurrentWidget(window.shapes)
    rev = window.shapes.reversal
    rev.train_now(steps=5)  # any model: what is read does not depend on it
    edit = rev.input_edit
    assert edit.text() == "ABCDEF" and rev.ignored_label.isHidden()  # every symbol is read
    edit.clear()
    qtbot.keyClicks(edit, "abc xyz1")
    assert edit.text() == "abc xyz1"
    label = rev.ignored_label
    assert label.isVisibleTo(rev)
    assert label.text() == "Ignored (only A-H are read): space, 'x', 'y', 'z', '1'"
    assert rev.reversed_output() == demos.reverse_with(rev.model, "ABC")  # what is read: a, b, c
    assert "the answer is CBA" in rev.output_label.text()
    for _ in range(5):  # erase " xyz1" as a person does
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    assert edit.text() == "abc"
    assert label.isHidden() and label.text() == ""


def test_the_lookahead_legend_does_not_cover_the_curves(qtbot, window):
    """The bidirectional curve climbs to 100% at the right: a legend in the top right corner of
    the data covered it; it sits above the data instead."""
    from PySide6.QtWidgets import QApplication

    box = window.shapes.lookahead
    window.tabs.setCurrentWidget(window.shapes)
    box.curves["unidirectional"].setData([1, 2, 3], [0.25, 0.26, 0.25])
    box.curves["bidirectional"].setData([1, 2, 3], [0.3, 0.9, 1.0])
    for size in ((1400, 975), (1366, 700)):
        window.resize(*size)
        for _ in range(3):
            QApplication.processEvents()
        window.grab()
        pi = box.plot.getPlotItem()
        legend, data = pi.legend.sceneBoundingRect(), pi.getViewBox().sceneBoundingRect()
        assert [label.text for _, label in pi.legend.items] == ["unidirectional", "bidirectional"]
        assert legend.width() > 0 and not legend.intersects(data), (legend, data)
