"""Import pyqtgraph without making PySide6 build every Qt class up front (~0.15 s of startup).

PySide6 (6.7+) creates a module's classes, and their Python enums, lazily: on first access of
the name. pyqtgraph's ``Qt/__init__.py`` keeps "mirror" modules ``pyqtgraph.Qt.QtCore``,
``.QtGui`` and ``.QtWidgets`` and fills them with::

    for o in dir(src):                    # src: PySide6.QtCore etc.
        if not hasattr(dst, o):
            setattr(dst, o, getattr(src, o))

which touches every name and so builds all ~1,500 classes and ~600 enums at import, most
of which the app never uses. :func:`import_pyqtgraph` imports pyqtgraph with mirrors that
fetch a name from the PySide6 module the first time it is asked for (and keep it), and with
``dir()`` of the three PySide6 modules reported empty for the duration of the import, so the
copy loop does nothing. Everything reachable through the mirrors is the same object as
before; only the moment it is built changes.

It applies only where pyqtgraph's mirror packages are the empty placeholders this was
written against (pyqtgraph 0.13-0.14 with PySide6); otherwise, or if pyqtgraph is already
imported, pyqtgraph is imported the ordinary way.
"""
from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

MIRRORS = ("QtCore", "QtGui", "QtWidgets")


class _Mirror(types.ModuleType):
    """A pyqtgraph mirror module: a name is fetched from the PySide6 module on first use."""

    def __init__(self, name: str, source: types.ModuleType) -> None:
        super().__init__(name)
        self._source = source

    def __getattr__(self, name: str):
        value = getattr(object.__getattribute__(self, "_source"), name)
        setattr(self, name, value)
        return value


def _mirrors_are_placeholders() -> bool:
    """True if pyqtgraph is installed with empty ``Qt/QtCore`` (etc.) packages and not yet
    imported (found without importing it: ``find_spec`` of a top-level package imports nothing)."""
    if "pyqtgraph" in sys.modules:
        return False
    spec = importlib.util.find_spec("pyqtgraph")
    if spec is None or not spec.submodule_search_locations:
        return False
    root = Path(next(iter(spec.submodule_search_locations)))
    try:
        return all((root / "Qt" / name / "__init__.py").stat().st_size == 0 for name in MIRRORS)
    except OSError:
        return False


def import_pyqtgraph() -> types.ModuleType:
    """``import pyqtgraph``, through lazy mirrors where that is known to be safe (see above)."""
    if not _mirrors_are_placeholders():
        import pyqtgraph
        return pyqtgraph
    import PySide6.QtCore
    import PySide6.QtGui
    import PySide6.QtWidgets

    sources = {name: getattr(PySide6, name) for name in MIRRORS}
    saved_dir = {name: src.__dict__.get("__dir__") for name, src in sources.items()}
    for name, src in sources.items():
        sys.modules[f"pyqtgraph.Qt.{name}"] = _Mirror(f"pyqtgraph.Qt.{name}", src)
        src.__dir__ = list  # dir(src) == [] while pyqtgraph copies
    try:
        import pyqtgraph
    except BaseException:
        for name in MIRRORS:
            sys.modules.pop(f"pyqtgraph.Qt.{name}", None)
        raise
    finally:
        for name, src in sources.items():
            if saved_dir[name] is None:
                del src.__dir__
            else:
                src.__dir__ = saved_dir[name]
    return pyqtgraph
