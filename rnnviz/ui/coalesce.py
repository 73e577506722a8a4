"""Coalesced text updates shared by the live and compare panels.

``set_text`` only stores the text and starts a 0-ms single-shot timer, so a burst of
keystrokes or a paste costs one run and one redraw; a hidden panel stays pending and
catches up when it is shown. The panel provides ``_apply()`` (run the model, redraw).
"""
from __future__ import annotations

from PySide6.QtCore import QTimer


class CoalescedText:
    """Mixin for a QWidget: call :meth:`_init_coalescing` in ``__init__``, implement ``_apply``."""

    def _init_coalescing(self) -> None:
        self._text = ""
        self._pending = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer)

    def set_text(self, text: str) -> None:
        """Remember ``text``; it is applied on the next turn of the event loop."""
        self._text = text
        self._pending = True
        if not self._timer.isActive():
            self._timer.start()

    def text(self) -> str:
        return self._text

    def flush(self) -> None:
        """Apply a pending text now, even when hidden."""
        self._timer.stop()
        if self._pending:
            self._apply()

    def _on_timer(self) -> None:
        if self.isVisible():
            self._apply()
        # else: stays pending until showEvent

    def showEvent(self, ev) -> None:  # noqa: N802 - Qt
        super().showEvent(ev)
        if self._pending and not self._timer.isActive():
            self._timer.start()
