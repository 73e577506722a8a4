"""rnnviz.data.loaders: every bad input from issue 5 gets its own test, and every message names
the file or the field it is about."""
import json

import numpy as np
import pytest

from rnnviz.data import loaders, textfile
from rnnviz.data.loaders import (
    Cancelled,
    FileInfo,
    SeriesDataset,
    Table,
    load_labelled_dataset,
    load_series_dataset,
    load_text_dataset,
    read_labelled_csv,
    read_numeric_table,
    read_text_file,
    sniff_file,
)
from rnnviz.data.tokenize import CharTokenizer
from rnnviz.errors import RnnvizError

TEXT = "the quick brown fox jumps over the lazy dog.\n" * 20


def write(tmp_path, name, content):
    p = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    p.write_bytes(content)
    return p


def raises(path_or_field, fn, *args, match=None, **kwargs):
    """Call fn; it must raise RnnvizError whose message names ``path_or_field``."""
    with pytest.raises(RnnvizError) as info:
        fn(*args, **kwargs)
    msg = str(info.value)
    assert str(path_or_field) in msg, msg
    assert "\n" not in msg
    if match is not None:
        assert match.lower() in msg.lower(), msg
    return msg


# ================================================================== text files: encodings
def test_reads_plain_utf8(tmp_path):
    p = write(tmp_path, "a.txt", "héllo wörld ✓")
    assert read_text_file(p) == "héllo wörld ✓"
    assert read_text_file(str(p), with_encoding=True) == ("héllo wörld ✓", "UTF-8")


def test_reads_utf8_with_bom(tmp_path):
    p = write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + "héllo".encode())
    text, enc = read_text_file(p, with_encoding=True)
    assert text == "héllo" and enc == "UTF-8 with BOM"


@pytest.mark.parametrize("codec,bom,label", [("utf-16-le", b"\xff\xfe", "UTF-16 LE"),
                                             ("utf-16-be", b"\xfe\xff", "UTF-16 BE")])
def test_reads_utf16_with_bom(tmp_path, codec, bom, label):
    p = write(tmp_path, "u16.txt", bom + "héllo\r\nwörld 𝄞".encode(codec))
    text, enc = read_text_file(p, with_encoding=True)
    assert text == "héllo\nwörld 𝄞" and enc == label


def test_newlines_are_normalised_unless_asked(tmp_path):
    p = write(tmp_path, "crlf.txt", "a\r\nb\rc\n")
    assert read_text_file(p) == "a\nb\nc\n"
    assert read_text_file(p, normalise_newlines=False) == "a\r\nb\rc\n"


# ================================================================== text files: bad input
def test_empty_file(tmp_path):
    p = write(tmp_path, "empty.txt", b"")
    raises(p, read_text_file, p, match="empty")
    raises(p, load_text_dataset, p, match="empty")
    raises(p, sniff_file, p, match="empty")


def test_only_a_bom_is_empty(tmp_path):
    p = write(tmp_path, "bomonly.txt", b"\xef\xbb\xbf")
    raises(p, read_text_file, p, match="empty")


def test_whitespace_only_text_cannot_train(tmp_path):
    from rnnviz.data.text_datasets import TextLMDataset

    p = write(tmp_path, "blank.txt", " \n\t\n")
    msg = raises(p, load_text_dataset, p, match="the text holds only whitespace (4 spaces, tabs or line breaks)")
    for kind in ("char", "word"):  # before the tokenizer is fitted: the same message for either
        assert raises(p, load_text_dataset, p, kind=kind) == msg
    # one check, one message: the dataset's own, naming the file
    with pytest.raises(RnnvizError) as info:
        TextLMDataset(" \n\t\n", name=str(p))
    assert str(info.value) == msg == (f"{p}: the text holds only whitespace (4 spaces, tabs or line breaks); "
                                      "a language model needs some text to learn from")


