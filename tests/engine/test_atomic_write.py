"""atomic_write: any legal name can be saved; every OS failure is an RnnvizError naming the file,
the previous file is kept and no temporary file is left behind."""
import os
import tempfile

import numpy as np
import pytest

from rnnviz.engine.model import SequenceModel, load_model
from rnnviz.engine.serialize import atomic_write
from rnnviz.errors import RnnvizError


def _name_max(folder) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255


@pytest.mark.parametrize("length", [242, 250, 255])
def test_longest_legal_names_save_and_load(tmp_path, length):
    if _name_max(tmp_path) < length:
        pytest.skip("file system has shorter names")
    p = tmp_path / ("m" * (length - 4) + ".npz")
    assert len(p.name) == length
    m = SequenceModel("gru", 2, 3, 1, seed=1)
    m.save(p)
    back = load_model(p)
    for k in m.params:
        np.testing.assert_array_equal(back.params[k], m.params[k])
    assert sorted(f.name for f in tmp_path.iterdir()) == [p.name]


def test_temporary_file_creation_failure_is_an_rnnviz_error(tmp_path, monkeypatch):
    p = tmp_path / "keep.npz"
    p.write_bytes(b"previous")

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(RnnvizError, match=r"cannot save .*keep\.npz: Permission denied"):
        atomic_write(p, lambda fh: fh.write(b"new"))
    assert p.read_bytes() == b"previous"
    assert [f.name for f in tmp_path.iterdir()] == ["keep.npz"]


def test_name_longer_than_the_system_allows_is_an_rnnviz_error(tmp_path):
    p = tmp_path / ("n" * (_name_max(tmp_path) + 1))
    with pytest.raises(RnnvizError, match=r"cannot save .*nnnn.*: .*(too long|File name)"):
        atomic_write(p, lambda fh: fh.write(b"x"))
    assert list(tmp_path.iterdir()) == []  # temporary removed


def test_target_that_is_a_folder_is_an_rnnviz_error(tmp_path):
    target = tmp_path / "adir"
    target.mkdir()
    (target / "inside").write_text("kept")
    with pytest.raises(RnnvizError, match=r"cannot save .*adir: it is a folder"):
        atomic_write(target, lambda fh: fh.write(b"x"))
    assert sorted(f.name for f in tmp_path.iterdir()) == ["adir"]
    assert (target / "inside").read_text() == "kept"


def test_folder_name_longer_than_the_system_allows_is_an_rnnviz_error(tmp_path):
    folder = tmp_path / ("d" * (_name_max(tmp_path) + 45))  # e.g. 300 characters: ENAMETOOLONG
    p = folder / "m.npz"
    with pytest.raises(RnnvizError, match=r"cannot save .*dddd.*m\.npz: .*(too long|File name)"):
        atomic_write(p, lambda fh: fh.write(b"x"))
    assert list(tmp_path.iterdir()) == []
