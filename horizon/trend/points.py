"""Points a trend is fitted to: one agent's horizon at one success level, with its release date."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Point:
    model_id: str
    source_model: str
    release_date: date | None   # None: the source gives none, so the point cannot be placed
    estimate: float | None      # minutes; None when the agent has no finite horizon
    ci_low: float | None = None
    ci_high: float | None = None
    suite: str | None = None
    published_sota: bool | None = None   # the publisher's own frontier flag, kept to compare

    @property
    def x(self) -> float:
        """Days since 1970-01-01: the regressor METR's doubling times are defined on (the
        slope, hence the doubling time, does not depend on the origin; days, not years, do
        reproduce METR's published figures to the third decimal)."""
        return float((self.release_date - EPOCH).days) if self.release_date else math.nan

    @property
    def finite(self) -> bool:
        return (
            self.estimate is not None
            and math.isfinite(self.estimate)
            and self.estimate > 0
            and self.release_date is not None
        )


def day_number(d: date) -> float:
    return float((d - EPOCH).days)


def date_from_day(x: float) -> date | None:
    """The calendar date of day number ``x`` (rounded), or None when it is not a real date."""
    if not math.isfinite(x):
        return None
    n = int(round(x))
    if n < -719162 or n > 2932896:  # outside date.min .. date.max
        return None
    return date.fromordinal(EPOCH.toordinal() + n)
