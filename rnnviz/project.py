"""Project files (``.rnnviz``): save your work and come back to it. NumPy only (no Qt).

A project is one zip of ``.npy`` arrays (``np.savez_compressed``), no pickle, written
atomically (:func:`rnnviz.engine.serialize.atomic_write`: a failed save leaves the previous file
intact). Members:

- ``__project__``: uint8 UTF-8 JSON header ``{"format": "rnnviz-project", "version": 1 or 2,
  "config": TrainConfig dict | null, "model": model config | null, "step": int,
  "history": {...scalars, events, spectra, latest snapshot scalars...}, "view": {...}}``;
- ``model.<param>``: the trained model's parameters (PyTorch ``state_dict`` names);
- ``live.<param>``: the parameters of the model shown in the Memory tab when it has no file (a
  model of this session: a training run's copy, or a model with imported weights), described by
  the header's ``"live_session_model": {"name": ..., "config": model config}`` (version 2; a
  model shown from a file is referenced by its path in ``view["live_model"]`` instead);
- ``optim.<key>``: the optimiser's flat ``state_dict`` (``step``, ``hyper.*``, ``<slot>.<param>``);
- ``history.<name>``: the training history's per-step arrays (steps, losses, norms, ...);
  ``history.norm_values.<k>.<d>`` + ``history.norm_lengths``: per-step ||dL/dh_t|| rows,
  concatenated (rows of a classifier have different lengths);
- ``latest.<...>``: the arrays of the newest snapshot (step norms, Jacobian singular values,
  gate saturation, forget-gate means) so every plot reappears as it was.

Loading reuses :func:`~rnnviz.engine.serialize.read_npz_safely` (size limits before
decompressing, ``allow_pickle=False``) and validates everything: format and version, the
training config, parameter names and shapes, the optimiser state, the history's array types and
lengths. Every problem raises :class:`~rnnviz.errors.RnnvizError` naming the file.

The dataset is referenced, not copied: ``config.corpus`` is the data file's path.

Versions: a file holding a model of this session is version 2 (an rnnviz that reads only
version 1 then says to update it, rather than dropping the model); any other file is still
written as version 1, which every rnnviz reads. Both versions are read.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rnnviz.errors import RnnvizError

__all__ = ["FORMAT", "VERSION", "SUFFIX", "Project", "save_project", "load_project", "history_state",
           "restore_history", "snapshot_state", "snapshot_from_state"]

FORMAT = "rnnviz-project"
VERSION = 2  # the newest version read and written (see the module docstring)
SUFFIX = ".rnnviz"
HEADER_KEY = "__project__"
MAX_MODEL_NAME = 1000  # characters of a session model's name (saved names are cut to it)

_INT_SERIES = ("steps", "val_steps", "metric_steps", "nan_steps", "norm_steps")
_FLOAT_SERIES = ("train_loss", "train_accuracy", "grad_norm", "grad_ratio", "val_loss", "val_accuracy")
_BOOL_SERIES = ("clipped",)
_SNAP_SCALARS = ("step", "total_steps", "train_loss", "train_accuracy", "grad_norm", "clipped", "clip_count",
                 "lr", "clip", "truncate", "steps_per_second", "elapsed", "grad_ratio", "val_step", "val_loss",
                 "val_accuracy", "metrics_step", "event", "message", "nan_count")


@dataclass
class Project:
    """Everything a project file holds.

    config: the :class:`~rnnviz.training.config.TrainConfig` (its ``corpus`` is the dataset
    reference) or None; model: the trained model or None; optimizer_state: the optimiser's flat
    ``state_dict`` or None; step: optimiser steps taken; history: what :func:`history_state`
    returns (``{"arrays": {...}, "meta": {...}}``) or None; view: JSON-able view settings
    (``tab``, ``text``, ``layer``, ``direction``, ``live_model``: the path of the Memory tab's
    model file, ...); live_model: the Memory tab's model when it has no file (a model of this
    session; anything with ``params`` and ``to_config()``) or None, and live_model_name its name.
    """

    config: object = None
    model: object = None
    optimizer_state: dict | None = None
    step: int = 0
    history: dict | None = None
    view: dict = field(default_factory=dict)
    live_model: object = None
    live_model_name: str = ""


# ----------------------------------------------------------------------------- JSON helpers
def _num(v):
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return v if math.isfinite(v) else None
    return v


def _header_bytes(header: dict) -> np.ndarray:
    return np.frombuffer(json.dumps(header, allow_nan=False).encode("utf-8"), dtype=np.uint8)


# ----------------------------------------------------------------------------- snapshots
def snapshot_state(snap) -> tuple[dict, dict]:
    """(JSON scalars, arrays) of a :class:`~rnnviz.training.snapshot.Snapshot` (weights left out)."""
    meta = {k: _num(getattr(snap, k)) for k in _SNAP_SCALARS}
    arrays: dict[str, np.ndarray] = {}
    for k, row in enumerate(snap.step_norms or ()):
        for d, a in enumerate(row):
            arrays[f"step_norms.{k}.{d}"] = np.asarray(a, dtype=np.float64)
    meta["step_norms_shape"] = [len(snap.step_norms), len(snap.step_norms[0])] if snap.step_norms else [0, 0]
    if snap.val_step_norms is not None:
        arrays["val_step_norms"] = np.asarray(snap.val_step_norms, dtype=np.float64)
    if snap.jacobian_steps is not None:
        arrays["jacobian_steps"] = np.asarray(snap.jacobian_steps)
    for name in ("jacobian_sv", "forget_mean"):
        rows = getattr(snap, name)
        meta[f"{name}_layout"] = None if rows is None else [[v is not None for v in row] for row in rows]
        for k, row in enumerate(rows or ()):
            for d, a in enumerate(row):
                if a is not None:
                    arrays[f"{name}.{k}.{d}"] = np.asarray(a)
    sat = snap.gate_saturation
    meta["gate_saturation_layout"] = None if sat is None else [[sorted(m) for m in row] for row in sat]
    for k, row in enumerate(sat or ()):
        for d, m in enumerate(row):
            for gate, a in m.items():
                arrays[f"gate_saturation.{k}.{d}.{gate}"] = np.asarray(a)
    sr = snap.spectral_radius
    meta["spectral_radius"] = None if sr is None else [[{g: _num(v) for g, v in m.items()} for m in row] for row in sr]
    return meta, arrays


def snapshot_from_state(meta: dict, arrays: dict, name: str = "project"):
    """Rebuild a Snapshot from :func:`snapshot_state`'s output; RnnvizError if inconsistent."""
    from rnnviz.training.snapshot import Snapshot

    try:
        kw = {k: meta.get(k) for k in _SNAP_SCALARS}
        kw["step"] = int(kw["step"] or 0)
        kw["total_steps"] = int(kw["total_steps"] or max(1, kw["step"]))
        for k in ("train_loss", "grad_norm", "grad_ratio", "lr", "steps_per_second", "elapsed"):
            kw[k] = float("nan") if kw[k] is None else float(kw[k])
        kw["steps_per_second"] = 0.0 if not math.isfinite(kw["steps_per_second"]) else kw["steps_per_second"]
        kw["elapsed"] = 0.0 if not math.isfinite(kw["elapsed"]) else kw["elapsed"]
        kw["clipped"] = bool(kw["clipped"])
        kw["clip_count"] = int(kw["clip_count"] or 0)
        kw["nan_count"] = int(kw["nan_count"] or 0)
        kw["message"] = str(kw["message"] or "")
        L, nd = (int(v) for v in meta.get("step_norms_shape", [0, 0]))
        kw["step_norms"] = [[_float_vector(arrays, f"step_norms.{k}.{d}", name) for d in range(nd)] for k in range(L)]
        if "val_step_norms" in arrays:
            kw["val_step_norms"] = _float_vector(arrays, "val_step_norms", name)
        if "jacobian_steps" in arrays:
            kw["jacobian_steps"] = arrays["jacobian_steps"]
        for field_name in ("jacobian_sv", "forget_mean"):
            layout = meta.get(f"{field_name}_layout")
            if layout is not None:
                kw[field_name] = [[arrays[f"{field_name}.{k}.{d}"] if present else None
                                   for d, present in enumerate(row)] for k, row in enumerate(layout)]
        layout = meta.get("gate_saturation_layout")
        if layout is not None:
            kw["gate_saturation"] = [[{g: arrays[f"gate_saturation.{k}.{d}.{g}"] for g in gates}
                                      for d, gates in enumerate(row)] for k, row in enumerate(layout)]
        sr = meta.get("spectral_radius")
        if sr is not None:
            kw["spectral_radius"] = [[{g: (float("nan") if v is None else float(v)) for g, v in m.items()}
                                      for m in row] for row in sr]
        return Snapshot.build(**kw)
    except RnnvizError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:  # Overflow: 10**400
        raise RnnvizError(f"{name}: the saved training snapshot is damaged ({type(exc).__name__}: {exc})") from None


