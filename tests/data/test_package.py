"""The data package imports without Qt or torch and exports its public names."""
import subprocess
import sys

import rnnviz.data as data


def test_import_pulls_in_no_qt_or_torch():
    code = ("import sys, rnnviz.data; "
            "bad = [m for m in ('PySide6', 'pyqtgraph', 'torch') if m in sys.modules]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_exports_resolve():
    assert data.__all__
    for name in data.__all__:
        assert getattr(data, name) is not None, name
    assert set(data.TASKS) == {"adding", "delayed_recall", "bracket_depth", "sine", "reversal"}


def test_batch_from_every_task_has_valid_kind():
    params = {
        "adding": dict(T=6, B=2, rng=0),
        "delayed_recall": dict(T=6, lag=2, n_symbols=3, B=2, rng=0),
        "bracket_depth": dict(T=6, B=2, max_depth=2, rng=0),
        "sine": dict(T=6, B=2, rng=0),
        "reversal": dict(T=6, n_symbols=3, B=2, rng=0),
    }
    for name, p in params.items():
        b = data.make_task(name, **p)
        assert b.kind in data.TARGET_KINDS
        assert b.x.shape[:2] == (6, 2) and b.T == 6 and b.B == 2
