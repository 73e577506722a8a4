"""Pixmap caching of graphics items whose content changes on some keystrokes and not others."""
from __future__ import annotations

from PySide6.QtWidgets import QGraphicsItem

_CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache
_UNCACHED = QGraphicsItem.CacheMode.NoCache


def cache_while_still(item: QGraphicsItem, changed: bool) -> None:
    """Draw ``item`` from a device-pixel cache while its content stays, directly while it changes.

    Call after each update of the view with ``changed``: whether the item got new content.
    A cache pays off on the repaints that follow without a change (typing at the end repaints
    the trajectory's older path and markers on every key, from one pixmap blit), but on a
    change Qt redraws the item into a fresh view-sized pixmap and then blits it, about three
    times the cost of drawing it directly. An edit at the start of the text changes every
    item on every key, so there the items are drawn directly; the first update without a
    change turns the cache (back) on.
    """
    mode = _UNCACHED if changed else _CACHED
    if item.cacheMode() != mode:
        item.setCacheMode(mode)
