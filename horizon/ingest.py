"""Ingestion: files and URLs become dated, hashed snapshots and normalised rows.

Sources are read first (``read_sources``: downloads, with no database open), then written in
one transaction (``ingest_bytes``): if any source fails, nothing from any of them is written.
Identical bytes are one snapshot; ingesting them again changes nothing and says so (and says
when that snapshot was retracted).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import duckdb

from horizon import formats
from horizon.config import Config
from horizon.errors import HorizonError, InputError, NotFoundError
from horizon.fetch import is_url, read_source
from horizon.formats.base import Parsed, check_printable, printable, with_suite_labels
from horizon.models import Registry, load_registry, registry_path, resolve_in_transaction
from horizon.store import insert_table, transaction


@dataclass(frozen=True)
class IngestResult:
    origin: str
    snapshot_id: int
    kind: str
    sha256: str
    bytes: int
    rows: int
    new: bool  # False: identical bytes were already a snapshot, nothing changed
    publisher_label: str | None = None
    retracted: bool = False  # an unchanged snapshot that was retracted: it still does not count

    def as_dict(self) -> dict:
        return {
            "origin": self.origin,
            "snapshot_id": self.snapshot_id,
            "format": self.kind,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "rows": self.rows,
            "new": self.new,
            "publisher_label": self.publisher_label,
            "retracted": self.retracted,
        }


def decode(data: bytes, source: str) -> str:
    """Strict UTF-8, without a byte-order mark; refuse empty files."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(source, f"line {line}", f"expected UTF-8 text, got byte 0x{data[exc.start]:02x}") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise InputError(source, None, "expected data, the file is empty")
    return text


def source_name(origin: str) -> str:
    """The file name part of a path or URL (parsers use it to name benchmarks)."""
    path = urlsplit(origin).path if is_url(origin) else origin
    return PurePosixPath(path.replace("\\", "/")).name


def parse_bytes(data: bytes, origin: str, fmt: str | None = None) -> Parsed:
    """Decode, pick the parser (forced by ``fmt`` or detected), and parse.

    A module reading several formats (``KINDS``) takes the forced kind, or works it out from
    the content itself. Any failure a parser did not foresee is still one line naming the
    file (the parsers' own errors say more: line, key and what was expected).
    """
    text = decode(data, origin)
    module = formats.parser_for(fmt) if fmt else formats.detect(text, source_name(origin), origin)
    try:
        if hasattr(module, "KINDS"):
            parsed = module.parse(text, origin, kind=fmt)
        else:
            parsed = module.parse(text, origin)
    except HorizonError:
        raise
    except RecursionError:
        raise InputError(origin, None, "expected a file horizon can read (nested too deeply)") from None
    except Exception as exc:  # noqa: BLE001 (a backstop: the message names the exception)
        raise InputError(origin, None, f"expected a file horizon can read ({_first_line(exc)})") from None
    check_printable(parsed, origin)
    return with_suite_labels(parsed)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def read_sources(config: Config, origins: list[str]) -> list[tuple[str, bytes]]:
    """Every file or URL, read whole (downloads verified and bounded in time), before any
    database is opened: a slow server never holds the store's lock."""
    return [(origin, read_source(origin, config.max_bytes, config.timeout_s, config.deadline_s)) for origin in origins]


def ingest(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    origins: list[str],
    fmt: str | None = None,
    registry: Registry | None = None,
    say: Callable[[str], None] | None = None,
) -> list[IngestResult]:
    """Read every file or URL and write them all in one transaction; one result each."""
    return ingest_bytes(con, config, read_sources(config, origins), fmt, registry, say)


