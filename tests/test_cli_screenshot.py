"""``python main.py --screenshot PATH`` says why it cannot write PATH, before painting anything."""
import os
import subprocess
import sys
from pathlib import Path


REPO = Path(__file__).resolve().parents[1]


def _screenshot(path, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"),
               HOME=str(tmp_path / "home"))
    return subprocess.run([sys.executable, str(REPO / "main.py"), "--screenshot", str(path)], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_a_missing_folder_is_named_as_the_reason(tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "x.png"
    r = _screenshot(target, tmp_path)
    assert r.returncode == 2
    assert r.stderr == f"rnnviz: --screenshot: cannot write {target}: the folder {target.parent} does not exist\n"
    assert not target.parent.exists()


def test_a_folder_as_the_path_says_to_give_a_file_name(tmp_path):
    r = _screenshot(tmp_path, tmp_path)
    assert r.returncode == 2
    assert "it is a folder; give a file name such as" in r.stderr
    assert str(tmp_path / "window.png") in r.stderr


def test_a_trailing_slash_or_a_too_long_name_is_refused_before_painting(tmp_path):
    """They passed the old copy of the check: the window was painted, then Qt could not save."""
    for path, reason in ((f"{tmp_path}/nodir/", "it names a folder"),
                         (str(tmp_path / ("m" * 300 + ".png")), "the file name is longer than this system allows")):
        r = _screenshot(path, tmp_path)
        assert r.returncode == 2, r.stderr
        assert r.stderr.startswith(f"rnnviz: --screenshot: cannot write {path}: {reason}"), r.stderr
