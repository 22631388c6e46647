"""What the store says about trends, as typed records: for `cite`, `horizon update` and the report.

Readers only (nothing here fits or writes), and light: duckdb and the standard library, so the
report and the command line can read trends without importing the statistics.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from horizon.errors import NotFoundError
from horizon.store import named_rows, records, scalar

# --- which headline snapshot is newest ---------------------------------------------------------


def headline_snapshot_ids(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Snapshots holding published headline horizons, newest first: the ``headline_snapshots``
    view's order (suite version with numbers compared as numbers, then the publisher's version
    date, then the later snapshot); ``horizon.trend.rules.newest_first_key`` is its Python twin."""
    return [int(r[0]) for r in con.execute("SELECT snapshot_id FROM headline_snapshots ORDER BY newest_rank").fetchall()]


def latest_headline_snapshot(con: duckdb.DuckDBPyConnection) -> int | None:
    """The newest published headline snapshot (what default trends, cite and the site use), or None."""
    row = con.execute("SELECT snapshot_id FROM headline_snapshots WHERE newest_rank = 1").fetchone()
    return None if row is None else int(row[0])


# --- a stored trend, as `cite` prints it --------------------------------------------------------


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
    points: str | None
    first_release: date
    last_release: date
    n_models: int
    models: tuple[str, ...]
    doubling_days: float | None
    doubling_months: float | None
    ci_low: float | None
    ci_high: float | None
    ci_level: float
    ci80_low: float | None
    ci80_high: float | None
    interval_method: str
    interval_text: str
    r2: float | None
    status: str | None
    note: str | None                # why doubling_days is missing (e.g. the horizon did not grow)
    code_version: str
    created_at: datetime
    snapshots: tuple[dict, ...]     # snapshot_id, origin, sha256, retrieved_at, publisher_label, published_version, retraction_reason
    warnings: tuple[dict, ...]      # code, text
    sources: tuple = ()             # horizon.citation.Source per input snapshot: whom a citation credits


def load_stored_trend(con: duckdb.DuckDBPyConnection, fit_id: int) -> StoredTrend:
    found = named_rows(
        con,
        "SELECT t.fit_id, t.level, t.source_kind, t.snapshot_id, t.source_fit_id, t.window_from,"
        " t.window_to, t.ceiling_minutes, t.frontier_rule, t.points, t.first_release, t.last_release,"
        " t.n_models, CAST(t.models AS VARCHAR) AS models, t.doubling_days, t.doubling_months, t.ci_low,"
        " t.ci_high, t.ci_level, t.ci80_low, t.ci80_high, t.interval_method, t.interval_text, t.r2, t.status,"
        " t.note, f.code_version, f.created_at, CAST(f.input_snapshots AS VARCHAR) AS input_snapshots"
        " FROM trend_fits t JOIN fits f USING (fit_id) WHERE t.fit_id = ? AND t.form = 'exponential'",
        [fit_id],
    )
    if not found:
        raise NotFoundError(f"fit {fit_id}: no stored trend fit with that id (list them with `horizon query doubling_times`)")
    row = found[0]
    snap_ids = sorted(int(s) for s in json.loads(row.pop("input_snapshots")))
    snaps = tuple(named_rows(
        con,
        # published_version: the version a row of our embedded copy says it comes from.
        "SELECT snapshot_id, origin, sha256, retrieved_at, publisher_label,"
        " (SELECT max(p.published_version) FROM published_horizons p WHERE p.snapshot_id = s.snapshot_id)"
        " AS published_version, retraction_reason FROM snapshot_status s"
        " WHERE snapshot_id IN (SELECT unnest(?::INTEGER[])) ORDER BY snapshot_id",
        [snap_ids],
    ))
    warnings = tuple(named_rows(con, "SELECT code, text FROM trend_warnings WHERE fit_id = ? ORDER BY code", [fit_id]))
    row["models"] = tuple(json.loads(row["models"]))
    from horizon.provenance import cited_sources

    return StoredTrend(**row, snapshots=snaps, warnings=warnings, sources=cited_sources(con, snap_ids))


# --- the measurable ceiling of what is shown -------------------------------------------------------


def trend_ceiling_minutes(con: duckdb.DuckDBPyConnection, fit_id: int) -> float | None:
    """The ceiling a stored trend fit was fitted with (None: no ceiling, every point kept)."""
    row = con.execute("SELECT any_value(ceiling_minutes) FROM trend_fits WHERE fit_id = ?", [fit_id]).fetchone()
    return None if row is None else row[0]


# --- the break test -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredBreakTest:
    fit_id: int
    level: int
    statistic: float
    p_value: float
    p_value_wild: float
    n_replicates: int
    break_date: date | None
    grid_first: date
    grid_last: date
    at_grid_edge: str | None
    leave_one_out: tuple[dict, ...]       # {model_id, p_value}
    most_influential_model: str | None
    p_value_without_it: float | None
    rests_on_one_model: bool | None
    summary: str
    method: str


