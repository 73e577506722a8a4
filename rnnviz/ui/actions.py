"""Every user action of the window, created in one place with a stable id.

Menus, the toolbar, shortcuts and tests all use the same ``QAction`` objects, looked up by id::

    registry = ActionRegistry(window)
    registry.add("file.quit", "&Quit", shortcut=QKeySequence.StandardKey.Quit, slot=window.close)
    registry["file.quit"].trigger()

Ids are ``<menu>.<name>`` (``"file.open"``, ``"view.compare"``, ``"examples.3"``); the menu part
says where the action lives. Shortcuts use ``QKeySequence.StandardKey`` wherever a standard one
exists, so they follow the platform.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


class ActionRegistry:
    """Creates ``QAction`` objects owned by ``parent`` and finds them by id."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent
        self._actions: dict[str, QAction] = {}

    def add(self, action_id: str, text: str, *, slot: Callable | None = None,
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
            tip: str = "", checkable: bool = False, checked: bool = False,
            toggled: Callable[[bool], None] | None = None) -> QAction:
        """Create the action ``action_id`` (ids are unique; adding one twice is an error)."""
        if action_id in self._actions:
            raise ValueError(f"action id {action_id!r} already exists")
        if "." not in action_id:
            raise ValueError(f"action id must look like 'menu.name', got {action_id!r}")
        act = QAction(text, self._parent)
        act.setObjectName(action_id)
        if shortcut is not None:
            seq = QKeySequence(shortcut)
            act.setShortcut(seq)
        if tip:
            act.setToolTip(tip)
            act.setStatusTip(tip)
        if checkable:
            act.setCheckable(True)
            act.setChecked(checked)
        if slot is not None:
            act.triggered.connect(lambda _checked=False, f=slot: f())
        if toggled is not None:
            act.toggled.connect(toggled)
        self._actions[action_id] = act
        return act

    def register(self, action: QAction) -> QAction:
        """Adopt an action created elsewhere (e.g. by a panel); its objectName is its id."""
        action_id = action.objectName()
        if action_id in self._actions:
            raise ValueError(f"action id {action_id!r} already exists")
        if "." not in action_id:
            raise ValueError(f"action id must look like 'menu.name', got {action_id!r}")
        self._actions[action_id] = action
        return action

    def __getitem__(self, action_id: str) -> QAction:
        try:
            return self._actions[action_id]
        except KeyError:
            raise KeyError(f"no action {action_id!r}; known: {', '.join(sorted(self._actions))}") from None

    def get(self, action_id: str) -> QAction | None:
        return self._actions.get(action_id)

    def __contains__(self, action_id: str) -> bool:
        return action_id in self._actions

    def ids(self, prefix: str = "") -> list[str]:
        """Ids in creation order, optionally only those starting with ``prefix``."""
        return [k for k in self._actions if k.startswith(prefix)]

    def trigger(self, action_id: str) -> None:
        self[action_id].trigger()
