"""The trend library surface: fit, store and forecast trends from what is in the store.

Used by the `trend`, `forecast` and `cite` commands, by `horizon update` and by the report:

    run_trend(con, config, spec, snapshot_id=None, run_fit_id=None, from_runs=False) -> TrendRun
    run_forecast(con, config, as_of, thresholds, spec, ...) -> ForecastRun
    run_default_trends(con, config, as_of=None, thresholds=None) -> DefaultTrends

Source of the points: by default the newest published headline snapshot (see
``horizon.trend.stored.latest_headline_snapshot``); ``snapshot_id`` picks another one;
``run_fit_id`` / ``from_runs`` use a run-level fit (fit_horizons, with intervals from its
bootstrap replicates in fit_replicates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import duckdb

from horizon.config import Config
from horizon.errors import HorizonError, NotFoundError
from horizon.numbers import finite_or_none
from horizon.provenance import identical_fit, record_fit
from horizon.store import scalar, transaction
from horizon.trend import status
from horizon.trend import store as tstore
from horizon.trend.analysis import TrendResult, TrendSpec, analyse
from horizon.trend.backtest import BACKTEST_METHOD
from horizon.trend.canonical import fit_params
from horizon.trend.forecast import LINE_EXPLAINED, LINE_LABEL, REACH_EXPLAINED, REACH_LABEL, Forecast, Forecaster
from horizon.trend.frontier import frontier_rule
from horizon.trend.publisher import PublisherCheck, check_claims
from horizon.trend.status import Status
from horizon.trend.thresholds import Threshold, load_thresholds


@dataclass(frozen=True)
class TrendRun:
    fit_id: int
    source: tstore.TrendSource
    result: TrendResult
    publisher: tuple[PublisherCheck, ...]   # the publisher's own doubling times in the same snapshot, checked
    reused: bool = False                    # an identical fit was stored already; nothing was written

    @property
    def warnings(self) -> tuple[Status, ...]:
        """The trend's own warnings, and any gap from the publisher's figure."""
        gaps = tuple(Status(status.PUBLISHER_GAP, c.text()) for c in self.publisher if c.flagged)
        return self.result.warnings + gaps


@dataclass(frozen=True)
class ForecastRun:
    fit_id: int
    as_of: date
    trends: tuple[TrendRun, ...]   # one per success level the thresholds need
    forecasts: tuple[Forecast, ...]
    reused: bool = False


@dataclass(frozen=True)
class DefaultTrends:
    published: ForecastRun
    runs: ForecastRun | None       # None when the store has no run-level fit


def _points(con, level, snapshot_id, run_fit_id, from_runs):
    if run_fit_id is not None or from_runs:
        source = tstore.runs_source(con, run_fit_id)
        assert source.source_fit_id is not None  # a run-level source is one fit
        points, reps = tstore.load_run_points(con, source.source_fit_id, level)
        if not points:
            raise NotFoundError(f"run-level fit {source.source_fit_id} has no horizons at {level}%:"
                                f" fit that level first (`horizon fit --level {level}`)")
        return source, points, (reps or None)
    source = tstore.published_source(con, snapshot_id)
    assert source.snapshot_id is not None  # a published source is one snapshot
    points = tstore.load_published_points(con, source.snapshot_id, level)
    if not points:
        have = [r[0] for r in con.execute("SELECT DISTINCT level FROM active_published_horizons WHERE snapshot_id = ?"
                                          " ORDER BY 1", [source.snapshot_id]).fetchall()]
        raise NotFoundError(f"snapshot {source.snapshot_id} publishes horizons at {' and '.join(f'{v}%' for v in have)}"
                            f" only, not at {level}% (a run-level fit can give any level: --run-fit ID)")
    return source, points, None


def _publisher_checks(con, source, points, level) -> tuple[PublisherCheck, ...]:
    """The publisher's doubling times stated in the source snapshot (of its 50% horizons), each
    refitted on the snapshot's rows; printed beside 50% trends only."""
    if source.snapshot_id is None or level != 50:
        return ()
    claims = tstore.publisher_claims(con, source.snapshot_id)
    return check_claims(points, claims, source.label) if claims else ()


