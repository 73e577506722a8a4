"""Principal component projection of hidden-state trajectories (NumPy only)."""
from __future__ import annotations

import numpy as np


def pca_2d(h: np.ndarray) -> np.ndarray:
    """Alias of :func:`pca_2d_with_variance` returning only the (T, 2) points."""
    return pca_2d_with_variance(h)[0]


def pca_2d_with_variance(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project hidden states onto their first two principal components.

    Parameters
    ----------
    h : array (T, H)
        One hidden-state vector per time step.

    Returns
    -------
    points : array (T, 2)
        Coordinates of each step on principal components 1 and 2 (centred data times the
        top-2 right singular vectors).  Signs are fixed so that the largest-magnitude loading of
        each component is positive, making the result deterministic.  When there are fewer than
        two informative directions (T < 2, H < 2 or rank-deficient data) the missing columns are 0.
    ratio : array (2,)
        Fraction of the total variance explained by each component (0 where there is none).

    Raises
    ------
    ValueError
        If ``h`` is not 2-D or holds non-finite values.
    """
    h = np.asarray(h, dtype=np.float64)
    if h.ndim != 2:
        raise ValueError(f"h must be a 2-D array (T, H), got shape {h.shape}")
    T, H = h.shape
    out = np.zeros((T, 2))
    ratio = np.zeros(2)
    if T == 0 or H == 0:
        return out, ratio
    if not np.all(np.isfinite(h)):
        raise ValueError("h must hold only finite values")
    x = h - h.mean(axis=0, keepdims=True)
    if T < 2:
        return out, ratio
    if T > 4 * H:
        # tall data (a long text): the eigen-decomposition of the H x H scatter matrix gives
        # the same components ~10x faster than an SVD of the T x H data
        evals, evecs = np.linalg.eigh(x.T @ x)
        order = np.argsort(evals)[::-1]
        s = np.sqrt(np.clip(evals[order], 0.0, None))
        vt = evecs[:, order].T
        tol = s[0] * 1e-6  # squaring the data loses half the digits
    else:
        _, s, vt = np.linalg.svd(x, full_matrices=False)
        tol = s[0] * max(T, H) * np.finfo(float).eps if s.size else 0.0
    k = min(2, vt.shape[0])
    for i in range(k):
        if s[i] <= tol:
            continue
        v = vt[i]
        if v[np.argmax(np.abs(v))] < 0:
            v = -v
        out[:, i] = x @ v
        ratio[i] = s[i] ** 2 / np.sum(s**2)
    return out, ratio
