"""pca_2d (NumPy) and TrajectoryView."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from rnnviz.analysis.pca import pca_2d, pca_2d_with_variance
from rnnviz.ui.trajectory_view import MAX_POINT_LABELS, TrajectoryView
from rnnviz.ui.token_axis import time_extent


# -- pca_2d -------------------------------------------------------------------------------------
def test_pca_of_points_on_a_line_is_collinear():
    t = np.linspace(-1, 2, 15)
    direction = np.array([1.0, -2.0, 0.5, 3.0])
    h = 0.3 + np.outer(t, direction)
    pts, ratio = pca_2d_with_variance(h)
    assert pts.shape == (15, 2)
    np.testing.assert_allclose(pts[:, 1], 0.0, atol=1e-9)
    # PC1 coordinate is the signed distance along the line from the mean
    expected = (t - t.mean()) * np.linalg.norm(direction)
    assert np.allclose(pts[:, 0], expected) or np.allclose(pts[:, 0], -expected)
    assert ratio[0] == pytest.approx(1.0) and ratio[1] == 0.0


def test_pca_matches_svd_reference():
    rng = np.random.default_rng(3)
    h = rng.normal(size=(40, 6)) @ np.diag([5, 3, 1, 0.5, 0.2, 0.1])
    pts = pca_2d(h)
    x = h - h.mean(0)
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    ref = u[:, :2] * s[:2]
    for k in range(2):  # equal up to sign per component
        assert np.allclose(pts[:, k], ref[:, k]) or np.allclose(pts[:, k], -ref[:, k])
    # variance explained equals the squared singular values' share
    _, ratio = pca_2d_with_variance(h)
    np.testing.assert_allclose(ratio, s[:2] ** 2 / np.sum(s**2))


def test_pca_is_deterministic_in_sign():
    rng = np.random.default_rng(0)
    h = rng.normal(size=(20, 5))
    np.testing.assert_array_equal(pca_2d(h), pca_2d(h.copy()))
    np.testing.assert_allclose(pca_2d(h + 10.0), pca_2d(h), atol=1e-9)


@pytest.mark.parametrize("shape", [(0, 4), (1, 4), (5, 1), (0, 0)])
def test_pca_degenerate_shapes(shape):
    pts = pca_2d(np.ones(shape))
    assert pts.shape == (shape[0], 2)
    assert np.all(pts == 0) or shape == (5, 1)


def test_pca_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        pca_2d(np.zeros(3))
    with pytest.raises(ValueError, match="finite"):
        pca_2d(np.array([[0.0, np.nan], [1.0, 2.0]]))


def test_pca_module_has_no_qt():
    import subprocess
    import sys
    code = ("import sys, rnnviz.analysis.pca; "
            "assert 'PySide6' not in sys.modules and 'pyqtgraph' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# -- TrajectoryView -------------------------------------------------------------------------------
@pytest.fixture
def view(qtbot):
    w = TrajectoryView()
    qtbot.addWidget(w)
    w.resize(600, 450)
    w.show()
    qtbot.waitExposed(w)
    return w


def _h(T=20, H=8, seed=0):
    rng = np.random.default_rng(seed)
    return np.tanh(np.cumsum(rng.normal(size=(T, H)), axis=0) * 0.3)


def test_points_are_pca_of_states(view):
    h = _h()
    toks = [f"t{i}" for i in range(20)]
    view.set_states(h, toks)
    np.testing.assert_allclose(view.points(), pca_2d(h))
    np.testing.assert_allclose(view.path_points(), pca_2d(h))
    assert view.marker_steps().tolist() == list(range(20))
    assert view.explained_variance()[0] > 0
    assert "variance" in view.plot.getAxis("bottom").labelText


def test_markers_coloured_by_time(view):
    view.set_states(_h(), [f"t{i}" for i in range(20)])
    brushes = [view.marker_brushes()[i].color().name() for i in (0, 19)]
    assert brushes[0] != brushes[1]
    assert view.colorbar.levels() == (0, time_extent(20) - 1)  # the time axes' width (24)


def _colorbar_tick_labels(view) -> list[str]:
    return [label for level in view.colorbar.axis._tickLevels for _, label in level]


@pytest.mark.parametrize("T", [0, 1, 5, 20])
def test_colorbar_labels_only_steps_that_exist(view, T):
    # the bar spans the time axes (time_extent: 8 steps for a 1- or 5-step text), its ends
    # read as steps 1 .. W; with no text it labels step 1 only (it said "2" as its top end)
    view.set_states(_h(T), [f"t{i}" for i in range(T)])
    W = time_extent(T) if T else 0
    assert _colorbar_tick_labels(view) == (["1", str(W)] if T else ["1"])
    view.set_states(_h(5), [f"t{i}" for i in range(5)])
    assert _colorbar_tick_labels(view) == ["1", "8"]
    view.set_states(np.zeros((0, 8)), [])
    assert _colorbar_tick_labels(view) == ["1"]


def test_cursor_ring(view):
    view.set_states(_h(), [f"t{i}" for i in range(20)])
    view.set_cursor(7)
    assert view.cursor() == 7
    assert view.cursor_marker.isVisible()
    np.testing.assert_allclose(view.cursor_position(), view.points()[7])
    view.set_cursor(None)
    assert view.cursor_position() is None and not view.cursor_marker.isVisible()


def test_hover_and_click_nearest_point(view, qtbot):
    view.set_states(_h(), [f"t{i}" for i in range(20)])
    view.grab()
    with qtbot.waitSignal(view.step_hovered) as blocker:
        view.hover_at_scene(view.scene_pos_of(4))
    assert blocker.args == [4]
    assert view.readout_text().startswith("token 't4' \u00b7 step 5")
    pos = view.plot_widget.mapFromScene(view.scene_pos_of(9))
    with qtbot.waitSignal(view.step_clicked) as blocker:
        qtbot.mouseClick(view.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [9]


def test_labels_thinned_for_long_input(view):
    T = 20000
    h = _h(T, 16, seed=1) * 0.2
    view.set_states(h, [f"w{i}" for i in range(T)])
    assert view.points().shape == (T, 2)
    assert 2 <= len(view.label_steps()) <= MAX_POINT_LABELS
    assert T - 1 in view.label_steps()  # the newest token is always labelled
    view.grab()


def test_empty_and_errors(view):
    view.set_states(np.zeros((0, 8)), [])
    assert view.points().shape == (0, 2)
    assert view.hint.isVisible()
    view.set_cursor(0)
    assert view.cursor() is None
    view.grab()
    with pytest.raises(ValueError, match="tokens"):
        view.set_states(_h(3), ["a"])


def test_render_png(view, tmp_path):
    toks = list("the cat sat on the mat")
    view.set_states(_h(len(toks), 16), toks)
    view.set_cursor(5)
    assert view.grab().save(str(tmp_path / "trajectory.png"))


def test_update_states_while_typing_then_exact_after_a_pause(view, qtbot):
    h = _h(120, 8, seed=2)
    toks = [f"t{i}" for i in range(120)]
    view.set_states(h[:100], toks[:100])
    for T in range(101, 121):
        view.update_states(h[:T], toks[:T], changed_from=T - 1)
        assert view.points().shape == (T, 2)
        assert view.marker_steps().tolist() == list(range(T))
    if not view.is_exact():
        qtbot.waitUntil(view.is_exact, timeout=3000)  # refitted once typing paused
    np.testing.assert_allclose(view.points(), pca_2d(h), atol=1e-8)
    np.testing.assert_allclose(view.path_points(), pca_2d(h), atol=1e-8)


def test_every_point_stays_in_view(view):
    """Typing at the end, deleting, and typing other text that goes further out: the view
    always shows every point (its box is updated from the new points only while typing)."""
    h = _h(60, 8, seed=4)
    other = np.r_[h[:40], 4.0 * _h(20, 8, seed=9)]
    toks = [f"t{i}" for i in range(60)]

    def check():
        (x0, x1), (y0, y1) = view.plot.getViewBox().viewRange()
        pts = view.points()
        assert x0 <= pts[:, 0].min() and pts[:, 0].max() <= x1
        assert y0 <= pts[:, 1].min() and pts[:, 1].max() <= y1

    for T in range(2, 61):
        view.update_states(h[:T], toks[:T], changed_from=T - 1)
        check()
    view.update_states(h[:40], toks[:40], changed_from=40)   # delete 20 tokens
    check()
    for T in range(41, 61):
        view.update_states(other[:T], toks[:T], changed_from=T - 1)
        check()
    assert not view.is_exact()  # all of it on the axes fitted while typing


def test_labels_write_the_tokens_next_to_their_points_while_typing(view):
    h = _h(600, 8, seed=5)
    toks = [f"w{i}" for i in range(600)]
    view.update_states(h[:500], toks[:500])
    before = set(view.label_steps())
    view.update_states(h[:501], toks[:501], changed_from=500)
    after = view.label_steps()
    assert 500 in after
    assert len(before & set(after)) >= len(before) - 3  # labels do not jump around
    assert view.label_texts() == [toks[s] for s in after]
    np.testing.assert_allclose(view.label_positions(), view.points()[after])


def test_long_path_is_drawn_in_a_cached_piece_and_a_tail_that_together_hold_every_step(view):
    h = _h(1300, 8, seed=6)
    toks = [f"t{i}" for i in range(1300)]
    view.update_states(h[:1200], toks[:1200])
    for T in range(1201, 1211):
        view.update_states(h[:T], toks[:T], changed_from=T - 1)
        np.testing.assert_allclose(view.path_points(), view.points())
    assert view.path_frozen.cacheMode() == view.path_frozen.CacheMode.DeviceCoordinateCache
    assert len(view.path_frozen.getData()[0]) == 1025  # steps 0..1024 in the cached piece
    view.refit()
    np.testing.assert_allclose(view.path_points(), view.points())


def test_typing_redraws_only_the_newest_steps_and_leaves_the_cached_items_alone(view):
    """While typing at the end, the path, markers and labels of the older steps stay in cached
    items that are given new data only when a chunk of TAIL_CHUNK steps completes (or, for the
    labels, when a new grid step is labelled); the items redrawn on every key hold at most
    TAIL_CHUNK steps; together they still draw every step."""
    from rnnviz.ui.trajectory_view import TAIL_CHUNK

    h = _h(400, 8, seed=7)
    toks = [f"t{i}" for i in range(400)]
    view.update_states(h[:300], toks[:300])
    kept = {"path_recent": lambda: view.path_recent.xData, "markers": lambda: view.markers._x,
            "labels": lambda: view.labels._xy}
    before = {name: get() for name, get in kept.items()}
    renewed = {name: 0 for name in kept}
    for T in range(301, 341):
        view.update_states(h[:T], toks[:T], changed_from=T - 1)
        for name, get in kept.items():
            now = get()
            renewed[name] += now is not before[name]
            if name != "labels":  # a lone renewal keeps the pixmap cache (it is rebuilt once)
                item = getattr(view, name)
                assert item.cacheMode() == item.CacheMode.DeviceCoordinateCache, (name, T)
            before[name] = now
        assert len(view.path.xData) <= TAIL_CHUNK + 1
        assert len(view.markers_tail) <= TAIL_CHUNK
        assert view.newest_label.texts() == [toks[T - 1]]
        shown = view.label_steps()
        view._older_labels = (None, [])  # the cached choice of older labels equals a fresh one
        assert view._choose_label_steps() == shown
        np.testing.assert_allclose(view.path_points(), view.points())
        assert view.marker_steps().tolist() == list(range(T))
    # 40 keys cross one multiple of 32 (320); the labels' grid step is 2 at T <= 320, 4 after
    assert renewed["path_recent"] == 1 and renewed["markers"] == 1
    assert renewed["labels"] <= 40 // 2 + 1
    for T, changed in ((338, 338), (337, 337), (330, 330), (335, 330)):  # deleting, typing again
        view.update_states(h[:T], toks[:T], changed_from=changed)
        assert view.marker_steps().tolist() == list(range(T))
        np.testing.assert_allclose(view.path_points(), view.points())


def test_edits_at_the_start_draw_the_older_pieces_directly_and_typing_caches_them_again(view):
    """An edit at the start moves every point, so every piece is redrawn on every key: from
    the second such key on, the pieces are drawn directly (rebuilding a pixmap cache each key
    costs more). The first key typed at the end after it caches them again."""
    h = _h(700, 8, seed=9)
    toks = [f"t{i}" for i in range(700)]
    view.update_states(h[:600], toks[:600])
    view.update_states(h[:601], toks[:601], changed_from=600)
    pieces = [view.path_frozen, view.path_recent, view.markers]
    assert all(p.cacheMode() == p.CacheMode.DeviceCoordinateCache for p in pieces)
    for k in range(3):
        g = _h(601, 8, seed=20 + k)  # every state differs: an edit at the first token
        view.update_states(g, toks[:601], changed_from=0)
        mode = pieces[0].CacheMode.DeviceCoordinateCache if k == 0 else pieces[0].CacheMode.NoCache
        assert all(p.cacheMode() == mode for p in pieces), k
        np.testing.assert_allclose(view.path_points(), view.points())
    view.update_states(np.r_[g, h[601:602]], toks[:602], changed_from=601)
    assert all(p.cacheMode() == p.CacheMode.DeviceCoordinateCache for p in pieces)
    np.testing.assert_allclose(view.path_points(), view.points())


def test_the_newest_label_does_not_push_older_labels_out(view):
    """The newest step lands exactly on a labelled older step: both keep their labels (the
    newest on a box over the other), so typing does not make older labels flicker."""
    h = _h(100, 8, seed=8)
    toks = [f"w{i}" for i in range(100)]
    view.update_states(h, toks)
    pts = view.points()
    labelled = [k for k in view.label_steps() if k < 99]
    k = max(labelled, key=lambda j: float(np.sum((pts[j] - pts[99]) ** 2)))  # far from step 99
    view.update_states(np.vstack([h, h[k]]), toks + ["new"], changed_from=100)
    np.testing.assert_allclose(view.points()[100], view.points()[k])
    assert k in view.label_steps() and view.label_steps()[-1] == 100
    assert "w%d" % k in view.labels.texts() and view.newest_label.texts() == ["new"]


def test_a_label_at_the_right_edge_is_written_left_of_its_point(view):
    """The newest token's point is the rightmost: its label would be cut off at the plot's edge,
    so it is written on the left of the point (every pixel it changes is left of the point)."""
    view.set_points(np.array([[0.0, 0.0], [0.5, 1.0], [1.0, 0.5]]), ["a", "b", "amazingly"])
    changed, px = _pixels_of_labels_above(view, view.newest_label, 2)
    assert len(changed) > 20
    assert max(x for x, _ in changed) < px


def _pixels_of_labels_above(view, item, step):
    """The (x, y) device pixels, in the 40 rows above ``step``'s point, that label ``item``
    changes (grabbed with and without it); and the point's device x."""
    with_label = view.plot_widget.grab().toImage()
    item.hide()
    without = view.plot_widget.grab().toImage()
    item.show()
    ratio = with_label.devicePixelRatio()
    p = view.plot_widget.mapFromScene(view.scene_pos_of(step))
    px, py = p.x() * ratio, p.y() * ratio
    changed = [(x, y) for y in range(max(0, int(py - 40 * ratio)), int(py))
               for x in range(with_label.width()) if with_label.pixel(x, y) != without.pixel(x, y)]
    return changed, px


