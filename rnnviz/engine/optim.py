"""Optimisers on dicts of NumPy parameter arrays (PyTorch's update rules, default variants).

An optimiser holds a reference to ``params: dict[str, ndarray]`` and updates each array **in
place** on :meth:`Optimizer.step`, so views of the parameters (e.g. the arrays a model or a
view holds) stay valid. ``grads`` must have exactly the same keys and shapes.

Update rules (``g`` the gradient, ``p`` the parameter, ``t`` the step number from 1, weight
decay ``lambda`` is L2 added to the gradient, ``g <- g + lambda p``, as in ``torch.optim``):

* SGD:      ``b <- mu b + g`` (``b_1 = g``); ``g' = g + mu b`` if nesterov else ``b``;
            ``p <- p - lr g'`` (plain ``p <- p - lr g`` when ``mu = 0``).
* Adagrad:  ``s <- s + g^2``; ``p <- p - lr g / (sqrt(s) + eps)``.
* RMSprop:  ``v <- alpha v + (1 - alpha) g^2``; centered: ``m <- alpha m + (1 - alpha) g``,
            ``v~ = v - m^2`` else ``v~ = v``; ``d = g / (sqrt(v~) + eps)``;
            with momentum ``b <- mu b + d``, ``p <- p - lr b``; else ``p <- p - lr d``.
* Adam:     ``m <- beta1 m + (1 - beta1) g``; ``v <- beta2 v + (1 - beta2) g^2``;
            ``p <- p - (lr / (1 - beta1^t)) m / (sqrt(v) / sqrt(1 - beta2^t) + eps)``.

``state_dict()`` is flat — ``{"step": int, "hyper.<field>": number, "<slot>.<param name>":
ndarray}`` — so it saves with ``np.savez`` and loads with ``allow_pickle=False``.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real

import numpy as np

from rnnviz.engine.recurrent import finite_as
from rnnviz.errors import RnnvizError, finite_float

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "OPTIMIZERS", "make_optimizer",
           "optimizer_from_config"]


# ----------------------------------------------------------------------------- field validators
def _number(value, name: str) -> float:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, Real):
        raise RnnvizError(f"{name}: expected a finite number, got {value!r}")
    return finite_float(f"{name}: expected a finite number", value)


def _positive(name):
    def check(v):
        v = _number(v, name)
        if v <= 0:
            raise RnnvizError(f"{name}: expected a number > 0, got {v!r}")
        return v
    return check


def _non_negative(name):
    def check(v):
        v = _number(v, name)
        if v < 0:
            raise RnnvizError(f"{name}: expected a number >= 0, got {v!r}")
        return v
    return check


def _unit(name):
    """A decay factor in [0, 1)."""
    def check(v):
        v = _number(v, name)
        if not 0.0 <= v < 1.0:
            raise RnnvizError(f"{name}: expected a number in [0, 1), got {v!r}")
        return v
    return check


def _flag(name):
    def check(v):
        if isinstance(v, np.ndarray) and v.ndim == 0:
            v = v.item()
        if isinstance(v, (bool, np.bool_)) or (isinstance(v, (int, np.integer)) and v in (0, 1)):
            return bool(v)
        raise RnnvizError(f"{name}: expected true or false, got {v!r}")
    return check


# ------------------------------------------------------------------------------------ base class
class Optimizer:
    """Base class. Subclasses define ``name``, ``_FIELDS`` (flat hyperparameter validators),
    ``_slots(hyper)`` (names of per-parameter state arrays) and ``_update(p, g, state)``."""

    name = "optimizer"
    _FIELDS: dict[str, object] = {}

    def __init__(self, params: dict[str, np.ndarray], **hyper):
        if not isinstance(params, Mapping) or not params:
            raise RnnvizError("params: expected a non-empty dict of parameter arrays")
        for key, p in params.items():
            if not isinstance(key, str):
                raise RnnvizError(f"params: expected str keys, got {key!r}")
            if not isinstance(p, np.ndarray) or p.dtype not in (np.float32, np.float64):
                raise RnnvizError(f"params[{key!r}]: expected a float32/float64 ndarray")
            if not p.flags.writeable:
                raise RnnvizError(f"params[{key!r}]: expected a writeable array (updated in place)")
        self.params = params
        self._keys = list(params)
        self._hyper: dict[str, float | bool] = {}
        for field, value in hyper.items():
            self._hyper[field] = self._FIELDS[field](value)
        self._check_consistency(self._hyper)
        self.step_count = 0
        self.state: dict[str, dict[str, np.ndarray]] = {
            slot: {k: np.zeros_like(params[k]) for k in self._keys} for slot in self._slots(self._hyper)}

    # -- hyperparameters
    def _check_consistency(self, hyper) -> None:
        """Cross-field checks (e.g. nesterov needs momentum)."""

    @property
    def lr(self) -> float:
        return self._hyper["lr"]

    @lr.setter
    def lr(self, value) -> None:
        self._hyper["lr"] = self._FIELDS["lr"](value)

    def _slots(self, hyper) -> list[str]:
        """Names of the per-parameter state arrays for these hyperparameters."""
        return []

    # -- the update
    def step(self, grads: Mapping[str, np.ndarray]) -> None:
        """Apply one update in place. ``grads`` has the keys and shapes of ``params``."""
        if not isinstance(grads, Mapping):
            raise RnnvizError(f"grads: expected a dict of arrays, got {type(grads).__name__}")
        if set(grads) != set(self._keys):
            missing = sorted(set(self._keys) - set(grads))
            extra = sorted(map(str, set(grads) - set(self._keys)))
            raise RnnvizError(f"grads: expected the keys of params (missing {missing}, "
                              f"unexpected {extra})")
        checked = {}
        for k in self._keys:
            g = np.asarray(grads[k])
            if g.shape != self.params[k].shape:
                raise RnnvizError(f"grads[{k!r}]: expected shape {self.params[k].shape}, got {g.shape}")
            checked[k] = g
        self.step_count += 1
        for k in self._keys:
            self._update(self.params[k], checked[k], {s: self.state[s][k] for s in self.state})

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        raise NotImplementedError

    def _decayed(self, p, g):
        wd = self._hyper.get("weight_decay", 0.0)
        return g + wd * p if wd != 0 else g

    # -- (de)serialisation
    def state_dict(self) -> dict[str, np.ndarray | float | int]:
        """Flat copy of the state: ``step``, ``hyper.<field>`` and ``<slot>.<param>`` arrays."""
        out: dict[str, np.ndarray | float | int] = {"step": int(self.step_count)}
        for field, value in self._hyper.items():
            out[f"hyper.{field}"] = int(value) if isinstance(value, bool) else float(value)
        for slot, arrays in self.state.items():
            for k, arr in arrays.items():
                out[f"{slot}.{k}"] = arr.copy()
        return out

    def load_state_dict(self, d: Mapping) -> None:
        """Restore a :meth:`state_dict` (numbers may be 0-d arrays, as after ``np.load``).

        Validates everything first; on error nothing changes."""
        if not isinstance(d, Mapping):
            raise RnnvizError("state_dict: expected a dict")
        expected = {"step"} | {f"hyper.{f}" for f in self._hyper} | {
            f"{s}.{k}" for s in self.state for k in self._keys}
        if set(d) != expected:
            missing, extra = sorted(expected - set(d)), sorted(set(d) - expected)
            raise RnnvizError(f"state_dict: keys do not match this {self.name} optimiser "
                              f"(missing {missing}, unexpected {extra})")
        step = d["step"]
        step = step.item() if isinstance(step, np.ndarray) and step.ndim == 0 else step
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 0:
            raise RnnvizError(f"state_dict.step: expected an int >= 0, got {step!r}")
        hyper = {f: self._FIELDS[f](d[f"hyper.{f}"]) for f in self._hyper}
        self._check_consistency(hyper)
        if self._slots(hyper) != list(self.state):
            raise RnnvizError("state_dict: its hyperparameters (momentum/centered) need state "
                              f"{self._slots(hyper)}, this optimiser has {list(self.state)}")
        arrays = {}
        for s in self.state:
            for k in self._keys:
                a = np.asarray(d[f"{s}.{k}"])
                if a.shape != self.params[k].shape or not (np.issubdtype(a.dtype, np.floating)):
                    raise RnnvizError(f"state_dict[{s}.{k}]: expected a float array of shape "
                                      f"{self.params[k].shape}, got {a.dtype} {a.shape}")
                # a moment that is NaN, or too large for the parameters' dtype, would make every
                # later step NaN/inf: refused like such weights
                arrays[(s, k)] = finite_as(a, self.state[s][k].dtype, f"state_dict[{s}.{k}]")
        self.step_count = int(step)
        self._hyper = hyper
        for (s, k), a in arrays.items():
            self.state[s][k][...] = a

    def to_config(self) -> dict:
        """JSON-friendly ``{"name": ..., <hyperparameters>}``; ``make_optimizer(**...)`` rebuilds it."""
        return {"name": self.name, **self._hyper}

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.to_config().items() if k != "name")
        return f"{type(self).__name__}({fields})"


# ------------------------------------------------------------------------------------ optimisers
class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum, as ``torch.optim.SGD``
    (dampening 0): ``b <- mu b + g``, ``p <- p - lr (g + mu b if nesterov else b)``."""

    name = "sgd"
    _FIELDS = {"lr": _positive("lr"), "momentum": _unit("momentum"),
               "nesterov": _flag("nesterov"), "weight_decay": _non_negative("weight_decay")}

    def __init__(self, params, lr: float, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0):
        super().__init__(params, lr=lr, momentum=momentum, nesterov=nesterov,
                         weight_decay=weight_decay)

    def _check_consistency(self, hyper) -> None:
        if hyper["nesterov"] and hyper["momentum"] <= 0:
            raise RnnvizError("nesterov: requires momentum > 0")

    def _slots(self, hyper):
        return ["momentum_buffer"] if hyper["momentum"] != 0 else []

    def _update(self, p, g, state):
        g = self._decayed(p, g)
        mu = self._hyper["momentum"]
        if mu != 0:
            buf = state["momentum_buffer"]  # zeros before step 1, so b_1 = g exactly
            buf *= mu
            buf += g
            g = g + mu * buf if self._hyper["nesterov"] else buf
        p -= self._hyper["lr"] * g


