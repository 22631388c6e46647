"""Reading trend inputs from the store and writing trend results to it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np

from horizon.errors import NotFoundError
from horizon.trend.analysis import TrendResult
from horizon.trend.forecast import Forecast
from horizon.trend.frontier import FRONTIER_RULE
from horizon.trend.points import Point

# The suite whose headline snapshots are the default trend source.
METR_HEADLINE_LABEL = "METR-Horizon-v1.1"


@dataclass(frozen=True)
class TrendSource:
    """Where a trend's points came from."""

    kind: str                       # published or runs
    snapshot_id: int | None         # headline snapshot (published)
    source_fit_id: int | None       # run-level fit (runs)
    input_snapshots: tuple[int, ...]
    label: str | None               # publisher label, e.g. METR-Horizon-v1.1


def latest_headline_snapshot(con: duckdb.DuckDBPyConnection, label: str = METR_HEADLINE_LABEL) -> int | None:
    """The headline snapshot trends use by default, or None when the store has none.

    Among snapshots labelled ``label`` that have published_horizons rows, the one with the
    newest publisher version date (the ``snapshot_versions`` view), so that ingesting an older
    vintage after a newer one does not change the headline; ties (the same version from two
    sources, e.g. our embedded CSV and METR's raw YAML) go to the higher snapshot_id.
    """
    row = con.execute(
        "SELECT snapshot_id FROM snapshot_versions WHERE publisher_label = ? AND has_headline"
        " ORDER BY version_date DESC, snapshot_id DESC LIMIT 1",
        [label],
    ).fetchone()
    return None if row is None else int(row[0])


