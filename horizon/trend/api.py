"""The trend library surface: fit, store and forecast trends from what is in the store.

Used by the `trend`, `forecast` and `cite` commands, by `horizon update` and by the report:

    run_trend(con, config, spec, snapshot_id=None, run_fit_id=None, from_runs=False) -> TrendRun
    run_forecast(con, config, as_of, thresholds, spec, ...) -> ForecastRun
    run_default_trends(con, config, as_of=None, thresholds=None) -> DefaultTrends

Source of the points: by default the newest published headline snapshot (see
``horizon.trend.stored.latest_headline_snapshot``); ``snapshot_id`` picks another one; ``run_fit_id`` / ``from_runs`` use a run-level fit
(fit_horizons, with intervals from its bootstrap replicates in fit_replicates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import duckdb

from horizon.config import Config
from horizon.errors import HorizonError
from horizon.fitruns import record_fit
from horizon.store import transaction
from horizon.trend import store as tstore
from horizon.trend.analysis import TrendResult, TrendSpec, analyse
from horizon.trend.backtest import BACKTEST_METHOD
from horizon.trend.canonical import fit_params
from horizon.trend.forecast import Forecast, forecast_one
from horizon.trend.frontier import frontier_rule
from horizon.trend.rules import finite_or_none
from horizon.trend.thresholds import Threshold, load_thresholds


@dataclass(frozen=True)
class TrendRun:
    fit_id: int
    source: tstore.TrendSource
    result: TrendResult
    publisher: tuple[dict, ...]    # the publisher's own doubling times in the same snapshot


@dataclass(frozen=True)
class ForecastRun:
    fit_id: int
    as_of: date
    trends: tuple[TrendRun, ...]   # one per success level the thresholds need
    forecasts: tuple[Forecast, ...]


@dataclass(frozen=True)
class DefaultTrends:
    published: ForecastRun
    runs: ForecastRun | None       # None when the store has no run-level fit


def _points(con, level, snapshot_id, run_fit_id, from_runs):
    if run_fit_id is not None or from_runs:
        source = tstore.runs_source(con, run_fit_id)
        points, reps = tstore.load_run_points(con, source.source_fit_id, level)
        return source, points, (reps or None)
    source = tstore.published_source(con, snapshot_id)
    return source, tstore.load_published_points(con, source.snapshot_id, level), None


def _publisher_claims(con, snapshot_id) -> tuple[dict, ...]:
    if snapshot_id is None:
        return ()
    rows = con.execute(
        "SELECT window_name, point_estimate, ci_low, ci_high FROM publisher_doubling_times"
        " WHERE snapshot_id = ? ORDER BY window_name",
        [snapshot_id],
    ).fetchall()
    return tuple({"window": r[0], "doubling_days": r[1], "ci_low": r[2], "ci_high": r[3]} for r in rows)


def run_trend(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    spec: TrendSpec = TrendSpec(),
    snapshot_id: int | None = None,
    run_fit_id: int | None = None,
    from_runs: bool = False,
) -> TrendRun:
    """Fit every form, store it as a fit run of kind 'trend', and return it."""
    source, points, reps = _points(con, spec.level, snapshot_id, run_fit_id, from_runs)
    result = analyse(points, spec, reps)
    params = fit_params(spec, source)
    with transaction(con):
        fit_id = record_fit(con, "trend", params, list(source.input_snapshots), config.now, seed=spec.seed)
        tstore.save_trend(con, fit_id, result, source)
    return TrendRun(fit_id, source, result, _publisher_claims(con, source.snapshot_id))


def run_forecast(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    as_of: date,
    thresholds: Sequence[Threshold],
    spec: TrendSpec = TrendSpec(),
    snapshot_id: int | None = None,
    run_fit_id: int | None = None,
    from_runs: bool = False,
) -> ForecastRun:
    """Fit (and store) the trend at each level the thresholds need, then store the dates at
    which each form reaches each threshold as a fit run of kind 'forecast'."""
    if not thresholds:
        raise HorizonError("forecast: no thresholds given")
    levels = sorted({t.level for t in thresholds})
    trends = [
        run_trend(con, config, replace(spec, level=lv), snapshot_id, run_fit_id, from_runs) for lv in levels
    ]
    by_level = {t.result.spec.level: t for t in trends}
    forecasts = []
    for th in thresholds:
        run = by_level[th.level]
        for f in run.result.forms:
            # No draws: not fitted, or not identified (its forecast would be the exponential's
            # with an interval describing only the bound); forecast_document lists why.
            if f.fit is None or f.draws is None or not f.status.ok:
                continue
            forecasts.append(
                forecast_one(f.fit, f.draws, th, as_of, spec.ceiling_minutes, f.interval_method)
            )
    params = {
        "as_of": as_of.isoformat(),
        "thresholds": [t.name for t in thresholds],
        "trend_fit_ids": {str(t.result.spec.level): t.fit_id for t in trends},
    }
    snaps = sorted({s for t in trends for s in t.source.input_snapshots})
    with transaction(con):
        fit_id = record_fit(con, "forecast", params, snaps, config.now, seed=spec.seed)
        tstore.save_forecasts(con, fit_id, {lv: by_level[lv].fit_id for lv in levels}, forecasts)
    return ForecastRun(fit_id, as_of, tuple(trends), tuple(forecasts))


def run_default_trends(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    as_of: date | None = None,
    thresholds: Sequence[Threshold] | None = None,
) -> DefaultTrends:
    """The canonical trends `horizon update` and the report show (``horizon.trend.canonical``):
    levels 50 and 80, default options, on the newest published headline snapshot (and on the
    newest run-level fit, when there is one), with forecasts for data/thresholds.toml.

    ``as_of`` defaults to the date of ``config.now`` (fixed by SOURCE_DATE_EPOCH).
    """
    as_of = as_of or config.now.date()
    thresholds = thresholds or load_thresholds(config.data_dir / "thresholds.toml")
    published = run_forecast(con, config, as_of, thresholds)
    runs = None
    try:
        tstore.runs_source(con, None)
    except HorizonError:
        pass
    else:
        try:
            runs = run_forecast(con, config, as_of, thresholds, from_runs=True)
        except HorizonError:
            # Too few run-level frontier agents in the window (the 2025-03 runs have few
            # post-2023 agents) is expected; the headline trend stands on its own.
            runs = None
    return DefaultTrends(published, runs)


# --- JSON documents ----------------------------------------------------------------------------


def _n(v, digits=6):
    v = finite_or_none(v)
    return None if v is None else round(v, digits)


def _d(v):
    return None if v is None else v.isoformat()


def trend_document(run: TrendRun) -> dict:
    r = run.result
    spec = r.spec
    exp = r.exponential
    forms = []
    for f in r.forms:
        bt = f.backtest
        forms.append({
            "form": f.form,
            "fitted": f.fit is not None,
            "identified": f.fit is not None and f.identified,
            "status": f.status.code,
            "note": f.note,
            "skipped": f.note if f.fit is None else None,
            "doubling_days": _n(f.doubling_days),
            "doubling_days_meaning": "constant" if f.form == "exponential" else "instantaneous at last_release",
            "ci_low": _n(f.ci_low),
            "ci_high": _n(f.ci_high),
            "interval_method": f.interval_method,
            "aic": _n(f.aic),
            "bic": _n(f.bic),
            "params": None if f.fit is None else {k: _n(v, 9) for k, v in f.fit.named_params().items()},
            "break_date": _d(f.break_date),
            "break_p_value": _n(r.break_test.p_value) if (f.form == "piecewise" and r.break_test) else None,
            "backtest": None if bt is None else {
                "cutoffs": bt.n_cutoffs,
                "predictions": bt.n_predictions,
                "mean_abs_log_error": _n(bt.mean_abs_log_error),
                "median_abs_log_error": _n(bt.median_abs_log_error),
                "rmse_log": _n(bt.rmse_log),
                "bias_log": _n(bt.mean_log_error),
                "infinite_predictions": bt.n_infinite,
                "coverage80": _n(bt.coverage80),
                "coverage95": _n(bt.coverage95),
            },
        })
    used = r.used
    return {
        "fit_id": run.fit_id,
        "level": spec.level,
        "source": {
            "kind": run.source.kind,
            "snapshot_id": run.source.snapshot_id,
            "run_fit_id": run.source.source_fit_id,
            "input_snapshots": list(run.source.input_snapshots),
            "label": run.source.label,
        },
        "window": {"from": _d(spec.window_from), "to": _d(spec.window_to)},
        "ceiling_minutes": spec.ceiling_minutes,
        "frontier_rule": frontier_rule(spec.points),
        "points": spec.points,
        "form": "exponential",
        "doubling_days": _n(exp.doubling_days),
        "doubling_months": _n(exp.doubling_months),
        "doubling_note": exp.note,
        "ci_low": _n(exp.ci_low),
        "ci_high": _n(exp.ci_high),
        "ci_level": exp.ci_level,
        "interval_method": exp.interval_method,
        "interval_text": exp.interval_text,
        "r2": _n(exp.r2),
        "n_models": len(used),
        "models": [
            {"model_id": p.model_id, "source_model": p.source_model, "release_date": _d(p.release_date),
             "estimate_minutes": _n(p.estimate)}
            for p in used
        ],
        "excluded_above_ceiling": [
            {"model_id": p.model_id, "release_date": _d(p.release_date), "estimate_minutes": _n(p.estimate)}
            for p in r.selection.above_ceiling
        ],
        "alternative_intervals": [
            {"method": a.method, "ci_low": _n(a.low), "ci_high": _n(a.high)} for a in r.alternative_intervals
        ],
        "publisher": list(run.publisher),
        "forms": forms,
        "break_test": None if r.break_test is None else {
            "statistic": _n(r.break_test.statistic),
            "p_value": _n(r.break_test.p_value),
            "replicates": r.break_test.n_replicates,
            "method": r.break_test.method,
        },
        "favoured": {"aic": r.favoured("aic"), "bic": r.favoured("bic"), "backtest_rmse": r.favoured("backtest")},
        "backtest_method": BACKTEST_METHOD,
        "backtest_caveat": "points are the estimates as published in this snapshot, not as known at each cut-off",
    }


def forecast_document(run: ForecastRun) -> dict:
    return {
        "fit_id": run.fit_id,
        "as_of": run.as_of.isoformat(),
        "trend_fit_ids": {str(t.result.spec.level): t.fit_id for t in run.trends},
        "trends": [
            {"level": t.result.spec.level, "fit_id": t.fit_id,
             "doubling_days": _n(t.result.exponential.doubling_days),
             "doubling_note": t.result.exponential.note,
             "ci_low": _n(t.result.exponential.ci_low), "ci_high": _n(t.result.exponential.ci_high),
             "interval_method": t.result.exponential.interval_method,
             "n_models": len(t.result.used)}
            for t in run.trends
        ],
        "ceiling_minutes": run.trends[0].result.spec.ceiling_minutes,
        "forms_without_forecasts": [
            {"level": t.result.spec.level, "form": f.form, "reason": f.note}
            for t in run.trends for f in t.result.forms if f.fit is None or f.draws is None or not f.status.ok
        ],
        "forecasts": [
            {
                "threshold": f.threshold, "label": f.label, "form": f.form, "level": f.level,
                "hours": f.hours, "date": _d(f.date_point), "date_median": _d(f.date_median),
                "lo80": _d(f.lo80), "hi80": _d(f.hi80), "lo95": _d(f.lo95), "hi95": _d(f.hi95),
                "beyond_ceiling": f.beyond_ceiling, "reached_by_as_of": f.reached_by_as_of,
                "replicates": f.n_replicates, "replicates_never_reaching": f.n_never,
                "interval_method": f.interval_method, "source": f.source,
            }
            for f in run.forecasts
        ],
    }
