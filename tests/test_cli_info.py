"""``rnnviz info FILE``: what a file is (exit 0), or one line on stderr naming the file (exit 2).

Hostile and broken model files (truncated, not a zip, unknown version, wrong shapes, pickled
object arrays, zip bombs) are refused without running code and without a traceback.
"""
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from rnnviz.cli import main
from rnnviz.data import textfile

ROOT = Path(__file__).resolve().parents[1]


def _subprocess(*args, timeout=60):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "rnnviz", "info", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=ROOT)


def info(capsys, *args):
    rc = main(["info", *map(str, args)])
    out, err = capsys.readouterr()
    return rc, out, err


def assert_refused(capsys, path, *words):
    """``rnnviz info path`` exits 2 with exactly one stderr line naming the file (and ``words``)."""
    rc, out, err = info(capsys, path)
    assert rc == 2, (out, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("rnnviz info: error: ")
    assert str(path) in lines[0]
    assert "Traceback" not in err
    for w in words:
        assert w.lower() in lines[0].lower(), lines[0]
    return lines[0]


# ------------------------------------------------------------------ model files
def _model(tmp_path, name="m.npz"):
    from rnnviz.data.tokenize import WordTokenizer
    from rnnviz.engine.model import SequenceModel

    tok = WordTokenizer.from_text("the cat sat on the mat")
    m = SequenceModel("gru", len(tok.vocab), 12, 2, target="classification_last", encoding="embedding",
                      embedding_dim=4, tokenizer=tok, class_names=["neg", "pos"])
    p = tmp_path / name
    m.save(p)
    return p, m


def _rewrite(src: Path, dst: Path, change) -> Path:
    """Copy the arrays of model file ``src`` to ``dst`` after ``change(arrays)`` (np.savez: pickle allowed)."""
    with np.load(src) as z:
        arrays = {k: z[k] for k in z.files}
    change(arrays)
    with open(dst, "wb") as fh:
        np.savez(fh, **arrays)
    return dst


def _header(arrays):
    return json.loads(arrays["__rnnviz__"].tobytes().decode())


def _set_header(arrays, header):
    arrays["__rnnviz__"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)


def test_model_is_described(tmp_path, capsys):
    p, m = _model(tmp_path)
    rc, out, err = info(capsys, p)
    assert rc == 0 and err == ""
    first = out.splitlines()[0]
    assert first.startswith(f"{p}: rnnviz sequence model: GRU, 1 layer (12)")
    n = sum(v.size for v in m.params.values())
    assert f"{n:,} parameters" in first and "word tokenizer, vocabulary 6" in first
    assert "  cell: gru" in out and "  class_names: [neg, pos]" in out


def test_json_output(tmp_path, capsys):
    p, _ = _model(tmp_path)
    rc, out, _ = info(capsys, "--json", p)
    rec = json.loads(out)
    assert rc == 0 and rec["kind"] == "model" and rec["details"]["hidden_size"] == [12]


def test_truncated_model(tmp_path, capsys):
    p, _ = _model(tmp_path)
    data = p.read_bytes()
    bad = tmp_path / "truncated.npz"
    bad.write_bytes(data[: len(data) // 2])
    assert_refused(capsys, bad, "truncated")


def test_model_truncated_inside_an_entry(tmp_path, capsys):
    p, _ = _model(tmp_path)
    data = bytearray(p.read_bytes())
    with zipfile.ZipFile(p) as zf:
        info0 = zf.infolist()[0]
    start = info0.header_offset + 30 + len(info0.filename) + len(info0.extra)
    data[start:start + info0.compress_size] = b"\x00" * info0.compress_size  # damage the stream
    bad = tmp_path / "damaged.npz"
    bad.write_bytes(bytes(data))
    assert_refused(capsys, bad, "damaged")


def test_not_a_zip(tmp_path, capsys):
    bad = tmp_path / "text.npz"
    bad.write_text("this is not a model")
    assert_refused(capsys, bad, "not a zip")


def test_unknown_format_version(tmp_path, capsys):
    p, _ = _model(tmp_path)

    def future(arrays):
        h = _header(arrays)
        h["version"] = 99
        _set_header(arrays, h)
    bad = _rewrite(p, tmp_path / "future.npz", future)
    assert_refused(capsys, bad, "version 99", "not supported")


def test_zip_without_rnnviz_header(tmp_path, capsys):
    bad = tmp_path / "plain.npz"
    np.savez(bad, a=np.zeros(3))
    assert_refused(capsys, bad, "no rnnviz header")


def test_wrong_shapes(tmp_path, capsys):
    p, _ = _model(tmp_path)

    def shrink(arrays):
        arrays["rnn.weight_hh_l0"] = np.zeros((5, 5), np.float32)
    bad = _rewrite(p, tmp_path / "shapes.npz", shrink)
    assert_refused(capsys, bad, "rnn.weight_hh_l0", "shape")


def test_pickled_object_array_is_refused_and_not_run(tmp_path, capsys):
    p, _ = _model(tmp_path)
    marker = tmp_path / "ran.txt"

    class Evil:
        def __reduce__(self):
            return (Path.write_text, (marker, "code ran"))

    def poison(arrays):
        obj = np.empty(1, dtype=object)
        obj[0] = Evil()
        arrays["head.bias"] = obj
    bad = _rewrite(p, tmp_path / "pickle.npz", poison)
    assert_refused(capsys, bad, "pickle", "refused")
    assert not marker.exists()


def test_zip_bomb_is_refused_before_decompressing(tmp_path, capsys):
    bad = tmp_path / "bomb.npz"
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.zeros(1 << 20))  # 8 MiB of zeros; bzip2 packs them >1000x
    with zipfile.ZipFile(bad, "w", compression=zipfile.ZIP_BZIP2) as zf:
        zf.writestr("w.npy", buf.getvalue())
    assert bad.stat().st_size < 1 << 20
    assert_refused(capsys, bad, "zip bomb")


def test_zip_with_foreign_entries(tmp_path, capsys):
    bad = tmp_path / "other.npz"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("../../evil.sh", "rm -rf /")
    assert_refused(capsys, bad, "unexpected entry")


def test_header_config_is_nonsense(tmp_path, capsys):
    p, _ = _model(tmp_path)

    def nonsense(arrays):
        h = _header(arrays)
        h["config"] = {"kind": "sequence", "cell": "banana"}
        _set_header(arrays, h)
    bad = _rewrite(p, tmp_path / "config.npz", nonsense)
    assert_refused(capsys, bad)


# ------------------------------------------------------------------ data files
def test_text_is_described(tmp_path, capsys):
    p = tmp_path / "poem.txt"
    p.write_text("Roses are red.\nViolets are blue.\n", encoding="utf-8")
    rc, out, err = info(capsys, p)
    assert rc == 0 and err == ""
    assert "text (UTF-8): 33 characters, 6 words, 2 lines" in out and "  word_vocabulary: 6" in out


def test_series_and_labelled_are_described(tmp_path, capsys):
    s = tmp_path / "s.tsv"
    s.write_text("a\tb\n1\t2\n3\t4\n")
    lab = tmp_path / "l.csv"
    lab.write_text("text,label\nyes,1\nno,0\n")
    rc, out, err = info(capsys, s, lab)
    assert rc == 0 and err == ""
    assert f"{s}: numeric table (tab-separated, header): 2 rows × 2 columns: a, b" in out
    assert f"{lab}: labelled text: 2 rows, 2 classes: 0 1, 1 1" in out


@pytest.mark.parametrize("name,content,words", [
    ("empty.txt", b"", ["empty"]),
    ("binary.bin", b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)), ["binary"]),
    ("latin.txt", "naïve".encode("latin-1"), ["not UTF-8", "0xef"]),
    ("nul.txt", b"abc\x00def", ["NUL bytes"]),
    ("nan.csv", b"a,b\n1,nan\n", ["line 2", "NaN"]),
    ("gap.csv", b"a,b\n1,\n", ["line 2", "empty"]),
    ("text.csv", b"a,b\n1,2\n3,x\n", ["line 3", "text 'x'"]),
    ("ragged.csv", b"a,b\n1,2\n3\n", ["line 3 has 1 cell(s)"]),
    ("header.csv", b"a,b,c\n", ["no data rows"]),
    ("oneclass.csv", b"text,label\nhi,a\nho,a\n", ["two classes"]),
    ("w.pt", b"\x80\x04\x95", ["pickle"]),
])
def test_bad_data_files(tmp_path, capsys, name, content, words):
    p = tmp_path / name
    p.write_bytes(content)
    assert_refused(capsys, p, *words)