def run_trend(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    spec: TrendSpec = TrendSpec(),
    snapshot_id: int | None = None,
    run_fit_id: int | None = None,
    from_runs: bool = False,
) -> TrendRun:
    """Fit every form and store it as a fit run of kind 'trend', unless an identical fit is
    stored already (same options, inputs, seed and horizon version, and the same models used:
    a re-mapped models.toml can change which spellings count as one model); then that fit is
    returned with ``reused`` set, and nothing is written."""
    source, points, reps = _points(con, spec.level, snapshot_id, run_fit_id, from_runs)
    result = analyse(points, spec, reps)
    checks = _publisher_checks(con, source, points, spec.level)
    params = fit_params(spec, source)
    same = identical_fit(con, "trend", params, source.input_snapshots, seed=spec.seed)
    if same is not None and _used_models(con, same) == sorted(p.source_model for p in result.used):
        return TrendRun(same, source, result, checks, reused=True)
    with transaction(con):
        fit_id = record_fit(con, "trend", params, list(source.input_snapshots), config.now, seed=spec.seed)
        run = TrendRun(fit_id, source, result, checks)
        tstore.save_trend(con, fit_id, result, source, run.warnings, checks)
    return run


def _used_models(con, fit_id: int) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT source_model FROM trend_points WHERE fit_id = ? AND used ORDER BY source_model", [fit_id]).fetchall()]


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
    forecasters = {lv: _forecasters(run.result, spec.seed) for lv, run in by_level.items()}
    forecasts = []
    for th in thresholds:
        for forecaster in forecasters[th.level]:
            forecasts.append(forecaster.forecast(th, as_of, spec.ceiling_minutes))
    params = {
        "as_of": as_of.isoformat(),
        "thresholds": [t.name for t in thresholds],
        "trend_fit_ids": {str(t.result.spec.level): t.fit_id for t in trends},
    }
    snaps = sorted({s for t in trends for s in t.source.input_snapshots})
    same = identical_fit(con, "forecast", params, snaps, seed=spec.seed)
    if same is not None:   # the same trends (reused) and the same thresholds and date: the same rows
        return ForecastRun(same, as_of, tuple(trends), tuple(forecasts), reused=True)
    with transaction(con):
        fit_id = record_fit(con, "forecast", params, snaps, config.now, seed=spec.seed)
        tstore.save_forecasts(con, fit_id, {lv: by_level[lv].fit_id for lv in levels}, forecasts)
    return ForecastRun(fit_id, as_of, tuple(trends), tuple(forecasts))


def _forecasts_possible(f) -> bool:
    """A form forecasts when its fit stands and it has an interval: not fitted, not identified
    (its forecast would be the exponential's, with an interval describing only the bound), not
    growing, or without replicates, and forecast_document says why instead."""
    return f.fit is not None and f.status.ok and (f.draws is not None or f.form == "exponential")


def _forecasters(result: TrendResult, seed: int) -> list[Forecaster]:
    import numpy as np

    x = np.array([p.x for p in result.used])
    y = np.log(np.array([p.estimate for p in result.used], dtype=float))
    return [Forecaster(f.fit, f.draws, f.interval_method, x, y, seed) for f in result.forms
            if f.fit is not None and f.interval_method is not None and _forecasts_possible(f)]


def run_coverage_study(con: duckdb.DuckDBPyConnection, config: Config, trend_fit_id: int) -> int:
    """Store the interval coverage study for the design of a stored trend (its points, its
    residual scatter), once per trend fit; returns the study's fit id."""
    import json

    from horizon.trend import calibration

    found = scalar(
        con,
        "SELECT max(fit_id) FROM fits WHERE kind = 'coverage_study'"
        " AND CAST(json_extract(params, '$.trend_fit_id') AS INTEGER) = ?",
        [trend_fit_id],
    )
    if found is not None:
        return int(found)
    points = tstore.load_trend_points(con, trend_fit_id)
    design = calibration.design_from_points(points)
    options: dict[str, Any] = {"n_datasets": 4000, "n_boot": 499, "seed": 0}
    rows = calibration.coverage_study(design, **options)
    params = options | {
        "trend_fit_id": trend_fit_id, "sizes": list(calibration.SIZES), "methods": list(calibration.METHODS),
        "scenarios": list(calibration.SCENARIOS), "true_slope": design.slope, "residual_sd": design.sigma,
        "release_days": [float(v) for v in design.x],
    }
    snaps = json.loads(scalar(con, "SELECT input_snapshots FROM fits WHERE fit_id = ?", [trend_fit_id]))
    with transaction(con):
        fit_id = record_fit(con, "coverage_study", params, snaps, config.now, seed=options["seed"])
        tstore.save_coverage(con, fit_id, rows)
    return fit_id


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


