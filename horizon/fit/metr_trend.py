"""METR's run-level doubling-time interval, for a METR-compatible fit (`horizon fit --compat metr`).

METR's pipeline (METR/eval-analysis-public ``compute_trendline_ci.py`` with
``plot/bootstrap_ci.compute_bootstrap_confidence_region``) computes it from the per-agent
bootstrap replicates like this, and so does ``metr_trends``:

1. Agents: the frontier ("SOTA") agents among those released in the window, by the point p50
   (an agent is on it if its p50 is at least that of every agent released on or before its date,
   ties count: horizon's frontier rule, ``horizon.trend.frontier``). The frontier is found among
   the window's agents only; agents without a release date or a finite p50 take no part.
2. Each replicate: ordinary least squares of ln(p50) on the release day over those agents,
   leaving out p50s that are missing or below 1e-3 minutes; a replicate with fewer than two
   points gives no line; a non-positive slope gives no doubling time and is left out.
3. The interval: the 2.5th and 97.5th percentiles of the remaining doubling times (ln 2 / slope);
   the point estimate: the same line through the point p50s (each at least 1e-3 minutes).

How it differs from horizon's own run-level interval (``horizon.trend.intervals.run_draws`` as
``horizon trend --from-runs`` uses it): there the frontier is taken over every agent before the
window is applied and points above the 16 h ceiling are left out; replicate horizons of any size
count (none is floored at 1e-3 minutes); a line needs three points, not two; and the percentiles
are taken of the slopes, a non-positive slope counting as an unbounded doubling time instead of
being dropped, which widens the interval rather than narrowing it. METR's replicates also keep a
horizon from a rising fitted curve, which horizon's default bootstrap treats as no horizon.
(When every agent of a replicate shares one release date METR's code records an infinite
doubling time; here that replicate gives no line.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from horizon.fit.results import RunHorizons

# METR's trendline windows (reports/time-horizon-1-1/dvc.yaml, stage compute_trendline_ci):
# released on or after the first date and before 2030-01-01.
METR_TREND_WINDOWS = (
    ("from_2019", date(2019, 1, 1)),
    ("from_2023", date(2023, 3, 13)),
    ("from_2024", date(2024, 1, 1)),
)
WINDOW_END = date(2030, 1, 1)
MIN_MINUTES = 1e-3  # METR leaves out replicate p50s below this (0.06 s) and floors point p50s at it
CONFIDENCE = 0.95
LEVEL = 50  # METR's trendline is fitted to p50


@dataclass(frozen=True)
class MetrTrend:
    """One window's doubling time as METR's pipeline reports it (days; METR rounds to 0.01)."""

    name: str
    window_from: date
    window_to: date
    agents: tuple[str, ...]
    status: str                # ok | not_enough_agents | no_p50 | no_growing_replicate
    reason: str | None
    point_days: float | None = None
    median_days: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n_samples: int = 0         # replicates that gave a positive doubling time
    n_replicates: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "window_from": self.window_from.isoformat(),
            "window_to": self.window_to.isoformat(), "agents": list(self.agents), "status": self.status,
            "reason": self.reason, "doubling_days": self.point_days, "median_days": self.median_days,
            "ci_low": self.ci_low, "ci_high": self.ci_high, "ci_level": CONFIDENCE,
            "n_samples": self.n_samples, "n_replicates": self.n_replicates,
        }


def metr_trend(result: RunHorizons, name: str, window_from: date, window_to: date = WINDOW_END) -> MetrTrend:
    """METR's doubling time and 95% interval over the frontier agents released in the window."""
    from horizon.trend.frontier import frontier_flags
    from horizon.trend.intervals import run_draws
    from horizon.trend.points import Point
    from horizon.trend.rules import LN2

    def fails(status: str, reason: str, agents=()) -> MetrTrend:
        return MetrTrend(name, window_from, window_to, tuple(agents), status, reason,
                         n_replicates=result.options.n_bootstrap)

    if LEVEL not in result.options.levels:
        return fails("no_p50", "the fit has no 50% horizons; METR's trend is fitted to p50")
    j = result.options.levels.index(LEVEL)
    points = [
        Point(a.model_id, a.source_model, a.release_date, a.horizon(LEVEL).estimate)
        for a in result.agents
        if a.release_date is not None and window_from <= a.release_date < window_to
    ]
    points.sort(key=lambda p: (p.release_date, p.source_model))
    sota = [p for p, on in zip(points, frontier_flags(points)) if on]
    names = tuple(p.source_model for p in sota)
    if len(sota) < 2:
        return fails("not_enough_agents", f"{len(sota)} frontier agent(s) with a p50 in the window; a line needs two", names)

    x = np.array([p.x for p in sota])   # day numbers: every frontier point is dated
    point = run_draws(x, np.maximum(np.array([[p.estimate for p in sota]], dtype=float), MIN_MINUTES), min_points=2)
    index = [[a.source_model for a in result.agents].index(n) for n in names]
    reps = result.replicates[:, index, j]
    reps = np.where(np.isfinite(reps) & (reps >= MIN_MINUTES), reps, np.nan)
    draws = run_draws(x, reps, min_points=2)
    slopes = draws.slopes[draws.slopes > 0]
    if slopes.size == 0:
        return fails("no_growing_replicate", "no bootstrap replicate gives a growing trend", names)
    doubling = LN2 / slopes
    low_q = (1 - CONFIDENCE) / 2
    ci_low, ci_high = (float(v) for v in np.percentile(doubling, [100 * low_q, 100 * (1 - low_q)]))
    point_days = LN2 / point.slopes[0] if point.n and point.slopes[0] > 0 else None
    return MetrTrend(
        name, window_from, window_to, names, "ok", None,
        point_days=None if point_days is None or not math.isfinite(point_days) else float(point_days),
        median_days=float(np.median(doubling)), ci_low=ci_low, ci_high=ci_high,
        n_samples=int(slopes.size), n_replicates=result.options.n_bootstrap,
    )


def metr_trends(result: RunHorizons) -> tuple[MetrTrend, ...]:
    """``metr_trend`` for each of METR's windows."""
    return tuple(metr_trend(result, name, start) for name, start in METR_TREND_WINDOWS)
