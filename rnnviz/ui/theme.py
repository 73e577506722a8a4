"""Shared look of rnnviz plots: pyqtgraph options, colour maps, light/dark awareness.

Call :func:`configure_pyqtgraph` once after the ``QApplication`` exists (the widgets call it
themselves too; it is idempotent).  Colour maps are colour-blind safe:

* diverging (h; values -1..1, centred on 0): CET-D1A (blue - grey/white - red);
* symmetric (an LSTM's cell state c, unbounded): the same map on -L..L fitted to the values;
* sequential (gates; values 0..1): viridis.
"""
from __future__ import annotations

import functools
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

DIVERGING_NAME = "CET-D1A"
SEQUENTIAL_NAME = "viridis"

#: colour levels used per kind of data
LEVELS = {"diverging": (-1.0, 1.0), "sequential": (0.0, 1.0)}

_configured_for: tuple[str, str] | None = None


def is_dark() -> bool:
    """True when the application's palette has a dark window colour (dark system theme)."""
    app = QApplication.instance()
    if app is None:
        return False
    window = app.palette().color(QPalette.ColorRole.Window)
    return window.lightnessF() < 0.5


def background_color() -> QColor:
    """Plot background following the application palette (Base role)."""
    app = QApplication.instance()
    if app is None:
        return QColor("white")
    return QColor(app.palette().color(QPalette.ColorRole.Base))


def foreground_color() -> QColor:
    """Plot foreground (axes, text) following the application palette (Text role)."""
    app = QApplication.instance()
    if app is None:
        return QColor("black")
    return QColor(app.palette().color(QPalette.ColorRole.Text))


def accent_color() -> QColor:
    """Colour of cursors and highlights (magenta: distinct from the blue/red diverging map,
    from viridis and from the first Okabe-Ito line colours); lighter on a dark palette."""
    return QColor(255, 110, 230) if is_dark() else QColor(200, 0, 160)


def palette_colours() -> dict[str, QColor]:
    """The plot colours of the current palette by role: "fg", "bg", "accent"."""
    return {"fg": foreground_color(), "bg": background_color(), "accent": accent_color()}


def swap_colour(colour: QColor | None, old: dict[str, QColor], new: dict[str, QColor]) -> QColor | None:
    """After a palette change: ``colour`` in the new palette if it is one of ``old``'s role
    colours (its transparency kept), else ``colour`` itself (a data colour)."""
    if colour is None:
        return None
    for role, was in old.items():
        if colour.rgb() == was.rgb():  # (rgb() ignores alpha)
            out = QColor(new[role])
            out.setAlpha(colour.alpha())
            return out
    return colour


def configure_pyqtgraph() -> None:
    """Set global pyqtgraph options: row-major images, antialiasing, palette-driven colours."""
    global _configured_for
    bg, fg = background_color(), foreground_color()
    key = (bg.name(), fg.name())
    if _configured_for == key:
        return
    pg.setConfigOptions(imageAxisOrder="row-major", antialias=True, background=bg, foreground=fg)
    _configured_for = key


def opaque(color, alpha: int):
    """``color`` at opacity ``alpha`` (0-255) over the plot background, as an opaque QColor:
    looks the same as the translucent colour, but Qt's raster engine draws an opaque line or
    path without blending (blended fills over ~96 pixel rows go through Qt's thread pool)."""
    fg, bg, a = QColor(color), QColor(background_color()), max(0, min(255, int(alpha))) / 255.0
    return QColor(*(round(a * f + (1 - a) * b) for f, b in
                    ((fg.red(), bg.red()), (fg.green(), bg.green()), (fg.blue(), bg.blue()))))


def plot_widget(**kwargs):
    """A ``pg.PlotWidget`` without pyqtgraph's right-click view menu (our views disable it
    anyway; building it costs ~3 ms a plot at startup)."""
    import pyqtgraph as pg

    return pg.PlotWidget(viewBox=pg.ViewBox(enableMenu=False), **kwargs)


