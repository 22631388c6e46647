"""The pure core: observations in, a frontier, a trend and a status in words out.

An ``Observation`` is one dated value (a model's score, a month's share). ``assess`` takes the
observations of one ladder benchmark or one inside-the-labs series with how to treat them, and
returns a frozen ``Assessment``: what is plotted, what was fitted, when the trend reaches its
level, and the status in words. No store, no clock: "as of" is the data's own last date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import date

from horizon.indicators import fit as trendfit
from horizon.trend.frontier import frontier_flags
from horizon.trend.points import Point

# Statuses, in the order a rung takes the most advanced of its benchmarks'.
PROGRESSING = "progressing"
NEAR_SATURATION = "near_saturation"
NO_CLEAR_TREND = "no_clear_trend"
SPARSE = "sparse_data"
NO_BENCHMARK = "no_benchmark"
NO_TREND = "no_trend"          # inside the labs: a series that is not fitted by design
REACHED = "reached"            # inside the labs: the stated level has been reached
RUNG_ORDER = (PROGRESSING, NEAR_SATURATION, NO_CLEAR_TREND, SPARSE)
STATUS_WORDS = {
    PROGRESSING: "progressing",
    NEAR_SATURATION: "near saturation",
    NO_CLEAR_TREND: "no clear trend",
    SPARSE: "sparse data",
    NO_BENCHMARK: "no benchmark exists",
    NO_TREND: "no trend fitted",
    REACHED: "level reached",
}


@dataclass(frozen=True)
class Observation:
    entity: str
    date: date | None            # None: cannot be placed on a time axis
    value: float
    date_known: bool = True
    fit_use: bool = True         # False: shown, never fitted (the source says why)
    ci_low: float | None = None
    ci_high: float | None = None
    note: str | None = None

    @property
    def day(self) -> datetime.date:  # (the field ``date`` hides the type in this class)
        """The date of an observation that has one (a placed or fitted point): raises when it has none."""
        if self.date is None:
            raise ValueError(f"{self.entity}: the observation has no date")
        return self.date


@dataclass(frozen=True)
class Treatment:
    """How one series is read: its form, bounds, frontier and the level it is projected to."""

    form: str                    # logit, exponential, none
    saturation: float | None = None
    per_model: bool = False      # follow the frontier (best model released so far)
    target: float | None = None
    target_label: str | None = None
    fit_from: date | None = None
    fit_every: int = 1
    near: float | None = None    # ladder: near-saturation share of the ceiling
    form_note: str | None = None


@dataclass(frozen=True)
class Placed:
    obs: Observation
    frontier: bool
    used: bool
    reason: str | None           # not_frontier, date_unknown, no_date, not_fitted, outside_band, before_fit_from, thinned


@dataclass(frozen=True)
class Assessment:
    points: tuple[Placed, ...]
    treatment: Treatment
    trend: trendfit.LineTrend | None
    reach: trendfit.Reach | None
    target: float | None
    status: str
    status_text: str

    @property
    def dated(self) -> tuple[Placed, ...]:
        return tuple(p for p in self.points if p.obs.date is not None)

    @property
    def used(self) -> tuple[Observation, ...]:
        return tuple(p.obs for p in self.points if p.used)

    @property
    def best(self) -> Observation | None:
        placed = [p.obs for p in self.dated]
        return max(placed, key=lambda o: (o.value, o.date)) if placed else None

    @property
    def latest(self) -> Observation | None:
        """The newest value (series) or the newest frontier value (per model)."""
        pool = [p.obs for p in self.dated if p.frontier or not self.treatment.per_model]
        return max(pool, key=lambda o: (o.date, o.value)) if pool else None

    @property
    def previous(self) -> Observation | None:
        pool = sorted((p.obs for p in self.dated if p.frontier or not self.treatment.per_model),
                      key=lambda o: (o.date, o.value))
        return pool[-2] if len(pool) > 1 else None

    @property
    def reached(self) -> Observation | None:
        """The first dated value at or above the target, if the target has been reached."""
        if self.target is None:
            return None
        hits = [p.obs for p in self.dated if p.obs.date_known and p.obs.value >= self.target]
        return min(hits, key=lambda o: (o.date, o.entity)) if hits else None

    @property
    def extrapolation(self) -> bool:
        return bool(self.reach and self.reach.point and self.trend and self.reach.point > self.trend.last)


def _frontier(observations: list[Observation]) -> list[bool]:
    """The trend package's frontier rule over the models with a known date (ties count)."""
    placed = [o for o in observations if o.date is not None and o.date_known and o.value > 0]
    flags = frontier_flags([Point(o.entity, o.entity, o.date, o.value) for o in placed])
    on = {id(o): f for o, f in zip(placed, flags)}
    return [on.get(id(o), False) for o in observations]


