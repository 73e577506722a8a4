"""Compare mode: RNN, GRU and LSTM trained on the same task, on the same text, in lockstep.

One column per model: its hidden state h, the gate that decides how much memory survives a
step (LSTM forget gate f, GRU update gate z; the plain RNN's pre-activation a, which has no
gate), and its top-5 prediction at the cursor. One text drives all columns and hovering any of
them moves a cursor shared by all; so does the text caret (arrow keys, a click, typing).

The columns keep a readable size (heatmaps at their least height, all five top-5 rows) and
scroll when the window is smaller (a 1024 x 640 screen with the Lessons panel open), rather
than making the window larger than the screen. A heatmap title wider than its column is cut
at its end ("…"); hovering it shows the whole title.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QVBoxLayout, QWidget

from rnnviz.analysis.live import LiveRunner
from rnnviz.errors import RnnvizError
from rnnviz.ui import theme
from rnnviz.ui.caret_cursor import CaretCursor
from rnnviz.ui.heatmap_view import HeatmapView
from rnnviz.ui.live_view import cell_family, is_language_model
from rnnviz.ui.prediction_view import ClassProbabilityView, TopKView
from rnnviz.ui.wheel_scroll import WheelScroll
from rnnviz.ui.wrapped_text import WrappedText

CELL_TITLES = {"rnn": "plain RNN (tanh)", "gru": "GRU", "lstm": "LSTM"}
H_TITLE = "hidden state h"
#: what the three columns show on the shipped trio (checked in tests/ui/test_compare_hint_claims.py)
COMPARE_HINT = ("Same text, same task, three cells. A gate near 1 (yellow) keeps what the unit "
                "held: the LSTM's forget gate f is near 1 in about a third of its cells, while the "
                "GRU's update gate z is mostly near 0 (dark), so the GRU rewrites most of h at "
                "every step, and the plain RNN has no gate at all. Hover any heatmap: the cursor "
                "moves in all three.")
#: the memory-keeping quantity shown under h for each cell: (key, title, kind)
MEMORY_PANEL = {
    "lstm": ("f", "forget gate f (1 = keep the cell state)", "sequential"),
    "gru": ("z", "update gate z (1 = keep the old h)", "sequential"),
    "rnn": ("a", "pre-activation a (no gate: h is rewritten every step)", "free"),
}


#: the least width of a column's heatmaps: three columns fit beside the Lessons panel in a
#: 1024 px wide window (a heatmap elsewhere keeps 240 px)
COLUMN_MIN_WIDTH = 200
#: pixels kept free beside a heatmap's title (the plot's own margins around its title row)
TITLE_SLACK = 6


def title_font(label) -> QFont:
    """The font a pyqtgraph ``LabelItem`` (a plot's title) draws its text in: its text item's
    font at the label's ``size`` option ("11pt"), which pyqtgraph applies through HTML."""
    font = QFont(label.item.font())
    size = str(label.opts.get("size", ""))
    if size.endswith("pt"):
        font.setPointSizeF(float(size[:-2]))
    elif size.endswith("px"):
        font.setPixelSize(round(float(size[:-2])))
    return font


class ElidedTitles(QObject):
    """Keeps heatmap titles within their heatmap's width: a title too wide is cut at its end
    ("\u2026") and the whole title becomes the title's tooltip. Each view keeps the whole title
    (``HeatmapView.title()``); the shown text is fitted again whenever the heatmap is resized."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._views: dict[QWidget, HeatmapView] = {}  # plot widget -> its heatmap view

    def set_title(self, view: HeatmapView, title: str) -> None:
        """Give ``view`` the title ``title``, shown whole or cut to fit."""
        if view.plot_widget not in self._views:
            self._views[view.plot_widget] = view
            view.plot_widget.installEventFilter(self)
        view.set_title(title)
        self.fit(view)

    def forget(self) -> None:
        """Stop fitting the titles of the views given so far (their columns are replaced)."""
        for widget in self._views:
            widget.removeEventFilter(self)
        self._views.clear()

    @staticmethod
    def fit(view: HeatmapView) -> None:
        """Show ``view``'s title whole if it fits its width, else cut at its end."""
        full = view.title()
        label = view.plot.titleLabel
        room = view.plot_widget.width() - 2 * label.item.document().documentMargin() - TITLE_SLACK
        shown = QFontMetricsF(title_font(label)).elidedText(full, Qt.TextElideMode.ElideRight, max(0.0, room))
        if shown != label.text:
            view.plot.setTitle(shown)  # the view's own title() stays the whole text
        label.setToolTip(full if shown != full else "")

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt
        if event.type() == QEvent.Type.Resize and obj in self._views:
            self.fit(self._views[obj])
        return False


class ComparePanel:
    """The widgets and runner of one model's column."""

    def __init__(self, name: str, model) -> None:
        self.name = name
        self.model = model
        self.runner = LiveRunner(model)
        fam = cell_family(model.net.cell)
        self.family = fam
        self.title = WrappedText(f"<b>{CELL_TITLES[fam]}</b> \u2014 {name}  "
                                 f"({model.net.hidden_sizes[0]} units"
                                 f"{', %d layers' % model.net.num_layers if model.net.num_layers > 1 else ''})")
        self.h_view = HeatmapView(H_TITLE)
        key, title, kind = MEMORY_PANEL[fam]
        self.memory_key, self.memory_kind = key, kind
        self.memory_view = HeatmapView(title)
        if is_language_model(model):
            self.output = TopKView(k=5)
        else:
            self.output = ClassProbabilityView()
        self.result = None
        self.found_unit: int | None = None  # the unit a search highlighted (see select_units)

    def views(self):
        return [self.h_view, self.memory_view]


class CompareView(CaretCursor, QWidget):
    """Side-by-side columns of several models on one text, with a shared cursor."""

    message = Signal(str)
    cursor_changed = Signal(int)
    rendered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme.configure_pyqtgraph()
        self.panels: list[ComparePanel] = []
        self._init_caret_cursor()
        self.render_count = 0
        self.titles = ElidedTitles(self)
        self.columns = QWidget()  # the columns and the hint, scrolled when the window is small
        self._grid = QGridLayout(self.columns)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setVerticalSpacing(2)  # (each heatmap's readout line already parts the rows)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.columns)
        self._wheel = WheelScroll(self.scroll)  # the wheel scrolls the columns, Ctrl+wheel zooms a heatmap
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.scroll)
        self.hint = WrappedText()

    def set_models(self, models: list[tuple[str, object]]) -> None:
        """Show ``[(name, model), ...]`` side by side (all with the same kind of tokenizer)."""
        panels = [ComparePanel(name, m) for name, m in models]  # raises before changing anything
        for p in self.panels:
            for w in (p.title, p.h_view, p.memory_view, p.output):
                self._grid.removeWidget(w)
                w.setParent(None)
                w.deleteLater()
        self._grid.removeWidget(self.hint)
        self.titles.forget()
        self.panels = panels
        for col, p in enumerate(panels):
            self._add_column(col, p)
        self.hint.setText(COMPARE_HINT)
        self._grid.addWidget(self.hint, 4, 0, 1, max(1, len(panels)))
        for r, s in enumerate((0, 3, 3, 2, 0)):
            self._grid.setRowStretch(r, s)
        self._pending = True
        self.flush()

    def _add_column(self, col: int, p: ComparePanel) -> None:
        """Put ``p``'s widgets in column ``col`` and connect them."""
        self._grid.addWidget(p.title, 0, col)
        self._grid.addWidget(p.h_view, 1, col)
        self._grid.addWidget(p.memory_view, 2, col)
        self._grid.addWidget(p.output, 3, col)
        self._grid.setColumnStretch(col, 1)
        if isinstance(p.output, TopKView):
            # all k rows stay readable: a short window scrolls the columns instead
            p.output.setMinimumHeight(p.output.sizeHint().height())
        for v in p.views():
            v.plot_widget.setMinimumWidth(COLUMN_MIN_WIDTH)
            v.step_hovered.connect(self.set_cursor)
            self._wheel.watch(v.plot_widget)
            self.titles.set_title(v, v.title())
        p.h_view.unit_clicked.connect(lambda unit, p=p: self._unit_picked(p, unit))
        if isinstance(p.output, ClassProbabilityView):
            p.output.step_hovered.connect(self.set_cursor)

    # -- text ----------------------------------------------------------------------------------
    def _caret_result(self):
        """The result the caret indexes into (see :class:`CaretCursor`): the columns' models
        read the same kind of tokens, and the longest reading decides."""
        results = [p.result for p in self.panels if p.result is not None and p.result.steps]
        return max(results, key=lambda r: r.steps, default=None)

    def _apply(self) -> None:
        self._pending = False
        caret, self._caret = self._caret, None
        T = 0
        for p in self.panels:
            try:
                p.result = p.runner.update(self._text)
            except RnnvizError as exc:
                self.message.emit(f"{p.name}: {exc}")
                return
            T = max(T, p.result.steps)
        changed_from = min((p.result.changed_from for p in self.panels), default=0)  # the edit's first step
        self._place_cursor(caret, T, changed_from)
        for p in self.panels:
            st = p.runner.states(0, 0)
            toks = p.result.tokens
            p.h_view.set_data(st["h"], toks, "diverging")
            p.memory_view.set_data(st[p.memory_key], toks, p.memory_kind)
            if isinstance(p.output, ClassProbabilityView):
                names = p.model.class_names or [f"class {j}" for j in range(p.model.output_size)]
                p.output.set_probabilities(p.runner.probabilities(), toks, names)
        self._apply_cursor()
        self.render_count += 1
        self.rendered.emit()

    # -- cursor --------------------------------------------------------------------------------
    def set_cursor(self, step: int | None) -> None:
        T = self.steps()
        if step is None or not 0 <= int(step) < T:
            return
        self._cursor_pinned = int(step) != T - 1
        if int(step) == self._cursor:
            return
        self._cursor = int(step)
        self._apply_cursor()
        self.cursor_changed.emit(self._cursor)

    def _apply_cursor(self) -> None:
        c = self._cursor
        for p in self.panels:
            for v in p.views():
                v.set_cursor(c)
            if isinstance(p.output, TopKView):
                if c is None or p.result is None or c >= p.result.steps:
                    p.output.clear()
                else:
                    p.output.set_distribution(p.runner.probabilities()[c], p.model.tokenizer.vocab,
                                              c, p.result.tokens[c])
            else:
                p.output.set_cursor(c)

    def cursor(self) -> int | None:
        return self._cursor

    def steps(self) -> int:
        return max((p.result.steps for p in self.panels if p.result is not None), default=0)

    def cursors(self) -> list[int | None]:
        """The cursor of every heatmap (for tests: all equal in lockstep)."""
        return [v.cursor() for p in self.panels for v in p.views()]

    def select_units(self, units: list[int | None], notes: list[str]) -> None:
        """Highlight unit ``units[i]`` (None: none) in the h heatmap of column i, whose title
        then reads "h — ``notes[i]``" (e.g. "unit 15 tracks bracket depth (r = +0.70)")."""
        for p, unit, note in zip(self.panels, units, notes):
            p.found_unit = unit
            p.h_view.set_selected_unit(unit)
            self.titles.set_title(p.h_view, f"h \u2014 {note}" if unit is not None and note else H_TITLE)

    def _unit_picked(self, panel: ComparePanel, unit: int) -> None:
        """A unit clicked in ``panel``'s h heatmap: unless it is the one found, the title drops
        the finding."""
        if unit != panel.found_unit:
            panel.found_unit = None
            self.titles.set_title(panel.h_view, H_TITLE)

    def image_data(self) -> list[np.ndarray]:
        return [p.h_view.image_data() for p in self.panels]