def shrinkable_title(plot) -> None:
    """Let ``plot`` (a pyqtgraph PlotItem) be narrower than its title.

    pyqtgraph gives a title label its text's width as a minimum, so a long title in a narrow
    cell (a training view next to the lessons panel, a heatmap in compare mode) makes the plot
    wider than its widget, which then shows only its left part. With this, the plot fits its
    widget and only the title's ends are cut.
    """
    label = plot.titleLabel
    keep_min = label.updateMin

    def update_min() -> None:
        keep_min()
        height = label.minimumHeight()
        label.setMinimumWidth(0)
        label._sizeHint[Qt.SizeHint.MinimumSize] = (0, height)
        label.updateGeometry()

    label.updateMin = update_min
    update_min()
    # The layout holding the plot measured it with the title's width as its minimum when it
    # was added (pyqtgraph sets the title first); the label's updateGeometry above reaches only
    # the plot's own layout, so without this the plot was laid out that much wider than its
    # widget at its first show, its right edge (legend too) cut off until the next resize.
    plot.updateGeometry()


def configure_view(view, partial: bool = False) -> None:
    """Settings for a pyqtgraph GraphicsView that repaints on every keystroke.

    Default: full-viewport updates, for plots whose paths change as a whole with each key:
    Qt's minimal-region updates clip every path against a region of many small rectangles,
    which made a 5,000-point path take ~100 ms instead of ~3 ms to paint.
    ``partial=True`` (heatmaps, where a key changes one column and moves the cursor next to
    it; the unit line and the trajectory, whose older steps are kept pieces so a key changes
    only the newest): repaint only the bounding rectangle of what changed.
    """
    from PySide6.QtWidgets import QGraphicsView

    mode = QGraphicsView.ViewportUpdateMode
    view.setViewportUpdateMode(mode.BoundingRectViewportUpdate if partial else mode.FullViewportUpdate)


def cache_axes(*axes) -> None:
    """Keep each pyqtgraph AxisItem (and its label) as a pixmap between changes.

    Replaying an axis' QPicture redraws every tick label (~0.4 ms an axis, ~45 axes per
    keystroke); a cached axis is one pixmap blit, and pyqtgraph's ``update()`` after a range
    or tick change invalidates the cache as usual. Also turns off automatic SI prefixes.
    (Token time axes then turn their cache off while relabelled on every key: see
    :func:`rnnviz.ui.item_cache.cache_while_still`.)
    """
    from PySide6.QtWidgets import QGraphicsItem

    mode = QGraphicsItem.CacheMode.DeviceCoordinateCache
    for axis in axes:
        axis.setCacheMode(mode)
        # no SI prefixes on these axes (steps, units, probabilities); with them on, every range
        # change re-renders the axis title's HTML (~15 times a keystroke)
        axis.enableAutoSIPrefix(False)
        label = getattr(axis, "label", None)
        if label is not None:
            label.setCacheMode(mode)


def cache_plot_axes(plot) -> None:
    """:func:`cache_axes` for the four axes of a PlotItem."""
    cache_axes(*(plot.getAxis(name) for name in ("left", "bottom", "right", "top")))


def diverging_map() -> pg.ColorMap:
    """Colour-blind-safe diverging map (blue = negative, neutral = 0, red = positive)."""
    return pg.colormap.get(DIVERGING_NAME)


def sequential_map() -> pg.ColorMap:
    """Colour-blind-safe sequential map (dark purple = 0 .. yellow = 1)."""
    return pg.colormap.get(SEQUENTIAL_NAME)


KINDS = ("diverging", "sequential", "free", "symmetric")
#: the symmetric scale's bound: the 95th percentile of |value| rounded up to 1, 2, 5, 10, 20, ...
#: (a new extreme moves it only across a step of this ladder, so typing rarely recolours all)
SYMMETRIC_QUANTILE = 95.0
_SYMMETRIC_SAMPLE_STEPS = 64


def colormap_for(kind: str) -> pg.ColorMap:
    """The map for a data kind: "diverging" and "symmetric" share the diverging map, "sequential"
    and "free" the sequential one."""
    if kind in ("diverging", "symmetric"):
        return diverging_map()
    if kind in ("sequential", "free"):
        return sequential_map()
    raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")


