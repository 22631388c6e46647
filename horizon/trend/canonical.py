"""The canonical trend: the one number the site, `horizon cite` and `horizon update` quote.

Canonical = fitted on the newest published headline version (``headline_snapshots``), at the
success level asked for (50% for the headline), with every option at its default (frontier
models from 2023-01-01, the suite's ceiling, the default interval method and seed). Exploratory
trends (`horizon trend --since 2025-01-01`, another snapshot, --points all) are stored too but
never become the headline: they are found by their own fit id (`horizon cite --fit ID`).
"""

from __future__ import annotations

import json

import duckdb

from horizon.errors import HorizonError, NotFoundError
from horizon.trend.analysis import TrendSpec
from horizon.trend.frontier import frontier_rule

SOURCE_KINDS = ("published", "runs")


def canonical_spec(level: int = 50) -> TrendSpec:
    return TrendSpec(level=level)


def fit_params(spec: TrendSpec, source) -> dict:
    """Everything recorded as a trend fit run's parameters (what makes two fits the same)."""
    return source_params(spec, source.kind, source.snapshot_id, source.source_fit_id)


def source_params(spec: TrendSpec, kind: str, snapshot_id: int | None = None, source_fit_id: int | None = None) -> dict:
    return spec.as_params() | {
        "source_kind": kind,
        "snapshot_id": snapshot_id,
        "source_fit_id": source_fit_id,
        "frontier_rule": frontier_rule(spec.points),
    }


def canonical_params(level: int, snapshot_id: int) -> dict:
    """The parameters a canonical trend fit on headline snapshot ``snapshot_id`` records."""
    return source_params(canonical_spec(level), "published", snapshot_id)


def _default_source(con, kind: str):
    from horizon.trend import store

    try:
        return store.published_source(con, None) if kind == "published" else store.runs_source(con, None)
    except NotFoundError:
        return None


def canonical_trend_fit_id(con: duckdb.DuckDBPyConnection, level: int = 50, kind: str = "published") -> int | None:
    """The newest stored trend fit that is canonical at ``level`` (``kind`` runs: the same
    options on the newest run-level fit), or None when none is stored. Reads only."""
    source = _default_source(con, kind)
    if source is None:
        return None
    # Compared as parsed JSON, as record_fit stored it (dates as text).
    wanted = json.loads(json.dumps(fit_params(canonical_spec(level), source), sort_keys=True, default=str))
    rows = con.execute(
        "SELECT f.fit_id, CAST(f.params AS VARCHAR) FROM fits f WHERE f.kind = 'trend'"
        " AND f.fit_id IN (SELECT fit_id FROM trend_fits WHERE level = ? AND source_kind = ?)"
        " ORDER BY f.fit_id DESC",
        [level, kind],
    ).fetchall()
    for fit_id, params in rows:
        if json.loads(params) == wanted:
            return int(fit_id)
    return None


def canonical_trend_fit_ids(con: duckdb.DuckDBPyConnection) -> dict[tuple[int, str], int]:
    """{(level, source kind): fit id} of every canonical trend stored (levels 50 and 80)."""
    out = {}
    for level in (50, 80):
        for kind in SOURCE_KINDS:
            fit_id = canonical_trend_fit_id(con, level, kind)
            if fit_id is not None:
                out[(level, kind)] = fit_id
    return out


def canonical_trend(con: duckdb.DuckDBPyConnection, config, level: int = 50) -> int:
    """The canonical trend's fit id at ``level``: the stored one, or fitted and stored now."""
    fit_id = canonical_trend_fit_id(con, level)
    if fit_id is not None:
        return fit_id
    from horizon.trend.api import run_trend

    return run_trend(con, config, canonical_spec(level)).fit_id


def require_canonical_trend_fit_id(con: duckdb.DuckDBPyConnection, level: int = 50) -> int:
    """As ``canonical_trend_fit_id``, or a one-line error saying how to make one."""
    fit_id = canonical_trend_fit_id(con, level)
    if fit_id is None:
        raise NotFoundError(
            f"no canonical {level}% trend stored (newest published version, default options): run"
            f" `horizon update`, or `horizon trend --level {level}` with no other options"
        )
    return fit_id


def shown_ceiling_minutes(con: duckdb.DuckDBPyConnection, level: int = 50) -> float:
    """The measurable ceiling of the trend the site shows: the one its canonical trend was
    fitted with, as stored; the suite's default when no trend is stored or it kept every point."""
    from horizon.trend.rules import DEFAULT_CEILING_MINUTES
    from horizon.trend.stored import trend_ceiling_minutes

    try:
        fit_id = canonical_trend_fit_id(con, level)
    except HorizonError:
        fit_id = None
    stored = None if fit_id is None else trend_ceiling_minutes(con, fit_id)
    return DEFAULT_CEILING_MINUTES if stored is None else stored
