"""The main window: typing drives every view with the engine's own arrays; selectors; errors."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from rnnviz.engine.model import load_model
from rnnviz.ui.examples import EXAMPLES
from rnnviz.ui.main_window import MainWindow
from tests.ui._live_models import forward_states
from tests.ui._live_models import type_text as _type

REPO = Path(__file__).resolve().parents[2]


def _assert_heatmaps_match(w, text, layer=0, direction=0):
    model = w.model
    want = forward_states(model, text, layer, direction)
    T = len(model.tokenizer.tokenize(text))
    for key, hm in w.live.heatmaps().items():
        img = hm.image_data()
        assert img.shape == (model.net.hidden_sizes[layer], T), key
        np.testing.assert_allclose(img, want[key].T, rtol=1e-5, atol=1e-6, err_msg=key)


def test_title_focus_and_default_model(window):
    assert window.windowTitle() == "rnnviz"
    assert window.focusWidget() is window.text_edit
    assert window.model_name == "brackets_lstm"
    assert window.model_combo.currentText() == "brackets_lstm"
    assert "brackets_lstm" in window.status_text()


def test_typing_updates_heatmaps_with_the_engine_arrays(qtbot, window):
    _type(qtbot, window, "f(a, [b])")
    assert set(window.live.heatmaps()) == {"h", "c", "i", "f", "g", "o"}
    _assert_heatmaps_match(window, "f(a, [b])")
    _type(qtbot, window, " \"x\"")
    text = "f(a, [b]) \"x\""
    _assert_heatmaps_match(window, text)
    # tokens on every view's time axis
    toks = list(text)
    assert window.live.heatmap("h").tokens() == toks
    assert window.live.strip.tokens() == toks
    assert window.live.unit_line.tokens() == toks
    assert window.live.trajectory.points().shape == (len(toks), 2)
    # gates are shown 0..1, states -1..1
    assert window.live.heatmap("f").levels() == (0.0, 1.0)
    assert window.live.heatmap("h").levels() == (-1.0, 1.0)


def test_backspace_and_edit_at_start(qtbot, window):
    _type(qtbot, window, "abc(d)")
    qtbot.keyClick(window.text_edit, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: window.live.text() == "abc(d")
    window.flush()
    _assert_heatmaps_match(window, "abc(d")
    window.text_edit.moveCursor(window.text_edit.textCursor().MoveOperation.Start)
    qtbot.keyClicks(window.text_edit, "[")
    window.flush()
    _assert_heatmaps_match(window, "[abc(d")


def test_hover_readout_and_linked_cursor(qtbot, window):
    _type(qtbot, window, "bank(x)")
    hm = window.live.heatmap("c")
    hm.hover_cell(1, 3)
    value = forward_states(window.model, "bank(x)")["c"][1, 3]
    text = hm.readout_text()
    assert "token 'a'" in text and "step 2" in text and "unit 3" in text  # steps read t = 1..T
    assert f"{value:+.3f}" in text
    # every view follows the cursor
    assert window.live.cursor() == 1
    for v in window.live.heatmaps().values():
        assert v.cursor() == 1
    assert window.live.strip.cursor() == 1
    assert window.live.unit_line.cursor() == 1
    assert window.live.trajectory.cursor() == 1
    # the top-5 panel shows the prediction after the hovered step
    topk = window.live.topk
    assert topk.step() == 1
    probs = window.live.runner.probabilities()[1]
    best = [window.model.tokenizer.vocab[i] for i in np.argsort(-probs, kind="stable")[:5]]
    assert [t for t, _ in topk.entries()] == best


def test_unit_selection_paints_the_text_and_plots_a_line(qtbot, window):
    _type(qtbot, window, "(a [b] c)")
    window.live.heatmap("c").click_unit(5)
    c5 = forward_states(window.model, "(a [b] c)")["c"][:, 5]
    strip = window.live.strip
    assert strip.mode() == "free"  # c is unbounded: the text uses the unit's own range
    np.testing.assert_allclose(strip.values(), c5, rtol=1e-5, atol=1e-6)
    colors = {c.name() for c in strip.token_colors()}
    assert len(colors) > 1  # painted, one colour per token
    np.testing.assert_allclose(window.live.unit_line.series(), c5, rtol=1e-5, atol=1e-6)
    assert window.live.unit_line.label().startswith("c unit 5")
    for hm in window.live.heatmaps().values():
        assert hm.selected_unit() == 5
    # a gate unit is painted with the 0..1 map
    window.live.heatmap("f").click_unit(2)
    assert strip.mode() == "sequential"
    # typing keeps the selection and extends the painting
    _type(qtbot, window, "x")
    f2 = forward_states(window.model, "(a [b] c)x")["f"][:, 2]
    np.testing.assert_allclose(strip.values(), f2, rtol=1e-5, atol=1e-6)


def test_layer_and_direction_switches(qtbot, window):
    _type(qtbot, window, "ab(c)d")
    assert window.layer_combo.count() == 2 and window.direction_combo.count() == 2
    assert window.layer_combo.isEnabled() and window.direction_combo.isEnabled()
    for layer in (0, 1):
        for d in (0, 1):
            window.set_layer_direction(layer, d)
            assert (window.live.layer, window.live.direction) == (layer, d)
            _assert_heatmaps_match(window, "ab(c)d", layer, d)
    assert "layer 2/2" in window.live.heatmap("h").title()
    assert "backward" in window.live.heatmap("h").title()
    window.actions["view.next_layer"].trigger()
    assert window.live.layer == 0
    window.actions["view.toggle_direction"].trigger()
    assert window.live.direction == 0


def test_the_class_view_is_built_for_the_first_classifier_and_kept(qtbot, window):
    """A language model (the default) never needs the class-probability plot, so start-up
    does not build it; the first classifier does and keeps it, and it follows the cursor."""
    from rnnviz.ui.prediction_view import ClassProbabilityView

    live = window.live

    def class_views():
        stack = live.output_stack
        return [stack.widget(i) for i in range(stack.count())
                if isinstance(stack.widget(i), ClassProbabilityView)]

    _type(qtbot, window, "(a)")
    assert class_views() == []
    assert window.select_model("sentiment_lstm")
    window.replace_text("good but bad")
    window.flush()
    live.set_cursor(1)
    (view,) = class_views()
    assert live.output_widget() is view is live.class_view
    assert view.cursor() == 1 and view.series().shape == (3, 2)
    assert window.select_model("brackets_lstm") and window.select_model("sentiment_lstm")
    assert class_views() == [view] and live.output_widget() is view


def test_model_switch_to_word_classifier(qtbot, window):
    text = "The food was terrible but the service was amazing"
    _type(qtbot, window, text)
    assert window.select_model("sentiment_lstm")
    window.flush()
    assert window.model_name == "sentiment_lstm"
    words = text.lower().split()
    assert window.live.heatmap("h").tokens() == words
    assert window.live.output_widget() is window.live.class_view
    probs = window.live.class_view.series()
    assert probs.shape == (len(words), 2)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-6)
    assert window.live.class_view.class_names() == ["negative", "positive"]
    # single-direction, single-layer: selectors disabled
    assert not window.layer_combo.isEnabled() and not window.direction_combo.isEnabled()
    _assert_heatmaps_match(window, text)


def test_empty_text(qtbot, window):
    _type(qtbot, window, "ab")
    window.text_edit.clear()
    window.flush()
    for hm in window.live.heatmaps().values():
        assert hm.shape()[0] == 0
        assert hm.hint_text()
    assert window.live.strip.tokens() == []
    assert window.live.topk.entries() == []
    assert window.live.trajectory.points().shape == (0, 2)


def test_large_paste_stays_responsive(qtbot, window):
    window.select_model("brackets_lstm")
    big = ("f(a, [b + (c)]) \"q\" " * 1000)[:20_000]
    QApplication.clipboard().setText(big)
    window.text_edit.paste()
    qtbot.waitUntil(lambda: window.live.result is not None and window.live.result.steps == 20_000,
                    timeout=60_000)
    for hm in window.live.heatmaps().values():
        assert hm.shape()[0] == 20_000
    assert len(window.live.strip.tokens()) == 20_000
    assert window.live.trajectory.points().shape == (20_000, 2)
    # the event loop still runs: a further key is handled
    qtbot.keyClick(window.text_edit, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: window.live.result.steps == 20_001, timeout=60_000)
    window.repaint()


def test_unknown_characters_are_shown_and_marked(qtbot, window):
    _type(qtbot, window, "a")
    window.text_edit.insertPlainText("\u20ac")  # QTest cannot synthesise non-Latin-1 key events
    _type(qtbot, window, "b~")
    strip = window.live.strip
    assert strip.tokens() == ["a", "\u20ac", "b", "~"]
    assert strip.unknown_flags() == [False, True, False, True]
    assert window.live.heatmap("h").shape()[0] == 4
    assert "not in the model's vocabulary" in strip.token_tooltip(1)


def test_connectivity_shading_is_the_backprop_gradient(qtbot, window):
    window.select_model("sentiment_lstm")
    _type(qtbot, window, "the food was terrible but")
    window.live.strip.step_clicked.emit(3)
    strip = window.live.strip
    assert window.live.strip_mode() == "connectivity" and strip.mode() == "shading"
    g = window.live.runner.connectivity(3)
    want = np.zeros(5)
    want[: g.shape[0]] = g
    np.testing.assert_allclose(strip.values(), want / want.max(), rtol=1e-6)
    assert "step 4" in window.live.strip_label.text()  # index 3, read as t = 4
    window.live.heatmap("h").click_unit(0)
    assert window.live.strip_mode() == "unit"


def test_actions_registry_menus_and_shortcuts(window):
    a = window.actions
    for i in ("file.open", "file.quit", "view.compare", "edit.clear", "help.about"):
        assert i in a
    # the platform's Quit key, or Ctrl+Q where the platform has none (offscreen, Windows)
    assert a["file.quit"].shortcut() in (QKeySequence(QKeySequence.StandardKey.Quit), QKeySequence("Ctrl+Q"))
    assert a["file.open"].shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert a.ids("examples.") == [f"examples.{n}" for n in range(len(EXAMPLES))]
    def walk(menu):  # submenus too (File > Export > ...)
        for act in menu.actions():
            yield act
            if act.menu() is not None:
                yield from walk(act.menu())
    menu_actions = {act.objectName() for m in window.menuBar().actions() for act in walk(m.menu())}
    assert set(a.ids()) <= menu_actions | {""}
    texts = [e.text for e in EXAMPLES]
    for s in ("The bank was steep, so I slid down it.", "I love eating",
              "The food was terrible but the service was amazing"):
        assert s in texts


def test_example_switches_to_its_model(qtbot, window, monkeypatch):
    from rnnviz.analysis import live as live_module

    _type(qtbot, window, "f(x)")
    n = next(i for i, e in enumerate(EXAMPLES) if e.text.startswith("The food was terrible"))
    drawn, runs = [], []
    window.live.rendered.connect(lambda: drawn.append((window.live.model_name, window.live.result.text)))
    update = live_module.LiveRunner.update

    def counted(runner, text):
        runs.append(text)
        return update(runner, text)
    monkeypatch.setattr(live_module.LiveRunner, "update", counted)
    window.actions[f"examples.{n}"].trigger()
    qtbot.waitUntil(lambda: not window.live._pending)
    # the new model runs the example's text only (not the old text first), drawn once
    assert drawn == [("sentiment_lstm", EXAMPLES[n].text)]
    assert set(runs) == {EXAMPLES[n].text}
    assert window.model_name == "sentiment_lstm"
    assert window.text_edit.toPlainText() == EXAMPLES[n].text
    assert window.live.class_view.series().shape[0] == 9
    assert window.hint_label.isVisible()


def test_an_example_draws_its_text_once_with_the_unit_found(qtbot, window):
    from rnnviz.analysis.unit_search import find_unit

    _type(qtbot, window, "x = (1, [2])")
    n = next(i for i, e in enumerate(EXAMPLES)
             if e.unit_feature == "bracket_depth" and e.model == window.model_name)
    match = find_unit(window.model, "bracket_depth")
    drawn = []
    window.live.rendered.connect(
        lambda: drawn.append((window.live.result.text, window.live.layer, window.live.selected_unit())))
    window.actions[f"examples.{n}"].trigger()
    qtbot.waitUntil(lambda: not window.live._pending)
    # the old text is not drawn again for the layer and the unit chosen on the way
    assert drawn == [(EXAMPLES[n].text, match.layer, (match.key, match.unit))]
    _assert_heatmaps_match(window, EXAMPLES[n].text, layer=match.layer)


def test_no_models_is_a_clear_message(qtbot, tmp_path):
    empty = tmp_path / "none"
    empty.mkdir()
    w = MainWindow(models_dir=empty)
    qtbot.addWidget(w)
    w.show()
    assert "No models found" in w.status_text() and str(empty) in w.status_text()
    qtbot.keyClicks(w.text_edit, "hello")
    w.flush()
    w.actions["view.compare"].trigger()
    assert not w.compare_mode and not w.actions["view.compare"].isChecked()
    assert "Compare mode needs" in w.status_text()


def test_bad_model_file_keeps_the_previous_model(qtbot, window, tmp_path):
    bad = tmp_path / "broken.npz"
    bad.write_bytes(b"not a zip file")
    assert not window.load_model_file(bad)
    assert "broken.npz" in window.status_text()
    assert window.model_name == "brackets_lstm"
    _type(qtbot, window, "ok")
    _assert_heatmaps_match(window, "ok")


def test_screenshot_writes_a_png(tmp_path, models_dir):
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RNNVIZ_RESOURCES=str(models_dir.parent))
    r = subprocess.run([sys.executable, str(REPO / "main.py"), "--screenshot", str(out),
                        "--text", "f(a, [b])", "--model", "brackets_lstm"],
                       env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_model_from_file_path(qtbot, window, models_dir):
    path = models_dir / "compare_gru.npz"
    assert window.load_model_file(path)
    assert set(window.live.heatmaps()) == {"h", "r", "z", "n"}
    assert window.model.net.cell == load_model(path).net.cell


def test_undo_brings_back_text_replaced_by_an_example_or_cleared(qtbot, window):
    """Examples, lessons, projects (replace_text) and Edit > Clear text are undoable edits."""
    _type(qtbot, window, "my own (text)")
    n = next(i for i, e in enumerate(EXAMPLES) if e.model in (None, window.model_name))
    window.actions[f"examples.{n}"].trigger()
    window.flush()
    te = window.text_edit
    assert te.toPlainText() == EXAMPLES[n].text
    assert te.textCursor().position() == len(EXAMPLES[n].text)  # caret at the end, as before
    assert window.actions["edit.undo"].isEnabled()
    qtbot.keyClick(te, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert te.toPlainText() == "my own (text)"
    window.flush()
    assert window.live.text() == "my own (text)"
    window.actions["edit.redo"].trigger()
    assert te.toPlainText() == EXAMPLES[n].text
    window.actions["edit.clear"].trigger()
    assert te.toPlainText() == ""
    window.actions["edit.undo"].trigger()
    assert te.toPlainText() == EXAMPLES[n].text
    window.flush()
    _assert_heatmaps_match(window, EXAMPLES[n].text, layer=window.live.layer)
    window.replace_text("x(y)")  # what a lesson or an opened project does
    assert not window.hint_label.isVisible() and te.textCursor().position() == 4
    window.actions["edit.undo"].trigger()
    assert te.toPlainText() == EXAMPLES[n].text


def _class_view_breaks(monkeypatch):
    """The class plot raises ValueError as soon as it is given a text (a model that loads but
    cannot be shown)."""
    from rnnviz.ui.prediction_view import ClassProbabilityView

    real = ClassProbabilityView.set_probabilities

    def broken(view, probs, tokens, names):
        if len(tokens):
            raise ValueError("class_names must have one entry per column: 1 for 2")
        return real(view, probs, tokens, names)
    monkeypatch.setattr(ClassProbabilityView, "set_probabilities", broken)


def _assert_still_on(window, name):
    assert window.model_name == name and window.model_combo.currentText() == name
    assert window.live.model is window.model and window.live.model_name == name
    assert window.shapes._model[0] is window.model


def test_a_model_that_fails_when_shown_leaves_the_previous_one_everywhere(qtbot, window, models_dir,
                                                                          monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    _class_view_breaks(monkeypatch)
    _type(qtbot, window, "f(a)")
    path = models_dir / "sentiment_lstm.npz"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions["file.open"].trigger()   # File > Open..., the dialog answers sentiment_lstm.npz
    window.files.wait()
    status = window.status_text()
    assert "sentiment_lstm.npz" in status and "class_names must have one entry" in status, status
    assert "still showing brackets_lstm" in status
    _assert_still_on(window, "brackets_lstm")
    # typing goes on with the old model, with no error
    _type(qtbot, window, "[b]")
    _assert_heatmaps_match(window, "f(a)[b]")
    # the same through an example that opens that model (drawn at the end of one_redraw)
    n = next(i for i, e in enumerate(EXAMPLES) if e.model == "sentiment_lstm")
    window.actions[f"examples.{n}"].trigger()
    window.flush()
    assert "sentiment_lstm.npz" in window.status_text() and "cannot be shown" in window.status_text()
    _assert_still_on(window, "brackets_lstm")
    assert not window.hint_label.isVisible()
    _assert_heatmaps_match(window, EXAMPLES[n].text)


def test_a_bad_model_on_the_command_line_is_reported(tmp_path, models_dir):
    """--model with a typo or a broken file: said on stderr; with --screenshot, exit code 2 and
    no picture (as --lesson does), not a silent picture of the default model."""
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a zip file")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RNNVIZ_RESOURCES=str(models_dir.parent))
    for model, words in (("sentiment", ["'sentiment'", "did you mean sentiment_lstm"]),
                         (str(broken), ["broken.npz", "not an rnnviz model file"])):
        out = tmp_path / "shot.png"
        r = subprocess.run([sys.executable, str(REPO / "main.py"), "--screenshot", str(out), "--model", model],
                           env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
        assert r.returncode == 2, (r.returncode, r.stderr)
        assert all(w in r.stderr for w in words), r.stderr
        assert not out.exists()


def test_a_bad_model_launched_interactively_says_so_and_opens_the_default(qtbot, models_dir, monkeypatch,
                                                                          capsys):
    import argparse

    from rnnviz.app import run_app

    monkeypatch.setenv("RNNVIZ_RESOURCES", str(models_dir.parent))
    seen = {}

    def event_loop(app):  # what the person sees when the window opens; then quit
        w = next(t for t in QApplication.topLevelWidgets() if isinstance(t, MainWindow) and t.isVisible())
        seen.update(status=w.status_text(), model=w.model_name, text=w.text_edit.toPlainText())
        qtbot.keyClicks(w.text_edit, "(x)")
        w.flush()
        seen["typed"] = w.live.text()
        w.close()
        return 0
    monkeypatch.setattr(QApplication, "exec", event_loop)
    code = run_app(argparse.Namespace(screenshot=None, text=None, model="brackets_lsmt", lesson=None))
    assert code == 0
    err = capsys.readouterr().err
    assert "brackets_lsmt" in err and "did you mean brackets_lstm" in err, err
    assert "brackets_lsmt" in seen["status"] and "Showing brackets_lstm instead" in seen["status"], seen
    assert seen["model"] == "brackets_lstm" and seen["typed"].endswith("(x)")  # usable


def test_a_model_that_fails_when_shown_with_nothing_before_leaves_an_empty_view(qtbot, tmp_path, models_dir,
                                                                                monkeypatch):
    """With no model shown before (an empty models folder), a model that loads but cannot be
    shown leaves the Memory tab empty, not half-built on the broken model."""
    _class_view_breaks(monkeypatch)
    empty = tmp_path / "no_models"
    empty.mkdir()
    w = MainWindow(models_dir=empty, restore=False)
    qtbot.addWidget(w)
    w.set_text("good food")
    assert w.model is None and w.live.model is None
    assert not w.load_model_file(models_dir / "sentiment_lstm.npz")
    assert "sentiment_lstm.npz" in w.status_text() and "cannot be shown" in w.status_text()
    live = w.live
    assert w.model is None and live.model is None and live.runner is None and live.result is None
    assert live._heatmaps == {} and live.strip.tokens() == [] and len(live.trajectory.points()) == 0
    qtbot.keyClicks(w.text_edit, " ok")      # typing on goes to no model, with no error
    w.flush()
    assert live.result is None and live._heatmaps == {} and w.text_edit.toPlainText() == "good food ok"


def test_the_window_fits_a_laptop_screen_and_the_heatmaps_scroll_there(qtbot, window):
    """The window can be made as small as a 1366 x 768 screen allows (before, six heatmaps set its
    least height at ~960 px); there the heatmaps scroll, at the first start's size they do not."""
    from rnnviz.ui.main_window import DEFAULT_SIZE

    least = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert least.width() <= 1366 and least.height() <= 700, least
    window.set_text("f(a) [b]")
    window.flush()
    live = window.live
    assert set(live._heatmaps) == {"h", "c", "i", "f", "g", "o"}
    bar = live.heatmap_scroll.verticalScrollBar()
    window.resize(1366, 700)
    qtbot.waitUntil(lambda: window.height() == 700)
    QApplication.processEvents()
    assert bar.maximum() > 0        # the heatmaps keep their size and scroll
    assert all(hm.height() >= hm.minimumSizeHint().height() for hm in live._heatmaps.values())
    window.resize(*DEFAULT_SIZE)
    qtbot.waitUntil(lambda: window.height() == DEFAULT_SIZE[1])
    QApplication.processEvents()
    assert bar.maximum() == 0       # all six heatmaps shown whole


