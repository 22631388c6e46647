"""The command line: help with examples, README documents every command, --json contracts."""

from __future__ import annotations

import json
import os
import re

import pytest

from horizon.cli import cli, register_commands
from horizon.config import PROJECT_DIR
from tests.conftest import VINTAGES, copy_of_updated, run_cli

register_commands()
COMMANDS = sorted(cli.commands)
README = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name):
    result = run_cli(name, "--help")
    assert result.exit_code == 0
    assert re.search(r"Examples?:\n\s+horizon ", result.output), result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented_in_the_readme(name):
    assert f"horizon {name}" in README, f"README.md does not show `horizon {name}`"


def test_update_on_a_fresh_database_ingests_the_embedded_data_offline_then_changes_nothing(updated, tmp_path):
    root, env, doc = updated
    assert doc["network"].startswith("skipped (HORIZON_OFFLINE is set)")
    assert all(s["new"] for s in doc["snapshots"]) and len(doc["snapshots"]) >= 4
    assert doc["summary"]["latest_headline"]["top_model"] == "Claude Opus 4.6"
    db = copy_of_updated(updated, tmp_path)
    again = json.loads(run_cli("--db", db, "update", "--json", env=env | {"HORIZON_REPORTS": str(tmp_path)}).stdout)
    assert not any(s["new"] for s in again["snapshots"])
    assert again["summary"]["tables"] == doc["summary"]["tables"]
    assert doc["stages"]["fit"]["status"] == "fitted" and again["stages"]["fit"]["status"] == "unchanged"
    assert doc["stages"]["trend"]["citation"] == again["stages"]["trend"]["citation"]
    assert doc["stages"]["trend"]["citation"].startswith("The 50% time horizon of frontier AI agents doubled every 128.7 days")
    assert (root / "reports" / "site" / "index.html").is_file()


def test_update_without_network_says_so_in_one_line_and_uses_data(updated, tmp_path, monkeypatch):
    from horizon import update
    from horizon.errors import FetchError

    def refuse(url, *args):
        raise FetchError(f"{url}: cannot fetch (network unreachable)")

    monkeypatch.setattr(update, "fetch_url", refuse)
    # On an updated store: the network line comes first whatever the store holds.
    result = run_cli("--db", copy_of_updated(updated, tmp_path), "update",
                     env={"HORIZON_OFFLINE": "", "HORIZON_REPORTS": str(tmp_path / "reports")})
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first == ("network: offline (https://metr.org/assets/benchmark_results_1_1.yaml: cannot fetch"
                     " (network unreachable)): using the embedded data in data/")


@pytest.fixture
def loaded_db(tmp_path):
    db = str(tmp_path / "h.duckdb")
    assert run_cli("--db", db, "ingest", *map(str, VINTAGES)).exit_code == 0
    return db


def test_query_prints_one_json_document_with_columns_and_rows(loaded_db):
    result = run_cli("--db", loaded_db, "query", "doubling_claims", "--json")
    doc = json.loads(result.stdout)
    assert doc["query"] == "doubling_claims"
    assert [r["doubling_days"] for r in doc["rows"] if r["window_name"] == "from_2023_on"] == [130.801, 122.611, 128.744]


def test_query_writes_csv_and_parquet_that_read_back_the_same(loaded_db, tmp_path):
    import polars as pl

    csv_text = run_cli("--db", loaded_db, "query", "latest_horizons", "--format", "csv").stdout
    out = tmp_path / "x.parquet"
    assert run_cli("--db", loaded_db, "query", "latest_horizons", "--format", "parquet", "--out", str(out)).exit_code == 0
    from_csv = pl.read_csv(csv_text.encode())
    from_parquet = pl.read_parquet(out)
    assert from_csv["p50_minutes"].to_list() == from_parquet["p50_minutes"].to_list()
    assert len(from_csv) == 23


