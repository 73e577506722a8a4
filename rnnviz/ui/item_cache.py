"""Pixmap caching of graphics items whose content changes on some keystrokes and not others."""
from __future__ import annotations

from PySide6.QtWidgets import QGraphicsItem

_CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache
_UNCACHED = QGraphicsItem.CacheMode.NoCache


def cache_while_still(item: QGraphicsItem, changed: bool) -> None:
    """Draw ``item`` from a device-pixel cache unless its content changes on every update.

    Call after each update of the view with ``changed``: whether the item got new content.
    A cache pays off on the repaints that follow without a change (typing at the end repaints
    the trajectory's older path and markers on every key, each from one pixmap blit). A
    change makes Qt redraw the item into a fresh pixmap the size of its on-screen rectangle
    and blit that, about three times the cost of drawing it directly; an edit at the start
    of the text changes these items on every key. So the cache is dropped on the second
    change in a row and turned back on by the first update without one (the cache is then
    rebuilt on the next repaint); a lone change (typing completing a chunk) keeps it.
    """
    changed_before = getattr(item, "_rnnviz_changed_last", False)
    item._rnnviz_changed_last = changed
    mode = _UNCACHED if changed and changed_before else _CACHED
    if item.cacheMode() != mode:
        item.setCacheMode(mode)
