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
from horizon.trend import delta, intervals, status
from horizon.trend.backtest import MIN_TRAIN, BacktestSummary, Prediction, backtest
from horizon.trend.breaks import BreakTest, break_test
from horizon.trend.forms import FORM_NAMES, FormDraws, FormFit, NotConverged, shape
from horizon.trend.frontier import POINTS, Selection, select_points
from horizon.trend.points import Point
from horizon.trend.rules import (
    DAYS_PER_MONTH,
    DEFAULT_CEILING_MINUTES,
    doubling_interval,
    plausible_doubling,
    plausible_interval,
)
from horizon.trend.status import Status

METR_WINDOW_FROM = date(2023, 1, 1)
CI_LEVEL = 0.95
# The other forms' intervals from headline figures (see horizon.trend.delta).
DELTA_METHOD = "delta_t"
DELTA_TEXT = ("linearised (delta-method) t interval of the slope at the last point, n - parameters degrees of"
              " freedom; the piecewise break date held fixed")


@dataclass(frozen=True)
class TrendSpec:
    """Every option that changes a trend's numbers (recorded with the fit run)."""

    level: int = 50
    window_from: date | None = METR_WINDOW_FROM
    window_to: date | None = None
    ceiling_minutes: float | None = DEFAULT_CEILING_MINUTES
    points: str = "frontier"             # or "all": every model in the window
    forms: tuple[str, ...] = FORM_NAMES
    interval_method: str | None = None   # None: run_bootstrap with runs, else the headline default
    n_boot: int = 10_000                 # exponential (closed form, all at once)
    n_boot_forms: int = 1_000            # the other forms (batched refits, see Form.refit)
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
        if self.points not in POINTS:
            raise HorizonError(f"points: expected one of {', '.join(POINTS)}, got {self.points!r}")
        if isinstance(self.level, bool) or not isinstance(self.level, int) or not 1 <= self.level <= 99:
            raise HorizonError(f"level: expected a whole percent from 1 to 99, got {self.level!r}")
        unknown = [f for f in self.forms if f not in FORM_NAMES]
        if unknown or "exponential" not in self.forms:
            raise HorizonError(f"forms: expected exponential plus any of {', '.join(FORM_NAMES)}, got {self.forms}")
        if self.window_from and self.window_to and self.window_to < self.window_from:
            raise HorizonError(f"window: --until {self.window_to} is before --since {self.window_from}")

    def as_params(self) -> dict:
        d = asdict(self)
        d["forms"] = list(self.forms)
        return d


@dataclass(frozen=True)
class FormResult:
    form: str
    status: Status
    fit: FormFit | None = None
    doubling_days: float | None = None    # constant (exponential) or instantaneous at the last point
    ci_low: float | None = None            # 95% interval of doubling_days
    ci_high: float | None = None
    ci80_low: float | None = None
    ci80_high: float | None = None
    ci_level: float = CI_LEVEL
    interval_method: str | None = None
    interval_text: str | None = None
    n_replicates: int = 0
    r2: float | None = None
    break_date: date | None = None
    backtest: BacktestSummary | None = None
    draws: FormDraws | None = field(default=None, repr=False, compare=False)

    @property
    def identified(self) -> bool:
        """False: the fit sits on an artificial bound or the points do not support the shape,
        so its parameters (and any interval or forecast of its own) mean nothing."""
        return self.fit is not None and self.status.code != status.NOT_IDENTIFIED

    @property
    def note(self) -> str | None:
        """Why the doubling time, the interval or the fit is missing, in words (None: all there)."""
        return None if self.status.ok else self.status.text

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
    warnings: tuple[Status, ...] = ()      # about the whole trend (fragile, backtest not run, ...)

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
        """The form with the lowest aic, bic or backtest rmse (log space), among forms whose
        fit stands (status ok); None when the criterion was not computed for any of them.

        A form whose fit is not identified (a saturating ceiling on its bound) is the
        exponential with an idle parameter, not a rival shape, so it is never the favoured one.
        """
        scored = []
        for f in self.forms:
            if f.fit is None or not f.status.ok:
                continue
            if by == "aic":
                value = f.fit.aic
            elif by == "bic":
                value = f.fit.bic
            elif f.backtest and f.backtest.n_predictions:
                value = f.backtest.rmse_log
            else:
                continue
            if math.isfinite(value):
                scored.append((value, FORM_NAMES.index(f.form), f.form))
        return min(scored)[2] if scored else None

    def favoured_by(self) -> dict[str, str]:
        """{criterion: favoured form} for the criteria that were computed."""
        found = {by: self.favoured(by) for by in ("aic", "bic", "backtest")}
        return {by: form for by, form in found.items() if form is not None}


