"""Test set-up: offscreen Qt, isolated QSettings per test."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """Point QSettings at a per-test folder so tests never read or write the user's settings,
    nor each other's. Qt reads XDG_CONFIG_HOME once per process, so the folder is also set
    with ``QSettings.setPath`` (without it, a dock left open by one test opened in the next)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    from PySide6.QtCore import QSettings

    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(tmp_path / "config" / scope.name))
    yield
