"""The store: named migrations recorded in the database, and all-or-nothing transactions."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil

import duckdb
import pytest

from horizon import store
from horizon.errors import HorizonError
from horizon.store import connect, migrations, named_rows, transaction
from tests.conftest import METR, VINTAGE, copy_of_updated, run_cli


def test_migrations_are_applied_in_order_and_recorded_by_name(tmp_path):
    con = connect(tmp_path / "h.duckdb")
    recorded = [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY number").fetchall()]
    assert recorded == [m.name for m in migrations()]
    assert recorded[0] == "0001_store"


def test_reopening_applies_nothing_twice(tmp_path):
    connect(tmp_path / "h.duckdb").close()
    con = connect(tmp_path / "h.duckdb")
    assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(migrations())


def test_a_database_from_a_newer_horizon_is_refused(tmp_path):
    con = connect(tmp_path / "h.duckdb")
    con.execute("INSERT INTO schema_migrations (number, name) VALUES (9999, '9999_from_the_future')")
    con.close()
    with pytest.raises(HorizonError, match="9999_from_the_future"):
        connect(tmp_path / "h.duckdb")


def test_a_failing_transaction_leaves_nothing_behind(con):
    with pytest.raises(duckdb.Error):
        with transaction(con):
            con.execute("INSERT INTO models VALUES ('x', 'X', NULL, NULL, false)")
            con.execute("INSERT INTO models VALUES ('x', 'X again', NULL, NULL, false)")
    assert con.execute("SELECT count(*) FROM models").fetchone()[0] == 0


def test_a_read_only_reader_of_an_older_database_is_told_how_to_upgrade_it(tmp_path):
    con = connect(tmp_path / "h.duckdb")
    con.execute("DELETE FROM schema_migrations WHERE number = (SELECT max(number) FROM schema_migrations)")
    con.close()
    newest = migrations()[-1].name
    with pytest.raises(HorizonError, match=f"lacks migrations {newest}; run `horizon update`"):
        connect(tmp_path / "h.duckdb", read_only=True)


# --- issue 13 and 10: only a horizon store is ever written -------------------------------------


# Every command, with arguments that would succeed on a good store (or get as far as opening it).
EVERY_COMMAND = {
    "ingest": ["ingest", str(VINTAGE["2026-01-30"])],
    "update": ["update", "--offline"],
    "fit": ["fit", "--bootstrap", "0", "--quiet"],
    "trend": ["trend"],
    "forecast": ["forecast"],
    "cite": ["cite"],
    "models": ["models"],
    "query": ["query", "snapshots"],
    "report": ["report", "--no-export"],
    "snapshots list": ["snapshots", "list"],
    "snapshots retract": ["snapshots", "retract", "1", "--why", "test"],
}
READ_ONLY = ["cite", "models", "query", "report", "snapshots list"]


def fingerprint(path) -> tuple[str, int, int]:
    """What 'untouched' means: the same bytes, size and modification time."""
    st = os.stat(path)
    return hashlib.sha256(open(path, "rb").read()).hexdigest(), st.st_size, st.st_mtime_ns


@pytest.fixture(scope="module")
def good_store(tmp_path_factory):
    """A small real store (three headline versions and the runs), closed."""
    path = tmp_path_factory.mktemp("good") / "h.duckdb"
    assert run_cli("--db", str(path), "ingest", *map(str, VINTAGE.values()), str(METR / "all_runs_2025-03.jsonl"),
                   env={"SOURCE_DATE_EPOCH": "1772366400"}).exit_code == 0
    return path


def _run_every(name, db, tmp_path):
    env = {"HORIZON_REPORTS": str(tmp_path / "reports"), "HORIZON_OFFLINE": "1", "SOURCE_DATE_EPOCH": "1772366400"}
    return run_cli("--db", str(db), *EVERY_COMMAND[name], env=env)


@pytest.fixture
def foreign(tmp_path):
    """Someone else's DuckDB file that happens to have a snapshots table."""
    path = tmp_path / "theirs.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE snapshots (id INTEGER, taken DATE); INSERT INTO snapshots VALUES (1, DATE '2025-01-01')")
    con.close()
    return path