def test_older_labels_are_drawn_from_a_cache_unless_they_change_on_every_key(view):
    """On a short text every step is a label candidate, so typing at the end changes the older
    labels on every key: drawn directly from the second such key. On a long text they stay
    between grid steps and are drawn from a pixmap (the newest point's repaint overlaps them)."""
    h = _h(600, 8, seed=11)
    toks = [f"w{i}" for i in range(600)]
    view.update_states(h[:60], toks[:60])
    modes = []
    for T in range(61, 66):
        before = view.labels.texts()
        view.update_states(h[:T], toks[:T], changed_from=T - 1)
        assert view.labels.texts() != before  # the new older label
        modes.append(view.labels.cacheMode())
    NoCache, Cached = view.labels.CacheMode.NoCache, view.labels.CacheMode.DeviceCoordinateCache
    assert modes == [NoCache] * 5  # (setting the text was the first change)
    view.update_states(h[:500], toks[:500])  # a new text: a change
    changes, modes = [True], []
    for T in range(501, 520):
        before = view.labels.texts()
        view.update_states(h[:T], toks[:T], changed_from=T - 1)
        changes.append(view.labels.texts() != before)
        modes.append(view.labels.cacheMode())
    # drawn directly only on a second change in a row; most keys leave the older labels alone
    assert modes == [NoCache if now and last else Cached for last, now in zip(changes, changes[1:])]
    assert modes.count(Cached) > len(modes) // 2


