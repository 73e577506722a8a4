"""Live views of a training run: loss, per-step gradient norms, their history, the gradient
ratio, the global gradient norm with clipping, spectra and gate saturation.

Every view renders a :class:`TrainingHistory` — plain NumPy records of the frozen
:class:`rnnviz.training.snapshot.Snapshot` objects the loop produced — and never touches a live
model. The panel feeds the history with every snapshot and calls ``render(history)`` at most
~30 times a second::

    history = TrainingHistory()
    for snap in train(config):
        history.add(snap)
    view = StepNormView(); view.render(history)
    x, y = view.series("layer 1")        # exactly snap.step_norms[0][0] against t = 1..T

Each view keeps the arrays it plotted (``series(name)``, ``image_data()``) so tests can compare
them with the snapshots.
"""
from __future__ import annotations

import math
import time
import types
from collections import deque

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QComboBox, QFrame, QGraphicsView, QGridLayout, QHBoxLayout, QLabel,
                               QScrollArea, QVBoxLayout, QWidget)

from rnnviz.ui import theme
from rnnviz.ui.plot_legend import legend_above
from rnnviz.ui.wheel_scroll import WheelScroll
from rnnviz.ui.prediction_view import OKABE_ITO

__all__ = ["TrainingHistory", "LossView", "StepNormView", "NormHistoryView", "GradRatioView",
           "GradNormView", "SpectrumView", "SaturationView", "power_of_ten_label", "log10_norms", "new_plot",
           "CELL_COLORS", "CELL_LABELS", "ALL_VIEWS", "MIN_DATA_HEIGHT", "FitGraphics", "PlotScroll"]

#: one colour per cell, used wherever cells are compared
CELL_COLORS = {"rnn_tanh": OKABE_ITO[3], "rnn_relu": OKABE_ITO[7], "gru": OKABE_ITO[2], "lstm": OKABE_ITO[0]}
CELL_LABELS = {"rnn_tanh": "tanh RNN", "rnn_relu": "ReLU RNN", "gru": "GRU", "lstm": "LSTM"}

_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def power_of_ten_label(exponent: float) -> str:
    """``-3`` -> ``"10⁻³"``; non-integer exponents get one decimal (``"10⁻²·⁵"`` is avoided:
    they read as ``"3.2e-03"``)."""
    e = float(exponent)
    if abs(e - round(e)) < 1e-9:
        return "10" + str(int(round(e))).translate(_SUPERSCRIPT)
    return f"{10 ** e:.1e}"


def log10_norms(values) -> np.ndarray:
    """log10 of gradient norms as float64; zero, negative and non-finite norms become NaN."""
    v = np.asarray(values, dtype=np.float64)
    out = np.full(v.shape, np.nan)
    ok = np.isfinite(v) & (v > 0)
    out[ok] = np.log10(v[ok])
    return out


def _drawable(curve, y) -> np.ndarray:
    """Which values of ``y`` ``curve`` can draw: the finite ones, and on a log y axis only
    those above 0 (a log axis has no place for 0)."""
    y = np.asarray(y, dtype=np.float64)
    ok = np.isfinite(y)
    if curve.opts["logMode"][1]:
        ok &= y > 0
    return ok


def _dot_lone_points(curve, y) -> None:
    """Draw a dot on each point of a line curve while no two of its points are neighbours: a
    line through one point draws nothing (after the first training step, or the first metrics
    step, the plots looked empty). The dots go when the curve has a segment to draw."""
    if curve.opts["pen"] is None:
        return
    dotted = getattr(curve, "_rnnviz_dots", None)
    if dotted is None and curve.opts["symbol"] is not None:
        return  # a curve with markers of its own
    ok = _drawable(curve, y)
    lone = bool(ok.any()) and not bool((ok[1:] & ok[:-1]).any())
    if lone == bool(dotted):
        return
    curve._rnnviz_dots = lone
    if lone:
        color = pg.mkPen(curve.opts["pen"]).color()
        curve.setSymbolPen(None)
        curve.setSymbolBrush(color)
        curve.setSymbolSize(7)
        curve.setSymbol("o")
    else:
        curve.setSymbol(None)


def hidden_zeros_note(n: int) -> str:
    """What to say about ``n`` values a log axis cannot show ("" for none)."""
    if n <= 0:
        return ""
    return f"{n}\u00a0zero\u00a0value{'s' if n != 1 else ''} not shown on the log\u00a0axis"


def _zeros(*series) -> int:
    """How many values of the ``series`` are 0 or below (none of them has a place on a log axis)."""
    return sum(int(np.count_nonzero(np.asarray(y, dtype=np.float64) <= 0)) for y in series)


def _joined(*notes: str) -> str:
    """The non-empty ``notes`` on one line, separated by " · "."""
    return " \u00b7 ".join(n for n in notes if n)


def _color(i: int) -> QColor:
    return QColor(OKABE_ITO[i % len(OKABE_ITO)])


def _dash(color, width=1.5):
    return pg.mkPen(color, width=width, style=Qt.PenStyle.DashLine)


def _ref_line(plot, value, text, log=False):
    """A faint dashed horizontal reference line with a label (``value`` in data units)."""
    fg = QColor(theme.foreground_color())
    fg.setAlpha(140)
    line = pg.InfiniteLine(pos=math.log10(value) if log else value, angle=0, movable=False,
                           pen=_dash(fg, 1), label=text,
                           labelOpts={"position": 0.02, "color": fg, "anchors": [(0, 1), (0, 1)]})
    plot.addItem(line, ignoreBounds=True)
    return line


