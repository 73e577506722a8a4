"""A keystroke repaints the views that changed, not the window under them.

Two ways a keystroke could repaint the whole window: a widget that is not opaque makes Qt paint
the widgets beneath it first, up to the main window; and a widget whose size hint may change
(a word-wrapped QLabel given new text) re-lays out every layout up to the main window, where the
tab widget repaints its whole page (every heatmap and plot: 20-100 ms per key).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect
from PySide6.QtWidgets import QApplication


class _Paints(QObject):
    """Records the paint events of the widgets it filters: (widget, region in window coordinates)."""

    def __init__(self, window) -> None:
        super().__init__()
        self.window = window
        self.seen: list[tuple[str, QRect]] = []

    def eventFilter(self, obj, ev):  # noqa: N802 - Qt
        if ev.type() == QEvent.Type.LayoutRequest and obj is self.window:
            self.seen.append(("re-layout", QRect()))
        if ev.type() == QEvent.Type.Paint:
            rect = ev.region().boundingRect()
            self.seen.append((type(obj).__name__, rect.translated(obj.mapTo(self.window, QPoint(0, 0)))))
        return False

    def beneath(self, widget) -> list[str]:
        """The paints of filtered widgets other than ``widget`` that reached into its area."""
        area = QRect(widget.mapTo(self.window, QPoint(0, 0)), widget.size())
        return [name for name, rect in self.seen if rect.intersects(area) and name != type(widget).__name__]


def _settle():
    for _ in range(3):
        QApplication.processEvents()


def _watch(window, *more):
    paints = _Paints(window)
    for w in (window, window.tabs, window.live, window.live.right) + more:
        w.installEventFilter(paints)
    return paints


def _typed(qtbot, window, text="f(a) [b] (c)"):
    window.resize(1200, 900)
    window.set_text(text)
    window.flush()
    qtbot.keyClick(window.text_edit, " ")  # the first keystroke may re-lay out the token strip
    window.flush()
    qtbot.wait(400)  # the window's layouts settle a level per event-loop pass
    _settle()


def test_typing_repaints_the_top_k_bars_but_not_the_main_window_beneath_them(qtbot, window):
    """Keys that re-lay out the window (the strip label needing another line, the token strip
    another row) repaint it all, by design; on every other key nothing beneath the bars paints."""
    _typed(qtbot, window)
    topk = window.live.topk
    assert topk.isVisible()
    paints = _watch(window, topk.bars)
    checked = 0
    for ch in "x(y)z [w] v":
        heading = topk.heading_text()
        paints.seen.clear()
        qtbot.keyClick(window.text_edit, ch)
        window.flush()
        _settle()
        assert topk.heading_text() != heading            # the bars and heading changed
        names = [name for name, _ in paints.seen]
        if "re-layout" in names:
            continue
        checked += 1
        assert "_Bars" in names                          # and were repainted
        assert paints.beneath(topk.bars) == []           # nothing beneath them was
    assert checked >= 3


def test_a_new_strip_label_repaints_the_label_not_the_window(qtbot, window):
    """The label over the token strip names the unit colouring the text, which changes as the
    text grows (the most variable unit): the new text is shown without a window re-layout."""
    _typed(qtbot, window)
    label = window.live.strip_label
    paints = _watch(window)
    height = label.height()
    for n in (3, 4, 5):
        label.setText(f"Each token coloured by <b>h unit {n}</b> after reading it (dark = 0 .. yellow = 1).")
        _settle()
        assert f"h unit {n}" in label.text()
    # no window re-layout, nothing beneath the label painted, no page-wide repaint
    assert label.height() == height and "re-layout" not in [name for name, _ in paints.seen]
    assert paints.beneath(label) == [] and paints.beneath(window.live.heatmap_scroll) == []
    # a text that needs more lines makes room for them (once)
    label.setText("a long text " * 60)
    _settle()
    assert label.height() > height
    assert label.label.height() >= label.label.heightForWidth(label.width())
