"""The DuckDB store: connection, named migrations, transactions.

Migrations are the files ``horizon/migrations/NNNN_name.sql``, applied in order, each in its
own transaction and recorded in ``schema_migrations`` with the sha256 of its text. A database
written by a newer horizon (with migrations this one does not know), a migration file edited
after it was applied, a file that is not a horizon store, and a damaged store are all refused
before anything is written.

Every connection has DuckDB's extension auto-install and auto-load switched off: horizon never
downloads or loads code because a query or a file asked for it. Times are UTC in every session.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb

from horizon.errors import HorizonError, NotFoundError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from horizon.config import Config

T = TypeVar("T")
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
FIRST_MIGRATION = "0001_store"

# On every connection: never fetch or load an extension implicitly (an INSTALL, a query on a
# SQLite file or an https:// path would otherwise download and run binaries).
SAFE_SETTINGS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
# On top, for connections that run SQL a user typed (`horizon query`): no file system or
# network access at all (COPY, EXPORT, ATTACH, INSTALL, LOAD, read_csv('/etc/...')), and no
# SET that could undo it. DuckDB enforces both; the database itself is opened read-only.
SANDBOX_SETTINGS = {**SAFE_SETTINGS, "enable_external_access": False}

# A DuckDB file is a 4 KiB file header and two 4 KiB database headers, then fixed-size blocks.
_HEADER_BYTES = 3 * 4096


class StoreError(HorizonError):
    """The database file cannot be used as a horizon store (foreign, damaged, locked, newer)."""


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        """sha256 of the text, line endings normalised (a CRLF checkout is the same file)."""
        return hashlib.sha256(self.sql.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def migrations() -> list[Migration]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        number = int(path.name[:4])
        found.append(Migration(number, path.stem, path.read_text(encoding="utf-8")))
    numbers = [m.number for m in found]
    if len(set(numbers)) != len(numbers):
        raise HorizonError(f"{MIGRATIONS_DIR}: two migrations share a number: {numbers}")
    return found


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None) -> Any:
    """The first value of a query that always yields a row (an aggregate, an INSERT ... RETURNING)."""
    row = con.execute(sql, params).fetchone()
    if row is None:
        raise StoreError(f"expected a row from: {sql}")
    return row[0]


def named_rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None) -> list[dict[str, Any]]:
    """The rows of a query as {column: value}: the one way horizon reads rows it uses more than
    one value of. Readers use names, never positions, so a column added or reordered by a later
    migration cannot shift what they read; ``sql`` names its columns for the same reason."""
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def records(con: duckdb.DuckDBPyConnection, cls: Callable[..., T], sql: str,
            params: Sequence[object] | None = None) -> list[T]:
    """The rows of a query as ``cls`` records (a frozen dataclass), one keyword per column: the
    query selects exactly the record's fields, by name."""
    return [cls(**r) for r in named_rows(con, sql, params)]


def insert_table(con: duckdb.DuckDBPyConnection, table: str, data: Any) -> None:
    """Insert an Arrow table (or a polars frame) into ``table``, naming each of its columns: one
    statement and no per-row Python round trips (thousands of rows in milliseconds, where bound
    VALUES parameters take most of a second). The one way horizon writes rows in bulk."""
    arrow = data.to_arrow() if hasattr(data, "to_arrow") else data
    if arrow.num_rows == 0:
        return
    name = f"_insert_{table}"
    names = ", ".join(f'"{c}"' for c in arrow.column_names)
    con.register(name, arrow)
    try:
        con.execute(f'INSERT INTO "{table}" ({names}) SELECT {names} FROM "{name}"')
    finally:
        con.unregister(name)