class _OpaqueGridAxis(pg.AxisItem):
    """An AxisItem whose faint grid lines and minor ticks are drawn in an opaque colour,
    pre-blended with the plot background: the same look, but Qt's raster engine paints an
    opaque line ~10x faster than a translucent one (the translucent grids were most of the
    cost of repainting the training views while training). No automatic SI prefix: it re-set
    the label (HTML layout, a resize) on every range change, and these axes have no units."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.enableAutoSIPrefix(False)

    def generateDrawSpecs(self, p):
        specs = super().generateDrawSpecs(p)
        if specs is None:
            return specs
        axis_spec, tick_specs, text_specs = specs
        bg = theme.background_color()
        pens: dict = {}
        out = []
        for pen, p1, p2 in tick_specs:
            c = pen.color()
            if c.alpha() < 255 and pen.brush().style() == Qt.BrushStyle.SolidPattern:
                key = (c.rgba(), pen.widthF())
                opaque = pens.get(key)
                if opaque is None:
                    a = c.alphaF()
                    opaque = pg.QtGui.QPen(pen)
                    opaque.setColor(QColor.fromRgbF(a * c.redF() + (1 - a) * bg.redF(),
                                                    a * c.greenF() + (1 - a) * bg.greenF(),
                                                    a * c.blueF() + (1 - a) * bg.blueF()))
                    pens[key] = opaque
                pen = opaque
            out.append((pen, p1, p2))
        return axis_spec, out, text_specs


class LogAxis(_OpaqueGridAxis):
    """A log-mode axis that people can read: powers of ten (10⁻³, 10⁻²) when the range holds
    two or more, plain numbers (0.005, 0.01, 0.02, 0.05) when it holds fewer, evenly spaced ones
    (2.05, 2.1, 2.15) in a range too narrow for two of those; no SI-prefix scaling."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self._decades = True
        self._decimals = None  # (evenly spaced values: their decimals, else None)

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        lo, hi = min(minVal, maxVal), max(minVal, maxVal)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return []
        max_labels = max(2, int(size / 28))
        if math.floor(hi + 1e-9) - math.ceil(lo - 1e-9) >= 1:  # two powers of ten or more
            self._decades = True
            first, last = math.ceil(lo - 1e-9), math.floor(hi + 1e-9)
            stride = max(1, math.ceil((last - first + 1) / max_labels))
            majors = [float(v) for v in range(first, last + 1) if v % stride == 0]
            minors = []
            if stride == 1 and hi - lo < 5:
                for v in range(math.floor(lo), math.ceil(hi)):
                    minors += [v + math.log10(m) for m in range(2, 10) if lo < v + math.log10(m) < hi]
            return [(float(stride), majors), (None, minors)]
        self._decades = False
        for mantissas in ((1, 2, 5), (1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9)):
            vals = [e + math.log10(m) for e in range(math.floor(lo), math.ceil(hi) + 1) for m in mantissas
                    if lo <= e + math.log10(m) <= hi]
            if len(vals) >= 2:
                break
        self._decimals = None
        if len(vals) < 2:  # (a loss between 2.05 and 2.2 had no label at all)
            vals = self._even_values(10 ** lo, 10 ** hi, max_labels) or vals
        if len(vals) > max_labels:
            vals = vals[::math.ceil(len(vals) / max_labels)]
        return [(None, vals)]

    def _even_values(self, a: float, b: float, max_labels: int) -> list[float]:
        """log10 of evenly spaced round values in [a, b] (a step of 1, 2 or 5 x 10^k), at most
        ``max_labels`` and no more than 5; [] when there are not two."""
        span = b - a
        if not (span > 0 and math.isfinite(span)):
            return []
        raw = span / min(5, max_labels)
        power = 10.0 ** math.floor(math.log10(raw))
        step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
        first = math.ceil(a / step - 1e-9)
        values = [k * step for k in range(first, first + 20) if k * step <= b * (1 + 1e-12)]
        if len(values) < 2 or values[0] <= 0:
            return []
        self._decimals = max(0, -math.floor(math.log10(step) + 1e-9))
        return [math.log10(v) for v in values]

    def logTickStrings(self, values, scale, spacing):
        out = []
        for v in values:
            if self._decades:
                out.append(power_of_ten_label(v) if abs(v - round(v)) < 1e-6 else "")
            elif self._decimals is not None:
                out.append(f"{10 ** v:.{self._decimals}f}")
            else:
                out.append(f"{10 ** v:.3g}")
        return out


# ----------------------------------------------------------------------------- history
class TrainingHistory:
    """What the views plot, accumulated from snapshots (plain arrays, no Qt).

    One record per optimiser step (snapshots with event "nan" or "stopped" repeat the last step
    and only add an event mark). ``max_rows`` bounds the per-step norm rows kept for the
    history heatmap (the newest ones: the picture scrolls). ``max_points`` bounds the per-step
    series: when a long run passes it, the series are thinned to every second record (keeping
    the larger gradient norm of each pair and any clipping, so spikes and clip marks survive),
    so memory stays bounded however long training runs.
    """

    def __init__(self, max_rows: int = 600, max_points: int = 10_000) -> None:
        self.max_rows = int(max_rows)
        self.max_points = int(max_points)
        self.clear()

    def clear(self) -> None:
        self.latest = None
        self.steps: list[int] = []
        self.train_loss: list[float] = []
        self.train_accuracy: list[float] = []
        self.grad_norm: list[float] = []
        self.clipped: list[bool] = []
        self.grad_ratio: list[float] = []
        self.val_steps: list[int] = []
        self.val_loss: list[float] = []
        self.val_accuracy: list[float] = []
        self.metric_steps: list[int] = []
        self.spectra: list[tuple] = []          # spectral_radius per metric step
        self.norm_steps: deque = deque(maxlen=self.max_rows)
        self.norm_rows: deque = deque(maxlen=self.max_rows)   # step_norms tuples
        self.nan_steps: list[int] = []
        self.events: list[tuple[int, str, str]] = []
        self.has_accuracy = False
        self.version = 0
        self.run = getattr(self, "run", -1) + 1   # changes with every clear(): a new run

    def __len__(self) -> int:
        return len(self.steps)

    def add(self, snap) -> None:
        """Record one Snapshot."""
        self.latest = snap
        self.version += 1
        if snap.event is not None:
            self.events.append((snap.step, snap.event, snap.message))
        if snap.event == "nan":
            self.nan_steps.append(snap.step + 1)
            return
        if snap.event == "stopped" or (self.steps and snap.step <= self.steps[-1]) or snap.step < 1:
            return
        s = int(snap.step)
        self.steps.append(s)
        self.train_loss.append(_f(snap.train_loss))
        self.train_accuracy.append(_f(snap.train_accuracy))
        if snap.train_accuracy is not None:
            self.has_accuracy = True
        self.grad_norm.append(_f(snap.grad_norm))
        self.clipped.append(bool(snap.clipped))
        self.grad_ratio.append(_f(snap.grad_ratio))
        if snap.val_step is not None and (not self.val_steps or snap.val_step > self.val_steps[-1]):
            self.val_steps.append(int(snap.val_step))
            self.val_loss.append(_f(snap.val_loss))
            self.val_accuracy.append(_f(snap.val_accuracy))
            if snap.val_accuracy is not None:
                self.has_accuracy = True
        if snap.metrics_step is not None and snap.spectral_radius is not None and (
                not self.metric_steps or snap.metrics_step > self.metric_steps[-1]):
            self.metric_steps.append(int(snap.metrics_step))
            self.spectra.append(snap.spectral_radius)
        if snap.step_norms:
            self.norm_steps.append(s)
            self.norm_rows.append(snap.step_norms)
        if len(self.steps) > self.max_points:
            self._thin()

    def _thin(self) -> None:
        """Halve the per-step series: keep the first record (the loss at the start, which the
        divergence warning compares with, stays that of the first step however often a long
        run is thinned), then the later record of each following pair, and the newest."""
        n = len(self.steps)
        groups = [(0, 0)] + [(i - 1, i) for i in range(2, n, 2)]  # (first, kept) record of each
        if n % 2 == 0:
            groups.append((n - 1, n - 1))  # the newest, unpaired
        gn, cl = self.grad_norm, self.clipped
        self.grad_norm = [max(gn[a], gn[b]) if gn[a] == gn[a] else gn[b] for a, b in groups]
        self.clipped = [bool(cl[a] or cl[b]) for a, b in groups]
        for name in ("steps", "train_loss", "train_accuracy", "grad_ratio"):
            seq = getattr(self, name)
            setattr(self, name, [seq[b] for _, b in groups])

    def extend(self, snaps) -> None:
        for s in snaps:
            self.add(s)

    @property
    def num_layers(self) -> int:
        return len(self.latest.step_norms) if self.latest is not None and self.latest.step_norms else 0

    @property
    def num_directions(self) -> int:
        return len(self.latest.step_norms[0]) if self.num_layers else 0

    def norm_stack(self, layer: int = -1, direction: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """(steps (N,), norms (N, T)) of the kept rows for one layer-direction."""
        rows = [r[layer][direction] for r in self.norm_rows]
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0))
        T = rows[-1].shape[0]
        rows = [r for r in rows if r.shape[0] == T]
        steps = np.asarray(list(self.norm_steps)[-len(rows):], dtype=np.int64)
        return steps, np.stack(rows)