def test_binary_file(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    p = write(tmp_path, "image.png", png)
    raises(p, read_text_file, p, match="binary")
    raises(p, sniff_file, p, match="binary")


def test_binary_without_nul_bytes_is_caught_by_control_characters(tmp_path):
    p = write(tmp_path, "ctrl.txt", bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15]) * 20 + b"abc")
    raises(p, read_text_file, p, match="binary")


def test_invalid_utf8_names_byte_and_offset(tmp_path):
    p = write(tmp_path, "latin1.txt", "café au lait".encode("latin-1"))
    msg = raises(p, read_text_file, p, match="not UTF-8 or UTF-16")
    assert "0xe9" in msg and "offset 3" in msg


def test_nul_bytes(tmp_path):
    p = write(tmp_path, "nul.txt", b"hello\x00world")
    msg = raises(p, read_text_file, p, match="NUL bytes")
    assert "binary" in msg and "offset 5" in msg


def test_nul_characters_inside_utf16(tmp_path):
    p = write(tmp_path, "nul16.txt", b"\xff\xfe" + "ab\x00c".encode("utf-16-le"))
    raises(p, read_text_file, p, match="NUL")


def test_broken_utf16(tmp_path):
    p = write(tmp_path, "odd16.txt", b"\xff\xfe" + "abc".encode("utf-16-le") + b"\x00\xd8")  # lone surrogate
    raises(p, read_text_file, p, match="UTF-16")


def test_utf32_is_refused_with_advice(tmp_path):
    p = write(tmp_path, "u32.txt", b"\xff\xfe\x00\x00" + "abc".encode("utf-32-le"))
    raises(p, read_text_file, p, match="UTF-32")


def test_missing_file(tmp_path):
    p = tmp_path / "nope.txt"
    raises(p, read_text_file, p, match="not found")
    raises(p, sniff_file, p, match="not found")
    raises(p, read_numeric_table, p, match="not found")
    raises(p, read_labelled_csv, p, match="not found")


def test_a_folder(tmp_path):
    raises(tmp_path, read_text_file, tmp_path, match="folder")
    raises(tmp_path, sniff_file, tmp_path, match="folder")


def _deny(monkeypatch):
    def denied(*a, **k):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(textfile, "open", denied, raising=False)


def test_permission_denied(tmp_path, monkeypatch):
    p = write(tmp_path, "secret.txt", TEXT)
    _deny(monkeypatch)
    raises(p, read_text_file, p, match="permission denied")
    raises(p, load_text_dataset, p, match="permission denied")
    raises(p, read_numeric_table, p, match="permission denied")


def test_permission_denied_on_a_model_file(tmp_path, monkeypatch):
    p = _model_file(tmp_path)
    _deny(monkeypatch)
    raises(p, sniff_file, p, match="permission denied")


def test_other_os_errors_are_named(tmp_path, monkeypatch):
    p = write(tmp_path, "a.txt", TEXT)

    def io_error(*a, **k):
        raise OSError(5, "Input/output error")
    monkeypatch.setattr(textfile, "open", io_error, raising=False)
    raises(p, read_text_file, p, match="Input/output error")


def test_size_cap(tmp_path):
    p = write(tmp_path, "big.txt", "x" * 5000)
    raises(p, read_text_file, p, max_bytes=1000, match="limit")
    raises("max_bytes", read_text_file, p, max_bytes=0)


def test_not_a_path():
    raises("path", read_text_file, 42)


# ================================================================== progress and cancel
def test_progress_reaches_one_and_increases(tmp_path):
    p = write(tmp_path, "big.txt", "abc\n" * (3 << 20 >> 2))  # 3 MiB: several chunks
    seen = []
    text = read_text_file(p, progress=lambda f: seen.append(f) or True)
    assert len(text) == 3 << 20
    assert seen[-1] == 1.0 and seen == sorted(seen) and len(seen) >= 4


