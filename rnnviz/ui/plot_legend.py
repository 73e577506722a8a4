"""A plot legend in a row of its own above the data, so it never covers the curves.

pyqtgraph's ``PlotItem.addLegend`` puts the legend inside the data area, where it hides the
points under it (the newest points at the right edge while typing, a loss curve's start, the
largest singular values). :func:`legend_above` puts it in the plot's (hidden, unused) top-axis
cell instead, between the title and the data, right-aligned with the data, its entries side by
side and wrapped onto more rows only when the plot (data and left axis) is too narrow for them.
A short note (what the curves show: the training step, a ratio) can sit at the left of that row,
beside the entries, or on a line of its own above them when they do not fit side by side::

    plot = graphics.addPlot(title="loss")
    legend = legend_above(plot, label_size="8pt")
    plot.plot(x, y, name="train")     # a curve plotted with a name gets an entry, as with addLegend
    legend.set_note("step 12")        # above the data, never over it
"""
from __future__ import annotations

import weakref

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGraphicsTextItem

from rnnviz.ui import theme

__all__ = ["LegendAbove", "legend_above"]

#: the PlotItem layout row of the top axis, between the title and the data; the legend's row
#: spans its two cells: above the left axis (empty) and above the data (the hidden top axis)
_ROW = 1
#: an entry's height: its line sample and its label's text with a 1 px margin (pyqtgraph's
#: 20 px sample and 4 px text margins made each row of entries 21 px tall, 6 px more of the
#: plot's height taken from the data)
_SAMPLE_HEIGHT = 14
_TEXT_MARGIN = 1
#: the space between a sample and its label, and between one entry and the next
_LABEL_GAP, _ENTRY_GAP = 4, 12


class _Sample(pg.ItemSample):
    """pyqtgraph's legend sample (a 20 px line, with the curve's symbol), 14 px tall."""

    _SHIFT = (20 - _SAMPLE_HEIGHT) // 2 + 1  # pyqtgraph draws the line at y = 11 of 20

    def __init__(self, item) -> None:
        super().__init__(item)
        self.setFixedHeight(_SAMPLE_HEIGHT)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt
        return QRectF(0, 0, 20, _SAMPLE_HEIGHT)

    def paint(self, p, *args) -> None:
        p.translate(0, -self._SHIFT)
        super().paint(p, *args)


