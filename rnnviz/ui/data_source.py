"""Opening the user's files: what a file is, reading it in a background thread, and the small
dialog that turns a numeric table into a training series.

:func:`read_for_open` runs in a worker thread (no Qt inside): it reads a file with the same
loaders as ``rnnviz info`` and returns a :class:`Loaded`; ``progress(fraction) -> bool``
returning False cancels (:class:`rnnviz.data.loaders.Cancelled`). :class:`BackgroundLoad` runs
any such function in a ``QThread``; :class:`SeriesDialog` chooses input/target columns, the
window, the horizon and normalisation, and shows the resulting normalisation and windows.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QListWidget, QListWidgetItem, QSpinBox, QVBoxLayout)

from rnnviz.errors import RnnvizError

__all__ = ["Loaded", "path_kind", "read_for_open", "BackgroundLoad", "SeriesDialog", "series_defaults"]

PROJECT_SUFFIXES = (".rnnviz",)
MODEL_SUFFIXES = (".npz",)
WEIGHT_SUFFIXES = (".safetensors",)
TORCH_SUFFIXES = (".pt", ".pth")
TABLE_SUFFIXES = (".csv", ".tsv")

#: the file dialog's filter for File > Open
OPEN_FILTER = ("Everything rnnviz opens (*.rnnviz *.npz *.safetensors *.pt *.pth *.txt *.text *.md *.csv *.tsv);;"
               "Projects (*.rnnviz);;Models (*.npz);;Weights (*.safetensors *.pt *.pth);;"
               "Texts (*.txt *.text *.md);;Tables (*.csv *.tsv);;All files (*)")


@dataclass
class Loaded:
    """What :func:`read_for_open` read: ``kind`` is "project" | "model" | "weights" | "text" |
    "labelled" | "series"; ``payload`` the object (Project, model, tensors dict, dataset, Table);
    ``summary`` one line for the status bar."""

    kind: str
    path: str
    payload: object
    summary: str = ""
    details: dict = field(default_factory=dict)


def path_kind(path) -> str:
    """The kind of file by name and first bytes (cheap; the reading itself validates)."""
    from rnnviz.data.textfile import _open_binary, check_readable, os_error_message

    p = check_readable(path)
    suffix = p.suffix.lower()
    try:
        with _open_binary(p) as fh:
            head = fh.read(16)
    except OSError as exc:
        raise RnnvizError(os_error_message(str(p), exc)) from None
    if not head:
        raise RnnvizError(f"{p}: the file is empty; choose a file with some content")
    if suffix in PROJECT_SUFFIXES:
        return "project"
    if suffix in WEIGHT_SUFFIXES:
        return "weights"
    if suffix in TORCH_SUFFIXES:
        return "torch"  # a zip too, read only with torch.load(weights_only=True)
    if suffix in MODEL_SUFFIXES or head.startswith(b"PK\x03\x04"):
        return "model"
    if suffix in (".ckpt", ".pkl", ".pickle"):
        raise RnnvizError(f"{p}: {suffix} files are Python pickles, which can run code when opened; export the "
                          "weights with safetensors.torch.save_file(model.state_dict(), 'weights.safetensors')")
    if suffix in TABLE_SUFFIXES:
        return "table"
    return "text"


def read_torch_state(path) -> dict:
    """A PyTorch ``state_dict`` saved with ``torch.save`` -> NumPy arrays, read with
    ``torch.load(weights_only=True)`` (no arbitrary code); RnnvizError without torch."""
    name = str(path)
    try:
        import torch
    except ImportError:
        raise RnnvizError(f"{name}: reading .pt files needs PyTorch, which is not installed; save the weights "
                          "as .safetensors (safetensors.torch.save_file(model.state_dict(), ...)) and open that") from None
    try:
        obj = torch.load(name, map_location="cpu", weights_only=True)
    except Exception as exc:  # UnpicklingError for anything that is not plain tensors
        raise RnnvizError(f"{name}: not a plain PyTorch state_dict ({type(exc).__name__}: "
                          f"{str(exc).splitlines()[0][:200] if str(exc) else ''}); refused") from None
    if hasattr(obj, "state_dict") and not isinstance(obj, dict):
        obj = obj.state_dict()
    if not isinstance(obj, dict):
        raise RnnvizError(f"{name}: expected a state_dict (a dict of tensors), got {type(obj).__name__}")
    out = {}
    for k, v in obj.items():
        if isinstance(v, torch.Tensor):
            out[str(k)] = v.detach().cpu().numpy()
    if not out:
        raise RnnvizError(f"{name}: the file holds no tensors")
    return out


def read_for_open(path, progress=None, *, seq_len: int | None = None, seed: int = 0) -> Loaded:
    """Read ``path`` for File > Open (runs in a worker thread). Raises RnnvizError / Cancelled."""
    from rnnviz.data import loaders
    from rnnviz.data.textfile import read_text_file, report, scaled

    kind = path_kind(path)
    p = Path(path)
    name = str(p)
    if kind == "project":
        from rnnviz.project import load_project

        report(progress, 0.1, name)
        proj = load_project(p)
        report(progress, 1.0, name)
        return Loaded("project", name, proj, f"project {p.name}")
    if kind == "model":
        from rnnviz.engine.serialize import load_model

        report(progress, 0.1, name)
        return Loaded("model", name, load_model(p), f"model {p.name}")
    if kind == "weights":
        from rnnviz.engine.serialize import load_safetensors

        return Loaded("weights", name, load_safetensors(p), f"weights {p.name}")
    if kind == "torch":
        return Loaded("weights", name, read_torch_state(p), f"weights {p.name}")
    if kind == "table":
        from rnnviz.data.text_datasets import LabelledTextDataset

        text, encoding = read_text_file(p, progress=scaled(progress, 0.0, 0.5), with_encoding=True)
        rest = scaled(progress, 0.5, 1.0)
        if loaders._looks_labelled(text, p.suffix.lower()):
            pairs, names = loaders.labelled_from_text(text, name, p.suffix.lower(), rest)
            try:
                ds = LabelledTextDataset(pairs, kind="word", class_names=names, seed=seed)
            except RnnvizError as exc:
                raise RnnvizError(f"{name}: {exc}") from None
            d = loaders._labelled_details(name, pairs, names)
            return Loaded("labelled", name, ds, loaders._labelled_summary(d), d)
        table = loaders.table_from_text(text, name, encoding=encoding, suffix=p.suffix.lower(), progress=rest)
        return Loaded("series", name, table, loaders._series_summary(table))
    try:
        size = p.stat().st_size
    except OSError:
        size = 0
    if size > LONG_TEXT_BYTES:
        return _read_long_text(p, progress, seq_len)
    info, ds = loaders.load_text_dataset(p, kind="char", seq_len=seq_len, val_fraction=0.05, progress=progress)
    return Loaded("text", name, ds, info.summary, info.details)


#: texts larger than this are tokenised in chunks (progress, cancel, and no long GIL-holding call
#: that would freeze the window): character counts and ids by NumPy, no word statistics
LONG_TEXT_BYTES = 4 << 20
_CHUNK = 1 << 20


def _read_long_text(p: Path, progress, seq_len) -> Loaded:
    """A long text as a character-level TextLMDataset, built chunk by chunk (same vocabulary
    order as CharTokenizer.from_text: by count, then character)."""
    import numpy as np

    from rnnviz.data.text_datasets import TextLMDataset, check_lm_text
    from rnnviz.data.textfile import read_text_file, report, scaled
    from rnnviz.data.tokenize import UNK, CharTokenizer

    name = str(p)
    text, encoding = read_text_file(p, progress=scaled(progress, 0.0, 0.4), with_encoding=True)
    n = len(text)
    counts = np.zeros(0, dtype=np.int64)
    cps = np.zeros(0, dtype=np.uint32)
    blank = True
    for i in range(0, n, _CHUNK):
        chunk = text[i:i + _CHUNK]
        blank = blank and not chunk.strip()
        codes = np.frombuffer(chunk.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        u, c = np.unique(codes, return_counts=True)
        allu = np.union1d(cps, u)
        tot = np.zeros(len(allu), dtype=np.int64)
        tot[np.searchsorted(allu, cps)] += counts
        tot[np.searchsorted(allu, u)] += c
        cps, counts = allu, tot
        report(progress, 0.4 + 0.3 * (i + len(chunk)) / n, name)
    if blank:
        check_lm_text(text, name)  # the message training and File > Open of a short text give
    chars = [chr(int(c)) for c in cps]
    order = sorted(range(len(chars)), key=lambda j: (-int(counts[j]), chars[j]))
    vocab = [UNK] + [chars[j] for j in order if chars[j] != UNK]
    tok = CharTokenizer(vocab)
    ids_of = np.zeros(len(cps), dtype=np.int64)
    for rank, j in enumerate(order, start=1):
        ids_of[j] = rank
    ids = np.empty(n, dtype=np.int64)
    for i in range(0, n, _CHUNK):
        codes = np.frombuffer(text[i:i + _CHUNK].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ids[i:i + len(codes)] = ids_of[np.searchsorted(cps, codes)]
        report(progress, 0.7 + 0.3 * min(n, i + _CHUNK) / n, name)
    ds = TextLMDataset.__new__(TextLMDataset)
    ds.tokenizer = tok
    n_val = int(n * 0.05)
    ds.train_ids = ids[: n - n_val] if n_val else ids
    ds.val_ids = ids[n - n_val:] if n_val else ids
    ds.vocab_size = len(tok.vocab)
    if seq_len is not None and min(len(ds.train_ids), len(ds.val_ids)) < seq_len + 1:
        raise RnnvizError(f"{name}: the text is shorter than one training sequence of seq_len + 1 = {seq_len + 1}")
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    summary = (f"text ({encoding}): {n:,} characters, {lines:,} lines; {len(chars):,} distinct characters; "
               f"char vocabulary {ds.vocab_size:,}, {n:,} tokens")
    return Loaded("text", name, ds, summary, {"characters": n, "lines": lines, "vocab_size": ds.vocab_size})


# ----------------------------------------------------------------------------- background
class _Thread(QThread):
    def __init__(self, job) -> None:
        super().__init__()
        self.job = job

    def run(self) -> None:  # noqa: D401 - QThread
        self.job._run()


class BackgroundLoad(QObject):
    """Run ``fn(progress)`` in a QThread; report ``progress(int percent)``, then exactly one of
    ``finished(object)``, ``failed(str)`` or ``cancelled()`` (all delivered in the GUI thread).

    :meth:`cancel` makes the next progress call return False; the loaders then raise Cancelled.
    """

    progress = Signal(int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    _result = Signal(str, object)

    def __init__(self, fn, parent=None) -> None:
        super().__init__(parent)
        self._fn = fn
        self._cancel = threading.Event()
        self._last = -1
        self._thread = _Thread(self)
        self._thread.setObjectName("rnnviz-load")
        self._result.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._internal_progress = _Relay()
        self._internal_progress.value.connect(self.progress, Qt.ConnectionType.QueuedConnection)
        self.done = False

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def wait(self, ms: int = 30_000) -> bool:
        return self._thread.wait(ms)

    def _report(self, fraction: float) -> bool:
        pct = int(max(0.0, min(1.0, float(fraction))) * 100)
        if pct != self._last:
            self._last = pct
            self._internal_progress.value.emit(pct)
        return not self._cancel.is_set()

    def _run(self) -> None:  # worker thread
        from rnnviz.data.loaders import Cancelled

        try:
            result = self._fn(self._report)
        except Cancelled:
            self._result.emit("cancelled", None)
        except RnnvizError as exc:
            self._result.emit("failed", str(exc))
        except MemoryError:
            self._result.emit("failed", "not enough memory to read the file")
        except Exception as exc:  # a bug: still a message, never a traceback dialog
            self._result.emit("failed", f"could not be read ({type(exc).__name__}: {exc})")
        else:
            self._result.emit("cancelled" if self._cancel.is_set() else "finished", result)

    @Slot(str, object)
    def _deliver(self, what: str, payload) -> None:
        self._thread.wait()
        self.done = True
        if what == "finished":
            self.finished.emit(payload)
        elif what == "failed":
            self.failed.emit(payload)
        else:
            self.cancelled.emit()


class _Relay(QObject):
    value = Signal(int)


# ----------------------------------------------------------------------------- series dialog
def series_defaults(table) -> dict:
    """Pre-filled choices: every column but the target as input (the target itself when it is
    the only column), the last column as target, a window of min(50, rows/5), horizon 1."""
    cols = list(table.columns)
    target = cols[-1]
    inputs = cols[:-1] or cols
    window = int(max(1, min(50, table.n_rows // 5)))
    return {"series_inputs": inputs, "series_targets": [target], "window": window, "horizon": 1,
            "normalise": True}


def build_series(table, options: dict):
    """The SeriesDataset for ``options`` (RnnvizError naming the file and the problem)."""
    from rnnviz.data.csv_series import SeriesDataset

    try:
        return SeriesDataset(table, list(options["series_inputs"]), list(options["series_targets"]),
                             window=int(options["window"]), horizon=int(options["horizon"]),
                             normalise=bool(options["normalise"]))
    except RnnvizError as exc:
        msg = str(exc)
        raise RnnvizError(msg if table.path and table.path in msg else f"{table.path}: {msg}") from None


def describe_series(ds) -> str:
    """Rows, windows and the normalisation, for the user (plain text)."""
    n = ds.normalisation
    lines = [f"{ds.n_train:,} training rows ({ds.n_windows():,} windows), {ds.n_val:,} validation rows "
             f"({ds.n_windows(validation=True):,} windows)"]
    if n["method"] == "zscore":
        lines.append("Normalisation: z-score with the training rows' mean and standard deviation:")
        for c, m, s in zip(n["columns"], n["mean"], n["std"]):
            lines.append(f"  {c}: (x \u2212 {m:.4g}) / {s:.4g}")
    else:
        lines.append("Normalisation: none (raw values)")
    return "\n".join(lines)


class SeriesDialog(QDialog):
    """Choose the input and target columns, the window, the horizon and normalisation."""

    def __init__(self, table, parent=None) -> None:
        super().__init__(parent)
        self.table = table
        self.setWindowTitle(f"Train on {Path(table.path).name or 'a table'}")
        self.setObjectName("dialog.series")
        d = series_defaults(table)
        lay = QVBoxLayout(self)
        head = QLabel(f"<b>{Path(table.path).name}</b>: {table.n_rows:,} rows \u00d7 {table.n_columns} columns. "
                      "The network reads a window of rows of the input columns and predicts the target "
                      "columns <i>horizon</i> rows later at every step.")
        head.setWordWrap(True)
        lay.addWidget(head)
        form = QFormLayout()
        self.inputs = QListWidget()
        self.inputs.setToolTip("The columns the network reads")
        for c in table.columns:
            it = QListWidgetItem(c)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if c in d["series_inputs"] else Qt.CheckState.Unchecked)
            self.inputs.addItem(it)
        self.inputs.setMaximumHeight(120)
        self.target = QComboBox()
        self.target.addItems(list(table.columns))
        self.target.setCurrentText(d["series_targets"][0])
        self.target.setToolTip("The column to predict")
        self.window = QSpinBox()
        self.window.setRange(1, 100_000)
        self.window.setValue(d["window"])
        self.window.setToolTip("Rows per training sequence (the sequence length T)")
        self.horizon = QSpinBox()
        self.horizon.setRange(0, 100_000)
        self.horizon.setValue(d["horizon"])
        self.horizon.setToolTip("How many rows ahead to predict")
        self.normalise = QCheckBox("z-score each column (training rows' mean and std)")
        self.normalise.setChecked(True)
        form.addRow("input columns", self.inputs)
        form.addRow("target column", self.target)
        form.addRow("window (rows)", self.window)
        form.addRow("horizon (rows ahead)", self.horizon)
        form.addRow("", self.normalise)
        lay.addLayout(form)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.info)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.inputs.itemChanged.connect(self._update)
        for w in (self.target, ):
            w.currentIndexChanged.connect(self._update)
        for w in (self.window, self.horizon):
            w.valueChanged.connect(self._update)
        self.normalise.toggled.connect(self._update)
        self.dataset = None
        self._update()

    def options(self) -> dict:
        inputs = [self.inputs.item(i).text() for i in range(self.inputs.count())
                  if self.inputs.item(i).checkState() == Qt.CheckState.Checked]
        return {"series_inputs": inputs, "series_targets": [self.target.currentText()],
                "window": self.window.value(), "horizon": self.horizon.value(),
                "normalise": self.normalise.isChecked()}

    def _update(self, *_) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        opts = self.options()
        if not opts["series_inputs"]:
            self.dataset = None
            self.info.setText("Choose at least one input column.")
            self.info.setStyleSheet("color: #7a1d00")
            ok.setEnabled(False)
            return
        try:
            self.dataset = build_series(self.table, opts)
        except RnnvizError as exc:
            self.dataset = None
            self.info.setText(str(exc))
            self.info.setStyleSheet("color: #7a1d00")
            ok.setEnabled(False)
            return
        self.info.setText(describe_series(self.dataset))
        self.info.setStyleSheet("")
        ok.setEnabled(True)
