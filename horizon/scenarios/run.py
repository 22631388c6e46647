"""Running the four scenarios over the trend's draws: paths with bands, the dates the
multiplier and the horizon cross their levels, blow-up dates (pure: arrays and records in,
frozen records out; no database, no files, no clock).

Row 0 of every array is the central run (the fitted trend, the parameters in force and the
median success slope); rows 1.. are the draws the bands and intervals come from. Draws are
the exponential trend's draws (its bootstrap replicates, or draws from the OLS fit's sampling
distribution; the first ``n_draws`` with a growing horizon), each with the median success
slope of a bootstrap resample of the frontier models' slopes and, with ``param_draws``,
parameters drawn over their stated ranges; all from one seed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from horizon.errors import HorizonError
from horizon.numbers import finite_or_none
from horizon.scenarios import params as sp
from horizon.scenarios.bridge import Bridge, h80_equivalent_minutes
from horizon.scenarios.dynamics import SCENARIOS, DrawSet, Scenario
from horizon.scenarios.solve import FeedbackPath, solve_feedback, tau_at, x_at
from horizon.trend.rules import calendar_date, date_from_day, day_number

MULTIPLIER_LEVELS = (2.0, 10.0, 100.0, 1000.0)
STEP_DAYS = 7
HISTORY_DAYS = 3 * 364          # the chart starts this long before the start date
DAYS_PER_YEAR = 365.25
# Quantiles of every band and interval: 95% and 80% central intervals and the median.
QUANTILES = (2.5, 10.0, 50.0, 90.0, 97.5)
# Coarse grids of x = ln(h / h_s) that bracket the multiplier's crossings: before the start (h
# down to e^-25 h_s), and after it for the scenario without feedback (feedback paths bring their own).
_X_PAST = np.linspace(-25.0, 0.0, 201)
_X_OPEN = np.linspace(0.0, 40.0, 251)
_BIG = 1e300


@dataclass(frozen=True)
class TrendDraws:
    """The fitted 80% trend the scenarios start from: ln h = ln_h_ref + slope (day - x_ref)."""

    x_ref: float                 # day number (days since 1970-01-01) of the reference point
    ln_h_ref: float              # ln minutes at x_ref (central fit)
    slope: float                 # per day (central fit)
    draws_ln_h_ref: np.ndarray   # bootstrap draws of both
    draws_slope: np.ndarray


@dataclass(frozen=True)
class Target:
    """A horizon threshold (data/thresholds.toml): hours of human-expert time at a success level."""

    name: str
    label: str
    hours: float
    level: int


@dataclass(frozen=True)
class ScenarioOptions:
    n_draws: int = 1000
    param_draws: bool = False
    seed: int = 0
    years: float = 10.0
    start: date | None = None    # None: the last release the trend used

    def __post_init__(self):
        for name, low in (("n_draws", 10), ("seed", 0)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < low:
                raise HorizonError(f"{name}: expected a whole number {low} or more, got {v!r}")
        if not (isinstance(self.years, (int, float)) and not isinstance(self.years, bool) and 0 < self.years <= 50):
            raise HorizonError(f"years: expected a number of years above 0 and at most 50, got {self.years!r}")

    def as_params(self) -> dict:
        return {"n_draws": self.n_draws, "param_draws": self.param_draws, "seed": self.seed, "years": self.years,
                "start": None if self.start is None else self.start.isoformat()}


@dataclass(frozen=True)
class Summary:
    """A quantity over the draws: the central run and the 95% / 80% intervals and median."""

    central: float | None
    lo95: float | None
    lo80: float | None
    median: float | None
    hi80: float | None
    hi95: float | None


@dataclass(frozen=True)
class DateSummary:
    """A date over the draws; None means never (or past the end of the model's range)."""

    central: date | None
    lo95: date | None
    lo80: date | None
    median: date | None
    hi80: date | None
    hi95: date | None
    n: int
    n_never: int


@dataclass(frozen=True)
class BandPoint:
    day: date
    quantity: str       # h80_minutes, share, multiplier
    values: Summary


@dataclass(frozen=True)
class Crossing:
    scenario: str
    kind: str           # multiplier (M reaches value x) or horizon (h reaches a threshold)
    target: str         # "10x", or the threshold's name
    label: str
    value: float        # the multiplier level, or the threshold in hours
    level: int | None   # the threshold's success level (horizon crossings)
    when: DateSummary
    status: str         # crosses (the median draw crosses), never (it does not)
    bound: Summary | None   # multiplier crossings: the supremum of M the path approaches


@dataclass(frozen=True)
class ScenarioOutcome:
    name: str
    title: str
    camp: str
    equations: tuple[str, ...]
    feedback: bool
    start_multiplier: Summary
    start_share: Summary
    bound: Summary                   # supremum of M (inf: unbounded)
    blowup: DateSummary | None       # finite-time blow-up of h (explosive), None for the others
    bands: tuple[BandPoint, ...]
    crossings: tuple[Crossing, ...]


@dataclass(frozen=True)
class Grid:
    """One scenario's per-draw values on the weekly grid (rows: draws, row 0 central)."""

    x: np.ndarray        # ln(h / h_s)
    share: np.ndarray    # f
    multiplier: np.ndarray


@dataclass(frozen=True)
class Paths:
    """Per-draw paths, kept so evidence can be read at any date (not stored)."""

    start_day: float
    draws: DrawSet
    bridge: Bridge
    paths: dict
    blowups: dict
    grid_days: np.ndarray
    grids: dict

    def x(self, scenario: Scenario, days) -> np.ndarray:
        tau = np.asarray(days, dtype=float) - self.start_day
        return x_at(self.paths[scenario.name], self.draws.g0, tau, self.blowups[scenario.name])

    def state(self, scenario: Scenario, days) -> tuple[np.ndarray, np.ndarray]:
        """(f, M) per draw at ``days`` (day numbers)."""
        return scenario.state(self.x(scenario, days), self.draws, self.bridge)


@dataclass(frozen=True)
class ScenarioResult:
    start: date
    h_start: Summary                 # the 80% horizon at the start date, minutes
    doubling_days: float             # of the central trend
    success_slope: Summary           # b per doubling, over the draws
    model_slopes: tuple[float, ...]  # each frontier model's b
    n_draws: int
    n_trend_draws_dropped: int       # bootstrap draws whose horizon did not grow
    options: ScenarioOptions
    parameters: sp.ParameterSet
    outcomes: tuple[ScenarioOutcome, ...]
    paths: Paths = field(repr=False, compare=False)

    def outcome(self, name: str) -> ScenarioOutcome:
        for o in self.outcomes:
            if o.name == name:
                return o
        raise KeyError(name)


# --- summaries ---------------------------------------------------------------------------------


def _quantiles(values: np.ndarray, axis: int = 0) -> np.ndarray:
    """Quantiles with +inf kept in order (as the largest values) and returned as inf."""
    v = np.where(np.isnan(values), _BIG, np.clip(values, -_BIG, _BIG))
    q = np.percentile(v, QUANTILES, axis=axis)
    return np.where(q >= _BIG / 10, np.inf, q)


def summary(central: float, draws: np.ndarray) -> Summary:
    q = _quantiles(np.asarray(draws, dtype=float))
    return Summary(finite_or_none(central), *(finite_or_none(v) for v in q))


def date_summary(start_day: float, central_tau: float, draws_tau: np.ndarray) -> DateSummary:
    q = _quantiles(np.asarray(draws_tau, dtype=float))

    def day(t):
        return date_from_day(start_day + t) if math.isfinite(t) else None

    lo95, lo80, median, hi80, hi95 = (day(v) for v in q)
    return DateSummary(day(central_tau), lo95, lo80, median, hi80, hi95, n=int(draws_tau.size),
                       n_never=int(np.sum(~np.isfinite(draws_tau))))


# --- the run -----------------------------------------------------------------------------------


def _draw_set(inputs_trend: TrendDraws, model_slopes: Sequence[float], parameters: sp.ParameterSet,
              options: ScenarioOptions, start_day: float) -> tuple[DrawSet, int]:
    growing = np.flatnonzero(inputs_trend.draws_slope > 0)
    dropped = int(inputs_trend.draws_slope.size - growing.size)
    if inputs_trend.slope <= 0:
        raise HorizonError("the 80% horizon trend did not grow (its slope is not positive): no scenario can start from it")
    if growing.size < options.n_draws:
        raise HorizonError(
            f"the trend has {growing.size} bootstrap draws with a growing horizon; {options.n_draws} were asked for"
        )
    pick = growing[: options.n_draws]
    slopes_b = np.asarray(model_slopes, dtype=float)
    if slopes_b.size == 0 or not np.all(slopes_b < 0):
        raise HorizonError("success slopes: expected at least one frontier model with both a 50% and an 80% horizon,"
                           " the 80% one shorter")
    rng = np.random.default_rng(options.seed)
    resample = rng.integers(0, slopes_b.size, size=(options.n_draws, slopes_b.size))
    draw_b = np.median(slopes_b[resample], axis=1)
    central_p = parameters.model()
    draw_p = (sp.draw_parameters(parameters, options.n_draws, rng) if options.param_draws
              else sp.fixed_parameters(parameters, options.n_draws))
    g0 = np.concatenate([[inputs_trend.slope], inputs_trend.draws_slope[pick]])
    ln_ref = np.concatenate([[inputs_trend.ln_h_ref], inputs_trend.draws_ln_h_ref[pick]])
    ln_start = ln_ref + g0 * (start_day - inputs_trend.x_ref)
    b = np.concatenate([[float(np.median(slopes_b))], draw_b])
    return DrawSet(g0, ln_start, b, sp.stack(central_p, draw_p)), dropped


def blowup_tail(dtau_ds_end, g0, lam, beta) -> np.ndarray:
    """Days from the end of the grid (s = S) to infinity. Past the grid f = 1 to rounding and
    M = v0 h / h_s, so dtau/ds = c e^(-k s) e^(-beta g0 tau) with k = lambda - beta > 0, which
    separates: tau_inf = tau_S + ln(1 + beta g0 D / k) / (beta g0), D = dtau/ds at S."""
    k = np.where(lam > beta, lam - beta, np.nan)
    bg = beta * g0
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bg > 0, np.log1p(bg * dtau_ds_end / k) / np.where(bg > 0, bg, 1.0), dtau_ds_end / k)


