"""Exports: plots as PNG and SVG, the current text's traces as ``.npz`` and CSV, weights as
PyTorch-compatible ``.safetensors``; and importing PyTorch ``nn.RNN/LSTM/GRU`` weights.

::

    export_plots(window.tabs.currentWidget(), folder)   # every visible plot -> NAME.png + NAME.svg
    export_traces(live_view, "trace.npz", "trace_csv/", step_norms=history.latest)
    export_weights(model, "weights.safetensors")        # rnnviz.engine.serialize.export_weights
    import_weights(model, "lstm.safetensors")           # or .pt with torch.load(weights_only=True)
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np

from rnnviz.errors import RnnvizError

__all__ = ["visible_plots", "export_plots", "trace_arrays", "export_traces", "earlier_trace_files",
           "TRACE_MANIFEST", "export_weights", "import_weights"]

#: the file a trace export writes into its CSV folder, listing the CSV files it wrote there (JSON:
#: ``{"format": "rnnviz-trace-csv", "version": 1, "model": name, "files": [...]}``), so that the
#: next export into the folder can remove the ones it does not write again, and nothing else
TRACE_MANIFEST = "rnnviz_traces.json"
_MANIFEST_FORMAT = "rnnviz-trace-csv"
_MANIFEST_MAX_BYTES = 1 << 20
#: the name of every CSV file :func:`export_traces` writes: ``<h|c|gate>_l<layer>_d<direction>.csv``
#: (gates are one letter: i f g o, r z n, a) or ``step_norms_l<layer>_d<direction>.csv``
TRACE_CSV_NAME = re.compile(r"(?:[a-z]|step_norms)_l[0-9]{1,4}_d[01]\.csv")


def _slug(text: str) -> str:
    s = re.sub(r"<[^>]+>", "", text or "")
    s = re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_").lower()
    return s[:60]


#: where a plot title starts to say something that changes (a step, a count, a layer, a note):
#: a word that opens a bracket, a dash, " at " or a number ("... at step 55", "(layer 1/2)",
#: "— clipped 0 of 60 steps"; not the "{t-1}" of "∂s_{t-1}")
_CHANGING = re.compile(r" (?:[(\[{\u2014\u2013-]|at |\d)")


def plot_kind(view) -> str:
    """The kind of view a pyqtgraph ``view`` draws for, as a file name: the class of its nearest
    rnnviz widget that is not a plot canvas or a scroll area (``LossView`` -> ``loss``,
    ``CompareTrainingWidget`` -> ``compare_training``)."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QAbstractScrollArea

    w = view.parent()
    while w is not None:
        cls = type(w)
        if cls.__module__.startswith("rnnviz.") and not isinstance(w, (pg.GraphicsView, QAbstractScrollArea)):
            name = re.sub(r"(View|Widget)$", "", cls.__name__)
            return _slug(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)) or "plot"
        w = w.parent()
    return "plot"


def _title_head(item) -> str:
    """The part of a plot's title before anything that changes, as a file name ("" if none)."""
    label = getattr(item, "titleLabel", None)
    title = re.sub(r"<[^>]+>", "", label.text if label is not None else "")
    return _slug(_CHANGING.split(title, maxsplit=1)[0])


def _plot_name(kind: str, head: str, shared: bool) -> str:
    """A plot's file name: its view's ``kind``, and where several plots share a kind (``shared``)
    the stable head of its title too, unless the head already says the kind."""
    if not shared or not head or head == kind:
        return kind
    return head if head.startswith(kind + "_") else f"{kind}_{head}"


def visible_plots(widget) -> list[tuple[str, object]]:
    """(name, PlotItem) for every pyqtgraph plot shown inside ``widget`` (hidden tabs skipped),
    top to bottom, left to right. Colour bars are left out (pyqtgraph makes them PlotItems; they
    belong to a heatmap). A name stays the same while a plot's title changes (a step, a count):
    the kind of its view (:func:`plot_kind`), and, where several plots share a kind, the head of
    the title; an export into the same folder again then replaces its files."""
    import pyqtgraph as pg

    found = []
    for view in widget.findChildren(pg.GraphicsView):
        if not view.isVisible() or view.scene() is None:
            continue
        items = [it for it in view.scene().items()
                 if isinstance(it, pg.PlotItem) and not isinstance(it, pg.ColorBarItem) and it.isVisible()]
        items.sort(key=lambda it: (it.scenePos().y(), it.scenePos().x()))
        kind = plot_kind(view)
        found.extend((kind, _title_head(it), it) for it in items)
    kinds = [kind for kind, _, _ in found]
    out = []
    seen: dict[str, int] = {}
    for kind, head, item in found:
        base = _plot_name(kind, head, kinds.count(kind) > 1)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.append((base if n == 0 else f"{base}_{n + 1}", item))
    return out