def test_cancel_raises_cancelled_naming_the_file(tmp_path):
    p = write(tmp_path, "big.txt", "abc\n" * (3 << 20 >> 2))
    calls = []

    def progress(f):
        calls.append(f)
        return len(calls) < 2

    raises(p, read_text_file, p, progress=progress, match="cancelled")
    assert len(calls) == 2
    with pytest.raises(Cancelled):
        read_text_file(p, progress=lambda f: False)


def test_csv_progress_and_cancel(tmp_path):
    rows = "\n".join(f"{i},{i * 0.5}" for i in range(30000))
    p = write(tmp_path, "series.csv", "t,x\n" + rows + "\n")
    seen = []
    table = read_numeric_table(p, progress=lambda f: seen.append(f) or True)
    assert table.data.shape == (30000, 2) and seen[-1] == 1.0 and seen == sorted(seen)
    fired = []

    def cancel_in_parse(f):
        fired.append(f)
        return f < 0.5
    with pytest.raises(Cancelled, match="series.csv"):
        read_numeric_table(p, progress=cancel_in_parse)


# ================================================================== text datasets
def test_load_text_dataset_char(tmp_path):
    p = write(tmp_path, "fox.txt", TEXT)
    info, ds = load_text_dataset(p, kind="char", seq_len=16)
    assert isinstance(info, FileInfo) and info.kind == "text"
    assert info.details["vocab_size"] == ds.vocab_size == len(set(TEXT)) + 1
    assert info.details["tokens"] == len(TEXT) and info.details["unknown_tokens"] == 0
    b = ds.batch(16, 4, np.random.default_rng(0))
    assert b.x.shape == (16, 4) and np.array_equal(b.x[1:], b.y[:-1])


def test_load_text_dataset_word_with_cap_counts_unknowns(tmp_path):
    p = write(tmp_path, "fox.txt", TEXT)
    info, ds = load_text_dataset(p, kind="word", max_vocab=4)
    assert ds.vocab_size == 4 and info.details["kind"] == "word"
    assert info.details["unknown_tokens"] > 0 and info.details["unknown_examples"]
    assert "<unk>" in info.summary


def test_text_shorter_than_one_training_sequence(tmp_path):
    p = write(tmp_path, "short.txt", "hello")
    msg = raises(p, load_text_dataset, p, seq_len=50, match="shorter than one training sequence")
    assert "51" in msg


def test_validation_part_too_short_names_it(tmp_path):
    p = write(tmp_path, "medium.txt", "x" * 200)
    raises(p, load_text_dataset, p, seq_len=20, val_fraction=0.05, match="validation part")


def test_characters_outside_the_model_vocabulary(tmp_path):
    tok = CharTokenizer.from_text("abc ")
    p = write(tmp_path, "new.txt", "abc xyz abc ÿÿ")
    info, ds = load_text_dataset(p, tokenizer=tok)
    assert info.details["unknown_tokens"] == 5
    assert set(info.details["unknown_examples"]) == {"x", "y", "z", "ÿ"}
    assert info.details["unknown_examples"][0] == "ÿ"  # most common first
    assert ds.vocab_size == len(tok.vocab)
    assert "5 map to <unk>" in info.summary


@pytest.mark.parametrize("kwargs,field", [
    ({"kind": "byte"}, "kind"), ({"max_vocab": 1}, "max_vocab"), ({"max_vocab": 0}, "max_vocab"),
    ({"seq_len": 0}, "seq_len"), ({"seq_len": -3}, "seq_len"), ({"val_fraction": 1.0}, "val_fraction"),
    ({"tokenizer": "abc"}, "tokenizer"),
])
def test_text_hyperparameters_out_of_range(tmp_path, kwargs, field):
    p = write(tmp_path, "fox.txt", TEXT)
    raises(field, load_text_dataset, p, **kwargs)


# ================================================================== numeric CSV
SERIES = "time,x,y\n" + "\n".join(f"{i},{np.sin(i / 5):.5f},{np.cos(i / 5):.5f}" for i in range(200)) + "\n"


