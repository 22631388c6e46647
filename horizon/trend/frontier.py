"""Which agents a trend is fitted to: the frontier rule, the window and the measurable ceiling."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from horizon.trend.points import Point
from horizon.trend.rules import DEFAULT_CEILING_MINUTES, version_key

FRONTIER_RULE = (
    "frontier: estimate at least the highest estimate of every agent released on or before"
    " its release date (ties count), per success level"
)
ALL_POINTS_RULE = "all models: every model with a horizon in the window, frontier or not"
POINTS = ("frontier", "all")


def frontier_rule(points: str) -> str:
    """The rule that picks a trend's points, in words (stored with every trend fit)."""
    return FRONTIER_RULE if points == "frontier" else ALL_POINTS_RULE


@dataclass(frozen=True)
class SelectedPoint:
    point: Point
    on_frontier: bool
    used: bool
    excluded_reason: str | None   # duplicate_model, no_release_date, no_estimate, not_frontier,
                                  # before_window, after_window, above_ceiling


@dataclass(frozen=True)
class Selection:
    rows: tuple[SelectedPoint, ...]
    window_from: date | None
    window_to: date | None
    ceiling_minutes: float | None
    points_rule: str = "frontier"

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
    placed = [p.placed for p in points]
    known = [xy for xy in placed if xy is not None]
    flags = []
    for xy in placed:
        if xy is None:
            flags.append(False)
            continue
        day, estimate = xy
        best = max(e for d, e in known if d <= day)
        flags.append(estimate >= best)
    return flags


def _rank(p: Point) -> tuple:
    """How strongly a row of a model is preferred over another row of it (larger wins)."""
    return (p.finite, version_key(p.suite), p.estimate if p.finite else float("-inf"))


def one_point_per_model(points: Sequence[Point]) -> tuple[list[Point], list[Point]]:
    """(kept, duplicates): one point per model_id, so a model spelt two ways in one file
    (claude_opus_4_5 and claude_opus_4_5_inspect) counts once in the fit and the frontier.

    Kept: a point with a finite horizon and release date over one without; then the one
    measured on the newer suite version (a METR 1.1 file re-measuring an agent supersedes
    its carried-over 1.0 row); then the higher estimate (the frontier asks for an agent's
    best showing); then the spelling that sorts first, so the choice is deterministic.
    """
    best: dict[str, int] = {}
    for i, p in enumerate(points):
        j = best.get(p.model_id)
        if j is None:
            best[p.model_id] = i
            continue
        cur = points[j]
        if _rank(p) > _rank(cur) or (_rank(p) == _rank(cur) and p.source_model < cur.source_model):
            best[p.model_id] = i
    keep = set(best.values())
    return ([p for i, p in enumerate(points) if i in keep], [p for i, p in enumerate(points) if i not in keep])


def select_points(
    points: Sequence[Point],
    window_from: date | None = None,
    window_to: date | None = None,
    ceiling_minutes: float | None = DEFAULT_CEILING_MINUTES,
    points_rule: str = "frontier",
) -> Selection:
    """Flag every point with whether the trend uses it and, if not, why.

    The frontier is computed over all points before the window is applied, as METR does: an
    agent released in the window is not on the frontier if an earlier agent was better.
    Rows are returned sorted by release date, then model id, so fits are deterministic. A
    model present under two spellings keeps one point (``one_point_per_model``); the other is
    returned with reason duplicate_model and takes no part in the frontier. With
    ``points_rule="all"`` every model in the window is used, frontier or not (``on_frontier``
    still says which are).
    """
    def by_date(p: Point):
        return (p.release_date or date.max, p.model_id, p.source_model)

    kept, duplicates = one_point_per_model(points)
    kept = sorted(kept, key=by_date)
    flagged: list[tuple[Point, bool, str | None]] = [(p, on, None) for p, on in zip(kept, frontier_flags(kept))]
    flagged += [(p, False, "duplicate_model") for p in duplicates]
    rows = []
    for p, on, reason in sorted(flagged, key=lambda r: by_date(r[0])):
        if reason is not None:
            pass   # duplicate_model
        elif p.release_date is None:
            reason = "no_release_date"
        elif not p.finite:
            reason = "no_estimate"
        elif not on and points_rule == "frontier":
            reason = "not_frontier"
        elif window_from is not None and p.release_date < window_from:
            reason = "before_window"
        elif window_to is not None and p.release_date > window_to:
            reason = "after_window"
        elif ceiling_minutes is not None and p.estimate is not None and p.estimate > ceiling_minutes:
            reason = "above_ceiling"
        else:
            reason = None
        rows.append(SelectedPoint(p, on, reason is None, reason))
    return Selection(tuple(rows), window_from, window_to, ceiling_minutes, points_rule)