@pytest.mark.parametrize("name", sorted(EVERY_COMMAND))
def test_a_foreign_duckdb_file_is_refused_untouched_by_every_command(name, foreign, tmp_path):
    # Before: `query` advised running ingest "to upgrade it"; `ingest` then died with a traceback
    # and left a schema_migrations table in the file.
    before = fingerprint(foreign)
    result = _run_every(name, foreign, tmp_path)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"horizon: {foreign}: not a horizon store (it holds snapshots, but no horizon"
                             " schema_migrations); horizon writes only its own stores: use another --db\n")
    assert fingerprint(foreign) == before
    assert not (tmp_path / "reports").exists()


def test_a_foreign_schema_migrations_table_does_not_make_a_horizon_store(tmp_path):
    path = tmp_path / "theirs.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version BIGINT)")
    con.close()
    with pytest.raises(store.StoreError, match="not a horizon store"):
        connect(path)


def test_an_empty_duckdb_file_becomes_a_store(tmp_path):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(store.StoreError, match="an empty database, not a horizon store yet"):
        connect(path, read_only=True)
    connect(path).close()
    assert connect(path, read_only=True).execute("SELECT count(*) FROM snapshots").fetchone() == (0,)


@pytest.fixture
def truncated(good_store, tmp_path):
    path = tmp_path / "cut.duckdb"
    shutil.copy(good_store, path)
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(good_store) // 2)
    return path


@pytest.mark.parametrize("name", sorted(EVERY_COMMAND))
def test_a_truncated_store_is_a_one_line_error_for_every_command_and_is_not_written(name, good_store, truncated, tmp_path):
    # Before: tracebacks, and `fit` wrote into it.
    before = fingerprint(truncated)
    result = _run_every(name, truncated, tmp_path)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"horizon: {truncated}: damaged store: the file has {before[1]:,} bytes, its blocks"
                                    " need at least ")
    assert result.stderr.endswith(" (truncated?); restore it from a copy or use another --db\n")
    assert result.stderr.count("\n") == 1
    assert fingerprint(truncated) == before


def test_a_whole_store_that_duckdb_shortened_after_freeing_its_last_blocks_is_not_called_truncated(tmp_path):
    # After a checkpoint DuckDB cuts free blocks off the end of the file but still counts them
    # in total_blocks: a file shorter than total_blocks x block_size can be whole.
    path = tmp_path / "h.duckdb"
    connect(path).close()
    shortened = False
    for i in range(4):
        con = duckdb.connect(str(path))
        con.execute(f"CREATE OR REPLACE TABLE scratch AS SELECT range, md5((range + {i})::VARCHAR) FROM range(100000)")
        con.close()
        con = duckdb.connect(str(path), read_only=True)
        total, size = con.execute("SELECT total_blocks * block_size FROM pragma_database_size()").fetchone()[0], os.path.getsize(path)
        con.close()
        if size < 3 * 4096 + total:
            shortened = True
            break
    assert shortened, "DuckDB no longer shortens files: this test needs another way to make one"
    connect(path).close()
    connect(path, read_only=True).close()