def test_numeric_csv_with_header(tmp_path):
    p = write(tmp_path, "s.csv", SERIES)
    t = read_numeric_table(p)
    assert t.columns == ["time", "x", "y"] and t.has_header and t.delimiter == ","
    assert t.data.shape == (200, 3) and t.data.dtype == np.float64 and t.data[3, 0] == 3.0


def test_numeric_csv_without_header(tmp_path):
    p = write(tmp_path, "s.csv", "1,2\n3,4\n\n5,6\n")
    t = read_numeric_table(p)
    assert not t.has_header and t.columns == ["column 1", "column 2"]
    assert t.data.tolist() == [[1, 2], [3, 4], [5, 6]]


@pytest.mark.parametrize("delim,name", [("\t", "tab"), (";", "semicolon"), (",", "comma")])
def test_delimiter_sniffing(tmp_path, delim, name):
    p = write(tmp_path, "s.txt", delim.join(["a", "b", "c"]) + "\n" + delim.join(["1", "2.5", "-3e2"]) + "\n")
    t = read_numeric_table(p)
    assert t.delimiter == delim and t.data.tolist() == [[1, 2.5, -300]]
    assert sniff_file(write(tmp_path, "s.tsv" if delim == "\t" else "s.csv", p.read_bytes())).details["delimiter"] == name


def test_semicolon_with_decimal_comma(tmp_path):
    p = write(tmp_path, "eu.csv", "a;b\n1,5;2\n3;4,25\n")
    t = read_numeric_table(p)
    assert t.decimal == "," and t.data.tolist() == [[1.5, 2], [3, 4.25]]


def test_utf16_csv(tmp_path):
    p = write(tmp_path, "u16.csv", b"\xff\xfe" + "a,b\r\n1,2\r\n".encode("utf-16-le"))
    t = read_numeric_table(p)
    assert t.encoding == "UTF-16 LE" and t.data.tolist() == [[1, 2]]


def test_csv_with_nan(tmp_path):
    p = write(tmp_path, "nan.csv", "a,b\n1,2\n3,NaN\n")
    msg = raises(p, read_numeric_table, p, match="NaN")
    assert "line 3" in msg and "column 2" in msg and "'b'" in msg


def test_csv_with_infinity(tmp_path):
    p = write(tmp_path, "inf.csv", "a,b\n1,2\n3,1e999\n")
    raises(p, read_numeric_table, p, match="finite")


def test_csv_with_empty_cell(tmp_path):
    p = write(tmp_path, "gap.csv", "a,b\n1,2\n3,\n5,6\n")
    msg = raises(p, read_numeric_table, p, match="is empty")
    assert "line 3" in msg and "column 2" in msg


def test_csv_with_text_in_numeric_column(tmp_path):
    p = write(tmp_path, "text.csv", "a,b\n1,2\n3,hello\n")
    msg = raises(p, read_numeric_table, p, match="text 'hello'")
    assert "line 3" in msg and "column 2 ('b')" in msg


def test_csv_text_in_first_row_hints_at_header(tmp_path):
    p = write(tmp_path, "mixed.csv", "time,2020\n1,2\n")
    raises(p, read_numeric_table, p, match="if this line is a header")


def test_csv_ragged_rows(tmp_path):
    p = write(tmp_path, "ragged.csv", "a,b,c\n1,2,3\n4,5\n")
    msg = raises(p, read_numeric_table, p, match="line 3 has 2 cell(s)")
    assert "the header has 3" in msg


def test_csv_only_a_header(tmp_path):
    p = write(tmp_path, "header.csv", "a,b\n")
    raises(p, read_numeric_table, p, match="no data rows")
    raises(p, sniff_file, p, match="no data rows")


def test_csv_only_blank_lines(tmp_path):
    p = write(tmp_path, "blank.csv", "\n \n\n")
    raises(p, read_numeric_table, p, match="blank")