def load_break_test(con: duckdb.DuckDBPyConnection, fit_id: int) -> StoredBreakTest | None:
    """The break test stored with trend fit ``fit_id``; its ``summary`` says in plain words
    whether the break rests on one model or sits at the edge of the dates the test allows."""
    found = named_rows(
        con,
        "SELECT fit_id, level, statistic, p_value, p_value_wild, n_replicates, break_date, grid_first, grid_last,"
        " at_grid_edge, CAST(leave_one_out AS VARCHAR) AS leave_one_out, most_influential_model, p_value_without_it,"
        " rests_on_one_model, summary, method FROM trend_break_tests WHERE fit_id = ?",
        [fit_id],
    )
    if not found:
        return None
    row = found[0]
    row["leave_one_out"] = tuple(json.loads(row["leave_one_out"] or "[]"))
    return StoredBreakTest(**row)


# --- the interval coverage study ---------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    """How often one interval method covered the true doubling time in simulated data sets."""

    scenario: str       # normal (the main study) or a robustness row
    method: str
    n_points: int
    level: float        # nominal
    coverage: float
    n_datasets: int
    chosen: bool        # the default headline method


def newest_coverage_study(con: duckdb.DuckDBPyConnection) -> int | None:
    """The fit id of the newest stored coverage study (ids come from one sequence), or None."""
    return scalar(con, "SELECT max(fit_id) FROM interval_coverage")


def interval_coverage(con: duckdb.DuckDBPyConnection, fit_id: int | None = None) -> tuple[CoverageRow, ...]:
    """A stored coverage study (method x points x level -> coverage), the newest by default;
    empty when none is stored. `horizon update` stores one for the canonical trend's design."""
    return tuple(records(con, CoverageRow,
        "SELECT scenario, method, n_points, level, coverage, n_datasets, chosen FROM interval_coverage"
        " WHERE fit_id = ?"
        " ORDER BY scenario = 'normal' DESC, scenario, chosen DESC, method, n_points DESC, level",
        [newest_coverage_study(con) if fit_id is None else fit_id],
    ))


# --- forecasts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredForecast:
    """When one form of a trend reaches one threshold: where the trend line crosses it
    (``line_*``, a confidence interval) and when a model is expected to reach it (``reach_*``,
    a prediction interval, wider), each with 80% and 95% bounds. None: never within any date
    (upper bounds) or no earliest date (lower bounds)."""

    fit_id: int                 # the forecast run
    trend_fit_id: int
    threshold: str
    label: str
    form: str
    level: int
    hours: float
    as_of: date
    date_point: date | None
    line_lo80: date | None
    line_hi80: date | None
    line_lo95: date | None
    line_hi95: date | None
    reach_lo80: date | None
    reach_hi80: date | None
    reach_lo95: date | None
    reach_hi95: date | None
    beyond_ceiling: bool
    reached_by_as_of: bool
    interval_method: str
    reach_interval_method: str | None
    source: str


def newest_forecast_run(con: duckdb.DuckDBPyConnection, trend_fit_id: int) -> int | None:
    """The forecast run that extrapolated trend fit ``trend_fit_id`` last, or None. The one
    home of this rule: the report, `horizon update` and ``forecasts`` below all ask here, so
    they never show different runs. Fit ids are handed out in order, so the highest is newest."""
    return scalar(con, "SELECT max(fit_id) FROM forecasts WHERE trend_fit_id = ?", [trend_fit_id])


def forecasts(con: duckdb.DuckDBPyConnection, trend_fit_id: int) -> tuple[StoredForecast, ...]:
    """The rows of ``newest_forecast_run`` for trend fit ``trend_fit_id``, both intervals.
    A run may extrapolate several trend fits (one per success level): only this one's rows."""
    run = newest_forecast_run(con, trend_fit_id)
    if run is None:
        return ()
    return tuple(records(con, StoredForecast,
        "SELECT f.fit_id, f.trend_fit_id, f.threshold, f.label, f.form, f.level, f.hours, f.as_of, f.date_point,"
        " f.lo80 AS line_lo80, f.hi80 AS line_hi80, f.lo95 AS line_lo95, f.hi95 AS line_hi95,"
        " r.lo80 AS reach_lo80, r.hi80 AS reach_hi80, r.lo95 AS reach_lo95, r.hi95 AS reach_hi95,"
        " f.beyond_ceiling, f.reached_by_as_of, f.interval_method, r.interval_method AS reach_interval_method, f.source"
        " FROM forecasts f LEFT JOIN forecast_reach r USING (fit_id, threshold, form)"
        " WHERE f.fit_id = ? AND f.trend_fit_id = ? ORDER BY f.hours, f.form, f.threshold",
        [run, trend_fit_id],
    ))
