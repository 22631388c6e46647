"""Uncertainty of the exponential trend: bootstrap draws of (intercept, slope).

Two families of source:
- run-level bootstrap replicates (the hierarchical bootstrap of the per-model fits): the line
  is refitted on each replicate's horizons, with the frontier set fixed from the point
  estimates;
- published headline figures only: resampling built from the published per-model intervals
  and the scatter about the line. Several designs are implemented so they can be compared
  with METR's own published interval; ``DEFAULT_HEADLINE_METHOD`` is the one that came
  closest on both METR 1.1 vintages (see tests/test_trend_metr.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from horizon.errors import HorizonError
from horizon.trend.exponential import LN2

Z975 = 1.959963984540054

HEADLINE_METHODS = {
    "wild_bootstrap": "wild bootstrap of OLS residuals (Rademacher signs), frontier fixed",
    "residual_bootstrap": "residual bootstrap (OLS residuals resampled, df-inflated), frontier fixed",
    "parametric_ci": (
        "parametric bootstrap: each log-horizon drawn from a normal matching its published 95% CI,"
        " plus the residual scatter the CIs do not explain"
    ),
    "ols_t": "classical OLS t-interval on the slope",
}
RUN_METHOD = "run_bootstrap"
RUN_METHOD_TEXT = "refit on each run-level bootstrap replicate (frontier fixed from point estimates)"
DEFAULT_HEADLINE_METHOD = "wild_bootstrap"


@dataclass(frozen=True)
class LineDraws:
    """Bootstrap draws of the line; rows are replicates (non-finite ones already dropped)."""

    method: str
    intercepts: np.ndarray
    slopes: np.ndarray
    n_requested: int
    n_dropped: int          # replicates with no usable line (too few finite points)
    n_points_dropped: int   # non-finite per-model horizons dropped inside replicates
    seed: int | None

    @property
    def n(self) -> int:
        return int(self.slopes.size)


@dataclass(frozen=True)
class DoublingInterval:
    low: float
    high: float
    level: float
    method: str
    n_replicates: int

    @property
    def description(self) -> str:
        if self.method == "ols_t":
            return HEADLINE_METHODS["ols_t"]
        text = HEADLINE_METHODS.get(self.method) or RUN_METHOD_TEXT
        return f"{text}; {self.n_replicates} replicates, percentile interval"


def _design(x: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones_like(x), x - x.mean()])


def _lines_from_rows(x: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OLS of every row of Y (replicates x points) on x at once."""
    X = _design(x)
    coef = Y @ np.linalg.pinv(X).T
    slopes = coef[:, 1]
    intercepts = coef[:, 0] - slopes * x.mean()
    return intercepts, slopes


def headline_draws(x, y, ci_low, ci_high, method: str, n: int, seed: int) -> LineDraws:
    """Draws of the line from headline figures only (x days, y = ln estimate, CIs in minutes)."""
    if method not in HEADLINE_METHODS or method == "ols_t":
        raise HorizonError(
            f"interval method {method!r}: expected one of"
            f" {', '.join(m for m in HEADLINE_METHODS if m != 'ols_t')}"
        )
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    rng = np.random.default_rng(seed)
    k = x.size
    X = _design(x)
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    fitted = X @ beta
    res = y - fitted
    if method == "wild_bootstrap":
        Y = fitted + res * rng.choice(np.array([-1.0, 1.0]), size=(n, k))
    elif method == "residual_bootstrap":
        Y = fitted + res[rng.integers(0, k, size=(n, k))] * math.sqrt(k / (k - 2))
    else:
        sd = _published_log_sd(y, ci_low, ci_high)
        s2 = float(res @ res) / (k - 2)
        # The residual scatter includes the measurement error the CIs describe; add only the
        # part they leave unexplained, so it is not counted twice.
        extra = max(s2 - float(np.mean(sd**2)), 0.0)
        Y = fitted + rng.standard_normal((n, k)) * np.sqrt(sd**2 + extra)
    intercepts, slopes = _lines_from_rows(x, Y)
    return LineDraws(method, intercepts, slopes, n, 0, 0, seed)


def _published_log_sd(y, ci_low, ci_high) -> np.ndarray:
    lo = np.asarray([np.nan if v is None else v for v in ci_low], dtype=float)
    hi = np.asarray([np.nan if v is None else v for v in ci_high], dtype=float)
    sd = (np.log(hi) - np.log(lo)) / (2 * Z975)
    if not np.all(np.isfinite(sd)):
        raise HorizonError(
            "parametric_ci interval: every point needs a published ci_low and ci_high"
            " (use --interval wild_bootstrap)"
        )
    return sd


def run_draws(x, replicate_minutes, seed: int | None = None, min_points: int = 3) -> LineDraws:
    """Refit the line on each run-level replicate (rows) of the fixed frontier's horizons.

    Non-finite or missing horizons are dropped from that replicate's fit (an agent that passed
    or failed every sampled run has no horizon there); a replicate with fewer than
    ``min_points`` usable points, or a single release date, gives no line and is counted.
    """
    x = np.asarray(x, dtype=float)
    H = np.asarray(replicate_minutes, dtype=float)
    if H.ndim != 2 or H.shape[1] != x.size:
        raise HorizonError(f"replicates: expected a matrix with {x.size} columns, got shape {H.shape}")
    ok = np.isfinite(H) & (H > 0)
    Y = np.where(ok, np.log(np.where(ok, H, 1.0)), 0.0)
    w = ok.astype(float)
    # Weighted OLS with 0/1 weights, all replicates at once.
    sw = w.sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xm = (w * x).sum(1) / sw
        ym = (w * Y).sum(1) / sw
        dx = x[None, :] - xm[:, None]
        sxx = (w * dx**2).sum(1)
        slopes = (w * dx * (Y - ym[:, None])).sum(1) / sxx
    intercepts = ym - slopes * xm
    good = (sw >= min_points) & (sxx > 0) & np.isfinite(slopes)
    return LineDraws(
        RUN_METHOD,
        intercepts[good],
        slopes[good],
        int(H.shape[0]),
        int((~good).sum()),
        int((~ok).sum()),
        seed,
    )


def doubling_interval(draws: LineDraws, level: float = 0.95) -> DoublingInterval:
    """Percentile interval of the doubling time (a non-positive slope is an infinite doubling)."""
    if draws.n == 0:
        raise HorizonError(f"{draws.method}: no usable bootstrap replicate")
    tail = 100 * (1 - level) / 2
    s_lo, s_hi = np.percentile(draws.slopes, [tail, 100 - tail])
    low = LN2 / s_hi if s_hi > 0 else math.inf
    high = LN2 / s_lo if s_lo > 0 else math.inf
    return DoublingInterval(float(low), float(high), level, draws.method, draws.n)


def ols_t_interval(x, y, level: float = 0.95) -> DoublingInterval:
    from scipy.special import stdtrit  # the t quantile (scipy.stats.t.ppf), lighter import

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    k = x.size
    X = _design(x)
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    res = y - X @ beta
    se = math.sqrt(float(res @ res) / (k - 2) / float(((x - x.mean()) ** 2).sum()))
    t = float(stdtrit(k - 2, 0.5 + level / 2))
    s_lo, s_hi = beta[1] - t * se, beta[1] + t * se
    return DoublingInterval(
        LN2 / s_hi if s_hi > 0 else math.inf,
        LN2 / s_lo if s_lo > 0 else math.inf,
        level,
        "ols_t",
        0,
    )
