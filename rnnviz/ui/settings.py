"""Persistent settings through ``QSettings``, plain values only (strings, numbers, bytes).

Nothing is pickled: window geometry and dock state are the ``QByteArray`` blobs Qt itself
produces, the rest are strings and ints. Tests isolate the store per test
(``XDG_CONFIG_HOME`` / ``HOME`` point at a temporary folder, see ``tests/conftest.py``).
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

ORG, APP = "rnnviz", "rnnviz"


def settings() -> QSettings:
    """The app's settings store (INI format in the user's config folder)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, APP)


def get_str(key: str, default: str = "") -> str:
    v = settings().value(key, default)
    return v if isinstance(v, str) else default


def get_int(key: str, default: int = 0) -> int:
    v = settings().value(key, default)
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


def set_value(key: str, value: str | int | float | bool) -> None:
    if not isinstance(value, (str, int, float, bool)):
        raise TypeError(f"settings hold plain values only, got {type(value).__name__} for {key!r}")
    s = settings()
    s.setValue(key, value)
    s.sync()


def save_window(window: QMainWindow) -> None:
    """Remember geometry and toolbar/dock layout."""
    s = settings()
    s.setValue("window/geometry", window.saveGeometry())
    s.setValue("window/state", window.saveState())
    s.sync()


def restore_window(window: QMainWindow) -> bool:
    """Restore what :func:`save_window` stored; False if there was nothing (or it was invalid)."""
    s = settings()
    geo, state = s.value("window/geometry"), s.value("window/state")
    ok = False
    if isinstance(geo, QByteArray) and not geo.isEmpty():
        ok = window.restoreGeometry(geo)
    if isinstance(state, QByteArray) and not state.isEmpty():
        window.restoreState(state)
    return ok