def export_plots(widget, folder, formats=("png", "svg")) -> list[Path]:
    """Write every visible plot of ``widget`` to ``folder`` as PNG and SVG; returns the files.

    Raises RnnvizError (naming the folder) when nothing is visible or a file cannot be written.
    """
    from pyqtgraph.exporters import ImageExporter, SVGExporter

    folder = Path(folder)
    if not folder.is_dir():
        raise RnnvizError(f"{folder}: not a folder; choose an existing folder for the plots")
    plots = visible_plots(widget)
    if not plots:
        raise RnnvizError("no plots are shown on this tab; nothing to export")
    written = []
    for name, item in plots:
        for fmt in formats:
            path = folder / f"{name}.{fmt}"
            try:
                if fmt == "png":
                    ex = ImageExporter(item)
                    w = int(max(200, item.sceneBoundingRect().width()))
                    ex.parameters()["width"] = w * 2
                    ok = ex.export(str(path))
                    if ok is False or not path.exists():
                        raise OSError("the image could not be written")
                else:
                    try:
                        SVGExporter(item).export(str(path))
                    except (ValueError, IndexError, AttributeError, TypeError):
                        # pyqtgraph's SVG cleaner fails on some path items: paint the plot
                        # through Qt's own SVG generator instead
                        _svg_via_qt(item, path)
            except OSError as exc:
                raise RnnvizError(f"cannot save {path}: {exc.strerror or exc}") from None
            written.append(path)
    return written


def _svg_via_qt(item, path: Path) -> None:
    from PySide6.QtCore import QRectF, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    rect = item.sceneBoundingRect()
    gen = QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(QSize(int(rect.width()), int(rect.height())))
    gen.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    gen.setTitle(path.stem)
    painter = QPainter(gen)
    try:
        item.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    finally:
        painter.end()
    if not path.exists() or path.stat().st_size == 0:
        raise OSError("the SVG could not be written")


def trace_arrays(live_view, step_norms=None) -> tuple[list[str], dict[str, np.ndarray]]:
    """(tokens, {"h_l0_d0": (T, H), "c_l0_d0", gates ..., "step_norms_l0_d0": (T',)}) of the text the
    live view shows, every layer and direction; ``step_norms`` a training Snapshot or None."""
    runner, result, model = live_view.runner, live_view.result, live_view.model
    if runner is None or result is None or model is None:
        raise RnnvizError("no model or text to export; open a model and type some text first")
    if not result.tokens:
        raise RnnvizError("the text is empty; type some text to export its traces")
    net = model.net
    arrays: dict[str, np.ndarray] = {}
    for k in range(net.num_layers):
        for d in range(net.num_directions):
            for key, a in runner.states(k, d).items():
                arrays[f"{key}_l{k}_d{d}"] = np.array(a, dtype=np.float32)
    if step_norms is not None and step_norms.step_norms:
        for k, row in enumerate(step_norms.step_norms):
            for d, a in enumerate(row):
                arrays[f"step_norms_l{k}_d{d}"] = np.asarray(a, dtype=np.float64)
    return list(result.tokens), arrays


