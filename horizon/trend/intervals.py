"""Uncertainty of the exponential trend: 80% and 95% intervals of the doubling time.

Two families of source:
- run-level bootstrap replicates (the hierarchical bootstrap of the per-model fits): the line
  is refitted on each replicate's horizons, with the frontier set fixed from the point
  estimates;
- published headline figures only: OLS inference (statsmodels), or resampling built from the
  scatter about the line (and, for parametric_ci, the published per-model intervals).

``DEFAULT_HEADLINE_METHOD`` is the method the coverage study (``horizon.trend.calibration``)
finds calibrated on data shaped like METR's frontier: its 95% interval covers the true doubling
time in 93-97% of simulated data sets at 14, 9 and 5 points, its 80% interval in 77-83%. A test
reruns the study and fails if the choice changes. Closeness to a publisher's own interval is
reported (``horizon trend``), never used to choose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from horizon.errors import HorizonError
from horizon.trend import ols
from horizon.trend.rules import doubling_interval

LEVELS = (0.80, 0.95)
Z975 = 1.959963984540054

HEADLINE_METHODS = {
    "ols_t": "OLS with Student t intervals of the slope (n - 2 degrees of freedom; statsmodels)",
    "ols_hc3": "OLS with HC3 heteroscedasticity-robust standard errors and Student t quantiles (statsmodels)",
    "wild_hc3": "wild bootstrap of leverage-adjusted (HC3) OLS residuals, Rademacher signs, frontier fixed",
    "wild_bootstrap": "wild bootstrap of OLS residuals (Rademacher signs), frontier fixed",
    "residual_bootstrap": "residual bootstrap (OLS residuals resampled, df-inflated), frontier fixed",
    "parametric_ci": (
        "parametric bootstrap: each log-horizon drawn from a normal matching its published 95% CI,"
        " plus the residual scatter the CIs do not explain"
    ),
}
ANALYTIC = ("ols_t", "ols_hc3")        # closed-form intervals: no replicates
RUN_METHOD = "run_bootstrap"
RUN_METHOD_TEXT = "refit on each run-level bootstrap replicate (frontier fixed from point estimates)"
DEFAULT_HEADLINE_METHOD = "ols_t"
METHODS = (*HEADLINE_METHODS, RUN_METHOD)


@dataclass(frozen=True)
class LineDraws:
    """Bootstrap draws of the line; rows are replicates (non-finite ones already dropped)."""

    method: str
    intercepts: np.ndarray     # ln minutes at day 0
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
    """80% and 95% intervals of the doubling time (days; inf: unbounded) from one method."""

    method: str
    low80: float
    high80: float
    low95: float
    high95: float
    n_replicates: int          # 0 for the closed-form methods
    draws: LineDraws | None = field(default=None, repr=False, compare=False)

    @property
    def description(self) -> str:
        if self.method in ANALYTIC:
            return HEADLINE_METHODS[self.method]
        text = HEADLINE_METHODS.get(self.method) or RUN_METHOD_TEXT
        return f"{text}; {self.n_replicates} replicates, percentile interval"

    def bounds(self, level: float) -> tuple[float, float]:
        return (self.low80, self.high80) if level == 0.80 else (self.low95, self.high95)


# --- resampling schemes (shared with the coverage study) ------------------------------------------


class Resampler:
    """One resampling scheme's random draws for data sets of ``k`` points, applied to residuals.

    Every statistic used here is linear in the responses (``w @ y``), so the bootstrap
    deviation of a statistic is a matrix product of the residuals with the drawn signs,
    indices or normals: ``deviation(r, w)`` gives it for every data set (rows of r) and every
    replicate at once. Production (one data set) and the coverage study (thousands) share it.
    """

    def __init__(self, method: str, k: int, n_boot: int, rng):
        self.method, self.k, self.n_boot = method, k, n_boot
        if method in ("wild_bootstrap", "wild_hc3"):
            self.random = rng.choice(np.array([-1.0, 1.0]), size=(n_boot, k))
        elif method == "residual_bootstrap":
            self.random = rng.integers(0, k, size=(n_boot, k))
        elif method == "parametric_ci":
            self.random = rng.standard_normal((n_boot, k))
        else:
            raise HorizonError(f"interval method {method!r}: expected one of {', '.join(HEADLINE_METHODS)}")

    def deviation(self, r: np.ndarray, w: np.ndarray, leverage=None, log_sd=None) -> np.ndarray:
        """Replicate values minus fitted values of the statistic ``w @ y`` (data sets x replicates)."""
        r = np.atleast_2d(r)
        if self.method == "wild_bootstrap":
            return (r * w) @ self.random.T
        if self.method == "wild_hc3":
            return (r / (1 - leverage) * w) @ self.random.T
        if self.method == "residual_bootstrap":
            weights = np.zeros((self.k, self.n_boot))
            np.add.at(weights, (self.random, np.arange(self.n_boot)[:, None]), w[None, :])
            return (r * math.sqrt(self.k / (self.k - 2))) @ weights
        sd = np.asarray(log_sd, dtype=float)
        s2 = (r**2).sum(axis=1) / (self.k - 2)
        # The residual scatter includes the measurement error the CIs describe; add only the
        # part they leave unexplained, so it is not counted twice.
        extra = np.maximum(s2 - np.mean(sd**2), 0.0)
        total = np.sqrt(sd[None, :] ** 2 + extra[:, None])
        return (total * w) @ self.random.T


def line_parts(x, Y):
    """Slope weights c (slope = Y @ c), fitted slopes b, residuals r, leverages h, Sxx."""
    x = np.asarray(x, dtype=float)
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    dx = x - x.mean()
    sxx = float(dx @ dx)
    c = dx / sxx
    b = Y @ c
    r = Y - Y.mean(axis=1, keepdims=True) - b[:, None] * dx[None, :]
    h = 1.0 / x.size + dx**2 / sxx
    return c, b, r, h, sxx


def published_log_sd(ci_low, ci_high) -> np.ndarray:
    """Each point's published 95% interval as a standard deviation on the log scale."""
    lo = np.asarray([np.nan if v is None else v for v in ci_low], dtype=float)
    hi = np.asarray([np.nan if v is None else v for v in ci_high], dtype=float)
    return (np.log(hi) - np.log(lo)) / (2 * Z975)


