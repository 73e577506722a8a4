"""Import pyqtgraph without making PySide6 build every Qt class up front (0.1-0.15 s of startup).

PySide6 (6.7+) creates a module's classes, and their Python enums, lazily: on first access of
the name. pyqtgraph's ``Qt/__init__.py`` keeps "mirror" modules ``pyqtgraph.Qt.QtCore``,
``.QtGui`` and ``.QtWidgets`` and fills them with::

    for o in dir(src):                    # src: PySide6.QtCore etc.
        if not hasattr(dst, o):
            setattr(dst, o, getattr(src, o))

which touches every name and so builds all of them (722 names, about 630 classes with their
enums) at import, though the whole window uses about 220. :func:`import_pyqtgraph` imports
pyqtgraph with mirrors that fetch a name from the PySide6 module the first time it is asked
for (and keep it), and with ``dir()`` of the three PySide6 modules reported empty for the
duration of the import, so the copy loop does nothing. Every Qt name looked up through the
mirrors gives the same object as before; only the moment it is built changes. (The mirrors
are not the placeholder packages: they have no ``__path__`` or ``__spec__``, and ``dir()``
lists only the names fetched so far; neither pyqtgraph nor rnnviz uses those.)

It applies only where pyqtgraph's mirror packages are the empty placeholders this was
written against (pyqtgraph 0.13-0.14) and pyqtgraph will use PySide6; otherwise, or if
pyqtgraph is already imported, pyqtgraph is imported the ordinary way.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import types
from pathlib import Path

MIRRORS = ("QtCore", "QtGui", "QtWidgets")
#: bindings pyqtgraph would prefer to PySide6 when one of them is already imported
_OTHER_BINDINGS = ("PyQt6", "PyQt5", "PySide2")


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
    """True if pyqtgraph is not imported yet, will use PySide6, and is installed with empty
    ``Qt/QtCore`` (etc.) packages (found without importing it: ``find_spec`` of a top-level
    package imports nothing)."""
    if "pyqtgraph" in sys.modules or any(b in sys.modules for b in _OTHER_BINDINGS):
        return False
    if os.environ.get("PYQTGRAPH_QT_LIB", "PySide6") != "PySide6":
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
    before = set(sys.modules)
    saved_dir = {name: src.__dict__.get("__dir__") for name, src in sources.items()}
    for name, src in sources.items():
        sys.modules[f"pyqtgraph.Qt.{name}"] = _Mirror(f"pyqtgraph.Qt.{name}", src)
        src.__dir__ = list  # dir(src) == [] while pyqtgraph copies
    try:
        import pyqtgraph
    except BaseException:
        # what was loaded holds the mirrors: drop it all, so that a later import starts afresh
        for name in set(sys.modules) - before:
            if name == "pyqtgraph" or name.startswith("pyqtgraph."):
                del sys.modules[name]
        raise
    finally:
        for name, src in sources.items():
            if saved_dir[name] is None:
                del src.__dir__
            else:
                src.__dir__ = saved_dir[name]
    return pyqtgraph