def export_traces(live_view, npz_path, csv_folder=None, step_norms=None, model_name: str = "") -> list[Path]:
    """Save the traces as one ``.npz`` (plus ``tokens``) and, with ``csv_folder``, one CSV per
    array (a ``step,token`` column pair, then one column per unit) and :data:`TRACE_MANIFEST`
    listing them (last). Atomic writes. This leaves the CSV files of an earlier export that this
    one does not write (:func:`earlier_trace_files` finds them; the File menu removes them)."""
    from rnnviz.engine.serialize import atomic_write

    tokens, arrays = trace_arrays(live_view, step_norms)
    all_arrays = dict(arrays)
    all_arrays["tokens"] = np.asarray(tokens, dtype=str)
    npz_path = Path(npz_path)
    atomic_write(npz_path, lambda fh: np.savez_compressed(fh, **all_arrays))
    written = [npz_path]
    if csv_folder is not None:
        folder = Path(csv_folder)
        if not folder.is_dir():
            raise RnnvizError(f"{folder}: not a folder; choose an existing folder for the CSV files")
        for key, a in arrays.items():
            buf = io.StringIO()
            wr = csv.writer(buf, lineterminator="\n")
            if key.startswith("step_norms"):
                wr.writerow(["step", "dL_dh_norm"])
                for t, v in enumerate(a):
                    wr.writerow([t + 1, f"{v:.9g}"])
            else:
                wr.writerow(["step", "token"] + [f"unit_{j}" for j in range(a.shape[1])])
                for t in range(a.shape[0]):
                    wr.writerow([t + 1, tokens[t] if t < len(tokens) else ""] + [f"{v:.7g}" for v in a[t]])
            data = buf.getvalue().encode("utf-8")
            p = folder / f"{key}.csv"
            if not TRACE_CSV_NAME.fullmatch(p.name):  # what earlier_trace_files looks for
                raise RnnvizError(f"cannot save the trace {key!r}: not a trace file name")
            atomic_write(p, lambda fh, data=data: fh.write(data))
            written.append(p)
        manifest = {"format": _MANIFEST_FORMAT, "version": 1, "model": str(model_name),
                    "files": sorted(p.name for p in written[1:])}
        data = json.dumps(manifest, indent=1).encode("utf-8")
        atomic_write(folder / TRACE_MANIFEST, lambda fh: fh.write(data))
        written.append(folder / TRACE_MANIFEST)
    return written


def earlier_trace_files(folder) -> list[Path]:
    """The CSV files in ``folder`` that an earlier :func:`export_traces` wrote: listed in the
    folder's :data:`TRACE_MANIFEST`, named exactly as trace files are, and plain files (not
    folders or links). A file a person put there is never one of them: it is neither listed nor
    named so; a folder without a manifest (or with a damaged one) has none."""
    folder = Path(folder)
    try:
        raw = (folder / TRACE_MANIFEST).read_bytes()[:_MANIFEST_MAX_BYTES + 1]
    except OSError:
        return []
    if len(raw) > _MANIFEST_MAX_BYTES:
        return []
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return []
    if not isinstance(manifest, dict) or manifest.get("format") != _MANIFEST_FORMAT \
            or not isinstance(manifest.get("files"), list):
        return []
    out = []
    for name in dict.fromkeys(manifest["files"]):
        if not isinstance(name, str) or not TRACE_CSV_NAME.fullmatch(name):
            continue  # a path, a user's file name: never looked at
        p = folder / name
        if p.is_file() and not p.is_symlink():
            out.append(p)
    return out


def export_weights(model, path) -> Path:
    """``model``'s parameters as PyTorch-compatible ``.safetensors`` (names as ``state_dict``)."""
    from rnnviz.engine.serialize import export_weights as _export

    if model is None:
        raise RnnvizError("no model to export; open or train one first")
    _export(model, path)
    return Path(path)


def import_weights(model, path_or_tensors, name: str | None = None) -> int:
    """Load ``nn.RNN/LSTM/GRU`` weights into ``model.net`` (all or nothing; strict shapes).

    ``path_or_tensors``: a ``.safetensors`` / ``.pt`` path, or a dict of arrays already read.
    Returns the number of tensors loaded. RnnvizError names the file and the mismatch."""
    from rnnviz.engine.serialize import load_recurrent_weights, load_safetensors

    if model is None:
        raise RnnvizError("no model to import the weights into; open a model first")
    if isinstance(path_or_tensors, dict):
        tensors, name = path_or_tensors, name or "weights"
    else:
        name = str(path_or_tensors)
        if Path(name).suffix.lower() in (".pt", ".pth"):
            from rnnviz.ui.data_source import read_torch_state

            tensors = read_torch_state(name)
        else:
            tensors = load_safetensors(name)
    try:
        return load_recurrent_weights(tensors, model.net)
    except RnnvizError as exc:
        raise RnnvizError(f"{name}: {exc}") from None
