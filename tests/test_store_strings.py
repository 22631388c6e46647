"""--db takes any DuckDB database string: a file, or a shared store DuckDB opens through an
extension (MotherDuck's md:, a DuckLake catalog), handed to DuckDB unchanged."""

from __future__ import annotations

import duckdb
import pytest

from horizon import store
from tests.conftest import VINTAGE, run_cli


def test_a_database_string_reaches_duckdb_unchanged_and_becomes_a_migrated_store(monkeypatch):
    seen = []
    real_connect = duckdb.connect

    def fake_connect(database, read_only=False, config=None):
        seen.append((database, read_only, dict(config or {})))
        return real_connect(":memory:", config=config)   # stands in for the shared store

    monkeypatch.setattr(store.duckdb, "connect", fake_connect)
    con = store.connect("md:team_horizon")
    try:
        assert seen == [("md:team_horizon", False, store.SAFE_SETTINGS)]
        names = {r[0] for r in con.execute("SELECT name FROM schema_migrations").fetchall()}
        assert names == {m.name for m in store.migrations()}
    finally:
        con.close()


@pytest.mark.parametrize("command", [["query", "--list"], ["query", "SELECT 1"], ["cite"], ["report"],
                                     ["ingest", str(VINTAGE["2026-03-03"])]])
def test_without_the_extension_installed_every_command_says_how_in_one_line_and_writes_nothing(tmp_path, monkeypatch,
                                                                                                command):
    monkeypatch.chdir(tmp_path)
    result = run_cli("--db", "md:team_horizon", *command)
    if command == ["query", "--list"]:       # lists the named queries; opens no store
        assert result.exit_code == 0
    else:
        assert result.exit_code == 1
        assert result.stderr == ("horizon: md:team_horizon: DuckDB opens this store with its md extension, which is"
                                 ' not installed here; install it once (duckdb -c "INSTALL md") and run again'
                                 " (horizon never downloads extensions)\n")
    assert list(tmp_path.iterdir()) == []


def test_file_paths_are_not_mistaken_for_database_strings():
    for path in ("horizon.duckdb", "/srv/team/horizon.duckdb", "./md/horizon.duckdb", "C:/x.duckdb"):
        assert store.database_string(path) is None
    assert store.database_string("ducklake:team.ducklake") == "ducklake"