def _float_vector(arrays, key, name) -> np.ndarray:
    a = arrays[key]
    if a.ndim != 1 or a.dtype.kind not in "fiu":
        raise RnnvizError(f"{name}: {key!r} should be a 1-D number array, got {a.dtype} {a.shape}")
    return a.astype(np.float64)


# ----------------------------------------------------------------------------- history
def history_state(history) -> dict | None:
    """The arrays and JSON parts of a TrainingHistory (duck-typed; None when it is empty)."""
    if history is None or (not len(history.steps) and history.latest is None):
        return None
    arrays: dict[str, np.ndarray] = {}
    for k in _INT_SERIES:
        arrays[k] = np.asarray(list(getattr(history, k)), dtype=np.int64)
    for k in _FLOAT_SERIES:
        arrays[k] = np.asarray(getattr(history, k), dtype=np.float64)
    for k in _BOOL_SERIES:
        arrays[k] = np.asarray(getattr(history, k), dtype=bool)
    rows = list(history.norm_rows)
    L = len(rows[-1]) if rows else 0
    nd = len(rows[-1][0]) if L else 0
    rows = [r for r in rows if len(r) == L and all(len(x) == nd for x in r)]
    arrays["norm_steps"] = arrays["norm_steps"][len(arrays["norm_steps"]) - len(rows):]
    arrays["norm_lengths"] = np.asarray([len(r[0][0]) for r in rows] if nd else [], dtype=np.int64)
    for k in range(L):
        for d in range(nd):
            parts = [np.asarray(r[k][d], dtype=np.float64) for r in rows]
            arrays[f"norm_values.{k}.{d}"] = np.concatenate(parts) if parts else np.zeros(0)
    meta = {"norm_layout": [L, nd], "has_accuracy": bool(history.has_accuracy),
            "events": [[int(s), str(e), str(m)] for s, e, m in history.events],
            "spectra": [[[{g: _num(v) for g, v in m.items()} for m in row] for row in sp] for sp in history.spectra]}
    if history.latest is not None:
        meta["latest"], latest_arrays = snapshot_state(history.latest)
        arrays.update({f"latest.{k}": v for k, v in latest_arrays.items()})
    return {"arrays": arrays, "meta": meta}


