"""The store as an SQL user meets it: every table and view says what it holds, the views agree
with the Python rules they mirror, and the CHECK constraints hold without losing stored rows."""

from __future__ import annotations

import json

import duckdb
import pytest

from horizon import store
from horizon.ingest import ingest
from horizon.store import connect, migrations
from horizon.trend.canonical import canonical_trend_fit_ids
from horizon.trend.frontier import select_points
from horizon.trend.store import load_published_points
from tests.conftest import METR, VINTAGE, VINTAGES, copy_of_updated


def test_every_table_and_view_has_a_comment(con):
    missing = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT internal"
        " AND coalesce(trim(comment), '') = ''"
        " UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal"
        " AND coalesce(trim(comment), '') = '' ORDER BY 1").fetchall()
    assert missing == []


@pytest.mark.parametrize("path", [METR / "benchmark_results_1_0.yaml", *VINTAGES], ids=lambda p: p.name)
def test_the_frontier_view_and_the_python_frontier_rule_pick_the_same_models_at_each_level(path, con, config):
    snapshot_id = ingest(con, config, [str(path)])[0].snapshot_id
    for level in (50, 80):
        rows = select_points(load_published_points(con, snapshot_id, level), None, None, None).rows
        python = {r.point.model_id for r in rows if r.on_frontier}
        sql = {r[0] for r in con.execute("SELECT model_id FROM frontier_models WHERE level = ?", [level]).fetchall()}
        assert sql == python and len(sql) >= 5, level


def test_newest_horizons_are_the_newest_publications_rows(con, config):
    ingest(con, config, [str(p) for p in VINTAGES])
    newest = con.execute("SELECT snapshot_id FROM headline_snapshots WHERE newest_rank = 1").fetchone()[0]
    rows = con.execute("SELECT DISTINCT snapshot_id, version_date FROM newest_horizons").fetchall()
    assert [(s, d.isoformat()) for s, d in rows] == [(newest, max(VINTAGE))]
    assert con.execute("SELECT count(*) FROM newest_horizons").fetchone()[0] == con.execute(
        "SELECT count(*) FROM published_horizons WHERE snapshot_id = ?", [newest]).fetchone()[0]


def canonical_in_sql(con) -> dict[tuple[int, str], int]:
    return {(level, kind): fit_id for level, kind, fit_id in con.execute(
        "SELECT DISTINCT level, source_kind, fit_id FROM current_doubling_times").fetchall()}


def test_current_doubling_times_are_the_canonical_trends_and_not_an_exploratory_one(updated, tmp_path):
    con = connect(copy_of_updated(updated, tmp_path))
    try:
        canonical = canonical_trend_fit_ids(con)
        assert canonical_in_sql(con) == canonical and len(canonical) == 4
        # An exploratory trend stored later (another window) is newer but not canonical.
        fit_id = canonical[(50, "published")]
        params = json.loads(con.execute("SELECT CAST(params AS VARCHAR) FROM fits WHERE fit_id = ?", [fit_id]).fetchone()[0])
        params["window_from"] = "2025-01-01"
        newer = con.execute(
            "INSERT INTO fits (kind, created_at, code_version, params, seed, input_snapshots)"
            " SELECT kind, created_at, code_version, ?, seed, input_snapshots FROM fits WHERE fit_id = ? RETURNING fit_id",
            [json.dumps(params, sort_keys=True), fit_id]).fetchone()[0]
        con.execute("INSERT INTO trend_fits SELECT * REPLACE (? AS fit_id, DATE '2025-01-01' AS window_from)"
                    " FROM trend_fits WHERE fit_id = ?", [newer, fit_id])
        assert canonical_trend_fit_ids(con) == canonical_in_sql(con) == canonical
        days = con.execute("SELECT doubling_days FROM current_doubling_times WHERE level = 50"
                           " AND source_kind = 'published' AND form = 'exponential'").fetchone()[0]
        assert days == updated[2]["changes"]["doubling_after"]["days"]
    finally:
        con.close()


def test_the_constraints_refuse_a_horizon_that_is_not_positive_and_a_level_not_published(con):
    row = "INSERT INTO published_horizons (snapshot_id, source_model, model_id, level, estimate) VALUES (1, 'm', 'm', ?, ?)"
    with pytest.raises(duckdb.ConstraintException):
        con.execute(row, [50, -1.0])
    with pytest.raises(duckdb.ConstraintException):
        con.execute(row, [65, 10.0])
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO publisher_doubling_times (snapshot_id, window_name, point_estimate) VALUES (1, 'w', 0)")
    with pytest.raises(duckdb.ConstraintException):
        # Empty only: a CHECK may call no function (a store's write-ahead log replays it with
        # extensions off, and trim() lives in one); `snapshots retract` refuses blank reasons.
        con.execute("INSERT INTO snapshot_retractions VALUES (1, TIMESTAMP '2026-01-01', '')")
    con.execute(row, [80, 10.0])


def test_a_store_from_before_the_constraints_keeps_every_row_and_retraction(tmp_path, monkeypatch, config):
    everything = migrations()
    path = str(tmp_path / "old.duckdb")
    with monkeypatch.context() as patch:  # a store made by the horizon before this migration
        patch.setattr(store, "migrations", lambda: [m for m in everything if m.number < 14])
        con = connect(path)
        ingest(con, config, [str(METR / "benchmark_results_1_0.yaml"), *map(str, VINTAGES)])
        con.execute("INSERT INTO snapshot_retractions VALUES (2, TIMESTAMP '2026-03-01', 'superseded')")
        tables = ("published_horizons", "publisher_doubling_times", "snapshot_retractions")
        before = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
        con.close()
    con = connect(path)
    try:
        assert {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables} == before
        assert con.execute("SELECT count(*) FROM active_published_horizons WHERE snapshot_id = 2").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM headline_snapshots").fetchone()[0] == 1 + len(VINTAGES) - 1  # METR 1.0 and the 1.1 versions, less the one retracted
    finally:
        con.close()


def test_no_check_constraint_calls_a_function_the_write_ahead_log_could_not_replay():
    # A killed writer leaves a WAL that DuckDB replays on the next open, with extension
    # autoloading off (horizon never loads extensions): a CHECK calling trim() then fails to bind.
    import re

    from horizon.store import migrations

    checks = [(m.name, c) for m in migrations() for c in re.findall(r"CHECK\s*\(((?:[^()]|\([^()]*\))*)\)", m.sql)]
    assert checks
    assert [(name, c) for name, c in checks if re.search(r"[A-Za-z_]\w*\s*\(", c.replace("IN (", ""))] == []
