"""The mouse wheel over a plot inside a scrolling page scrolls the page, Ctrl+wheel zooms the plot."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QGraphicsView, QScrollArea


class WheelScroll(QObject):
    """Watches the plots (``QGraphicsView``, e.g. pyqtgraph's ``PlotWidget``) inside ``area``.

    A plot takes every wheel event to zoom itself, so a page of plots that is taller than its
    window could not be scrolled with the wheel: the page stuck under the pointer while a plot
    zoomed. While ``area`` can scroll vertically, the wheel over a watched plot scrolls ``area``
    (a touchpad's pixel delta, else notches of 120 times the system's wheel lines); Ctrl+wheel
    still zooms the plot. When nothing scrolls, the wheel zooms as before.
    """

    def __init__(self, area: QScrollArea) -> None:
        # ``area`` is the parent, not an attribute: a reference back would make a cycle, and a
        # top-level area collected by Python's cycle collector is deleted wherever that runs,
        # in the middle of painting its plots too
        super().__init__(area)

    def watch(self, view: QGraphicsView) -> None:
        """Handle the wheel over ``view`` (its viewport receives the wheel events)."""
        view.viewport().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt
        if event.type() != QEvent.Type.Wheel:
            return False
        bar = self.parent().verticalScrollBar()
        if bar.maximum() <= 0 or event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False
        pixels = event.pixelDelta().y()
        if not pixels:
            pixels = round(event.angleDelta().y() / 120 * QApplication.wheelScrollLines() * bar.singleStep())
        bar.setValue(bar.value() - pixels)
        return True
