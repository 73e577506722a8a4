"""The live "memory" panel: one model, one text, every state and gate per time step.

``LiveView`` owns a :class:`~rnnviz.analysis.live.LiveRunner` and the views that show what it
computed: the text as tokens (coloured by a unit or shaded by connectivity), a heatmap per
state and gate of the chosen layer and direction, the selected unit as a line, the model's
output per step (top-5 next tokens or P(class)) and the PCA trajectory of h.

Updates are coalesced: :meth:`set_text` only stores the text and starts a 0-ms single-shot
timer, so a burst of key events (or a paste) costs one run and one redraw. While the panel is
hidden (compare mode) nothing is run; it catches up when shown. :meth:`flush` applies a pending
text at once (tests, benchmarks, screenshots).

The time cursor follows the text caret: typing at the end keeps it on the last token, an edit
inside the text moves it to the token being edited (unless the user has put it on an earlier
step), and moving the caret (:meth:`follow_caret`) moves it. A redraw computes only what the
views show: the chosen layer and those below it for every step, the layers above it up to the
cursor (for the prediction there). The runner finishes the rest in short slices once the user
pauses for :data:`IDLE_MS`, so an edit at the start of a long text waits for one layer only.
"""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QFrame, QGridLayout, QLabel, QScrollArea, QSplitter, QStackedWidget, QVBoxLayout,
                               QWidget)

from rnnviz.analysis.live import LiveResult, LiveRunner
from rnnviz.errors import RnnvizError
from rnnviz.ui import theme
from rnnviz.ui.caret_cursor import CaretCursor
from rnnviz.ui.heatmap_view import HeatmapView
from rnnviz.ui.line_view import UnitLineView
from rnnviz.ui.prediction_view import ClassProbabilityView, TopKView
from rnnviz.ui.token_axis import time_extent
from rnnviz.ui.token_strip import TokenStrip
from rnnviz.ui.trajectory_view import TrajectoryView
from rnnviz.ui.wheel_scroll import WheelScroll
from rnnviz.ui.wrapped_text import WrappedText

#: per cell type: (key, title, colour kind), in grid order (two columns)
PANELS: dict[str, list[tuple[str, str, str]]] = {
    "lstm": [("h", "hidden state h", "diverging"), ("c", "cell state c", "symmetric"),
             ("i", "input gate i", "sequential"), ("f", "forget gate f", "sequential"),
             ("g", "candidate g", "diverging"), ("o", "output gate o", "sequential")],
    "gru": [("h", "hidden state h", "diverging"), ("r", "reset gate r", "sequential"),
            ("z", "update gate z", "sequential"), ("n", "candidate n", "diverging")],
    "rnn": [("h", "hidden state h", "diverging"),
            ("a", "pre-activation a = W x + U h + b", "free")],
}
#: colour kind of the text coloured by a unit, where it differs from the unit's heatmap: the
#: cell state c is not bounded by ±1 (a unit of c can reach 10), so its text uses its own range
STRIP_KINDS = {"c": "free"}
#: the connectivity of texts longer than this is computed after typing pauses
CONNECTIVITY_DEBOUNCE_MS = 150
#: the heatmap area's least height; below what its heatmaps need, it scrolls
HEATMAP_SCROLL_MIN_HEIGHT = 150
#: after this pause in typing, the runner completes the layers no view needed, in slices of
#: IDLE_SLICE_STEPS layer-steps (a few milliseconds each, so a key is never kept waiting long)
IDLE_MS = 150
IDLE_SLICE_STEPS = 256


def cell_family(cell: str) -> str:
    """"lstm", "gru" or "rnn" (for rnn_tanh / rnn_relu)."""
    return cell if cell in ("lstm", "gru") else "rnn"


def is_language_model(model) -> bool:
    """True when the model predicts the next token: per-step classes = its vocabulary."""
    tok = getattr(model, "tokenizer", None)
    return (getattr(model, "target", "") == "classification_each" and tok is not None
            and model.output_size == len(tok.vocab))


def most_variable_unit(h: np.ndarray) -> int:
    """The column of ``h`` (T, H) whose values vary most (standard deviation). An overflowing
    network's inf and NaN are left out: the unit that grew most before it overflowed."""
    finite = np.isfinite(h)
    if finite.all():
        return int(np.argmax(h.std(axis=0)))
    n = np.maximum(finite.sum(axis=0), 1)
    v = np.where(finite, h, 0.0).astype(np.float64)
    dev = np.where(finite, v - v.sum(axis=0) / n, 0.0)
    return int(np.argmax((dev ** 2).sum(axis=0) / n))