def insert_records(con: duckdb.DuckDBPyConnection, table: str, records: Sequence[Mapping[str, Any]]) -> None:
    """Rows given as {column: value}, as insert_table; the first record names the columns (a
    later record without one of them gives NULL there)."""
    if not records:
        return
    import pyarrow as pa

    columns = list(records[0])
    insert_table(con, table, pa.table({c: [r.get(c) for r in records] for c in columns}))


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(scalar(
        con,
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()"
        " AND schema_name = 'main' AND table_name = ?",
        [name],
    ))


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    return bool(scalar(
        con,
        "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database()"
        " AND schema_name = 'main' AND table_name = ? AND column_name = ?",
        [table, column],
    ))


def applied_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    if not _has_table(con, "schema_migrations"):
        return []
    return [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY number").fetchall()]


def _recorded_checksums(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    if not _has_column(con, "schema_migrations", "checksum"):
        return {}
    return dict(con.execute("SELECT name, checksum FROM schema_migrations").fetchall())


def check_migrations(con: duckdb.DuckDBPyConnection, path: str) -> None:
    """Refuse a store with migrations this horizon does not know, or whose recorded text differs
    from the migration file of the same name (a released migration was edited)."""
    known = {m.name: m for m in migrations()}
    unknown = [name for name in applied_migrations(con) if name not in known]
    if unknown:
        raise StoreError(
            f"{path}: database has migrations this version of horizon does not know ({', '.join(unknown)}):"
            " upgrade horizon or use another --db"
        )
    for name, recorded in sorted(_recorded_checksums(con).items()):
        if recorded is not None and recorded != known[name].checksum:
            raise StoreError(
                f"{path}: migration {name}.sql has changed since it was applied to this store"
                f" (sha256 {recorded[:12]} then, {known[name].checksum[:12]} now): a released migration"
                " is never edited; restore it and put the change in a new migration"
            )


def migrate(con: duckdb.DuckDBPyConnection, path: str = ":memory:") -> list[str]:
    """Apply the migrations this database lacks; return the names applied.

    Each migration's sha256 is recorded as it is applied. Rows applied before horizon recorded
    checksums get the checksum of today's file the first time the store is opened for writing.
    """
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " number INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL"
        " DEFAULT current_timestamp, checksum VARCHAR)"
    )
    check_migrations(con, path)
    if not _has_column(con, "schema_migrations", "checksum"):
        con.execute("ALTER TABLE schema_migrations ADD COLUMN checksum VARCHAR")
    done = set(applied_migrations(con))
    applied = []
    for m in migrations():
        if m.name in done:
            continue
        with transaction(con):
            con.execute(m.sql)
            con.execute(
                "INSERT INTO schema_migrations (number, name, checksum) VALUES (?, ?, ?)",
                [m.number, m.name, m.checksum],
            )
        applied.append(m.name)
    recorded = _recorded_checksums(con)
    missing = [m for m in migrations() if recorded.get(m.name) is None]
    if missing:
        with transaction(con):
            for m in missing:
                con.execute("UPDATE schema_migrations SET checksum = ? WHERE name = ?", [m.checksum, m.name])
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


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _open(path: str, read_only: bool, settings: dict) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(path, read_only=read_only, config=dict(settings))
    except duckdb.Error as exc:
        message = _first_line(exc)
        if "Could not set lock" in message:
            raise StoreError(f"{path}: in use by another process ({message}); try again when it has finished") from None
        if "not a valid DuckDB database file" in message:
            raise StoreError(f"{path}: not a DuckDB database file; horizon reads and writes only its own stores") from None
        raise StoreError(f"{path}: cannot open database: {message}") from None
    try:
        # Stored times are UTC; "now" inside SQL must not follow the machine's time zone.
        con.execute("SET TimeZone = 'UTC'")
    except duckdb.Error:  # a build without ICU has no time zones: it is UTC already
        pass
    return con


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT internal"
    ).fetchall()]


def _user_objects(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT internal"
        " UNION SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal"
        " ORDER BY 1"
    ).fetchall()]


