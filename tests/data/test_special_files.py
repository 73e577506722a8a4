"""Named pipes (FIFOs), devices and folders are refused before they are opened, with a message
naming the file and what it is (reading a FIFO used to wait forever)."""
import os

import pytest

from rnnviz.data.loaders import sniff_file
from rnnviz.data.textfile import check_readable, read_text_file
from rnnviz.engine.serialize import load_model, load_safetensors
from rnnviz.errors import RnnvizError


@pytest.fixture
def fifo(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    p = tmp_path / "pipe.txt"
    os.mkfifo(p)
    # checked first, so a build without the check fails here instead of blocking in open()
    with pytest.raises(RnnvizError, match=r"pipe\.txt: is a named pipe \(FIFO\), not a regular file"):
        check_readable(p)
    return p


@pytest.mark.parametrize("reader", [read_text_file, sniff_file, load_model, load_safetensors])
def test_named_pipe_is_refused_by_every_reader(fifo, reader):
    with pytest.raises(RnnvizError, match=r"pipe\.txt: is a named pipe \(FIFO\), not a regular file"):
        reader(fifo)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("reader", [read_text_file, sniff_file, load_model, load_safetensors])
def test_device_is_refused(reader):
    # checked first, so a build without the check fails here instead of reading /dev/zero for ever
    with pytest.raises(RnnvizError, match=r"^/dev/zero: is a device, not a regular file"):
        check_readable("/dev/zero")
    with pytest.raises(RnnvizError, match=r"^/dev/zero: is a device, not a regular file"):
        reader("/dev/zero")


def test_folder_missing_and_regular_files(tmp_path):
    with pytest.raises(RnnvizError, match="is a folder, not a file"):
        check_readable(tmp_path)
    with pytest.raises(RnnvizError, match="file not found"):
        check_readable(tmp_path / "nope.txt")
    with pytest.raises(RnnvizError, match="file not found"):
        check_readable(tmp_path / "nope" / "deeper.txt")
    f = tmp_path / "ok.txt"
    f.write_text("hello")
    assert check_readable(f) == f
    link = tmp_path / "link.txt"
    link.symlink_to(f)
    assert read_text_file(link) == "hello"  # a link to a regular file is fine
