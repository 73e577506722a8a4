"""Autosave during training and recovery after a crash.

While a run exists the :class:`Autosaver` writes a recovery project every ``autosave/seconds``
seconds (setting; default 60; 0 turns it off) to ``recovery.rnnviz`` in the app's data folder
(``QStandardPaths.AppDataLocation``), only when the history changed since the last save. A
marker file ``session.running`` is written at start and removed on a clean close (with the
recovery file); if the next start finds the marker and a recovery file, the app exited
uncleanly and :meth:`Autosaver.startup` offers to restore it — losing at most one interval.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QMessageBox, QSpinBox, QVBoxLayout

from rnnviz.ui import settings

__all__ = ["Autosaver", "PreferencesDialog", "data_dir", "DEFAULT_SECONDS", "SETTING"]

DEFAULT_SECONDS = 60
SETTING = "autosave/seconds"
RECOVERY_NAME = "recovery.rnnviz"
MARKER_NAME = "session.running"


def data_dir() -> Path:
    """The app's data folder (created if needed)."""
    loc = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    p = Path(loc) if loc else Path.home() / ".rnnviz"
    p.mkdir(parents=True, exist_ok=True)
    return p


def autosave_seconds() -> int:
    return max(0, settings.get_int(SETTING, DEFAULT_SECONDS))


class Autosaver(QObject):
    """Periodic recovery saves of the Training panel's run (through ``files.collect_project``)."""

    saved = Signal(str)

    def __init__(self, window, files) -> None:
        super().__init__(window)
        self.window, self.files = window, files
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self._saved_version = None
        self._busy = False
        self.save_count = 0
        self.set_interval(autosave_seconds(), remember=False)

    @property
    def recovery_path(self) -> Path:
        return data_dir() / RECOVERY_NAME

    @property
    def marker_path(self) -> Path:
        return data_dir() / MARKER_NAME

    # -- settings
    def interval(self) -> int:
        return self._seconds

    def set_interval(self, seconds: int, remember: bool = True) -> None:
        """Autosave every ``seconds`` (0 = off)."""
        self._seconds = max(0, int(seconds))
        if remember:
            settings.set_value(SETTING, self._seconds)
        self.timer.stop()
        if self._seconds:
            self.timer.start(self._seconds * 1000)

    # -- saving
    def tick(self) -> None:
        panel = self.window.training
        if self._busy or panel.worker is None or panel.state() not in ("running", "paused", "finished", "stopped"):
            return
        if panel.history.version == self._saved_version or not len(panel.history):
            return
        self._busy = True
        version = panel.history.version
        path = self.recovery_path

        def write(project) -> None:
            self._busy = False
            if self.files.write_project(path, project, recovery=True):
                self._saved_version = version
                self.save_count += 1
                self.saved.emit(str(path))

        self.files.collect_project(write)

    # -- session
    def startup(self) -> bool:
        """Offer to restore after an unclean exit; then mark this session as running.
        Returns True when a recovery project was restored."""
        restored = False
        rec, marker = self.recovery_path, self.marker_path
        if marker.exists() and rec.exists():
            if self.ask_restore(rec):
                restored = self.files.open_project_file(str(rec), recovery=True)
        elif rec.exists():
            _remove(rec)
        try:
            marker.write_text(str(os.getpid()))
        except OSError as exc:
            self.window.show_message(f"Autosave is off: cannot write {marker} ({exc.strerror or exc})")
            self.set_interval(0, remember=False)
        return restored

    def ask_restore(self, path: Path) -> bool:
        """Ask whether to restore ``path`` (tests replace this)."""
        from datetime import datetime

        when = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S")
        ans = QMessageBox.question(
            self.window, "Restore unsaved work?",
            f"rnnviz did not close normally last time. An autosaved project from {when} was found.\n\n"
            "Restore it? (No discards it.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        return ans == QMessageBox.StandardButton.Yes

    def clean_exit(self) -> None:
        """The window closed normally: no recovery needed next time."""
        self.timer.stop()
        _remove(self.recovery_path)
        _remove(self.marker_path)


def _remove(p: Path) -> None:
    try:
        p.unlink()
    except OSError:
        pass


class PreferencesDialog(QDialog):
    """Edit > Preferences: the autosave interval."""

    def __init__(self, autosaver: Autosaver, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setObjectName("dialog.preferences")
        self.autosaver = autosaver
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.seconds = QSpinBox()
        self.seconds.setRange(0, 24 * 3600)
        self.seconds.setSuffix(" s")
        self.seconds.setSpecialValueText("off")
        self.seconds.setValue(autosaver.interval())
        self.seconds.setToolTip("While training, save a recovery project this often (0 = off). After a crash,\n"
                                "the next start offers to restore it.")
        form.addRow("Autosave during training every", self.seconds)
        lay.addLayout(form)
        note = QLabel(f"Recovery file: {autosaver.recovery_path}")
        note.setWordWrap(True)
        lay.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def accept(self) -> None:
        self.autosaver.set_interval(self.seconds.value())
        super().accept()
