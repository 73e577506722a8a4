"""Word-wrapped text that changes often (per keystroke) without re-laying out the window."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class WrappedText(QWidget):
    """A word-wrapped ``QLabel`` (rich text allowed) in a box that keeps layouts out of its changes.

    A ``QLabel`` whose text changes asks the layouts above it to recompute, up to the main window,
    and the tab widget there repaints its whole page: every heatmap and plot, 20-100 ms, on every
    keystroke that changed the label. Here the label sits in a box without a layout, so its
    requests stop at the box. The box is as high as the label needs at its width, and only grows
    while the width stays (a text of fewer lines leaves the room, so texts of one and two lines
    in turn do not re-lay out the window each time); a new width fits it again.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)  # room left below
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setAutoFillBackground(True)  # a new text repaints this box, not the widgets beneath
        self.setText(text)

    def text(self) -> str:
        return self.label.text()

    def setText(self, text: str) -> None:  # noqa: N802 (QLabel-compatible)
        if text != self.label.text():
            self.label.setText(text)
            self._fit()

    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(ev)
        self.label.setGeometry(self.rect())
        self._fit(grow_only=ev.oldSize().width() == ev.size().width())

    def _fit(self, grow_only: bool = True) -> None:
        """Take the height the label needs at this width (a window re-layout, when it changed)."""
        height = max(self.label.heightForWidth(max(1, self.width())), self.label.minimumSizeHint().height())
        if grow_only:
            height = max(height, self.minimumHeight())
        if height != self.minimumHeight() or height != self.maximumHeight():
            self.setFixedHeight(height)
            # the label follows now: a box resized by its layout while hidden (a text set before
            # the window is shown) gets no second resize event, and would keep the label's
            # old one-line height with the other lines cut off
            self.label.resize(self.width(), height)