def ingest_bytes(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    loaded: list[tuple[str, bytes]],
    fmt: str | None = None,
    registry: Registry | None = None,
    say: Callable[[str], None] | None = None,
) -> list[IngestResult]:
    """Write already-read sources (origin, bytes) in one transaction. If models.toml changed
    since the store's model ids were resolved, the stored rows are re-mapped in that same
    transaction (so a bad file leaves even that undone) and ``say`` hears of it afterwards."""
    registry = registry or load_registry(registry_path(config.data_dir))
    results = []
    with transaction(con):
        # Rows are written with this registry, so the rows already stored must follow it too.
        remap = resolve_in_transaction(con, registry, config.now)
        for origin, data in loaded:
            digest = hashlib.sha256(data).hexdigest()
            existing = con.execute(
                "SELECT snapshot_id, source_kind, rows, publisher_label, retracted FROM snapshot_status WHERE sha256 = ?",
                [digest],
            ).fetchone()
            if existing:
                results.append(IngestResult(origin, existing[0], existing[1], digest, len(data), existing[2], False,
                                            existing[3], bool(existing[4])))
                continue
            parsed = parse_bytes(data, origin, fmt)
            snapshot_id = write_snapshot(con, config, registry, origin, data, digest, parsed)
            results.append(IngestResult(origin, snapshot_id, parsed.kind, digest, len(data), parsed.rows, True, parsed.publisher_label))
    if remap is not None and remap.announce and say is not None:
        say(remap.message)
    return results


def write_snapshot(con, config: Config, registry: Registry, origin: str, data: bytes, digest: str, parsed: Parsed) -> int:
    import pyarrow as pa

    snapshot_id = con.execute(
        "INSERT INTO snapshots (source_kind, origin, retrieved_at, sha256, bytes, rows, publisher_label, citation)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING snapshot_id",
        [parsed.kind, origin, config.now.replace(tzinfo=None), digest, len(data), parsed.rows,
         parsed.publisher_label, parsed.citation],
    ).fetchone()[0]

    names = {row["source_model"] for rows in parsed.tables.values() for row in rows if "source_model" in row}
    ids = {name: registry.model_id_for(name) for name in names}
    unmapped = sorted(name for name in names if registry.resolve(name) is None)
    if unmapped:
        found = pa.table({  # noqa: F841 (read by DuckDB by name)
            "model_id": [ids[n] for n in unmapped],
            "display_name": unmapped,
            "release_date": pa.array([parsed.release_dates.get(n) for n in unmapped], pa.date32()),
        })
        # Two spellings may slug to one id: the first (in sorted order) names the model.
        con.execute(
            "INSERT INTO models (model_id, display_name, organisation, release_date, curated)"
            " SELECT model_id, first(display_name ORDER BY display_name), NULL,"
            " first(release_date ORDER BY display_name), false FROM found"
            " WHERE model_id NOT IN (SELECT model_id FROM models) GROUP BY model_id"
        )

    if names:
        # Every spelling seen, mapped or not, so that a later registry can re-resolve it.
        seen = pa.table({"alias": sorted(names), "model_id": [ids[n] for n in sorted(names)]})  # noqa: F841
        con.execute("INSERT OR IGNORE INTO model_aliases (alias, model_id) SELECT alias, model_id FROM seen")

    for table, rows in parsed.tables.items():
        if not rows:
            continue
        insert_rows(con, origin, table, snapshot_id, rows, ids)
    return snapshot_id


def insert_rows(con, origin: str, table: str, snapshot_id: int, rows: list[dict], ids: dict[str, str]) -> None:
    """A source's parsed rows with their snapshot and model ids; a clash with the table's
    constraints or types is the source's one-line error."""
    import pyarrow as pa

    # Columns built straight from the rows: a copy of every row as a new dict would cost a
    # fifth more peak memory on the largest run files.
    data: dict[str, list[Any]] = {c: [r.get(c) for r in rows] for c in rows[0]}
    data["snapshot_id"] = [snapshot_id] * len(rows)
    if "source_model" in data:
        data["model_id"] = [ids[name] for name in data["source_model"]]
    try:
        insert_table(con, table, pa.table(data))
    except duckdb.ConstraintException as exc:
        if "CHECK constraint" in str(exc):  # a value the parsers should have refused
            raise InputError(origin, table, f"expected values the store allows ({_first_line(exc)})") from None
        raise InputError(origin, table, f"expected unique rows per snapshot ({_first_line(exc)})") from None
    except (pa.ArrowException, duckdb.Error) as exc:
        raise InputError(origin, table, f"expected values of one type per column ({_first_line(exc)})") from None


