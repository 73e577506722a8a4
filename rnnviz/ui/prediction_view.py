"""What the model predicts: top-k next tokens at one step, and P(class) after every token."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

from rnnviz.ui import theme
from rnnviz.ui.plot_legend import legend_above
from rnnviz.ui.static_text import static_text
from rnnviz.ui.text_line import TextLine
from rnnviz.ui.time_plot import TimePlot

TOPK_TOOLTIP = (
    "The model's most likely next tokens after the selected step, with their probabilities.\n"
    "Bar length = probability (full width = 1). '\u2423' is a space, '\u23ce' a line break."
)
CLASS_TOOLTIP = (
    "P(class) the model would output if the text stopped after each token.\n"
    "One line per class; the dashed line marks 0.5. The magenta line is the time cursor."
)

#: Okabe-Ito colour-blind-safe qualitative palette
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#F0E442", "#000000", "#CC79A7"]


class _Bars(QWidget):
    """Paints a list of (label, probability) as horizontal bars."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[tuple[str, float]] = []
        self._measured: dict[tuple, object] = {}  # text widths and elided labels, per font
        self.setMinimumHeight(60)
        # paintEvent fills every pixel: Qt then skips painting the widgets beneath (up to the main
        # window) on each keystroke
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def sizeHint(self) -> QSize:  # noqa: N802
        fm = QFontMetrics(self.font())
        return QSize(260, max(5, len(self.entries)) * (fm.height() + 8))

    def paintEvent(self, ev) -> None:  # noqa: N802
        # labels and numbers are cached QStaticText (static_text.py): this repaints on every key
        p = QPainter(self)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        font = p.font()
        key = font.key()
        fm = QFontMetrics(font)
        n = len(self.entries)
        if n == 0:
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            p.drawText(self.rect().adjusted(6, 4, 0, 0), Qt.AlignmentFlag.AlignLeft, "type some text")
            return
        row_h = max(fm.height() + 6, min(40, self.height() / n))
        label_w = max(self._advance(fm, key, lab) for lab, _ in self.entries) + 12
        label_w = min(label_w, self.width() // 3)
        num_w = self._advance(fm, key, "0.000") + 12
        bar_w = max(10, self.width() - label_w - num_w - 8)
        text = pal.color(QPalette.ColorRole.Text)
        bar_color = QColor(OKABE_ITO[0])
        track = QColor(text)
        track.setAlpha(25)
        p.setPen(text)
        for i, (lab, prob) in enumerate(self.entries):
            y = i * row_h
            shown = self._elided(fm, key, lab, int(label_w - 8))
            st = static_text(shown, font, key)
            size = st.size()
            p.drawStaticText(QPointF(label_w - 4 - size.width(), y + (row_h - size.height()) / 2.0), st)
            bar = QRectF(label_w, y + 3, bar_w, row_h - 6)
            p.fillRect(bar, track)
            frac = min(max(float(prob), 0.0), 1.0) if math.isfinite(prob) else 0.0
            p.fillRect(QRectF(bar.left(), bar.top(), bar_w * frac, bar.height()), bar_color)
            st = static_text(f"{prob:.3f}", font, key)
            p.drawStaticText(QPointF(label_w + bar_w + 6, y + (row_h - st.size().height()) / 2.0), st)

    def _advance(self, fm: QFontMetrics, key: str, text: str) -> int:
        return self._cached(("w", key, text), lambda: fm.horizontalAdvance(text))

    def _elided(self, fm: QFontMetrics, key: str, text: str, width: int) -> str:
        return self._cached(("e", key, text, width),
                            lambda: fm.elidedText(text, Qt.TextElideMode.ElideRight, width))

    def _cached(self, key: tuple, compute):
        """``compute()``, remembered under ``key`` (a few thousand entries at most)."""
        value = self._measured.get(key)
        if value is None:
            if len(self._measured) > 4096:
                self._measured.clear()
            value = self._measured[key] = compute()
        return value


class TopKView(QWidget):
    """The top-k next tokens and their probabilities at one time step, as horizontal bars."""

    def __init__(self, k: int = 5, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._k = int(k)
        self._entries: list[tuple[str, float]] = []
        self._step: int | None = None
        self.heading = TextLine()
        self.bars = _Bars()
        self.setAutoFillBackground(True)  # the heading changes per keystroke: its background is ours
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.heading)
        lay.addWidget(self.bars, 1)
        self.setToolTip(TOPK_TOOLTIP)
        self.clear()

    def clear(self) -> None:
        """Show nothing (no text typed)."""
        self._entries, self._step = [], None
        self.heading.setText("Next-token prediction")
        self.bars.entries = []
        self.bars.update()

    def set_distribution(self, probs: np.ndarray, vocab: list[str], step: int, token: str) -> None:
        """Show the ``k`` most probable entries of ``probs`` (V,) over ``vocab`` (V), predicted
        after reading ``token`` at time ``step``. Ties keep vocabulary order."""
        p = np.asarray(probs, dtype=np.float64)
        if p.ndim != 1:
            raise ValueError(f"probs must be a 1-D array (V,), got shape {p.shape}")
        if len(vocab) != p.shape[0]:
            raise ValueError(f"vocab must have one entry per probability: {len(vocab)} for {p.shape[0]}")
        safe = np.where(np.isfinite(p), p, -np.inf)
        k = min(self._k, p.shape[0])
        order = np.argsort(-safe, kind="stable")[:k]
        self._entries = [(str(vocab[i]), float(p[i])) for i in order]
        self._step = int(step)
        self.heading.setText(
            f"After step {theme.shown_step(step)} ('{theme.visible_token(token)}'), the model expects next:")
        entries = [(theme.visible_token(t) or "\u2205", v) for t, v in self._entries]
        if len(entries) != len(self.bars.entries):
            self.bars.updateGeometry()  # its size hint depends on the number of rows
        self.bars.entries = entries
        self.bars.update()

    def entries(self) -> list[tuple[str, float]]:
        """(token, probability) pairs shown, most probable first (tokens as in ``vocab``)."""
        return list(self._entries)

    def display_labels(self) -> list[str]:
        """The labels as drawn (whitespace made visible: '␣', '⏎')."""
        return [lab for lab, _ in self.bars.entries]

    def step(self) -> int | None:
        return self._step

    def heading_text(self) -> str:
        return self.heading.text()


class ClassProbabilityView(TimePlot):
    """P(class | tokens up to t) for every step t, one line per class, with a 0.5 guide."""

    def __init__(self, title: str = "P(class) after each token", parent: QWidget | None = None) -> None:
        super().__init__(title, "probability", parent)
        self._probs = np.zeros((0, 0))
        self._names: list[str] = []
        self._curves: list[pg.PlotDataItem] = []
        # the legend sits in a row of its own above the data, right-aligned: inside the plot it
        # covered the newest points, which are drawn at the right edge while typing
        self.legend = legend_above(self.plot)
        self.guide = pg.InfiniteLine(pos=0.5, angle=0, movable=False,
                                     pen=pg.mkPen(theme.foreground_color(), width=1,
                                                  style=Qt.PenStyle.DashLine))
        self.guide.setOpacity(0.6)
        self.plot.addItem(self.guide, ignoreBounds=True)
        self.plot.getViewBox().setYRange(0, 1, padding=0.03)
        self.plot.getViewBox().setLimits(yMin=-0.05, yMax=1.05)
        self.plot.setMouseEnabled(x=True, y=False)
        self.setToolTip(CLASS_TOOLTIP)
        self.plot_widget.setToolTip(CLASS_TOOLTIP)
        self.set_probabilities(np.zeros((0, 1)), [], ["class 0"])

    def set_probabilities(self, probs: np.ndarray, tokens: list[str], class_names: list[str]) -> None:
        """Show ``probs`` (T, C): row t is the class distribution after token t."""
        p = np.asarray(probs, dtype=np.float64)
        if p.ndim != 2:
            raise ValueError(f"probs must be a 2-D array (T, C), got shape {p.shape}")
        if len(tokens) != p.shape[0]:
            raise ValueError(f"tokens must have one entry per step: {len(tokens)} for {p.shape[0]} rows")
        if len(class_names) != p.shape[1]:
            raise ValueError(f"class_names must have one entry per column: {len(class_names)} for {p.shape[1]}")
        self._probs = p.copy()
        names = [str(n) for n in class_names]
        T = p.shape[0]
        x = np.arange(T, dtype=float)
        if names == self._names and len(self._curves) == len(names):
            # same classes (typing): update the curves instead of re-creating them and the legend
            for j, curve in enumerate(self._curves):
                curve.setSymbol("o" if T <= 200 else None)
                curve.setData(x, p[:, j])
            self._set_tokens(tokens)
            return
        self._names = names
        for c in self._curves:
            self.plot.removeItem(c)
        self.legend.clear()
        self._curves = []
        for j, name in enumerate(self._names):
            color = QColor(OKABE_ITO[j % len(OKABE_ITO)])
            curve = self.plot.plot(x, p[:, j], pen=pg.mkPen(color, width=2), name=name,
                                   symbol="o" if T <= 200 else None, symbolSize=5,
                                   symbolBrush=color, symbolPen=None)
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            self._curves.append(curve)
        self._set_tokens(tokens)
        self.plot.getViewBox().setYRange(0, 1, padding=0.03)

    def series(self) -> np.ndarray:
        """The (T, C) probabilities shown."""
        return self._probs.copy()

    def class_names(self) -> list[str]:
        return list(self._names)

    def _readout_for(self, step: int) -> str:
        vals = " \u00b7 ".join(f"P({n}) {self._probs[step, j]:.3f}" for j, n in enumerate(self._names))
        return super()._readout_for(step) + " \u00b7 " + vals