def _is_horizon_store(con: duckdb.DuckDBPyConnection) -> bool:
    if not (_has_column(con, "schema_migrations", "number") and _has_column(con, "schema_migrations", "name")):
        return False  # none, or someone else's schema_migrations with other columns
    return bool(scalar(con, "SELECT count(*) FROM schema_migrations WHERE name = ?", [FIRST_MIGRATION]))


def _check_identity(con: duckdb.DuckDBPyConnection, path: str) -> bool:
    """True for a horizon store, False for an empty database; refuse anything else."""
    objects = _user_objects(con)
    if not objects:
        return False
    if not _is_horizon_store(con):
        shown = ", ".join(objects[:4]) + (f" and {len(objects) - 4} more" if len(objects) > 4 else "")
        raise StoreError(
            f"{path}: not a horizon store (it holds {shown}, but no horizon schema_migrations);"
            " horizon writes only its own stores: use another --db"
        )
    return True


def _check_size(con: duckdb.DuckDBPyConnection, path: str) -> None:
    """A store shorter than its own blocks need (copied or downloaded only in part).

    The highest block any table segment or the metadata uses must lie inside the file. (Not
    DuckDB's total_blocks: after a checkpoint it still counts free blocks past the end of a
    file it has shortened.)"""
    block_size = scalar(con, "SELECT block_size FROM pragma_database_size()")
    tables = _tables(con)
    parts = ["SELECT max(block_id) AS b FROM pragma_metadata_info()"] + [
        "SELECT max(block_id) FROM pragma_storage_info('{}')".format(t.replace("'", "''")) for t in tables
    ]
    highest = scalar(con, f"SELECT max(b) FROM ({' UNION ALL '.join(parts)})")
    if highest is None:
        return
    needed = _HEADER_BYTES + int(block_size) * (int(highest) + 1)
    size = os.path.getsize(path)
    if size < needed:
        raise StoreError(
            f"{path}: damaged store: the file has {size:,} bytes, its blocks need at least {needed:,} (truncated?);"
            " restore it from a copy or use another --db"
        )


def _check_readable(con: duckdb.DuckDBPyConnection, path: str) -> None:
    """Read every column of every table once: DuckDB checks each block's checksum as it reads,
    so a damaged block is found before anything is written next to it."""
    tables = _tables(con)
    if not tables:
        return
    try:  # one pass: the hash of each whole row (a struct of all its columns)
        con.execute(" UNION ALL ".join(
            'SELECT max(hash(t)) FROM "{}" t'.format(t.replace('"', '""')) for t in tables)).fetchall()
    except duckdb.Error:
        for table in tables:  # which table: a second look, only when something is damaged
            try:
                con.execute('SELECT max(hash(t)) FROM "{}" t'.format(table.replace('"', '""'))).fetchall()
            except duckdb.Error as exc:
                raise StoreError(
                    f"{path}: damaged store: table {table} cannot be read ({_first_line(exc)});"
                    " restore it from a copy or use another --db"
                ) from None
        raise


def _inspect(con: duckdb.DuckDBPyConnection, path: str, *, full: bool = False) -> bool:
    """Check an open file is a whole horizon store: True if it is one, False if it is an empty
    database; anything else is refused. ``full``: also read every block."""
    try:
        _check_size(con, path)
        is_store = _check_identity(con, path)
        if is_store:
            check_migrations(con, path)
            if full:
                _check_readable(con, path)
        return is_store
    except duckdb.Error as exc:
        raise StoreError(f"{path}: damaged store ({_first_line(exc)}); restore it from a copy or use another --db") from None


def _probe(path: str) -> None:
    """Before opening an existing file for writing, inspect it read-only: nothing can change it."""
    try:
        con = _open(path, True, SAFE_SETTINGS)
    except StoreError as exc:
        if "different configuration" in str(exc):
            return  # this process already has it open for writing: it was inspected then
        raise
    try:
        _inspect(con, path, full=True)
    finally:
        con.close()


