"""The hidden-state trajectory h_1 .. h_T projected on its first two principal components."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QFontMetricsF
from PySide6.QtWidgets import QVBoxLayout, QWidget

from rnnviz.analysis.pca import StreamingPCA, pca_2d_with_variance
from rnnviz.ui import theme
from rnnviz.ui.color_bar import ColorBar
from rnnviz.ui.dots import Dots, Ring, device_xy
from rnnviz.ui.item_cache import cache_while_still
from rnnviz.ui.static_text import static_text
from rnnviz.ui.text_line import TextLine
from rnnviz.ui.token_axis import kept_end, short_label, time_extent

TOOLTIP = (
    "Where the hidden state goes while the model reads: each point is h_t after one token,\n"
    "projected onto the two directions in which h varies most (PCA).\n"
    "Point colour = time (dark purple = first token .. yellow = last, see the colour bar);\n"
    "the grey line joins consecutive steps; the magenta ring is the time cursor."
)
#: at most this many token labels are drawn next to points
MAX_POINT_LABELS = 40
#: at most this many scatter markers (the path itself always has every step): every
#: ``stride``-th step, the stride a power of two, so the marked steps stay put while typing
MAX_MARKERS = 400
#: while typing at the end, the path before the last multiple of this many steps is drawn
#: from a cached pixmap (a 5,000-step path costs ~2 ms to stroke)
FROZEN_CHUNK = 512
#: the path and markers of the steps before the last multiple of this many steps (of this many
#: markers, for long texts) are kept in cached items while typing at the end; only the newest
#: steps are drawn anew on each key
TAIL_CHUNK = 32
#: paths longer than this are drawn without antialiasing
LONG_PATH = 400
#: while typing, changed steps are projected onto the current PCA axes (typing at the end
#: draws just the new points; an edit earlier re-projects the rest); the axes are refitted
#: exactly once typing pauses for this long, or at once when the text outgrows the time range
#: (see time_extent), when every time view is redrawn anyway
REFIT_MS = 250
#: number of marker colours (markers share pooled brushes: creating QBrushes is slow)
_N_COLORS = 128


EMPTY_HINT = "type some text"


def _first_non_finite_step(h: np.ndarray) -> int | None:
    """The first step (row) of ``h`` (T, H) holding inf or NaN, or None if all are finite."""
    finite = np.isfinite(h)
    if finite.all():
        return None
    return int(np.argmax(~finite.all(axis=1)))


class PointLabels(pg.GraphicsObject):
    """Short texts written just above and right of points (left, where the view's right edge
    would cut one off), all drawn in one paint call.

    Cheaper than one ``pg.TextItem`` per label (a QGraphicsTextItem lays out a text document
    and is visited by the scene separately); the trajectory repaints on every keystroke.
    """

    def __init__(self, color, box=None) -> None:
        super().__init__()
        self._color = QColor(color)
        self._box = None if box is None else QColor(box)  # fill behind each label, or None
        # where a label's baseline starts, in pixels right of and above its point: a boxed
        # label keeps clear of the point's 8-px marker
        self._dx, self._dy = (3.0, 4.0) if box is None else (6.0, 6.0)
        self._xy = np.zeros((0, 2))
        self._texts: list[str] = []
        self._rect: QRectF | None = None

    def set_labels(self, xy: np.ndarray, texts: list[str]) -> bool:
        """Label point ``xy[k]`` (data coordinates) with ``texts[k]``. Returns whether any
        label changed."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        if len(texts) == len(self._texts) and texts == self._texts and np.array_equal(xy, self._xy):
            return False
        self.prepareGeometryChange()
        self._xy, self._texts, self._rect = xy.copy(), list(texts), None
        self.update()
        return True

    def texts(self) -> list[str]:
        return list(self._texts)

    def follow_palette(self, old: dict, new: dict) -> None:
        """After a palette change: text and box in the new palette's colours."""
        self._color = theme.swap_colour(self._color, old, new)
        self._box = theme.swap_colour(self._box, old, new)
        self.update()

    def positions(self) -> np.ndarray:
        return self._xy.copy()

    def viewTransformChanged(self) -> None:  # noqa: N802 (pyqtgraph hook)
        super().viewTransformChanged()  # forgets the cached viewRect() that paint() reads
        self.prepareGeometryChange()
        self._rect = None
        # which labels are written left of their point depends on the view's right edge:
        # a pixmap cache kept over a pan would keep the old choice
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        if self._rect is None:
            if not self._texts:
                self._rect = QRectF()
            else:
                font = QFont()
                key = font.key()
                w_px = max(static_text(t, font, key).size().width() for t in self._texts) + 2 * self._dx + 4
                fm = QFontMetrics(font)
                h_px = fm.height() + 6
                px, py = self.pixelWidth() or 0.0, self.pixelHeight() or 0.0
                lo, hi = self._xy.min(axis=0), self._xy.max(axis=0)
                # a label that would leave the view on the right is written left of its point
                self._rect = QRectF(lo[0] - w_px * px, lo[1] - h_px * py, hi[0] - lo[0] + 2 * w_px * px,
                                    hi[1] - lo[1] + 2 * h_px * py).normalized()
        return self._rect

    def paint(self, painter, *args) -> None:
        if not self._texts:
            return
        tr = painter.transform()
        view = self.viewRect()  # the part of the plot shown, in data coordinates (None: no view)
        right = tr.map(view.topRight()).x() - 2.0 if view is not None else float("inf")
        painter.resetTransform()
        painter.setPen(self._color)
        font = painter.font()
        fm = QFontMetricsF(font)
        key, ascent, height = font.key(), fm.ascent(), fm.height()
        xs, ys = (d.tolist() for d in device_xy(tr, self._xy[:, 0], self._xy[:, 1]))
        dx, dy, box = self._dx, self._dy, self._box
        for px, py, text in zip(xs, ys, self._texts):
            st = static_text(text, font, key)
            w = st.size().width()
            x, top = px + dx, py - dy - ascent
            if x + w > right:  # would be cut off at the view's right edge: write it on the left
                x = px - dx - w
            if box is not None:
                painter.fillRect(QRectF(x - 2.0, top - 1.0, w + 4.0, height + 2.0), box)
            painter.drawStaticText(QPointF(x, top), st)


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
        self._label_steps: list[int] = []
        self._W = 0                       # time_extent of the steps shown (the colour scale)
        self._label_widths: dict[str, int] = {}  # token -> label width in pixels, in this font:
        self._label_widths_font = ""
        self._points_version = 0          # bumped whenever a drawn point moves
        self._older_labels = (None, [])   # (key, steps) of the last choice of older labels
        self._marker_key = None           # (stride, W, kept_to) of the kept markers drawn
        self._extent = (0, np.zeros(2), np.zeros(2))  # (n, lo, hi): the box around points[:n]
        self._readout = ""
        self._overflowed = False          # showing why there is no trajectory (h not finite)

        self.plot_widget = theme.plot_widget()
        # a key typed at the end changes the region around the newest points only (the older
        # path, markers and labels are kept pieces): repaint that, not the whole plot
        theme.configure_view(self.plot_widget, partial=True)
        self.plot_widget.setMinimumSize(240, 200)
        self.plot = self.plot_widget.getPlotItem()
        theme.shrinkable_title(self.plot)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setTitle(title or None)
        self.plot.setLabel("bottom", "PC 1")
        self.plot.setLabel("left", "PC 2")
        # axes through the origin (= the mean hidden state) instead of a grid: a grid costs
        # ~3 ms per paint in the raster engine, and the plot repaints on every keystroke
        guide = theme.opaque(theme.foreground_color(), 60)
        self._origin = []
        for angle in (0, 90):
            line = pg.InfiniteLine(pos=0, angle=angle, movable=False, pen=pg.mkPen(guide, width=1))
            line.setZValue(-10)
            self.plot.addItem(line, ignoreBounds=True)
            self._origin.append(line)

        # a cosmetic 1-px pen: wider antialiased pens go through Qt's stroker (~30 ms a paint)
        self._pen = pg.mkPen(theme.opaque(theme.foreground_color(), 110), width=1)
        self._brushes = [QBrush(QColor(*c)) for c in theme.sequential_map().map(
            np.linspace(0.0, 1.0, _N_COLORS), mode="byte").tolist()]
        self._pca = StreamingPCA(refit_interval=float("inf"))
        self._refit_timer = QTimer(self)
        self._refit_timer.setSingleShot(True)
        self._refit_timer.setInterval(REFIT_MS)
        self._refit_timer.timeout.connect(self.refit)
        # The path in three pieces: steps up to the last multiple of FROZEN_CHUNK and on to the
        # last multiple of TAIL_CHUNK, both drawn from pixmap caches while typing at the end
        # (see cache_while_still), and the newest steps, redrawn on each key. The markers
        # likewise in a kept, cached item and a tail. (Typing used to repaint every marker and
        # up to 512 path steps.)
        self.path_frozen = pg.PlotCurveItem([], [], pen=self._pen)
        self.plot.addItem(self.path_frozen)
        self._frozen_to = 0            # the frozen piece draws steps 0 .. _frozen_to
        self.path_recent = pg.PlotCurveItem([], [], pen=self._pen)
        self.plot.addItem(self.path_recent)
        self._recent_to = 0            # the recent piece draws steps _frozen_to .. _recent_to
        self.path = pg.PlotCurveItem([], [], pen=self._pen)
        self.plot.addItem(self.path)
        self.markers = Dots(size=8)
        self.plot.addItem(self.markers)
        self.markers_tail = Dots(size=8)
        self.plot.addItem(self.markers_tail)
        self.cursor_marker = Ring(theme.accent_color(), size=18, width=3)
        self.cursor_marker.setZValue(30)
        self.cursor_marker.hide()
        self.plot.addItem(self.cursor_marker, ignoreBounds=True)

        self.colorbar = ColorBar(values=(0, 1), colorMap=theme.sequential_map(), width=12, label="step")
        self.plot.layout.addItem(self.colorbar, 2, 5)
        theme.cache_plot_axes(self.plot)
        theme.cache_axes(self.colorbar.axis)
        self._colorbar_W: int | None = None  # the W the colour bar shows (see _set_colorbar_steps)
        self._set_colorbar_steps(0)           # no text yet: step 1 only (not pyqtgraph's 0 .. 1)
        self.plot.layout.setColumnFixedWidth(4, 5)

        # token labels: the newest step's on a box over the others (it changes on every key),
        # the older ones in an item that changes only when their choice does (drawn from a
        # pixmap while it stays; at short texts the choice changes with most keys, and then it
        # is drawn directly: see cache_while_still)
        self.labels = PointLabels(theme.foreground_color())
        self.labels.setZValue(20)
        self.plot.addItem(self.labels, ignoreBounds=True)
        box = theme.background_color()
        box.setAlpha(200)  # the labels under it show faintly: something is there
        self.newest_label = PointLabels(theme.foreground_color(), box=box)
        self.newest_label.setZValue(21)
        self.plot.addItem(self.newest_label, ignoreBounds=True)

        self.hint = pg.TextItem(EMPTY_HINT, color=theme.foreground_color(), anchor=(0.5, 0.5))
        self.plot.addItem(self.hint, ignoreBounds=True)

        self.readout_label = TextLine(" ")
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
        bad = _first_non_finite_step(h)
        if bad is not None:
            self._show_overflow(bad)
            return
        points, ratio = pca_2d_with_variance(h)
        self._pca.reset()
        self._refit_timer.stop()
        self.set_points(points, tokens, ratio)

    def update_states(self, h: np.ndarray, tokens: list[str], changed_from: int = 0) -> None:
        """Like :meth:`set_states` for a series whose rows before ``changed_from`` are those of
        the previous call (typing): cheaper, because the PCA is updated incrementally and its
        axes are refitted at most every REFIT_MS while typing (exactly once typing pauses)."""
        h = np.asarray(h)
        if h.ndim != 2:
            raise ValueError(f"h must be a 2-D array (T, H), got shape {h.shape}")
        if len(tokens) != h.shape[0]:
            raise ValueError(f"tokens must have one entry per step: {len(tokens)} for {h.shape[0]} states")
        # rows before changed_from were finite at the last call, unless it showed an overflow
        start = 0 if self._overflowed else max(0, min(int(changed_from), h.shape[0]))
        bad = _first_non_finite_step(h[start:])
        if bad is not None:
            self._show_overflow(start + bad)
            return
        if self._overflowed:  # the PCA was reset: start it again from the first step
            self._overflowed, changed_from = False, 0
        T, prev_T = h.shape[0], len(self._points)
        points, ratio = self._pca.update(h, changed_from, lazy=True)
        if not self._pca.exact and time_extent(T) != self._W:
            points, ratio = self._pca.refit()
        if self._pca.exact:
            self._refit_timer.stop()
            self.set_points(points, tokens, ratio)
        else:
            # the axes did not move: the points before changed_from are where they were
            self._refit_timer.start()
            self._draw_tail(points, tokens, min(int(changed_from), prev_T))

    def _show_overflow(self, step: int) -> None:
        """No trajectory for states that are not finite (an exploding network): say so."""
        self._pca.reset()
        self._refit_timer.stop()
        self.set_points(np.zeros((0, 2)), [])
        self.hint.setText(f"no trajectory:\nh overflowed\n(\u00b1inf or NaN)\nfrom step {theme.shown_step(step)} on")
        self._overflowed = True

    def hint_text(self) -> str:
        """The text shown in place of the trajectory ("type some text", or why it is empty)."""
        return self.hint.toPlainText()

    def is_exact(self) -> bool:
        """False while the points use PCA axes fitted on an earlier, shorter text."""
        return self._pca.exact

    def refit(self) -> None:
        """Refit the PCA axes on every step shown and redraw (done after typing pauses)."""
        self._refit_timer.stop()
        if self._pca.exact or self._pca.points.shape[0] != len(self._tokens):
            return
        points, ratio = self._pca.refit()
        self.set_points(points, self._tokens, ratio)

    def set_points(self, points: np.ndarray, tokens: list[str], ratio: np.ndarray | None = None) -> None:
        """Draw already projected ``points`` (T, 2)."""
        pts = np.asarray(points, dtype=np.float64)
        if pts.ndim != 2 or pts.shape[1] != 2:
            raise ValueError(f"points must be a (T, 2) array, got shape {pts.shape}")
        if len(tokens) != pts.shape[0]:
            raise ValueError(f"tokens must have one entry per point: {len(tokens)} for {pts.shape[0]}")
        self._points = pts.copy()
        self._points_version += 1
        self._tokens = list(tokens)
        self._ratio = np.zeros(2) if ratio is None else np.asarray(ratio, dtype=float)
        T = pts.shape[0]
        self._W = time_extent(T) if T else 0
        self._label_steps = []
        self._draw_path(pts, 0)
        if T == 0:
            self.hint.setText(EMPTY_HINT)
            self._overflowed = False
            self.markers.set_points([], [])
            self.markers_tail.set_points([], [])
            self._marker_key = None
            self.hint.setPos(0, 0)
            self.hint.show()
            self.plot.setLabel("bottom", "PC 1")
            self.plot.setLabel("left", "PC 2")
            self._set_colorbar_steps(0)
            self.plot.getViewBox().setRange(xRange=(-1, 1), yRange=(-1, 1))
            self._place_labels([], pts)
        else:
            self.hint.hide()
            self._draw_markers(pts, 0, full=True)
            self._set_colorbar_steps(self._W)
            pct = [f" ({100 * r:.0f}% of variance)" if r > 0 else "" for r in self._ratio[:2]]
            self._set_axis_label("bottom", "PC 1" + pct[0])
            self._set_axis_label("left", "PC 2" + pct[1])
        self._finish_draw(pts)

    def _draw_tail(self, points: np.ndarray, tokens: list[str], start: int) -> None:
        """Redraw after the points from ``start`` on changed and the earlier ones did not
        (typing at the end): the path, the markers from ``start`` on, the labels. ``start`` is
        at most the number of points drawn before."""
        pts = np.asarray(points, dtype=np.float64)
        T = pts.shape[0]
        if T == 0 or time_extent(T) != self._W:
            self.set_points(points, tokens, self._ratio)
            return
        old_T = len(self._points)
        if start < old_T:
            self._points_version += 1
        self._points = pts.copy()
        self._tokens = list(tokens)
        self._draw_path(pts, start)
        self._draw_markers(pts, start)
        self._finish_draw(pts, start)

    def _finish_draw(self, pts: np.ndarray, start: int = 0) -> None:
        """After drawing ``pts`` (T, 2), whose points before ``start`` did not move: the view
        range, the token labels, the cursor ring."""
        T = pts.shape[0]
        if T:
            self._fit_range(self._extent_of(pts, start))
            self._place_labels(self._choose_label_steps(), pts)
        if self._cursor is not None and self._cursor >= T:
            self._cursor = None
        self.set_cursor(self._cursor)
        self._set_readout("")

    def _draw_markers(self, pts: np.ndarray, start: int, full: bool = False) -> None:
        """Markers at every ``stride``-th step of ``pts`` (T, 2): the steps before the last
        multiple of ``TAIL_CHUNK * stride`` in the kept item, the rest in the tail item. Points
        before ``start`` did not move since the last call (``full``: all may have)."""
        T = pts.shape[0]
        stride = self._marker_stride(T)
        chunk = TAIL_CHUNK * stride
        kept_to = kept_end(T, chunk)
        same_key = (stride, self._W, kept_to) == self._marker_key
        renew = full or not same_key or start < kept_to
        if renew:
            idx = np.arange(0, kept_to, stride)
            self.markers.set_points(pts[idx, 0], pts[idx, 1], self._brushes_for(idx), steps=idx)
            self._marker_key = (stride, self._W, kept_to)
        cache_while_still(self.markers, changed=renew)
        drawn = self.markers_tail.steps() if same_key and not full else np.zeros(0, int)
        # the tail's markers before ``start`` (and below the new T) stay; typing adds one
        keep = int(np.searchsorted(drawn, min(start, T)))
        if keep and keep == drawn.shape[0]:
            idx = np.arange(drawn[-1] + stride, T, stride)
            if idx.size:
                self.markers_tail.add_points(pts[idx, 0], pts[idx, 1], self._brushes_for(idx), steps=idx)
        else:
            idx = np.arange(kept_to, T, stride)
            self.markers_tail.set_points(pts[idx, 0], pts[idx, 1], self._brushes_for(idx), steps=idx)

    def marker_steps(self) -> np.ndarray:
        """The steps that have a marker, in order (both items)."""
        return np.r_[self.markers.steps(), self.markers_tail.steps()].astype(int)

    def marker_brushes(self) -> list[QBrush]:
        """The marker brushes, in the order of :meth:`marker_steps`."""
        return self.markers.brushes() + self.markers_tail.brushes()

    def _draw_path(self, pts: np.ndarray, start: int) -> None:
        """Draw the path through ``pts`` (T, 2), whose points before ``start`` did not move
        since the last call (0: all may have)."""
        T = pts.shape[0]
        frozen_to = kept_end(T, FROZEN_CHUNK)
        recent_to = max(frozen_to, kept_end(T, TAIL_CHUNK))
        aa = T <= LONG_PATH
        pieces = ((self.path_frozen, 0, frozen_to, self._frozen_to),
                  (self.path_recent, frozen_to, recent_to, self._recent_to))
        for item, lo, hi, old_hi in pieces:
            # a piece is redrawn when its end moved or a point in it moved (its aa too: T grew)
            renew = hi != old_hi or start <= hi or (hi > lo and item.opts.get("antialias") != aa)
            if renew:
                if hi > lo:
                    item.setData(pts[lo:hi + 1, 0], pts[lo:hi + 1, 1], antialias=aa, skipFiniteCheck=True)
                else:
                    item.setData([], [])
            cache_while_still(item, changed=renew)
        self._frozen_to, self._recent_to = frozen_to, recent_to
        tail = pts[recent_to:]
        self.path.setData(tail[:, 0], tail[:, 1], antialias=aa, skipFiniteCheck=True)

    def path_points(self) -> np.ndarray:
        """The (T, 2) points the drawn path goes through (all pieces)."""
        parts = []
        for item, n in ((self.path_frozen, self._frozen_to), (self.path_recent, self._recent_to - self._frozen_to)):
            if n > 0:
                x, y = item.getData()
                parts.append(np.c_[x, y][:-1])  # its last point starts the next piece
        x, y = self.path.getData()
        parts.append(np.zeros((0, 2)) if x is None else np.c_[x, y])
        return np.concatenate(parts)

    @staticmethod
    def _marker_stride(T: int) -> int:
        """Every how many steps a marker is drawn: a power of two, <= MAX_MARKERS markers."""
        need = max(1, -(-T // MAX_MARKERS))
        return 1 << (need - 1).bit_length()

    def _brushes_for(self, steps: np.ndarray) -> list[QBrush]:
        """Marker colours of ``steps`` on the colour scale 0 .. W - 1 (stable while typing)."""
        q = np.round(steps * ((_N_COLORS - 1) / max(self._W - 1, 1))).astype(int)
        return [self._brushes[j] for j in q.tolist()]

    def _place_labels(self, steps: list[int], pts: np.ndarray) -> None:
        """Write the token of each step in ``steps`` next to its point (the newest step's in
        :attr:`newest_label`, the others in :attr:`labels`)."""
        steps = list(steps)
        newest = steps[-1:] if steps and steps[-1] == len(pts) - 1 else []
        older = steps[:len(steps) - len(newest)]
        changed_older = self.labels.set_labels(pts[older] if older else np.zeros((0, 2)),
                                               [short_label(self._tokens[i]) for i in older])
        self.newest_label.set_labels(pts[newest] if newest else np.zeros((0, 2)),
                                     [short_label(self._tokens[i]) for i in newest])
        # the older labels stay while typing at the end of a long text (drawn from a pixmap:
        # every key repaints the region around the newest point, which they overlap); on a
        # short text they change on every key
        cache_while_still(self.labels, changed=changed_older)
        self._label_steps = steps

    def label_texts(self) -> list[str]:
        """The labels written, in the order of :meth:`label_steps`."""
        return self.labels.texts() + self.newest_label.texts()

    def label_positions(self) -> np.ndarray:
        """(n, 2) data positions of the labels, in the order of :meth:`label_steps`."""
        return np.r_[self.labels.positions(), self.newest_label.positions()]

    def _set_colorbar_steps(self, W: int) -> None:
        """Colour bar over the time range, the W steps of the time axes (see time_extent),
        labelled at its two ends as read: step 1 and step W (theme.shown_step of the 0-based
        indices 0 and W - 1). With W <= 1 (no text) the bar keeps a range of two steps, which
        a colour bar needs, but only its first end is labelled: step 1, no step 2."""
        if W == self._colorbar_W:
            return
        self._colorbar_W = W
        hi = max(W - 1, 1)
        if self.colorbar.levels() != (0, hi):
            self.colorbar.setLevels((0, hi))
        ends = (0, hi) if W > 1 else (0,)
        self.colorbar.axis.setTicks([[(i, str(theme.shown_step(i))) for i in ends], []])

    def _set_axis_label(self, axis: str, text: str) -> None:
        if self.plot.getAxis(axis).labelText != text:
            self.plot.setLabel(axis, text)

    def _extent_of(self, pts: np.ndarray, start: int) -> tuple[np.ndarray, np.ndarray]:
        """(lo, hi): the corners of the box around ``pts`` (T, 2), kept from the last call for
        the points before ``start`` when those did not move (typing at the end looks only at
        the new points, not at all T)."""
        n, lo, hi = self._extent
        if 0 < n <= start <= pts.shape[0]:
            new = pts[n:]
            if new.shape[0]:
                lo, hi = np.minimum(lo, new.min(axis=0)), np.maximum(hi, new.max(axis=0))
        else:
            lo, hi = pts.min(axis=0), pts.max(axis=0)
        self._extent = (pts.shape[0], lo, hi)
        return lo, hi

    def _fit_range(self, extent: tuple[np.ndarray, np.ndarray], padding: float = 0.12) -> None:
        """Show the box ``extent`` = (lo, hi) around every point. The range only changes when a
        point would leave it or the points fill less than half of it, so typing rarely
        re-generates the axes."""
        lo, hi = extent
        span = np.maximum(hi - lo, 1e-9)
        lo_t, hi_t = lo - padding * span, hi + padding * span
        vb = self.plot.getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        cur_lo, cur_hi = np.array([x0, y0]), np.array([x1, y1])
        inside = np.all(cur_lo <= lo) and np.all(hi <= cur_hi)
        if inside and np.all(cur_hi - cur_lo <= 2.0 * (hi_t - lo_t)):
            return
        vb.setRange(xRange=(lo_t[0], hi_t[0]), yRange=(lo_t[1], hi_t[1]), padding=0)

    def _choose_label_steps(self) -> list[int]:
        """Steps to label: the last step, always, and every ``stride``-th step (a power of two,
        so the candidates stay the same while typing and labels do not jump around), greedily,
        newest first, dropping any label whose estimated on-screen box would overlap one
        already placed. The last step's label does not push the others out: it is drawn on a
        box over them (so that typing leaves the other labels alone)."""
        pts, T = self._points, len(self._points)
        if T == 0:
            return []
        need = max(1, int(np.ceil(T / (4 * MAX_POINT_LABELS))))
        stride = 1 << (need - 1).bit_length()
        last_grid = ((T - 2) // stride) * stride if T > 1 else -1
        cand = list(range(last_grid, -1, -stride))  # newest first: recent tokens matter most
        vb = self.plot.getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        w_px = max(200.0, vb.width() or 0.8 * self.width())
        h_px = max(150.0, vb.height() or 0.8 * self.height())
        # typing at the end moves no labelled point: the older labels stay until a new grid
        # step, a moved point, another view range or size
        key = (last_grid, stride, x0, x1, y0, y1, w_px, h_px, self._points_version, self.font().key())
        if self._older_labels[0] == key:
            return self._older_labels[1] + [T - 1]
        sx, sy = w_px / max(x1 - x0, 1e-12), h_px / max(y1 - y0, 1e-12)
        fm = self.fontMetrics()
        fh = fm.height()
        if self._label_widths_font != key[-1]:
            self._label_widths, self._label_widths_font = {}, key[-1]
        widths = self._label_widths
        tokens = self._tokens
        idx = np.asarray(cand, dtype=np.intp)
        pxs = ((pts[idx, 0] - x0) * sx).tolist()
        pys = ((y1 - pts[idx, 1]) * sy).tolist()
        placed: list[tuple[float, float, float, float]] = []  # (left, top, right, bottom)
        chosen: list[int] = []
        for i, px, py in zip(cand, pxs, pys):
            tok = tokens[i]
            w = widths.get(tok)
            if w is None:
                if len(widths) > 20_000:
                    widths.clear()
                w = widths[tok] = fm.horizontalAdvance(short_label(tok)) + 6
            right, top = px + w, py - fh
            for b in placed:
                if px < b[2] and b[0] < right and top < b[3] and b[1] < py:
                    break
            else:
                placed.append((px, top, right, py))
                chosen.append(i)
                if len(chosen) >= MAX_POINT_LABELS - 1:
                    break
        self._older_labels = (key, sorted(chosen))
        return sorted(chosen) + [T - 1]

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
            self.cursor_marker.hide()
            return
        self._cursor = int(step)
        x, y = self._points[self._cursor]
        self.cursor_marker.setPos(float(x), float(y))
        self.cursor_marker.show()

    def cursor(self) -> int | None:
        return self._cursor

    def cursor_position(self) -> tuple[float, float] | None:
        """Where the ring is drawn (data coordinates), None when hidden."""
        if not self.cursor_marker.isVisible():
            return None
        p = self.cursor_marker.pos()
        return float(p.x()), float(p.y())

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
            self._set_readout(f"token '{theme.visible_token(self._tokens[i])}' \u00b7 step {theme.shown_step(i)} "
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