def test_csv_one_column_is_a_univariate_series(tmp_path):
    p = write(tmp_path, "one.csv", "value\n" + "\n".join(str(i) for i in range(40)) + "\n")
    t = read_numeric_table(p)
    assert t.n_columns == 1
    ds = SeriesDataset(t, window=5, horizon=1, val_fraction=0.25)
    b = ds.batch(None, 3, 0)
    assert b.x.shape == (5, 3, 1) and b.y.shape == (5, 3, 1)
    np.testing.assert_allclose(ds.denormalise(b.y[:-1]), ds.denormalise(b.x[1:]), atol=1e-4)


def test_csv_one_column_refused_when_input_and_target_columns_are_needed(tmp_path):
    p = write(tmp_path, "one.csv", "value\n1\n2\n3\n")
    raises(p, read_numeric_table, p, min_columns=2, match="1 column(s) but needs at least 2")
    t = read_numeric_table(p)
    raises("target_columns", SeriesDataset, t, input_columns=[0], target_columns=[1], window=1)
    raises("horizon", SeriesDataset, t, window=1, horizon=0)


def test_unclosed_quote_is_reported(tmp_path):
    p = write(tmp_path, "q.csv", 'a,b\n1,"2\n' + "x" * (1 << 21) + "\n")
    raises(p, read_numeric_table, p)


# ================================================================== series dataset
def test_series_dataset_windows_and_normalisation(tmp_path):
    p = write(tmp_path, "s.csv", SERIES)
    info, ds = load_series_dataset(p, input_columns=["x", "y"], target_columns=["x"], window=20, horizon=2)
    assert info.kind == "series" and "200 rows" in info.summary
    norm = ds.normalisation
    assert norm["method"] == "zscore" and norm["columns"] == ["x", "y"]
    assert norm["input_columns"] == ["x", "y"] and norm["target_columns"] == ["x"]
    json.dumps(norm)  # storable with the model
    t = ds.table.data
    train = t[: ds.n_train]
    np.testing.assert_allclose(norm["mean"], train[:, 1:].mean(axis=0))
    np.testing.assert_allclose(norm["std"], train[:, 1:].std(axis=0))
    b = ds.batch(20, 8, np.random.default_rng(1))
    assert b.kind == "regression_each" and b.x.shape == (20, 8, 2) and b.y.shape == (20, 8, 1)
    assert b.x.dtype == np.float32
    # y is x shifted by the horizon
    np.testing.assert_allclose(b.y[:-2, :, 0], b.x[2:, :, 0], atol=1e-6)
    # validation windows come from the tail only
    vb = ds.validation_batch()
    assert vb.x.shape[0] == 20 and vb.x.shape[2] == 2
    assert ds.model_kwargs()["normalisation"] == norm and ds.model_kwargs()["input_size"] == 2


def test_series_constant_column_gets_std_one(tmp_path):
    p = write(tmp_path, "c.csv", "a,b\n" + "\n".join(f"{i},7" for i in range(30)))
    _, ds = load_series_dataset(p, window=3)
    assert ds.normalisation["std"][1] == 1.0


def test_series_without_normalisation(tmp_path):
    p = write(tmp_path, "s.csv", SERIES)
    _, ds = load_series_dataset(p, window=5, normalise=False)
    b = ds.batch(5, 2, 0)
    assert ds.normalisation["method"] == "none" and np.abs(b.x).max() > 10  # raw time column


@pytest.mark.parametrize("kwargs,field", [
    ({"window": 0}, "window"), ({"window": -1}, "window"), ({"window": 2.5}, "window"),
    ({"window": 500}, "window"), ({"horizon": -1}, "horizon"), ({"val_fraction": 1.0}, "val_fraction"),
    ({"val_fraction": -0.1}, "val_fraction"), ({"input_columns": ["nope"]}, "input_columns"),
    ({"target_columns": [7]}, "target_columns"), ({"input_columns": []}, "input_columns"),
    ({"input_columns": [0, "time"]}, "input_columns"), ({"target_columns": True}, "target_columns"),
])
def test_series_hyperparameters_out_of_range(tmp_path, kwargs, field):
    p = write(tmp_path, "s.csv", SERIES)
    t = read_numeric_table(p)
    raises(field, SeriesDataset, t, **kwargs)
    msg = raises(field, load_series_dataset, p, **kwargs)
    assert str(p) in msg


