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
