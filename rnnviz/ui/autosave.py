"""Autosave during training and recovery after a crash.

While a run exists the :class:`Autosaver` writes a recovery project every ``autosave/seconds``
seconds (setting; default 60; 0 turns it off) to ``recovery-<session>.rnnviz`` in the app's data
folder (``QStandardPaths.AppDataLocation``), only when the history changed since the last save.
Each running window holds a lock file ``session-<session>.lock`` (:class:`QLockFile`: the kernel's
process table, not a timer, says whether its owner still runs) and removes both files on a clean
close. A recovery file whose lock nobody holds belongs to a session that exited uncleanly: the next
start (:meth:`Autosaver.startup`) offers to restore the newest such file, losing at most one
interval. Two windows running at once each save to their own file and never offer, or delete, the
other's.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QMessageBox, QSpinBox, QVBoxLayout

from rnnviz.ui import settings

__all__ = ["Autosaver", "PreferencesDialog", "data_dir", "DEFAULT_SECONDS", "SETTING"]

DEFAULT_SECONDS = 60
SETTING = "autosave/seconds"
RECOVERY_PATTERN = "recovery-{}.rnnviz"
LOCK_PATTERN = "session-{}.lock"
LEGACY_RECOVERY, LEGACY_MARKER = "recovery.rnnviz", "session.running"  # rnnviz before per-session files


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
        self.session = uuid.uuid4().hex[:12]
        self.folder = data_dir()  # asked (and made) once, not on every path
        self.lock = QLockFile(str(self.lock_path))
        self.lock.setStaleLockTime(0)  # a lock is stale only when its process is gone, never by age
        self.set_interval(autosave_seconds(), remember=False)

    @property
    def recovery_path(self) -> Path:
        """This window's recovery project."""
        return self.folder / RECOVERY_PATTERN.format(self.session)

    @property
    def lock_path(self) -> Path:
        """The lock this window holds while it runs (see :meth:`startup`)."""
        return self.folder / LOCK_PATTERN.format(self.session)

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

        def dropped() -> None:  # the run was reset or replaced before it answered
            self._busy = False

        self.files.collect_project(write, dropped)

    # -- session
    def startup(self) -> bool:
        """Lock this session, then offer to restore the newest recovery project left by a
        session that exited uncleanly. Returns True when a recovery project was restored.

        A restored project becomes this session's own recovery file (so it stays until this
        session saves again or closes cleanly); a declined one is deleted. Older orphans are
        left for a later start. Recovery files of sessions still running are not touched, and
        the lock files of sessions that ended without a recovery file are removed."""
        # locked first: a start racing this one sees the restored file as this running session's
        if not self.lock.tryLock(0):
            self.window.show_message(f"Autosave is off: cannot write {self.lock_path} ({self.lock.error().name})")
            self.set_interval(0, remember=False)
        restored = False
        orphans = self._orphans()
        for _, release in orphans[:-1]:
            release(False)
        if orphans:
            rec, release = orphans[-1]
            taken = False
            try:
                if self.ask_restore(rec):
                    try:
                        os.replace(rec, self.recovery_path)
                    except OSError as exc:
                        self.window.show_message(f"Cannot restore {rec}: {exc.strerror or exc}")
                    else:
                        taken = True
                        restored = self.files.open_project_file(str(self.recovery_path), recovery=True)
                else:
                    _remove(rec)
                    taken = True
            finally:
                release(taken)
        return restored

    def _orphans(self) -> list[tuple[Path, object]]:
        """Recovery files whose session no longer runs, oldest first, each with a function
        ``release(taken)`` that lets go of that session (whose lock we hold meanwhile, so two
        starts never take the same file); ``taken``: the file was restored or deleted. Locks of
        ended sessions that left no recovery file are removed on the way."""
        folder = self.folder
        found = []
        recovered = set()
        for rec in folder.glob(RECOVERY_PATTERN.format("*")):
            session = rec.name[len("recovery-"):-len(".rnnviz")]
            recovered.add(session)
            if session == self.session:
                continue
            probe = QLockFile(str(folder / LOCK_PATTERN.format(session)))
            probe.setStaleLockTime(0)
            if probe.tryLock(0):  # nobody holds it: that session ended without a clean close
                found.append((rec, lambda taken, probe=probe: probe.unlock()))
        for lock in folder.glob(LOCK_PATTERN.format("*")):
            session = lock.name[len("session-"):-len(".lock")]
            if session != self.session and session not in recovered:
                probe = QLockFile(str(lock))
                probe.setStaleLockTime(0)
                if probe.tryLock(0):
                    probe.unlock()  # removes the lock file of a session that ended with nothing to recover
        legacy, marker = folder / LEGACY_RECOVERY, folder / LEGACY_MARKER
        if legacy.exists() and marker.exists():
            found.append((legacy, lambda taken: taken and _remove(marker)))
        elif legacy.exists():
            _remove(legacy)

        def mtime(item) -> float:
            try:
                return item[0].stat().st_mtime
            except OSError:
                return 0.0
        return sorted(found, key=mtime)

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

    def discard(self) -> None:
        """The run was reset: remove its recovery project (a crash now has nothing to offer)."""
        _remove(self.recovery_path)
        self._saved_version = None

    def clean_exit(self) -> None:
        """The window closed normally: no recovery needed next time."""
        self.timer.stop()
        _remove(self.recovery_path)
        self.lock.unlock()


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
