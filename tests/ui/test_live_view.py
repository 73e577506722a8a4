"""LiveView on its own: every cell type, incremental typing, coalesced redraws, outputs."""
import numpy as np
import pytest

from rnnviz.errors import RnnvizError
from rnnviz.ui.live_view import PANELS, LiveView
from tests.ui._live_models import char_lm, forward_states, word_classifier


@pytest.fixture
def view(qtbot):
    v = LiveView()
    qtbot.addWidget(v)
    v.resize(1200, 800)
    v.show()
    qtbot.waitExposed(v)
    return v


@pytest.mark.parametrize("cell,family", [("lstm", "lstm"), ("gru", "gru"), ("rnn_tanh", "rnn")])
def test_every_cell_shows_its_states_and_gates(view, cell, family):
    model = char_lm(cell, (7,))
    view.set_model(model, cell)
    text = ""
    for ch in "f(a, [b])":
        text += ch
        view.set_text(text)
        view.flush()
    assert list(view.heatmaps()) == [k for k, _, _ in PANELS[family]]
    want = forward_states(model, text)
    for key, hm in view.heatmaps().items():
        np.testing.assert_allclose(hm.image_data(), want[key].T, rtol=1e-5, atol=1e-6)
    # the recurrent run was incremental: the last update re-ran only the new token
    assert view.result.recomputed_from == len(text) - 1


def test_redraws_are_coalesced(qtbot, view):
    view.set_model(char_lm("lstm", (6,)), "m")
    before = view.render_count
    for k in range(1, 30):
        view.set_text("(abc)"[: k % 5 + 1] * k)
    qtbot.waitUntil(lambda: not view._pending)
    assert view.render_count == before + 1
    assert view.text() == "(abc)"[: 29 % 5 + 1] * 29


def test_hidden_view_defers_work_until_shown(qtbot, view):
    view.set_model(char_lm("gru", (5,)), "m")
    view.hide()
    view.set_text("abc")
    qtbot.wait(20)
    assert view._pending and view.heatmap("h").shape()[0] == 0
    view.show()
    qtbot.waitUntil(lambda: view.heatmap("h").shape()[0] == 3)


def test_classifier_outputs_after_every_token(view):
    model = word_classifier()
    view.set_model(model, "sentiment")
    view.set_text("the food was terrible but the service was amazing")
    view.flush()
    ids = model.tokenizer.encode(view.text())[:, None]
    trace = model.net.forward(model.encode(ids))
    logits = model.step_outputs(trace)[:, 0].astype(np.float64)
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(view.class_view.series(), p, rtol=1e-5)
    # the last step equals the many-to-one prediction of the whole sentence
    _, probs = model.predict_proba(ids)
    np.testing.assert_allclose(view.class_view.series()[-1], probs[0], rtol=1e-5)


def test_auto_selected_unit_then_user_choice(view):
    view.set_model(char_lm("lstm", (6,)), "m")
    view.set_text("((a))")
    view.flush()
    key, unit = view.selected_unit()
    assert key == "h" and "most variable" in view.unit_line.label()
    view.select_unit("o", 4)
    assert view.selected_unit() == ("o", 4)
    assert view.unit_line.label().startswith("o unit 4")
    with pytest.raises(RnnvizError):
        view.select_unit("o", 99)
    with pytest.raises(RnnvizError):
        view.select_unit("r", 0)


