"""Reading trend inputs from the store and writing trend results to it."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from horizon.errors import NotFoundError
from horizon.numbers import finite_or_none
from horizon.store import insert_records, named_rows, records
from horizon.trend.analysis import TrendResult
from horizon.trend.forecast import Forecast
from horizon.trend.frontier import frontier_rule
from horizon.trend.points import Point
from horizon.trend.stored import latest_headline_snapshot


@dataclass(frozen=True)
class TrendSource:
    """Where a trend's points came from."""

    kind: str                       # published or runs
    snapshot_id: int | None         # headline snapshot (published)
    source_fit_id: int | None       # run-level fit (runs)
    input_snapshots: tuple[int, ...]
    label: str | None               # publisher label, e.g. METR-Horizon-v1.1


def _default_headline_snapshot(con) -> int:
    snapshot_id = latest_headline_snapshot(con)
    if snapshot_id is None:
        raise NotFoundError(
            "no published headline snapshot in the store: run `horizon update` or"
            " `horizon ingest` on a METR benchmark_results_1_1.yaml first"
        )
    return snapshot_id


def published_source(con, snapshot_id: int | None) -> TrendSource:
    if snapshot_id is None:
        snapshot_id = _default_headline_snapshot(con)
    row = con.execute(
        "SELECT publisher_label, (SELECT count(*) FROM active_published_horizons p WHERE p.snapshot_id = s.snapshot_id),"
        " retraction_reason FROM snapshot_status s WHERE snapshot_id = ?",
        [snapshot_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(f"snapshot {snapshot_id}: no such snapshot (see `horizon query snapshots`)")
    if row[2] is not None:
        raise NotFoundError(f"snapshot {snapshot_id}: retracted ({row[2]}); it no longer counts (see `horizon snapshots list`)")
    if row[1] == 0:
        raise NotFoundError(f"snapshot {snapshot_id}: has no published headline horizons to fit a trend to")
    return TrendSource("published", snapshot_id, None, (snapshot_id,), row[0])


def load_published_points(con, snapshot_id: int, level: int) -> list[Point]:
    return records(con, Point,
        # METR's plain is_sota is its 50% frontier flag: it says nothing about the 80% frontier,
        # so without is_sota_p80 the publisher's 80% flag is unknown (NULL), not the 50% one.
        "SELECT model_id, source_model, release_date, estimate, ci_low, ci_high, suite,"
        " CASE WHEN is_sota_level IS NOT NULL THEN is_sota_level WHEN level = 50 THEN is_sota END"
        " AS published_sota FROM active_published_horizons"
        " WHERE snapshot_id = ? AND level = ? ORDER BY source_model",
        [snapshot_id, level],
    )


def load_trend_points(con, fit_id: int) -> list[Point]:
    """The points a stored trend fit used."""
    return records(con, Point,
        "SELECT model_id, source_model, release_date, estimate, ci_low, ci_high, suite, published_sota"
        " FROM trend_points WHERE fit_id = ? AND used ORDER BY release_date, model_id",
        [fit_id],
    )


def runs_source(con, fit_id: int | None) -> TrendSource:
    """A run-level fit (kind run_horizons): the given one or the newest."""
    if fit_id is None:
        row = con.execute(
            "SELECT max(fit_id) FROM fits WHERE kind = 'run_horizons'"
            " AND fit_id IN (SELECT fit_id FROM fit_horizons)"
        ).fetchone()
        if row is None or row[0] is None:
            raise NotFoundError("no run-level fit in the store: run `horizon fit` first")
        fit_id = int(row[0])
    row = con.execute("SELECT input_snapshots FROM fits WHERE fit_id = ?", [fit_id]).fetchone()
    if row is None or not con.execute("SELECT count(*) FROM fit_horizons WHERE fit_id = ?", [fit_id]).fetchone()[0]:
        raise NotFoundError(f"fit {fit_id}: no per-model horizons stored for it (list run-level fits with `horizon query run_horizons`, or make one with `horizon fit`)")
    snaps = tuple(sorted(int(s) for s in json.loads(row[0])))
    return TrendSource("runs", None, fit_id, snaps, "run-level fit")


def load_run_points(con, fit_id: int, level: int) -> tuple[list[Point], dict[str, np.ndarray]]:
    """Point estimates and bootstrap replicates of a run-level fit at ``level``."""
    rows = named_rows(
        con,
        # release_date_missing: the run fit placed the agent anyway; a trend cannot.
        "SELECT model_id, source_model, CASE WHEN release_date_missing THEN NULL ELSE release_date END"
        " AS release_date, estimate, ci_low, ci_high FROM fit_horizons"
        " WHERE fit_id = ? AND level = ? ORDER BY source_model",
        [fit_id, level],
    )
    points = [Point(**r) for r in rows]
    reps: dict[str, np.ndarray] = {}
    data = named_rows(
        con,
        "SELECT source_model, replicate, horizon_minutes FROM fit_replicates"
        " WHERE fit_id = ? AND level = ? ORDER BY source_model, replicate",
        [fit_id, level],
    )
    if data:
        n = max(r["replicate"] for r in data) + 1
        for r in data:
            reps.setdefault(r["source_model"], np.full(n, np.nan))[r["replicate"]] = (
                np.nan if r["horizon_minutes"] is None else r["horizon_minutes"]
            )
    return points, reps


# --- writing ---------------------------------------------------------------------------------


def _params(f) -> dict:
    if f.fit is None:
        return {"skipped": f.note}
    return {k: finite_or_none(v) for k, v in f.fit.named_params().items()}


def _backtest_columns(bt) -> dict:
    if bt is None:
        return dict.fromkeys(("bt_n_cutoffs", "bt_n_predictions", "bt_mae_log", "bt_median_abs_log", "bt_rmse_log",
                              "bt_bias_log", "bt_n_infinite", "bt_cov80", "bt_cov95"))
    return {
        "bt_n_cutoffs": bt.n_cutoffs,
        "bt_n_predictions": bt.n_predictions,
        "bt_mae_log": finite_or_none(bt.mean_abs_log_error),
        "bt_median_abs_log": finite_or_none(bt.median_abs_log_error),
        "bt_rmse_log": finite_or_none(bt.rmse_log),
        "bt_bias_log": finite_or_none(bt.mean_log_error),
        "bt_n_infinite": bt.n_infinite,
        "bt_cov80": finite_or_none(bt.coverage80),
        "bt_cov95": finite_or_none(bt.coverage95),
    }


def publisher_claims(con, snapshot_id: int) -> list[dict]:
    """The publisher's own doubling times stated in a headline snapshot."""
    return named_rows(
        con,
        "SELECT window_name AS window, point_estimate AS doubling_days, ci_low, ci_high"
        " FROM publisher_doubling_times WHERE snapshot_id = ? ORDER BY window_name",
        [snapshot_id],
    )


def save_trend(con, fit_id: int, result: TrendResult, source: TrendSource, warnings=(), checks=()) -> None:
    spec = result.spec
    used = result.used
    days = [p.release_date for p in used if p.release_date is not None]   # every used point has one
    common = {
        "fit_id": fit_id,
        "level": spec.level,
        "source_kind": source.kind,
        "snapshot_id": source.snapshot_id,
        "source_fit_id": source.source_fit_id,
        "window_from": spec.window_from,
        "window_to": spec.window_to,
        "ceiling_minutes": spec.ceiling_minutes,
        "frontier_rule": frontier_rule(spec.points),
        "points": spec.points,
        "first_release": min(days),
        "last_release": max(days),
        "n_models": len(used),
        "models": json.dumps([p.model_id for p in used]),
    }
    bt = result.break_test
    insert_records(con, "trend_fits", [
        common | {
            "form": f.form,
            "doubling_days": finite_or_none(f.doubling_days),
            "doubling_months": finite_or_none(f.doubling_months),
            "ci_low": finite_or_none(f.ci_low),
            "ci_high": finite_or_none(f.ci_high),
            "ci80_low": finite_or_none(f.ci80_low),
            "ci80_high": finite_or_none(f.ci80_high),
            "ci_level": f.ci_level,
            "interval_method": f.interval_method,
            "interval_text": f.interval_text,
            "n_replicates": f.n_replicates,
            "status": f.status.code,
            "r2": finite_or_none(f.r2),
            "sse": None if f.fit is None else f.fit.sse,
            "aic": finite_or_none(f.aic),
            "bic": finite_or_none(f.bic),
            "params": json.dumps(_params(f), sort_keys=True),
            "break_date": f.break_date,
            "p_value": finite_or_none(bt.p_value) if (f.break_date and bt) else None,
            # The break test in words: its result (edge of the grid, resting on one model) and method.
            "break_test": f"{bt.summary()} Method: {bt.method}." if (f.break_date and bt) else None,
            "identified": f.identified,
            "note": f.note,
        } | _backtest_columns(f.backtest)
        for f in result.forms
    ])
    insert_records(con, "trend_warnings", [{"fit_id": fit_id, "code": w.code, "text": w.text} for w in warnings])
    if bt is not None:
        top = bt.most_influential
        insert_records(con, "trend_break_tests", [{
            "fit_id": fit_id, "level": spec.level, "statistic": bt.statistic, "p_value": bt.p_value,
            "p_value_wild": bt.p_value_wild, "n_replicates": bt.n_replicates, "break_date": bt.break_date,
            "grid_first": bt.grid_first, "grid_last": bt.grid_last, "at_grid_edge": bt.at_grid_edge,
            "leave_one_out": json.dumps([{"model_id": m, "p_value": p} for m, p in bt.leave_one_out]),
            "most_influential_model": None if top is None else top[0],
            "p_value_without_it": None if top is None else top[1],
            "rests_on_one_model": bt.rests_on_one_model, "summary": bt.summary(), "method": bt.method,
        }])
    insert_records(con, "trend_publisher_checks", [
        {
            "fit_id": fit_id, "window_name": c.window, "published": c.published,
            "published_ci_low": c.published_ci_low, "published_ci_high": c.published_ci_high,
            "ours": finite_or_none(c.ours), "ours_ci_low": finite_or_none(c.ours_ci_low),
            "ours_ci_high": finite_or_none(c.ours_ci_high), "gap_days": finite_or_none(c.gap_days),
            "flagged": c.flagged, "cause": c.cause,
        }
        for c in checks
    ])
    insert_records(con, "trend_points", [
        {
            "fit_id": fit_id, "level": spec.level, "source_model": r.point.source_model,
            "model_id": r.point.model_id, "release_date": r.point.release_date,
            "estimate": finite_or_none(r.point.estimate), "ci_low": finite_or_none(r.point.ci_low),
            "ci_high": finite_or_none(r.point.ci_high), "suite": r.point.suite,
            "published_sota": r.point.published_sota, "on_frontier": r.on_frontier, "used": r.used,
            "excluded_reason": r.excluded_reason,
        }
        for r in result.selection.rows
    ])
    insert_records(con, "trend_backtests", [
        {
            "fit_id": fit_id, "form": p.form, "cutoff_date": p.cutoff, "n_train": p.n_train,
            "model_id": p.model_id, "release_date": p.release_date, "observed_log": p.observed,
            "predicted_log": finite_or_none(p.predicted), "lo80": finite_or_none(p.lo80),
            "hi80": finite_or_none(p.hi80), "lo95": finite_or_none(p.lo95), "hi95": finite_or_none(p.hi95),
        }
        for p in result.predictions
    ])


def save_coverage(con, fit_id: int, rows) -> None:
    insert_records(con, "interval_coverage", [
        {"fit_id": fit_id, "scenario": r.scenario, "method": r.method, "n_points": r.n_points, "level": r.level,
         "coverage": r.coverage, "n_datasets": r.n_datasets, "chosen": r.chosen}
        for r in rows
    ])


def save_forecasts(con, fit_id: int, trend_fit_ids: dict[int, int], forecasts: list[Forecast]) -> None:
    insert_records(con, "forecasts", [
        {
            "fit_id": fit_id, "trend_fit_id": trend_fit_ids[f.level], "threshold": f.threshold,
            "label": f.label, "form": f.form, "hours": f.hours, "level": f.level, "as_of": f.as_of,
            "date_point": f.date_point, "date_median": f.date_median, "lo80": f.lo80, "hi80": f.hi80,
            "lo95": f.lo95, "hi95": f.hi95, "beyond_ceiling": f.beyond_ceiling,
            "reached_by_as_of": f.reached_by_as_of, "n_replicates": f.n_replicates, "n_never": f.n_never,
            "interval_method": f.interval_method, "source": f.source,
        }
        for f in forecasts
    ])
    insert_records(con, "forecast_reach", [
        {
            "fit_id": fit_id, "threshold": f.threshold, "form": f.form, "date_median": f.reach_median,
            "lo80": f.reach_lo80, "hi80": f.reach_hi80, "lo95": f.reach_lo95, "hi95": f.reach_hi95,
            "interval_method": f.reach_interval_method,
        }
        for f in forecasts
    ])
