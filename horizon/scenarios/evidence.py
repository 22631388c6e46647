"""Evidence against scenarios: inside-the-lab indicators on the scenarios' own axes (pure).

An indicator reading is an ``Observation``: a dated value of one of two kinds,

- multiplier: research output per researcher relative to human-only work (a staff survey's
  "output with AI vs without"), or relative to a baseline period (OpenAI's experiments per
  researcher, "2025 = 1x"): compared with M(t), or with M(t) / mean M over the baseline;
- share: the share of AI R&D work done by AI (Anthropic's AL4+ share): compared with f(t);

with its own noise (a standard deviation: in ln units for multipliers, in share units for
shares). For each scenario and reading: is it inside the scenario's 80% / 95% band, and is it
consistent with the 95% band within its noise (reading +- 1.96 sd overlaps the band)? For each
series and pair of scenarios: the first date, from the series' first reading on, at which the
two 95% bands are further apart than 1.96 of the series' noise, so that one reading could
no longer be consistent with both: when this indicator could tell the camps apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations

import numpy as np

from horizon.errors import HorizonError
from horizon.numbers import finite_or_none
from horizon.scenarios.dynamics import SCENARIOS, Scenario
from horizon.scenarios.run import BAND_EVERY, BandPoint, Paths, ScenarioResult, Summary, _quantiles
from horizon.trend.rules import calendar_date, date_from_day, day_number

KINDS = ("multiplier", "share")
Z95 = 1.959963984540054
OVERLAY_LEAD_DAYS = 26 * 7   # the overlay's bands start half a year before a series' first reading


@dataclass(frozen=True)
class Observation:
    series: str                  # a stable id, e.g. openai_experiments_per_researcher
    label: str                   # what it measures, in words
    day: date
    value: float                 # the multiple (> 0), or the share (0 to 1)
    kind: str                    # multiplier or share
    noise: float                 # sd: ln units (multiplier), share units (share)
    source: str                  # where it was published
    baseline: tuple[date, date] | None = None   # multiplier relative to the mean over this period
    note: str = ""               # caveats that travel with the number

    def __post_init__(self):
        if self.kind not in KINDS:
            raise HorizonError(f"{self.series}: kind: expected one of {', '.join(KINDS)}, got {self.kind!r}")
        v, s = self.value, self.noise
        if not (isinstance(v, float) and math.isfinite(v)) or (self.kind == "multiplier" and v <= 0) or (
            self.kind == "share" and not 0 <= v <= 1
        ):
            what = "a multiple above 0" if self.kind == "multiplier" else "a share from 0 to 1"
            raise HorizonError(f"{self.series} {self.day}: value: expected {what}, got {v!r}")
        if not (isinstance(s, float) and math.isfinite(s) and s > 0):
            raise HorizonError(f"{self.series} {self.day}: noise: expected a positive standard deviation, got {s!r}")
        if self.baseline is not None and (self.kind != "multiplier" or self.baseline[1] < self.baseline[0]):
            raise HorizonError(f"{self.series}: baseline: expected a period (from <= to) of a multiplier")

    def earliest_day(self) -> date:
        return min(self.day, self.baseline[0]) if self.baseline else self.day


@dataclass(frozen=True)
class Reading:
    """One observation against one scenario's band at its date."""

    scenario: str
    observation: Observation
    band: Summary
    status: str          # inside 80% band, inside 95% band, above 95% band, below 95% band
    consistent: bool     # reading +- 1.96 noise overlaps the 95% band


@dataclass(frozen=True)
class Separation:
    series: str
    kind: str
    noise: float                 # the series' noise (median over its readings)
    scenario_a: str
    scenario_b: str
    first: date | None           # None: not within the scenarios' window
    from_day: date               # the series' first reading: the search starts there


@dataclass(frozen=True)
class SeriesBand:
    """A scenario's band on a series' own axis (M, M over its baseline, or f), for the overlay."""

    scenario: str
    series: str
    point: BandPoint


@dataclass(frozen=True)
class Evidence:
    readings: tuple[Reading, ...]
    separations: tuple[Separation, ...]
    bands: tuple[SeriesBand, ...] = ()

    def series(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.observation.series for r in self.readings))

    def count(self, scenario: str, series: str) -> tuple[int, int, int]:
        """(readings, inside the 95% band, consistent within noise)."""
        rows = [r for r in self.readings if r.scenario == scenario and r.observation.series == series]
        return len(rows), sum(r.status.startswith("inside") for r in rows), sum(r.consistent for r in rows)

    def first_separation(self, series: str) -> Separation | None:
        found = [s for s in self.separations if s.series == series and s.first is not None]
        return min(found, key=lambda s: (s.first, s.scenario_a, s.scenario_b)) if found else None


