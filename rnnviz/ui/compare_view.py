"""Compare mode: RNN, GRU and LSTM trained on the same task, on the same text, in lockstep.

One column per model: its hidden state h, the gate that decides how much memory survives a
step (LSTM forget gate f, GRU update gate z; the plain RNN's pre-activation a, which has no
gate), and its top-5 prediction at the cursor. One text drives all columns and hovering any of
them moves a cursor shared by all.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from rnnviz.analysis.live import LiveRunner
from rnnviz.errors import RnnvizError
from rnnviz.ui import theme
from rnnviz.ui.coalesce import CoalescedText
from rnnviz.ui.heatmap_view import HeatmapView
from rnnviz.ui.live_view import cell_family, is_language_model
from rnnviz.ui.prediction_view import ClassProbabilityView, TopKView

CELL_TITLES = {"rnn": "plain RNN (tanh)", "gru": "GRU", "lstm": "LSTM"}
H_TITLE = "hidden state h"
#: the memory-keeping quantity shown under h for each cell: (key, title, kind)
MEMORY_PANEL = {
    "lstm": ("f", "forget gate f (1 = keep the cell state)", "sequential"),
    "gru": ("z", "update gate z (1 = keep the old h)", "sequential"),
    "rnn": ("a", "pre-activation a (no gate: h is rewritten every step)", "free"),
}


class ComparePanel:
    """The widgets and runner of one model's column."""

    def __init__(self, name: str, model) -> None:
        self.name = name
        self.model = model
        self.runner = LiveRunner(model)
        fam = cell_family(model.net.cell)
        self.family = fam
        self.title = QLabel(f"<b>{CELL_TITLES[fam]}</b> \u2014 {name}  "
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


class CompareView(CoalescedText, QWidget):
    """Side-by-side columns of several models on one text, with a shared cursor."""

    message = Signal(str)
    cursor_changed = Signal(int)
    rendered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme.configure_pyqtgraph()
        self.panels: list[ComparePanel] = []
        self._init_coalescing()
        self._cursor: int | None = None
        self._follow_end = True
        self.render_count = 0
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.hint = QLabel()
        self.hint.setWordWrap(True)

    def set_models(self, models: list[tuple[str, object]]) -> None:
        """Show ``[(name, model), ...]`` side by side (all with the same kind of tokenizer)."""
        panels = [ComparePanel(name, m) for name, m in models]  # raises before changing anything
        for p in self.panels:
            for w in (p.title, p.h_view, p.memory_view, p.output):
                self._grid.removeWidget(w)
                w.setParent(None)
                w.deleteLater()
        self._grid.removeWidget(self.hint)
        self.panels = panels
        for col, p in enumerate(panels):
            self._grid.addWidget(p.title, 0, col)
            self._grid.addWidget(p.h_view, 1, col)
            self._grid.addWidget(p.memory_view, 2, col)
            self._grid.addWidget(p.output, 3, col)
            self._grid.setColumnStretch(col, 1)
            for v in p.views():
                v.step_hovered.connect(self.set_cursor)
            p.h_view.unit_clicked.connect(lambda unit, p=p: self._unit_picked(p, unit))
            if isinstance(p.output, ClassProbabilityView):
                p.output.step_hovered.connect(self.set_cursor)
        self.hint.setText("Same text, same task, three cells. Watch how long each one keeps a trace "
                          "of a token: the LSTM's forget gate and the GRU's update gate stay near 1 "
                          "to hold memory, the plain RNN overwrites h at every step. Hover any "
                          "heatmap: the cursor moves in all three.")
        self._grid.addWidget(self.hint, 4, 0, 1, max(1, len(panels)))
        for r, s in enumerate((0, 3, 3, 2, 0)):
            self._grid.setRowStretch(r, s)
        self._pending = True
        self.flush()

    # -- text ----------------------------------------------------------------------------------
    def _apply(self) -> None:
        self._pending = False
        T = 0
        for p in self.panels:
            try:
                p.result = p.runner.update(self._text)
            except RnnvizError as exc:
                self.message.emit(f"{p.name}: {exc}")
                return
            T = max(T, p.result.steps)
        if self._follow_end or self._cursor is None or self._cursor >= T:
            self._cursor = T - 1 if T else None
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
        self._follow_end = int(step) == T - 1
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
            p.h_view.set_title(f"h \u2014 {note}" if unit is not None and note else H_TITLE)

    @staticmethod
    def _unit_picked(panel: ComparePanel, unit: int) -> None:
        """A unit clicked in ``panel``'s h heatmap: unless it is the one found, the title drops
        the finding."""
        if unit != panel.found_unit:
            panel.found_unit = None
            panel.h_view.set_title(H_TITLE)

    def image_data(self) -> list[np.ndarray]:
        return [p.h_view.image_data() for p in self.panels]
