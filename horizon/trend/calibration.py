"""Which interval of the doubling time can be trusted? A coverage study on simulated data.

The default interval method for headline-only data is chosen here, by calibration: simulate many
data sets from a known exponential trend shaped like the frontier it will be used on (the same
release dates, the scatter of its fitted residuals), compute each candidate method's 80% and 95%
intervals on every data set, and count how often they cover the true doubling time. A method
that lands near one published interval is not thereby calibrated; one that covers 95% of the
time in the simulation is.

Designs: the frontier's last 14, 9, 5 and 3 points (the sizes a user gets by narrowing the
window; the last points are the most tightly spaced, so the hardest). Scenarios: ``normal``
(errors like the fitted residuals: normal with their standard deviation; the study that chooses),
``heavy_tailed`` (Student t with 3 degrees of freedom, same variance) and ``heteroscedastic``
(each point's error in proportion to its published interval) as robustness rows.

Everything is vectorised over data sets and bootstrap replicates: an interval of the slope is a
linear function of the responses, so a bootstrap of every data set at once is one matrix
product. Covering the slope is covering the doubling time (ln 2 / slope is monotone, and a slope
interval reaching zero is an unbounded doubling interval). The closed-form methods here are the
same formulas statsmodels applies to one data set in ``horizon.trend.ols.Inference``; a test
checks they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from horizon.trend.intervals import LEVELS, Resampler, line_parts, published_log_sd
from horizon.trend.stored import CoverageRow

SIZES = (14, 9, 5, 3)
CHOOSING_SIZES = (14, 9, 5)            # the chosen method must be calibrated at each of these
TARGET = {0.80: (0.77, 0.83), 0.95: (0.93, 0.97)}
SCENARIOS = ("normal", "heavy_tailed", "heteroscedastic")
# Candidates in order of preference (simplest first): the first calibrated one is chosen.
METHODS = ("ols_t", "ols_hc3", "wild_hc3", "wild_bootstrap", "residual_bootstrap", "parametric_ci")


@dataclass(frozen=True)
class Design:
    """What simulated data sets look like: release days, the true line, the scatter."""

    x: np.ndarray             # release days of the frontier, sorted
    intercept: float          # true ln(minutes) at day 0
    slope: float              # true slope of ln(minutes) per day
    sigma: float              # standard deviation of the scatter about the line
    log_sd: np.ndarray        # each point's published 95% interval as a log-scale sd (NaN: none)

    def subset(self, k: int) -> Design:
        return Design(self.x[-k:], self.intercept, self.slope, self.sigma, self.log_sd[-k:])


def design_from_points(points: Sequence) -> Design:
    """The design of a fitted frontier: its days, its OLS line as the truth, its residual sd."""
    from horizon.trend import ols

    pts = sorted(points, key=lambda p: (p.x, p.model_id))
    x = np.array([p.x for p in pts])
    y = np.log([p.estimate for p in pts])
    line = ols.lines(x, y)
    sigma = float(np.sqrt(line.sse[0] / (x.size - 2)))
    log_sd = published_log_sd([p.ci_low for p in pts], [p.ci_high for p in pts])
    return Design(x, float(line.intercept[0]), float(line.slope[0]), sigma, log_sd)


def _errors(design: Design, scenario: str, n: int, rng) -> np.ndarray:
    k = design.x.size
    if scenario == "normal":
        return design.sigma * rng.standard_normal((n, k))
    if scenario == "heavy_tailed":
        return design.sigma / np.sqrt(3.0) * rng.standard_t(3, size=(n, k))
    sd = np.where(np.isfinite(design.log_sd), design.log_sd, np.nanmean(design.log_sd))
    sd = sd * design.sigma / np.sqrt(np.mean(sd**2))
    return sd * rng.standard_normal((n, k))


def _t(df: int, q: float) -> float:
    from scipy.special import stdtrit

    return float(stdtrit(df, 0.5 + q / 2))


def slope_intervals(method: str, x, Y, log_sd=None, n_boot: int = 999, rng=None) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """{level: (low slopes, high slopes)} of ``method`` for every data set (row of Y) at once."""
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    k = Y.shape[1]
    c, b, r, h, sxx = line_parts(x, Y)
    out = {}
    if method in ("ols_t", "ols_hc3"):
        if method == "ols_t":
            se = np.sqrt((r**2).sum(axis=1) / (k - 2) / sxx)
        else:
            se = np.sqrt(((c / (1 - h)) ** 2 * r**2).sum(axis=1))
        for q in LEVELS:
            t = _t(k - 2, q)
            out[q] = (b - t * se, b + t * se)
        return out
    dev = Resampler(method, k, n_boot, rng or np.random.default_rng(0)).deviation(r, c, h, log_sd)
    for q in LEVELS:
        tail = (1 - q) / 2
        lo, hi = np.quantile(dev, [tail, 1 - tail], axis=1)
        out[q] = (b + lo, b + hi)
    return out


def _covered(method: str, x, Y, truth: float, log_sd, n_boot: int, rng) -> dict[float, np.ndarray]:
    """{level: does each data set's interval cover ``truth``}, without sorting any draws: a
    percentile interval covers the truth when the share of draws below it is within the tails."""
    if method in ("ols_t", "ols_hc3"):
        return {q: (lo <= truth) & (truth <= hi) for q, (lo, hi) in slope_intervals(method, x, Y).items()}
    c, b, r, h, _ = line_parts(x, Y)
    dev = Resampler(method, Y.shape[1], n_boot, rng).deviation(r, c, h, log_sd)
    below = (dev < (truth - b)[:, None]).mean(axis=1)
    return {q: ((1 - q) / 2 <= below) & (below <= 1 - (1 - q) / 2) for q in LEVELS}


def coverage(design: Design, method: str, scenario: str = "normal", n_datasets: int = 4000,
             n_boot: int = 499, seed: int = 0, chunk: int = 2000) -> dict[float, float]:
    """{level: share of simulated data sets whose ``method`` interval covers the true slope}."""
    rng = np.random.default_rng(seed)
    hits = dict.fromkeys(LEVELS, 0)
    done = 0
    while done < n_datasets:
        n = min(chunk, n_datasets - done)
        Y = design.intercept + design.slope * design.x[None, :] + _errors(design, scenario, n, rng)
        for q, covered in _covered(method, design.x, Y, design.slope, design.log_sd, n_boot, rng).items():
            hits[q] += int(covered.sum())
        done += n
    return {q: hits[q] / n_datasets for q in LEVELS}


def calibrated(rows: Sequence[CoverageRow], method: str) -> bool:
    """True when ``method`` covers within the target at every choosing size (normal scenario)."""
    found = {(r.n_points, r.level): r.coverage for r in rows if r.method == method and r.scenario == "normal"}
    return all(
        (n, q) in found and TARGET[q][0] <= found[(n, q)] <= TARGET[q][1] for n in CHOOSING_SIZES for q in LEVELS
    )


def choose(rows: Sequence[CoverageRow]) -> str | None:
    """The first method, in order of preference, calibrated at every choosing size."""
    for method in METHODS:
        if calibrated(rows, method):
            return method
    return None


def coverage_study(design: Design, methods: Sequence[str] = METHODS, scenarios: Sequence[str] = SCENARIOS,
                   sizes: Sequence[int] = SIZES, n_datasets: int = 4000, n_boot: int = 499,
                   seed: int = 0) -> tuple[CoverageRow, ...]:
    """Method x scenario x points x level -> coverage, with the chosen method marked.

    Each (scenario, size) uses the same simulated data sets for every method (same seed), so
    methods are compared on identical data.
    """
    rows = []
    for scenario in scenarios:
        for k in sizes:
            if k > design.x.size:
                continue
            sub = design.subset(k)
            for method in methods:
                if method == "parametric_ci" and not np.all(np.isfinite(sub.log_sd)):
                    continue
                cov = coverage(sub, method, scenario, n_datasets, n_boot, seed)
                rows += [CoverageRow(scenario, method, k, q, cov[q], n_datasets, False) for q in LEVELS]
    best = choose(rows)
    return tuple(CoverageRow(r.scenario, r.method, r.n_points, r.level, r.coverage, r.n_datasets, r.method == best)
                 for r in rows)
