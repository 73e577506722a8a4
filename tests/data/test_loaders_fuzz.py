"""Property-based tests: arbitrary bytes and CSV-shaped text fed to the tokenisers and loaders.

Whatever the input, nothing escapes but RnnvizError (the app's own error type), and every
RnnvizError from a file loader is one line starting with the file's path.
"""
import contextlib
import io
import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnviz.cli import main
from rnnviz.data.loaders import (
    SeriesDataset,
    load_labelled_dataset,
    load_series_dataset,
    load_text_dataset,
    read_labelled_csv,
    read_numeric_table,
    read_text_file,
    sniff_file,
)
from rnnviz.data.tokenize import CharTokenizer, WordTokenizer, tokenizer_from_config
from rnnviz.errors import RnnvizError

# RNNVIZ_FUZZ_EXAMPLES=5000 for a longer hunt.
FUZZ = settings(max_examples=int(os.environ.get("RNNVIZ_FUZZ_EXAMPLES", "150")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SUFFIXES = [".txt", ".csv", ".tsv", ".npz", ".safetensors", ""]

# Bytes that look like the start of known formats, so the fuzzer reaches the deeper branches.
PREFIXES = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"PK\x03\x04", b"PK\x05\x06" + b"\x00" * 16,
            b"\x10\x00\x00\x00\x00\x00\x00\x00{", b"a,b\n", b"text,label\n", b"\x93NUMPY"]


def only_rnnviz_errors(path, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except RnnvizError as exc:
        msg = str(exc)
        assert str(path) in msg or msg.split(":")[0] in {"path", "window", "horizon", "length", "batch",
                                                         "input_columns", "target_columns"}, msg
        assert "\n" not in msg, msg
        return None


def _write(tmp_path, suffix, data: bytes):
    p = tmp_path / f"fuzz{suffix}"
    p.write_bytes(data)
    return p


@FUZZ
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=600), suffix=st.sampled_from(SUFFIXES))
def test_arbitrary_bytes_through_every_loader(tmp_path, prefix, body, suffix):
    p = _write(tmp_path, suffix, prefix + body)
    text = only_rnnviz_errors(p, read_text_file, p)
    assert text is None or isinstance(text, str)
    only_rnnviz_errors(p, sniff_file, p)
    only_rnnviz_errors(p, read_numeric_table, p)
    only_rnnviz_errors(p, read_labelled_csv, p)
    only_rnnviz_errors(p, load_text_dataset, p, kind="word", seq_len=3)
    only_rnnviz_errors(p, load_text_dataset, p, kind="char", max_vocab=5)


@FUZZ
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=400), suffix=st.sampled_from(SUFFIXES))
def test_arbitrary_bytes_through_rnnviz_info(tmp_path, prefix, body, suffix):
    p = _write(tmp_path, suffix, prefix + body)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(["info", str(p)])
    assert rc in (0, 2)
    if rc == 2:
        assert len(err.getvalue().splitlines()) == 1 and str(p) in err.getvalue()
        assert out.getvalue() == ""
    else:
        assert err.getvalue() == "" and out.getvalue().startswith(f"{p}: ")


CELL = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**6, 10**6).map(str),
    st.sampled_from(["", " ", "nan", "NaN", "inf", "-", "x", "1,5", "\"1\"", "\"a,b\"", "\"", "1e999", "١٢"]),
    st.text(alphabet="0123456789.,;\t-+eE \"abc", max_size=6),
)


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=0, max_size=12),
       delimiter=st.sampled_from([",", "\t", ";"]), header=st.booleans(), suffix=st.sampled_from([".csv", ".tsv"]),
       window=st.integers(-1, 6), horizon=st.integers(-1, 3), batch=st.integers(0, 8))