def _xy(points: Sequence[Point]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([p.x for p in points]), np.log(np.array([p.estimate for p in points]))


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
    selection = select_points(points, spec.window_from, spec.window_to, spec.ceiling_minutes, spec.points)
    used = selection.used
    if len(used) < 3:
        raise HorizonError(
            f"only {len(used)} {'frontier ' if spec.points == 'frontier' else ''}point(s) at {spec.level}% between"
            f" {spec.window_from or 'the start'} and {spec.window_to or 'the end'}"
            f" below the {spec.ceiling_minutes} min ceiling: a trend needs at least 3"
        )
    x, y = _xy(used)
    x_last = float(x.max())

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
        raise HorizonError("interval run_bootstrap needs a run-level fit (--run-fit ID or --from-runs)")

    warnings = []
    if len(used) < status.FRAGILE_BELOW:
        warnings.append(status.fragile(len(used), closed_form=method in intervals.ANALYTIC))
    predictions, summaries = backtest(used, spec.forms, spec.backtest_min_train)
    by_form = {s.form: s for s in summaries}
    if not predictions:
        warnings.append(Status(status.BACKTEST_NOT_RUN, (
            f"backtest not run: it fits each form on at least {spec.backtest_min_train} models and predicts"
            f" later ones, and there are {len(used)} points")))

    bt = None
    if "piecewise" in spec.forms:
        try:
            bt = break_test(x, y, spec.n_break_boot, spec.seed, [p.model_id for p in used])
        except HorizonError as exc:
            warnings.append(Status(status.BREAK_TEST_NOT_RUN, f"break test not run: {exc}"))

    exp, alternatives = _exponential(x, y, used, spec, method, rep_matrix, by_form.get("exponential"))
    results = [exp]
    for form in spec.forms:
        if form != "exponential":
            results.append(_other_form(form, x, y, x_last, spec, rep_matrix, by_form.get(form)))
    results, unbounded = _plausible_intervals(results)
    if unbounded:
        warnings.append(status.interval_unbounded(unbounded))
    return TrendResult(spec, selection, tuple(results), bt, predictions, alternatives, tuple(warnings))


def _plausible_intervals(results: list[FormResult]) -> tuple[list[FormResult], list[str]]:
    """Each form with the interval ends its points do not bound made None, and which forms had one."""
    out, unbounded = [], []
    for r in results:
        lo95, hi95, cut95 = plausible_interval(r.ci_low, r.ci_high)
        lo80, hi80, cut80 = plausible_interval(r.ci80_low, r.ci80_high)
        if cut95 or cut80:
            unbounded.append(r.form)
            r = replace(r, ci_low=lo95, ci_high=hi95, ci80_low=lo80, ci80_high=hi80)
        out.append(r)
    return out, unbounded


def _exponential(x, y, used, spec, method, rep_matrix, summary) -> tuple[FormResult, tuple]:
    """The exponential: one fit gives the doubling time, the interval's centre and the forecasts."""
    fit = shape("exponential").fit(x, y)
    tss = float(np.sum((y - y.mean()) ** 2))
    r2 = 1 - fit.sse / tss if tss > 0 else math.nan
    doubling = fit.doubling_days_at(fit.x_ref)
    st = _growth_status("exponential", doubling)
    if not st.ok:
        # No doubling time, so no interval for one either: with equal horizons the bootstrap
        # slopes are rounding noise around 0 (doubling "every 10^18 days").
        return FormResult("exponential", st, fit, r2=r2, interval_method=method, backtest=summary), ()
    ci = intervals.doubling_intervals(x, y, [p.ci_low for p in used], [p.ci_high for p in used], method,
                                      spec.n_boot, spec.seed, rep_matrix)
    if ci.draws is not None:
        draws = FormDraws(
            "exponential",
            np.column_stack([ci.draws.intercepts + ci.draws.slopes * fit.x_ref, ci.draws.slopes]),
            fit.x_ref,
            ci.draws.n_dropped,
        )
    else:
        # A closed-form interval (OLS t) has no replicates of its own; what propagates the trend
        # (the scenario model) gets draws from the same sampling distribution the interval
        # inverts: the line's coefficients, multivariate t with n - 2 degrees of freedom.
        draws = delta.draws(fit, x, spec.n_boot, spec.seed)
    alternatives = () if rep_matrix is not None else _alternatives(x, y, used, spec, method)
    return FormResult(
        "exponential", st, fit, doubling_days=doubling, ci_low=ci.low95, ci_high=ci.high95, ci80_low=ci.low80,
        ci80_high=ci.high80, interval_method=method, interval_text=ci.description, n_replicates=ci.n_replicates,
        r2=r2, backtest=summary, draws=draws,
    ), alternatives


def _alternatives(x, y, used, spec, method) -> tuple[intervals.DoublingInterval, ...]:
    """The other headline methods' intervals on the same points, to compare (never chosen from)."""
    out = []
    for other in intervals.HEADLINE_METHODS:
        if other == method:
            continue
        try:
            out.append(intervals.doubling_intervals(x, y, [p.ci_low for p in used], [p.ci_high for p in used],
                                                    other, spec.n_boot, spec.seed))
        except HorizonError:
            continue   # parametric_ci without published intervals
    return tuple(out)


def _growth_status(form: str, doubling: float) -> Status:
    if not math.isfinite(doubling):
        return status.no_growth(form)
    if not plausible_doubling(doubling):
        return status.implausible_doubling(doubling)
    return status.OK


def _other_form(form, x, y, x_last, spec, rep_matrix, summary) -> FormResult:
    sh = shape(form)
    try:
        fit = sh.fit(x, y, x_ref=x_last)
    except NotConverged:
        return FormResult(form, status.not_converged(form), backtest=summary)
    except HorizonError as exc:
        return FormResult(form, status.not_fitted(str(exc)), backtest=summary)
    at_end = fit.doubling_days_at(x_last)
    break_date = sh.break_date(fit)
    bound = sh.status(fit, x, y)
    if bound is not None:
        # Its bootstrap would only describe where the bound is; report the point fit alone.
        return FormResult(form, bound, fit, break_date=break_date, backtest=summary)
    st = _growth_status(form, at_end)
    if not st.ok:
        return FormResult(form, st, fit, break_date=break_date, backtest=summary)
    if rep_matrix is not None:
        rows = rep_matrix[: spec.n_boot_forms]
        ok = np.isfinite(rows) & (rows > 0)
        draws = sh.refit(fit, x, np.where(ok, np.log(np.where(ok, rows, 1.0)), np.nan))
        bounds = _percentile_bounds(sh, draws)
        method = intervals.RUN_METHOD
        text = f"{intervals.RUN_METHOD_TEXT}; {draws.params.shape[0]} replicates, percentile interval"
        n_replicates = int(draws.params.shape[0])
    else:
        # The linearised t interval covers close to its level on data shaped like METR's
        # frontier; a wild bootstrap of these curves covered 81-85% at 95% (tests/test_trend_calibration.py).
        bounds = {q: doubling_interval(*delta.slope_interval(fit, x, q)) for q in intervals.LEVELS}
        draws = delta.draws(fit, x, spec.n_boot_forms, spec.seed)
        method, text, n_replicates = DELTA_METHOD, DELTA_TEXT, 0
    lo95, hi95 = bounds.get(0.95, (None, None))
    lo80, hi80 = bounds.get(0.80, (None, None))
    return FormResult(
        form, st, fit, doubling_days=at_end, ci_low=lo95, ci_high=hi95, ci80_low=lo80, ci80_high=hi80,
        interval_method=method, interval_text=text, n_replicates=n_replicates, break_date=break_date,
        backtest=summary, draws=draws,
    )


def _percentile_bounds(sh, draws) -> dict[float, tuple[float, float]]:
    """Percentile doubling-time intervals of replicate fits at the last point."""
    if not draws.params.shape[0]:
        return {}
    # Slopes (not doubling times) keep "no growth" replicates in order; an infinite slope
    # (past a superexponential singularity) is the steepest there is.
    slopes = np.nan_to_num(sh.slope(draws.params, 0.0), nan=0.0, posinf=1e300, neginf=-1e300)
    out = {}
    for q in intervals.LEVELS:
        tail = 100 * (1 - q) / 2
        s_lo, s_hi = np.percentile(slopes, [tail, 100 - tail])
        out[q] = doubling_interval(float(s_lo), float(s_hi))
    return out
