"""Options that say where things are work before or after the subcommand."""

from __future__ import annotations

import json

from horizon.ingest import ingest
from tests.conftest import VINTAGES, run_cli


def _store_with_one_snapshot(tmp_path, config):
    from horizon.store import connect

    db = tmp_path / "g.duckdb"
    con = connect(db)
    ingest(con, config, [str(VINTAGES[0])])
    con.close()
    return str(db)


def test_db_before_and_after_the_subcommand_is_the_same_store(tmp_path, config):
    db = _store_with_one_snapshot(tmp_path, config)
    sql = "SELECT count(*) AS n FROM snapshots"
    before = run_cli("--db", db, "query", sql, "--json")
    after = run_cli("query", sql, "--json", "--db", db)
    assert before.exit_code == after.exit_code == 0
    assert json.loads(before.stdout)["rows"] == json.loads(after.stdout)["rows"] == [{"n": 1}]


def test_option_after_the_subcommand_wins_over_the_one_before(tmp_path, config):
    db = _store_with_one_snapshot(tmp_path, config)
    missing = str(tmp_path / "nothing-here.duckdb")
    result = run_cli("--db", missing, "query", "SELECT 1 AS one", "--json", "--db", db)
    assert result.exit_code == 0, result.stderr


def test_queries_dir_flag_replaces_the_shipped_queries(tmp_path):
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "hello.sql").write_text("-- Says hello.\nSELECT 'hello' AS greeting\n")
    result = run_cli("query", "--list", "--queries-dir", str(tmp_path / "q"))
    assert result.exit_code == 0
    assert result.stdout.split()[0] == "hello" and "latest_horizons" not in result.stdout


def test_every_subcommand_documents_the_global_options_in_its_help():
    import click

    from horizon.cli import cli, register_commands

    register_commands()
    for name, command in cli.commands.items():
        paths = [[name, sub] for sub in command.commands] if isinstance(command, click.Group) else [[name]]
        for path in paths:
            help_text = run_cli(*path, "--help").stdout
            assert "--db" in help_text and "--data-dir" in help_text, path
