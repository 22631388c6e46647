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
from horizon.trend import ols
from horizon.trend.rules import doubling_interval as doubling_of_slopes

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
    line = ols.lines(x, y)
    fitted = line.intercept[0] + line.slope[0] * x
    res = y - fitted
    if method == "wild_bootstrap":
        Y = wild_responses(fitted, y, n, seed)
    elif method == "residual_bootstrap":
        Y = fitted + res[rng.integers(0, k, size=(n, k))] * math.sqrt(k / (k - 2))
    else:
        sd = _published_log_sd(y, ci_low, ci_high)
        s2 = float(res @ res) / (k - 2)
        # The residual scatter includes the measurement error the CIs describe; add only the
        # part they leave unexplained, so it is not counted twice.
        extra = max(s2 - float(np.mean(sd**2)), 0.0)
        Y = fitted + rng.standard_normal((n, k)) * np.sqrt(sd**2 + extra)
    drawn = ols.lines(x, Y)
    return LineDraws(method, drawn.intercept, drawn.slope, n, 0, 0, seed)


def wild_responses(fitted, y, n: int, seed: int) -> np.ndarray:
    """Wild-bootstrap responses around fitted values (Rademacher signs on the residuals)."""
    fitted = np.asarray(fitted, dtype=float)
    res = np.asarray(y, dtype=float) - fitted
    rng = np.random.default_rng(seed)
    return fitted + res * rng.choice(np.array([-1.0, 1.0]), size=(n, fitted.size))


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
    Y = np.where(ok, np.log(np.where(ok, H, 1.0)), np.nan)
    drawn = ols.lines(x, Y, mask=ok)
    intercepts, slopes = drawn.intercept, drawn.slope
    good = (drawn.n >= min_points) & np.isfinite(slopes)
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
    low, high = doubling_of_slopes(float(s_lo), float(s_hi))
    return DoublingInterval(low, high, level, draws.method, draws.n)


def ols_t_interval(x, y, level: float = 0.95) -> DoublingInterval:
    """The classical OLS t interval of the slope (statsmodels), as a doubling-time interval."""
    low, high = doubling_of_slopes(*ols.Inference(x, y).slope_interval(level))
    return DoublingInterval(low, high, level, "ols_t", 0)