def test_series_window_too_long_suggests_a_maximum(tmp_path):
    p = write(tmp_path, "s.csv", SERIES)
    msg = raises(p, load_series_dataset, p, window=150, match="at most")
    assert "200 rows" in msg


@pytest.mark.parametrize("T,B,field", [(0, 4, "length"), (10, 0, "batch"), (10, 10_000, "batch"),
                                       (1000, 2, "length")])
def test_series_batch_out_of_range(tmp_path, T, B, field):
    p = write(tmp_path, "s.csv", SERIES)
    _, ds = load_series_dataset(p, window=10)
    raises(field, ds.batch, T, B, 0)


def test_series_batch_larger_than_the_data(tmp_path):
    p = write(tmp_path, "small.csv", "x\n" + "\n".join(str(i) for i in range(30)))
    _, ds = load_series_dataset(p, window=5, val_fraction=0)
    assert ds.n_windows() == 30 - 5 - 1 + 1
    ds.batch(5, ds.n_windows(), 0)
    raises("batch", ds.batch, 5, ds.n_windows() + 1, 0, match="at most 25")


def test_series_table_argument_checked():
    raises("table", SeriesDataset, np.zeros((10, 2)))


# ================================================================== labelled CSV
LABELLED = 'text,label\n"good, very good",pos\nawful film,neg\nfine,pos\nmeh,neutral\n'


def test_labelled_csv_maps_string_labels_sorted(tmp_path):
    p = write(tmp_path, "l.csv", LABELLED)
    pairs, names = read_labelled_csv(p)
    assert names == ["neg", "neutral", "pos"]
    assert pairs[0] == ("good, very good", 2) and pairs[1] == ("awful film", 0)


def test_labelled_csv_numeric_labels_sorted_numerically_without_header(tmp_path):
    p = write(tmp_path, "l.csv", "a,10\nb,2\nc,10\n")
    pairs, names = read_labelled_csv(p)
    assert names == ["2", "10"] and [lab for _, lab in pairs] == [1, 0, 1]


def test_labelled_csv_header_decides_column_order(tmp_path):
    p = write(tmp_path, "l.tsv", "label\treview\npos\tnice one\nneg\tbad one\n")
    pairs, names = read_labelled_csv(p)
    assert pairs == [("nice one", 1), ("bad one", 0)]


def test_labelled_csv_single_class(tmp_path):
    p = write(tmp_path, "one.csv", "text,label\nhi,pos\nho,pos\n")
    raises(p, read_labelled_csv, p, match="at least two classes")
    raises(p, load_labelled_dataset, p, match="at least two classes")


def test_labelled_csv_empty_text_cell(tmp_path):
    p = write(tmp_path, "e.csv", "text,label\nhi,pos\n,neg\n")
    raises(p, read_labelled_csv, p, match="line 3: the text cell is empty")


def test_labelled_csv_empty_label_cell(tmp_path):
    p = write(tmp_path, "e.csv", "text,label\nhi,pos\nho,\n")
    raises(p, read_labelled_csv, p, match="label cell is empty")


def test_labelled_csv_unquoted_comma_is_a_ragged_row(tmp_path):
    p = write(tmp_path, "r.csv", "text,label\nhi,pos\nhello, world,neg\n")
    raises(p, read_labelled_csv, p, match="quotes")


def test_labelled_csv_header_only(tmp_path):
    p = write(tmp_path, "h.csv", "text,label\n")
    raises(p, read_labelled_csv, p, match="no rows")


