"""The rnnviz main window."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow


class MainWindow(QMainWindow):
    """Top-level window titled "rnnviz"."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("rnnviz")
        self.setCentralWidget(QLabel("rnnviz"))
