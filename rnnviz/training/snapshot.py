"""Frozen, self-contained records of one training step, safe to hand to another thread.

A :class:`Snapshot` never references a live array: every array is a fresh copy made
read-only (``arr.flags.writeable`` is False) and every mapping is a read-only
``MappingProxyType`` over a private dict. Views may keep snapshots as long as they like.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

__all__ = ["Snapshot", "frozen_array", "frozen_mapping"]


def frozen_array(a, dtype=None) -> np.ndarray:
    """A read-only copy of ``a`` (an array this function already froze is returned as is)."""
    if (isinstance(a, np.ndarray) and not a.flags.writeable and a.base is None and a.flags.owndata
            and (dtype is None or a.dtype == np.dtype(dtype))):
        return a
    out = np.array(a, dtype=dtype, copy=True)
    out.setflags(write=False)
    return out


def frozen_mapping(d: Mapping | None, convert=frozen_array) -> Mapping | None:
    """A read-only mapping of converted copies of ``d``'s values (None stays None)."""
    if d is None:
        return None
    return MappingProxyType({k: convert(v) for k, v in d.items()})


def _nested(rows, convert):
    """[[x]] -> ((convert(x),),) keeping None."""
    return tuple(tuple(None if v is None else convert(v) for v in row) for row in rows)


def _num(v):
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The state of training after one step (or an event).

    Per-step scalars: ``step`` (1-based count of optimiser steps taken), ``total_steps``,
    ``train_loss`` / ``train_accuracy`` (this step's batch, before the update; accuracy None
    for regression), ``grad_norm`` (global L2 norm before clipping), ``clipped`` and
    ``clip_count`` (steps clipped so far), ``lr``, ``clip``, ``truncate`` (in force for this step),
    ``steps_per_second`` (recent rate), ``elapsed`` (seconds of training, pauses excluded).

    Per-step arrays: ``step_norms[layer][direction]`` (T,) float64, ||dL/dh_t|| of the training
    batch, mean over rows; ``grad_ratio`` = ||dL/dh_1|| / ||dL/dh_T|| of the top layer (forward
    direction).

    Validation (the latest, computed every ``val_every`` steps and at the end; None before the
    first): ``val_step``, ``val_loss``, ``val_accuracy``, ``val_step_norms`` (T,) top layer,
    forward direction, mean over the fixed validation batch.

    Metrics (the latest, every ``metrics_every`` steps; None before the first): ``metrics_step``,
    ``spectral_radius[layer][direction]`` (mapping, see :func:`metrics.recurrent_spectra`),
    ``jacobian_steps`` (S,), ``jacobian_sv[layer][direction]`` (S, k),
    ``gate_saturation[layer][direction]`` (mapping gate -> (2, H)),
    ``forget_mean[layer][direction]`` ((H,) or None), ``weights`` (mapping of copies or None).

    ``event``: None, or "nan" (non-finite loss/gradients/weights: weights restored), "done",
    "stopped", "paused"; ``message`` says what happened in words.
    """

    step: int
    total_steps: int
    train_loss: float
    train_accuracy: float | None = None
    grad_norm: float = float("nan")
    clipped: bool = False
    clip_count: int = 0
    lr: float = float("nan")
    clip: float | None = None
    truncate: int | None = None
    steps_per_second: float = 0.0
    elapsed: float = 0.0
    step_norms: tuple = ()
    grad_ratio: float = float("nan")
    val_step: int | None = None
    val_loss: float | None = None
    val_accuracy: float | None = None
    val_step_norms: np.ndarray | None = None
    metrics_step: int | None = None
    spectral_radius: tuple | None = None
    jacobian_steps: np.ndarray | None = None
    jacobian_sv: tuple | None = None
    gate_saturation: tuple | None = None
    forget_mean: tuple | None = None
    weights: Mapping[str, np.ndarray] | None = None
    event: str | None = None
    message: str = ""
    nan_count: int = 0
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def build(cls, **kw) -> "Snapshot":
        """Make a snapshot, copying every array argument (the only way the loop creates them)."""
        if "step_norms" in kw:
            kw["step_norms"] = _nested(kw["step_norms"], lambda a: frozen_array(a, np.float64))
        for name in ("val_step_norms", "jacobian_steps"):
            if kw.get(name) is not None:
                kw[name] = frozen_array(kw[name])
        for name in ("jacobian_sv", "forget_mean"):
            if kw.get(name) is not None:
                kw[name] = _nested(kw[name], frozen_array)
        if kw.get("spectral_radius") is not None:
            kw["spectral_radius"] = _nested(kw["spectral_radius"],
                                            lambda d: frozen_mapping(d, float))
        if kw.get("gate_saturation") is not None:
            kw["gate_saturation"] = _nested(kw["gate_saturation"], frozen_mapping)
        if kw.get("weights") is not None:
            kw["weights"] = frozen_mapping(kw["weights"])
        if "extra" in kw:
            kw["extra"] = MappingProxyType(dict(kw["extra"]))
        return cls(**kw)

    @property
    def top_step_norms(self) -> np.ndarray | None:
        """(T,) training-batch ||dL/dh_t|| of the top layer, forward direction."""
        return self.step_norms[-1][0] if self.step_norms else None

    def to_json(self) -> dict:
        """Scalars (and the validation step norms) as a JSON-serialisable dict; NaN/inf -> None."""
        out = {
            "step": self.step, "total_steps": self.total_steps,
            "train_loss": _num(self.train_loss),
            "val_loss": _num(self.val_loss),
            "grad_norm": _num(self.grad_norm), "clipped": bool(self.clipped),
            "clip_count": int(self.clip_count), "lr": _num(self.lr),
            "grad_ratio": _num(self.grad_ratio),
            "steps_per_second": round(float(self.steps_per_second), 3),
            "elapsed": round(float(self.elapsed), 3),
        }
        if self.train_accuracy is not None:
            out["train_accuracy"] = _num(self.train_accuracy)
        if self.val_accuracy is not None:
            out["val_accuracy"] = _num(self.val_accuracy)
        if self.event is not None:
            out["event"] = self.event
            out["message"] = self.message
        return out
