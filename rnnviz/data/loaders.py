"""Loading the user's own files: texts, numeric series, labelled sentences, models and weights.

NumPy only (no Qt): the GUI runs these in a background thread and ``rnnviz info`` runs them
headless, so both show the same messages. Every problem raises
:class:`rnnviz.errors.RnnvizError` with one line that starts with the file's path and says what
is wrong and what to do; a cancelled load raises :class:`Cancelled` (also an RnnvizError).

Public API::

    read_text_file(path, max_bytes=MAX_TEXT_BYTES, progress=None, normalise_newlines=True,
                   with_encoding=False) -> str | (str, encoding)
    load_text_dataset(path, kind="char", max_vocab=None, seq_len=None, tokenizer=None,
                      val_fraction=0.05, progress=None, max_bytes=MAX_TEXT_BYTES)
        -> (FileInfo, TextLMDataset)
    read_numeric_table(path, progress=None, min_columns=1, max_bytes=MAX_TEXT_BYTES) -> Table
    load_series_dataset(path, input_columns=None, target_columns=None, window=50, horizon=1,
                        normalise=True, val_fraction=0.2, progress=None) -> (FileInfo, SeriesDataset)
    read_labelled_csv(path, progress=None, max_bytes=MAX_TEXT_BYTES) -> (pairs, class_names)
    load_labelled_dataset(path, kind="word", max_vocab=None, tokenizer=None, val_fraction=0.1,
                          progress=None) -> (FileInfo, LabelledTextDataset)
    sniff_file(path, progress=None) -> FileInfo(kind, summary, details)

``progress(fraction) -> bool`` is called with 0..1 while reading and parsing; returning
``False`` cancels.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rnnviz.data._checks import check_float, check_int
from rnnviz.data.csv_series import (
    DELIMITER_NAMES,
    SeriesDataset,
    Table,
    _is_number,
    _sample_lines,
    _sample_rows,
    iter_csv_rows,
    read_numeric_table,
    sniff_delimiter,
    table_from_text,
)
from rnnviz.data.textfile import (
    MAX_TEXT_BYTES,
    Cancelled,
    Progress,
    _open_binary,
    check_readable,
    human_bytes,
    os_error_message,
    read_text_file,
    report,
    scaled,
)
from rnnviz.errors import RnnvizError

__all__ = [
    "MAX_TEXT_BYTES", "Cancelled", "FileInfo", "Table", "SeriesDataset",
    "read_text_file", "load_text_dataset", "read_numeric_table", "load_series_dataset",
    "read_labelled_csv", "load_labelled_dataset", "sniff_file", "text_stats",
]

KINDS = ("model", "text", "series", "labelled", "weights")
TEXT_HEADER_NAMES = frozenset({"text", "sentence", "sentences", "review", "document", "comment", "tweet",
                               "content", "message", "body"})
LABEL_HEADER_NAMES = frozenset({"label", "labels", "class", "category", "sentiment", "tag"})
MAX_CLASSES = 1000
#: Texts up to this many characters get exact word counts with the WordTokenizer's rules;
#: longer ones a faster regular-expression estimate.
EXACT_WORDS_CHARS = 2_000_000
_PUNCT = "!\"#$%&()*+,-./:;<=>?@[\\]^`{|}~"
_PUNCT_TO_SPACE = str.maketrans(_PUNCT, " " * len(_PUNCT))


@dataclass
class FileInfo:
    """What a file is.

    kind: ``"model"`` | ``"text"`` | ``"series"`` | ``"labelled"`` | ``"weights"``;
    summary: one line for a status bar; details: JSON-serialisable facts (sizes, counts,
    vocabulary, columns, classes ...); path: the file.
    """

    kind: str
    summary: str
    details: dict = field(default_factory=dict)
    path: str = ""


def _name(path) -> str:
    return str(Path(path))


def _n(v: int) -> str:
    return f"{v:,}"


# ====================================================================== text
def text_stats(text: str) -> dict:
    """Counts for a text: characters, lines, words (split on white space), distinct characters
    and distinct word tokens (WordTokenizer rules; estimated for very long texts)."""
    from rnnviz.data.tokenize import WordTokenizer

    n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if len(text) <= EXACT_WORDS_CHARS:
        word_tokens = WordTokenizer(["<unk>"]).tokenize(text)
        exact = True
        n_tokens, vocab = len(word_tokens), len(set(word_tokens))
        chars = set(text)
    else:  # estimate with fast C string methods: ASCII punctuation marks are tokens, the rest split on space
        chars = set(text)
        punct = [c for c in _PUNCT if c in chars]
        words = text.lower().translate(_PUNCT_TO_SPACE).split()
        n_tokens = len(words) + sum(text.count(c) for c in punct)
        vocab = len(set(words)) + len(punct)
        exact = False
    return {"characters": len(text), "lines": n_lines, "words": len(text.split()),
            "word_tokens": n_tokens, "char_vocabulary": len(chars),
            "word_vocabulary": vocab, "word_counts_exact": exact}


def _text_summary(name: str, encoding: str, st: dict) -> str:
    return (f"text ({encoding}): {_n(st['characters'])} characters, {_n(st['words'])} words, "
            f"{_n(st['lines'])} lines; {_n(st['char_vocabulary'])} distinct characters, "
            f"{_n(st['word_vocabulary'])} distinct words")


def _check_tokenizer(tokenizer) -> None:
    if tokenizer is not None and not (hasattr(tokenizer, "encode") and hasattr(tokenizer, "vocab")):
        raise RnnvizError(f"tokenizer: expected a CharTokenizer or WordTokenizer, got {type(tokenizer).__name__}")


def _unknown_report(tokenizer, text: str, ids: np.ndarray) -> dict:
    """How many tokens map to ``<unk>`` and the most common of them."""
    n_unknown = int(np.count_nonzero(ids == 0))
    examples: list[str] = []
    if n_unknown:
        if tokenizer.kind == "char":
            counts = Counter(text)
            unknown = Counter({c: k for c, k in counts.items() if tokenizer.is_unknown(c)})
        else:
            unknown = Counter(t for t in tokenizer.tokenize(text) if tokenizer.is_unknown(t))
        examples = [t for t, _ in unknown.most_common(10)]
    return {"unknown_tokens": n_unknown, "unknown_examples": examples}


def load_text_dataset(path, kind: str = "char", max_vocab: int | None = None, seq_len: int | None = None,
                      tokenizer=None, val_fraction: float = 0.05, progress: Progress | None = None,
                      max_bytes: int = MAX_TEXT_BYTES):
    """Read a text file for next-token language modelling.

    Args:
        path: the text file (UTF-8, UTF-8 BOM, UTF-16 BOM).
        kind: ``"char"`` or ``"word"`` tokens (ignored when ``tokenizer`` is given).
        max_vocab: vocabulary cap including ``"<unk>"`` (>= 2), or None for every token.
        seq_len: the training sequence length T; the text's training and validation parts
            must each hold at least ``seq_len + 1`` tokens.
        tokenizer: an existing tokenizer (e.g. a loaded model's); tokens outside its
            vocabulary map to ``"<unk>"`` and the info says how many.
        val_fraction: the tail held out for validation (0 <= f < 1).
        progress: ``progress(fraction) -> bool``; returning False cancels.

    Returns:
        ``(FileInfo, TextLMDataset)``; ``info.details`` holds the text statistics plus
        ``kind``, ``tokens``, ``vocab_size``, ``unknown_tokens`` and ``unknown_examples``.
    """
    from rnnviz.data.text_datasets import TOKENIZERS, TextLMDataset, check_lm_text

    _check_tokenizer(tokenizer)
    if tokenizer is None and kind not in TOKENIZERS:
        raise RnnvizError(f"kind: expected 'char' or 'word', got {kind!r}")
    if max_vocab is not None:
        max_vocab = check_int("max_vocab", max_vocab, minimum=2)
    if seq_len is not None:
        seq_len = check_int("seq_len", seq_len, minimum=1)
    val_fraction = check_float("val_fraction", val_fraction, minimum=0.0, maximum=1.0, max_exclusive=True)
    name = _name(path)
    text, encoding = read_text_file(path, max_bytes=max_bytes, progress=scaled(progress, 0.0, 0.6),
                                    with_encoding=True)
    check_lm_text(text, name)  # before fitting a tokenizer, which would say less
    try:
        if tokenizer is None:
            tokenizer = TOKENIZERS[kind].from_text(text, max_vocab=max_vocab)
        report(progress, 0.8, name)
        ds = TextLMDataset(text, tokenizer=tokenizer, val_fraction=val_fraction, name=name)
    except Cancelled:
        raise
    except RnnvizError as exc:
        msg = str(exc)
        raise RnnvizError(msg if msg.startswith(f"{name}: ") else f"{name}: {msg}") from None
    ids = ds.train_ids if ds.val_ids is ds.train_ids else np.concatenate([ds.train_ids, ds.val_ids])
    if seq_len is not None:
        for part, part_ids in (("training", ds.train_ids), ("validation", ds.val_ids)):
            if len(part_ids) < seq_len + 1:
                what = "the text" if part_ids is ids else f"the {part} part of the text"
                shortest = min(len(ds.train_ids), len(ds.val_ids))
                raise RnnvizError(
                    f"{name}: {what} has {len(part_ids)} {tokenizer.kind} tokens, shorter than one training "
                    f"sequence of seq_len + 1 = {seq_len + 1}; use a sequence length of at most "
                    f"{max(1, shortest - 1)} or a longer text")
    st = text_stats(text)
    details = {"path": name, "encoding": encoding, **st, "kind": tokenizer.kind, "tokens": int(len(ids)),
               "vocab_size": int(ds.vocab_size), "max_vocab": max_vocab,
               **_unknown_report(tokenizer, text, ids)}
    summary = _text_summary(name, encoding, st) + (
        f"; {tokenizer.kind} vocabulary {_n(ds.vocab_size)}, {_n(len(ids))} tokens"
        + (f", {_n(details['unknown_tokens'])} map to <unk>" if details["unknown_tokens"] else ""))
    report(progress, 1.0, name)
    return FileInfo("text", summary, details, name), ds


# ====================================================================== series
def _series_details(table: Table) -> dict:
    return {"path": table.path, **table.describe()}


def _series_summary(table: Table) -> str:
    head = "header" if table.has_header else "no header"
    cols = ", ".join(table.columns[:8]) + (", …" if table.n_columns > 8 else "")
    return (f"numeric table ({DELIMITER_NAMES.get(table.delimiter, table.delimiter)}-separated, {head}): "
            f"{_n(table.n_rows)} rows × {table.n_columns} column{'s' if table.n_columns != 1 else ''}: {cols}")


def load_series_dataset(path, input_columns=None, target_columns=None, window: int = 50, horizon: int = 1,
                        normalise: bool = True, val_fraction: float = 0.2, progress: Progress | None = None):
    """Read a numeric CSV/TSV and cut it into windows: ``(FileInfo, SeriesDataset)``.

    Arguments as :class:`SeriesDataset`; errors about columns, window or horizon name the file too.
    ``info.details["normalisation"]`` is the per-column mean/std to show the user.
    """
    name = _name(path)
    table = read_numeric_table(path, progress=progress)
    try:
        ds = SeriesDataset(table, input_columns, target_columns, window=window, horizon=horizon,
                           normalise=normalise, val_fraction=val_fraction)
    except RnnvizError as exc:
        msg = str(exc)
        raise RnnvizError(msg if msg.startswith(name) or name in msg else f"{name}: {msg}") from None
    details = {**_series_details(table), "dataset": ds.describe()}
    return FileInfo("series", _series_summary(table), details, name), ds


# ====================================================================== labelled
def _header_columns(cells: list[str]) -> tuple[int, int] | None:
    low = [c.strip().lower() for c in cells]
    text_col = next((j for j, c in enumerate(low) if c in TEXT_HEADER_NAMES), None)
    label_col = next((j for j, c in enumerate(low) if c in LABEL_HEADER_NAMES), None)
    if label_col is None:
        return None
    if text_col is None:
        if len(cells) != 2:
            return None
        text_col = 1 - label_col
    if text_col == label_col:
        return None
    return text_col, label_col


def _sorted_labels(labels: list[str]) -> list[str]:
    try:
        as_int = {lab: int(lab) for lab in labels}
        return sorted(labels, key=lambda s: as_int[s])
    except ValueError:
        pass
    try:
        as_float = {lab: float(lab) for lab in labels}
        return sorted(labels, key=lambda s: as_float[s])
    except ValueError:
        return sorted(labels)


def labelled_from_text(text: str, name: str, suffix: str = "", progress: Progress | None = None):
    """Parse the text of a labelled CSV (see :func:`read_labelled_csv`) -> ``(pairs, class_names)``."""
    delimiter, _ = sniff_delimiter(text, suffix, columns=2)
    rows = iter_csv_rows(text, delimiter, name, progress)
    first = next(rows, None)
    if first is None:
        raise RnnvizError(f"{name}: holds only blank lines; it needs rows of text,label")
    line0, cells0 = first
    cols = _header_columns(cells0)
    has_header = cols is not None
    if cols is None:
        if len(cells0) != 2:
            raise RnnvizError(
                f"{name}: line {line0} has {len(cells0)} cell(s); a labelled CSV has two columns, text and label "
                f"({DELIMITER_NAMES[delimiter]}-separated; put texts that contain the delimiter in \"quotes\")")
        cols = (0, 1)
    n_cols = len(cells0)
    text_col, label_col = cols
    texts: list[str] = []
    labels: list[str] = []
    body = rows if has_header else _chain_first(first, rows)
    for line, cells in body:
        if len(cells) != n_cols:
            raise RnnvizError(
                f"{name}: line {line} has {len(cells)} cell(s) but {'the header' if has_header else f'line {line0}'} "
                f"has {n_cols}; put texts that contain the delimiter ({DELIMITER_NAMES[delimiter]}) in \"quotes\"")
        t, lab = cells[text_col].strip(), cells[label_col].strip()
        if not t:
            raise RnnvizError(f"{name}: line {line}: the text cell is empty; every row needs a text and a label")
        if not lab:
            raise RnnvizError(f"{name}: line {line}: the label cell is empty; every row needs a text and a label")
        texts.append(t)
        labels.append(lab)
    if not texts:
        raise RnnvizError(f"{name}: has a header line but no rows; add rows of text,label below it")
    counts = Counter(labels)
    if len(counts) < 2:
        raise RnnvizError(
            f"{name}: every row has the label {labels[0]!r}; classification needs at least two classes — "
            "add examples of another class")
    if len(counts) > MAX_CLASSES:
        raise RnnvizError(
            f"{name}: the label column has {len(counts)} different values (at most {MAX_CLASSES}); "
            "is the label in the second column?")
    class_names = _sorted_labels(list(counts))
    index = {c: i for i, c in enumerate(class_names)}
    return [(t, index[lab]) for t, lab in zip(texts, labels)], class_names


def _chain_first(first, rest):
    yield first
    yield from rest


def read_labelled_csv(path, progress: Progress | None = None, max_bytes: int = MAX_TEXT_BYTES):
    """Read a labelled text CSV/TSV: rows of ``text,label``.

    A first line naming the columns (``text,label``, ``sentence,class``, ``label,review`` ...)
    is a header and says which column is which; without one the text is the first column.
    Quotes follow the csv module (``"a, b",pos``). Labels may be any strings: they are mapped
    to ints 0..C-1 in sorted order (numerically when every label is a number).

    Returns:
        ``(pairs, class_names)``: ``pairs`` a list of ``(text, label_id)``, ``class_names`` the
        C sorted label strings.

    Raises:
        RnnvizError naming the file (and line): empty text/label cells, a row with the wrong
        number of cells, no rows, a single class.
    """
    name = _name(path)
    text = read_text_file(path, max_bytes=max_bytes, progress=scaled(progress, 0.0, 0.4))
    return labelled_from_text(text, name, Path(path).suffix, scaled(progress, 0.4, 1.0))


def _labelled_details(name: str, pairs, class_names) -> dict:
    counts = np.bincount([lab for _, lab in pairs], minlength=len(class_names))
    lengths = [len(t) for t, _ in pairs]
    return {"path": name, "rows": len(pairs), "classes": len(class_names), "class_names": list(class_names),
            "class_counts": {c: int(k) for c, k in zip(class_names, counts)},
            "mean_text_characters": float(np.mean(lengths)), "max_text_characters": int(max(lengths))}


def _labelled_summary(d: dict) -> str:
    shown = ", ".join(f"{c} {k}" for c, k in list(d["class_counts"].items())[:10])
    more = ", …" if d["classes"] > 10 else ""
    return f"labelled text: {_n(d['rows'])} rows, {d['classes']} classes: {shown}{more}"


def load_labelled_dataset(path, kind: str = "word", max_vocab: int | None = None, tokenizer=None,
                          val_fraction: float = 0.1, progress: Progress | None = None):
    """Read a labelled CSV for sentence classification: ``(FileInfo, LabelledTextDataset)``."""
    from rnnviz.data.text_datasets import TOKENIZERS, LabelledTextDataset

    _check_tokenizer(tokenizer)
    if tokenizer is None and kind not in TOKENIZERS:
        raise RnnvizError(f"kind: expected 'char' or 'word', got {kind!r}")
    if max_vocab is not None:
        max_vocab = check_int("max_vocab", max_vocab, minimum=2)
    val_fraction = check_float("val_fraction", val_fraction, minimum=0.0, maximum=1.0, max_exclusive=True)
    name = _name(path)
    pairs, class_names = read_labelled_csv(path, progress=scaled(progress, 0.0, 0.8))
    try:
        ds = LabelledTextDataset(pairs, tokenizer=tokenizer, kind=kind, max_vocab=max_vocab,
                                 class_names=class_names, val_fraction=val_fraction)
    except RnnvizError as exc:
        raise RnnvizError(f"{name}: {exc}") from None
    details = _labelled_details(name, pairs, class_names)
    all_ids = np.concatenate(ds.sequences)
    details.update({"kind": ds.tokenizer.kind, "vocab_size": int(ds.vocab_size), "tokens": int(all_ids.size),
                    "unknown_tokens": int(np.count_nonzero(all_ids == 0))})
    report(progress, 1.0, name)
    return FileInfo("labelled", _labelled_summary(details), details, name), ds


# ====================================================================== models and weights
def _describe_model(path) -> FileInfo:
    from rnnviz.engine.serialize import load_model

    name = _name(path)
    model = load_model(path)
    cfg = model.to_config()
    n_params = int(sum(int(np.asarray(v).size) for v in model.params.values()))
    net = model.net
    hidden = [int(h) for h in net.hidden_sizes]
    details = {"path": name, "architecture": cfg.get("kind"), "cell": net.cell, "layers": len(hidden),
               "hidden_size": hidden, "bidirectional": bool(getattr(net, "bidirectional", False)),
               "parameters": n_params, "dtype": str(cfg.get("dtype"))}
    tok = getattr(model, "tokenizer", None)
    if cfg.get("kind") == "sequence":
        details.update({"input_size": cfg["input_size"], "output_size": cfg["output_size"],
                        "target": cfg["target"], "encoding": cfg["encoding"],
                        "embedding_dim": cfg.get("embedding_dim"), "class_names": cfg.get("class_names"),
                        "normalisation": cfg.get("normalisation")})
    else:
        details.update({"src_vocab": cfg.get("src_vocab"), "tgt_vocab": cfg.get("tgt_vocab")})
    details["tokenizer"] = tok.kind if tok is not None else None
    details["vocab_size"] = len(tok.vocab) if tok is not None else None
    arch = "encoder-decoder" if cfg.get("kind") == "encoder_decoder" else "sequence model"
    layers = f"{len(hidden)} layer{'s' if len(hidden) != 1 else ''} ({', '.join(map(str, hidden))})"
    parts = [f"rnnviz {arch}: {net.cell.upper()}, {layers}"]
    if details["bidirectional"]:
        parts.append("bidirectional")
    if cfg.get("kind") == "sequence":
        parts.append(f"input {cfg['input_size']} ({cfg['encoding']}), output {cfg['output_size']} ({cfg['target']})")
    parts.append(f"{_n(n_params)} parameters")
    if tok is not None:
        parts.append(f"{tok.kind} tokenizer, vocabulary {_n(len(tok.vocab))}")
    return FileInfo("model", ", ".join(parts), details, name)


_RNN_KEY = re.compile(r"^(?:(?P<prefix>.+)\.)?weight_(?P<kind>ih|hh)_l(?P<layer>\d+)(?P<rev>_reverse)?$")
_GATES = {1: "rnn_tanh", 3: "gru", 4: "lstm"}  # a ReLU RNN has the same shapes as a tanh one


def guess_recurrent(tensors: dict) -> dict | None:
    """Guess ``nn.RNN/GRU/LSTM`` sizes from PyTorch state_dict names and shapes, or None."""
    groups: dict[str, dict] = {}
    for key, arr in tensors.items():
        m = _RNN_KEY.match(key)
        if m and np.ndim(arr) == 2:
            g = groups.setdefault(m["prefix"] or "", {})
            g[(m["kind"], int(m["layer"]), bool(m["rev"]))] = np.shape(arr)
    for prefix in sorted(groups):
        g = groups[prefix]
        if ("ih", 0, False) not in g or ("hh", 0, False) not in g:
            continue
        gh, d = g[("ih", 0, False)]
        rows, h = g[("hh", 0, False)]
        if h < 1 or rows % h or rows != gh:
            continue
        cell = _GATES.get(rows // h)
        if cell is None:
            continue
        layers = 1 + max(k[1] for k in g)
        return {"prefix": prefix, "cell": cell, "input_size": int(d), "hidden_size": int(h), "num_layers": layers,
                "bidirectional": any(k[2] for k in g)}
    return None


def _describe_weights(path) -> FileInfo:
    from rnnviz.engine.serialize import load_safetensors

    name = _name(path)
    tensors = load_safetensors(path)
    if not tensors:
        raise RnnvizError(f"{name}: the .safetensors file holds no tensors")
    shapes = {k: list(np.shape(v)) for k, v in sorted(tensors.items())}
    n_params = int(sum(int(np.asarray(v).size) for v in tensors.values()))
    guess = guess_recurrent(tensors)
    details = {"path": name, "tensors": len(tensors), "parameters": n_params,
               "shapes": dict(list(shapes.items())[:100]), "guess": guess}
    if guess:
        module = {"rnn_tanh": "nn.RNN", "gru": "nn.GRU", "lstm": "nn.LSTM"}[guess["cell"]]
        looks = (f"looks like {module}(input_size={guess['input_size']}, hidden_size={guess['hidden_size']}, "
                 f"num_layers={guess['num_layers']}{', bidirectional=True' if guess['bidirectional'] else ''})"
                 + (f" under {guess['prefix']!r}" if guess["prefix"] else ""))
    else:
        looks = "no recurrent-layer weights recognised (expected PyTorch names like weight_ih_l0)"
    return FileInfo("weights", f"weights (.safetensors): {len(tensors)} tensors, {_n(n_params)} parameters; {looks}",
                    details, name)


def _looks_safetensors(head: bytes) -> bool:
    if len(head) < 9:
        return False
    n = int.from_bytes(head[:8], "little")
    return 2 <= n < (100 << 20) and head[8:9] == b"{"


# ====================================================================== sniff
def _looks_labelled(text: str, suffix: str) -> bool:
    lines = _sample_lines(text)
    if not lines:
        return False
    delimiter, decimal = sniff_delimiter(text, suffix, columns=2)
    rows = _sample_rows(lines, delimiter)
    if not rows:
        return False
    if _header_columns(rows[0]) is not None:
        return True
    if len(rows) < 2 or any(len(r) != 2 for r in rows):
        return False
    data = rows[1:]
    first_col_text = sum(not _is_number(r[0], decimal) for r in data)
    second_col_text = sum(not _is_number(r[1], decimal) for r in data)
    return first_col_text * 2 > len(data) and first_col_text >= second_col_text


def sniff_file(path, progress: Progress | None = None) -> FileInfo:
    """Say what ``path`` is, by content and extension, reading it with the same loaders the GUI uses.

    - ``.npz`` / zip: an rnnviz model (architecture, cell, sizes, parameters, tokenizer) —
      fully validated (format version, shapes, no pickle, zip-bomb limits);
    - ``.safetensors``: weights (tensor names/shapes, guessed ``nn.RNN/GRU/LSTM`` sizes);
    - ``.csv`` / ``.tsv``: a labelled text table (rows, classes and counts) when the header
      names text and label columns or the first of two columns is text, else a numeric
      series (rows, columns, header names);
    - anything else: a text (characters, words, vocabularies, encoding).

    ``.pt``/``.pth`` files are refused (loading them can run code): export ``.safetensors``.
    Raises RnnvizError naming the file and the problem.
    """
    p = check_readable(path)
    name = str(p)
    try:
        with _open_binary(p) as fh:
            head = fh.read(16)
    except OSError as exc:
        raise RnnvizError(os_error_message(name, exc)) from None
    suffix = p.suffix.lower()
    if not head:
        raise RnnvizError(f"{name}: the file is empty; choose a file with some content")
    if suffix == ".npz" or head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _describe_model(p)
    if suffix == ".safetensors" or _looks_safetensors(head):
        return _describe_weights(p)
    if suffix in (".pt", ".pth", ".ckpt", ".pkl", ".pickle"):
        raise RnnvizError(
            f"{name}: {suffix} files are Python pickles, which can run code when opened; export the weights "
            "with safetensors.torch.save_file(model.state_dict(), 'weights.safetensors') and open that")
    text, encoding = read_text_file(p, progress=scaled(progress, 0.0, 0.5), with_encoding=True)
    rest = scaled(progress, 0.5, 1.0)
    if suffix in (".csv", ".tsv"):
        if _looks_labelled(text, suffix):
            pairs, class_names = labelled_from_text(text, name, suffix, rest)
            d = _labelled_details(name, pairs, class_names)
            d["encoding"] = encoding
            return FileInfo("labelled", _labelled_summary(d), d, name)
        table = table_from_text(text, name, encoding=encoding, suffix=suffix, progress=rest)
        return FileInfo("series", _series_summary(table), _series_details(table), name)
    if not text.strip():
        raise RnnvizError(f"{name}: holds only white space; choose a file with some text in it")
    st = text_stats(text)
    report(progress, 1.0, name)
    return FileInfo("text", _text_summary(name, encoding, st),
                    {"path": name, "encoding": encoding, "bytes": p.stat().st_size,
                     "size": human_bytes(p.stat().st_size), **st}, name)
