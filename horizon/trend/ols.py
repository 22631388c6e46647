"""Least squares: one routine for every linear fit in the trend package, and statsmodels for
the inference it is made for.

``fit`` solves ordinary least squares for one design and many responses at once (bootstrap
replicates, simulated data sets, every candidate break), optionally with points missing per
row: the exponential trend, its replicates, the hinge fits of the piecewise form, the break
test and the starting values of the curved forms all go through it.

``Inference`` wraps statsmodels' OLS for one data set: t intervals of the slope (classical or
HC2/HC3 robust) and the confidence and prediction bands the forecasts invert. statsmodels is
imported on first use only: the import takes over a second, longer than every fit of
`horizon update` together, and `horizon --help` and report builds never need it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from horizon.errors import HorizonError


@dataclass(frozen=True)
class LeastSquares:
    """Coefficients (rows x columns of the design) and residual sums of squares (rows)."""

    coef: np.ndarray
    sse: np.ndarray
    n: np.ndarray          # points used in each row


def fit(X, Y, mask=None) -> LeastSquares:
    """OLS of every row of ``Y`` (rows x points) on the design ``X`` (points x columns).

    ``mask`` (rows x points, bool) leaves points out of a row; such rows are solved through
    their own normal equations (columns scaled first, so the conditioning is that of the
    design, not of raw day numbers). Without a mask every row shares one QR factorisation.
    A row with fewer usable points than columns, or a singular design, gets NaN coefficients.
    """
    X = np.asarray(X, dtype=float)
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    k = X.shape[1]
    if mask is None:
        q, r = np.linalg.qr(X)
        if np.any(np.abs(np.diag(r)) <= 1e-12 * max(np.abs(r).max(), 1e-300)):
            coef = np.full((Y.shape[0], k), np.nan)
        else:
            coef = np.linalg.solve(r, q.T @ Y.T).T
        resid = Y - coef @ X.T
        return LeastSquares(coef, np.einsum("ij,ij->i", resid, resid), np.full(Y.shape[0], X.shape[0]))
    W = np.asarray(mask, dtype=bool) & np.isfinite(Y)
    w = W.astype(float)
    Y0 = np.where(W, Y, 0.0)
    scale = np.sqrt((X**2).sum(axis=0))
    scale = np.where(scale > 0, scale, 1.0)
    Xs = X / scale
    A = np.einsum("rp,pi,pj->rij", w, Xs, Xs)
    b = np.einsum("rp,pi->ri", w * Y0, Xs)
    n = W.sum(axis=1)
    coef = np.full((Y.shape[0], k), np.nan)
    ok = n >= k
    if ok.any():
        det_ok = np.abs(np.linalg.det(A[ok])) > 1e-12
        rows = np.flatnonzero(ok)[det_ok]
        if rows.size:
            coef[rows] = np.linalg.solve(A[rows], b[rows][:, :, None])[:, :, 0] / scale
    resid = np.where(W, Y0 - coef @ X.T, 0.0)
    return LeastSquares(coef, np.einsum("ij,ij->i", resid, resid), n)


def sse_by_design(designs, Y) -> np.ndarray:
    """Residual sum of squares of every row of Y (rows x points) on each design of a stack
    (designs x points x columns), as rows x designs: one batched QR, one projection."""
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    q, _ = np.linalg.qr(np.asarray(designs, dtype=float))
    proj = np.einsum("rp,dpj->rdj", Y, q)
    return np.einsum("rp,rp->r", Y, Y)[:, None] - np.einsum("rdj,rdj->rd", proj, proj)


def line_design(x, centre: float) -> np.ndarray:
    """Columns 1 and x - centre: the exponential trend's design, centred for conditioning."""
    x = np.asarray(x, dtype=float)
    return np.column_stack([np.ones_like(x), x - centre])


@dataclass(frozen=True)
class Lines:
    """Fitted lines y = intercept + slope * x (x in day numbers), one per row."""

    intercept: np.ndarray
    slope: np.ndarray
    sse: np.ndarray
    n: np.ndarray


def lines(x, Y, mask=None) -> Lines:
    """The straight line of every row of Y on x (day numbers), through ``fit``."""
    x = np.asarray(x, dtype=float)
    centre = float(np.mean(x))
    res = fit(line_design(x, centre), Y, mask)
    slope = res.coef[:, 1]
    return Lines(res.coef[:, 0] - slope * centre, slope, res.sse, res.n)


# --- inference for one data set (statsmodels) ------------------------------------------------------


ROBUST_COVARIANCES = ("HC2", "HC3")


@dataclass(frozen=True)
class Band:
    """Pointwise bands of the fitted line at some days: the line's own (mean) and a new point's."""

    x: np.ndarray
    mean: np.ndarray
    mean_low: np.ndarray
    mean_high: np.ndarray
    obs_low: np.ndarray
    obs_high: np.ndarray


class Inference:
    """statsmodels' OLS of y on x (days), centred; the results object is built once.
    ``cov_type``: nonrobust (classical) or HC2 / HC3 (heteroscedasticity-robust), always with
    Student t quantiles."""

    def __init__(self, x, y, cov_type: str = "nonrobust"):
        self.x = np.asarray(x, dtype=float)
        self.y = np.asarray(y, dtype=float)
        self.cov_type = cov_type
        if self.x.size < 3:
            raise HorizonError(f"a trend needs at least 3 points, got {self.x.size}")
        self.centre = float(self.x.mean())

    @cached_property
    def _model(self):
        from statsmodels.regression.linear_model import OLS

        return OLS(self.y, line_design(self.x, self.centre))

    @cached_property
    def _results(self):
        return self._model.fit(cov_type=self.cov_type, use_t=True)

    @property
    def df_resid(self) -> float:
        return float(self._results.df_resid)

    @property
    def residual_sd(self) -> float:
        return float(np.sqrt(self._results.scale))

    def slope_interval(self, level: float) -> tuple[float, float]:
        """Two-sided ``level`` interval of the slope with Student t quantiles (n - 2 df)."""
        low, high = self._results.conf_int(alpha=1 - level)[1]
        return float(low), float(high)

    def band(self, x_new, level: float) -> Band:
        x_new = np.asarray(x_new, dtype=float)
        pred = self._results.get_prediction(line_design(x_new, self.centre))
        mean_ci = pred.conf_int(alpha=1 - level)
        obs_ci = pred.conf_int(obs=True, alpha=1 - level)
        return Band(x_new, np.asarray(pred.predicted_mean), mean_ci[:, 0], mean_ci[:, 1], obs_ci[:, 0], obs_ci[:, 1])
