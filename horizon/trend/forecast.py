"""When does each fitted trend form reach each threshold?

The date comes from the fitted curve; the 80% and 95% intervals from the same bootstrap draws
that give the trend's own interval. "As of" is an explicit argument: it only decides whether a
threshold counts as already reached, and nothing here reads the clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from horizon.trend.forms import FormDraws, FormFit
from horizon.trend.rules import date_from_day, day_number
from horizon.trend.thresholds import Threshold

# Sentinels that keep "never reached" (infinite) replicates ordered inside percentiles.
_FAR = 1e12


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
    lo80: date | None
    hi80: date | None             # None: beyond any date (not reached in that share of draws)
    lo95: date | None
    hi95: date | None
    beyond_ceiling: bool          # the threshold is above what the suite can measure
    reached_by_as_of: bool
    n_replicates: int
    n_never: int
    interval_method: str
    source: str


def _percentile_dates(days: np.ndarray, qs) -> list[date | None]:
    clipped = np.clip(np.nan_to_num(days, nan=_FAR, posinf=_FAR, neginf=-_FAR), -_FAR, _FAR)
    out = []
    for v in np.percentile(clipped, qs):
        out.append(None if abs(v) >= _FAR / 10 else date_from_day(float(v)))
    return out


def forecast_one(
    fit: FormFit,
    draws: FormDraws,
    threshold: Threshold,
    as_of: date,
    ceiling_minutes: float | None,
    interval_method: str,
) -> Forecast:
    y = math.log(threshold.minutes)
    point_day = fit.day_reaching(y)
    days = draws.reach_days(y)
    median, lo80, hi80, lo95, hi95 = _percentile_dates(days, [50, 10, 90, 2.5, 97.5])
    point = date_from_day(point_day)
    return Forecast(
        threshold=threshold.name,
        label=threshold.label,
        form=fit.form,
        level=threshold.level,
        hours=threshold.hours,
        as_of=as_of,
        date_point=point,
        date_median=median,
        lo80=lo80,
        hi80=hi80,
        lo95=lo95,
        hi95=hi95,
        beyond_ceiling=ceiling_minutes is not None and threshold.minutes > ceiling_minutes,
        reached_by_as_of=math.isfinite(point_day) and point_day <= day_number(as_of),
        n_replicates=int(days.size),
        n_never=int(np.sum(~np.isfinite(days) | (days >= _FAR))),
        interval_method=interval_method,
        source=threshold.source,
    )
