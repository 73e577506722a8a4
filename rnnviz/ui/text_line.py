"""One line of text that changes often (per keystroke, per hover) without re-laying out the window."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget


class TextLine(QWidget):
    """A label for text that changes often: one line, elided with '…' when too long.

    A ``QLabel`` whose text changes asks its parent layout to recompute its size, which
    re-lays out and repaints the whole window (about 2 ms per keystroke here). This widget's
    size depends only on the font, so :meth:`setText` just repaints it.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = str(text)
        self._elided_key: tuple | None = None  # (text, width, font) the elided text is for
        self._elided_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(QFontMetrics(self.font()).height() + 4)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 (QLabel-compatible)
        text = str(text)
        if text != self._text:
            self._text = text
            self.setToolTip(text if self._elided() != text else "")
            self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        fm = QFontMetrics(self.font())
        return QSize(fm.horizontalAdvance("M" * 20), fm.height() + 4)

    def _elided(self) -> str:
        key = (self._text, self.width(), self.font().key())
        if self._elided_key != key:
            self._elided_key = key
            self._elided_text = QFontMetrics(self.font()).elidedText(
                self._text, Qt.TextElideMode.ElideRight, max(0, self.width() - 4))
        return self._elided_text

    def paintEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        p.drawText(self.rect().adjusted(2, 0, -2, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   self._elided())