def _corrupt_a_data_block(good_store, tmp_path) -> str:
    """A copy whose runs table has a damaged block (the file is whole; one block's bytes are not)."""
    path = tmp_path / "bad.duckdb"
    shutil.copy(good_store, path)
    con = duckdb.connect(str(good_store), read_only=True)
    block_size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
    blocks = sorted({b for (b,) in con.execute(
        "SELECT block_id FROM pragma_storage_info('runs') WHERE block_id >= 0").fetchall()})
    con.close()
    with open(path, "r+b") as f:
        f.seek(3 * 4096 + blocks[len(blocks) // 2] * block_size + 100)
        f.write(os.urandom(4096))
    return str(path)


def test_a_store_with_a_damaged_block_is_never_written(good_store, tmp_path):
    bad = _corrupt_a_data_block(good_store, tmp_path)
    before = fingerprint(bad)
    for name in ("fit", "ingest", "snapshots retract"):
        result = _run_every(name, bad, tmp_path)
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr.startswith(f"horizon: {bad}: damaged store: table runs cannot be read (")
        assert result.stderr.count("\n") == 1
    assert fingerprint(bad) == before
    # A reader that touches the block says so in one line too.
    result = run_cli("--db", bad, "query", "SELECT sum(human_minutes) FROM runs")
    assert result.exit_code == 1 and result.stderr.startswith("horizon: query SQL: ") and result.stderr.count("\n") == 1


@pytest.mark.parametrize("name", READ_ONLY)
def test_read_only_commands_never_create_a_database_at_a_mistyped_path(name, tmp_path):
    # Before: cite and models created a 780 KB database at a mistyped --db.
    missing = tmp_path / "mistyped.duckdb"
    result = _run_every(name, missing, tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"horizon: {missing}: no database yet")
    assert sorted(os.listdir(tmp_path)) == []


@pytest.mark.parametrize("name", READ_ONLY)
def test_read_only_commands_work_on_a_read_only_file(name, good_store, tmp_path):
    # Before: cite and models opened the store read-write, so they failed on read-only files.
    path = tmp_path / "ro.duckdb"
    shutil.copy(good_store, path)
    os.chmod(path, 0o444)
    before = fingerprint(path)
    result = _run_every(name, path, tmp_path)
    assert "cannot open" not in result.stderr and "read-only" not in result.stderr, result.stderr
    assert fingerprint(path) == before


# --- checksummed migrations --------------------------------------------------------------------


def test_each_migration_is_recorded_with_the_sha256_of_its_text(tmp_path):
    con = connect(tmp_path / "h.duckdb")
    recorded = dict(con.execute("SELECT name, checksum FROM schema_migrations").fetchall())
    assert recorded == {m.name: hashlib.sha256(m.sql.encode()).hexdigest() for m in migrations()}


def test_a_migration_edited_after_it_was_applied_is_detected(tmp_path, monkeypatch):
    connect(tmp_path / "h.duckdb").close()
    edited = [dataclasses.replace(m, sql=m.sql + "\n-- an afterthought\n") if m.name == "0004_trends" else m
              for m in migrations()]
    monkeypatch.setattr(store, "migrations", lambda: edited)
    for read_only in (False, True):
        with pytest.raises(store.StoreError) as err:
            connect(tmp_path / "h.duckdb", read_only=read_only)
        assert str(err.value) == (
            f"{tmp_path}/h.duckdb: migration 0004_trends.sql has changed since it was applied to this store"
            f" (sha256 {migrations()[3].checksum[:12]} then, {edited[3].checksum[:12]} now): a released migration"
            " is never edited; restore it and put the change in a new migration"
        )


def test_a_store_from_before_checksums_gets_them_recorded_on_first_write(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    everything = migrations()
    with monkeypatch.context() as patch:  # a store made before 0008, by a horizon without checksums
        patch.setattr(store, "migrations", lambda: [m for m in everything if m.number < 8])
        con = connect(path)
        con.execute("ALTER TABLE schema_migrations DROP COLUMN checksum")
        con.close()
    with pytest.raises(store.StoreError, match="lacks migrations 0008_retractions, .*; run `horizon update`"):
        connect(path, read_only=True)
    con = connect(path)
    recorded = dict(con.execute("SELECT name, checksum FROM schema_migrations").fetchall())
    assert recorded == {m.name: m.checksum for m in migrations()}


def test_line_endings_do_not_change_a_migration_checksum():
    m = migrations()[0]
    assert dataclasses.replace(m, sql=m.sql.replace("\n", "\r\n")).checksum == m.checksum


def test_every_connection_has_extension_auto_install_and_auto_load_off(tmp_path):
    # Before: INSTALL (or opening a SQLite file) tried to download extension binaries.
    connect(tmp_path / "h.duckdb").close()
    for opened in (lambda: connect(tmp_path / "h.duckdb"), lambda: connect(tmp_path / "h.duckdb", read_only=True),
                   lambda: connect(tmp_path / "h.duckdb", sandbox=True), connect):
        con = opened()
        settings = dict(con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN"
            " ('autoinstall_known_extensions', 'autoload_known_extensions', 'TimeZone')").fetchall())
        assert settings == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false",
                            "TimeZone": "UTC"}
        con.close()


# --- readers read stored rows by name -----------------------------------------------------------

def test_named_rows_maps_each_row_by_column_name(con):
    found = named_rows(con, "SELECT 1 AS a, 'x' AS b UNION ALL SELECT ?, ? ORDER BY a", [2, "y"])
    assert found == [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]
    assert named_rows(con, "SELECT 1 AS a WHERE false") == []


# A column a later migration might add, on tables whose rows are read back into records: in
# particular the frozen dataclasses PublisherCheck and StoredBreakTest, which a `SELECT *` would
# hand an argument they do not take.
WIDENED = ("trend_publisher_checks", "trend_break_tests", "indicator_values", "indicator_trends", "scenario_runs",
           "scenario_parameters", "scenario_outcomes", "scenario_crossings", "scenario_evidence", "scenario_separations")
CITED = (("cite",), ("cite", "--json"), ("cite", "--scenario", "explosive", "--json"),
         ("cite", "--indicator", "anthropic_al4_plus", "--json"))


def _read_back(path: str, env: dict) -> tuple:
    from horizon.report.uncertainty.breaks import break_test_rows
    from horizon.report.uncertainty.caveats import publisher_checks
    from horizon.trend.canonical import canonical_trend_fit_id

    printed = []
    for args in CITED:
        result = run_cli("--db", path, *args, env=env)
        assert result.exit_code == 0, (args, result.output)
        printed.append(result.stdout)
    con = connect(path, read_only=True)
    try:
        fit_id = canonical_trend_fit_id(con, 50)
        return tuple(printed), publisher_checks(con, fit_id), break_test_rows(con, fit_id)
    finally:
        con.close()


def test_a_column_added_to_stored_tables_changes_nothing_the_readers_show(updated, tmp_path):
    root, env, _ = updated
    path = copy_of_updated(updated, tmp_path)
    before = _read_back(path, env)
    assert before[1] and before[2]  # the updated store has publisher checks and a break test to read
    con = connect(path)
    for table in WIDENED:
        con.execute(f"ALTER TABLE {table} ADD COLUMN extra INTEGER")
    con.close()

    assert _read_back(path, env) == before
    site = tmp_path / "site"
    result = run_cli("--db", path, "report", "--out", str(site), "--no-export", env=env)
    assert result.exit_code == 0, result.output
    page = (site / "trends.html").read_text(encoding="utf-8")
    assert 'id="publisher-checks-p50"' in page and 'id="break-test-p50"' in page
    for name in ("trends.html", "scenarios.html", "indicators.html"):
        assert (site / name).read_text(encoding="utf-8") == (root / "reports" / "site" / name).read_text(encoding="utf-8"), name
    # A new trend fit writes its rows (the added column left empty) and reads them back.
    import json

    from horizon.report.uncertainty.caveats import publisher_checks
    from horizon.trend.stored import load_break_test

    result = run_cli("--db", path, "trend", "--seed", "1", "--json", env=env)
    assert result.exit_code == 0, result.output
    fit_id = json.loads(result.stdout)["fit_id"]
    assert run_cli("--db", path, "cite", "--fit", str(fit_id), env=env).exit_code == 0
    con = connect(path, read_only=True)
    try:
        assert publisher_checks(con, fit_id) and load_break_test(con, fit_id) is not None
        assert con.execute("SELECT count(extra) FROM trend_publisher_checks WHERE fit_id = ?", [fit_id]).fetchone() == (0,)
    finally:
        con.close()
