"""Straight-line trends of indicator series, with intervals that have been checked for coverage.

Two forms, both a line in a transformed scale fitted by the trend package's OLS (``horizon.trend.ols.lines``):

- ``logit``: a bounded score y with ceiling S: logit(y / S) = a + b t. Scores this close to 0
  or to S carry no information on the rate (a share that has hit its ceiling stops moving), so
  points outside (0.3%, 99%) of S are left out, as the publisher's digitising notes advise.
- ``exponential``: ln(y) = a + b t (horizons, multiples); the doubling time is ln 2 / b.

Intervals assume independent normal errors in the transformed scale: the slope's is the OLS
t-interval; the date the line reaches a level is the set of dates where that level lies inside
the 95% confidence band of the line (Fieller's inverse prediction), which can be open-ended
when the slope is not clearly positive. tests/test_indicators_fit.py measures both on simulated
data with known truth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from horizon.trend import ols
from horizon.trend.rules import LN2, date_from_day, day_number

DAYS_PER_YEAR = 365.25
# Fewer points leave the t-interval with under 2 degrees of freedom: calibrated, but so wide
# it says nothing. A series with fewer usable points is "sparse data", not a trend.
MIN_TREND_POINTS = 4
# Bounded scores within 0.3% of 0 or 1% of their ceiling carry no rate information (the
# Anthropic index's digitising notes use the same band) and would dominate a logit fit.
LOGIT_FLOOR = 0.003
LOGIT_CEILING = 0.99
FORMS = ("logit", "exponential")


@dataclass(frozen=True)
class LineTrend:
    """z = intercept + slope * day (day number since 1970-01-01) in the form's scale."""

    form: str
    saturation: float | None    # logit: the ceiling S
    intercept: float
    slope: float                # per day
    slope_low: float            # interval of the slope, per day
    slope_high: float
    level: float                # e.g. 0.95
    n: int
    x_mean: float
    sxx: float
    s2: float                   # residual variance
    t: float                    # the t quantile used
    first: date
    last: date

    @property
    def slope_per_year(self) -> float:
        return self.slope * DAYS_PER_YEAR

    @property
    def doubling_days(self) -> float | None:
        if self.form != "exponential" or self.slope <= 0:
            return None
        return LN2 / self.slope

    @property
    def progressing(self) -> bool:
        """The slope's interval lies wholly above zero."""
        return self.slope_low > 0

    def transform(self, value: float) -> float:
        return to_scale(self.form, value, self.saturation)

    def value_at(self, day: date) -> float:
        z = self.intercept + self.slope * day_number(day)
        return from_scale(self.form, z, self.saturation)


@dataclass(frozen=True)
class Reach:
    """When the fitted line reaches a level: a date and an interval whose ends may be open."""

    level_value: float
    point: date | None          # None: the line never reaches it (slope not positive)
    low: date | None
    high: date | None
    open_reason: str | None     # why an end is missing, in words


def _saturation(saturation: float | None) -> float:
    """A logit series' ceiling (the series config refuses a logit series without one)."""
    if saturation is None:
        raise ValueError("a logit series needs its saturation")
    return saturation


def to_scale(form: str, value: float, saturation: float | None) -> float:
    if form == "logit":
        p = value / _saturation(saturation)
        return math.log(p / (1 - p))
    return math.log(value)


def from_scale(form: str, z: float, saturation: float | None) -> float:
    if form == "logit":
        return _saturation(saturation) / (1 + math.exp(-z)) if z > -700 else 0.0
    return math.exp(min(z, 700.0))


def usable(form: str, value: float, saturation: float | None) -> bool:
    """Can this value enter the fit? (positive; inside the informative band of a bounded score)"""
    if value is None or not math.isfinite(value) or value <= 0:
        return False
    if form == "logit":
        return LOGIT_FLOOR < value / _saturation(saturation) < LOGIT_CEILING
    return True


def t_quantile(df: int, level: float) -> float:
    from scipy.special import stdtrit  # scipy.stats.t.ppf without importing scipy.stats

    return float(stdtrit(df, 0.5 + level / 2))


def fit_trend(form: str, days: list[date], values: list[float], saturation: float | None = None,
              level: float = 0.95) -> LineTrend:
    """OLS of the transformed values on the day number; callers pass usable points only."""
    if form not in FORMS:
        raise ValueError(f"form {form!r}: expected one of {', '.join(FORMS)}")
    x = np.array([day_number(d) for d in days], dtype=float)
    z = np.array([to_scale(form, v, saturation) for v in values], dtype=float)
    line = ols.lines(x, z)
    intercept, slope = float(line.intercept[0]), float(line.slope[0])
    n = int(x.size)
    sxx = float(((x - x.mean()) ** 2).sum())
    s2 = float(line.sse[0]) / (n - 2)
    t = t_quantile(n - 2, level)
    half = t * math.sqrt(s2 / sxx)
    return LineTrend(form, saturation, intercept, slope, slope - half, slope + half, level, n,
                     float(x.mean()), sxx, s2, t, min(days), max(days))


def reach(trend: LineTrend, value: float) -> Reach:
    """The date the line reaches ``value``, with the inverse of its confidence band.

    Solving (m + b u - L)^2 = t^2 s^2 (1/n + u^2 / Sxx) for u = day - mean day, with m the line
    at the mean day: when b^2 > t^2 s^2 / Sxx (the slope is clearly non-zero) the dates between
    the two roots form the interval; otherwise the band never closes and an end stays open.
    """
    target = trend.transform(value)
    m = trend.intercept + trend.slope * trend.x_mean
    b = trend.slope
    point = None
    if b > 0:
        point = date_from_day(trend.x_mean + (target - m) / b)
    k = trend.t ** 2 * trend.s2
    A = b * b - k / trend.sxx
    B = 2 * b * (m - target)
    C = (m - target) ** 2 - k / trend.n
    if A > 0:
        disc = max(B * B - 4 * A * C, 0.0)  # >= 0 whenever A > 0; rounding can dip below with no scatter
        roots = sorted(((-B - math.sqrt(disc)) / (2 * A), (-B + math.sqrt(disc)) / (2 * A)))
        low, high = (date_from_day(trend.x_mean + r) for r in roots)
        if b < 0:  # a clearly falling line reaches a higher level only in the past: not a forecast
            return Reach(value, None, None, None, "the trend is falling")
        return Reach(value, point, low, high, None)
    # The band is open: all dates past one root (or every date) are compatible with the level.
    if b > 0:
        disc = B * B - 4 * A * C
        if disc >= 0 and A < 0:
            # Compatible dates lie outside the roots; the later tail is the one ahead of the data.
            root = max((-B - math.sqrt(disc)) / (2 * A), (-B + math.sqrt(disc)) / (2 * A))
            return Reach(value, point, date_from_day(trend.x_mean + root), None,
                         "the slope's 95% interval includes zero, so no latest date can be given")
    return Reach(value, point, None, None, "the slope's 95% interval includes zero: the level may never be reached")