def select(observations: list[Observation], t: Treatment) -> list[Placed]:
    obs = sorted(observations, key=lambda o: (o.date or date.max, o.entity))
    front = _frontier(obs) if t.per_model else [True] * len(obs)
    reasons: list[str | None] = []
    for o, on in zip(obs, front):
        if o.date is None:
            reason = "no_date"
        elif not o.date_known:
            reason = "date_unknown"
        elif not o.fit_use:
            reason = "not_fitted"
        elif t.per_model and not on:
            reason = "not_frontier"
        elif t.fit_from is not None and o.date < t.fit_from:
            reason = "before_fit_from"
        elif t.form != "none" and not trendfit.usable(t.form, o.value, t.saturation):
            reason = "outside_band"
        else:
            reason = None
        reasons.append(reason)
    if t.fit_every > 1:
        # Overlapping trailing averages: keep every n-th, counted back from the newest.
        kept = [i for i, r in enumerate(reasons) if r is None]
        for n, i in enumerate(reversed(kept)):
            if n % t.fit_every:
                reasons[i] = "thinned"
    return [Placed(o, on, reason is None and t.form != "none", reason) for o, on, reason in zip(obs, front, reasons)]


def assess(observations: list[Observation], t: Treatment, *, ladder: bool) -> Assessment:
    points = select(observations, t)
    used = [p.obs for p in points if p.used]
    trend = None
    if t.form != "none" and len(used) >= trendfit.MIN_TREND_POINTS and len({o.date for o in used}) > 1:
        trend = trendfit.fit_trend(t.form, [o.day for o in used], [o.value for o in used], t.saturation)
    target = t.target
    if ladder and t.near is not None and t.saturation is not None:
        target = t.saturation * (t.near if t.form == "logit" else 1.0)
    placed = [p.obs for p in points if p.obs.date is not None]
    best = max((o.value for o in placed), default=None)
    reach = None
    if trend is not None and target is not None and (best is None or best < target):
        reach = trendfit.reach(trend, target)
    status, text = _status(points, t, trend, reach, target, best, len(used), ladder)
    return Assessment(tuple(points), t, trend, reach, target, status, text)


def _status(points, t: Treatment, trend, reach, target, best, n_used: int, ladder: bool) -> tuple[str, str]:
    if not ladder and t.form == "none":
        return NO_TREND, f"no trend fitted: {t.form_note}" if t.form_note else "no trend fitted"
    if ladder and best is not None and t.near is not None and t.saturation is not None:
        near_level = t.saturation * t.near if t.form == "logit" else t.saturation
        if best >= near_level:
            if t.form == "logit":
                return NEAR_SATURATION, f"near saturation: the best score is within {(1 - t.near) * 100:.0f}% of its ceiling"
            return NEAR_SATURATION, "near saturation: the frontier horizon has reached the benchmark's longest tasks"
    if not ladder and target is not None and best is not None and best >= target:
        return REACHED, f"level reached: {t.target_label}"
    if trend is None:
        need = trendfit.MIN_TREND_POINTS
        what = "frontier points with a known date" if t.per_model else "usable points"
        return SPARSE, f"sparse data: {n_used} {what} (a trend needs {need})"
    per_year = trend.slope_per_year
    scale = "logit units" if trend.form == "logit" else "ln units"
    slope = f"{per_year:+.2f} {scale}/year (95% CI {trend.slope_low * trendfit.DAYS_PER_YEAR:+.2f} to " \
            f"{trend.slope_high * trendfit.DAYS_PER_YEAR:+.2f})"
    if trend.progressing:
        return PROGRESSING, f"progressing: {slope}"
    return NO_CLEAR_TREND, f"no clear trend: {slope}"


def rung_status(benchmarks: list[tuple[str, str]]) -> tuple[str, str]:
    """A rung's status from its benchmarks' (title, status): the most advanced, with the list."""
    if not benchmarks:
        return NO_BENCHMARK, "no benchmark exists"
    status = next(s for s in RUNG_ORDER if any(b[1] == s for b in benchmarks))
    groups = []
    for s in RUNG_ORDER:
        names = [title for title, st in benchmarks if st == s]
        if names:
            groups.append(f"{STATUS_WORDS[s]}: {', '.join(names)}")
    return status, f"{STATUS_WORDS[status]} ({'; '.join(groups)})"