def _f(v) -> float:
    return float("nan") if v is None else float(v)


#: seconds spent painting training views so far (the panel budgets its redraw rate with it)
PAINT_SECONDS = [0.0]


class FitGraphics(pg.GraphicsLayoutWidget):
    """A GraphicsLayoutWidget whose least height is what its plots need: each plot made by
    :func:`new_plot` keeps a data area at least :data:`MIN_DATA_HEIGHT` high under its title and
    legend, and this widget's ``minimumSizeHint`` follows their layout's minimum (pyqtgraph's
    widget has none: squeezed, it left a plot under a legend of two rows no data area at all, or
    cut its bottom off). It changes as legends wrap onto more rows; a layout or a
    :class:`PlotScroll` around the widget then gives it that height."""

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self._least = 0
        self.ci.installEventFilter(self)  # (its layout asks to be laid out again: the least may change)

    def plots_height(self) -> int:
        """The least height of the plots' layout (and this widget's frame)."""
        return math.ceil(self.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize).height()) + 2 * self.frameWidth()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt
        hint = super().minimumSizeHint()
        self._least = self.plots_height()
        return QSize(hint.width(), max(hint.height(), self._least))

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt
        if event.type() == QEvent.Type.LayoutRequest and obj is self.ci and self.plots_height() != self._least:
            self.updateGeometry()
        return False


class _TimedGraphics(FitGraphics):
    """A FitGraphics that adds the time of each paint to :data:`PAINT_SECONDS`."""

    def paintEvent(self, ev):  # noqa: N802 - Qt
        t0 = time.perf_counter()
        super().paintEvent(ev)
        PAINT_SECONDS[0] += time.perf_counter() - t0


def _title(plot, text: str) -> None:
    """Set a plot title only when it changes (a new title re-lays out the whole plot)."""
    if getattr(plot, "_rnnviz_title", None) != text:
        plot._rnnviz_title = text
        plot.setTitle(text)


#: the least height of a training plot's data area (its ViewBox), in pixels: below it a curve
#: or a heatmap cannot be read; a window too small for every plot at this height scrolls them
MIN_DATA_HEIGHT = 120
_UNBOUNDED = 16777215  # (Qt's QWIDGETSIZE_MAX: no maximum size)


def new_plot(graphics, row=0, col=0, title="", x_label="", y_label="", log_y=False, legend=False,
             colspan=1, log_axis=None) -> pg.PlotItem:
    """A PlotItem at (``row``, ``col``) of ``graphics`` (a GraphicsLayoutWidget) as the training
    plots look: opaque faint grid, no view menu or auto-range button, a title that may be cut
    rather than widen the plot, a log y axis labelled in powers of ten if ``log_y``, and with
    ``legend`` a legend in a row of its own above the data, which it never covers. Its data area
    is at least :data:`MIN_DATA_HEIGHT` high (see :class:`FitGraphics`).

    ``log_axis`` (default ``log_y``): a left axis that can show log values, for a plot switched
    to a log y axis later (``plot.setLogMode(y=True)``)."""
    log_axis = log_y if log_axis is None else log_axis
    axes = {"left": LogAxis("left") if log_axis else _OpaqueGridAxis("left"), "bottom": _OpaqueGridAxis("bottom")}
    p = graphics.addPlot(row=row, col=col, colspan=colspan, title=title or None, axisItems=axes)
    theme.shrinkable_title(p)  # (a long title in a narrow window: only its ends are cut, not the plot)
    # the title centred over the whole plot, its left axis too, not over the data alone: ~45 px
    # more room, enough for the longer titles ("... at step 2000") in a column of a 1366 px window
    p.layout.removeItem(p.titleLabel)
    p.layout.addItem(p.titleLabel, 0, 0, 1, 3)
    p.setMenuEnabled(False)
    p.hideButtons()
    p.showGrid(x=True, y=True, alpha=0.2)
    # the axes, and their grid, under the data (pyqtgraph draws them over it: the opaque grid
    # lines cut a gap into a curve at every crossing, so a solid curve read as dashed, and a
    # line along a grid line, a ratio of exactly 10^-2, vanished)
    for name in ("left", "bottom"):
        p.getAxis(name).setZValue(p.getViewBox().zValue() - 0.5)
    p.getViewBox().setMinimumHeight(MIN_DATA_HEIGHT)
    if x_label:
        p.setLabel("bottom", x_label)
    if y_label:
        p.setLabel("left", y_label)
    if log_y:
        p.setLogMode(y=True)
    if legend:
        legend_above(p, label_size="8pt")
    return p