def test_an_older_label_panned_to_the_right_edge_is_written_left_of_its_point(view):
    """The older labels may be drawn from a pixmap; a pan (a translation, which Qt would serve
    from that pixmap) must still write a label that reaches the right edge on the left."""
    view.set_points(np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]]), ["a", "wonderful", "c"])
    assert view.labels.texts() == ["a", "wonderful"]
    assert view.labels.cacheMode() == view.labels.CacheMode.DeviceCoordinateCache
    view.plot_widget.grab()  # the cache is built with the label right of its point
    vb = view.plot.getViewBox()
    (x0, x1), _ = vb.viewRange()
    vb.translateBy(x=0.52 - x1)  # the view's right edge now just right of step 1's point
    assert vb.viewRange()[0][1] - vb.viewRange()[0][0] == pytest.approx(x1 - x0)
    changed, px = _pixels_of_labels_above(view, view.labels, 1)
    assert len(changed) > 20
    assert max(x for x, _ in changed) < px


def _assert_older_labels_apart(view, pts, toks):
    older = view.label_steps()[:-1]
    assert 5 <= len(older) < len(toks) - 1
    fm = view.fontMetrics()
    boxes = []
    for i in older:
        p = view.plot_widget.mapFromScene(view.scene_pos_of(i))
        boxes.append((p.x(), p.y() - fm.height(), p.x() + fm.horizontalAdvance(toks[i]) + 6, p.y()))
    for a in range(len(boxes)):
        for b in range(a):
            (l1, t1, r1, b1), (l2, t2, r2, b2) = boxes[a], boxes[b]
            overlap_x, overlap_y = min(r1, r2) - max(l1, l2), min(b1, b2) - max(t1, t2)
            assert overlap_x <= 2 or overlap_y <= 2, (older[a], older[b])


def test_older_labels_keep_clear_of_each_other(view):
    """Labels are placed newest first; one whose box would overlap a placed one is dropped."""
    same = np.zeros((30, 2)) + np.array([0.3, -0.2])
    view.set_points(same + np.r_[np.zeros((29, 2)), [[1.0, 1.0]]], [f"w{i}" for i in range(30)])
    assert view.label_steps() == [28, 29]  # every older point is on top of step 28
    angle = np.linspace(0, 3 * np.pi, 60)
    pts = np.c_[np.cos(angle) * (1 + angle / 10), np.sin(angle) * (1 + angle / 10)]
    toks = [f"word{i}" for i in range(60)]
    view.set_points(pts, toks)
    _assert_older_labels_apart(view, pts, toks)
    # in a larger font the labels are measured again (no width kept from the old font)
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * 2.5)
    view.setFont(font)
    view.set_points(pts * 1.0001, toks)
    _assert_older_labels_apart(view, pts, toks)
