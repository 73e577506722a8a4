"""UI test set-up.

Work-around for a binding bug: PySide6/shiboken6 6.12.0 on CPython < 3.12 drops one reference to
``None`` on (nearly) every call of a C++ method returning ``void`` (e.g. ``QGraphicsItem.setPos``),
so a long test session (or a long app run) eventually aborts with
"Fatal Python error: none_dealloc: deallocating None". From CPython 3.12 ``None`` is immortal and
6.11.x does not have the bug. The real fix is to avoid that PySide6 release (pin
``PySide6-Essentials != 6.12.0`` or use Python >= 3.12); until then, give ``None`` a large reserve of
references so the UI tests can run in one process. ``True``/``False`` are affected the same way
(seen as "bool_dealloc" at interpreter shut-down), so they get a reserve too.
"""
import ctypes
import sys

import PySide6


def _pyside_drops_none_refs() -> bool:
    return sys.version_info < (3, 12) and PySide6.__version__.startswith("6.12.0")


if _pyside_drops_none_refs():  # pragma: no cover - depends on the installed binding
    for _singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(_singleton)).value += 1 << 40
