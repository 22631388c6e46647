"""Ingestion: files and URLs become dated, hashed snapshots and normalised rows.

One call is one transaction: if any source fails, nothing from any of them is written.
Identical bytes are one snapshot; ingesting them again changes nothing and says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import duckdb

from horizon import formats
from horizon.config import Config
from horizon.errors import HorizonError, InputError
from horizon.fetch import is_url, read_source
from horizon.formats.base import Parsed
from horizon.models import Registry, load_registry, registry_path, resolve_in_transaction
from horizon.store import transaction


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
            return module.parse(text, origin, kind=fmt)
        return module.parse(text, origin)
    except HorizonError:
        raise
    except Exception as exc:  # noqa: BLE001 (a backstop: the message names the exception)
        raise InputError(origin, None, f"expected a file horizon can read ({_first_line(exc)})") from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def ingest(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    origins: list[str],
    fmt: str | None = None,
    registry: Registry | None = None,
    say: Callable[[str], None] | None = None,
) -> list[IngestResult]:
    """Read every file or URL and write them all in one transaction; one result each."""
    loaded = [(origin, read_source(origin, config.max_bytes, config.timeout_s)) for origin in origins]
    return ingest_bytes(con, config, loaded, fmt, registry, say)


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
                "SELECT snapshot_id, source_kind, rows, publisher_label FROM snapshots WHERE sha256 = ?",
                [digest],
            ).fetchone()
            if existing:
                results.append(IngestResult(origin, existing[0], existing[1], digest, len(data), existing[2], False, existing[3]))
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
            "INSERT INTO models SELECT model_id, first(display_name ORDER BY display_name), NULL,"
            " first(release_date ORDER BY display_name), false FROM found"
            " WHERE model_id NOT IN (SELECT model_id FROM models) GROUP BY model_id"
        )

    if names:
        # Every spelling seen, mapped or not, so that a later registry can re-resolve it.
        seen = pa.table({"alias": sorted(names), "model_id": [ids[n] for n in sorted(names)]})  # noqa: F841
        con.execute("INSERT OR IGNORE INTO model_aliases SELECT alias, model_id FROM seen")

    for table, rows in parsed.tables.items():
        if not rows:
            continue
        insert_rows(con, origin, table, snapshot_id, rows, ids)
    return snapshot_id


def insert_rows(con, origin: str, table: str, snapshot_id: int, rows: list[dict], ids: dict[str, str]) -> None:
    """Bulk insert through Arrow: thousands of rows in milliseconds, with types from the table."""
    import pyarrow as pa

    columns = list(rows[0])
    data = {c: [r.get(c) for r in rows] for c in columns}
    data["snapshot_id"] = [snapshot_id] * len(rows)
    if "source_model" in data:
        data["model_id"] = [ids[name] for name in data["source_model"]]
    names = ", ".join(f'"{c}"' for c in data)
    try:
        batch = pa.table(data)  # noqa: F841 (read by DuckDB by name below)
        con.execute(f'INSERT INTO "{table}" ({names}) SELECT {names} FROM batch')
    except duckdb.ConstraintException as exc:
        raise InputError(origin, table, f"expected unique rows per snapshot ({_first_line(exc)})") from None
    except (pa.ArrowException, duckdb.Error) as exc:
        raise InputError(origin, table, f"expected values of one type per column ({_first_line(exc)})") from None