def _solve(scenario: Scenario, d: DrawSet, bridge: Bridge) -> tuple[FeedbackPath | None, np.ndarray]:
    """The scenario's path (None without feedback) and its blow-up time in days (inf: none)."""
    if not scenario.feedback:
        return None, np.full(d.n, np.inf)
    m0 = scenario.multiplier(np.zeros(d.n), d, bridge)
    lam = np.asarray(d.params.parallelisation_penalty, dtype=float)
    beta = lam / scenario.returns(d.params)

    def log_mult_ratio(x):
        return np.log(scenario.multiplier(x, d, bridge) / (m0 if np.ndim(x) == 1 else m0[:, None]))

    path = solve_feedback(d.g0, lam, beta, log_mult_ratio, scenario.ceiling(d))
    blowup = np.full(d.n, np.inf)
    explodes = scenario.blows_up(d.params) & (lam > beta)
    if explodes.any():
        blowup = np.where(explodes, path.tau[:, -1] + blowup_tail(path.dtau_ds_end, d.g0, lam, beta), np.inf)
    return path, blowup


def _crossing(fn, xs: np.ndarray, values: np.ndarray, level: float, iterations: int = 30) -> np.ndarray:
    """Per row, the x at which ``values`` (increasing along each row of the grid ``xs``) first
    reaches ``level``, refined on ``fn(x) -> values`` by the Illinois variant of regula falsi
    inside the bracketing grid cells; inf when it never does, -inf when the grid starts above it."""
    above = values >= level
    hit = above.any(axis=1)
    j = np.argmax(above, axis=1)
    rows = np.arange(values.shape[0])
    jm = np.maximum(j - 1, 0)
    a, b = xs[rows, jm].copy(), xs[rows, j].copy()
    fa, fb = values[rows, jm] - level, values[rows, j] - level
    live = hit & (j > 0) & (fb > 0) & (fa < 0)
    x = np.where(fb == 0, b, a)
    side = np.zeros(rows.size)
    for _ in range(iterations):
        if not live.any():
            break
        with np.errstate(invalid="ignore", divide="ignore"):
            c = np.where(live, b - fb * (b - a) / (fb - fa), a)
        fc = fn(c) - level
        left = live & (fc < 0)      # the crossing lies in [c, b]
        right = live & (fc >= 0)    # in [a, c]
        a, fa = np.where(left, c, a), np.where(left, fc, fa)
        b, fb = np.where(right, c, b), np.where(right, fc, fb)
        # Illinois: halve the stale end's value when the same end moves twice running.
        fb = np.where(left & (side == -1), fb / 2, fb)
        fa = np.where(right & (side == 1), fa / 2, fa)
        side = np.where(left, -1, np.where(right, 1, side))
        x = np.where(live, c, x)
        live = live & (np.abs(b - a) > 1e-10 * np.maximum(1.0, np.abs(b)))
    x = np.where(j == 0, -np.inf, x)
    return np.where(hit, x, np.inf)