def restore_history(history, state: dict | None, name: str = "project") -> None:
    """Fill ``history`` (a cleared TrainingHistory) from :func:`history_state`'s output."""
    from collections import deque

    history.clear()
    if not state:
        return
    arrays, meta = state["arrays"], state["meta"]
    for k in _INT_SERIES:
        setattr(history, k, [int(v) for v in arrays[k]] if k != "norm_steps" else
                deque((int(v) for v in arrays[k]), maxlen=history.max_rows))
    for k in _FLOAT_SERIES:
        setattr(history, k, [float(v) for v in arrays[k]])
    history.clipped = [bool(v) for v in arrays["clipped"]]
    L, nd = meta["norm_layout"]
    lengths = arrays["norm_lengths"]
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    rows = []
    for i in range(len(lengths)):
        rows.append(tuple(tuple(_frozen(arrays[f"norm_values.{k}.{d}"][offsets[i]:offsets[i + 1]])
                                for d in range(nd)) for k in range(L)))
    history.norm_rows = deque(rows, maxlen=history.max_rows)
    history.norm_steps = deque(list(history.norm_steps)[-len(rows):] if rows else [], maxlen=history.max_rows)
    history.has_accuracy = bool(meta.get("has_accuracy"))
    try:
        history.events = [(int(s), str(e), str(m)) for s, e, m in meta.get("events", [])]
        history.spectra = [tuple(tuple({g: (float("nan") if v is None else float(v)) for g, v in m.items()}
                                       for m in row) for row in sp) for sp in meta.get("spectra", [])]
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:  # Overflow: a number like 10**400
        raise RnnvizError(f"{name}: the saved training history is damaged ({type(exc).__name__}: {exc})") from None
    if len(history.spectra) != len(history.metric_steps):
        raise RnnvizError(f"{name}: the history has {len(history.metric_steps)} metric steps but "
                          f"{len(history.spectra)} spectra")
    latest = meta.get("latest")
    if latest is not None:
        la = {k[len("latest."):]: v for k, v in arrays.items() if k.startswith("latest.")}
        history.latest = snapshot_from_state(latest, la, name)
    history.version += 1


