"""Argument checks shared by the data modules.

Each helper returns the validated (and normalised) value or raises
:class:`rnnviz.errors.RnnvizError` naming the argument and what was expected.
"""
from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from rnnviz.errors import RnnvizError, finite_float

#: Largest number of array elements a synthetic task or batch may allocate.
MAX_ELEMENTS = 50_000_000


def check_int(name: str, value, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as a Python int; it must be an integer (not a bool) within the bounds."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
        raise RnnvizError(f"{name}: expected an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum:
        raise RnnvizError(f"{name}: expected an integer >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise RnnvizError(f"{name}: expected an integer <= {maximum}, got {value}")
    return value


def check_float(name: str, value, minimum: float | None = None, maximum: float | None = None,
                max_exclusive: bool = False) -> float:
    """Return ``value`` as a finite Python float within the bounds (``maximum`` optionally exclusive)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise RnnvizError(f"{name}: expected a number, got {value!r} ({type(value).__name__})")
    value = finite_float(f"{name}: expected a finite number", value, show_float=True)
    if minimum is not None and value < minimum:
        raise RnnvizError(f"{name}: expected a number >= {minimum}, got {value}")
    if maximum is not None:
        if max_exclusive and value >= maximum:
            raise RnnvizError(f"{name}: expected a number < {maximum}, got {value}")
        if not max_exclusive and value > maximum:
            raise RnnvizError(f"{name}: expected a number <= {maximum}, got {value}")
    return value


def check_text(name: str, value) -> str:
    """Return ``value`` if it is a ``str``."""
    if not isinstance(value, str):
        raise RnnvizError(f"{name}: expected a str, got {type(value).__name__}")
    return value


def check_size(name: str, *dims: int) -> None:
    """Refuse allocations of more than :data:`MAX_ELEMENTS` elements (product of ``dims``)."""
    total = 1
    for d in dims:
        total *= int(d)
    if total > MAX_ELEMENTS:
        raise RnnvizError(
            f"{name}: expected at most {MAX_ELEMENTS} array elements in total, "
            f"these sizes need {total}")


def as_rng(rng, name: str = "rng") -> np.random.Generator:
    """Return a ``np.random.Generator`` from a Generator, a non-negative int seed or ``None``.

    ``None`` gives a freshly seeded (non-deterministic) generator.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, (bool, np.bool_)) or not isinstance(rng, Integral):
        raise RnnvizError(
            f"{name}: expected a numpy.random.Generator or a non-negative int seed, "
            f"got {type(rng).__name__}")
    if int(rng) < 0:
        raise RnnvizError(f"{name}: expected a non-negative int seed, got {int(rng)}")
    return np.random.default_rng(int(rng))


def as_id_array(name: str, ids, ndim: int = 1) -> np.ndarray:
    """Return ``ids`` as an int64 array with ``ndim`` dimensions and no negative entries.

    Accepts lists/tuples of ints and integer arrays; an empty list is an empty int64 array.
    """
    try:
        arr = np.asarray(ids)
    except Exception as exc:  # ragged lists, odd objects
        raise RnnvizError(f"{name}: expected a {ndim}-D array of integer ids ({exc})") from None
    if arr.size == 0 and arr.ndim == ndim:
        return arr.astype(np.int64)
    if arr.ndim != ndim:
        raise RnnvizError(f"{name}: expected a {ndim}-D array of integer ids, got shape {arr.shape}")
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        raise RnnvizError(f"{name}: expected integer ids, got dtype {arr.dtype}")
    if arr.size and arr.min() < 0:
        raise RnnvizError(f"{name}: expected non-negative ids, found {int(arr.min())}")
    if arr.dtype == np.uint64 and arr.size and arr.max() > np.iinfo(np.int64).max:
        raise RnnvizError(f"{name}: id {int(arr.max())} is too large")
    return arr.astype(np.int64, copy=False)
