"""Heatmap of a per-step, per-unit quantity (hidden state h, cell state c, a gate, ...)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPaintEngine
from PySide6.QtWidgets import QVBoxLayout, QWidget

from rnnviz.ui import theme
from rnnviz.ui.color_bar import ColorBar
from rnnviz.ui.heatmap_canvas import HeatmapCanvas
from rnnviz.ui.text_line import TextLine
from rnnviz.ui.token_axis import TokenAxis, time_extent

KINDS = theme.KINDS

_TOOLTIPS = {
    "diverging": (
        "Each column is one time step (its token is on the bottom axis); each row is one unit.\n"
        "Colour: blue = negative, near-white = 0, red = positive (scale -1..1).\n"
        "Hover to read a value; click a row to select that unit."
    ),
    "sequential": (
        "Each column is one time step (its token is on the bottom axis); each row is one unit.\n"
        "Colour: dark purple = 0 (gate closed) .. yellow = 1 (gate open).\n"
        "Hover to read a value; click a row to select that unit."
    ),
    "free": (
        "Each column is one time step (its token is on the bottom axis); each row is one unit.\n"
        "Colour: dark purple = smallest value shown .. yellow = largest (see the colour bar).\n"
        "Hover to read a value; click a row to select that unit."
    ),
    "symmetric": (
        "Each column is one time step (its token is on the bottom axis); each row is one unit.\n"
        "Colour: blue = negative, near-white = 0, red = positive, on a scale \u00b1L that fits the\n"
        "values (see the colour bar; the largest 5% are drawn at full colour).\n"
        "Hover to read a value; click a row to select that unit."
    ),
}
EMPTY_HINT = "type some text"
#: unit numbers the unit axis always has room for (models of up to 1,000 units): the heatmaps
#: of a column then start at the same x whatever their number of units or labels drawn
UNIT_LABEL_RESERVE = "000"
#: colour of a NaN cell: mid grey, which neither colour map uses (transparent showed the plot's
#: white, the diverging map's 0)
NAN_ARGB = np.uint32(0xFF808080)
#: length of the time axis' tick marks, below the data area
TICK_PX = 4


class ColumnImageItem(pg.ImageItem):
    """An ImageItem for a (H, T) image that changes column-wise (time steps), drawn at screen
    resolution with a cost that grows with the changed columns, not with T.

    :meth:`set_columns` copies only the changed columns into a growable time-major (T, H)
    buffer (the engine's layout, so the copy is contiguous: an edit at the start of 1,000
    steps of 128 units copies in 25 us instead of 370 us transposed); ``image`` is a (H, T)
    view of it (what ``ImageItem.image`` always was). Painting averages blocks of
    ``b`` columns (``b`` a power of two, about one block per screen pixel, like pyqtgraph's
    auto-downsampling), keeps the coloured blocks in an ARGB buffer and recolours only the
    blocks at or after the first changed column: typing at the end of a 5,000-step text
    recolours one block. Levels and the lookup table come from the ColorBarItem as for any
    ImageItem; changing either recolours everything once.

    The item's extent (:meth:`set_extent`, in columns) may be wider than the data: the
    heatmap reserves room for the text to grow, so that adding a column changes neither the
    item's geometry nor the view range and only the changed columns are marked for repainting.
    """

    #: the HeatmapCanvas that draws this item on screen (None: the scene does)
    canvas = None

    def __init__(self) -> None:
        super().__init__(axisOrder="row-major")
        self._buf = np.zeros((64, 0))  # (capacity, H): step t is row t
        self._T = 0
        self._extent = 0           # width of the bounding rect in columns (>= T)
        self._dirty_from = 0       # first column whose block must be recoloured
        self._block = 1            # columns per coloured block
        self._argb = np.zeros((0, 0), np.uint32)   # coloured blocks, one ARGB32 pixel each
        self._qimage: QImage | None = None
        self._color_key = None
        self._scratch_arrays: tuple[np.ndarray, np.ndarray] | None = None  # see _scratch

    def update(self, rect=None) -> None:  # noqa: D102 - QGraphicsItem.update, sent to the canvas
        if self.canvas is not None:
            self.canvas.update_data_rect(rect)
        elif rect is None:
            super().update()
        else:
            super().update(rect)

    def set_columns(self, values: np.ndarray, changed_from: int = 0) -> None:
        """Show ``values`` (T, H) transposed; columns before ``changed_from`` are unchanged
        since the previous call."""
        T, H = values.shape
        if self._xp is None:
            self._xp = np
            if self._defferedLevels is not None:
                self.levels, self._defferedLevels = np.asarray(self._defferedLevels), None
        # keep the engine's float type (float32 halves the copying); ints become float64
        dtype = values.dtype if values.dtype.kind == "f" else np.dtype(np.float64)
        if H != self._buf.shape[1] or self.image is None or dtype != self._buf.dtype:
            self._buf = np.zeros((max(64, T), H), dtype)
            changed_from = 0
        start = max(0, min(int(changed_from), self._T, T))
        if T > self._buf.shape[0]:
            grown = np.zeros((max(T, 2 * self._buf.shape[0]), H), dtype)
            grown[:start] = self._buf[:start]
            self._buf = grown
        if T > start:
            self._buf[start:T] = values[start:]
        old_T = self._T
        resized = (self.image is None or H != self.image.shape[0]
                   or max(T, self._extent) != max(old_T, self._extent))
        if resized:
            self.prepareGeometryChange()
        self._T = T
        self.image = self._buf[:T].T
        self._imageHasNans = None
        self._dirty_from = min(self._dirty_from, start)
        if resized:
            self.informViewBoundsChanged()
            self.update()
        else:
            # only the changed columns (whole colour blocks), and those a shorter text uncovers
            b = max(1, self._block)
            x0 = (min(start, old_T) // b) * b
            x1 = -(-max(T, old_T) // b) * b
            if x1 > x0:
                self.update(QRectF(x0, 0, x1 - x0, H))

    def set_extent(self, columns: int) -> None:
        """Reserve ``columns`` for the bounding rect (at least the data's T); see the class doc."""
        columns = max(int(columns), 0)
        if columns == self._extent:
            return
        if max(columns, self._T) != max(self._extent, self._T):
            self.prepareGeometryChange()
            self._extent = columns
            self.informViewBoundsChanged()
            self.update()
        else:
            self._extent = columns

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        if self.image is None:
            return QRectF(0.0, 0.0, 0.0, 0.0)
        return QRectF(0.0, 0.0, float(max(self._extent, self._T)), float(self.image.shape[0]))

    def clear(self) -> None:
        self._T = 0
        self._extent = 0
        self._dirty_from = 0
        super().clear()

    def setImage(self, image=None, autoLevels=None, **kargs):  # noqa: N802 (pyqtgraph API)
        if image is not None:
            image = np.asarray(image)
            if image.ndim == 2 and not kargs.get("rect"):
                # a (H, T) image given the usual way
                self.set_columns(image.T)
                levels = kargs.get("levels")
                if levels is not None:
                    self.setLevels(levels, update=False)
                return
            self._T, self._dirty_from = 0, 0
        super().setImage(image, autoLevels=autoLevels, **kargs)

    def render(self) -> None:  # noqa: D102 - painting is done in paint()
        self._renderRequired = False
        self._unrenderable = self.image is None or self.image.size == 0

    @staticmethod
    def _block_for(transform) -> int:
        """Columns per coloured block for an item-to-device ``transform`` (the painter's):
        the largest power of two <= 1 / (device pixels per column), at least 1."""
        px = abs(transform.m11()) + abs(transform.m12())
        if px <= 0 or px >= 1:
            return 1
        b = int(1.0 / px)
        return 1 << (b.bit_length() - 1)

    def _lut(self):
        lut = self.lut
        if callable(lut):
            lut = lut(self.image, 256)
        return lut

    def _packed_lut(self, lut) -> np.ndarray:
        """The lookup table as uint32 premultiplied ARGB pixels (Format_ARGB32_Premultiplied:
        the backing store's own format, so drawing needs no conversion of the whole image)."""
        if lut is None:
            lut = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)
        lut = np.asarray(lut)
        if lut.dtype != np.uint8:
            lut = np.clip(lut, 0, 255).astype(np.uint8)
        a = lut[:, 3].astype(np.uint32) if lut.shape[1] > 3 else np.full(lut.shape[0], 255, np.uint32)
        rgb = [(lut[:, k].astype(np.uint32) * a + 127) // 255 for k in range(3)]
        return (a << 24) | (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]

    @np.errstate(over="ignore", invalid="ignore")  # inf / NaN of an exploding network
    def _recolour(self, transform) -> None:
        T, H = self._T, self._buf.shape[1]
        b = self._block_for(transform)
        lut = self._lut()
        lv = self.levels
        if lv is None:
            lo, hi = 0.0, 1.0
        else:
            lo, hi = float(lv[0]), float(lv[1])
        key = (b, lo, hi, id(lut), H)
        if key != self._color_key:
            self._color_key, self._dirty_from, self._block = key, 0, b
            self._lut32 = self._packed_lut(lut)
        n_blocks = -(-T // b)
        if self._dirty_from >= T and self._argb.shape[1] >= n_blocks and self._qimage is not None:
            return
        j0 = min(self._dirty_from, T) // b
        if n_blocks > self._argb.shape[1] or self._argb.shape[0] != H:
            grown = np.zeros((H, max(n_blocks, 2 * self._argb.shape[1], 64)), np.uint32)
            if self._argb.shape[0] == H:
                grown[:, :j0] = self._argb[:, :j0]
            self._argb = grown
            self._qimage = None
        rows = self._buf[j0 * b:T]  # (steps, H)
        if b == 1:
            means = rows
        else:
            nf = rows.shape[0] // b
            means = np.empty((n_blocks - j0, H), rows.dtype)
            if nf:
                # b strided adds: much faster than reshape(nf, b, H).mean(axis=1) for small b
                full = means[:nf]
                np.copyto(full, rows[0:nf * b:b])
                for k in range(1, b):
                    full += rows[k:nf * b:b]
                full *= 1.0 / b
            if nf < n_blocks - j0:
                means[nf] = rows[nf * b:].mean(axis=0)
        if means.size:
            # the same mapping as pyqtgraph's makeARGB: index = (v - lo) * n / (hi - lo), in
            # scratch arrays kept between calls (fresh half-megabyte temporaries cost their page
            # faults: about half of the time of recolouring 1,000 x 128 cells)
            lut32 = self._lut32
            n = lut32.shape[0]
            scale = n / (hi - lo) if hi != lo else 0.0
            t, idx = self._scratch(means.shape, means.dtype, np.uint8 if n <= 256 else np.intp)
            np.subtract(means, lo, out=t)
            t *= scale
            finite = np.isfinite(t.sum())
            if not finite:  # an overflowing network: ±inf at the end of the scale it passed
                nan = np.isnan(t)
                t[nan] = 0.0
            np.clip(t, 0, n - 1, out=t)
            np.copyto(idx, t, casting="unsafe")
            out = self._argb[:, j0:n_blocks]
            # gathered through the transposed indices straight into the (H, blocks) pixels;
            # the indices are in range (clipped above)
            np.take(lut32, idx.T, out=out, mode="clip")
            if not finite:
                out[nan.T] = NAN_ARGB
        if self._qimage is None:
            a = self._argb
            self._qimage = QImage(a.data, a.shape[1], a.shape[0], a.strides[0], QImage.Format.Format_ARGB32_Premultiplied)
        self._dirty_from = T

    def _scratch(self, shape, dtype, index_dtype):
        """(values, indices) scratch arrays of ``shape`` for :meth:`_recolour`, grown as needed."""
        size = shape[0] * shape[1]
        held = self._scratch_arrays
        if held is None or held[0].size < size or held[0].dtype != dtype or held[1].dtype != index_dtype:
            held = self._scratch_arrays = (np.empty(size, dtype), np.empty(size, index_dtype))
        return held[0][:size].reshape(shape), held[1][:size].reshape(shape)

    def paint(self, painter, option=None, widget=None) -> None:
        if widget is not None and self.canvas is not None:
            return  # on screen, the canvas over the data area draws the cells
        self.draw(painter)
        if self.canvas is not None:  # an export: the cursor and outline too, as on screen
            self.canvas.paint_marks(painter)

    def draw(self, painter) -> None:
        """Draw the cells with ``painter``, whose transform maps item coordinates to device
        pixels.

        The whole image every time: on screen the painter's clip (the region being repainted,
        a strip a few pixels wide when typing) limits the work as well as choosing the exposed
        blocks did, and an export gets every cell.
        """
        if self.image is None or self._T == 0 or self.image.shape[0] == 0:
            return
        self._recolour(painter.transform())
        T, H, b = self._T, self._buf.shape[1], self._block
        nf, rem = T // b, T % b
        painter.setRenderHint(painter.RenderHint.SmoothPixmapTransform, False)
        raster = painter.paintEngine().type() == QPaintEngine.Type.Raster
        for x0, cols, width in ((0, nf, nf * b), (nf, 1 if rem else 0, rem)):
            if not cols:
                continue
            if raster:
                painter.drawImage(QRectF(x0 * b, 0, width, H), self._qimage, QRectF(x0, 0, cols, H))
            else:  # (an SVG export would embed the whole buffer, squeezed into the rectangle)
                painter.drawImage(QRectF(x0 * b, 0, width, H), self._qimage.copy(x0, 0, cols, H))


class HeatmapView(QWidget):
    """Units x time-steps heatmap with token labels, colour bar, time cursor and hover readout.

    ``set_data(values (T, H), tokens, kind)``: the image shows ``values.T`` (rows = units,
    columns = time steps); pixel (u, t) covers x in [t, t+1), y in [u, u+1); unit 0 is on top.
    """

    hovered = Signal(int, int, float)  # step, unit, value
    step_hovered = Signal(int)
    unit_clicked = Signal(int)

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme.configure_pyqtgraph()
        self._tokens: list[str] = []
        self._kind = "diverging"
        self._cursor: int | None = None
        self._selected: int | None = None
        self._readout = ""

        self._time_axis = TokenAxis("bottom", offset=0.5)
        self._unit_axis = TokenAxis("left", offset=0.5)
        # a label space of its own (below), not one following the labels drawn last
        self._unit_axis.setStyle(autoExpandTextSpace=False)
        # the canvas paints the whole data area, where pyqtgraph's default inward ticks would
        # be hidden: the time axis' ticks point down to their labels; the unit axis has its
        # numbers only (outward ticks would take width from the cells)
        self._time_axis.setStyle(tickLength=TICK_PX)
        self._unit_axis.setStyle(tickLength=0)
        self.plot_widget = theme.plot_widget(axisItems={"bottom": self._time_axis, "left": self._unit_axis})
        theme.configure_view(self.plot_widget, partial=True)
        self.plot_widget.setMinimumSize(240, 160)
        self.plot = self.plot_widget.getPlotItem()
        theme.shrinkable_title(self.plot)
        self.plot.setLabel("bottom", "token (time step)")
        self.plot.setLabel("left", "unit")
        self.plot.invertY(True)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.getViewBox().setDefaultPadding(0.0)

        self.image = ColumnImageItem()
        self.plot.addItem(self.image)
        self.colorbar = ColorBar(values=theme.levels_for("diverging"), colorMap=theme.diverging_map(), width=14)
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        theme.cache_plot_axes(self.plot)
        theme.cache_axes(self.colorbar.axis)

        # the cells, the time cursor (a magenta line over a wider band in the background colour,
        # visible on dark and light cells alike) and the selected unit's outline (no fill, so
        # the row's colours stay readable) are painted by a widget over the data area
        self.canvas = HeatmapCanvas(self.plot_widget, self.image)
        self.image.canvas = self.canvas
        self.cursor_line = self.canvas.cursor
        self.unit_band = self.canvas.band

        self.hint = pg.TextItem(EMPTY_HINT, color=theme.foreground_color(), anchor=(0.5, 0.5))
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
        scene.sigMouseClicked.connect(self._on_scene_click)

        self._title = None
        self._shown_kind = None
        self._shown_levels = None
        self._shown_shape = None
        self.set_title(title)
        self.set_data(np.zeros((0, 0)), [], "diverging")

    # -- data -------------------------------------------------------------------------------
    def set_title(self, title: str | None) -> None:
        """Title shown above the plot."""
        title = title or ""
        if title == self._title:
            return  # setTitle re-lays out the plot
        self._title = title
        self.plot.setTitle(self._title or None)

    def title(self) -> str:
        return self._title

    def set_data(self, values: np.ndarray, tokens: list[str], kind: str = "diverging",
                 title: str | None = None, changed_from: int | None = None) -> None:
        """Show ``values`` (T, H) for the given ``tokens`` (length T).

        ``kind``: "diverging" (levels -1..1, centred on 0; for h), "symmetric" (levels
        -L..L fitted to the values, see :func:`theme.symmetric_bound`; for c), "sequential"
        (levels 0..1; for gates) or "free" (levels = data range). ``changed_from``: the
        first time step that differs from the previous call (values and tokens); steps
        before it are not copied again (typing at the end costs O(new steps)). None: all.
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        values = np.asarray(values)
        if values.ndim != 2:
            raise ValueError(f"values must be a 2-D array (T, H), got shape {values.shape}")
        if len(tokens) != values.shape[0]:
            raise ValueError(
                f"tokens must have one entry per time step: got {len(tokens)} tokens for "
                f"values of shape {values.shape}")
        if title is not None:
            self.set_title(title)
        T, H = values.shape
        keep = 0 if changed_from is None or kind != self._kind else max(0, int(changed_from))
        self._tokens = tokens if isinstance(tokens, list) else list(tokens)
        self._kind = kind
        levels = theme.levels_for(kind, values)
        if kind != self._shown_kind:
            self.colorbar.setColorMap(theme.colormap_for(kind))
            self.setToolTip(_TOOLTIPS[kind])
            self.plot_widget.setToolTip(_TOOLTIPS[kind])
        if kind != self._shown_kind or levels != self._shown_levels:
            self.colorbar.setLevels(levels)
        self._shown_kind, self._shown_levels = kind, levels
        self._time_axis.set_tokens(self._tokens, keep)
        self._unit_axis.set_count(H, reserve=UNIT_LABEL_RESERVE)
        vb = self.plot.getViewBox()
        if T == 0 or H == 0:
            self._empty = np.zeros((H, T))
            self.image.clear()
            self.image.setRect(0, 0, 1, 1)
            vb.setLimits(xMin=None, xMax=None, yMin=None, yMax=None)
            vb.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
            self.hint.setPos(0.5, 0.5)
            self.hint.show()
            self.canvas.hide()
            self._shown_shape = None
        else:
            self._empty = None
            self.hint.hide()
            if not self.canvas.isVisible():
                self.canvas.show()
                self.canvas.place()
            if not self.image.transform().isIdentity():
                self.image.resetTransform()
            W = time_extent(T)
            self.image.set_extent(W)
            self.image.set_columns(values, keep)
            if self._shown_shape != (W, H):
                vb.setLimits(xMin=0, xMax=W, yMin=0, yMax=H, minXRange=1, minYRange=min(H, 1))
                vb.setRange(xRange=(0, W), yRange=(0, H), padding=0)
                self._shown_shape = (W, H)
        if self._selected is not None and self._selected >= H:
            self._selected = None
        self.set_selected_unit(self._selected)
        if self._cursor is not None and self._cursor >= T:
            self._cursor = None
        self.set_cursor(self._cursor)
        self._set_readout("")

    def set_time_labels(self, show: bool) -> None:
        """Show or hide the token axis under the heatmap (hidden when another heatmap below
        shows the same time steps)."""
        left, top, right, _ = self.plot.layout.getContentsMargins()
        if show:
            self.plot.showAxis("bottom")
            bottom = 1
        else:
            self.plot.hideAxis("bottom")
            bottom = 8  # room for the colour bar's lowest label
        self.plot.layout.setContentsMargins(left, top, right, bottom)

    def time_labels_shown(self) -> bool:
        return self.plot.getAxis("bottom").isVisible()

    def image_data(self) -> np.ndarray:
        """The (H, T) array the ImageItem displays (rows = units, columns = time steps)."""
        if self.image.image is None:
            return self._empty if self._empty is not None else np.zeros((0, 0))
        return self.image.image

    def tokens(self) -> list[str]:
        return list(self._tokens)

    def kind(self) -> str:
        return self._kind

    def levels(self) -> tuple[float, float]:
        """Current colour levels (low, high)."""
        lo, hi = self.colorbar.levels()
        return float(lo), float(hi)

    def shape(self) -> tuple[int, int]:
        """(T, H) of the data shown."""
        h, t = self.image_data().shape
        return t, h

    def hint_text(self) -> str:
        """The empty-state hint when visible, else ''."""
        return self.hint.toPlainText() if self.hint.isVisible() else ""

    def time_ticks(self) -> list[tuple[float, str]]:
        """(position, label) of the time-axis ticks for the current view range and width."""
        vb = self.plot.getViewBox()
        (x0, x1), _ = vb.viewRange()
        width = max(1.0, float(self._time_axis.geometry().width() or self.plot_widget.width()))
        _, pos = self._time_axis.token_ticks(x0, x1, width)
        return list(zip(pos, self._time_axis.tickStrings(pos, 1.0, 1.0)))

    # -- cursor and selection ---------------------------------------------------------------
    def set_cursor(self, step: int | None) -> None:
        """Draw the time cursor at ``step`` (None hides it)."""
        T = self.shape()[0]
        if step is None or T == 0 or not (0 <= int(step) < T):
            self._cursor = None
            self.cursor_line.set_value(None)
            return
        self._cursor = int(step)
        self.cursor_line.set_value(self._cursor + 0.5)

    def cursor(self) -> int | None:
        return self._cursor

    def set_selected_unit(self, unit: int | None) -> None:
        """Highlight row ``unit`` with a band (None removes it)."""
        H = self.shape()[1]
        if unit is None or not (0 <= int(unit) < H):
            self._selected = None
            self.unit_band.set_row(None)
            return
        self._selected = int(unit)
        self.unit_band.set_row(self._selected, self.shape()[0])

    def selected_unit(self) -> int | None:
        return self._selected

    # -- hover and click ----------------------------------------------------------------------
    def cell_at_scene(self, pos: QPointF) -> tuple[int, int] | None:
        """(step, unit) under scene position ``pos``, or None outside the image."""
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(pos):
            return None
        p = vb.mapSceneToView(pos)
        T, H = self.shape()
        x, y = p.x(), p.y()
        if not (0 <= x < T and 0 <= y < H):
            return None
        return int(x), int(y)

    def scene_pos_of(self, step: int, unit: int) -> QPointF:
        """Scene position of the centre of cell (step, unit) (helper for tests and tours)."""
        return self.plot.getViewBox().mapViewToScene(QPointF(step + 0.5, unit + 0.5))

    def hover_at_scene(self, pos) -> None:
        """Slot for the scene's sigMouseMoved: update the readout and emit the hover signals."""
        cell = self.cell_at_scene(QPointF(pos))
        if cell is None:
            return
        self.hover_cell(*cell)

    def hover_cell(self, step: int, unit: int) -> None:
        """Show the readout for (step, unit) and emit ``hovered`` and ``step_hovered``."""
        data = self.image_data()
        value = float(data[unit, step])
        tok = theme.visible_token(self._tokens[step]) if step < len(self._tokens) else "?"
        fmt = "{:+.3f}" if self._kind != "free" else "{:.4g}"
        self._set_readout(f"token '{tok}' \u00b7 step {theme.shown_step(step)} \u00b7 unit {unit} \u00b7 value {fmt.format(value)}")
        self.hovered.emit(step, unit, value)
        self.step_hovered.emit(step)

    def readout_text(self) -> str:
        """The hover readout ("token 'x' · step t · unit u · value v"), '' before any hover."""
        return self._readout

    def _set_readout(self, text: str) -> None:
        if text == self._readout and self.readout_label.text() != " ":
            return
        self._readout = text
        self.readout_label.setText(text or "hover over the heatmap to read a value")

    def _on_scene_click(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        cell = self.cell_at_scene(ev.scenePos())
        if cell is None:
            return
        self.click_unit(cell[1])

    def click_unit(self, unit: int) -> None:
        """Select ``unit`` and emit ``unit_clicked`` (what a left click on its row does)."""
        self.set_selected_unit(unit)
        self.unit_clicked.emit(int(unit))