def test_labelled_csv_too_many_columns_without_header(tmp_path):
    p = write(tmp_path, "w.csv", "a,b,c\nd,e,f\n")
    raises(p, read_labelled_csv, p, match="two columns")


def test_load_labelled_dataset(tmp_path):
    header, body = LABELLED.split("\n", 1)
    p = write(tmp_path, "l.csv", header + "\n" + body * 3)
    info, ds = load_labelled_dataset(p)
    assert info.kind == "labelled" and info.details["class_counts"] == {"neg": 3, "neutral": 3, "pos": 6}
    assert ds.class_names == ["neg", "neutral", "pos"] and ds.n_classes == 3
    b = ds.batch(4, 0)
    assert b.kind == "classification_last" and b.y.shape == (4,)


@pytest.mark.parametrize("kwargs,field", [({"kind": "bytes"}, "kind"), ({"max_vocab": 1}, "max_vocab"),
                                          ({"val_fraction": 2}, "val_fraction")])
def test_labelled_hyperparameters_out_of_range(tmp_path, kwargs, field):
    p = write(tmp_path, "l.csv", LABELLED)
    raises(field, load_labelled_dataset, p, **kwargs)


# ================================================================== sniff_file
def _model_file(tmp_path, name="m.npz", **kw):
    from rnnviz.engine.model import SequenceModel

    tok = CharTokenizer.from_text("hello world")
    m = SequenceModel("lstm", len(tok.vocab), [8, 6], len(tok.vocab), encoding="onehot", tokenizer=tok, **kw)
    p = tmp_path / name
    m.save(p)
    return p


def test_sniff_model(tmp_path):
    p = _model_file(tmp_path)
    info = sniff_file(p)
    d = info.details
    assert info.kind == "model" and d["cell"] == "lstm" and d["hidden_size"] == [8, 6] and d["layers"] == 2
    assert d["tokenizer"] == "char" and d["vocab_size"] == 9 and d["input_size"] == 9
    from rnnviz.engine.model import load_model

    assert d["parameters"] == sum(v.size for v in load_model(p).params.values())
    assert "LSTM" in info.summary and "parameters" in info.summary


def test_sniff_safetensors_guesses_pytorch_module(tmp_path):
    from safetensors.numpy import save_file

    H, D = 5, 3
    state = {"lstm.weight_ih_l0": np.zeros((4 * H, D), np.float32), "lstm.weight_hh_l0": np.zeros((4 * H, H), np.float32),
             "lstm.bias_ih_l0": np.zeros(4 * H, np.float32), "lstm.bias_hh_l0": np.zeros(4 * H, np.float32),
             "lstm.weight_ih_l0_reverse": np.zeros((4 * H, D), np.float32),
             "lstm.weight_hh_l0_reverse": np.zeros((4 * H, H), np.float32),
             "fc.weight": np.zeros((2, 2 * H), np.float32)}
    p = tmp_path / "w.safetensors"
    save_file(state, str(p))
    info = sniff_file(p)
    assert info.kind == "weights"
    assert info.details["guess"] == {"prefix": "lstm", "cell": "lstm", "input_size": 3, "hidden_size": 5,
                                     "num_layers": 1, "bidirectional": True}
    assert "nn.LSTM(input_size=3, hidden_size=5" in info.summary
    assert info.details["shapes"]["fc.weight"] == [2, 10]


def test_sniff_gru_weights_without_prefix(tmp_path):
    from safetensors.numpy import save_file

    p = tmp_path / "g.safetensors"
    save_file({f"weight_ih_l{k}": np.zeros((12, 4), np.float32) for k in range(2)} |
              {f"weight_hh_l{k}": np.zeros((12, 4), np.float32) for k in range(2)}, str(p))
    g = sniff_file(p).details["guess"]
    assert g["cell"] == "gru" and g["num_layers"] == 2 and g["hidden_size"] == 4