class Adagrad(Optimizer):
    """Adagrad (Duchi et al. 2011), as ``torch.optim.Adagrad`` (no lr decay, zero initial sum):
    ``s <- s + g^2``, ``p <- p - lr g / (sqrt(s) + eps)``."""

    name = "adagrad"
    _FIELDS = {"lr": _positive("lr"), "eps": _positive("eps"),
               "weight_decay": _non_negative("weight_decay")}

    def __init__(self, params, lr: float, eps: float = 1e-10, weight_decay: float = 0.0):
        super().__init__(params, lr=lr, eps=eps, weight_decay=weight_decay)

    def _slots(self, hyper):
        return ["sum"]

    def _update(self, p, g, state):
        g = self._decayed(p, g)
        s = state["sum"]
        s += g * g
        p -= self._hyper["lr"] * (g / (np.sqrt(s) + self._hyper["eps"]))


class RMSprop(Optimizer):
    """RMSprop (Hinton 2012), as ``torch.optim.RMSprop``:
    ``v <- alpha v + (1 - alpha) g^2``, ``d = g / (sqrt(v - m^2 if centered else v) + eps)``,
    ``b <- mu b + d``, ``p <- p - lr (b if mu > 0 else d)``."""

    name = "rmsprop"
    _FIELDS = {"lr": _positive("lr"), "alpha": _unit("alpha"), "eps": _positive("eps"),
               "momentum": _unit("momentum"), "centered": _flag("centered"),
               "weight_decay": _non_negative("weight_decay")}

    def __init__(self, params, lr: float, alpha: float = 0.99, eps: float = 1e-8,
                 momentum: float = 0.0, centered: bool = False, weight_decay: float = 0.0):
        super().__init__(params, lr=lr, alpha=alpha, eps=eps, momentum=momentum,
                         centered=centered, weight_decay=weight_decay)

    def _slots(self, hyper):
        slots = ["square_avg"]
        if hyper["momentum"] > 0:
            slots.append("momentum_buffer")
        if hyper["centered"]:
            slots.append("grad_avg")
        return slots

    def _update(self, p, g, state):
        g = self._decayed(p, g)
        alpha, eps = self._hyper["alpha"], self._hyper["eps"]
        v = state["square_avg"]
        v *= alpha
        v += (1 - alpha) * (g * g)
        if self._hyper["centered"]:
            m = state["grad_avg"]
            m += (1 - alpha) * (g - m)
            avg = np.sqrt(v - m * m) + eps
        else:
            avg = np.sqrt(v) + eps
        if self._hyper["momentum"] > 0:
            buf = state["momentum_buffer"]
            buf *= self._hyper["momentum"]
            buf += g / avg
            p -= self._hyper["lr"] * buf
        else:
            p -= self._hyper["lr"] * (g / avg)


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015), as ``torch.optim.Adam`` (L2 weight decay, no amsgrad):
    ``m <- beta1 m + (1 - beta1) g``, ``v <- beta2 v + (1 - beta2) g^2``,
    ``p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)``."""

    name = "adam"
    _FIELDS = {"lr": _positive("lr"), "beta1": _unit("betas[0]"), "beta2": _unit("betas[1]"),
               "eps": _positive("eps"), "weight_decay": _non_negative("weight_decay")}

    def __init__(self, params, lr: float, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0):
        if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2:
            raise RnnvizError(f"betas: expected a pair (beta1, beta2), got {betas!r}")
        super().__init__(params, lr=lr, beta1=betas[0], beta2=betas[1], eps=eps,
                         weight_decay=weight_decay)

    @property
    def betas(self) -> tuple[float, float]:
        return self._hyper["beta1"], self._hyper["beta2"]

    def _slots(self, hyper):
        return ["exp_avg", "exp_avg_sq"]

    def _update(self, p, g, state):
        g = self._decayed(p, g)
        b1, b2 = self._hyper["beta1"], self._hyper["beta2"]
        t = self.step_count
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m += (1 - b1) * (g - m)  # torch: exp_avg.lerp_(grad, 1 - beta1)
        v *= b2
        v += (1 - b2) * (g * g)
        step_size = self._hyper["lr"] / (1 - b1 ** t)
        denom = np.sqrt(v) / math.sqrt(1 - b2 ** t) + self._hyper["eps"]
        p -= step_size * (m / denom)

    def to_config(self) -> dict:
        h = dict(self._hyper)
        return {"name": self.name, "lr": h["lr"], "betas": [h["beta1"], h["beta2"]],
                "eps": h["eps"], "weight_decay": h["weight_decay"]}


#: Registry of optimiser names -> classes.
OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "adagrad": Adagrad, "rmsprop": RMSprop,
                                          "adam": Adam}


def make_optimizer(name: str, params: dict[str, np.ndarray], **hyper) -> Optimizer:
    """Build an optimiser by name ("sgd", "adagrad", "rmsprop", "adam"; case-insensitive).

    ``hyper`` are the constructor's keyword arguments (``lr`` is required); an unknown field
    raises :class:`RnnvizError` naming it."""
    key = name.lower() if isinstance(name, str) else None
    if key not in OPTIMIZERS:
        raise RnnvizError(f"name: expected one of {sorted(OPTIMIZERS)}, got {name!r}")
    cls = OPTIMIZERS[key]
    allowed = set(cls.__init__.__code__.co_varnames[2:cls.__init__.__code__.co_argcount])
    for field in hyper:
        if field not in allowed:
            raise RnnvizError(f"{field}: not a hyperparameter of {key} (expected one of {sorted(allowed)})")
    if "lr" not in hyper:
        raise RnnvizError(f"lr: required for {key}")
    return cls(params, **hyper)


def optimizer_from_config(config: Mapping, params: dict[str, np.ndarray]) -> Optimizer:
    """Inverse of :meth:`Optimizer.to_config`."""
    if not isinstance(config, Mapping) or "name" not in config:
        raise RnnvizError(f"config: expected a dict with a 'name' field, got {config!r}")
    hyper = {k: v for k, v in config.items() if k != "name"}
    return make_optimizer(config["name"], params, **hyper)
