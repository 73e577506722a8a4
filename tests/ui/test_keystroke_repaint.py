"""What a keystroke repaints: time axes that grow in steps, strips instead of whole heatmaps,
cursors and texts that do not re-lay out the window."""
import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPointF
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from rnnviz.ui.heatmap_view import HeatmapView
from rnnviz.ui.text_line import TextLine
from rnnviz.ui.token_axis import time_extent


class EventLog(QObject):
    """Records (event type, region bounding rect) of the watched widgets."""

    def __init__(self, *widgets, types=(QEvent.Type.Paint,)):
        super().__init__()
        self.events = []
        self._types = types
        for w in widgets:
            w.installEventFilter(self)

    def eventFilter(self, obj, ev):  # noqa: N802 (Qt API)
        if ev.type() in self._types:
            rect = ev.region().boundingRect() if ev.type() == QEvent.Type.Paint else None
            self.events.append((obj, ev.type(), rect))
        return False


@pytest.mark.parametrize("n, width", [(0, 8), (1, 8), (8, 8), (9, 12), (12, 12), (13, 16), (17, 24), (25, 32),
                                      (100, 128), (128, 128), (129, 192), (193, 256), (1000, 1024),
                                      (1025, 1536), (5000, 6144)])
def test_time_extent_known_values(n, width):
    assert time_extent(n) == width


def test_time_extent_leaves_at_most_a_third_empty_and_grows_rarely():
    ns = np.arange(1, 20_000)
    w = np.array([time_extent(int(n)) for n in ns])
    assert np.all(w >= ns) and np.all(np.diff(w) >= 0)
    assert np.all(ns[ns > 8] / w[ns > 8] > 0.66)
    assert len(np.unique(w)) < 30  # a handful of widths for 20,000 lengths


@pytest.fixture
def heatmap(qtbot):
    w = HeatmapView("h")
    qtbot.addWidget(w)
    w.resize(800, 300)
    w.show()
    qtbot.waitExposed(w)
    return w


def _toks(n):
    return [chr(97 + i % 26) for i in range(n)]


def test_typing_inside_the_extent_keeps_the_range_and_repaints_a_strip(heatmap, qtbot):
    values = np.tanh(np.random.default_rng(0).normal(size=(120, 16)))
    heatmap.set_data(values[:101], _toks(101), "diverging")
    heatmap.set_cursor(100)
    vp = heatmap.plot_widget.viewport()
    for _ in range(3):  # the first, full paint, and nothing left pending
        vp.repaint()
        QApplication.processEvents()
    vb = heatmap.plot.getViewBox()
    assert vb.viewRange()[0] == pytest.approx([0, 128])
    log = EventLog(vp, heatmap.canvas)
    heatmap.set_data(values[:102], _toks(102), "diverging", changed_from=101)  # between two labels
    heatmap.set_cursor(101)
    qtbot.waitUntil(lambda: len(log.events) > 0, timeout=2000)
    QApplication.processEvents()
    assert vb.viewRange()[0] == pytest.approx([0, 128])  # no re-layout of the axes
    # the canvas over the cells repaints the new column and the cursor; the plot (its scene,
    # axes, title) is not repainted at all
    assert {obj for obj, _, _ in log.events} == {heatmap.canvas}
    widths = [rect.width() for _, _, rect in log.events]
    assert max(widths) < vp.width() / 10  # the new column and the cursor, not the whole view
    np.testing.assert_array_equal(heatmap.image_data(), values[:102].T)
    # outgrowing the extent widens the axes once
    heatmap.set_data(values[:120], _toks(120), "diverging", changed_from=102)
    heatmap.set_data(values[:120], _toks(120), "diverging")
    assert vb.viewRange()[0] == pytest.approx([0, 128])
    more = np.tanh(np.random.default_rng(1).normal(size=(129, 16)))
    heatmap.set_data(more, _toks(129), "diverging")
    assert vb.viewRange()[0] == pytest.approx([0, 192])