def _frozen(a):
    a = np.array(a, dtype=np.float64)
    a.setflags(write=False)
    return a


def _check_history(state: dict, name: str) -> None:
    arrays, meta = state["arrays"], state["meta"]
    if not isinstance(meta, dict):
        raise RnnvizError(f"{name}: the training history header is not an object")
    for k in _INT_SERIES + _FLOAT_SERIES + _BOOL_SERIES + ("norm_lengths",):
        a = arrays.get(k)
        if a is None:
            raise RnnvizError(f"{name}: the training history lacks {k!r}")
        if a.ndim != 1:
            raise RnnvizError(f"{name}: history {k!r} should be 1-D, got shape {a.shape}")
        want = "iu" if k in _INT_SERIES or k == "norm_lengths" else ("b" if k in _BOOL_SERIES else "f")
        if a.dtype.kind not in want:
            raise RnnvizError(f"{name}: history {k!r} should hold {'integers' if want == 'iu' else 'numbers'}, "
                              f"got {a.dtype}")
    n = len(arrays["steps"])
    for k in ("train_loss", "train_accuracy", "grad_norm", "grad_ratio", "clipped"):
        if len(arrays[k]) != n:
            raise RnnvizError(f"{name}: history {k!r} has {len(arrays[k])} values for {n} steps")
    for k in ("val_loss", "val_accuracy"):
        if len(arrays[k]) != len(arrays["val_steps"]):
            raise RnnvizError(f"{name}: history {k!r} has {len(arrays[k])} values for "
                              f"{len(arrays['val_steps'])} validation steps")
    layout = meta.get("norm_layout")
    if (not isinstance(layout, list) or len(layout) != 2 or not all(isinstance(v, int) and 0 <= v <= 64 for v in layout)):
        raise RnnvizError(f"{name}: the history's norm layout {layout!r} is not valid")
    lengths = arrays["norm_lengths"]
    if len(lengths) != len(arrays["norm_steps"]) or (lengths.size and lengths.min() < 0):
        raise RnnvizError(f"{name}: the history's step-norm rows do not match their steps")
    total = int(lengths.sum()) if lengths.size else 0
    L, nd = layout
    for k in range(L):
        for d in range(nd):
            a = arrays.get(f"norm_values.{k}.{d}")
            if a is None or a.ndim != 1 or a.dtype.kind != "f" or a.size != total:
                raise RnnvizError(f"{name}: history 'norm_values.{k}.{d}' is missing or has the wrong shape "
                                  f"(expected {total} numbers)")