# ----------------------------------------------------------------------------- base view
class _View(QWidget):
    """A titled pyqtgraph view with a tooltip and a record of what it plotted."""

    TOOLTIP = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme.configure_pyqtgraph()
        self._series: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._items: dict[str, pg.PlotDataItem] = {}
        self._noted: set = set()  # plots given a note by _note
        self.graphics = _TimedGraphics()
        theme.configure_view(self.graphics)  # whole-viewport repaints: no clipping to many small rects
        self.graphics.setMinimumWidth(260)  # (its least height: what its plots need, see FitGraphics)
        self._lay = QVBoxLayout(self)
        self._lay.setContentsMargins(0, 0, 0, 0)
        self._lay.setSpacing(2)
        self._lay.addWidget(self.graphics, 1)
        self.setToolTip(self.TOOLTIP)
        self.graphics.setToolTip(self.TOOLTIP)

    def _add_layer_selector(self, tooltip: str, on_change) -> None:
        """A "layer:" combo box above the plots, hidden while there is only one layer."""
        self.layer_box = QComboBox()
        self.layer_box.setToolTip(tooltip)
        self.layer_box.currentIndexChanged.connect(on_change)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 0, 4, 0)
        self.layer_label = QLabel("layer:")
        bar.addWidget(self.layer_label)
        bar.addWidget(self.layer_box)
        bar.addStretch(1)
        self._lay.insertLayout(0, bar)
        self.layer_box.hide()
        self.layer_label.hide()

    def _set_layer_choices(self, choices: list[tuple[str, tuple[int, int]]]) -> bool:
        """Show ``choices`` [(text, (layer, direction))] in the layer box; True if they changed
        (the first one is then selected)."""
        changed = [c[0] for c in choices] != [self.layer_box.itemText(i) for i in range(self.layer_box.count())]
        if changed:
            self.layer_box.blockSignals(True)
            self.layer_box.clear()
            for text, data in choices:
                self.layer_box.addItem(text, list(data))
            self.layer_box.setCurrentIndex(0)
            self.layer_box.blockSignals(False)
        self.layer_box.setVisible(len(choices) > 1)
        self.layer_label.setVisible(len(choices) > 1)
        return changed

    def _new_plot(self, row=0, col=0, title="", x_label="", y_label="", log_y=False, legend=False,
                  graphics=None):
        """A plot of this view (see :func:`new_plot`), in ``graphics`` or the view's own widget."""
        return new_plot(self.graphics if graphics is None else graphics, row, col, title, x_label, y_label,
                        log_y=log_y, legend=legend)

    def _show_row(self, plot, row: int, on: bool) -> None:
        """Show ``plot`` (in row ``row`` of the view's widget), or hide it: hidden, its row is
        0 px high and asks for no height (Qt's graphics layouts keep a hidden item's place and
        least height: its data area's :data:`MIN_DATA_HEIGHT` and more)."""
        plot.setVisible(on)
        plot.getViewBox().setMinimumHeight(MIN_DATA_HEIGHT if on else 0)
        plot.setMaximumHeight(_UNBOUNDED if on else 0)
        self.graphics.ci.layout.setRowMaximumHeight(row, _UNBOUNDED if on else 0)

    def _set(self, curve, name, x, y) -> None:
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        self._series[name] = (x, y)
        self._items[name] = curve
        curve.setData(x, y)
        _dot_lone_points(curve, y)

    def series(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the curve ``name`` as last plotted (raw values, before any log axis)."""
        return self._series[name]

    def series_names(self) -> list[str]:
        return list(self._series)

    def clear(self) -> None:
        """Empty every curve and note (a new run starts)."""
        for item in self._items.values():
            item.setData([], [])
        self._series.clear()
        self._drawn = None
        for plot in self._noted:
            plot.legend.set_note("")

    def _note(self, plot, text: str) -> None:
        """Show ``text`` in the row above ``plot``'s data (its legend's note; "" for none)."""
        self._noted.add(plot)
        plot.legend.set_note(text)

    def _unchanged(self, key) -> bool:
        """True when ``key`` (what a render depends on) is the one last drawn: views of the
        metrics (computed every ``metrics_every`` steps) then skip the render, and the repaint."""
        if getattr(self, "_drawn", None) == key:
            return True
        self._drawn = key
        return False

    def render(self, history: TrainingHistory) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def settle(self, graphics=None) -> None:
        """Settle this view (or one of its graphics widgets) for painting: pending layouts and
        pyqtgraph's deferred auto-ranges (settled while painting, they make pyqtgraph paint
        everything a second time). The panel calls it right after a render step; the view then
        paints once, in the next event-loop turn, as an event of its own."""
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        scene = (self.graphics if graphics is None else graphics).scene()
        for _ in range(3):  # a range change can re-clip a curve, which changes its bounds again
            scene.prepareForPaint()

    def slices(self) -> list:
        """The steps of one live redraw as (render(history), settle()) pairs, each rendered in
        its own event-loop turn and painted in the next (a costly view splits its work)."""
        return [(self.render, self.settle)]

    def save_png(self, path: str) -> None:
        self.grab().save(path)


def _layer_name(layer: int, direction: int, nd: int) -> str:
    name = f"layer {layer + 1}"
    if nd == 2:
        name += " forward" if direction == 0 else " backward"
    return name


# ----------------------------------------------------------------------------- loss
class LossView(_View):
    """Loss (log axis) and accuracy over training steps, training batch and validation."""

    TOOLTIP = (
        "Loss (top, log axis) and accuracy (bottom, classification tasks only) against the\n"
        "training step. Thin light line: loss of each training batch; thick line: its moving\n"
        "average; dots: the fixed validation batch. The dashed line is a baseline that\n"
        "ignores the input (for the adding problem: always predict 1, MSE 0.167)."
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.loss_plot = self._new_plot(0, 0, "loss", "", "loss (log)", log_y=True, legend=True)
        self.acc_plot = self._new_plot(1, 0, "accuracy", "training step", "accuracy", legend=True)
        self.acc_plot.setXLink(self.loss_plot)
        self.acc_plot.setYRange(0, 1, padding=0.02)
        c_train, c_val = _color(0), _color(1)
        light = QColor(c_train)
        light.setAlpha(90)
        self.train_curve = self.loss_plot.plot([], [], pen=pg.mkPen(light, width=1), name="train (batch)",
                                               antialias=False)
        self.smooth_curve = self.loss_plot.plot([], [], pen=pg.mkPen(c_train, width=2), name="train (average)")
        self.val_curve = self.loss_plot.plot([], [], pen=pg.mkPen(c_val, width=2), symbol="o", symbolSize=5,
                                             symbolBrush=c_val, symbolPen=None, name="validation")
        for c in (self.train_curve, self.smooth_curve):
            c.setDownsampling(auto=True, method="mean")
            c.setClipToView(True)
        self.train_acc_curve = self.acc_plot.plot([], [], pen=pg.mkPen(c_train, width=1.5), name="train")
        self.val_acc_curve = self.acc_plot.plot([], [], pen=pg.mkPen(c_val, width=2), symbol="o", symbolSize=5,
                                                symbolBrush=c_val, symbolPen=None, name="validation")
        self.train_acc_curve.setDownsampling(auto=True, method="mean")
        self.baseline_line = None
        self._acc_visible = True
        self._show_accuracy(False)

    def set_baseline(self, value: float | None, text: str = "baseline") -> None:
        """A dashed reference loss (None removes it)."""
        if self.baseline_line is not None:
            self.loss_plot.removeItem(self.baseline_line)
            self.baseline_line = None
        if value is not None and value > 0:
            self.baseline_line = _ref_line(self.loss_plot, value, text, log=True)

    def _show_accuracy(self, on: bool) -> None:
        if on == self._acc_visible:
            return
        self._acc_visible = on
        self._show_row(self.acc_plot, 1, on)
        self.loss_plot.setLabel("bottom", "" if on else "training step")
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 2 if on else 0)

    def render(self, history: TrainingHistory) -> None:
        x = np.asarray(history.steps, dtype=np.float64)
        loss = np.asarray(history.train_loss, dtype=np.float64)
        self._set(self.train_curve, "train loss", x, loss)
        self._set(self.smooth_curve, "train loss (average)", x, _ema(loss))
        self._set(self.val_curve, "validation loss", history.val_steps, history.val_loss)
        self._note(self.loss_plot, hidden_zeros_note(_zeros(loss, history.val_loss)))
        self._show_accuracy(history.has_accuracy)
        if history.has_accuracy:
            self._set(self.train_acc_curve, "train accuracy", x, history.train_accuracy)
            self._set(self.val_acc_curve, "validation accuracy", history.val_steps, history.val_accuracy)


def _ema(y: np.ndarray, alpha: float = 0.05) -> np.ndarray:
    """Exponential moving average ignoring NaNs (bias-corrected at the start)."""
    out = np.empty_like(y)
    m, w = 0.0, 0.0
    for i, v in enumerate(y):
        if math.isfinite(v):
            m = (1 - alpha) * m + alpha * v
            w = (1 - alpha) * w + alpha
        out[i] = m / w if w > 0 else np.nan
    return out


# ----------------------------------------------------------------------------- step norms
class StepNormView(_View):
    """||dL/dh_t|| against the time step t for the latest training batch, one curve per layer."""

    TOOLTIP = (
        "How much the loss depends on the hidden state at each time step: ||dL/dh_t|| for the\n"
        "current training batch (mean over rows), log axis, one colour per layer (dashed:\n"
        "backward direction). Read it right to left: the loss is computed near the end, so a\n"
        "curve that falls by powers of ten towards t = 1 is a vanishing gradient - early inputs\n"
        "barely change what the network learns. A flat curve means gradients survive."
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plot = self._new_plot(0, 0, "||dL/dh\u209c|| per time step (current batch)", "time step t",
                                   "||dL/dh\u209c|| (log)", log_y=True, legend=True)
        self._curves: dict[str, pg.PlotDataItem] = {}
        # the training step and gradient ratio: in the legend's row above the data, at its left
        # (inside the data area it covered the curves' start, where they vanish)
        self.step_label = self.plot.legend.note

    def clear(self) -> None:
        super().clear()
        self.plot.legend.set_note("")  # (the step and ratio of the run cleared)

    def _curve(self, name, color, dashed):
        c = self._curves.get(name)
        if c is None:
            pen = _dash(color, 2) if dashed else pg.mkPen(color, width=2)
            c = self.plot.plot([], [], pen=pen, name=name)
            self._curves[name] = c
        return c

    def render(self, history: TrainingHistory) -> None:
        snap = history.latest
        if snap is None or not snap.step_norms:
            return
        nd = len(snap.step_norms[0])
        seen = set()
        for k, row in enumerate(snap.step_norms):
            for d, norms in enumerate(row):
                name = _layer_name(k, d, nd)
                seen.add(name)
                T = norms.shape[0]
                self._set(self._curve(name, _color(k), d == 1), name, np.arange(1, T + 1), norms)
        for name in [n for n in self._curves if n not in seen]:
            self.plot.removeItem(self._curves.pop(name))
            self._series.pop(name, None)
        top = snap.step_norms[-1][0]
        ratio = snap.grad_ratio
        txt = f"step {snap.step}"
        if top.size and math.isfinite(ratio):  # (no-break spaces: wrapped, it breaks after the step)
            txt += f"   ||dL/dh\u2081||\u00a0/\u00a0||dL/dh_T||\u00a0=\u00a0{ratio:.2e}"
        zeros = _zeros(*(norms for row in snap.step_norms for norms in row))
        if zeros:  # (truncated BPTT: the steps before its window get no gradient)
            txt += "\n" + hidden_zeros_note(zeros)
        self.plot.legend.set_note(txt)


# ----------------------------------------------------------------------------- norm history
class _PowerOfTenAxis(pg.AxisItem):
    """An axis over log10 values labelled 10⁻³, 10⁻², ... at integer exponents."""

    def tickValues(self, minVal, maxVal, size):
        lo, hi = math.ceil(min(minVal, maxVal) - 1e-9), math.floor(max(minVal, maxVal) + 1e-9)
        if hi < lo:
            return [(1.0, [0.5 * (minVal + maxVal)])]
        n = hi - lo + 1
        step = max(1, int(math.ceil(n / max(2, int(size / 22)))))
        return [(float(step), [float(v) for v in range(lo, hi + 1, step)])]

    def tickStrings(self, values, scale, spacing):
        return [power_of_ten_label(v) for v in values]


class NormHistoryView(_View):
    """Heatmap of log10 ||dL/dh_t||: time step t across, training step up (newest on top)."""

    TOOLTIP = (
        "The vanishing-gradient picture: each row is one training step (newest at the top, the\n"
        "picture scrolls as training runs), each column a time step t. Colour = ||dL/dh_t|| on a\n"
        "log scale (colour bar in powers of ten): yellow = large gradient, dark purple = tiny.\n"
        "A dark band on the left (early steps) means gradients vanish before they reach the\n"
        "start of the sequence. Grey = zero (outside the truncated BPTT window)."
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._add_layer_selector("Which layer's ||dL/dh_t|| the heatmap shows", self._layer_changed)
        self._layer = (-1, 0)
        self._history = None
        self.plot = self._new_plot(0, 0, "log\u2081\u2080 ||dL/dh\u209c|| over training", "time step t",
                                   "training step")
        self.plot.showGrid(x=False, y=False)
        self.plot.getViewBox().setDefaultPadding(0.0)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(-3, 0), colorMap=theme.sequential_map(), interactive=False,
                                        width=14, label="||dL/dh\u209c||")
        # label the colour bar in powers of ten (its values are log10 of the norms)
        axis = self.colorbar.axis
        axis.tickValues = types.MethodType(_PowerOfTenAxis.tickValues, axis)
        axis.tickStrings = types.MethodType(_PowerOfTenAxis.tickStrings, axis)
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        self._data = np.zeros((0, 0))
        self._steps = np.zeros(0, dtype=np.int64)

    def _layer_changed(self, idx) -> None:
        data = self.layer_box.itemData(idx)
        if data is not None:
            self._layer = tuple(data)
            if self._history is not None:
                self.render(self._history)

    def _sync_layers(self, history) -> None:
        L, nd = history.num_layers, history.num_directions
        want = [(_layer_name(k, d, nd) + (" (top)" if k == L - 1 else ""), (k, d))
                for k in range(L - 1, -1, -1) for d in range(nd)]
        if self._set_layer_choices(want):
            self._layer = want[0][1] if want else (-1, 0)

    def render(self, history: TrainingHistory) -> None:
        self._history = history
        self._sync_layers(history)
        if not history.norm_rows:
            self._data = np.zeros((0, 0))
            self.image.clear()
            return
        k, d = self._layer
        steps, norms = history.norm_stack(k, d)
        data = log10_norms(norms)
        self._data, self._steps = data, steps
        finite = data[np.isfinite(data)]
        if finite.size:
            lo, hi = math.floor(finite.min()), math.ceil(finite.max())
            if hi <= lo:
                hi = lo + 1
        else:
            lo, hi = -1, 0
        N, T = data.shape
        self.image.setImage(data, levels=(lo, hi), autoLevels=False)
        self.colorbar.setLevels((lo, hi))
        s0, s1 = float(steps[0]), float(steps[-1])
        height = s1 - s0 + 1.0
        self.image.setRect(0.5, s0 - 0.5, T, height)
        self.plot.getViewBox().setRange(xRange=(0.5, T + 0.5), yRange=(s0 - 0.5, s0 - 0.5 + height), padding=0)

    def image_data(self) -> np.ndarray:
        """The (training steps, T) array of log10 norms the image shows (oldest row first)."""
        return self._data

    def image_steps(self) -> np.ndarray:
        """The training step of each image row."""
        return self._steps

    def levels(self) -> tuple[float, float]:
        lo, hi = self.colorbar.levels()
        return float(lo), float(hi)

    def colorbar_labels(self) -> list[str]:
        axis = self.colorbar.axis
        lo, hi = self.levels()
        vals = axis.tickValues(lo, hi, 200)[0][1]
        return axis.tickStrings(vals, 1.0, 1.0)


# ----------------------------------------------------------------------------- ratio
class GradRatioView(_View):
    """||dL/dh_1|| / ||dL/dh_T|| of the top layer over training, log axis."""

    TOOLTIP = (
        "How much of the gradient reaches the first time step: ||dL/dh\u2081|| / ||dL/dh_T|| of the\n"
        "top layer for each training batch, log axis. 10\u2070 = 1 (dashed) means no decay;\n"
        "10\u207b\u2078 means the first input gets a hundred-millionth of the last one's gradient\n"
        "(a tanh RNN on a long sequence). Above 1: gradients grow backwards in time."
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # (a legend with no entries: its row above the data holds the note on ratios of 0)
        self.plot = self._new_plot(0, 0, "||dL/dh\u2081|| / ||dL/dh_T|| over training", "training step",
                                   "ratio (log)", log_y=True, legend=True)
        self.curve = self.plot.plot([], [], pen=pg.mkPen(_color(2), width=2))
        self.curve.setDownsampling(auto=True, method="mean")
        self.curve.setClipToView(True)
        _ref_line(self.plot, 1.0, "1 = no decay", log=True)

    def render(self, history: TrainingHistory) -> None:
        self._set(self.curve, "ratio", history.steps, history.grad_ratio)
        self._note(self.plot, self.zero_note(history))

    @staticmethod
    def zero_note(history: TrainingHistory) -> str:
        """Why ratios of 0 are missing from the log axis ("" when there are none): with truncated
        BPTT the gradient never reaches t = 1, so ||dL/dh\u2081|| is 0."""
        n = _zeros(history.grad_ratio)
        if not n:
            return ""
        truncate = None if history.latest is None else history.latest.truncate
        if truncate is None:
            return hidden_zeros_note(n)
        return (f"ratio 0 at {n} of {len(history.grad_ratio)} steps (not shown on the log axis): "
                f"truncated BPTT ({truncate}\u00a0steps) stops the gradient before t\u00a0=\u00a01")


# ----------------------------------------------------------------------------- global norm
class GradNormView(_View):
    """The global gradient norm (before clipping) over training with clipping events marked."""

    TOOLTIP = (
        "Global L2 norm of all parameter gradients at each step, before clipping (log axis).\n"
        "Red crosses: steps whose gradient was clipped to the clip norm (dashed line); the\n"
        "note above the plot counts them. Spikes are exploding gradients. Vertical red lines:\n"
        "NaN/Inf steps that were undone."
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plot = self._new_plot(0, 0, "gradient norm", "training step", "||\u2207L|| (log)", log_y=True,
                                   legend=True)
        self.curve = self.plot.plot([], [], pen=pg.mkPen(_color(0), width=1.5), name="||\u2207L||", antialias=False)
        self.curve.setDownsampling(auto=True, method="peak")
        self.curve.setClipToView(True)
        red = QColor(OKABE_ITO[3])
        self.clip_scatter = self.plot.plot([], [], pen=None, symbol="x", symbolSize=8, symbolPen=pg.mkPen(red, width=2),
                                           symbolBrush=red, name="clipped")
        self.clip_line = None
        self._clip_value = None
        self._nan_lines: list = []

    def render(self, history: TrainingHistory) -> None:
        x = np.asarray(history.steps, dtype=np.float64)
        y = np.asarray(history.grad_norm, dtype=np.float64)
        self._set(self.curve, "grad norm", x, y)
        m = np.asarray(history.clipped, dtype=bool)
        self._set(self.clip_scatter, "clipped", x[m], y[m])
        snap = history.latest
        clip = None if snap is None else snap.clip
        if clip != self._clip_value:
            if self.clip_line is not None:
                self.plot.removeItem(self.clip_line)
                self.clip_line = None
            if clip is not None:
                self.clip_line = _ref_line(self.plot, clip, f"clip norm {clip:g}", log=True)
            self._clip_value = clip
        self._mark_nan_steps(history.nan_steps)
        n = int(m.sum()) if snap is None else snap.clip_count
        self._note(self.plot, _joined(self.counts_note(n, len(x), len(history.nan_steps)),
                                      hidden_zeros_note(_zeros(y))))

    def _mark_nan_steps(self, steps: list[int]) -> None:
        """A red vertical line at each undone step, inside the x range: the view widens to it (a
        NaN at step 2 after one good step was drawn at x = 2, outside the range 0.5 .. 1.5)."""
        red = QColor(OKABE_ITO[3])
        while len(self._nan_lines) < len(steps):
            s = steps[len(self._nan_lines)]
            line = pg.InfiniteLine(pos=s, angle=90, movable=False, pen=pg.mkPen(red, width=1.5),
                                   label="NaN/Inf", labelOpts={"position": 0.95, "color": red,
                                                               "anchors": [(1, 0), (1, 0)]})
            self.plot.addItem(line)  # (its bounds count: a vertical line's are its x)
            self._nan_lines.append(line)
        while len(self._nan_lines) > len(steps):
            self.plot.removeItem(self._nan_lines.pop())

    def nan_marks(self) -> list[float]:
        """The training steps marked as undone (x of the red lines)."""
        return [float(line.value()) for line in self._nan_lines]

    @staticmethod
    def counts_note(clipped: int, steps: int, undone: int) -> str:
        """"clipped 3 of 80 steps · 1 NaN/Inf step undone (red line)" (above the data: in the
        title, too long for a third of a 1400 px window, it was cut at both ends)."""
        note = f"clipped {clipped} of {steps}\u00a0step{'s' if steps != 1 else ''}"
        if undone:
            note += f" \u00b7 {undone} NaN/Inf step{'s' if undone != 1 else ''} undone (red\u00a0line)"
        return note


# ----------------------------------------------------------------------------- spectrum
#: s_t: the state a step hands to the next, h_t (RNN, GRU) or (h_t, c_t) (LSTM), whose step
#: Jacobian carries the gradients back (rnnviz.training.metrics.step_jacobian, state "full")
SV_TITLE = "singular values of \u2202s_t/\u2202s_{t-1}"


class SpectrumView(_View):
    """Spectral radius of W_hh (blocks) over training, and top singular values of the step
    Jacobian ds_t/ds_{t-1} of the state s_t (h_t, or (h_t, c_t) for an LSTM) at a few time steps
    (latest metrics step)."""

    TOOLTIP = (
        "Top: spectral radius \u03c1 (largest |eigenvalue|) of the recurrent weights over training -\n"
        "W_hh for an RNN, each gate's block for an LSTM/GRU; dashed: ||W_hh||\u2082. Bottom: the\n"
        "largest singular values \u03c3\u2081 \u2265 \u03c3\u2082 \u2265 ... of the step Jacobian \u2202s_t/\u2202s_{t-1}\n"
        "at a few time steps, batch mean, latest metrics step. s_t is the state a step passes on:\n"
        "s_t = h_t for an RNN or GRU, s_t = (h_t, c_t) for an LSTM (its cell state too).\n"
        "Gradients are multiplied by these Jacobians on their way back: values below the dashed\n"
        "line at 1 shrink them (vanish), values above 1 can make them explode."
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._add_layer_selector("Which layer's recurrent weights and Jacobian to show", lambda _i: self._history and self.render(self._history))
        self._history = None
        self.radius_plot = self._new_plot(0, 0, "spectral radius of W_hh", "training step", "\u03c1", legend=True)
        # the Jacobian plot in a widget of its own: the live redraw renders and paints the two
        # halves in separate event-loop turns (this view was the longest single stall)
        self.sv_graphics = _TimedGraphics()
        theme.configure_view(self.sv_graphics)
        self.sv_graphics.setMinimumWidth(260)
        self.sv_graphics.setToolTip(self.TOOLTIP)
        self._lay.addWidget(self.sv_graphics, 1)
        self.sv_plot = self._new_plot(0, 0, SV_TITLE, "time step t",
                                      "\u03c3 (log)", log_y=True, legend=True, graphics=self.sv_graphics)
        _ref_line(self.radius_plot, 1.0, "1")
        _ref_line(self.sv_plot, 1.0, "1", log=True)
        self._radius_curves: dict[str, pg.PlotDataItem] = {}
        self._sv_curves: dict[str, pg.PlotDataItem] = {}

    def _layer(self) -> tuple[int, int]:
        d = self.layer_box.currentData()
        return tuple(d) if d is not None else (0, 0)

    def _sync_layers(self, history) -> None:
        snap = history.latest
        L = len(snap.spectral_radius) if snap is not None and snap.spectral_radius else 0
        nd = len(snap.spectral_radius[0]) if L else 0
        self._set_layer_choices([(_layer_name(k, d, nd), (k, d)) for k in range(L) for d in range(nd)])

    def slices(self) -> list:
        return [(self._render_radius, self.settle), (self._render_sv, lambda: self.settle(self.sv_graphics))]

    def sizeHint(self):  # noqa: N802 - Qt; as big as the other views, though made of two widgets
        return self.graphics.sizeHint()

    def render(self, history: TrainingHistory) -> None:
        self._render_radius(history)
        self._render_sv(history)

    def _render_radius(self, history: TrainingHistory) -> None:
        self._history = history
        self._sync_layers(history)
        snap = history.latest
        if snap is None or not history.spectra:
            return
        k, d = self._layer()
        if self._unchanged((id(history), history.run, len(history.spectra), k, d)):
            return
        keys = list(history.spectra[-1][k][d].keys())
        x = np.asarray(history.metric_steps, dtype=np.float64)
        for i, key in enumerate(keys):
            name = "||W_hh||\u2082" if key == "norm" else ("\u03c1(W_hh)" if key == "hh" else f"\u03c1(W_h{key})")
            c = self._radius_curves.get(name)
            if c is None:
                color = _color(6) if key == "norm" else _color(i)
                pen = _dash(color, 1.5) if key == "norm" else pg.mkPen(color, width=2)
                c = self._radius_curves[name] = self.radius_plot.plot([], [], pen=pen, name=name)
            y = [s[k][d].get(key, np.nan) for s in history.spectra]
            self._set(c, name, x, y)

    def clear(self) -> None:
        super().clear()
        self._sv_drawn = None
        _title(self.sv_plot, SV_TITLE)  # (not "at step N" of the run cleared)

    def _render_sv(self, history: TrainingHistory) -> None:
        snap = history.latest
        if snap is None or not history.spectra:
            return
        k, d = self._layer()
        key = (id(history), history.run, snap.metrics_step, k, d)
        if getattr(self, "_sv_drawn", None) == key:
            return
        self._sv_drawn = key
        if snap.jacobian_sv is not None and snap.jacobian_steps is not None:
            sv = np.asarray(snap.jacobian_sv[k][d], dtype=np.float64)
            t = np.asarray(snap.jacobian_steps, dtype=np.float64) + 1
            for j in range(sv.shape[1] if sv.ndim == 2 else 0):
                name = "\u03c3" + str(j + 1).translate(str.maketrans("0123456789", "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089"))
                c = self._sv_curves.get(name)
                if c is None:
                    col = _color(j)
                    c = self._sv_curves[name] = self.sv_plot.plot([], [], pen=pg.mkPen(col, width=1.5), symbol="o",
                                                                  symbolSize=6, symbolBrush=col, symbolPen=None,
                                                                  name=name)
                self._set(c, name, t, sv[:, j])
            self._note(self.sv_plot, hidden_zeros_note(_zeros(sv)))
            _title(self.sv_plot, f"{SV_TITLE} at step {snap.metrics_step}")


# ----------------------------------------------------------------------------- saturation
SAT_TITLE = "gate saturation per unit"
FORGET_TITLE = "mean forget gate per unit (LSTM)"


class SaturationView(_View):
    """Gate saturation per unit (fraction of steps < 0.1 / > 0.9) and the mean LSTM forget gate."""

    TOOLTIP = (
        "Top: for each unit (across) and gate, the fraction of time steps x batch rows where the\n"
        "gate is nearly closed (< 0.1) or nearly open (> 0.9) (Karpathy, Johnson & Fei-Fei 2015).\n"
        "Colour 0 (dark purple) .. 1 (yellow). Bottom: the mean forget gate f of each LSTM unit;\n"
        "values near 1 keep the cell state - and its gradient - alive over many steps.\n"
        "A plain RNN has no gates, so nothing is shown for it. Latest metrics step."
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._add_layer_selector("Which layer's gates to show", lambda _i: self._history and self.render(self._history))
        self._history = None
        self.sat_plot = self._new_plot(0, 0, SAT_TITLE, "unit", "")
        self.sat_plot.showGrid(x=False, y=False)
        self.sat_plot.invertY(True)
        self.sat_plot.getViewBox().setDefaultPadding(0.0)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.sat_plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(0, 1), colorMap=theme.sequential_map(), interactive=False, width=12,
                                        label="fraction of steps")
        self.colorbar.setImageItem(self.image, insert_in=self.sat_plot)
        self.sat_plot.getAxis("left").setWidth(56)
        self.forget_plot = self._new_plot(1, 0, FORGET_TITLE, "unit", "mean f")
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 2)
        self.forget_plot.setYRange(0, 1, padding=0.02)
        self.forget_bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=_color(0), pen=None)
        self.forget_plot.addItem(self.forget_bars)
        self.hint = pg.TextItem("", color=theme.foreground_color(), anchor=(0.5, 0.5))
        self.sat_plot.addItem(self.hint, ignoreBounds=True)
        self._rows: list[str] = []
        self._data = np.zeros((0, 0))
        self._forget = None

    def _sync_layers(self, history) -> None:
        snap = history.latest
        L = len(snap.gate_saturation) if snap is not None and snap.gate_saturation else 0
        nd = len(snap.gate_saturation[0]) if L else 0
        self._set_layer_choices([(_layer_name(k, d, nd), (k, d)) for k in range(L) for d in range(nd)])

    def render(self, history: TrainingHistory) -> None:
        self._history = history
        self._sync_layers(history)
        snap = history.latest
        if snap is None or snap.gate_saturation is None:
            return
        sel = self.layer_box.currentData()
        k, d = tuple(sel) if sel is not None else (0, 0)
        if self._unchanged((id(history), history.run, snap.metrics_step, k, d)):
            return
        sat = snap.gate_saturation[k][d]
        rows, data = [], []
        for gate, arr in sat.items():
            rows += [f"{gate} < 0.1", f"{gate} > 0.9"]
            data += [arr[0], arr[1]]
        self._rows = rows
        if not data:
            self._data = np.zeros((0, 0))
            self.image.clear()
            self.hint.setText("a plain RNN has no gates")
            self.sat_plot.getViewBox().setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
            self.hint.setPos(0.5, 0.5)
            self.hint.show()
            self.sat_plot.getAxis("left").setTicks([[]])
        else:
            self.hint.hide()
            self._data = np.asarray(data, dtype=np.float64)
            R, H = self._data.shape
            self.image.setImage(self._data, levels=(0, 1), autoLevels=False)
            self.image.setRect(-0.5, 0, H, R)
            self.sat_plot.getAxis("left").setTicks([[(i + 0.5, r) for i, r in enumerate(rows)]])
            self.sat_plot.getViewBox().setRange(xRange=(-0.5, H - 0.5), yRange=(0, R), padding=0)
        fm = snap.forget_mean[k][d] if snap.forget_mean is not None else None
        self._forget = None if fm is None else np.asarray(fm, dtype=np.float64)
        self._show_row(self.forget_plot, 1, self._forget is not None)
        if self._forget is None:
            self.forget_bars.setOpts(x=[], height=[])
        else:
            self.forget_bars.setOpts(x=np.arange(self._forget.size), height=self._forget, width=0.8)
            _title(self.forget_plot, f"mean forget gate per unit (mean {np.nanmean(self._forget):.2f})")
            self.forget_plot.setXRange(-0.5, self._forget.size - 0.5, padding=0)
        _title(self.sat_plot, f"gate saturation per unit (step {snap.metrics_step})")

    def clear(self) -> None:
        super().clear()
        self._data = np.zeros((0, 0))
        self._forget = None
        self._rows = []
        self.image.clear()
        self.forget_bars.setOpts(x=[], height=[])
        # nothing said about the run cleared: "a plain RNN has no gates", its gate rows, its step
        self.hint.hide()
        self.hint.setText("")
        self.sat_plot.getAxis("left").setTicks([[]])
        _title(self.sat_plot, SAT_TITLE)
        _title(self.forget_plot, FORGET_TITLE)

    def image_data(self) -> np.ndarray:
        """(2 x gates, H): rows ``row_names()``, columns units."""
        return self._data

    def row_names(self) -> list[str]:
        return list(self._rows)

    def forget_data(self) -> np.ndarray | None:
        return self._forget


# ----------------------------------------------------------------------------- scrolling grid
class PlotScroll(QScrollArea):
    """Views in a grid of up to ``columns`` columns, as many as fit at ``column_width`` pixels or
    more each (fewer when the window is narrow: a plot keeps room for its title), in a scroll
    area: when the window is too short for every view at its least height (:class:`FitGraphics`:
    data areas of :data:`MIN_DATA_HEIGHT`), the views keep that height and scroll, as the Memory
    tab's heatmaps do; when it is tall enough they share its height.

    While the grid scrolls, the mouse wheel over a plot scrolls it too (it would zoom the plot,
    the page then stuck under the pointer); Ctrl+wheel zooms the plot."""

    #: the number of columns changed (a single wide widget, such as the Compare tab's plots,
    #: arranges its own plots in that many)
    columns_changed = Signal(int)

    def __init__(self, views, columns: int = 1, column_width: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.views = list(views)
        self.max_columns = max(1, int(columns))
        self.column_width = int(column_width)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(2, 2, 2, 2)
        self.setWidget(self.grid_host)
        self._columns = 0
        self._place(self.max_columns)
        self._wheel = WheelScroll(self)
        for view in self.grid_host.findChildren(QGraphicsView):
            self._wheel.watch(view)

    def columns(self) -> int:
        """How many columns the views are in now."""
        return self._columns

    def columns_for(self, width: int) -> int:
        """The columns of the views in a scroll area ``width`` pixels wide (its vertical scroll
        bar counted in, shown or not: the columns do not change as it comes and goes)."""
        if self.column_width <= 0:
            return self.max_columns
        m = self.grid.contentsMargins()
        room = width - self.verticalScrollBar().sizeHint().width() - m.left() - m.right()
        spacing = max(0, self.grid.horizontalSpacing())
        return max(1, min(self.max_columns, (room + spacing) // (self.column_width + spacing)))

    def _place(self, columns: int) -> None:
        if columns == self._columns:
            return
        for view in self.views:
            self.grid.removeWidget(view)
        for i, view in enumerate(self.views):
            self.grid.addWidget(view, i // columns, i % columns)
        rows = -(-len(self.views) // columns)
        for c in range(max(columns, self._columns)):
            self.grid.setColumnStretch(c, 1 if c < min(columns, len(self.views)) else 0)
        for r in range(max(rows, -(-len(self.views) // max(1, self._columns)))):
            self.grid.setRowStretch(r, 1 if r < rows else 0)
        self._columns = columns
        self.columns_changed.emit(columns)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt
        self._place(self.columns_for(event.size().width()))
        super().resizeEvent(event)


ALL_VIEWS = (LossView, StepNormView, NormHistoryView, GradRatioView, GradNormView, SpectrumView, SaturationView)
