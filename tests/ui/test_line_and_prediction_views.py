"""UnitLineView, TopKView and ClassProbabilityView hold the data they were given."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetrics, qGray

from rnnviz.ui.line_view import UnitLineView
from rnnviz.ui.prediction_view import OKABE_ITO, ClassProbabilityView, TopKView
from rnnviz.ui.token_axis import MAX_LABELS


def _show(qtbot, w, size=(700, 300)):
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    return w


# -- UnitLineView ------------------------------------------------------------------------------
def test_line_series_and_curve(qtbot):
    w = _show(qtbot, UnitLineView())
    toks = list("hello")
    v = np.array([0.1, -0.5, 0.9, 0.0, -1.0])
    w.set_series(v, toks, "h unit 3")
    np.testing.assert_array_equal(w.series(), v)
    np.testing.assert_array_equal(w.curve_points(), np.c_[np.arange(5), v])
    np.testing.assert_array_equal(w.dot_points(), np.c_[np.arange(5), v])
    # typing appends a dot; a change earlier in the series redraws them
    w.set_series(np.r_[v, 0.5], toks + ["!"], "h unit 3")
    np.testing.assert_array_equal(w.dot_points()[:, 1], np.r_[v, 0.5])
    w.set_series(np.r_[-v, 0.5], toks + ["!"], "h unit 3")
    np.testing.assert_array_equal(w.dot_points()[:, 1], np.r_[-v, 0.5])
    w.set_series(v, toks, "h unit 3")
    assert w.title() == "h unit 3"
    assert [lab for _, lab in w.time_ticks()] == toks
    assert w.toolTip()


@pytest.mark.parametrize("T", [50, 150, 700])
def test_a_long_line_is_a_kept_piece_and_a_tail_that_typing_changes(qtbot, T):
    from rnnviz.ui.line_view import MAX_DOTS, TAIL_CHUNK

    w = _show(qtbot, UnitLineView())
    v = np.sin(np.arange(T + 5) / 7.0)
    toks = ["a"] * (T + 5)
    w.set_series(v[:T], toks[:T], "u")
    kept = w._kept_to
    assert kept == ((T - 1) // TAIL_CHUNK) * TAIL_CHUNK and len(w.curve.getData()[0]) <= TAIL_CHUNK + 1
    kept_data = w.curve_kept.getOriginalDataset()[1]
    for k in range(T + 1, T + 6):  # typing at the end
        w.set_series(v[:k], toks[:k], "u")
        np.testing.assert_array_equal(w.curve_points(), np.c_[np.arange(k), v[:k]])
        want_dots = np.c_[np.arange(k), v[:k]] if k <= MAX_DOTS else np.zeros((0, 2))
        np.testing.assert_array_equal(w.dot_points(), want_dots)
    if w._kept_to == kept and kept:
        assert w.curve_kept.getOriginalDataset()[1] is kept_data  # the kept piece was not re-set
    edited = v[:T + 5].copy()
    edited[0] = 0.75  # an edit at the start redraws the kept piece too
    w.set_series(edited, toks, "u")
    np.testing.assert_array_equal(w.curve_points(), np.c_[np.arange(T + 5), edited])


def test_the_kept_line_piece_is_drawn_from_a_cache_unless_edits_change_it_on_every_key(qtbot):
    """Typing at the end repaints a strip at the right that the kept piece (line and dots)
    spans: it is drawn from a pixmap while it stays; edits at the start change it on every
    key, so from the second such key it is drawn directly; typing at the end caches it again."""
    w = _show(qtbot, UnitLineView())
    v = np.sin(np.arange(120) / 7.0)
    toks = ["a"] * 120
    pieces = (w.curve_kept, w.markers_kept)
    Cached, NoCache = w.curve_kept.CacheMode.DeviceCoordinateCache, w.curve_kept.CacheMode.NoCache
    w.set_series(v[:100], toks[:100], "u")
    for k in range(101, 104):
        w.set_series(v[:k], toks[:k], "u")
        assert [p.cacheMode() for p in pieces] == [Cached, Cached], k
    for j in range(3):
        edited = v[:103].copy()
        edited[0] = 0.1 * j - 0.5  # an edit at the start
        w.set_series(edited, toks[:103], "u")
        assert [p.cacheMode() for p in pieces] == [Cached if j == 0 else NoCache] * 2, j
        np.testing.assert_array_equal(w.dot_points()[:, 1], edited)
    w.set_series(np.r_[edited, 0.3], toks[:104], "u")
    assert [p.cacheMode() for p in pieces] == [Cached, Cached]
    np.testing.assert_array_equal(w.curve_points(), np.c_[np.arange(104), np.r_[edited, 0.3]])


def test_line_cursor_and_hover(qtbot):
    w = _show(qtbot, UnitLineView())
    w.set_series(np.array([0.1, -0.5, 0.9]), list("abc"), "u")
    w.set_cursor(2)
    assert w.cursor() == 2 and w.cursor_line.value() == 2
    w.set_cursor(5)
    assert w.cursor() is None and not w.cursor_line.isVisible()
    with qtbot.waitSignal(w.step_hovered) as blocker:
        w.hover_at_scene(w.scene_pos_of(1, 0.0))
    assert blocker.args == [1]
    assert w.readout_text() == "token 'b' \u00b7 step 2 \u00b7 value -0.500"


def test_line_click_emits_step(qtbot):
    w = _show(qtbot, UnitLineView())
    w.set_series(np.array([0.1, -0.5, 0.9]), list("abc"), "u")
    w.grab()
    pos = w.plot_widget.mapFromScene(w.scene_pos_of(2, 0.0))
    with qtbot.waitSignal(w.step_clicked) as blocker:
        qtbot.mouseClick(w.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [2]


def test_line_empty_and_long(qtbot):
    w = _show(qtbot, UnitLineView())
    w.set_series(np.zeros(0), [], "")
    assert w.series().shape == (0,)
    assert w.hint.isVisible()
    w.grab()
    T = 20000
    w.set_series(np.sin(np.arange(T) / 30.0), [f"t{i}" for i in range(T)], "long")
    w.grab()
    assert not w.hint.isVisible()
    assert len(w.time_ticks()) <= MAX_LABELS
    assert len(w.time_axis.last_ticks) <= MAX_LABELS


def test_line_bad_input(qtbot):
    w = _show(qtbot, UnitLineView())
    with pytest.raises(ValueError, match="tokens"):
        w.set_series(np.zeros(3), list("ab"))
    with pytest.raises(ValueError, match="1-D"):
        w.set_series(np.zeros((3, 2)), list("abc"))


# -- TopKView ---------------------------------------------------------------------------------
def test_topk_sorted_and_correct(qtbot):
    w = _show(qtbot, TopKView(), (350, 220))
    vocab = ["a", "b", " ", "\n", "c", "d", "e"]
    probs = np.array([0.05, 0.3, 0.25, 0.2, 0.1, 0.07, 0.03])
    w.set_distribution(probs, vocab, step=4, token="x")
    assert w.entries() == [("b", 0.3), (" ", 0.25), ("\n", 0.2), ("c", 0.1), ("d", 0.07)]
    assert w.display_labels() == ["b", "\u2423", "\u23ce", "c", "d"]
    assert w.step() == 4
    assert "After step 5 (" in w.heading_text() and "'x'" in w.heading_text()  # index 4 reads t = 5
    assert w.toolTip()
    w.grab()


def test_topk_small_vocab_and_errors(qtbot):
    w = _show(qtbot, TopKView(k=5), (350, 220))
    w.set_distribution(np.array([0.4, 0.6]), ["p", "q"], 0, "p")
    assert w.entries() == [("q", 0.6), ("p", 0.4)]
    with pytest.raises(ValueError, match="vocab"):
        w.set_distribution(np.array([0.4, 0.6]), ["p"], 0, "p")
    w.clear()
    assert w.entries() == []
    w.grab()


# -- ClassProbabilityView ----------------------------------------------------------------------
def test_class_probabilities(qtbot):
    w = _show(qtbot, ClassProbabilityView())
    toks = "this was not good".split()
    p = np.array([[0.5, 0.5], [0.4, 0.6], [0.7, 0.3], [0.9, 0.1]])
    w.set_probabilities(p, toks, ["neg", "pos"])
    np.testing.assert_array_equal(w.series(), p)
    assert len(w._curves) == 2
    for j, c in enumerate(w._curves):
        np.testing.assert_array_equal(c.getOriginalDataset()[1], p[:, j])
    assert w.guide.value() == 0.5
    assert [lab for _, lab in w.time_ticks()] == toks
    w.set_cursor(2)
    assert w.cursor() == 2
    w.hover_step(3)
    assert w.readout_text() == "token 'good' \u00b7 step 4 \u00b7 P(neg) 0.900 \u00b7 P(pos) 0.100"
    # replacing the data replaces the curves
    w.set_probabilities(p[:2, :1], toks[:2], ["only"])
    assert len(w._curves) == 1 and w.class_names() == ["only"]
    assert w.cursor() is None


def test_class_probabilities_empty_and_errors(qtbot):
    w = _show(qtbot, ClassProbabilityView())
    w.set_probabilities(np.zeros((0, 2)), [], ["a", "b"])
    assert w.series().shape == (0, 2)
    w.grab()
    with pytest.raises(ValueError, match="class_names"):
        w.set_probabilities(np.zeros((2, 2)), ["a", "b"], ["x"])


def test_render_pngs(qtbot, tmp_path):
    w = _show(qtbot, ClassProbabilityView())
    w.set_probabilities(np.array([[0.2, 0.8], [0.6, 0.4]]), ["good", "bad"], ["neg", "pos"])
    assert w.grab().save(str(tmp_path / "classes.png"))
    t = _show(qtbot, TopKView(), (350, 220))
    t.set_distribution(np.array([0.2, 0.8]), ["a", "b"], 0, "a")
    assert t.grab().save(str(tmp_path / "topk.png"))


def test_class_curves_are_updated_in_place_while_typing(qtbot):
    w = _show(qtbot, ClassProbabilityView())
    rng = np.random.default_rng(0)
    p = rng.dirichlet([1, 1], size=12)
    w.set_probabilities(p[:10], [f"t{i}" for i in range(10)], ["neg", "pos"])
    curves = list(w._curves)
    w.set_probabilities(p, [f"t{i}" for i in range(12)], ["neg", "pos"])
    assert w._curves == curves  # same items, new data
    np.testing.assert_allclose(w.series(), p)
    x, y = curves[1].getData()
    np.testing.assert_allclose(y, p[:, 1])
    assert [lab for _, lab in w.time_ticks()] == [f"t{i}" for i in range(12)]
    w.set_probabilities(p[:, ::-1], [f"t{i}" for i in range(12)], ["a", "b"])  # new classes
    assert w.class_names() == ["a", "b"] and w._curves != curves


def test_topk_bars_are_drawn_to_scale_with_labels_and_numbers(qtbot):
    """The painted bars: each row's filled length is its probability times the full track,
    and each row has its label left of the bar and its number right of the track (ink pixels)."""
    w = _show(qtbot, TopKView(), (360, 240))
    probs = np.array([0.6, 0.3, 0.1])
    w.set_distribution(probs, ["x", "y", "z"], 2, "x")
    img = w.bars.grab().toImage()
    assert img.devicePixelRatio() == 1.0
    bar_rgb = QColor(OKABE_ITO[0]).rgb() & 0xFFFFFF
    row_h = max(QFontMetrics(w.bars.font()).height() + 6, min(40, w.bars.height() / 3))

    def ink(x, y):
        c = img.pixel(x, y)
        return c & 0xFFFFFF != bar_rgb and qGray(c) < 150

    lengths, starts = [], set()
    for i in range(3):
        y = int(i * row_h + row_h / 2)
        bar = [x for x in range(img.width()) if img.pixel(x, y) & 0xFFFFFF == bar_rgb]
        assert bar, f"row {i}: no bar pixels"
        track_colour = img.pixel(img.width() // 2 + 40, y)  # right of every bar, inside the track
        track_end = max(x for x in range(img.width()) if img.pixel(x, y) == track_colour)
        starts.add(bar[0])
        lengths.append(len(bar))
        band = range(int(i * row_h) + 3, int((i + 1) * row_h) - 3)
        assert any(ink(x, yy) for x in range(bar[0] - 3) for yy in band), f"row {i}: no label"
        assert any(ink(x, yy) for x in range(track_end + 2, img.width()) for yy in band), \
            f"row {i}: no number right of the track"
        assert track_end > bar[-1]
    assert len(starts) == 1  # bars start at one x
    lengths = np.array(lengths, float)
    np.testing.assert_allclose(lengths / lengths[0], probs / probs[0], atol=0.03)