# ----------------------------------------------------------------------------- save / load
def project_arrays(project: Project) -> dict[str, np.ndarray]:
    """Every array of ``project`` (the header included), as written to the zip."""
    cfg = project.config
    live = project.live_model
    header = {"format": FORMAT, "version": 1 if live is None else 2,
              "config": None if cfg is None else cfg.to_dict(),
              "model": None if project.model is None else project.model.to_config(),
              "step": int(project.step), "view": dict(project.view or {}),
              "history": None, "optimizer": None}
    arrays: dict[str, np.ndarray] = {}
    if project.model is not None:
        for k, v in project.model.params.items():
            arrays[f"model.{k}"] = np.ascontiguousarray(v)
    if live is not None:
        header["live_session_model"] = {"name": _model_name(project.live_model_name), "config": live.to_config()}
        for k, v in live.params.items():
            arrays[f"live.{k}"] = np.ascontiguousarray(v)
    if project.optimizer_state is not None:
        kinds = {}
        for k, v in project.optimizer_state.items():
            arrays[f"optim.{k}"] = np.array(v, order="C")
            kinds[k] = "int" if isinstance(v, (int, np.integer)) and not isinstance(v, bool) else "array"
        header["optimizer"] = {"name": None if cfg is None else cfg.optimizer, "kinds": kinds}
    if project.history is not None:
        header["history"] = project.history["meta"]
        for k, v in project.history["arrays"].items():
            arrays[f"history.{k}"] = np.array(v, order="C")
    header = json.loads(json.dumps(header, default=_num))  # plain JSON types only
    arrays[HEADER_KEY] = _header_bytes(header)
    return arrays


def _model_name(name) -> str:
    """``name`` as a session model's name is read back: one line of printable characters (a
    file name may hold a tab or a newline), at most :data:`MAX_MODEL_NAME` of them."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(name))[:MAX_MODEL_NAME].strip()
    return text or "model of this session"


def save_project(path, project: Project) -> None:
    """Write ``project`` to ``path`` atomically (the previous file survives any failure)."""
    from rnnviz.engine.serialize import atomic_write

    arrays = project_arrays(project)
    atomic_write(path, lambda fh: np.savez_compressed(fh, **arrays))


def _read(path) -> dict[str, np.ndarray]:
    from rnnviz.engine.serialize import read_npz_safely

    try:
        return read_npz_safely(path)
    except RnnvizError as exc:
        raise RnnvizError(str(exc).replace("rnnviz model file", "rnnviz project file")
                          .replace("a model file", "a project file")) from None


def _header(arrays: dict, name: str) -> dict:
    raw = arrays.get(HEADER_KEY)
    if raw is None:
        if "__rnnviz__" in arrays:
            raise RnnvizError(f"{name}: this is an rnnviz model file, not a project; open it with File > Open")
        raise RnnvizError(f"{name}: not an rnnviz project file (no project header)")
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise RnnvizError(f"{name}: not an rnnviz project file (bad header)")
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise RnnvizError(f"{name}: the project header is not valid JSON") from None
    except ValueError:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
        raise RnnvizError(f"{name}: the project header holds a number with too many digits to be a setting") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise RnnvizError(f"{name}: not an rnnviz project file (format "
                          f"{header.get('format') if isinstance(header, dict) else None!r})")
    version = header.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= VERSION:
        raise RnnvizError(f"{name}: project format version {version!r} is not supported (this rnnviz reads "
                          f"versions 1 to {VERSION}); update rnnviz to open it")
    return header


def load_project(path) -> Project:
    """Read and validate a project file; RnnvizError names the file and what is wrong.

    The model description is checked field by field and the parameter names and shapes it implies
    are compared with the stored weights *before* the model is built (as
    :func:`~rnnviz.engine.serialize.load_model` does).
    """
    from rnnviz.engine.optim import make_optimizer
    from rnnviz.training.config import TrainConfig

    name = str(Path(path))
    arrays = _read(path)
    header = _header(arrays, name)
    unknown = [k for k in arrays if k != HEADER_KEY and k.split(".", 1)[0] not in ("model", "optim", "history", "live")]
    if unknown:
        raise RnnvizError(f"{name}: unexpected entry {unknown[0]!r} in the project file")
    config = None
    if header.get("config") is not None:
        try:
            config = TrainConfig.from_dict(header["config"])
        except RnnvizError as exc:
            raise RnnvizError(f"{name}: its training settings are not valid: {exc}") from None
        except TypeError as exc:
            raise RnnvizError(f"{name}: its training settings are not valid: {exc}") from None
    model = None
    params = _members(arrays, "model.")
    if header.get("model") is not None:
        model = _build_model(header["model"], params, name, "the model")
    elif params:
        raise RnnvizError(f"{name}: model weights without a model description")
    live_model, live_name = _live_session_model(header, arrays, name)
    step = header.get("step", 0)
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise RnnvizError(f"{name}: step should be an integer >= 0, got {step!r}")
    opt_state = None
    ostate = _members(arrays, "optim.")
    if ostate:
        if model is None or config is None:
            raise RnnvizError(f"{name}: optimiser state without a model and training settings")
        kinds = (header.get("optimizer") or {}).get("kinds") or {}
        opt_state = {k: (int(v) if kinds.get(k) == "int" and v.ndim == 0 and v.dtype.kind in "iu" else v)
                     for k, v in ostate.items()}
        try:
            make_optimizer(config.optimizer, {k: v.copy() for k, v in model.params.items()},
                           lr=config.lr).load_state_dict(opt_state)
        except RnnvizError as exc:
            raise RnnvizError(f"{name}: the optimiser state does not fit the model: {exc}") from None
    history = None
    if header.get("history") is None and _members(arrays, "history."):
        raise RnnvizError(f"{name}: training history arrays without a history description")
    if header.get("history") is not None:
        history = {"arrays": _members(arrays, "history."), "meta": header["history"]}
        _check_history(history, name)
        if not isinstance(header["history"].get("latest", {}), (dict, type(None))):
            raise RnnvizError(f"{name}: the saved training snapshot is damaged")
    view = header.get("view") or {}
    if not isinstance(view, dict):
        raise RnnvizError(f"{name}: the view settings are not an object")
    return Project(config=config, model=model, optimizer_state=opt_state, step=step, history=history, view=view,
                   live_model=live_model, live_model_name=live_name)


def _members(arrays: dict, prefix: str) -> dict[str, np.ndarray]:
    """The file's ``prefix*`` arrays (``model.``, ``live.``, ``optim.``, ``history.``), by name without it."""
    return {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}