# --- the snapshot history and retractions ------------------------------------------------------


@dataclass(frozen=True)
class SnapshotRecord:
    """One snapshot as `horizon snapshots list` shows it: provenance, version, retraction."""

    snapshot_id: int
    source_kind: str
    origin: str
    retrieved_at: datetime
    sha256: str
    bytes: int
    rows: int
    publisher_label: str | None
    published_version: str | None
    version_date: date | None
    retracted_at: datetime | None
    retraction_reason: str | None

    @property
    def retracted(self) -> bool:
        return self.retracted_at is not None

    def as_dict(self) -> dict:
        return {
            "snapshot_id": self.snapshot_id,
            "format": self.source_kind,
            "origin": self.origin,
            "retrieved_at": self.retrieved_at.isoformat(),
            "sha256": self.sha256,
            "bytes": self.bytes,
            "rows": self.rows,
            "publisher_label": self.publisher_label,
            "published_version": self.published_version,
            "version_date": self.version_date.isoformat() if self.version_date else None,
            "retracted": self.retracted,
            "retracted_at": self.retracted_at.isoformat() if self.retracted_at else None,
            "retraction_reason": self.retraction_reason,
        }


def list_snapshots(con: duckdb.DuckDBPyConnection) -> list[SnapshotRecord]:
    """Every snapshot ever ingested, oldest first, retracted ones included (the audit trail)."""
    cur = con.execute(
        "SELECT s.snapshot_id, s.source_kind, s.origin, s.retrieved_at, s.sha256, s.bytes, s.rows,"
        " s.publisher_label, v.published_version, v.version_date, s.retracted_at, s.retraction_reason"
        " FROM snapshot_status s JOIN snapshot_versions v USING (snapshot_id) ORDER BY s.snapshot_id"
    )
    return [SnapshotRecord(*row) for row in cur.fetchall()]


@dataclass(frozen=True)
class Retraction:
    snapshot: SnapshotRecord        # as it is now, retracted
    fits: tuple[int, ...]           # stored fits that read it: kept, no longer used by default

    def as_dict(self) -> dict:
        return {"snapshot": self.snapshot.as_dict(), "fits_reading_it": list(self.fits)}


# A reason is one line a person reads on the sources page and in `snapshots list`.
MAX_REASON_CHARS = 500


def retract(con: duckdb.DuckDBPyConnection, config: Config, snapshot_id: int, why: str) -> Retraction:
    """Mark a snapshot retracted (when, and why): from now on it counts nowhere (the active_*
    views, the newest-version choice, default fits and citations), and it stays listed."""
    reason = " ".join((why or "").split())
    if not reason:
        raise InputError("--why", None, "expected a reason in words, e.g. --why \"download cut off\"")
    if len(reason) > MAX_REASON_CHARS:
        raise InputError("--why", None, f"expected at most {MAX_REASON_CHARS} characters, got {len(reason):,}")
    printable(reason, "--why", None)
    with transaction(con):
        row = con.execute(
            "SELECT retracted_at, retraction_reason FROM snapshot_status WHERE snapshot_id = ?", [snapshot_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"snapshot {snapshot_id}: no such snapshot (see `horizon snapshots list`)")
        if row[0] is not None:
            raise HorizonError(f"snapshot {snapshot_id}: already retracted on {row[0]:%Y-%m-%d} ({row[1]})")
        con.execute(
            "INSERT INTO snapshot_retractions (snapshot_id, retracted_at, reason) VALUES (?, ?, ?)",
            [snapshot_id, config.now.replace(tzinfo=None), reason],
        )
    fits = tuple(r[0] for r in con.execute(
        "SELECT fit_id FROM retracted_fits WHERE snapshot_id = ? ORDER BY fit_id", [snapshot_id]
    ).fetchall())
    record = next(s for s in list_snapshots(con) if s.snapshot_id == snapshot_id)
    return Retraction(record, fits)