def test_token_axis_is_redrawn_only_when_a_shown_label_changes(heatmap):
    values = np.zeros((300, 4))
    heatmap.set_data(values[:201], _toks(201), "sequential")
    heatmap.grab()
    axis = heatmap._time_axis
    step, first, last = axis._last_spec
    assert step in (2, 5, 10, 20)
    assert axis.picture is not None
    n = 202  # token 201 falls between two labelled steps
    heatmap.set_data(values[:n], _toks(n), "sequential", changed_from=n - 1)
    assert axis.picture is not None  # cached drawing kept
    k = ((n + step) // step) * step  # the next labelled step
    heatmap.set_data(values[:k + 1], _toks(k + 1), "sequential", changed_from=n)
    heatmap.grab()  # a new label appears: drawn (alone, see test_heatmap_view)
    assert (k + 0.5, _toks(k + 1)[k]) in heatmap.time_ticks()
    assert axis.drawn_labels[-1][1] == _toks(k + 1)[k]


def test_token_axis_is_drawn_from_a_cache_unless_relabelled_on_every_key(heatmap):
    """Typing between labelled steps, or past one new label, leaves the axis' pixmap cache in
    use; relabels on consecutive keys (an edit at the start relabels every time axis on every
    key) draw the axis directly. The labels painted are the new ones either way."""
    values = np.zeros((300, 4))
    axis = heatmap._time_axis
    cached, direct = axis.CacheMode.DeviceCoordinateCache, axis.CacheMode.NoCache
    heatmap.set_data(values[:201], _toks(201), "sequential")
    heatmap.grab()
    heatmap.set_data(values[:202], _toks(202), "sequential", changed_from=201)
    assert axis.cacheMode() == cached
    for k in range(3):  # edits at the start: token 0 changes, and with it every drawn label
        toks = [chr(65 + k)] + _toks(201)
        heatmap.set_data(values[:202], toks, "sequential", changed_from=0)
        assert axis.cacheMode() == (cached if k == 0 else direct), k
        axis.drawn_labels = []
        heatmap.grab()  # drawn_labels is written by the axis' paint only
        step, first, last = axis._last_spec
        chosen = [toks[i] for i in range(first, min(last + 1, len(toks)), step)]
        drawn = [t for _, t in axis.drawn_labels]  # the chosen labels that fit inside the axis
        assert len(drawn) >= max(5, len(chosen) - 2)
        j = chosen.index(drawn[0])
        assert drawn == chosen[j:j + len(drawn)]
    heatmap.set_data(values[:203], toks + ["z"], "sequential", changed_from=202)
    assert axis.cacheMode() == cached


def _cursor_columns(heatmap) -> list[int]:
    """x (in the plot's viewport) of the columns painted in the cursor colour, read from a grab."""
    from rnnviz.ui import theme

    canvas = heatmap.canvas
    img = canvas.grab().toImage()
    accent = theme.accent_color().rgb()
    y = img.height() // 2
    return [canvas.x() + x for x in range(img.width()) if img.pixel(x, y) == accent]


def test_time_cursor_follows_the_view(heatmap):
    heatmap.set_data(np.zeros((20, 3)), _toks(20), "diverging")
    heatmap.set_cursor(5)
    cur = heatmap.cursor_line
    assert cur.isVisible() and cur.value() == 5.5
    vb = heatmap.plot.getViewBox()

    def expected():
        return heatmap.plot_widget.mapFromScene(vb.mapViewToScene(QPointF(5.5, 0))).x()
    drawn = _cursor_columns(heatmap)
    assert drawn and abs(np.mean(drawn) + 0.5 - expected()) <= 1.0, (drawn, expected())
    vb.setXRange(0, 10, padding=0)  # zooming moves it with the columns
    heatmap.grab()
    moved = _cursor_columns(heatmap)
    assert moved and abs(np.mean(moved) + 0.5 - expected()) <= 1.0, (moved, expected())
    assert np.mean(moved) > np.mean(drawn) + 50  # 10 columns over the width instead of 20
    heatmap.set_cursor(None)
    assert not cur.isVisible() and cur.value() is None
    assert _cursor_columns(heatmap) == []


def test_text_line_changes_do_not_re_lay_out_the_parent(qtbot):
    parent = QWidget()
    lay = QVBoxLayout(parent)
    line = TextLine("start")
    lay.addWidget(line)
    lay.addWidget(QWidget())
    qtbot.addWidget(parent)
    parent.resize(300, 100)
    parent.show()
    qtbot.waitExposed(parent)
    qtbot.wait(20)
    log = EventLog(parent, types=(QEvent.Type.LayoutRequest,))
    height = line.height()
    for i in range(20):
        line.setText(f"After step {i} ('x'), the model expects next:" * (1 + i % 3))
    qtbot.wait(20)
    assert line.text().startswith("After step 19")
    assert log.events == [] and line.height() == height
    assert line.toolTip() == line.text()  # too long for 300 px: elided, full text in the tooltip
    line.setText("short")
    assert line.toolTip() == ""


def test_typing_does_not_re_lay_out_the_live_views(qtbot):
    from rnnviz.ui.main_window import MainWindow

    w = MainWindow(restore=False)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    text = 'f(a, [b + (c * d)]) and "say (x)" then g([1, 2], {k: "v"}) or h((y)) ' * 2  # 138 characters
    w.set_text(text)
    w.text_edit.moveCursor(w.text_edit.textCursor().MoveOperation.End)
    qtbot.wait(50)
    live = w.live
    panels = [live.topk, live.unit_line, live.trajectory, *live.heatmaps().values()]
    log = EventLog(*panels, types=(QEvent.Type.LayoutRequest,))
    n = w.live.render_count
    qtbot.keyClicks(w.text_edit, " and")  # 142 characters: inside the same time extent (192)
    qtbot.waitUntil(lambda: w.live.render_count > n, timeout=3000)
    for _ in range(3):  # the posted events of the keystrokes (not the timers of a typing pause)
        QApplication.processEvents()
    assert log.events == []
    assert w.live.heatmap("h").shape()[0] == len(text) + 4


def _screen(window):
    """The pixels of ``window`` as the screen has them (the offscreen backing store), (h, w) uint32."""
    from PySide6.QtGui import QImage

    img = QApplication.primaryScreen().grabWindow(window.winId()).toImage()
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    a = np.frombuffer(img.constBits(), np.uint32, count=img.height() * img.bytesPerLine() // 4)
    return a.reshape(img.height(), img.bytesPerLine() // 4)[:, :img.width()].copy()


@pytest.mark.parametrize("last", ["edit at the start", "typing at the end"])
@pytest.mark.parametrize("repeats", [1, 4])  # 60 tokens (the unit line has dots) and 240
def test_partial_repaints_leave_the_same_pixels_as_a_full_repaint(qtbot, repeats, last):
    """Typing, deleting and editing repaint only what changed; the screen must still show exactly
    what repainting the whole window shows (also when the last keys typed at the end, which
    leave most of every view to earlier paints)."""
    from PySide6.QtCore import Qt

    from rnnviz.ui.main_window import MainWindow

    flash = QApplication.cursorFlashTime()
    QApplication.setCursorFlashTime(0)  # a blinking text cursor would change pixels between the shots
    w = MainWindow(restore=False)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    w.set_text('f(a, [b + (c * d)]) and "say (x)" then g([1, 2], {k: "v"}) ' * repeats)
    w.text_edit.moveCursor(w.text_edit.textCursor().MoveOperation.End)
    for _ in range(3):
        w.repaint()
        QApplication.processEvents()

    def settle():
        n = w.live.render_count
        qtbot.waitUntil(lambda: w.live.render_count > n, timeout=3000)
        for _ in range(3):
            QApplication.processEvents()

    for ch in 'x(y) [z] "w"':
        qtbot.keyClick(w.text_edit, ch)
        settle()
    for _ in range(3):
        qtbot.keyClick(w.text_edit, Qt.Key.Key_Backspace)
        settle()
    w.text_edit.moveCursor(w.text_edit.textCursor().MoveOperation.Start)
    qtbot.keyClick(w.text_edit, "(")
    settle()
    if last == "typing at the end":
        w.text_edit.moveCursor(w.text_edit.textCursor().MoveOperation.End)
        for ch in " q(r)":
            qtbot.keyClick(w.text_edit, ch)
            settle()
    incremental = _screen(w)
    w.repaint()
    QApplication.processEvents()
    full = _screen(w)
    QApplication.setCursorFlashTime(flash)
    assert incremental.shape == full.shape and incremental.size > 100_000
    assert np.count_nonzero(incremental != full) == 0


def test_token_axis_draws_the_labels_it_chose_at_their_columns(heatmap):
    toks = list("the cat sat")
    heatmap.set_data(np.zeros((len(toks), 3)), toks, "diverging")
    heatmap.grab()
    axis = heatmap._time_axis
    texts = [t for _, t in axis.drawn_labels]
    assert texts == [lab for _, lab in heatmap.time_ticks()] == ["t", "h", "e", "\u2423", "c", "a", "t", "\u2423", "s",
                                                                "a", "t"]
    xs = [x for x, _ in axis.drawn_labels]
    vb = heatmap.plot.getViewBox()
    for (x, _), step in zip(axis.drawn_labels, range(len(toks))):  # the centre of each column
        expected = axis.mapFromScene(vb.mapViewToScene(QPointF(step + 0.5, 0))).x()
        assert abs(x - expected) < 1.0
    assert xs == sorted(xs)
    long = [f"w{i}" for i in range(3000)]
    heatmap.set_data(np.zeros((3000, 3)), long, "diverging")
    heatmap.grab()
    assert 2 <= len(axis.drawn_labels) <= 60
    chosen = [long[int(round(v - 0.5))] for v in axis.last_ticks]
    it = iter(chosen)
    assert all(t in it for _, t in axis.drawn_labels)  # the chosen labels, in order (edge ones may not fit)


def test_axes_given_the_same_token_list_share_its_labels_without_aliasing(qtbot):
    from rnnviz.ui.token_axis import TokenAxis, short_label

    a, b = TokenAxis("bottom"), TokenAxis("bottom")
    tokens = list("f(a, [b])\n") + ["a-very-long-token"]
    a.set_tokens(tokens, 0)
    b.set_tokens(tokens, 0)
    want = [short_label(t) for t in tokens]
    assert a.tickStrings([i + 0.5 for i in range(len(tokens))], 1, 1) == want
    assert b.tickStrings([i + 0.5 for i in range(len(tokens))], 1, 1) == want
    assert a._labels is not b._labels
    # typing at the end: a new list, whose first tokens are unchanged
    typed = tokens + [" ", "x"]
    a.set_tokens(typed, len(tokens))
    b.set_tokens(typed, len(tokens))
    want = [short_label(t) for t in typed]
    assert a._labels == want and b._labels == want
    # an axis that missed a step converts the list itself and is still right
    edited = ["["] + typed
    c = TokenAxis("bottom")
    c.set_tokens(edited, 0)
    a.set_tokens(edited, 0)
    assert a._labels == c._labels == [short_label(t) for t in edited]


def test_text_line_elides_again_after_a_resize(qtbot):
    """The elided text is cached per (text, width): widening the line shows the whole text."""
    line = TextLine("the model expects next: " * 6)
    qtbot.addWidget(line)
    line.resize(200, line.height())
    line.show()
    qtbot.waitExposed(line)

    def ink_right_edge():
        img = line.grab().toImage()
        bg = img.pixel(img.width() - 1, 0)
        cols = [x for x in range(img.width()) if any(img.pixel(x, y) != bg for y in range(img.height()))]
        return max(cols) if cols else -1

    narrow = ink_right_edge()
    assert 150 < narrow < 200  # elided to the 200 px width
    line.resize(1500, line.height())
    wide = ink_right_edge()
    assert wide > 600  # the whole text, not the cached 200 px elision
