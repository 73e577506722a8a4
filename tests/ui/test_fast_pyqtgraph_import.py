"""pyqtgraph is imported without building every PySide6 class, and behaves as before.

Each test runs a fresh interpreter: in this one pyqtgraph is already imported.
"""
import functools
import json
import subprocess
import sys
from pathlib import Path

from rnnviz.ui import fast_pyqtgraph_import

REPO = Path(__file__).resolve().parents[2]


@functools.cache
def run(code: str) -> dict:
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                       env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


FACTS = """
import json, sys
import PySide6, pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets
mods = (QtCore, QtGui, QtWidgets)
print(json.dumps(dict(
    built=sum(len(vars(m)) for m in mods),
    listed=sum(len(dir(m)) for m in mods),
    mirror_types=[type(sys.modules["pyqtgraph.Qt." + n]).__name__ for n in ("QtCore", "QtGui", "QtWidgets")],
    same=[pg.QtCore.QPointF is QtCore.QPointF, pg.QtGui.QColor is QtGui.QColor,
          pg.QtWidgets.QGraphicsObject is QtWidgets.QGraphicsObject,
          pg.Qt.QtCore.Qt.AlignmentFlag is QtCore.Qt.AlignmentFlag],
    opengl=pg.Qt.QtWidgets.QOpenGLWidget.__name__,
    dir_has="QPointF" in dir(QtCore),
)))
"""


def test_importing_the_ui_leaves_most_qt_classes_unbuilt():
    fast = run("import rnnviz.ui\n" + FACTS)
    plain = run(FACTS)  # pyqtgraph's own import: it touches every name
    assert fast["mirror_types"] == ["_Mirror"] * 3
    assert plain["mirror_types"] == ["module"] * 3
    assert fast["listed"] == plain["listed"] > 500  # dir() of PySide6 modules is given back
    assert plain["built"] > 0.9 * plain["listed"]
    assert fast["built"] < 0.5 * plain["built"]


def test_the_mirrors_hand_out_the_pyside6_objects():
    fast = run("import rnnviz.ui\n" + FACTS)
    assert fast["same"] == [True, True, True, True]
    assert fast["opengl"] == "QOpenGLWidget"  # pyqtgraph's Qt5-style shim still applies
    assert fast["dir_has"]


def test_after_pyqtgraph_the_ordinary_import_is_used():
    out = run("import pyqtgraph\nimport rnnviz.ui\n" + FACTS)
    assert out["mirror_types"] == ["module"] * 3


def test_a_failing_import_puts_pyside6_back_and_a_later_import_works():
    code = """
import json, sys, importlib.abc
class Fail(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "pyqtgraph.graphicsItems.ViewBox":  # after pyqtgraph.Qt has loaded
            raise ImportError("simulated")
finder = Fail()
sys.meta_path.insert(0, finder)
from PySide6 import QtCore
try:
    import rnnviz.ui  # imports pyqtgraph through the lazy mirrors
    failed = False
except ImportError:
    failed = True
left = sorted(k for k in sys.modules if k == "pyqtgraph" or k.startswith("pyqtgraph."))
sys.meta_path.remove(finder)
import pyqtgraph as pg
print(json.dumps(dict(failed=failed, listed=len(dir(QtCore)), left=left,
                      later=pg.PlotWidget.__name__, mirror=type(sys.modules["pyqtgraph.Qt.QtCore"]).__name__)))
"""
    out = run(code)
    assert out["failed"]
    assert out["listed"] > 200
    assert out["left"] == []
    assert out["later"] == "PlotWidget" and out["mirror"] == "module"


def test_only_for_pyside6_and_a_pyqtgraph_not_yet_imported(monkeypatch):
    monkeypatch.delitem(sys.modules, "pyqtgraph")
    monkeypatch.delenv("PYQTGRAPH_QT_LIB", raising=False)
    assert fast_pyqtgraph_import._mirrors_are_placeholders()
    monkeypatch.setenv("PYQTGRAPH_QT_LIB", "PyQt6")
    assert not fast_pyqtgraph_import._mirrors_are_placeholders()
    monkeypatch.setenv("PYQTGRAPH_QT_LIB", "PySide6")
    assert fast_pyqtgraph_import._mirrors_are_placeholders()
    monkeypatch.setitem(sys.modules, "PyQt5", object())
    assert not fast_pyqtgraph_import._mirrors_are_placeholders()
