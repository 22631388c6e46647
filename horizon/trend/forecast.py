"""When does each fitted trend form reach each threshold? Two questions, two intervals.

- When does the trend line cross the threshold? A confidence interval: only the uncertainty of
  the fitted trend (where the average frontier model would be).
- When is a frontier model expected to reach it? A prediction interval: the trend's uncertainty
  plus how far single models scatter about it, so it is wider.

Each with 80% and 95% bounds. For the exponential with the OLS t interval (the default) both come
from statsmodels' confidence and prediction bands of the line, inverted: the dates at which the
band contains the threshold (exact under normal errors). For bootstrap and run-level intervals,
and the other forms, they come from the replicate curves: the dates each replicate reaches the
threshold (the line), and the dates each reaches it less a residual drawn from the scatter (a
model). Tests check the coverage of both by simulation.

"As of" is an explicit argument: it only decides whether a threshold counts as already reached,
and nothing here reads the clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np

from horizon.trend.forms import FormDraws, FormFit
from horizon.trend.intervals import ANALYTIC, LEVELS, covariance
from horizon.trend.rules import date_from_day, day_number
from horizon.trend.thresholds import Threshold

LINE_LABEL = "the trend line crosses it"
LINE_EXPLAINED = (
    "when the fitted trend itself passes the threshold: where the average frontier model would be;"
    " the range reflects only the uncertainty of the trend"
)
REACH_LABEL = "a model is expected to reach it"
REACH_EXPLAINED = (
    "when a newly released frontier model is expected to reach the threshold: the range adds how far"
    " single models scatter about the trend, so it is wider"
)
REACH_METHOD_TEXT = {
    "analytic": "prediction band of the OLS line (statsmodels), inverted",
    "draws": "each replicate curve shifted by a residual drawn from the scatter about the fit",
}
# Sentinels that keep "never reached" (infinite) replicates ordered inside percentiles.
_FAR = 1e12
# The bands are evaluated day by day from ten years before the first point to a century after
# the last; a threshold crossed outside that span is "never" (None), not a date.
_BEFORE_DAYS, _AFTER_DAYS = 3653, 36525


@dataclass(frozen=True)
class Forecast:
    threshold: str
    label: str
    form: str
    level: int
    hours: float
    as_of: date
    date_point: date | None       # None: the fitted curve never reaches the threshold
    date_median: date | None
    lo80: date | None             # the trend line crosses it (confidence interval)
    hi80: date | None             # None: beyond any date (not reached in that share of draws)
    lo95: date | None
    hi95: date | None
    reach_median: date | None     # a model is expected to reach it (prediction interval)
    reach_lo80: date | None
    reach_hi80: date | None
    reach_lo95: date | None
    reach_hi95: date | None
    beyond_ceiling: bool          # the threshold is above what the suite can measure
    reached_by_as_of: bool
    n_replicates: int
    n_never: int
    interval_method: str
    reach_interval_method: str
    source: str


def _percentile_dates(days: np.ndarray, qs, last_day: float) -> list[date | None]:
    """Percentile dates of replicate days; beyond a century after the last point is never
    (None), as for the analytic bands."""
    days = np.where(days > last_day + _AFTER_DAYS, np.inf, days)
    clipped = np.clip(np.nan_to_num(days, nan=_FAR, posinf=_FAR, neginf=-_FAR), -_FAR, _FAR)
    out = []
    for v in np.percentile(clipped, qs):
        out.append(None if abs(v) >= _FAR / 10 else date_from_day(float(v)))
    return out


def _quantiles() -> list[float]:
    """Median, then (low, high) per level, in percent."""
    qs = [50.0]
    for q in LEVELS:
        qs += [100 * (1 - q) / 2, 100 * (1 + q) / 2]
    return qs


class Forecaster:
    """Forecasts of one fitted form: analytic bands for the exponential's OLS intervals,
    replicate curves otherwise."""

    def __init__(self, fit: FormFit, draws: FormDraws | None, interval_method: str, x, y, seed: int = 0,
                 span_days: tuple[int, int] = (_BEFORE_DAYS, _AFTER_DAYS)):
        self.fit, self.draws, self.method, self.seed, self.span = fit, draws, interval_method, seed, span_days
        self.x = np.asarray(x, dtype=float)
        self.y = np.asarray(y, dtype=float)
        self.analytic = fit.form == "exponential" and interval_method in ANALYTIC
        if not self.analytic and draws is None:
            raise ValueError(f"{fit.form}: forecasts need replicate draws or an analytic interval")

    @cached_property
    def _bands(self):
        from horizon.trend.ols import Inference

        before, after = self.span
        grid = np.arange(math.floor(self.x.min()) - before, math.ceil(self.x.max()) + after + 1, dtype=float)
        inference = Inference(self.x, self.y, covariance(self.method))
        return grid, {q: inference.band(grid, q) for q in LEVELS}

    @property
    def _replicates(self) -> FormDraws:
        """The draws, which every forecaster but the analytic one has (``__init__`` checks)."""
        if self.draws is None:
            raise ValueError(f"{self.fit.form}: forecasts from replicates need replicate draws")
        return self.draws

    @cached_property
    def _scatter(self) -> np.ndarray:
        """One residual per replicate, drawn from the scatter about the fit (normal, its sd)."""
        rng = np.random.default_rng(self.seed)
        return self.fit.residual_sd * rng.standard_normal(len(self._replicates.params))

    def forecast(self, threshold: Threshold, as_of: date, ceiling_minutes: float | None) -> Forecast:
        y = math.log(threshold.minutes)
        point_day = self.fit.day_reaching(y)
        point = date_from_day(point_day)
        if self.analytic:
            line, reach = self._inverted(y)
            median = reach_median = point
            n, n_never, reach_method = 0, 0, REACH_METHOD_TEXT["analytic"]
        else:
            days = self._replicates.reach_days(y)
            last = float(self.x.max())
            median, *line = _percentile_dates(days, _quantiles(), last)
            reach_median, *reach = _percentile_dates(self._replicates.reach_days(y - self._scatter), _quantiles(), last)
            n, n_never = int(days.size), int(np.sum(~np.isfinite(days) | (days > last + _AFTER_DAYS)))
            reach_method = REACH_METHOD_TEXT["draws"]
        return Forecast(
            threshold=threshold.name, label=threshold.label, form=self.fit.form, level=threshold.level,
            hours=threshold.hours, as_of=as_of, date_point=point, date_median=median,
            lo80=line[0], hi80=line[1], lo95=line[2], hi95=line[3],
            reach_median=reach_median, reach_lo80=reach[0], reach_hi80=reach[1], reach_lo95=reach[2],
            reach_hi95=reach[3],
            beyond_ceiling=ceiling_minutes is not None and threshold.minutes > ceiling_minutes,
            reached_by_as_of=math.isfinite(point_day) and point_day <= day_number(as_of),
            n_replicates=n, n_never=n_never, interval_method=self.method, reach_interval_method=reach_method,
            source=threshold.source,
        )

    def _inverted(self, y: float) -> tuple[list, list]:
        """The dates at which the 80% and 95% confidence (line) and prediction (model) bands
        contain ``y``: from the first day after which the upper edge stays at or above it, to
        the first day after which the lower edge does. None: no such day within the grid."""
        grid, bands = self._bands
        line, reach = [], []
        for q in LEVELS:
            band = bands[q]
            line += [_first_day_staying_above(grid, band.mean_high, y), _first_day_staying_above(grid, band.mean_low, y)]
            reach += [_first_day_staying_above(grid, band.obs_high, y), _first_day_staying_above(grid, band.obs_low, y)]
        return line, reach


def _first_day_staying_above(grid: np.ndarray, edge: np.ndarray, y: float) -> date | None:
    # A band edge that reaches y exactly (no scatter at all) counts as reaching it, whatever
    # the last bit of rounding says.
    below = np.flatnonzero(edge < y - 1e-9)
    if below.size == 0:
        return None                   # above the threshold on every day of the grid: no earliest date
    i = below[-1] + 1
    return None if i >= grid.size else date_from_day(float(grid[i]))
