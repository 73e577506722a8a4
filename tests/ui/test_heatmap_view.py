"""HeatmapView: data held, colour levels, token ticks, hover readout, unit click, cursor."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication

from rnnviz.ui.heatmap_view import HeatmapView
from rnnviz.ui.token_axis import LABEL_GAP_PX, MAX_LABELS, nice_step


@pytest.fixture
def view(qtbot):
    w = HeatmapView("hidden state h")
    qtbot.addWidget(w)
    w.resize(800, 400)
    w.show()
    qtbot.waitExposed(w)
    return w


def _data(T=12, H=5, seed=0):
    rng = np.random.default_rng(seed)
    return np.tanh(rng.normal(size=(T, H)))


def test_image_data_is_input_transposed(view):
    values = _data()
    toks = list("hello world!")
    view.set_data(values, toks, "diverging")
    img = view.image_data()
    assert img.shape == (5, 12)
    np.testing.assert_array_equal(img, values.T)
    assert view.image.image is img
    assert view.shape() == (12, 5)


@pytest.mark.parametrize("kind,levels", [("diverging", (-1.0, 1.0)), ("sequential", (0.0, 1.0))])
def test_levels_per_kind(view, kind, levels):
    view.set_data(np.abs(_data()) * 0.5, list("hello world!"), kind)
    assert view.levels() == levels
    assert tuple(view.image.getLevels()) == levels
    assert view.kind() == kind


def test_free_levels_follow_data(view):
    values = np.arange(12 * 5, dtype=float).reshape(12, 5) * 3.0
    view.set_data(values, list("hello world!"), "free")
    assert view.levels() == (0.0, values.max())


def test_colormap_differs_between_kinds(view):
    view.set_data(_data(), list("hello world!"), "diverging")
    div = view.colorbar.colorMap().map(0.0, mode="qcolor").name()
    view.set_data(_data(), list("hello world!"), "sequential")
    seq = view.colorbar.colorMap().map(0.0, mode="qcolor").name()
    assert div != seq


def test_bad_input_raises(view):
    with pytest.raises(ValueError, match="tokens"):
        view.set_data(_data(), list("short"), "diverging")
    with pytest.raises(ValueError, match="kind"):
        view.set_data(_data(), list("hello world!"), "rainbow")
    with pytest.raises(ValueError, match="2-D"):
        view.set_data(np.zeros(3), list("abc"), "diverging")


def test_tooltip_explains_colours(view):
    view.set_data(_data(), list("hello world!"), "diverging")
    assert "blue" in view.toolTip() and "red" in view.toolTip()
    view.set_data(_data(), list("hello world!"), "sequential")
    assert "0" in view.toolTip() and "1" in view.toolTip()


def test_short_text_labels_every_token(view):
    toks = list("the cat sat")
    view.set_data(_data(len(toks)), toks, "diverging")
    ticks = view.time_ticks()
    assert [lab for _, lab in ticks] == ["t", "h", "e", "\u2423", "c", "a", "t", "\u2423", "s", "a", "t"]
    assert [p for p, _ in ticks] == [i + 0.5 for i in range(len(toks))]


def test_long_text_ticks_are_thinned(view):
    toks = [f"w{i}" for i in range(300)]
    view.set_data(_data(300, 4), toks, "diverging")
    ticks = view.time_ticks()
    assert 2 <= len(ticks) <= MAX_LABELS
    steps = np.diff([p for p, _ in ticks])
    assert np.all(steps == steps[0]) and steps[0] > 1
    # labels are the tokens at those positions
    for p, lab in ticks:
        assert lab == toks[int(p - 0.5)]


def test_zoom_reveals_more_labels(view):
    toks = [f"w{i}" for i in range(300)]
    view.set_data(_data(300, 4), toks, "diverging")
    view.plot.getViewBox().setXRange(100, 110, padding=0)
    labels = [lab for _, lab in view.time_ticks()]
    assert labels == [f"w{i}" for i in range(100, 110)]


def test_nice_step():
    assert nice_step(10, 60) == 1
    assert nice_step(61, 60) == 2
    assert nice_step(20000, 60) == 500
    assert nice_step(20000, 10) == 2000
    assert [nice_step(n, 4) for n in (8, 12, 16, 20, 24)] == [2, 3, 4, 5, 10]  # 3 and 4 on short axes
    assert nice_step(130, 4) == 50  # above 10, 1-2-5 steps
    assert nice_step(150, 50) == 5  # and on axes of more than SMALL_STEPS_UP_TO steps


def _label_boxes(view):
    """(left, right) in pixels of each label the time axis drew."""
    axis = view._time_axis
    fm = QFontMetrics(axis.style.get("tickFont") or QFont())
    # the painter measures a label as its text plus 2 pixels
    return [(x - (fm.horizontalAdvance(t) + 2) / 2, x + (fm.horizontalAdvance(t) + 2) / 2)
            for x, t in axis.drawn_labels]


def test_a_short_text_of_words_labels_every_other_word_without_overlap(view):
    """The spacing comes from the real width of a typical label: the food/service sentence on a
    half-window heatmap labels every 2nd word (it used to label every 5th: 'the', 'the')."""
    toks = "the food was terrible but the service was amazing".split()
    view.resize(480, 250)  # a plot area 370 px wide (the axes keep room for "000" and "-1000")
    view.set_data(_data(len(toks), 4), toks, "diverging")
    view.grab()
    axis = view._time_axis
    assert axis._last_spec[0] == 2
    drawn = [t for _, t in axis.drawn_labels]
    assert drawn[:3] == ["the", "was", "but"] and len(drawn) >= 4  # (at this width: also service, amazing)
    boxes = _label_boxes(view)
    assert all(r1 + LABEL_GAP_PX / 2 <= l2 for (_, r1), (l2, _) in zip(boxes, boxes[1:]))


def test_a_label_longer_than_the_typical_one_never_overlaps_its_neighbours(view):
    toks = list("abcdefgh") + ["wordy-word"] + list("ijklmnopqrst")  # a 90th percentile of 1 char
    view.resize(700, 250)
    view.set_data(_data(len(toks), 4), toks, "diverging")
    view.grab()
    axis = view._time_axis
    assert axis._last_spec[0] == 1  # labels of one character: every token gets a tick
    drawn = [t for _, t in axis.drawn_labels]
    assert 10 <= len(drawn) < len(toks)  # the long label and a neighbour cannot both be drawn
    it = iter(toks)
    assert all(t in it for t in drawn)  # in order
    boxes = _label_boxes(view)
    assert all(r1 + LABEL_GAP_PX / 2 <= l2 for (_, r1), (l2, _) in zip(boxes, boxes[1:]))


def _pixels(widget):
    img = widget.grab().toImage()
    return np.array(img.constBits()).copy()  # (copied while img is alive)


def _repaint(widget):
    """Let the window paint what changed, as it does between keystrokes."""
    widget.repaint()
    QApplication.processEvents()


def test_typing_onto_a_labelled_step_draws_just_the_new_label(view, monkeypatch):
    """Typing at the end repaints only the new label of the time axis, in its cached picture,
    and the picture equals a full redraw."""
    import rnnviz.ui.token_axis as token_axis

    toks = [chr(97 + i % 26) for i in range(120)]
    values = _data(120, 4)
    view.set_data(values[:101], toks[:101], "diverging")  # tokens 0..100
    for T in range(102, 105):  # typing on: the axis is cached again, its layout settles
        view.set_data(values[:T], toks[:T], "diverging", changed_from=T - 1)
        _repaint(view)
    # (a key repaints only the canvas over the cells: the plot, and with it the axis' new
    # cache, is drawn when something else shows it, here a full repaint)
    view.plot_widget.viewport().repaint()
    axis = view._time_axis
    step = axis._last_spec[0]
    assert 1 < step <= 5 and 100 % step == 0
    painted = []
    real = token_axis.draw_top_centred
    monkeypatch.setattr(token_axis, "draw_top_centred",
                        lambda p, x, y, text, *rest: (painted.append(text), real(p, x, y, text, *rest)))
    for T in range(105, 112):  # tokens 104 .. 110
        painted.clear()
        view.set_data(values[:T], toks[:T], "diverging", changed_from=T - 1)
        _repaint(view)
        assert painted == ([toks[T - 1]] if (T - 1) % step == 0 else [])
    assert axis.drawn_labels[-1][1] == toks[110]
    partial = _pixels(view)
    axis.picture = None  # as pyqtgraph asks for a full redraw
    axis.update()
    painted.clear()
    assert np.array_equal(_pixels(view), partial)
    assert len(painted) == len(axis.drawn_labels) > 5


def test_20000_steps_few_ticks(view, qtbot):
    T, H = 20000, 32
    values = np.random.default_rng(1).uniform(size=(T, H))
    view.set_data(values, [f"t{i}" for i in range(T)], "sequential")
    view.grab()  # paint once
    assert len(view.time_ticks()) <= 100
    assert len(view._time_axis.last_ticks) <= 100
    np.testing.assert_array_equal(view.image_data(), values.T)


def test_empty_input_shows_hint(view):
    view.set_data(np.zeros((0, 16)), [], "diverging")
    assert view.image_data().shape == (16, 0)
    assert view.hint_text() == "type some text"
    assert view.time_ticks() == []
    view.set_cursor(0)
    assert view.cursor() is None
    view.grab()
    view.set_data(_data(), list("hello world!"), "diverging")
    assert view.hint_text() == ""


def test_hover_readout_via_slot(view):
    toks = list("hello world!")
    values = _data()
    view.set_data(values, toks, "diverging")
    seen = []
    view.hovered.connect(lambda s, u, v: seen.append((s, u, v)))
    view.hover_at_scene(view.scene_pos_of(5, 2))
    assert seen == [(5, 2, pytest.approx(values[5, 2]))]
    assert view.readout_text() == f"token '\u2423' \u00b7 step 6 \u00b7 unit 2 \u00b7 value {values[5, 2]:+.3f}"


def test_hover_with_real_mouse_move(view, qtbot):
    toks = list("hello world!")
    values = _data()
    view.set_data(values, toks, "diverging")
    view.grab()
    scene_pos = view.scene_pos_of(1, 3)
    vp = view.plot_widget.viewport()
    widget_pos = view.plot_widget.mapFromScene(scene_pos)
    with qtbot.waitSignal(view.step_hovered, timeout=1000) as blocker:
        qtbot.mouseMove(vp, widget_pos)
        qtbot.mouseMove(vp, widget_pos + QPoint(1, 0))
    assert blocker.args == [1]
    assert view.readout_text().startswith("token 'e' \u00b7 step 2 \u00b7 unit 3")


def test_hover_outside_image_keeps_readout(view):
    view.set_data(_data(), list("hello world!"), "diverging")
    view.hover_at_scene(QPointF(-100, -100))
    assert view.readout_text() == ""


def test_unit_click_emits_and_selects(view, qtbot):
    view.set_data(_data(), list("hello world!"), "diverging")
    view.grab()
    pos = view.plot_widget.mapFromScene(view.scene_pos_of(4, 3))
    with qtbot.waitSignal(view.unit_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(view.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [3]
    assert view.selected_unit() == 3
    assert view.unit_band.isVisible()
    assert tuple(view.unit_band.getRegion()) == (3, 4)


def test_cursor_line(view):
    view.set_data(_data(), list("hello world!"), "diverging")
    view.set_cursor(7)
    assert view.cursor() == 7
    assert view.cursor_line.isVisible() and view.cursor_line.value() == 7.5
    view.set_cursor(None)
    assert not view.cursor_line.isVisible()
    view.set_cursor(99)
    assert view.cursor() is None


def test_selection_dropped_when_units_shrink(view):
    view.set_data(_data(H=8), list("hello world!"), "diverging")
    view.set_selected_unit(6)
    view.set_data(_data(H=4), list("hello world!"), "diverging")
    assert view.selected_unit() is None


def test_render_png(view, tmp_path):
    toks = list("the cat sat on the mat")
    view.set_data(_data(len(toks), 16), toks, "diverging")
    view.set_cursor(3)
    view.set_selected_unit(2)
    path = tmp_path / "heatmap.png"
    assert view.grab().save(str(path))
    assert path.stat().st_size > 1000


# -- incremental updates and the column image -------------------------------------------------------
def _expected_argb(item, data):
    """ARGB32 pixels pyqtgraph's makeARGB would give ``data`` (H, n) with the item's LUT/levels."""
    lut = np.asarray(item.lut)
    lo, hi = (float(v) for v in item.levels)
    n = lut.shape[0]
    idx = np.clip((data - lo) * (n / (hi - lo)), 0, n - 1).astype(int)
    rgb = lut[idx].astype(np.uint32)
    return (np.uint32(255) << 24) | (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def test_typing_updates_equal_a_full_update(view):
    rng = np.random.default_rng(2)
    values = np.tanh(rng.normal(size=(60, 7)))
    toks = [chr(97 + i % 26) for i in range(60)]
    for T in range(1, 61):  # one new step at a time, as typing does
        view.set_data(values[:T], toks[:T], "diverging", changed_from=T - 1)
        if T % 20 == 0:
            view.grab()
    view.set_data(values[:50], toks[:50], "diverging", changed_from=50)  # deletions
    edited = values[:50].copy()
    edited[30:] = -edited[30:]
    view.set_data(edited, toks[:50], "diverging", changed_from=30)  # an edit in the middle
    np.testing.assert_array_equal(view.image_data(), edited.T)
    assert view.tokens() == toks[:50]
    assert view.time_ticks()[0] == (0.5, "a")
    view.grab()
    item = view.image
    assert item._block == 1  # 50 columns over ~700 px: one block per column
    np.testing.assert_array_equal(item._argb[:, :50], _expected_argb(item, edited.T))


def test_long_rows_are_averaged_per_screen_pixel_and_recoloured_incrementally(view):
    T, H = 6000, 4
    values = np.random.default_rng(3).uniform(size=(T, H))
    view.set_data(values, [f"t{i}" for i in range(T)], "sequential")
    view.grab()
    item = view.image
    b = item._block
    assert b > 1 and b & (b - 1) == 0  # a power of two
    n = -(-T // b)
    means = np.array([values[j * b:(j + 1) * b].mean(axis=0) for j in range(n)]).T
    np.testing.assert_array_equal(item._argb[:, :n], _expected_argb(item, means))
    # typing at the end: only the last block is recoloured
    grown = np.vstack([values, np.full((1, H), 0.99)])
    item._argb[:, : (T // b) - 1] = 7  # marks: must survive
    view.set_data(grown, [f"t{i}" for i in range(T + 1)], "sequential", changed_from=T)
    view.grab()
    assert np.all(item._argb[:, : (T // b) - 1] == 7)
    j = T // b  # the block holding the new column
    last = grown[j * b:].mean(axis=0)
    np.testing.assert_array_equal(item._argb[:, j], _expected_argb(item, last[:, None])[:, 0])


def test_nan_cells_are_grey_and_infinite_ones_at_the_ends_of_the_scale(view):
    from rnnviz.ui.heatmap_view import NAN_ARGB

    values = _data()
    values[3, 1] = np.nan
    values[5, 2], values[6, 2] = np.inf, -np.inf  # an overflowing network
    view.set_data(values, list("hello world!"), "diverging")
    view.grab()
    argb, lut = view.image._argb, view.image._lut32
    assert argb[1, 3] == NAN_ARGB  # not the white of 0
    assert argb[2, 5] == lut[-1] and argb[2, 6] == lut[0]
    assert argb[1, 4] >> 24 == 255
    img = view.canvas.grab().toImage()  # and that is what the canvas shows
    p = view.canvas.data_to_pixels().map(QPointF(3.5, 1.5))
    assert img.pixel(int(p.x()), int(p.y())) == int(NAN_ARGB)


def test_time_labels_can_be_hidden(view):
    view.set_data(_data(), list("hello world!"), "diverging")
    view.set_time_labels(False)
    assert not view.time_labels_shown()
    view.set_time_labels(True)
    assert view.time_labels_shown()


def test_colour_bar_drives_the_image_lookup_table_and_levels(view):
    from rnnviz.ui import theme

    view.set_data(_data(), list("hello world!"), "sequential")
    bar = view.colorbar
    assert bar.levels() == (0.0, 1.0)
    np.testing.assert_array_equal(view.image.lut, theme.sequential_map().getLookupTable(nPts=256))
    assert tuple(float(v) for v in view.image.levels) == (0.0, 1.0)
    assert tuple(bar.axis.range) == (0.0, 1.0)
    view.set_data(_data() * 3, list("hello world!"), "free")
    lo, hi = bar.levels()
    assert lo == pytest.approx(float((_data() * 3).min())) and hi == pytest.approx(float((_data() * 3).max()))
    assert tuple(float(v) for v in view.image.levels) == (lo, hi)
    view.set_data(_data(), list("hello world!"), "diverging")
    np.testing.assert_array_equal(view.image.lut, theme.diverging_map().getLookupTable(nPts=256))
    assert bar.strip.boundingRect().height() > 50  # as tall as the heatmap, not a stub