def test_csv_shaped_text(tmp_path, rows, delimiter, header, suffix, window, horizon, batch):
    lines = ([delimiter.join(f"c{j}" for j in range(len(rows[0])))] if header and rows else [])
    lines += [delimiter.join(r) for r in rows]
    p = _write(tmp_path, suffix, ("\n".join(lines) + "\n").encode("utf-8"))
    table = only_rnnviz_errors(p, read_numeric_table, p)
    if table is not None:
        assert table.data.ndim == 2 and np.isfinite(table.data).all()
        assert len(table.columns) == table.data.shape[1] and table.data.shape[0] >= 1
        ds = only_rnnviz_errors(p, SeriesDataset, table, window=window, horizon=horizon)
        if ds is not None:
            b = only_rnnviz_errors(p, ds.batch, None, batch, 0)
            if b is not None:
                assert b.x.shape == (window, batch, table.n_columns) and np.isfinite(b.x).all()
    only_rnnviz_errors(p, load_series_dataset, p, window=max(1, window))
    only_rnnviz_errors(p, sniff_file, p)
    only_rnnviz_errors(p, load_labelled_dataset, p)


@FUZZ
@given(texts=st.lists(st.text(max_size=30), min_size=0, max_size=8),
       labels=st.lists(st.text(max_size=5), min_size=0, max_size=8))
def test_labelled_csv_written_by_the_csv_module(tmp_path, texts, labels):
    import csv

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["text", "label"])
    for t, lab in zip(texts, labels):
        w.writerow([t, lab])
    p = _write(tmp_path, ".csv", buf.getvalue().encode("utf-8", "surrogatepass"))
    res = only_rnnviz_errors(p, read_labelled_csv, p)
    if res is not None:
        pairs, names = res
        assert len(names) >= 2 and all(0 <= lab < len(names) for _, lab in pairs)
        assert names == sorted(set(names), key=names.index)  # unique
        assert {names[lab] for _, lab in pairs} == set(names)


# ------------------------------------------------------------------ tokenisers
@FUZZ
@given(corpus=st.text(max_size=200), other=st.text(max_size=200), max_vocab=st.one_of(st.none(), st.integers(-2, 20)),
       kind=st.sampled_from([CharTokenizer, WordTokenizer]))
def test_tokenisers_never_raise_anything_else(corpus, other, max_vocab, kind):
    try:
        tok = kind.from_text(corpus, max_vocab=max_vocab)
    except RnnvizError:
        return
    ids = tok.encode(other)
    assert ids.dtype == np.int64 and ((ids >= 0) & (ids < len(tok.vocab))).all()
    assert len(tok.spans(other)) == len(ids) == len(tok.tokenize(other))
    text = tok.decode(ids)
    assert isinstance(text, str)
    assert tokenizer_from_config(tok.to_config()) == tok
    if kind is CharTokenizer and max_vocab is None:
        assert tok.decode(tok.encode(corpus)) == corpus


@FUZZ
@given(data=st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(max_size=200).map(lambda t: b"\xff\xfe" + t.encode("utf-16-le", "surrogatepass")),
    st.text(max_size=200).map(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8", "surrogatepass"))))
def test_tokenisers_on_decoded_files(tmp_path, data):
    p = _write(tmp_path, ".txt", data)
    text = only_rnnviz_errors(p, read_text_file, p)
    if text is None:
        return
    for kind in ("char", "word"):
        res = only_rnnviz_errors(p, load_text_dataset, p, kind=kind, seq_len=2, val_fraction=0.0)
        if res is not None:
            info, ds = res
            assert info.details["tokens"] >= 3 and ds.vocab_size == info.details["vocab_size"]
            b = ds.batch(2, 3, 0)
            assert b.x.shape == (2, 3)


@FUZZ
@given(cfg=st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
                        lambda c: st.one_of(st.lists(c, max_size=4), st.dictionaries(st.text(max_size=6), c, max_size=4)),
                        max_leaves=12),
       kind=st.sampled_from(["char", "word", None]))
def test_tokenizer_from_arbitrary_config(cfg, kind):
    if isinstance(cfg, dict) and kind is not None:
        cfg = {**cfg, "kind": kind}
    try:
        tok = tokenizer_from_config(cfg)
    except RnnvizError:
        return
    assert tok.vocab[0] == "<unk>"