def run_scenarios(
    trend: TrendDraws,
    model_slopes: Sequence[float],
    parameters: sp.ParameterSet,
    targets: Sequence[Target],
    options: ScenarioOptions | None = None,
    scenarios: Sequence[Scenario] = SCENARIOS,
    extra_days: Sequence[float] = (),
) -> ScenarioResult:
    """Every scenario on the same draws. ``extra_days``: dates (day numbers) the bands must reach
    back to, e.g. the evidence's baselines, besides the last three years."""
    options = options or ScenarioOptions()
    start_day = day_number(options.start) if options.start else trend.x_ref
    d, dropped = _draw_set(trend, model_slopes, parameters, options, start_day)
    bridge = d.bridge()
    lo = min([-HISTORY_DAYS] + [float(v) - start_day for v in extra_days])
    lo = -STEP_DAYS * math.ceil(-lo / STEP_DAYS)
    tau_grid = np.arange(lo, options.years * DAYS_PER_YEAR + STEP_DAYS / 2, STEP_DAYS, dtype=float)
    grid_days = start_day + tau_grid
    outcomes, paths, blowups, grids = [], {}, {}, {}
    for sc in scenarios:
        path, blowup = _solve(sc, d, bridge)
        x = x_at(path, d.g0, tau_grid, blowup)
        grid = Grid(x, *sc.state(x, d, bridge))
        paths[sc.name], blowups[sc.name], grids[sc.name] = path, blowup, grid
        outcomes.append(_outcome(sc, d, bridge, path, blowup, grid, start_day, tau_grid, targets))
    return ScenarioResult(
        start=calendar_date(start_day),
        h_start=summary(math.exp(d.ln_h_start[0]), np.exp(d.ln_h_start[1:])),
        doubling_days=math.log(2) / trend.slope,
        success_slope=summary(d.slope[0], d.slope[1:]),
        model_slopes=tuple(float(b) for b in model_slopes),
        n_draws=options.n_draws,
        n_trend_draws_dropped=dropped,
        options=options,
        parameters=parameters,
        outcomes=tuple(outcomes),
        paths=Paths(start_day, d, bridge, paths, blowups, grid_days, grids),
    )