def _status(st: Status) -> dict:
    return {"code": st.code, "text": st.text}


def _backtest(bt) -> dict | None:
    if bt is None:
        return None
    return {
        "cutoffs": bt.n_cutoffs,
        "predictions": bt.n_predictions,
        "mean_abs_log_error": _n(bt.mean_abs_log_error),
        "median_abs_log_error": _n(bt.median_abs_log_error),
        "rmse_log": _n(bt.rmse_log),
        "bias_log": _n(bt.mean_log_error),
        "infinite_predictions": bt.n_infinite,
        "coverage80": _n(bt.coverage80),
        "coverage95": _n(bt.coverage95),
    }


def _form(f, r: TrendResult) -> dict:
    return {
        "form": f.form,
        "status": f.status.code,
        "status_text": f.status.text,
        "fitted": f.fit is not None,
        "identified": f.identified,
        "note": f.note,
        "doubling_days": _n(f.doubling_days),
        "doubling_days_meaning": "constant" if f.form == "exponential" else "instantaneous at last_release",
        "ci_low": _n(f.ci_low),
        "ci_high": _n(f.ci_high),
        "ci80_low": _n(f.ci80_low),
        "ci80_high": _n(f.ci80_high),
        "interval_method": f.interval_method,
        "aic": _n(f.aic),
        "bic": _n(f.bic),
        "params": None if f.fit is None else {k: _n(v, 9) for k, v in f.fit.named_params().items()},
        "break_date": _d(f.break_date),
        "break_p_value": _n(r.break_test.p_value) if (f.break_date and r.break_test) else None,
        "detail": None if f.fit is None or not f.status.ok else f.fit.shape.detail(f.fit),
        "backtest": _backtest(f.backtest),
    }


def _break_test(bt) -> dict | None:
    if bt is None:
        return None
    top = bt.most_influential
    return {
        "statistic": _n(bt.statistic),
        "p_value": _n(bt.p_value),
        "p_value_wild": _n(bt.p_value_wild),
        "replicates": bt.n_replicates,
        "break_date": _d(bt.break_date),
        "grid_first": _d(bt.grid_first),
        "grid_last": _d(bt.grid_last),
        "at_grid_edge": bt.at_grid_edge,
        "leave_one_out": [{"model_id": m, "p_value": _n(p)} for m, p in bt.leave_one_out],
        "most_influential_model": None if top is None else top[0],
        "p_value_without_it": None if top is None else _n(top[1]),
        "rests_on_one_model": bt.rests_on_one_model,
        "summary": bt.summary(),
        "method": bt.method,
    }


def _publisher(c: PublisherCheck) -> dict:
    return {
        "window": c.window, "doubling_days": c.published, "ci_low": c.published_ci_low, "ci_high": c.published_ci_high,
        "ours": _n(c.ours), "ours_ci_low": _n(c.ours_ci_low), "ours_ci_high": _n(c.ours_ci_high),
        "gap_days": _n(c.gap_days), "flagged": c.flagged, "cause": c.cause, "text": c.text(),
    }


