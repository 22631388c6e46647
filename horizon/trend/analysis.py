"""One trend analysis, from points to every form, interval, break test and backtest (pure).

``analyse`` takes points (and, for run-level fits, each model's bootstrap replicates) and a
``TrendSpec``; it touches no database and no clock, so the same inputs and seed give the same
numbers. ``horizon.trend.api`` loads the points from the store and saves the result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date

import numpy as np

from horizon.errors import HorizonError
from horizon.trend import intervals
from horizon.trend.backtest import MIN_TRAIN, BacktestSummary, Prediction, backtest
from horizon.trend.exponential import DAYS_PER_MONTH, LN2, fit_line
from horizon.trend.forms import (
    FORMS,
    BreakTest,
    FormDraws,
    FormFit,
    break_test,
    ceiling_at_bound,
    doubling_days_at,
    fit_form,
    refit_rows,
    wild_rows,
)
from horizon.trend.frontier import DEFAULT_CEILING_MINUTES, Selection, select_points
from horizon.trend.points import Point, date_from_day

METR_WINDOW_FROM = date(2023, 1, 1)

# A trend whose horizon did not grow has no doubling time: it is reported as None with this
# note, never as a negative or infinite number of days.
NO_GROWTH = "horizon did not grow: the fitted slope of ln(horizon) is not positive, so there is no doubling time"
NO_GROWTH_AT_END = "not growing at the last release: no doubling time"
CEILING_NOT_IDENTIFIED = (
    "ceiling not identified: the fitted ceiling sits at the upper bound the fit allows"
    " (e^20 times the highest point), so the curve is the exponential in disguise;"
    " no interval and no forecasts of its own"
)


@dataclass(frozen=True)
class TrendSpec:
    """Every option that changes a trend's numbers (recorded with the fit run)."""

    level: int = 50
    window_from: date | None = METR_WINDOW_FROM
    window_to: date | None = None
    ceiling_minutes: float | None = DEFAULT_CEILING_MINUTES
    forms: tuple[str, ...] = FORMS
    interval_method: str | None = None   # None: run_bootstrap with runs, else the headline default
    n_boot: int = 10_000                 # exponential (closed form, all at once)
    n_boot_forms: int = 1_000            # the other forms (batched refits, see forms.refit_rows)
    n_break_boot: int = 999
    seed: int = 0
    backtest_min_train: int = MIN_TRAIN

    def __post_init__(self):
        # Checked here as well as in the CLI: library callers (update, report) get the same
        # one-line errors, and nothing is fitted or stored with options that make no sense.
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise HorizonError(f"seed: expected a whole number 0 or more, got {self.seed!r}")
        if self.ceiling_minutes is not None and not (
            isinstance(self.ceiling_minutes, (int, float)) and not isinstance(self.ceiling_minutes, bool)
            and math.isfinite(self.ceiling_minutes) and self.ceiling_minutes > 0
        ):
            raise HorizonError(
                f"ceiling: expected a positive finite number of minutes (or none), got {self.ceiling_minutes!r}"
            )
        for name in ("n_boot", "n_boot_forms", "n_break_boot", "backtest_min_train"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise HorizonError(f"{name}: expected a whole number 1 or more, got {v!r}")
        if self.level not in (50, 80):
            raise HorizonError(f"level: expected 50 or 80, got {self.level!r}")
        unknown = [f for f in self.forms if f not in FORMS]
        if unknown or "exponential" not in self.forms:
            raise HorizonError(f"forms: expected exponential plus any of {', '.join(FORMS)}, got {self.forms}")
        if self.window_from and self.window_to and self.window_to < self.window_from:
            raise HorizonError(f"window: --until {self.window_to} is before --since {self.window_from}")

    def as_params(self) -> dict:
        d = asdict(self)
        d["forms"] = list(self.forms)
        return d


@dataclass(frozen=True)
class FormResult:
    form: str
    fit: FormFit | None
    skipped: str | None            # why the form could not be fitted on these points
    doubling_days: float | None    # constant (exponential) or instantaneous at the last point
    ci_low: float | None
    ci_high: float | None
    ci_level: float
    interval_method: str | None
    interval_text: str | None
    n_replicates: int
    r2: float | None
    break_date: date | None
    p_value: float | None
    backtest: BacktestSummary | None
    draws: FormDraws | None = field(default=None, repr=False, compare=False)
    # False: the fit sits on an artificial bound, so its parameters (and any interval or
    # forecast of its own) mean nothing; see CEILING_NOT_IDENTIFIED.
    identified: bool = True
    note: str | None = None        # why doubling_days or the interval is missing, in words

    @property
    def doubling_months(self) -> float | None:
        return None if self.doubling_days is None else self.doubling_days / DAYS_PER_MONTH

    @property
    def aic(self) -> float | None:
        return None if self.fit is None else self.fit.aic

    @property
    def bic(self) -> float | None:
        return None if self.fit is None else self.fit.bic


@dataclass(frozen=True)
class TrendResult:
    spec: TrendSpec
    selection: Selection
    forms: tuple[FormResult, ...]
    break_test: BreakTest | None
    predictions: tuple[Prediction, ...]
    alternative_intervals: tuple[intervals.DoublingInterval, ...]   # the other methods, to compare

    def form(self, name: str) -> FormResult:
        for f in self.forms:
            if f.form == name:
                return f
        raise HorizonError(f"trend form {name!r} was not fitted")

    @property
    def exponential(self) -> FormResult:
        return self.form("exponential")

    @property
    def used(self) -> tuple[Point, ...]:
        return self.selection.used

    def favoured(self, by: str) -> str | None:
        """The form with the lowest aic, bic or backtest rmse (log space); None if none fits.

        A form whose fit is not identified (a saturating ceiling on its bound) is the
        exponential with an idle parameter, not a rival shape, so it is never the favoured one.
        """
        scored = []
        for f in self.forms:
            if f.fit is None or not f.identified:
                continue
            if by == "aic":
                value = f.fit.aic
            elif by == "bic":
                value = f.fit.bic
            else:
                value = f.backtest.rmse_log if f.backtest and f.backtest.n_predictions else math.inf
            if not math.isnan(value):
                scored.append((value, FORMS.index(f.form), f.form))
        return min(scored)[2] if scored else None


def analyse(
    points: Sequence[Point],
    spec: TrendSpec,
    replicates: Mapping[str, Sequence[float]] | None = None,
) -> TrendResult:
    """Fit every form in ``spec`` to the frontier points in the window, with intervals.

    ``replicates`` maps source_model to that model's bootstrap horizons (minutes, NaN/inf when
    the replicate gave none), aligned by replicate number; when given, intervals come from
    refitting on the replicates, with the frontier set fixed from the point estimates.
    """
    selection = select_points(points, spec.window_from, spec.window_to, spec.ceiling_minutes)
    used = selection.used
    if len(used) < 3:
        raise HorizonError(
            f"only {len(used)} frontier point(s) at {spec.level}% between"
            f" {spec.window_from or 'the start'} and {spec.window_to or 'the end'}"
            f" below the {spec.ceiling_minutes} min ceiling: a trend needs at least 3"
        )
    x = np.array([p.x for p in used])
    y = np.log(np.array([p.estimate for p in used]))
    x_last = float(x.max())
    line = fit_line(x, y)

    rep_matrix = None
    if replicates is not None:
        missing = [p.source_model for p in used if p.source_model not in replicates]
        if missing:
            raise HorizonError(f"run-level replicates missing for {', '.join(missing)}")
        rep_matrix = np.column_stack([np.asarray(replicates[p.source_model], dtype=float) for p in used])
    method = spec.interval_method or (
        intervals.RUN_METHOD if rep_matrix is not None else intervals.DEFAULT_HEADLINE_METHOD
    )
    if method == intervals.RUN_METHOD and rep_matrix is None:
        raise HorizonError("interval run_bootstrap needs a run-level fit (--fit ID or --from-runs)")

    # The exponential's interval.
    if method == intervals.RUN_METHOD:
        line_draws = intervals.run_draws(x, rep_matrix, seed=None)
    else:
        line_draws = intervals.headline_draws(
            x, y, [p.ci_low for p in used], [p.ci_high for p in used], method, spec.n_boot, spec.seed
        )
    ci = intervals.doubling_interval(line_draws, 0.95)
    alternatives = []
    if rep_matrix is None:
        for other in intervals.HEADLINE_METHODS:
            if other == method:
                continue
            if other == "ols_t":
                alternatives.append(intervals.ols_t_interval(x, y))
                continue
            try:
                d = intervals.headline_draws(
                    x, y, [p.ci_low for p in used], [p.ci_high for p in used], other, spec.n_boot, spec.seed
                )
            except HorizonError:
                continue
            alternatives.append(intervals.doubling_interval(d, 0.95))

    exp_fit = fit_form("exponential", x, y, x_ref=x_last)
    exp_draws = FormDraws(
        "exponential",
        np.column_stack([line_draws.intercepts + line_draws.slopes * x_last, line_draws.slopes]),
        x_last,
        line_draws.n_dropped,
    )

    predictions, summaries = backtest(used, spec.forms, spec.backtest_min_train)
    by_form = {s.form: s for s in summaries}

    bt = None
    if "piecewise" in spec.forms:
        try:
            bt = break_test(x, y, spec.n_break_boot, spec.seed)
        except HorizonError:
            bt = None

    grew = line.slope > 0
    if not grew:
        # No doubling time, so no interval for one either: with equal horizons the bootstrap
        # slopes are rounding noise around 0 (doubling "every 10^18 days").
        ci = replace(ci, low=None, high=None)
        alternatives = []
    results = [
        FormResult(
            "exponential", exp_fit, None, line.doubling_days if grew else None, ci.low, ci.high, 0.95,
            method, ci.description, ci.n_replicates, line.r2, None, None, by_form.get("exponential"),
            exp_draws, note=None if grew else NO_GROWTH,
        )
    ]
    for form in spec.forms:
        if form == "exponential":
            continue
        results.append(_other_form(form, x, y, x_last, spec, rep_matrix, by_form.get(form), bt))
    return TrendResult(spec, selection, tuple(results), bt, predictions, tuple(alternatives))


def _other_form(form, x, y, x_last, spec, rep_matrix, summary, bt) -> FormResult:
    try:
        fit = fit_form(form, x, y, x_ref=x_last)
    except HorizonError as exc:
        return FormResult(form, None, str(exc), None, None, None, 0.95, None, None, 0, None, None, None, summary)
    at_end = fit.doubling_days_at(x_last)
    doubling, note = (at_end, None) if math.isfinite(at_end) and at_end > 0 else (None, NO_GROWTH_AT_END)
    if form == "saturating" and ceiling_at_bound(fit, y):
        # Its bootstrap would only describe where the bound is; report the point fit alone.
        return FormResult(
            form, fit, None, doubling, None, None, 0.95, None, None, 0, None, None, None, summary,
            None, identified=False, note=CEILING_NOT_IDENTIFIED,
        )
    if rep_matrix is not None:
        rows = rep_matrix[: spec.n_boot_forms]
        ok = np.isfinite(rows) & (rows > 0)
        Y = np.where(ok, np.log(np.where(ok, rows, 1.0)), np.nan)
        method = intervals.RUN_METHOD
        text = intervals.RUN_METHOD_TEXT
    else:
        Y = wild_rows(fit, x, y, spec.n_boot_forms, spec.seed)
        method = "wild_bootstrap"
        text = intervals.HEADLINE_METHODS["wild_bootstrap"].replace("OLS residuals", f"{form} residuals")
    draws = refit_rows(fit, x, Y)
    dd = doubling_days_at(form, draws.params, 0.0)   # u = 0 is the last point
    if dd.size:
        # Percentiles of the rate (1/doubling) keep "no growth" replicates (infinite doubling) in order.
        rate = np.where(np.isfinite(dd) & (dd > 0), LN2 / np.where(dd > 0, dd, 1.0), 0.0)
        r_lo, r_hi = np.percentile(rate, [2.5, 97.5])
        lo = LN2 / r_hi if r_hi > 0 else math.inf
        hi = LN2 / r_lo if r_lo > 0 else math.inf
    else:
        lo = hi = None
    break_date = p_value = None
    if form == "piecewise":
        break_date = date_from_day(x_last + fit.params[3])
        p_value = bt.p_value if bt else None
    return FormResult(
        form, fit, None, doubling, lo, hi, 0.95, method,
        f"{text}; {draws.params.shape[0]} replicates, percentile interval", int(draws.params.shape[0]),
        None, break_date, p_value, summary, draws, note=note,
    )
