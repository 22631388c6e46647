"""The domain rules every part of horizon reads from one place.

Each rule here used to be written out wherever it was needed (the 16 h ceiling in five places,
``ln 2 / slope`` seven times, three orderings of "newest version"); now each has one
definition and the rest of the code calls it. Nothing here imports numpy, so the report and
the command line can use these rules without paying for the statistics.
"""

from __future__ import annotations

import math
import re
from datetime import date

LN2 = math.log(2.0)
DAYS_PER_MONTH = 365.25 / 12

# --- the measurable ceiling ---------------------------------------------------------------------

# METR's current suite cannot measure horizons much beyond 16 hours (its longest tasks), and
# METR's own from_2023_on fit leaves out points whose central estimate exceeds it. A trend
# records the ceiling it was fitted with (trend_fits.ceiling_minutes); readers take it from
# there (``horizon.trend.stored.shown_ceiling_minutes``) and use this only when no trend is stored.
DEFAULT_CEILING_MINUTES = 16 * 60.0

# --- days ---------------------------------------------------------------------------------------

# Trends regress ln(horizon) on days since this date: the slope, hence the doubling time, does
# not depend on the origin, and days (not years) reproduce METR's published figures exactly.
EPOCH = date(1970, 1, 1)


def day_number(d: date) -> float:
    """Days since 1970-01-01."""
    return float((d - EPOCH).days)


def date_from_day(x: float) -> date | None:
    """The calendar date of day number ``x`` (rounded), or None when it is not a real date."""
    if x is None or not math.isfinite(x):
        return None
    n = int(round(x))
    if n < -719162 or n > 2932896:  # outside date.min .. date.max
        return None
    return date.fromordinal(EPOCH.toordinal() + n)


def calendar_date(x: float) -> date:
    """``date_from_day`` for a day that is a real date by construction (a grid point, a cutoff
    between two release dates): one that is not is a bug, so it raises instead of giving None."""
    d = date_from_day(x)
    if d is None:
        raise ValueError(f"day number {x!r} is not a calendar date")
    return d


# --- doubling time and slope --------------------------------------------------------------------


def doubling_days(slope: float) -> float:
    """ln 2 / slope of ln(horizon) per day; inf when the slope is not positive (or not a
    number): a horizon that did not grow has no doubling time, never a negative one."""
    if slope is None or not math.isfinite(slope) or slope <= 0:
        return math.inf
    return LN2 / slope


def doubling_days_of(slopes):
    """``doubling_days`` of every slope in an array (inf where not growing)."""
    import numpy as np

    s = np.asarray(slopes, dtype=float)
    grows = np.isfinite(s) & (s > 0)
    with np.errstate(divide="ignore", over="ignore"):
        return np.where(grows, LN2 / np.where(grows, s, 1.0), np.inf)


def slope_for_doubling(days: float) -> float:
    """The slope of ln(horizon) per day that doubles every ``days`` (0 for an infinite doubling)."""
    if days is None or math.isnan(days) or days <= 0:
        raise ValueError(f"a doubling time must be positive, got {days!r}")
    return 0.0 if math.isinf(days) else LN2 / days


def doubling_interval(slope_low: float, slope_high: float) -> tuple[float, float]:
    """The doubling-time interval of a slope interval: its ends swap (a steeper slope is a
    shorter doubling), and an end at or below zero slope is an unbounded doubling (inf)."""
    return doubling_days(slope_high), doubling_days(slope_low)


# Doubling times outside this range are not a trend anyone could mean: the horizon is flat
# to within the noise (years per doubling), or the fit ran off to a corner (minutes). The
# fastest published frontier doubling (METR, 2024-2025) is about 4 months.
PLAUSIBLE_DOUBLING_DAYS = (7.0, 3652.5)


def plausible_doubling(days: float | None) -> bool:
    lo, hi = PLAUSIBLE_DOUBLING_DAYS
    return days is not None and math.isfinite(days) and lo <= days <= hi


def plausible_interval(low: float | None, high: float | None) -> tuple[float | None, float | None, bool]:
    """An interval of a doubling time with each end the data do not bound made None (a lower end
    under a week, an upper end over a decade, or infinite), and whether any end was: a
    "95% CI of 2e-303 to 2e36 days" says only that the points cannot pin the curve down."""
    lo_min, hi_max = PLAUSIBLE_DOUBLING_DAYS
    keep_low = low if low is not None and math.isfinite(low) and low >= lo_min else None
    keep_high = high if high is not None and math.isfinite(high) and high <= hi_max else None
    return keep_low, keep_high, (keep_low is None and low is not None) or (keep_high is None and high is not None)


def interval_ends(low: float | None, high: float | None) -> tuple[str, str]:
    """The two ends of a doubling-time interval as printed, one decimal each; an end the data do
    not bound (None after ``plausible_interval``, or infinite) in words: "under 7", "unbounded"."""
    start = f"{low:.1f}" if low is not None and math.isfinite(low) else f"under {PLAUSIBLE_DOUBLING_DAYS[0]:g}"
    end = f"{high:.1f}" if high is not None and math.isfinite(high) else "unbounded"
    return start, end


# --- numbers for JSON and the store ----------------------------------------------------------------


# --- which published version is newer ----------------------------------------------------------------


def version_key(label: str | None) -> tuple:
    """Sort key of a suite or version label in which numbers compare as numbers:
    'METR-Horizon-v1.10' is newer than 'METR-Horizon-v1.9'. No label sorts first.

    The SQL twin is the macro ``suite_version`` (migration 0007); a test checks they agree.
    """
    if label is None:
        return ()
    return tuple(int(p) for p in re.findall(r"\d+", label))


def newest_first_key(label: str | None, version_date: date | None, snapshot_id: int) -> tuple:
    """Ordering of headline snapshots, newest first when sorted in reverse: the suite version
    (numbers as numbers), then the publisher's version date, then the later snapshot.

    The SQL twin is the view ``headline_snapshots`` (migration 0007, column newest_rank).
    """
    return (version_key(label), version_date or date.min, snapshot_id)
