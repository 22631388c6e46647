"""Which agents a trend is fitted to: the frontier rule, the window and the measurable ceiling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from horizon.trend.points import Point

# METR's current suite cannot measure horizons much beyond 16 hours, and METR's own
# from_2023_on fit leaves out points whose central estimate exceeds it.
DEFAULT_CEILING_MINUTES = 16 * 60.0

FRONTIER_RULE = (
    "frontier: estimate at least the highest estimate of every agent released on or before"
    " its release date (ties count), per success level"
)


@dataclass(frozen=True)
class SelectedPoint:
    point: Point
    on_frontier: bool
    used: bool
    excluded_reason: str | None   # no_release_date, no_estimate, not_frontier, before_window, after_window, above_ceiling


@dataclass(frozen=True)
class Selection:
    rows: tuple[SelectedPoint, ...]
    window_from: date | None
    window_to: date | None
    ceiling_minutes: float | None

    @property
    def used(self) -> tuple[Point, ...]:
        return tuple(r.point for r in self.rows if r.used)

    @property
    def above_ceiling(self) -> tuple[Point, ...]:
        return tuple(r.point for r in self.rows if r.excluded_reason == "above_ceiling")


def frontier_flags(points: Sequence[Point]) -> list[bool]:
    """True for each point at least as high as every point released on or before its date.

    Agents without a finite estimate are never on the frontier and do not raise it.
    """
    finite = [p for p in points if p.finite]
    flags = []
    for p in points:
        if not p.finite:
            flags.append(False)
            continue
        best = max(q.estimate for q in finite if q.release_date <= p.release_date)
        flags.append(p.estimate >= best)
    return flags


def select_points(
    points: Sequence[Point],
    window_from: date | None = None,
    window_to: date | None = None,
    ceiling_minutes: float | None = DEFAULT_CEILING_MINUTES,
) -> Selection:
    """Flag every point with whether the trend uses it and, if not, why.

    The frontier is computed over all points before the window is applied, as METR does: an
    agent released in the window is not on the frontier if an earlier agent was better.
    Rows are returned sorted by release date, then model id, so fits are deterministic.
    """
    ordered = sorted(points, key=lambda p: (p.release_date or date.max, p.model_id, p.source_model))
    flags = frontier_flags(ordered)
    rows = []
    for p, on in zip(ordered, flags):
        if p.release_date is None:
            reason = "no_release_date"
        elif not p.finite:
            reason = "no_estimate"
        elif not on:
            reason = "not_frontier"
        elif window_from is not None and p.release_date < window_from:
            reason = "before_window"
        elif window_to is not None and p.release_date > window_to:
            reason = "after_window"
        elif ceiling_minutes is not None and p.estimate > ceiling_minutes:
            reason = "above_ceiling"
        else:
            reason = None
        rows.append(SelectedPoint(p, on, reason is None, reason))
    return Selection(tuple(rows), window_from, window_to, ceiling_minutes)