class LegendAbove(pg.LegendItem):
    """A frameless legend in the row above a PlotItem's data (see :func:`legend_above`).

    ``row`` is the layout item it sits in; the row is as tall as the legend's entries (none:
    no height) and the entries are laid out in as few rows as the row's width allows, again
    whenever an entry is added or removed or the plot is resized. ``note`` is a text item at
    the row's left (see :meth:`set_note`)."""

    def __init__(self, plot: pg.PlotItem, label_size: str | None = None) -> None:
        kw = {} if label_size is None else {"labelTextSize": label_size}
        super().__init__(offset=None, labelTextColor=theme.foreground_color(), frame=False, horSpacing=_LABEL_GAP,
                         colCount=1, sampleType=_Sample, **kw)
        self.layout.setContentsMargins(0, 0, 0, 0)
        self._plot = weakref.ref(plot)  # (the plot holds the legend: no reference cycle)
        self.row = pg.GraphicsWidget()
        self.row.setMinimumWidth(0)
        plot.layout.removeItem(plot.getAxis("top"))  # hidden, never shown: its cell holds the legend
        plot.layout.addItem(self.row, _ROW, 0, 1, 2)  # (a long legend may reach over the left axis)
        self.setParentItem(self.row)  # (placed by updateSize, not pyqtgraph's anchor: see there)
        self.note = QGraphicsTextItem(self.row)
        self.note.document().setDocumentMargin(_TEXT_MARGIN)
        self.note.setDefaultTextColor(theme.foreground_color())
        font = QFont(self.note.font())
        font.setPointSizeF(float(str(self.opts["labelTextSize"]).removesuffix("pt")))
        self.note.setFont(font)
        self.note.hide()
        self._note_text = ""
        self._note_beside = True
        plot.legend = self  # curves plotted with a name get an entry (as addLegend does)
        self.row.geometryChanged.connect(self.fit)
        self.fit()

    def addItem(self, item, name) -> None:  # noqa: N802 - pyqtgraph
        super().addItem(item, name)
        label = self.items[-1][1]
        label.item.document().setDocumentMargin(_TEXT_MARGIN)
        label.setText(label.text)  # (measured again, with the narrower margin)
        self.fit()

    def removeItem(self, item) -> None:  # noqa: N802 - pyqtgraph
        n = len(self.items)
        super().removeItem(item)
        if len(self.items) != n:
            self.fit(relayout=True)  # (the entry removed left a hole in the grid)

    def clear(self) -> None:
        super().clear()
        self.fit()

    def set_note(self, text: str) -> None:
        """Show ``text`` (plain; "" for none) at the left of the legend's row: beside the
        entries when the row is wide enough for both on one line, else on a line of its own
        above them, wrapped at its spaces when it is wider than the row (keep a phrase on one
        line with no-break spaces)."""
        if text != self._note_text:  # (not note.toPlainText(), which reads no-break spaces as spaces)
            self._note_text = text
            self.note.setPlainText(text)
            self.note.setVisible(bool(text))
            self.fit()

    def _fit_note(self, width: float) -> tuple[float, float]:
        """Wrap the note to ``width`` if it is wider; its (width, height), (0, 0) if empty."""
        if not self._note_text:
            return 0.0, 0.0
        self.note.setTextWidth(-1)
        if self.note.boundingRect().width() > width:
            self.note.setTextWidth(max(1.0, width))
        rect = self.note.boundingRect()
        return rect.width(), rect.height()

    def fit(self, relayout: bool = False) -> None:
        """Lay the entries out in as few rows as the plot's width allows, and make the row
        above the data as tall as they are (and the note)."""
        plot = self._plot()
        if plot is None or not shiboken6.isValid(plot) or not shiboken6.isValid(self.row):
            return  # (a plot being deleted)
        width = self.row.geometry().width() or plot.geometry().width()
        note_w, note_h = self._fit_note(width)
        self._note_beside = not note_w or not self.items or (
            note_w + _ENTRY_GAP + self.width_for(len(self.items)) <= width)
        cols = max(1, len(self.items))
        while cols > 1 and self.width_for(cols) > width:
            cols -= 1
        if relayout or cols != self.columnCount:
            self.columnCount = cols
            self.rowCount = -(-len(self.items) // cols) if self.items else 1
            for i in range(self.layout.count() - 1, -1, -1):
                self.layout.removeAt(i)
            for sample, label in self.items:
                self._addItemToLayout(sample, label)
            for c in range(cols - 1):
                self.layout.setColumnSpacing(2 * c + 1, _ENTRY_GAP)  # (after each label but the last)
        self.updateSize()
        height = self.geometry().height() if self.items else 0.0
        height = max(height, note_h) if self._note_beside else height + note_h
        if plot.layout.rowMinimumHeight(_ROW) != height or plot.layout.rowMaximumHeight(_ROW) != height:
            plot.layout.setRowFixedHeight(_ROW, height)

    def width_for(self, cols: int) -> float:
        """The width of the legend with its entries in ``cols`` columns (each a sample column
        and a label column)."""
        if not self.items:
            return 0.0
        samples = [sample.width() for sample, _ in self.items]
        labels = [label.minimumWidth() for _, label in self.items]
        used = min(cols, len(self.items))
        return (sum(max(samples[c::cols]) + max(labels[c::cols]) for c in range(used))
                + used * _LABEL_GAP + (used - 1) * _ENTRY_GAP)

    def updateSize(self) -> None:  # noqa: N802 - pyqtgraph
        """As big as the entries' layout (pyqtgraph measures the entries' current sizes, which
        a roomier legend had stretched, so it never shrank), at the right end of its row (below
        the note when the note has a line of its own).

        (Placed here rather than by pyqtgraph's ``anchor``, which moves the legend when its row
        changes: the row may be deleted first when the window closes, and the anchor then
        reads it: "Internal C++ object (GraphicsWidget) already deleted".)"""
        if not shiboken6.isValid(self.row):
            return
        self.layout.invalidate()
        w = h = 0.0
        if self.items:
            size = self.layout.effectiveSizeHint(Qt.SizeHint.PreferredSize)
            w, h = size.width(), size.height()
        note = getattr(self, "note", None)  # (None while pyqtgraph's __init__ runs)
        top = 0.0 if note is None or self._note_beside else note.boundingRect().height()
        self.setGeometry(self.row.geometry().width() - w, top, w, h)

    def mouseDragEvent(self, ev) -> None:  # noqa: N802 - pyqtgraph
        ev.ignore()  # (pyqtgraph lets a legend be dragged anywhere, over the data too)


def legend_above(plot: pg.PlotItem, label_size: str | None = None) -> LegendAbove:
    """Give ``plot`` a legend in a row of its own above its data (instead of
    ``plot.addLegend()``, which draws it over the data); ``label_size`` as in pyqtgraph
    ("8pt"; default pyqtgraph's 9pt)."""
    return LegendAbove(plot, label_size)