def headline_draws(x, y, ci_low, ci_high, method: str, n: int, seed: int) -> LineDraws:
    """Bootstrap draws of the line from headline figures only (x days, y = ln estimate)."""
    if method not in HEADLINE_METHODS or method in ANALYTIC:
        raise HorizonError(
            f"interval method {method!r}: expected one of"
            f" {', '.join(m for m in HEADLINE_METHODS if m not in ANALYTIC)}"
        )
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    log_sd = None
    if method == "parametric_ci":
        log_sd = published_log_sd(ci_low, ci_high)
        if not np.all(np.isfinite(log_sd)):
            raise HorizonError(
                "parametric_ci interval: every point needs a published ci_low and ci_high (use --interval ols_t)"
            )
    c, b, r, h, _ = line_parts(x, y)
    resampler = Resampler(method, x.size, n, np.random.default_rng(seed))
    slopes = b[0] + resampler.deviation(r, c, h, log_sd)[0]
    means = y.mean() + resampler.deviation(r, np.full(x.size, 1.0 / x.size), h, log_sd)[0]
    return LineDraws(method, means - slopes * x.mean(), slopes, n, 0, 0, seed)


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
    good = (drawn.n >= min_points) & np.isfinite(drawn.slope)
    return LineDraws(RUN_METHOD, drawn.intercept[good], drawn.slope[good], int(H.shape[0]), int((~good).sum()),
                     int((~ok).sum()), seed)


def from_draws(draws: LineDraws) -> DoublingInterval:
    """Percentile intervals of the doubling time (a non-positive slope is an infinite doubling)."""
    if draws.n == 0:
        raise HorizonError(f"{draws.method}: no usable bootstrap replicate")

    def at(q: float) -> tuple[float, float]:
        tail = 100 * (1 - q) / 2
        s_lo, s_hi = np.percentile(draws.slopes, [tail, 100 - tail])
        return doubling_interval(float(s_lo), float(s_hi))

    (low80, high80), (low95, high95) = (at(q) for q in LEVELS)
    return DoublingInterval(draws.method, low80, high80, low95, high95, draws.n, draws)


def covariance(method: str) -> str:
    """statsmodels' cov_type of a closed-form method: ols_t nonrobust, ols_hc3 HC3."""
    return "nonrobust" if method == "ols_t" else method.removeprefix("ols_").upper()


def analytic(x, y, method: str = "ols_t") -> DoublingInterval:
    """Closed-form OLS intervals of the slope (statsmodels) as doubling-time intervals."""
    inference = ols.Inference(x, y, covariance(method))
    (low80, high80), (low95, high95) = (doubling_interval(*inference.slope_interval(q)) for q in LEVELS)
    return DoublingInterval(method, low80, high80, low95, high95, 0)


def doubling_intervals(x, y, ci_low, ci_high, method: str, n_boot: int, seed: int,
                       replicates=None) -> DoublingInterval:
    """The 80% and 95% doubling-time intervals of ``method`` on these points."""
    if method == RUN_METHOD:
        if replicates is None:
            raise HorizonError("interval run_bootstrap needs a run-level fit (--fit ID or --from-runs)")
        return from_draws(run_draws(x, replicates))
    if method in ANALYTIC:
        return analytic(x, y, method)
    return from_draws(headline_draws(x, y, ci_low, ci_high, method, n_boot, seed))


def wild_responses(fitted, y, n: int, seed: int) -> np.ndarray:
    """Wild-bootstrap responses around a curve's fitted values (Rademacher signs on the
    residuals): the other trend forms' replicates."""
    fitted = np.asarray(fitted, dtype=float)
    res = np.asarray(y, dtype=float) - fitted
    rng = np.random.default_rng(seed)
    return fitted + res * rng.choice(np.array([-1.0, 1.0]), size=(n, fitted.size))