def _check_reader(con: duckdb.DuckDBPyConnection, path: str) -> None:
    if not _inspect(con, path):
        raise StoreError(f"{path}: an empty database, not a horizon store yet; run `horizon update` or"
                         " `horizon ingest FILE` on it first")
    done = set(applied_migrations(con))
    missing = [m.name for m in migrations() if m.name not in done]
    if missing:
        # Read-only readers (query, report) rely on every table and view; say how to upgrade.
        raise StoreError(
            f"{path}: database lacks migrations {', '.join(missing)}; run `horizon update` (or any"
            " `horizon ingest`) once to upgrade it"
        )


def connect(path: str | Path = ":memory:", read_only: bool = False, *, sandbox: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store at ``path`` and bring its schema up to date.

    For writing (the default), a missing file becomes a new store; an existing one must be a
    whole horizon store (or an empty database), checked read-only before it is opened for
    writing. ``read_only``: the file must exist and have every migration; nothing is created.
    ``sandbox`` (read-only): no file system or network access and settings locked, for SQL a
    user typed.
    """
    path = str(path)
    if path == ":memory:":
        con = _open(path, False, SAFE_SETTINGS)
        migrate(con, path)
        return con
    if database_string(path):
        return _connect_remote(path, read_only or sandbox, sandbox)
    if read_only or sandbox:
        if not os.path.exists(path):
            raise NotFoundError(f"{path}: no database yet; run `horizon update` or `horizon ingest FILE` first")
        con = _open(path, True, SANDBOX_SETTINGS if sandbox else SAFE_SETTINGS)
        try:
            _check_reader(con, path)
            if sandbox:
                con.execute("SET lock_configuration = true")
        except BaseException:
            con.close()
            raise
        return con
    if os.path.exists(path):
        _probe(path)
    con = _open(path, False, SAFE_SETTINGS)
    try:
        migrate(con, path)
    except BaseException:
        con.close()
        raise
    return con


# A DuckDB database string with a scheme (md:team, motherduck:db, ducklake:catalog.ducklake):
# a store DuckDB reaches through one of its extensions. Not a path: handed to DuckDB unchanged.
_DATABASE_STRING = re.compile(r"^(md|motherduck|ducklake|s3|gcs|http|https):", re.IGNORECASE)


def database_string(path: str) -> str | None:
    """The scheme when ``path`` is a DuckDB database string rather than a file, else None."""
    m = _DATABASE_STRING.match(str(path))
    return m.group(1).lower() if m else None


def _connect_remote(path: str, read_only: bool, sandbox: bool) -> duckdb.DuckDBPyConnection:
    """A shared store (MotherDuck, a DuckLake catalog, ...): DuckDB opens it with the extension
    its scheme needs, which the user installs once (`duckdb -c "INSTALL motherduck"`); horizon
    itself never downloads or auto-loads an extension. The file checks (foreign file, damaged
    blocks) are for local files; a shared store is checked by its migrations as any other."""
    settings = SANDBOX_SETTINGS if sandbox else SAFE_SETTINGS
    try:
        con = duckdb.connect(path, read_only=read_only, config=dict(settings))
    except duckdb.Error as exc:
        message = _first_line(exc)
        m = re.search(r'Extension "([a-z_]+)" is an existing extension', str(exc))
        if m or "extension" in message.lower():
            ext = m.group(1) if m else database_string(path)
            raise StoreError(
                f"{path}: DuckDB opens this store with its {ext} extension, which is not installed here;"
                f" install it once (duckdb -c \"INSTALL {ext}\") and run again (horizon never downloads extensions)"
            ) from None
        raise StoreError(f"{path}: cannot open database: {message}") from None
    try:
        if read_only:
            _check_reader(con, path)
            if sandbox:
                con.execute("SET lock_configuration = true")
        else:
            migrate(con, path)
    except BaseException:
        con.close()
        raise
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