def _default_headline_snapshot(con, label: str = METR_HEADLINE_LABEL) -> int:
    snapshot_id = latest_headline_snapshot(con, label)
    if snapshot_id is None:
        raise NotFoundError(
            f"no {label} headline snapshot in the store: run `horizon update` or"
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
    rows = con.execute(
        # METR's plain is_sota is its 50% frontier flag: it says nothing about the 80% frontier,
        # so without is_sota_p80 the publisher's 80% flag is unknown (NULL), not the 50% one.
        "SELECT model_id, source_model, release_date, estimate, ci_low, ci_high, suite,"
        " CASE WHEN is_sota_level IS NOT NULL THEN is_sota_level WHEN level = 50 THEN is_sota END"
        " FROM active_published_horizons"
        " WHERE snapshot_id = ? AND level = ? ORDER BY source_model",
        [snapshot_id, level],
    ).fetchall()
    return [Point(*r) for r in rows]


def _table_exists(con, name: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()[0])


def runs_source(con, fit_id: int | None) -> TrendSource:
    """A run-level fit (kind run_horizons): the given one or the newest."""
    if not _table_exists(con, "fit_horizons"):
        raise NotFoundError("this store has no run-level fits (table fit_horizons is missing)")
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
    rows = con.execute(
        # release_date_missing: the run fit placed the agent anyway; a trend cannot.
        "SELECT model_id, source_model, CASE WHEN release_date_missing THEN NULL ELSE release_date END,"
        " estimate, ci_low, ci_high FROM fit_horizons"
        " WHERE fit_id = ? AND level = ? ORDER BY source_model",
        [fit_id, level],
    ).fetchall()
    points = [Point(r[0], r[1], r[2], r[3], r[4], r[5], None, None) for r in rows]
    reps: dict[str, np.ndarray] = {}
    if _table_exists(con, "fit_replicates"):
        data = con.execute(
            "SELECT source_model, replicate, horizon_minutes FROM fit_replicates"
            " WHERE fit_id = ? AND level = ? ORDER BY source_model, replicate",
            [fit_id, level],
        ).fetchall()
        if data:
            n = max(r[1] for r in data) + 1
            for name in {r[0] for r in data}:
                reps[name] = np.full(n, np.nan)
            for name, i, h in data:
                reps[name][i] = np.nan if h is None else h
    return points, reps


# --- writing ---------------------------------------------------------------------------------


def _num(v):
    """DuckDB stores inf fine, but JSON and reports want None for 'no finite value'."""
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def _insert_rows(con, table: str, rows: list[list], chunk: int = 500) -> None:
    """Insert rows with one multi-row VALUES statement per chunk: DuckDB's executemany runs
    one statement per row, several times slower for the hundreds of backtest rows."""
    if not rows:
        return
    one = "(" + ", ".join(["?"] * len(rows[0])) + ")"
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        con.execute(f"INSERT INTO {table} VALUES " + ", ".join([one] * len(part)), [v for r in part for v in r])


def _params(f) -> dict:
    if f.fit is None:
        return {"skipped": f.skipped}
    return {k: _num(v) for k, v in f.fit.named_params().items()}


def save_trend(con, fit_id: int, result: TrendResult, source: TrendSource) -> None:
    spec = result.spec
    used = result.used
    models = json.dumps([p.model_id for p in used])
    first = min(p.release_date for p in used)
    last = max(p.release_date for p in used)
    form_rows = []
    for f in result.forms:
        bt = f.backtest
        form_rows.append(
            [
                fit_id, f.form, spec.level, source.kind, source.snapshot_id, source.source_fit_id,
                spec.window_from, spec.window_to, spec.ceiling_minutes, FRONTIER_RULE, first, last,
                len(used), models, _num(f.doubling_days), _num(f.doubling_months), _num(f.ci_low),
                _num(f.ci_high), f.ci_level, f.interval_method, f.interval_text, f.n_replicates,
                _num(f.r2), None if f.fit is None else f.fit.sse, _num(f.aic), _num(f.bic),
                json.dumps(_params(f), sort_keys=True),
                f.break_date, _num(f.p_value),
                result.break_test.method if (f.form == "piecewise" and result.break_test) else None,
                None if bt is None else bt.n_cutoffs, None if bt is None else bt.n_predictions,
                None if bt is None else _num(bt.mean_abs_log_error),
                None if bt is None else _num(bt.median_abs_log_error),
                None if bt is None else _num(bt.rmse_log), None if bt is None else _num(bt.mean_log_error),
                None if bt is None else bt.n_infinite,
                None if bt is None else _num(bt.coverage80), None if bt is None else _num(bt.coverage95),
                f.identified, f.note,   # migration 0005
            ]
        )
    _insert_rows(con, "trend_fits", form_rows)
    _insert_rows(
        con,
        "trend_points",
        [
            [fit_id, spec.level, r.point.source_model, r.point.model_id, r.point.release_date,
             _num(r.point.estimate), _num(r.point.ci_low), _num(r.point.ci_high), r.point.suite,
             r.point.published_sota, r.on_frontier, r.used, r.excluded_reason]
            for r in result.selection.rows
        ],
    )
    _insert_rows(
        con,
        "trend_backtests",
        [
            [fit_id, p.form, p.cutoff, p.n_train, p.model_id, p.release_date, p.observed,
             _num(p.predicted), _num(p.lo80), _num(p.hi80), _num(p.lo95), _num(p.hi95)]
            for p in result.predictions
        ],
    )


def save_forecasts(con, fit_id: int, trend_fit_ids: dict[int, int], forecasts: list[Forecast]) -> None:
    _insert_rows(
        con,
        "forecasts",
        [
            [fit_id, trend_fit_ids[f.level], f.threshold, f.label, f.form, f.hours, f.level, f.as_of,
             f.date_point, f.date_median, f.lo80, f.hi80, f.lo95, f.hi95, f.beyond_ceiling,
             f.reached_by_as_of, f.n_replicates, f.n_never, f.interval_method, f.source]
            for f in forecasts
        ],
    )


# --- reading stored results ------------------------------------------------------------------


@dataclass(frozen=True)
class StoredTrend:
    """The exponential row of a stored trend fit, with its provenance: what `cite` prints."""

    fit_id: int
    level: int
    source_kind: str
    snapshot_id: int | None
    source_fit_id: int | None
    window_from: date | None
    window_to: date | None
    ceiling_minutes: float | None
    frontier_rule: str
    first_release: date
    last_release: date
    n_models: int
    models: tuple[str, ...]
    doubling_days: float
    doubling_months: float
    ci_low: float | None
    ci_high: float | None
    ci_level: float
    interval_method: str
    interval_text: str
    r2: float
    code_version: str
    created_at: object
    snapshots: tuple[dict, ...]     # snapshot_id, origin, sha256, retrieved_at, publisher_label, retraction_reason
    note: str | None = None         # why doubling_days is missing (e.g. the horizon did not grow)


def latest_trend_fit_id(con, level: int | None = None) -> int | None:
    """The newest exponential trend fit at ``level``, preferring one fitted on published
    headline figures (the number people quote) over one fitted on a run-level fit."""
    sql = ("SELECT fit_id FROM trend_fits WHERE form = 'exponential'"
           + " AND fit_id NOT IN (SELECT fit_id FROM retracted_fits)"
           + (" AND level = ?" if level is not None else "")
           + " ORDER BY source_kind = 'published' DESC, fit_id DESC LIMIT 1")
    row = con.execute(sql, [level] if level is not None else []).fetchone()
    return None if row is None else int(row[0])


def load_stored_trend(con, fit_id: int) -> StoredTrend:
    row = con.execute(
        "SELECT t.fit_id, t.level, t.source_kind, t.snapshot_id, t.source_fit_id, t.window_from,"
        " t.window_to, t.ceiling_minutes, t.frontier_rule, t.first_release, t.last_release,"
        " t.n_models, t.models, t.doubling_days, t.doubling_months, t.ci_low, t.ci_high, t.ci_level,"
        " t.interval_method, t.interval_text, t.r2, f.code_version, f.created_at, f.input_snapshots, t.note"
        " FROM trend_fits t JOIN fits f USING (fit_id) WHERE t.fit_id = ? AND t.form = 'exponential'",
        [fit_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(f"fit {fit_id}: no stored trend fit with that id (run `horizon trend`)")
    snap_ids = sorted(int(s) for s in json.loads(row[23]))
    snaps = tuple(
        {"snapshot_id": s[0], "origin": s[1], "sha256": s[2], "retrieved_at": s[3], "publisher_label": s[4],
         "published_version": s[5], "retraction_reason": s[6]}
        for s in con.execute(
            # published_version: the version a row of our embedded copy says it comes from.
            "SELECT snapshot_id, origin, sha256, retrieved_at, publisher_label,"
            " (SELECT max(p.published_version) FROM published_horizons p WHERE p.snapshot_id = s.snapshot_id),"
            " retraction_reason FROM snapshot_status s"
            " WHERE snapshot_id IN (SELECT unnest(?::INTEGER[])) ORDER BY snapshot_id",
            [snap_ids],
        ).fetchall()
    )
    return StoredTrend(
        *row[:12], tuple(json.loads(row[12])), *row[13:23], snaps, row[24]
    )
