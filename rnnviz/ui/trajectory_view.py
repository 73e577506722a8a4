"""The hidden-state trajectory h_1 .. h_T projected on its first two principal components."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from rnnviz.analysis.pca import pca_2d_with_variance
from rnnviz.ui import theme
from rnnviz.ui.token_axis import short_label

TOOLTIP = (
    "Where the hidden state goes while the model reads: each point is h_t after one token,\n"
    "projected onto the two directions in which h varies most (PCA).\n"
    "Point colour = time (dark purple = first token .. yellow = last, see the colour bar);\n"
    "the grey line joins consecutive steps; the magenta ring is the time cursor."
)
#: at most this many token labels are drawn next to points
MAX_POINT_LABELS = 40
#: at most this many scatter markers (the path itself always has every step)
MAX_MARKERS = 600
#: paths longer than this are drawn thin and without antialiasing
LONG_PATH = 400


class TrajectoryView(QWidget):
    """Draws the 2-D PCA projection of ``h`` (T, H) as a path through time."""

    step_hovered = Signal(int)
    step_clicked = Signal(int)

    def __init__(self, title: str = "hidden-state trajectory (PCA)", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme.configure_pyqtgraph()
        self._points = np.zeros((0, 2))
        self._ratio = np.zeros(2)
        self._tokens: list[str] = []
        self._cursor: int | None = None
        self._labels: list[pg.TextItem] = []
        self._label_steps: list[int] = []
        self._readout = ""

        self.plot_widget = pg.PlotWidget()
        self.plot_widget.setMinimumSize(240, 200)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setTitle(title or None)
        self.plot.setLabel("bottom", "PC 1")
        self.plot.setLabel("left", "PC 2")
        self.plot.showGrid(x=True, y=True, alpha=0.2)

        fg = QColor(theme.foreground_color())
        fg.setAlpha(110)
        self._pen = pg.mkPen(fg, width=1.2)
        self._thin_pen = pg.mkPen(fg, width=0)
        self.path = pg.PlotDataItem([], [], pen=self._pen)
        self.plot.addItem(self.path)
        self.markers = pg.ScatterPlotItem(size=8, pen=None)
        self.plot.addItem(self.markers)
        accent = theme.accent_color()
        self.cursor_marker = pg.ScatterPlotItem(size=18, pen=pg.mkPen(accent, width=3),
                                                brush=pg.mkBrush(0, 0, 0, 0))
        self.cursor_marker.setZValue(30)
        self.plot.addItem(self.cursor_marker)

        self.colorbar = pg.ColorBarItem(values=(0, 1), colorMap=theme.sequential_map(),
                                        interactive=False, width=12, label="step")
        self.plot.layout.addItem(self.colorbar, 2, 5)
        self.plot.layout.setColumnFixedWidth(4, 5)

        self.hint = pg.TextItem("type some text", color=theme.foreground_color(), anchor=(0.5, 0.5))
        self.plot.addItem(self.hint, ignoreBounds=True)

        self.readout_label = QLabel(" ")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.plot_widget, 1)
        lay.addWidget(self.readout_label)
        self.setToolTip(TOOLTIP)
        self.plot_widget.setToolTip(TOOLTIP)
        scene = self.plot_widget.scene()
        scene.sigMouseMoved.connect(self.hover_at_scene)
        scene.sigMouseClicked.connect(self._on_click)
        self.set_states(np.zeros((0, 1)), [])

    # -- data -------------------------------------------------------------------------------
    def set_states(self, h: np.ndarray, tokens: list[str]) -> None:
        """Project ``h`` (T, H) with :func:`rnnviz.analysis.pca.pca_2d` and draw it."""
        h = np.asarray(h, dtype=np.float64)
        if h.ndim != 2:
            raise ValueError(f"h must be a 2-D array (T, H), got shape {h.shape}")
        if len(tokens) != h.shape[0]:
            raise ValueError(f"tokens must have one entry per step: {len(tokens)} for {h.shape[0]} states")
        points, ratio = pca_2d_with_variance(h)
        self.set_points(points, tokens, ratio)

    def set_points(self, points: np.ndarray, tokens: list[str], ratio: np.ndarray | None = None) -> None:
        """Draw already projected ``points`` (T, 2)."""
        pts = np.asarray(points, dtype=np.float64)
        if pts.ndim != 2 or pts.shape[1] != 2:
            raise ValueError(f"points must be a (T, 2) array, got shape {pts.shape}")
        if len(tokens) != pts.shape[0]:
            raise ValueError(f"tokens must have one entry per point: {len(tokens)} for {pts.shape[0]}")
        self._points = pts.copy()
        self._tokens = list(tokens)
        self._ratio = np.zeros(2) if ratio is None else np.asarray(ratio, dtype=float)
        T = pts.shape[0]
        self._label_steps = []
        if T:
            # long paths: no antialiasing and a thin cosmetic pen (antialiased wide lines over
            # thousands of segments take ~0.5 s to paint in the raster engine)
            long_path = T > LONG_PATH
            self.path.setPen(self._thin_pen if long_path else self._pen)
            self.path.setData(pts[:, 0], pts[:, 1], antialias=not long_path, skipFiniteCheck=True)
        else:
            self.path.setData([], [])
        if T == 0:
            self.markers.setData([], [])
            self.hint.setPos(0, 0)
            self.hint.show()
            self.plot.setLabel("bottom", "PC 1")
            self.plot.setLabel("left", "PC 2")
            self.colorbar.setLevels((0, 1))
            self.plot.getViewBox().setRange(xRange=(-1, 1), yRange=(-1, 1))
        else:
            self.hint.hide()
            idx = np.arange(T) if T <= MAX_MARKERS else np.unique(
                np.linspace(0, T - 1, MAX_MARKERS).round().astype(int))
            t = idx / max(T - 1, 1)
            rgba = theme.sequential_map().map(t, mode="byte")
            brushes = [QBrush(QColor(*c)) for c in rgba.tolist()]
            self.markers.setData(pts[idx, 0], pts[idx, 1], brush=brushes, data=idx)
            self.colorbar.setLevels((0, max(T - 1, 1)))
            pct = [f" ({100 * r:.0f}% of variance)" if r > 0 else "" for r in self._ratio[:2]]
            self.plot.setLabel("bottom", "PC 1" + pct[0])
            self.plot.setLabel("left", "PC 2" + pct[1])
            self.plot.getViewBox().autoRange(padding=0.12)
            steps = self._choose_label_steps()
            # label items are pooled: creating pg.TextItems costs ~1 ms each
            while len(self._labels) < len(steps):
                item = pg.TextItem("", color=theme.foreground_color(), anchor=(-0.15, 1.0))
                self.plot.addItem(item, ignoreBounds=True)
                self._labels.append(item)
            for item, i in zip(self._labels, steps):
                text = short_label(self._tokens[i])
                if item.toPlainText() != text:
                    item.setText(text)
                item.setPos(pts[i, 0], pts[i, 1])
                item.show()
                self._label_steps.append(i)
        for item in self._labels[len(self._label_steps):]:
            item.hide()
        if self._cursor is not None and self._cursor >= T:
            self._cursor = None
        self.set_cursor(self._cursor)
        self._set_readout("")

    def _choose_label_steps(self) -> list[int]:
        """Steps to label: evenly thinned candidates (first and last always), then greedily
        dropping any label whose estimated on-screen box would overlap one already placed."""
        pts, T = self._points, len(self._points)
        stride = max(1, int(np.ceil(T / (4 * MAX_POINT_LABELS))))
        cand = list(range(T - 1, -1, -stride))  # newest first: recent tokens matter most
        if cand[-1] != 0:
            cand.append(0)
        vb = self.plot.getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        w_px = max(200.0, vb.width() or 0.8 * self.width())
        h_px = max(150.0, vb.height() or 0.8 * self.height())
        sx, sy = w_px / max(x1 - x0, 1e-12), h_px / max(y1 - y0, 1e-12)
        fm = self.fontMetrics()
        placed: list[tuple[float, float, float, float]] = []
        chosen: list[int] = []
        for i in cand:
            px, py = (pts[i, 0] - x0) * sx, (y1 - pts[i, 1]) * sy
            w = fm.horizontalAdvance(short_label(self._tokens[i])) + 6
            box = (px, py - fm.height(), px + w, py)
            if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                continue
            placed.append(box)
            chosen.append(i)
            if len(chosen) >= MAX_POINT_LABELS:
                break
        return sorted(chosen)

    def points(self) -> np.ndarray:
        """The (T, 2) projected points drawn."""
        return self._points.copy()

    def explained_variance(self) -> np.ndarray:
        """Fraction of the variance of h on PC 1 and PC 2."""
        return self._ratio.copy()

    def label_steps(self) -> list[int]:
        """The steps whose token is written next to their point."""
        return list(self._label_steps)

    # -- cursor, hover ------------------------------------------------------------------------
    def set_cursor(self, step: int | None) -> None:
        """Ring the point of ``step`` (None removes the ring)."""
        if step is None or not (0 <= int(step) < len(self._points)):
            self._cursor = None
            self.cursor_marker.setData([], [])
            return
        self._cursor = int(step)
        x, y = self._points[self._cursor]
        self.cursor_marker.setData([x], [y])

    def cursor(self) -> int | None:
        return self._cursor

    def nearest_step(self, pos: QPointF, max_px: float = 12.0) -> int | None:
        """Step whose point is nearest to scene position ``pos`` (within ``max_px`` pixels)."""
        if len(self._points) == 0:
            return None
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(pos):
            return None
        p = vb.mapSceneToView(pos)
        (x0, x1), (y0, y1) = vb.viewRange()
        r = vb.sceneBoundingRect()
        sx = r.width() / max(x1 - x0, 1e-12)
        sy = r.height() / max(y1 - y0, 1e-12)
        d2 = ((self._points[:, 0] - p.x()) * sx) ** 2 + ((self._points[:, 1] - p.y()) * sy) ** 2
        i = int(np.argmin(d2))
        return i if d2[i] <= max_px**2 else None

    def scene_pos_of(self, step: int) -> QPointF:
        x, y = self._points[step]
        return self.plot.getViewBox().mapViewToScene(QPointF(x, y))

    def hover_at_scene(self, pos) -> None:
        i = self.nearest_step(QPointF(pos))
        if i is not None:
            x, y = self._points[i]
            self._set_readout(f"token '{theme.visible_token(self._tokens[i])}' \u00b7 step {i} "
                              f"\u00b7 PC1 {x:+.3f} \u00b7 PC2 {y:+.3f}")
            self.step_hovered.emit(i)

    def readout_text(self) -> str:
        return self._readout

    def _set_readout(self, text: str) -> None:
        self._readout = text
        self.readout_label.setText(text or "hover over a point to read it")

    def _on_click(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        i = self.nearest_step(ev.scenePos())
        if i is not None:
            self.step_clicked.emit(i)
