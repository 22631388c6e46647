"""Points a trend is fitted to: one agent's horizon at one success level, with its release date."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from horizon.trend.rules import day_number


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
        """The release date as a day number (``horizon.trend.rules.day_number``)."""
        return day_number(self.release_date) if self.release_date else math.nan

    @property
    def placed(self) -> tuple[date, float] | None:
        """(release date, estimate) of a point that can enter a trend: dated, with a finite
        positive horizon; else None."""
        day, estimate = self.release_date, self.estimate
        if day is None or estimate is None or not math.isfinite(estimate) or estimate <= 0:
            return None
        return day, estimate

    @property
    def finite(self) -> bool:
        return self.placed is not None