BAND_EVERY = 4   # bands are kept every 4th week: enough for a chart, a fraction of the rows


def _outcome(sc: Scenario, d: DrawSet, bridge: Bridge, path, blowup, grid: Grid, start_day, tau_grid, targets
             ) -> ScenarioOutcome:
    h = np.exp(d.ln_h_start[:, None] + grid.x)
    bands = []
    keep = [j for j in range(tau_grid.size) if j % BAND_EVERY == 0 or tau_grid[j] == 0]
    for name, values in (("h80_minutes", h), ("share", grid.share), ("multiplier", grid.multiplier)):
        q = _quantiles(values[1:, keep], axis=0)
        for col, j in enumerate(keep):
            bands.append(BandPoint(calendar_date(start_day + tau_grid[j]), name,
                                   Summary(finite_or_none(values[0, j]), *(finite_or_none(v) for v in q[:, col]))))
    bound = sc.bound(d, bridge)
    bound_summary = summary(bound[0], bound[1:])

    # A coarse x grid to bracket each crossing: the trend before the start, the path (or the
    # trend) after it; the crossing itself is then solved on M(x) exactly.
    future = path.x[:, ::8] if path is not None else np.broadcast_to(_X_OPEN, (d.n, _X_OPEN.size))
    xs = np.concatenate([np.broadcast_to(_X_PAST, (d.n, _X_PAST.size)), future[:, 1:]], axis=1)
    m_grid = sc.multiplier(xs, d, bridge)
    crossings = []
    for level in MULTIPLIER_LEVELS:
        x_star = _crossing(lambda x: sc.multiplier(x, d, bridge), xs, m_grid, level)
        tau = tau_at(path, d.g0, x_star, blowup)
        when = date_summary(start_day, tau[0], tau[1:])
        crossings.append(Crossing(sc.name, "multiplier", f"{level:g}x", f"M reaches {level:g}x", level, None, when,
                                  "crosses" if when.median is not None else "never", bound_summary))
    for t in targets:
        x_star = np.log(h80_equivalent_minutes(t.hours * 60.0, t.level, d.slope)) - d.ln_h_start
        tau = tau_at(path, d.g0, x_star, blowup)
        when = date_summary(start_day, tau[0], tau[1:])
        crossings.append(Crossing(sc.name, "horizon", t.name, t.label, t.hours, t.level, when,
                                  "crosses" if when.median is not None else "never", None))
    blow = date_summary(start_day, blowup[0], blowup[1:]) if sc.blows_up(d.params).any() else None
    f0, m0 = sc.state(np.zeros(d.n), d, bridge)
    return ScenarioOutcome(
        sc.name, sc.title, sc.camp, sc.equations(), sc.feedback,
        summary(m0[0], m0[1:]), summary(f0[0], f0[1:]), bound_summary, blow, tuple(bands), tuple(crossings),
    )