def test_the_wheel_over_a_heatmap_scrolls_the_heatmaps_and_ctrl_wheel_zooms_it(qtbot, window):
    """On a short window the heatmaps scroll: the wheel over one scrolls them (it zoomed that
    heatmap, the page stuck under the pointer), Ctrl+wheel zooms it; a heatmap of another model
    (built anew) too. With nothing to scroll the wheel zooms, as before."""
    from rnnviz.ui.main_window import DEFAULT_SIZE
    from tests.ui.test_training_layout import _wheel

    window.set_text("f(a) [b] (c)")
    window.flush()
    window.resize(*DEFAULT_SIZE)
    qtbot.waitUntil(lambda: window.height() == DEFAULT_SIZE[1])
    QApplication.processEvents()
    live = window.live
    bar = live.heatmap_scroll.verticalScrollBar()
    viewport = live._heatmaps["f"].plot_widget.viewport()
    vb = live._heatmaps["f"].plot_widget.getPlotItem().vb
    before = vb.viewRange()
    _wheel(viewport, up=True)
    assert bar.maximum() == 0 and vb.viewRange() != before   # nothing to scroll: zooms in
    vb.autoRange()
    window.resize(1366, 700)
    qtbot.waitUntil(lambda: window.height() == 700)
    QApplication.processEvents()
    assert bar.maximum() > 0
    before = vb.viewRange()
    _wheel(viewport)
    assert bar.value() > 0 and vb.viewRange() == before       # scrolled down
    value = bar.value()
    _wheel(viewport, up=True)
    assert bar.value() < value and vb.viewRange() == before   # and up, never zoomed
    value = bar.value()
    _wheel(viewport, ctrl=True, up=True)
    assert bar.value() == value and vb.viewRange() != before  # Ctrl+wheel zooms
    assert window.select_model("compare_gru")                 # new heatmaps are watched too
    QApplication.processEvents()
    bar.setValue(0)
    _wheel(live._heatmaps["h"].plot_widget.viewport())
    assert bar.value() > 0


def test_another_model_shown_in_a_shown_window_keeps_its_heatmaps_in_view(qtbot, window):
    """The heatmaps of a model shown after the window is on screen get their share of the
    column: they were built hidden (a widget added to a shown panel shows only later), so they
    asked for no height and the column's splitter gave them 0 px, leaving only the text strip
    and the unit line."""
    from rnnviz.ui.live_view import HEATMAP_SCROLL_MIN_HEIGHT

    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.height() == 768)
    window.set_text("f(a) [b] (c)")
    window.flush()
    live = window.live
    for name in ("compare_gru", "brackets_lstm"):
        assert window.select_model(name)
        QApplication.processEvents()
        assert live.left.sizes()[1] >= HEATMAP_SCROLL_MIN_HEIGHT, (name, live.left.sizes())
        assert live.heatmap_scroll.height() >= HEATMAP_SCROLL_MIN_HEIGHT
        assert all(hm.isVisible() for hm in live.heatmaps().values())