def test_unknown_query_name_lists_the_named_queries(loaded_db):
    result = run_cli("--db", loaded_db, "query", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith("horizon: ") and "no query named 'nope'; expected one of: " in result.stderr
    assert "latest_horizons" in result.stderr and "\n" not in result.stderr.rstrip("\n")


def test_raw_sql_errors_are_one_line_and_the_store_is_opened_read_only(loaded_db):
    result = run_cli("--db", loaded_db, "query", "DELETE FROM snapshots")
    assert result.exit_code == 1 and result.stderr.startswith("horizon: query SQL: ")
    count = json.loads(run_cli("--db", loaded_db, "query", "SELECT count(*) AS n FROM snapshots", "--json").stdout)
    assert count["rows"] == [{"n": len(VINTAGES)}]


def test_query_without_a_database_says_how_to_make_one(tmp_path):
    result = run_cli("--db", str(tmp_path / "none.duckdb"), "query", "snapshots")
    assert result.exit_code == 1
    assert result.stderr == (f"horizon: {tmp_path}/none.duckdb: no database yet; run `horizon update`"
                             " or `horizon ingest FILE` first\n")


def test_query_list_names_every_query_file_with_its_description():
    from horizon.config import load_config

    doc = json.loads(run_cli("query", "--list", "--json").stdout)
    names = {q["name"] for q in doc["queries"]}
    assert names == {p.stem for p in load_config(env={}).queries_dir.glob("*.sql")}
    assert all(q["description"] for q in doc["queries"])


def test_a_bad_source_date_epoch_is_a_one_line_error(tmp_path):
    result = run_cli("--db", str(tmp_path / "h.duckdb"), "models", env={"SOURCE_DATE_EPOCH": "soon"})
    assert result.exit_code == 1
    assert result.stderr == "horizon: SOURCE_DATE_EPOCH: expected whole seconds since 1970-01-01, got 'soon'\n"


def test_update_refits_what_was_ingested_since_and_ignores_older_versions(updated, tmp_path):
    from tests.conftest import METR

    _, env, first = updated
    env = env | {"HORIZON_REPORTS": str(tmp_path / "reports")}
    db = copy_of_updated(updated, tmp_path)
    # An older published version ingested later does not become the headline.
    assert run_cli("--db", db, "ingest", str(VINTAGES[0]), env=env).exit_code == 0
    second = json.loads(run_cli("--db", db, "update", "--json", env=env).stdout)
    assert second["stages"]["trend"]["status"] == "unchanged"
    assert second["stages"]["trend"]["citation"] == first["stages"]["trend"]["citation"]
    assert second["summary"]["latest_headline"] == first["summary"]["latest_headline"]
    # New run-level data ingested by hand is fitted by the next update.
    assert run_cli("--db", db, "ingest", str(METR / "all_runs_2025-03.jsonl"), env=env).exit_code == 0
    third = json.loads(run_cli("--db", db, "update", "--json", env=env).stdout)
    assert third["stages"]["fit"]["status"] == "fitted"
    assert third["stages"]["fit"]["fit_id"] != first["stages"]["fit"]["fit_id"]


# --- issue 13: `horizon query` cannot write or execute anything -------------------------------

ATTACKS = {
    # what the red team ran, and what DuckDB would do with it on an ordinary read-only connection
    "copy_over_another_store": "COPY (SELECT 1 AS x) TO '{other}' (FORMAT csv)",
    "export_database": "EXPORT DATABASE '{dir}'",
    "attach_a_file": "ATTACH '{other}' AS other",
    "install_an_extension": "INSTALL sqlite",
    "load_an_extension": "LOAD httpfs",
    "read_a_sqlite_file": "SELECT * FROM sqlite_scan('{other}', 'snapshots')",
    "set_then_copy": "SET enable_external_access = true; COPY (SELECT 1) TO '{other}'",
    "pragma": "PRAGMA enable_profiling",
    "checkpoint": "FORCE CHECKPOINT",
    "create_a_macro": "CREATE TEMP MACRO f(x) AS x",
    "read_a_local_file": "SELECT * FROM read_csv('/etc/passwd')",
    "read_a_url": "SELECT * FROM 'https://example.com/data.csv'",
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_query_cannot_write_files_load_code_or_change_settings(attack, loaded_db, tmp_path):
    import duckdb

    other = tmp_path / "other.duckdb"  # another store: before, COPY ... TO overwrote one
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE snapshots AS SELECT 1 AS snapshot_id")
    con.close()
    before = other.read_bytes()
    sql = ATTACKS[attack].format(other=other, dir=tmp_path / "exported")
    result = run_cli("--db", loaded_db, "query", sql)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("horizon: query SQL: ") and result.stderr.count("\n") == 1
    # Refused, not merely failed: no attempt to download or install anything.
    assert not re.search(r"(?i)download|install the required", result.stderr), result.stderr
    assert other.read_bytes() == before
    assert not (tmp_path / "exported").exists()


def test_the_sandbox_itself_refuses_what_the_statement_check_would_let_through(loaded_db, tmp_path):
    # DuckDB's own settings do the work: even run directly, past horizon's statement check.
    import duckdb

    from horizon.store import connect

    con = connect(loaded_db, sandbox=True)
    for sql in ("COPY (SELECT 1) TO '{0}/x.csv'", "EXPORT DATABASE '{0}/d'", "ATTACH '{0}/y.duckdb' AS y",
                "INSTALL sqlite", "LOAD sqlite", "SET enable_external_access = true", "RESET lock_configuration",
                "SELECT * FROM read_text('{0}/../h.duckdb')", "INSERT INTO models VALUES ('x', 'x', NULL, NULL, false)"):
        with pytest.raises(duckdb.Error):
            con.execute(sql.format(tmp_path))
    con.close()
    assert os.listdir(tmp_path) == ["h.duckdb"]


def test_query_names_the_kind_of_statement_it_refused(loaded_db):
    result = run_cli("--db", loaded_db, "query", "COPY snapshots TO 'x.csv'")
    assert result.stderr == ("horizon: query SQL: expected a SELECT statement, got COPY: `horizon query` only reads"
                             " (use `horizon ingest` or `horizon snapshots` to change the store)\n")
    result = run_cli("--db", loaded_db, "query", "SELECT 1; SELECT 2")
    assert result.stderr == "horizon: query SQL: expected one SQL statement, got 2\n"
    ok = run_cli("--db", loaded_db, "query", "EXPLAIN SELECT count(*) FROM runs")
    assert ok.exit_code == 0


def test_query_out_leaves_an_existing_file_whole_when_the_write_fails(loaded_db, tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    out = tmp_path / "x.parquet"
    out.write_bytes(b"previous")

    def full_disk(table, path):
        with open(path, "wb") as f:
            f.write(b"PAR1 half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq, "write_table", full_disk)
    result = run_cli("--db", loaded_db, "query", "snapshots", "--format", "parquet", "--out", str(out))
    assert (result.exit_code, result.stderr) == (1, f"horizon: {out}: cannot write (No space left on device); left as it was\n")
    assert out.read_bytes() == b"previous"
    assert sorted(os.listdir(tmp_path)) == ["h.duckdb", "x.parquet"]
