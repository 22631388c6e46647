"""Shared fixtures: paths to the published data, a fresh store, a fixed clock."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from horizon.config import PROJECT_DIR, load_config
from horizon.store import connect

# ../shared/data beside the project; HORIZON_SHARED_DATA names it for a checkout kept elsewhere.
SHARED = Path(os.environ.get("HORIZON_SHARED_DATA") or PROJECT_DIR.parent / "shared" / "data")
METR = SHARED / "metr"
VINTAGES = sorted((METR / "vintages").glob("benchmark_results_1_1.*.yaml"))
# Each published METR 1.1 version by its date; tests name the one they mean, so a newer copy
# arriving in ../shared/data changes only the tests about "the newest".
VINTAGE = {p.name.split(".")[1]: p for p in VINTAGES}
FIXED_NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Tests never read or write the user's cache (~/.cache/horizon)."""
    import os

    os.environ["HORIZON_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield


@pytest.fixture(scope="session")
def updated(tmp_path_factory):
    """One offline `horizon update` on a fresh store, shared by the tests that need an updated
    store (the main job takes seconds; run once, copied where a test writes)."""
    import json

    root = tmp_path_factory.mktemp("updated")
    env = {"HORIZON_OFFLINE": "1", "SOURCE_DATE_EPOCH": "1772366400", "HORIZON_REPORTS": str(root / "reports")}
    result = run_cli("--db", str(root / "h.duckdb"), "update", "--json", env=env)
    assert result.exit_code == 0, result.output
    return root, env, json.loads(result.stdout)


@pytest.fixture(scope="session")
def ingested(tmp_path_factory):
    """``ingested(dest, *files, env=...)``: a private copy at ``dest`` of a store holding
    ``files``, each set of files (and environment) ingested once in the session."""
    import shutil

    made: dict[tuple, Path] = {}

    def copy(dest: Path, *files: Path, env: dict | None = None) -> Path:
        key = (tuple(str(f) for f in files), tuple(sorted((env or {}).items())))
        if key not in made:
            db = tmp_path_factory.mktemp("ingested") / "h.duckdb"
            result = run_cli("--db", str(db), "ingest", *key[0], env=env)
            assert result.exit_code == 0, result.output
            made[key] = db
        shutil.copy(made[key], dest)
        return dest

    return copy


def copy_of_updated(updated, tmp_path) -> str:
    """A private copy of the shared updated store, for a test that writes to it."""
    import shutil

    root, _, _ = updated
    path = tmp_path / "h.duckdb"
    shutil.copy(root / "h.duckdb", path)
    return str(path)


@pytest.fixture
def config(tmp_path):
    return load_config(db=tmp_path / "h.duckdb", env={}, now=FIXED_NOW, cache_dir=tmp_path / "cache")


@pytest.fixture(scope="session")
def empty_store(tmp_path_factory) -> Path:
    """A store with every migration and no rows, made once: copying it is what a fresh store
    costs a test, not the migrations."""
    path = tmp_path_factory.mktemp("empty") / "h.duckdb"
    connect(path).close()
    return path


@pytest.fixture
def con(config, empty_store):
    import shutil

    shutil.copy(empty_store, config.db_path)
    con = connect(config.db_path)
    yield con
    con.close()


def table_counts(con) -> dict[str, int]:
    """Row counts of every user table: the database 'as it was', for unchanged-state checks."""
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        " AND table_type = 'BASE TABLE' ORDER BY 1").fetchall()]  # views follow from the tables
    if not tables:
        return {}
    # One statement for all of them: a query per table made this helper a tenth of a second.
    union = " UNION ALL ".join(
        "SELECT {}, count(*) FROM \"{}\"".format("'" + t.replace("'", "''") + "'", t.replace('"', '""')) for t in tables)
    return dict(con.execute(union).fetchall())


def db_counts(path) -> dict[str, int]:
    """table_counts of the database file at ``path``, opened and closed again."""
    con = connect(path)
    try:
        return table_counts(con)
    finally:
        con.close()


def run_cli(*args: str, env: dict | None = None):
    """Run the `horizon` command in-process; returns click's Result (exit_code, stdout, stderr)."""
    from click.testing import CliRunner

    from horizon.cli import cli, register_commands

    register_commands()
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
