"""The DuckDB store: connection, named migrations, transactions.

Migrations are the files ``horizon/migrations/NNNN_name.sql``, applied in order, each in its
own transaction and recorded in ``schema_migrations``. A database written by a newer horizon
(with migrations this one does not know) is refused rather than half-understood.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from horizon.errors import HorizonError

if TYPE_CHECKING:
    from collections.abc import Callable

    from horizon.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        number = int(path.name[:4])
        found.append(Migration(number, path.stem, path.read_text(encoding="utf-8")))
    numbers = [m.number for m in found]
    if len(set(numbers)) != len(numbers):
        raise HorizonError(f"{MIGRATIONS_DIR}: two migrations share a number: {numbers}")
    return found


def applied_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return []
    return [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY number").fetchall()]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations this database lacks; return the names applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " number INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL"
        " DEFAULT current_timestamp)"
    )
    known = {m.name for m in migrations()}
    done = applied_migrations(con)
    unknown = [name for name in done if name not in known]
    if unknown:
        raise HorizonError(
            f"database has migrations this version of horizon does not know ({', '.join(unknown)}):"
            " upgrade horizon or use another --db"
        )
    applied = []
    for m in migrations():
        if m.name in done:
            continue
        with transaction(con):
            con.execute(m.sql)
            con.execute("INSERT INTO schema_migrations (number, name) VALUES (?, ?)", [m.number, m.name])
        applied.append(m.name)
    return applied


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """All or nothing: on any exception the database is left exactly as before."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")


def connect(path: str | Path = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store at ``path`` and bring its schema up to date."""
    path = str(path)
    try:
        con = duckdb.connect(path, read_only=read_only)
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise HorizonError(f"{path}: cannot open database: {first}") from None
    if not read_only:
        migrate(con)
    elif (missing := [m.name for m in migrations() if m.name not in applied_migrations(con)]):
        # Read-only readers (query, report) rely on every table and view; say how to upgrade.
        con.close()
        raise HorizonError(
            f"{path}: database lacks migrations {', '.join(missing)}; run `horizon update` (or any"
            " `horizon ingest`) once to upgrade it"
        )
    return con


def open_for_writing(config: Config, say: Callable[[str], None] | None = None) -> duckdb.DuckDBPyConnection:
    """connect() for a command that writes. If data/models.toml changed since the store's model
    ids were resolved, every stored spelling is re-resolved first, in one transaction
    (horizon.models.remap_store), and ``say`` gets the one line that says so.

    The registry is read before the store is opened: a bad models.toml writes nothing.
    """
    from horizon.models import load_registry, registry_path, remap_store

    registry = load_registry(registry_path(config.data_dir))
    con = connect(config.db_path)
    try:
        remap = remap_store(con, registry, config.now)
    except BaseException:
        con.close()
        raise
    if remap is not None and remap.announce and say is not None:
        say(remap.message)
    return con