def _quantity(paths: Paths, sc: Scenario, kind: str, days: np.ndarray | None, baseline) -> np.ndarray:
    """The model's counterpart of a reading: (draws incl. central, days); ``days`` None means
    the weekly grid (already computed)."""
    if days is None:
        grid = paths.grids[sc.name]
        f, m = grid.share, grid.multiplier
    else:
        f, m = paths.state(sc, days)
    if kind == "share":
        return f
    if baseline is None:
        return m
    lo, hi = day_number(baseline[0]), day_number(baseline[1])
    inside = (paths.grid_days >= lo) & (paths.grid_days <= hi)
    if not inside.any():
        raise HorizonError(f"baseline {baseline[0]} .. {baseline[1]} lies outside the scenarios' weekly grid")
    base = paths.grids[sc.name].multiplier[:, inside].mean(axis=1)
    return m / base[:, None]


def _space(kind: str, values):
    """Distances are measured in ln units for multipliers, share units for shares."""
    return np.log(values) if kind == "multiplier" else np.asarray(values, dtype=float)


def assess(result: ScenarioResult, observations: Sequence[Observation],
           scenarios: Sequence[Scenario] = SCENARIOS) -> Evidence:
    paths = result.paths
    readings = []
    by_series: dict[str, list[Observation]] = {}
    for o in observations:
        by_series.setdefault(o.series, []).append(o)
    for sc in scenarios:
        for obs in by_series.values():
            days = np.array([day_number(o.day) for o in obs])
            values = _quantity(paths, sc, obs[0].kind, days, obs[0].baseline)
            q = _quantiles(values[1:], axis=0)
            for j, o in enumerate(obs):
                lo95, lo80, med, hi80, hi95 = q[:, j]
                band = Summary(finite_or_none(values[0, j]), *(finite_or_none(v) for v in q[:, j]))
                if lo80 <= o.value <= hi80:
                    status = "inside 80% band"
                elif lo95 <= o.value <= hi95:
                    status = "inside 95% band"
                else:
                    status = "above 95% band" if o.value > hi95 else "below 95% band"
                v = _space(o.kind, o.value)
                lo, hi = _space(o.kind, max(lo95, 1e-300)), _space(o.kind, hi95)
                consistent = bool(v + Z95 * o.noise >= lo and v - Z95 * o.noise <= hi)
                readings.append(Reading(sc.name, o, band, status, consistent))
    separations, series_bands = [], []
    grid = paths.grid_days
    for series, obs in by_series.items():
        kind, baseline = obs[0].kind, obs[0].baseline
        first_day = min(o.day for o in obs)
        first = day_number(first_day)
        from_here = grid >= first
        days = grid[from_here]
        if days.size == 0:
            continue
        noise = float(np.median([o.noise for o in obs]))
        shown = np.flatnonzero(grid >= first - OVERLAY_LEAD_DAYS)[::BAND_EVERY]
        bands = {}
        for sc in scenarios:
            values = _quantity(paths, sc, kind, None, baseline)
            q = _quantiles(_space(kind, values[1:, from_here]), axis=0)
            bands[sc.name] = (q[0], q[-1])
            qs = _quantiles(values[1:, shown], axis=0)
            for col, j in enumerate(shown):
                series_bands.append(SeriesBand(sc.name, series, BandPoint(
                    calendar_date(float(grid[j])), f"series:{series}",
                    Summary(finite_or_none(values[0, j]), *(finite_or_none(v) for v in qs[:, col])))))
        for a, b in combinations([s.name for s in scenarios], 2):
            (lo_a, hi_a), (lo_b, hi_b) = bands[a], bands[b]
            with np.errstate(invalid="ignore"):
                gap = np.maximum(lo_a - hi_b, lo_b - hi_a)
            apart = np.flatnonzero(np.nan_to_num(gap, nan=-np.inf) > Z95 * noise)
            when = date_from_day(float(days[apart[0]])) if apart.size else None
            separations.append(Separation(series, kind, noise, a, b, when, first_day))
    return Evidence(tuple(readings), tuple(separations), tuple(series_bands))
