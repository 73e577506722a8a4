"""Base widget for line plots over time steps: token axis, time cursor, hover readout."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from rnnviz.ui import theme
from rnnviz.ui.text_line import TextLine
from rnnviz.ui.time_cursor import TimeCursor
from rnnviz.ui.token_axis import TokenAxis, time_extent


class TimePlot(QWidget):
    """A PlotWidget whose x axis is the time step (x = t), labelled with tokens.

    Subclasses draw their curves; this class provides ``set_cursor``, ``step_hovered`` and a
    readout label. Hover/click anywhere selects the nearest step.
    """

    step_hovered = Signal(int)
    step_clicked = Signal(int)

    def __init__(self, title: str = "", y_label: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme.configure_pyqtgraph()
        self._tokens: list[str] = []
        self._range_T = -1
        self._cursor: int | None = None
        self._readout = ""
        self.time_axis = TokenAxis("bottom", offset=0.0)
        self.plot_widget = theme.plot_widget(axisItems={"bottom": self.time_axis})
        theme.configure_view(self.plot_widget)
        self.plot_widget.setMinimumSize(240, 140)
        self.plot = self.plot_widget.getPlotItem()
        theme.shrinkable_title(self.plot)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setLabel("bottom", "token (time step)")
        if y_label:
            self.plot.setLabel("left", y_label)
        # no grid: an axis grid costs ~3 ms a paint and the plot repaints on every keystroke
        theme.cache_plot_axes(self.plot)
        self.plot.setTitle(title or None)
        self._title = self._shown_title = title or ""

        self.cursor_line = TimeCursor(self.plot.getViewBox(), theme.accent_color())

        self.hint = pg.TextItem("type some text", color=theme.foreground_color(), anchor=(0.5, 0.5))
        self.hint.hide()
        self.plot.addItem(self.hint, ignoreBounds=True)

        self.readout_label = TextLine(" ")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.plot_widget, 1)
        lay.addWidget(self.readout_label)
        scene = self.plot_widget.scene()
        scene.sigMouseMoved.connect(self.hover_at_scene)
        scene.sigMouseClicked.connect(self._on_click)

    # -- to be used by subclasses ------------------------------------------------------------
    def _set_tokens(self, tokens: list[str]) -> None:
        # the very list the heatmaps got (not a copy): the axes then share its labels (token_axis)
        self._tokens = tokens if isinstance(tokens, list) else list(tokens)
        self.time_axis.set_tokens(self._tokens)
        T = len(self._tokens)
        W = time_extent(T) if T else 0
        vb = self.plot.getViewBox()
        if T and self._range_T == W:
            pass  # the x range has room for these tokens (see time_extent)
        elif T == 0:
            vb.setLimits(xMin=None, xMax=None)
            vb.setXRange(0, 1, padding=0)
            self.hint.setPos(0.5, 0.5)
            self.hint.show()
        else:
            self.hint.hide()
            vb.setLimits(xMin=-0.5, xMax=W - 0.5)
            vb.setXRange(-0.5, W - 0.5, padding=0)
        self._range_T = W
        if self._cursor is not None and self._cursor >= T:
            self._cursor = None
        self.set_cursor(self._cursor)
        self._set_readout("")

    def _readout_for(self, step: int) -> str:
        """Readout text for ``step``; subclasses add their values."""
        return f"token '{theme.visible_token(self._tokens[step])}' \u00b7 step {theme.shown_step(step)}"

    # -- public -------------------------------------------------------------------------------
    def set_title(self, title: str | None) -> None:
        title = title or ""
        if title == getattr(self, "_shown_title", None):
            return  # setTitle re-lays out the plot
        self._title = self._shown_title = title
        self.plot.setTitle(self._title or None)

    def title(self) -> str:
        return self._title

    def tokens(self) -> list[str]:
        return list(self._tokens)

    def set_cursor(self, step: int | None) -> None:
        """Draw the time cursor at ``step`` (None hides it)."""
        if step is None or not (0 <= int(step) < len(self._tokens)):
            self._cursor = None
            self.cursor_line.set_value(None)
            return
        self._cursor = int(step)
        self.cursor_line.set_value(self._cursor)

    def cursor(self) -> int | None:
        return self._cursor

    def time_ticks(self) -> list[tuple[float, str]]:
        """(position, label) of the time-axis ticks for the current view."""
        (x0, x1), _ = self.plot.getViewBox().viewRange()
        width = max(1.0, float(self.time_axis.geometry().width() or self.plot_widget.width()))
        _, pos = self.time_axis.token_ticks(x0, x1, width)
        return list(zip(pos, self.time_axis.tickStrings(pos, 1.0, 1.0)))

    def step_at_scene(self, pos: QPointF) -> int | None:
        vb = self.plot.getViewBox()
        if not self._tokens or not vb.sceneBoundingRect().contains(pos):
            return None
        x = vb.mapSceneToView(pos).x()
        step = int(np.floor(x + 0.5))
        return step if 0 <= step < len(self._tokens) else None

    def scene_pos_of(self, step: int, y: float = 0.5) -> QPointF:
        return self.plot.getViewBox().mapViewToScene(QPointF(step, y))

    def hover_at_scene(self, pos) -> None:
        step = self.step_at_scene(QPointF(pos))
        if step is not None:
            self.hover_step(step)

    def hover_step(self, step: int) -> None:
        self._set_readout(self._readout_for(step))
        self.step_hovered.emit(step)

    def readout_text(self) -> str:
        return self._readout

    def _set_readout(self, text: str) -> None:
        if text == self._readout and self.readout_label.text() != " ":
            return
        self._readout = text
        self.readout_label.setText(text or "hover over the plot to read values")

    def _on_click(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        step = self.step_at_scene(ev.scenePos())
        if step is not None:
            self.step_clicked.emit(step)
