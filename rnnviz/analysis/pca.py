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


class StreamingPCA:
    """The 2-D PCA projection of a hidden-state series that grows or is edited step by step.

    The live view calls :meth:`update` on every keystroke with the whole (T, H) series and the
    first step that changed. The runner keeps the sum and the scatter matrix of the rows it has
    seen, so an append costs O(new rows x H^2) instead of O(T x H^2). The principal axes (the
    *basis*) are refitted (an H x H eigen-decomposition) at most every ``refit_interval``
    seconds while updates keep coming; in between, new steps are projected onto the current
    basis and earlier points stay where they are. :meth:`refit` (called when typing pauses)
    makes the projection exact: equal to :func:`pca_2d_with_variance` up to rounding.

    Args:
        refit_interval: minimum seconds between two refits during a burst of appends
            (0: refit on every update, i.e. always exact).
        clock: a function returning seconds (injectable for tests).
    """

    def __init__(self, refit_interval: float = 0.25, clock=None) -> None:
        import time

        self.refit_interval = float(refit_interval)
        self._clock = clock or time.monotonic
        self.reset()

    def reset(self) -> None:
        self._rows = np.zeros((0, 0))     # copy of the rows folded into the sums
        self._sum = np.zeros(0)
        self._scatter = np.zeros((0, 0))
        self._n = 0
        self._mean = np.zeros(0)
        self._basis = np.zeros((0, 0))    # (k <= 2, H) unit principal axes
        self._ratio = np.zeros(2)
        self._points = np.zeros((0, 2))
        self._last_fit = -np.inf
        self._updates_since_fit = 0
        self._stale = False               # True: _sum/_scatter lag behind _rows (lazy updates)
        self.exact = True                 # the points equal a fresh PCA of the current rows

    # ------------------------------------------------------------------ state
    @property
    def points(self) -> np.ndarray:
        """(T, 2) current projection (a view; copy before keeping)."""
        return self._points[: self._n]

    @property
    def ratio(self) -> np.ndarray:
        return self._ratio.copy()

    # ------------------------------------------------------------------ update
    def update(self, h: np.ndarray, changed_from: int = 0, lazy: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Bring the projection up to date with ``h`` (T, H), whose rows before
        ``changed_from`` equal those of the previous call. Returns (points (T, 2), ratio (2,)).

        ``lazy``: once there is a basis, project the changed rows onto it whatever changed (an
        edit at the start of a long text too) and leave the scatter sums and the refit to
        :meth:`refit` (the live view calls it when typing pauses)."""
        h = np.asarray(h)  # only the rows folded in are converted to float64 (typing: one row)
        if h.ndim != 2:
            raise ValueError(f"h must be a 2-D array (T, H), got shape {h.shape}")
        T, H = h.shape
        if H != self._sum.shape[0]:
            self.reset()
            self._sum = np.zeros(H)
            self._scatter = np.zeros((H, H))
            self._rows = np.zeros((max(64, T), H))
            changed_from = 0
        start = max(0, min(int(changed_from), self._n, T))
        defer = lazy and self._basis.shape[0] > 0 and T >= 8
        if not defer and start < self._n // 2:
            start = 0  # most rows changed: accumulate from scratch (also resets rounding drift)
        new = np.asarray(h[start:], dtype=np.float64)
        if new.size and not np.all(np.isfinite(new)):
            raise ValueError("h must hold only finite values")
        if defer or self._stale:
            pass  # the sums are recomputed from the rows when needed (_catch_up_sums)
        elif start == 0:
            self._sum = new.sum(axis=0)
            self._scatter = new.T @ new
        else:
            old = self._rows[start:self._n]
            if old.shape[0]:
                self._sum -= old.sum(axis=0)
                self._scatter -= old.T @ old
            if new.shape[0]:
                self._sum += new.sum(axis=0)
                self._scatter += new.T @ new
        if T > self._rows.shape[0]:
            grown = np.zeros((max(T, 2 * self._rows.shape[0]), H))
            grown[:start] = self._rows[:start]
            self._rows = grown
        self._rows[start:T] = new
        self._n = T
        if self._points.shape[0] < T:
            grown = np.zeros((max(T, 2 * self._points.shape[0], 64), 2))
            grown[:start] = self._points[:start]
            self._points = grown
        self._updates_since_fit += 1
        if defer:
            self._stale = True
            self._project(start)
            self.exact = False
            return self.points, self._ratio.copy()
        self._catch_up_sums()
        now = self._clock()
        # only the tail changed (typing at the end): the basis may wait
        tail_only = self._basis.shape[0] > 0 and start >= max(1, T // 2) and T >= 8
        if not tail_only or now - self._last_fit >= self.refit_interval:
            self._fit(now)
        else:
            self._project(start)
            self.exact = False
        return self.points, self._ratio.copy()

    def refit(self) -> tuple[np.ndarray, np.ndarray]:
        """Refit the basis on all current rows and re-project every point (exact again)."""
        if self._n:
            self._catch_up_sums()
            self._fit(self._clock())
        return self.points, self._ratio.copy()

    # ------------------------------------------------------------------ internals
    def _catch_up_sums(self) -> None:
        """After lazy updates, recompute the sum and scatter matrix from the current rows."""
        if self._stale:
            rows = self._rows[:self._n]
            self._sum, self._scatter = rows.sum(axis=0), rows.T @ rows
            self._stale = False

    def _fit(self, now: float) -> None:
        T, H = self._n, self._sum.shape[0]
        self._last_fit = now
        self._updates_since_fit = 0
        self.exact = True
        self._points[:T] = 0.0
        self._ratio = np.zeros(2)
        self._basis = np.zeros((0, H))
        self._mean = self._sum / T if T else np.zeros(H)
        if T < 2 or H == 0:
            return
        cov = self._scatter - T * np.outer(self._mean, self._mean)
        cov = 0.5 * (cov + cov.T)
        evals, evecs = np.linalg.eigh(cov)
        order = np.argsort(evals)[::-1]
        evals = np.clip(evals[order], 0.0, None)
        s = np.sqrt(evals)
        total = evals.sum()
        tol = s[0] * 1e-6 if s.size else 0.0
        basis = []
        for i in range(min(2, H)):
            if s[i] <= tol or total <= 0:
                basis.append(np.zeros(H))
                continue
            v = evecs[:, order[i]]
            if v[np.argmax(np.abs(v))] < 0:
                v = -v
            basis.append(v)
            self._ratio[i] = evals[i] / total
        self._basis = np.array(basis)
        self._project(0)

    def _project(self, start: int) -> None:
        T = self._n
        k = self._basis.shape[0]
        if k == 0 or start >= T:
            return
        x = self._rows[start:T] - self._mean
        self._points[start:T, :k] = x @ self._basis.T