def test_missing_file(tmp_path, capsys):
    assert_refused(capsys, tmp_path / "gone.npz", "not found")


def test_folder(tmp_path, capsys):
    assert_refused(capsys, tmp_path, "folder")


def test_permission_denied(tmp_path, capsys, monkeypatch):
    p = tmp_path / "locked.txt"
    p.write_text("hello")

    def denied(*a, **k):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(textfile, "open", denied, raising=False)
    assert_refused(capsys, p, "permission denied")


def test_unexpected_exception_is_one_line(tmp_path, capsys, monkeypatch):
    from rnnviz.data import loaders

    def boom(path, progress=None):
        raise KeyError("internal")
    monkeypatch.setattr(loaders, "sniff_file", boom)
    p = tmp_path / "a.txt"
    p.write_text("hi")
    assert_refused(capsys, p, "KeyError")


def test_several_files_every_one_tried(tmp_path, capsys):
    good = tmp_path / "g.txt"
    good.write_text("hello")
    rc, out, err = info(capsys, tmp_path / "missing.txt", good)
    assert rc == 2 and len(err.splitlines()) == 1 and out.startswith(f"{good}: text")


def test_no_file_argument_is_one_line(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["info"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and len(err.splitlines()) == 1 and "FILE" in err


# ------------------------------------------------------------------ end to end in a subprocess
def test_subprocess_good_and_hostile(tmp_path):
    p, _ = _model(tmp_path)
    ok = _subprocess(p)
    assert ok.returncode == 0 and ok.stderr == "" and "GRU" in ok.stdout
    bad = tmp_path / "trunc.npz"
    bad.write_bytes(p.read_bytes()[:100])
    r = _subprocess(bad)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and str(bad) in r.stderr and "Traceback" not in r.stderr