def scaled_to_largest(v: np.ndarray) -> np.ndarray:
    """``v`` divided by its largest finite value (unchanged if that is not positive); inf and
    NaN (the gradient through an overflowed state) become NaN, which the text strip leaves
    unshaded."""
    finite = np.isfinite(v)
    m = float(v[finite].max()) if finite.any() else 0.0
    out = np.where(finite, v, np.nan)
    return out / m if m > 0 else out


def direction_name(d: int, num_directions: int) -> str:
    return "" if num_directions == 1 else ("forward" if d == 0 else "backward")


class LiveView(CaretCursor, QWidget):
    """All live views of one model on one text, linked by a shared time cursor."""

    message = Signal(str)        # for the status bar
    cursor_changed = Signal(int)
    rendered = Signal()          # emitted after every redraw with new data

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme.configure_pyqtgraph()
        self.model = None
        self.model_name = ""
        self.runner: LiveRunner | None = None
        self.result: LiveResult | None = None
        self.layer = 0
        self.direction = 0
        self.render_count = 0
        self._init_caret_cursor()
        self._selected: tuple[str, int] | None = None
        self._auto_selected = False
        self._selected_note = ""    # what the selected unit was chosen for (see select_unit)
        self._strip_mode = "unit"   # "unit" (paint the selected unit) or "connectivity"
        self._conn_step: int | None = None
        self._conn_follow_end = False
        self._conn_values: np.ndarray | None = None
        self._strip_tokens_key = None
        # incremental redraws: the views already show steps < _dirty_from of _view_key
        # (None: redraw everything)
        self._dirty_from: int | None = None
        self._view_key = None
        self._shown_T = 0
        self._held = 0             # inside one_redraw(): draws wait for its end
        self._held_draw = False

        self._conn_timer = QTimer(self)
        self._conn_timer.setSingleShot(True)
        self._conn_timer.setInterval(CONNECTIVITY_DEBOUNCE_MS)
        self._conn_timer.timeout.connect(self._update_connectivity)
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self._complete_slice)

        # -- widgets ---------------------------------------------------------------------------
        self.strip_label = WrappedText()  # says which unit colours the text: changes as you type
        self.strip = TokenStrip()
        self.strip.step_hovered.connect(self.set_cursor)
        self.strip.step_clicked.connect(self.show_connectivity)

        self.heatmap_area = QWidget()
        self._grid = QGridLayout(self.heatmap_area)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(6)
        self._heatmaps: dict[str, HeatmapView] = {}
        self._kinds: dict[str, str] = {}
        self._titles: dict[str, str] = {}

        self.unit_line = UnitLineView()
        self.unit_line.step_hovered.connect(self.set_cursor)

        self.topk = TopKView(k=5)
        self._class_view: ClassProbabilityView | None = None  # built when a classifier is shown
        self.no_output = QLabel("This model predicts numbers, not tokens: no output panel.")
        self.no_output.setWordWrap(True)
        self.output_stack = QStackedWidget()
        for w in (self.topk, self.no_output):
            self.output_stack.addWidget(w)

        self.trajectory = TrajectoryView()
        self.trajectory.step_hovered.connect(self.set_cursor)
        self.trajectory.step_clicked.connect(self.show_connectivity)

        strip_box = QWidget()
        sl = QVBoxLayout(strip_box)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.setSpacing(2)
        sl.addWidget(self.strip_label)
        sl.addWidget(self.strip, 1)

        # the heatmaps keep a readable size and scroll when the window is small (a 1366 x 768
        # laptop screen), rather than setting the window's minimum height at ~960 px
        self.heatmap_scroll = QScrollArea()
        self.heatmap_scroll.setWidgetResizable(True)
        self.heatmap_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.heatmap_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.heatmap_scroll.setWidget(self.heatmap_area)
        self.heatmap_scroll.setMinimumHeight(HEATMAP_SCROLL_MIN_HEIGHT)
        self._wheel = WheelScroll(self.heatmap_scroll)  # the wheel scrolls the heatmaps, Ctrl+wheel zooms one

        self.left = QSplitter(Qt.Orientation.Vertical)
        self.left.addWidget(strip_box)
        self.left.addWidget(self.heatmap_scroll)
        self.left.addWidget(self.unit_line)
        self.left.setStretchFactor(0, 1)
        self.left.setStretchFactor(1, 6)
        self.left.setStretchFactor(2, 2)
        self.left.setSizes([110, 560, 170])

        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(self.output_stack)
        self.right.addWidget(self.trajectory)
        self.right.setSizes([300, 500])

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([1000, 380])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)
        self._update_strip_label()

    @property
    def class_view(self) -> ClassProbabilityView:
        """The class probability after every token (built when a classifier is first shown:
        a language model, the default, never needs it)."""
        if self._class_view is None:
            view = ClassProbabilityView()
            view.step_hovered.connect(self.set_cursor)
            view.step_clicked.connect(self.show_connectivity)
            self.output_stack.insertWidget(1, view)
            self._class_view = view
        return self._class_view

    # ------------------------------------------------------------------ model
    def set_model(self, model, name: str = "") -> None:
        """Show ``model`` (a token SequenceModel); raises RnnvizError if it cannot run live."""
        runner = LiveRunner(model)  # raises for models without a tokenizer
        self._take_model(model, name, runner)
        self._build_heatmaps()
        if is_language_model(model):
            self.output_stack.setCurrentWidget(self.topk)
        elif model.is_classifier:
            self.output_stack.setCurrentWidget(self.class_view)
        else:
            self.output_stack.setCurrentWidget(self.no_output)
        self._pending = True
        self.flush()

    def clear_model(self) -> None:
        """Show no model, as a window opened without any model does: no heatmaps, empty text
        strip, unit line and trajectory (after a model that failed to show was all there was)."""
        self._conn_timer.stop()
        self._idle_timer.stop()
        self._take_model(None, "", None)
        self._view_key, self._shown_T, self._cursor = None, 0, None
        self._pending = False
        self._remove_heatmaps()
        self.strip.set_tokens([], [], [], "")
        self.unit_line.set_series(np.zeros(0), [], "")
        self.trajectory.update_states(np.zeros((0, 1)), [], 0)
        self.topk.clear()
        self.output_stack.setCurrentWidget(self.topk)
        self._update_strip_label()

    def _take_model(self, model, name: str, runner) -> None:
        """Hold ``model`` (or None) with no text run yet: first layer and direction, no unit
        chosen, nothing drawn kept."""
        self.model, self.model_name, self.runner, self.result = model, name, runner, None
        self.layer, self.direction = 0, 0
        self._clear_selection()
        self._conn_step, self._conn_values = None, None
        self._strip_tokens_key, self._dirty_from = None, None

    def _remove_heatmaps(self) -> None:
        for hm in self._heatmaps.values():
            self._grid.removeWidget(hm)
            hm.setParent(None)
            hm.deleteLater()
        self._heatmaps.clear()

    def _build_heatmaps(self) -> None:
        self._remove_heatmaps()
        panels = PANELS[cell_family(self.model.net.cell)]
        for n, (key, title, kind) in enumerate(panels):
            hm = HeatmapView(title)
            hm.step_hovered.connect(self.set_cursor)
            hm.unit_clicked.connect(lambda u, k=key: self.select_unit(k, u))
            self._wheel.watch(hm.plot_widget)
            self._grid.addWidget(hm, n // 2, n % 2)
            # the heatmaps share one time range: token labels under the bottom row only (each
            # labelled axis is redrawn on every keystroke)
            hm.set_time_labels(n + 2 >= len(panels))
            self._heatmaps[key] = hm
            self._kinds[key] = kind
            self._titles[key] = title
        rows = (len(panels) + 1) // 2
        for r in range(3):
            self._grid.setRowStretch(r, 1 if r < rows else 0)
        # shares of the column, in proportion: the heatmaps all they need, the text strip and the
        # unit line their least; a window too short for that scrolls the heatmaps
        for hm in self._heatmaps.values():
            hm.show()  # (added to a shown panel they show only later: hidden, they need no height)
        self.left.setSizes([self.left.widget(0).minimumSizeHint().height(),
                            self.heatmap_area.minimumSizeHint().height(),
                            self.unit_line.minimumSizeHint().height()])

    @property
    def num_layers(self) -> int:
        return self.model.net.num_layers if self.model is not None else 0

    @property
    def num_directions(self) -> int:
        return self.model.net.num_directions if self.model is not None else 0

    def set_layer_direction(self, layer: int, direction: int) -> None:
        """Show layer ``layer`` (0-based) and direction ``direction`` (0 forward, 1 backward)."""
        if self.model is None:
            return
        if not (0 <= layer < self.num_layers and 0 <= direction < self.num_directions):
            raise RnnvizError(f"no layer {layer} / direction {direction} in this model")
        if (layer, direction) == (self.layer, self.direction):
            return
        self.layer, self.direction = int(layer), int(direction)
        self._selected_note = ""  # it described a unit of the other layer
        if self._selected is not None and self._selected[1] >= self.model.net.hidden_sizes[layer]:
            self._selected, self._auto_selected = None, False
        self._render()

    # ------------------------------------------------------------------ text
    def set_text(self, text: str, caret: int | None = None) -> None:
        """Remember ``text`` and the caret (see :meth:`CaretCursor.set_text`); the idle
        completion of the layers above waits for it."""
        self._idle_timer.stop()
        super().set_text(text, caret)

    def _caret_result(self) -> LiveResult | None:
        """The result the caret indexes into (see :class:`CaretCursor`)."""
        return self.result

    def _apply(self) -> None:
        self._pending = False
        if self.runner is None:
            return
        old_T = self.result.steps if self.result is not None else 0
        caret, self._caret = self._caret, None
        try:
            self.result = self.runner.update(self._text)
        except RnnvizError as exc:
            self.message.emit(str(exc))
            self._render()  # the previous text, with a layer or unit chosen while this one waited
            return
        T = self.result.steps
        if self._dirty_from is not None:
            self._dirty_from = min(self._dirty_from, self.result.changed_from)
        self._place_cursor(caret, T, self.result.changed_from)
        if self._strip_mode == "connectivity":
            if self._conn_follow_end or (self._conn_step is not None and self._conn_step >= T):
                self._conn_step = T - 1 if T else None
            if self.result.recomputed_from <= (self._conn_step or 0) or old_T != T:
                self._conn_timer.start(0 if T <= 300 else CONNECTIVITY_DEBOUNCE_MS)
        self._render()

    # ------------------------------------------------------------------ drawing
    def states(self) -> dict[str, np.ndarray]:
        """The (T, H) arrays of the shown layer and direction."""
        return self.runner.states(self.layer, self.direction)

    @contextmanager
    def one_redraw(self):
        """Changes made inside (a layer and a unit chosen together) draw once, at the end."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held and self._held_draw:
                self._held_draw = False
                self._render()

    @np.errstate(over="ignore", invalid="ignore")  # an exploding network's inf and NaN are shown
    def _render(self) -> None:
        """Redraw every view. Not while a new text is waiting: applying it (``_apply``, which
        clears ``_pending`` first) redraws anyway, and drawing the old text would be thrown
        away (an Examples click sets the text, the layer and the unit, then applies the text
        once). Inside :meth:`one_redraw`: at its end."""
        if self.runner is None or self.result is None or self._pending:
            return
        if self._held:
            self._held_draw = True
            return
        res = self.result
        tokens = res.tokens
        T = res.steps
        states = self.states()
        suffix = self._layer_suffix()
        view_key = (id(self.runner), self.layer, self.direction)
        if view_key != self._view_key:
            self._dirty_from, self._view_key = None, view_key
        changed = 0 if self._dirty_from is None else min(self._dirty_from, T)
        data_changed = self._dirty_from is None or changed < T or T != self._shown_T
        appended = changed >= self._shown_T and time_extent(T) == time_extent(self._shown_T)
        if T >= 2 and (self._selected is None or (data_changed and self._auto_selected and not appended)):
            # until the user picks one, show the unit of h that varies most over the text
            # (kept while typing at the end, so the plotted unit does not jump between keys;
            # re-chosen when the time axes grow or an earlier token changes)
            self._selected = ("h", most_variable_unit(states["h"][-2000:]))
            self._auto_selected = True
        for key, hm in self._heatmaps.items():
            if data_changed or hm.shape()[0] != T:
                hm.set_data(states[key], tokens, self._kinds[key], title=self._titles[key] + suffix,
                            changed_from=changed)
        sel_unit = self._selected[1] if self._selected else None
        for hm in self._heatmaps.values():
            hm.set_selected_unit(sel_unit)
            hm.set_cursor(self._cursor)

        # the text strip: re-layout only when the tokens changed
        key = (res.text, id(res))
        if self._strip_tokens_key != key:
            self.strip.set_tokens(tokens, res.spans, res.unknown, res.text)
            self._strip_tokens_key = key
        self._paint_strip(states)
        self.strip.set_cursor(self._cursor)

        # selected unit as a line
        if self._selected is not None and T:
            k, u = self._selected
            self.unit_line.set_series(states[k][:, u], tokens, self._unit_label(),
                                      y_range=None if self._kinds[k] == "free" else
                                      ((0.0, 1.0) if self._kinds[k] == "sequential" else (-1.0, 1.0)))
        else:
            self.unit_line.set_series(np.zeros(T), tokens, "click a heatmap row to plot a unit")
        self.unit_line.set_cursor(self._cursor)

        # outputs
        current = self.output_stack.currentWidget()
        if current is self.topk:
            self._update_topk()
        elif current is self._class_view:
            names = self.model.class_names or [f"class {j}" for j in range(self.model.output_size)]
            self.class_view.set_probabilities(self.runner.probabilities(), tokens, names)
            self.class_view.set_cursor(self._cursor)

        if data_changed or len(self.trajectory.points()) != T:
            self.trajectory.update_states(states["h"], tokens, changed)
        self.trajectory.set_cursor(self._cursor)
        self._settle_view_boxes()
        self._dirty_from, self._shown_T = T, T
        self.render_count += 1
        if self.runner.pending():
            self._idle_timer.start(IDLE_MS)
        self.rendered.emit()

    def _complete_slice(self) -> None:
        """Idle time: run a slice of the layers and outputs that no view needed yet."""
        if self.runner is None or self._pending:
            return
        if not self.runner.complete(max_steps=IDLE_SLICE_STEPS):
            self._idle_timer.start(0)

    def _plot_items(self):
        yield from (hm.plot for hm in self._heatmaps.values())
        yield self.unit_line.plot
        yield self.trajectory.plot
        if self.output_stack.currentWidget() is self._class_view:
            yield self._class_view.plot

    def _settle_view_boxes(self) -> None:
        """Apply pending view-range changes now. pyqtgraph otherwise applies them while
        painting, which moves every item and makes each plot paint a second time."""
        for plot in self._plot_items():
            plot.getViewBox().prepareForPaint()

    def _layer_suffix(self) -> str:
        parts = []
        if self.num_layers > 1:
            parts.append(f"layer {self.layer + 1}/{self.num_layers}")
        if self.num_directions > 1:
            parts.append(direction_name(self.direction, 2))
        return f" ({', '.join(parts)})" if parts else ""

    def _unit_label(self) -> str:
        if self._selected is None:
            return ""
        k, u = self._selected
        label = f"{k} unit {u}{self._layer_suffix()}"
        if self._selected_note:
            label += f" \u2014 {self._selected_note}"
        elif self._auto_selected:
            label += " \u2014 the most variable unit; click a heatmap row to pick another"
        return label

    def _paint_strip(self, states=None) -> None:
        T = self.result.steps if self.result is not None else 0
        if T == 0:
            self._update_strip_label()
            return
        if self._strip_mode == "connectivity" and self._conn_step is not None:
            v = self._conn_values
            if v is None:
                v = np.zeros(T)
            elif v.shape[0] != T:
                v = np.pad(v[:T], (0, max(0, T - v.shape[0])))
            self.strip.set_shading(v)
        elif self._selected is not None:
            states = states if states is not None else self.states()
            k, u = self._selected
            self.strip.set_values(states[k][:, u], self._strip_kind(k))
        else:
            self.strip.set_values(None)
        self._update_strip_label()

    def _strip_kind(self, key: str) -> str:
        """Colour kind of the text coloured by a unit of ``key`` (see STRIP_KINDS)."""
        return STRIP_KINDS.get(key, self._kinds[key])

    def _update_strip_label(self) -> None:
        T = self.result.steps if self.result is not None else 0
        if T == 0:
            text = "The text as the model reads it, one box per token (type in the box above)."
        elif self._strip_mode == "connectivity" and self._conn_step is not None:
            tok = theme.visible_token(self.result.tokens[self._conn_step])
            text = (f"<b>Connectivity</b>: the stronger the highlight, the more each token "
                    f"influences the output at step {theme.shown_step(self._conn_step)} ('{tok}') "
                    f"(size of the gradient, scaled to the largest). Click a heatmap row to colour "
                    f"by a unit instead.")
            if self._conn_values is not None and np.isnan(self._conn_values).any():
                text += (" Tokens through which the gradient is not finite (the state overflowed) "
                         "are not highlighted.")
        elif self._selected is not None:
            k, u = self._selected
            scale = {"diverging": "blue = negative, white = 0, red = positive",
                     "sequential": "dark = 0 (closed) .. yellow = 1 (open)",
                     "free": "dark = lowest .. yellow = highest"}[self._strip_kind(k)]
            text = (f"Each token coloured by <b>{k} unit {u}</b> after reading it ({scale}). "
                    f"Click a token to see which earlier tokens influence its output.")
        else:
            text = "Click a heatmap row to colour the text by that unit; click a token for connectivity."
        self.strip_label.setText(text)

    def _update_topk(self) -> None:
        if self.result is None or self.result.steps == 0 or self._cursor is None:
            self.topk.clear()
            return
        step = self._cursor
        probs = self.runner.probabilities_until(step)[step]
        self.topk.set_distribution(probs, self.model.tokenizer.vocab, step, self.result.tokens[step])
        if np.isnan(probs).all():  # the bars read "nan" in vocabulary order: say why
            self.topk.heading.setText(f"After step {theme.shown_step(step)}: h overflowed, "
                                      f"so every probability is NaN")

    # ------------------------------------------------------------------ interaction
    def set_cursor(self, step: int | None) -> None:
        """Move the linked time cursor to ``step`` in every view."""
        T = self.result.steps if self.result is not None else 0
        if step is None or not 0 <= int(step) < T:
            return
        step = int(step)
        self._cursor_pinned = step != T - 1
        if step == self._cursor:
            return
        self._cursor = step
        for hm in self._heatmaps.values():
            hm.set_cursor(step)
        self.strip.set_cursor(step)
        self.unit_line.set_cursor(step)
        if self._class_view is not None:
            self._class_view.set_cursor(step)
        self.trajectory.set_cursor(step)
        if self.output_stack.currentWidget() is self.topk:
            self._update_topk()
        self.cursor_changed.emit(step)

    def cursor(self) -> int | None:
        return self._cursor

    def select_unit(self, key: str, unit: int, note: str = "") -> None:
        """Colour the text by unit ``unit`` of state/gate ``key`` and plot it as a line.

        ``note``: why this unit (e.g. "tracks bracket depth, r = +0.71"), shown after its name
        on the line plot until another unit, layer or model is chosen.
        """
        if key not in self._heatmaps:
            raise RnnvizError(f"no heatmap {key!r} for this model; have {', '.join(self._heatmaps)}")
        H = self.model.net.hidden_sizes[self.layer]
        if not 0 <= unit < H:
            raise RnnvizError(f"unit must be in [0, {H - 1}], got {unit}")
        self._selected = (key, int(unit))
        self._auto_selected = False
        self._selected_note = note
        self._strip_mode = "unit"
        self._conn_timer.stop()
        self._render()

    def selected_unit(self) -> tuple[str, int] | None:
        return self._selected

    def reset_selection(self) -> None:
        """Forget the chosen unit: the most variable unit of h is plotted again."""
        self._clear_selection()
        self._conn_timer.stop()
        self._render()

    def _clear_selection(self) -> None:
        self._selected, self._auto_selected, self._selected_note = None, False, ""
        self._strip_mode = "unit"

    def show_connectivity(self, step: int) -> None:
        """Shade every token by how much it influences the output at ``step`` (backprop)."""
        T = self.result.steps if self.result is not None else 0
        if not 0 <= step < T:
            return
        self._strip_mode = "connectivity"
        self._conn_step = int(step)
        self._conn_follow_end = step == T - 1
        self._update_connectivity()
        self.set_cursor(step)

    def strip_mode(self) -> str:
        return self._strip_mode

    def connectivity_step(self) -> int | None:
        return self._conn_step if self._strip_mode == "connectivity" else None

    def _update_connectivity(self) -> None:
        self._conn_timer.stop()
        if self._pending:
            self.flush()
        T = self.result.steps if self.result is not None else 0
        if self._strip_mode != "connectivity" or self._conn_step is None or T == 0:
            return
        try:
            g = self.runner.connectivity(self._conn_step)
        except RnnvizError as exc:
            self.message.emit(str(exc))
            return
        full = np.zeros(T)
        full[: g.shape[0]] = g
        self._conn_values = scaled_to_largest(full)
        self._paint_strip()

    def heatmap(self, key: str) -> HeatmapView:
        return self._heatmaps[key]

    def heatmaps(self) -> dict[str, HeatmapView]:
        return dict(self._heatmaps)

    def output_widget(self) -> QWidget:
        return self.output_stack.currentWidget()