def test_changes_inside_one_redraw_draw_once_at_its_end_even_when_one_fails(view):
    view.set_model(char_lm("lstm", (6, 5)), "m")
    view.set_text("((a))")
    view.flush()
    drawn = []
    view.rendered.connect(lambda: drawn.append((view.layer, view.selected_unit())))
    with view.one_redraw():
        view.set_layer_direction(1, 0)
        with view.one_redraw():  # nested: still one draw, at the outer end
            view.select_unit("c", 3)
        assert drawn == []
    assert drawn == [(1, ("c", 3))]
    np.testing.assert_allclose(view.unit_line.series(), forward_states(view.model, "((a))", 1)["c"][:, 3],
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(RnnvizError):
        with view.one_redraw():
            view.set_layer_direction(0, 0)
            view.select_unit("c", 99)  # refused: the layer change is still drawn
    assert drawn[1:] == [(0, ("c", 3))] and view.heatmap("h").shape() == (5, 6)  # layer 0: 6 units
    with view.one_redraw():
        pass  # nothing changed: nothing drawn
    assert len(drawn) == 2


def test_cursor_follows_the_end_while_typing(view):
    view.set_model(char_lm("lstm", (6,)), "m")
    view.set_text("abc")
    view.flush()
    assert view.cursor() == 2 and view.topk.step() == 2
    view.set_cursor(0)
    view.set_text("abcd")
    view.flush()
    assert view.cursor() == 0  # the user's cursor stays where they put it
    view.set_cursor(3)
    view.set_text("abcde")
    view.flush()
    assert view.cursor() == 4  # back at the end: follows again


def test_connectivity_follows_the_end_and_is_recomputed(qtbot, view):
    view.set_model(char_lm("lstm", (6,)), "m")
    view.set_text("(ab")
    view.flush()
    view.show_connectivity(2)
    view.set_text("(abc")
    view.flush()
    qtbot.waitUntil(lambda: view.connectivity_step() == 3 and not view._conn_timer.isActive())
    g = view.runner.connectivity(3)
    np.testing.assert_allclose(view.strip.values(), g / g.max(), rtol=1e-6)


def test_strip_layout_when_appending_equals_a_fresh_layout(qtbot, view):
    from rnnviz.ui.token_strip import TokenStrip

    view.set_model(char_lm("lstm", (4,)), "m")
    text = ""
    for k in range(12):
        text += "f(a, [b + c]) \"q\" and more words here " + ("\n" if k % 4 == 3 else "")
        view.set_text(text)
        view.flush()
    fresh = TokenStrip()
    qtbot.addWidget(fresh)
    fresh.resize(view.strip.size())
    fresh.show()
    res = view.result
    fresh.set_tokens(res.tokens, res.spans, res.unknown.tolist(), res.text)
    assert fresh.canvas.width() == view.strip.canvas.width()
    assert fresh.canvas.rects == view.strip.canvas.rects
    assert len({r.top() for r in fresh.canvas.rects}) > 3  # it did wrap


def test_token_labels_under_the_bottom_row_of_heatmaps(view):
    view.set_model(char_lm("lstm", (4,)), "m")
    shown = {k: hm.time_labels_shown() for k, hm in view.heatmaps().items()}
    assert shown == {"h": False, "c": False, "i": False, "f": False, "g": True, "o": True}
    view.set_model(char_lm("rnn_tanh", (4,)), "m")
    assert all(hm.time_labels_shown() for hm in view.heatmaps().values())


def test_typing_edits_and_layer_switches_keep_every_view_equal_to_the_engine(view):
    m = char_lm("gru", (5, 4))
    view.set_model(m, "m")
    texts = ["f(a", "f(a, [b", "f(a, [b]) x", "f(a, [b]) ", "g(a, [b]) ", "g(a, [b]) and (c)"]
    for text in texts:
        view.set_text(text)
        view.flush()
        for layer in (0, 1):
            view.set_layer_direction(layer, 0)
            ref = forward_states(m, text, layer)
            for key, hm in view.heatmaps().items():
                np.testing.assert_allclose(hm.image_data(), ref[key].T, rtol=1e-6, atol=1e-7)
                assert hm.tokens() == list(text)
            assert view.trajectory.points().shape == (len(text), 2)
            sel = view.selected_unit()
            np.testing.assert_allclose(view.unit_line.series(), ref[sel[0]][:, sel[1]], rtol=1e-6, atol=1e-7)
        view.set_layer_direction(0, 0)


def test_a_layer_and_unit_chosen_while_a_rejected_text_waits_are_drawn(view, monkeypatch):
    import rnnviz.analysis.live as live_mod

    m = char_lm("lstm", (5, 4))
    view.set_model(m, "m")
    view.set_text("f(a, [b])")
    view.flush()
    messages = []
    view.message.connect(messages.append)
    monkeypatch.setattr(live_mod, "MAX_TOKENS", 12)
    view.set_text("f(a, [b]) and more")  # over the (lowered) limit: the runner refuses it
    view.set_layer_direction(1, 0)
    view.select_unit("c", 2)
    view.flush()
    assert messages and "at most 12" in messages[-1]
    ref = forward_states(m, "f(a, [b])", 1)  # the previous text, at the new layer
    for key, hm in view.heatmaps().items():
        np.testing.assert_allclose(hm.image_data(), ref[key].T, rtol=1e-6, atol=1e-7)
        assert "layer 2/2" in hm.title()
    np.testing.assert_allclose(view.unit_line.series(), ref["c"][:, 2], rtol=1e-6, atol=1e-7)