def trend_document(run: TrendRun) -> dict:
    r = run.result
    spec = r.spec
    exp = r.exponential
    used = r.used
    favoured = r.favoured_by()
    return {
        "fit_id": run.fit_id,
        "reused": run.reused,
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
        "points": spec.points,
        "frontier_rule": frontier_rule(spec.points),
        "form": "exponential",
        "status": exp.status.code,
        "doubling_days": _n(exp.doubling_days),
        "doubling_months": _n(exp.doubling_months),
        "doubling_note": exp.note,
        "ci_low": _n(exp.ci_low),
        "ci_high": _n(exp.ci_high),
        "ci_level": exp.ci_level,
        "ci80_low": _n(exp.ci80_low),
        "ci80_high": _n(exp.ci80_high),
        "interval_method": exp.interval_method,
        "interval_text": exp.interval_text,
        "r2": _n(exp.r2),
        "n_models": len(used),
        "fragile": any(w.code == status.FRAGILE for w in run.warnings),
        "warnings": [_status(w) for w in run.warnings],
        "models": [
            {"model_id": p.model_id, "source_model": p.source_model, "release_date": _d(p.release_date),
             "estimate_minutes": _n(p.estimate), "on_frontier": row.on_frontier}
            for row in r.selection.rows if row.used for p in (row.point,)
        ],
        "excluded_above_ceiling": [
            {"model_id": p.model_id, "release_date": _d(p.release_date), "estimate_minutes": _n(p.estimate)}
            for p in r.selection.above_ceiling
        ],
        "alternative_intervals": [
            {"method": a.method, "ci_low": _n(a.low95), "ci_high": _n(a.high95), "ci80_low": _n(a.low80),
             "ci80_high": _n(a.high80)}
            for a in r.alternative_intervals
        ],
        "publisher": [_publisher(c) for c in run.publisher],
        "forms": [_form(f, r) for f in r.forms],
        "break_test": _break_test(r.break_test),
        "favoured": {"aic": favoured.get("aic"), "bic": favoured.get("bic"),
                     "backtest_rmse": favoured.get("backtest")},
        "backtest_method": BACKTEST_METHOD,
        "backtest_caveat": "points are the estimates as published in this snapshot, not as known at each cut-off",
    }


def forecast_document(run: ForecastRun) -> dict:
    return {
        "fit_id": run.fit_id,
        "reused": run.reused,
        "as_of": run.as_of.isoformat(),
        "trend_fit_ids": {str(t.result.spec.level): t.fit_id for t in run.trends},
        "trends": [
            {"level": t.result.spec.level, "fit_id": t.fit_id,
             "doubling_days": _n(t.result.exponential.doubling_days),
             "doubling_note": t.result.exponential.note,
             "ci_low": _n(t.result.exponential.ci_low), "ci_high": _n(t.result.exponential.ci_high),
             "interval_method": t.result.exponential.interval_method,
             "n_models": len(t.result.used),
             "warnings": [_status(w) for w in t.result.warnings]}
            for t in run.trends
        ],
        "ceiling_minutes": run.trends[0].result.spec.ceiling_minutes,
        "intervals": {
            "line": {"label": LINE_LABEL, "explained": LINE_EXPLAINED},
            "reach": {"label": REACH_LABEL, "explained": REACH_EXPLAINED},
        },
        "forms_without_forecasts": [
            {"level": t.result.spec.level, "form": f.form, "status": f.status.code,
             "reason": f.note or "no replicates to draw an interval from"}
            for t in run.trends for f in t.result.forms if not _forecasts_possible(f)
        ],
        "forecasts": [
            {
                "threshold": f.threshold, "label": f.label, "form": f.form, "level": f.level,
                "hours": f.hours, "date": _d(f.date_point), "date_median": _d(f.date_median),
                "line": {"lo80": _d(f.lo80), "hi80": _d(f.hi80), "lo95": _d(f.lo95), "hi95": _d(f.hi95),
                         "interval_method": f.interval_method},
                "reach": {"median": _d(f.reach_median), "lo80": _d(f.reach_lo80), "hi80": _d(f.reach_hi80),
                          "lo95": _d(f.reach_lo95), "hi95": _d(f.reach_hi95),
                          "interval_method": f.reach_interval_method},
                "lo80": _d(f.lo80), "hi80": _d(f.hi80), "lo95": _d(f.lo95), "hi95": _d(f.hi95),
                "beyond_ceiling": f.beyond_ceiling, "reached_by_as_of": f.reached_by_as_of,
                "replicates": f.n_replicates, "replicates_never_reaching": f.n_never,
                "interval_method": f.interval_method, "source": f.source,
            }
            for f in run.forecasts
        ],
    }