def test_sniff_bad_safetensors(tmp_path):
    p = write(tmp_path, "bad.safetensors", b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")
    raises(p, sniff_file, p, match="safetensors")


def test_sniff_pt_file_refused_without_loading(tmp_path):
    p = write(tmp_path, "w.pt", b"\x80\x04\x95 pickle bytes")
    raises(p, sniff_file, p, match="pickle")


def test_sniff_text(tmp_path):
    p = write(tmp_path, "fox.txt", TEXT)
    info = sniff_file(p)
    d = info.details
    assert info.kind == "text" and d["characters"] == len(TEXT) and d["words"] == 9 * 20
    assert d["char_vocabulary"] == len(set(TEXT)) and d["word_vocabulary"] == 9 and d["encoding"] == "UTF-8"


def test_sniff_series_and_labelled(tmp_path):
    s = sniff_file(write(tmp_path, "s.csv", SERIES))
    assert s.kind == "series" and s.details["rows"] == 200 and s.details["columns"] == ["time", "x", "y"]
    lab = sniff_file(write(tmp_path, "l.csv", LABELLED))
    assert lab.kind == "labelled" and lab.details["class_counts"] == {"neg": 1, "neutral": 1, "pos": 2}
    two = sniff_file(write(tmp_path, "two.csv", "great movie,1\nawful,0\nok I guess,1\n"))
    assert two.kind == "labelled" and two.details["classes"] == 2


def test_sniff_csv_with_text_in_numeric_column_reports_the_cell(tmp_path):
    p = write(tmp_path, "bad.csv", "a,b,c\n1,2,3\n4,oops,6\n")
    raises(p, sniff_file, p, match="text 'oops'")


def test_word_counts_estimated_for_long_texts(tmp_path, monkeypatch):
    monkeypatch.setattr(loaders, "EXACT_WORDS_CHARS", 10)
    p = write(tmp_path, "fox.txt", TEXT)
    d = sniff_file(p).details
    assert d["word_counts_exact"] is False and d["word_vocabulary"] == 9


def test_table_column_index():
    t = Table(columns=["a", "b"], data=np.zeros((3, 2)), has_header=True, delimiter=",")
    assert t.column_index("b") == 1 and t.column_index(-1) == 1
    raises("col", t.column_index, 2.0, "col")


def test_series_values_too_large_to_train_on(tmp_path):
    p = write(tmp_path, "huge.csv", "a,b\n" + "\n".join(f"{i},{1e308 if i % 2 else -1e308}" for i in range(20)))
    t = read_numeric_table(p)
    assert t.data.shape == (20, 2)
    raises(p, SeriesDataset, t, window=2, match="column 'b' holds values too large")
    raises(p, SeriesDataset, t, window=2, normalise=False, match="too large")


def test_multiline_header_cell_becomes_one_line_name(tmp_path):
    p = write(tmp_path, "ml.csv", 'a,"b\nc"\n1,2\n')
    assert read_numeric_table(p).columns == ["a", "b c"]


def test_fast_and_slow_csv_paths_agree_across_chunks(tmp_path, monkeypatch):
    from rnnviz.data import csv_series

    monkeypatch.setattr(csv_series, "_FAST_CHUNK_CHARS", 64)
    rows = [f"{i},{i / 7:.4f}" for i in range(300)]
    p = write(tmp_path, "s.csv", "a,b\n" + "\n".join(rows) + "\n   \n")  # a white-space line -> slow path
    fast = read_numeric_table(write(tmp_path, "f.csv", "a,b\n" + "\n".join(rows) + "\n"))
    slow = read_numeric_table(p)
    assert np.array_equal(fast.data, slow.data) and fast.data.shape == (300, 2)
    rows[250] = "250,oops"
    p = write(tmp_path, "bad.csv", "a,b\n" + "\n".join(rows) + "\n")
    raises(p, read_numeric_table, p, match="line 252, column 2 ('b') holds text 'oops'")