def _build_model(config, params: dict, name: str, what: str):
    """The model ``config`` (a model config, as ``to_config()`` gives) describes, with ``params``;
    RnnvizError naming the file ``name`` and ``what`` ("the model", ...) if they do not fit.

    The config is checked field by field and the names and shapes of ``params`` compared with
    the ones it implies, by arithmetic, *before* anything is built (as
    :func:`rnnviz.engine.serialize.load_model` does): a small file whose header claims a huge
    model is refused before anything is allocated."""
    from rnnviz.engine.model import config_param_shapes, model_from_config
    from rnnviz.engine.serialize import check_arrays_fit

    if not isinstance(config, dict):
        raise RnnvizError(f"{name}: the description of {what} is not an object")
    try:
        check_arrays_fit(params, config_param_shapes(config), name, f"the description of {what}")
        model = model_from_config(config)
        model.load_state_dict(params)
    except RnnvizError as exc:
        msg = str(exc)
        if msg.startswith(f"{name}: "):  # check_arrays_fit's, whole: "the weights do not fit the description ..."
            raise RnnvizError(msg) from None
        raise RnnvizError(f"{name}: {what} does not fit its description: {msg}") from None
    except (TypeError, KeyError, AttributeError) as exc:
        raise RnnvizError(f"{name}: the description of {what} is damaged ({type(exc).__name__}: {exc})") from None
    return model


def _live_session_model(header: dict, arrays: dict, name: str):
    """(model, name) of the header's ``live_session_model`` and the ``live.*`` weights, checked,
    or (None, "") when the file has none."""
    desc = header.get("live_session_model")
    params = _members(arrays, "live.")
    if desc is None:
        if params:
            raise RnnvizError(f"{name}: weights of a model shown in the Memory tab ('live.*') without its description")
        return None, ""
    if not isinstance(desc, dict):
        raise RnnvizError(f"{name}: the description of the model shown in the Memory tab is not an object")
    model_name = desc.get("name")
    if (not isinstance(model_name, str) or not model_name.strip() or len(model_name) > MAX_MODEL_NAME
            or any(not ch.isprintable() for ch in model_name)):
        shown = repr(model_name)
        raise RnnvizError(f"{name}: the name of the model shown in the Memory tab "
                          f"({shown if len(shown) <= 60 else shown[:59] + chr(0x2026)}) is not a model name "
                          f"(a line of 1 to {MAX_MODEL_NAME} printable characters)")
    model = _build_model(desc.get("config"), params, name, f"the Memory tab's model {model_name!r}")
    return model, model_name