def nice_ceiling(x: float) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50, ... (and 0.1, 0.2, 0.5, ...) that is >= ``x`` > 0."""
    exp = math.floor(math.log10(x))
    for m in (1.0, 2.0, 5.0, 10.0):
        v = m * 10.0 ** exp
        if v >= x * (1 - 1e-12):
            return v
    return 10.0 ** (exp + 1)


def symmetric_bound(values: np.ndarray | None) -> float:
    """The bound L of the "symmetric" levels (-L, L) of ``values`` (T, H) or (n,): at least 1,
    else the :data:`SYMMETRIC_QUANTILE` percentile (nearest rank) of |finite values| rounded up
    by :func:`nice_ceiling`, on at most 64 time steps (a fraction of a millisecond per keystroke
    for any text length).

    The steps are 0, s, 2s, ... with s the smallest power of two that leaves at most 64: they
    stay put while a text grows (a new one every s tokens), so typing at the end does not make
    the scale jump between two nice values on every key (evenly spaced steps over the whole
    text moved with each token: the cell-state heatmap flickered between ±10 and ±20, recoloured
    entirely each time)."""
    if values is None or values.size == 0:
        return 1.0
    v = np.asarray(values)
    if v.ndim == 2 and v.shape[0] > _SYMMETRIC_SAMPLE_STEPS:
        v = v[::symmetric_sample_stride(v.shape[0])]
    a = np.abs(v).ravel()
    finite = np.isfinite(a)
    if not finite.all():
        a = a[finite]
    if a.size == 0:
        return 1.0
    k = min(a.size - 1, int(math.ceil(SYMMETRIC_QUANTILE / 100.0 * a.size)) - 1)
    return nice_ceiling(max(1.0, float(np.partition(a, k)[k])))


def symmetric_sample_stride(steps: int) -> int:
    """The stride s of the steps :func:`symmetric_bound` reads from ``steps`` time steps."""
    stride = 1
    while -(-int(steps) // stride) > _SYMMETRIC_SAMPLE_STEPS:
        stride *= 2
    return stride


def levels_for(kind: str, values: np.ndarray | None = None) -> tuple[float, float]:
    """Colour levels: fixed for diverging (-1..1) and sequential (0..1); data range for free;
    (-L, L) with L from :func:`symmetric_bound` for symmetric (an LSTM's cell state c)."""
    if kind in LEVELS:
        return LEVELS[kind]
    if kind == "symmetric":
        bound = symmetric_bound(values)
        return (-bound, bound)
    if kind != "free":
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if values is None or values.size == 0:
        return (0.0, 1.0)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return (0.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    if hi <= lo:
        hi = lo + 1.0
    return (lo, hi)


def value_color(value: float, kind: str, levels: tuple[float, float] | None = None) -> QColor:
    """The QColor the map of ``kind`` gives ``value`` (clipped to the levels; NaN is grey)."""
    return value_colors(np.array([value], dtype=np.float64), kind, levels)[0]


def value_rgba(values: np.ndarray, kind: str, levels: tuple[float, float] | None = None) -> np.ndarray:
    """(n, 4) uint8 RGBA of the map of ``kind`` for a 1-D array (non-finite values are grey)."""
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    lo, hi = levels if levels is not None else levels_for(kind, v)
    t = (v - lo) / (hi - lo) if hi > lo else np.full_like(v, 0.5)
    finite = np.isfinite(t)
    rgba = np.asarray(colormap_for(kind).map(np.clip(np.where(finite, t, 0.0), 0.0, 1.0), mode="byte"),
                      dtype=np.uint8).reshape(-1, 4).copy()
    rgba[~finite] = (128, 128, 128, 255)
    return rgba


def value_colors(values: np.ndarray, kind: str, levels: tuple[float, float] | None = None) -> list[QColor]:
    """Vectorised :func:`value_color` for a 1-D array (non-finite values are grey)."""
    return [QColor(r, g, b, a) for r, g, b, a in value_rgba(values, kind, levels).tolist()]


@functools.lru_cache(maxsize=1 << 16)
def visible_token(tok: str) -> str:
    """Make whitespace visible: space -> '␣', newline -> '⏎', tab -> '⇥'.

    Remembered per token: an edit at the start of a 1,000-token text shows every token anew
    (four str.replace calls each, ~1 ms a key; a dictionary hit is a tenth of that)."""
    return tok.replace(" ", "\u2423").replace("\n", "\u23ce").replace("\t", "\u21e5").replace("\r", "")


def shown_step(index: int) -> int:
    """The number a person reads for the time step at 0-based ``index``: t = 1 .. T, as in the
    textbook's h_t = tanh(W_hh h_(t-1) + W_ih x_t + b), the Training tab's ||dL/dh_t|| plots and
    the exported CSV files (units stay 0-based indices, as in the weight matrices)."""
    return int(index) + 1
