"""Named SQL (queries/NAME.sql) and raw SQL against the store, with several output formats.

SQL runs on a read-only, sandboxed connection (``store.connect(sandbox=True)``): DuckDB itself
refuses file and network access (COPY, EXPORT, ATTACH, INSTALL, LOAD, read_csv of a path or a
URL) and any SET, and horizon runs only SELECT (and EXPLAIN) statements, one at a time.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from horizon.config import Config
from horizon.errors import HorizonError, unknown_name

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    name: str | None = None


def named_queries(queries_dir: Path) -> dict[str, str]:
    """Name -> first comment line (its description)."""
    found = {}
    for path in sorted(queries_dir.glob("*.sql")):
        first = path.read_text(encoding="utf-8").splitlines()[:1]
        found[path.stem] = first[0].lstrip("- ").strip() if first and first[0].startswith("--") else ""
    return found


def open_store(config: Config) -> duckdb.DuckDBPyConnection:
    from horizon.store import connect

    return connect(config.db_path, read_only=True, sandbox=True)


# Statement kinds a query may be: reading only. DuckDB's own parser says which kind each is.
READING_STATEMENTS = ("SELECT", "EXPLAIN")


def check_reading(con: duckdb.DuckDBPyConnection, sql: str, label: str) -> None:
    """One statement that only reads, or a one-line error saying what was found instead."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise HorizonError(f"query {label}: {first}") from None
    if len(statements) != 1:
        raise HorizonError(f"query {label}: expected one SQL statement, got {len(statements)}")
    kind = statements[0].type.name
    if kind not in READING_STATEMENTS:
        raise HorizonError(
            f"query {label}: expected a SELECT statement, got {kind}: `horizon query` only reads"
            " (use `horizon ingest` or `horizon snapshots` to change the store)"
        )


def run_query(config: Config, name_or_sql: str, params: dict[str, str] | None = None,
              con: duckdb.DuckDBPyConnection | None = None) -> QueryResult:
    params = params or {}
    name = None
    if NAME.match(name_or_sql):
        path = config.queries_dir / f"{name_or_sql}.sql"
        if not path.is_file():
            raise unknown_name("query", name_or_sql, named_queries(config.queries_dir),
                               where=f"{config.queries_dir}")
        name, sql = name_or_sql, path.read_text(encoding="utf-8")
    else:
        sql = name_or_sql
    con = con or open_store(config)
    check_reading(con, sql, name or "SQL")
    wanted = set(re.findall(r"\$([A-Za-z_]\w*)", sql))
    missing = sorted(wanted - set(params))
    if missing:
        raise HorizonError(f"query {name or 'SQL'}: expected --param {missing[0]}=VALUE")
    if "model" in wanted:
        _check_model(con, params["model"])
    try:
        cursor = con.execute(sql, {k: v for k, v in params.items() if k in wanted} or None)
        columns = tuple(d[0] for d in cursor.description or ())
        rows = tuple(tuple(r) for r in cursor.fetchall()) if columns else ()
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise HorizonError(f"query {name or 'SQL'}: {first}") from None
    return QueryResult(columns, rows, name)


def _check_model(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """A ``$model`` parameter names a model the store knows (its id, display name or any
    spelling a source used); otherwise the query would print empty rows and look fine."""
    spellings = [r[0] for r in con.execute(
        "SELECT model_id FROM models UNION SELECT display_name FROM models UNION SELECT alias FROM model_aliases"
    ).fetchall() if r[0]]
    if name.casefold() not in {s.casefold() for s in spellings}:
        raise unknown_name("model", name, spellings, where="--param model")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.6g}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def to_records(result: QueryResult) -> list[dict[str, Any]]:
    return [dict(zip(result.columns, row)) for row in result.rows]


def render_table(result: QueryResult) -> str:
    cells = [[_cell(v) for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines)


def render_csv(result: QueryResult) -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([[_cell(v) if not isinstance(v, float) else repr(v) for v in row] for row in result.rows])
    return buffer.getvalue()


def write_result(result: QueryResult, fmt: str, out: str | None) -> None:
    import json

    if fmt == "parquet":
        if not out:
            raise HorizonError("--format parquet: expected --out FILE.parquet (parquet is binary)")
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist(to_records(result)) if result.rows else pa.table({c: [] for c in result.columns})
        write_atomically(out, lambda path: pq.write_table(table, path))
        return
    if fmt == "json":
        rows = [{k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in r.items()}
                for r in to_records(result)]
        text = json.dumps({"query": result.name, "columns": list(result.columns), "rows": rows},
                          indent=2, default=str, allow_nan=False) + "\n"
    elif fmt == "csv":
        text = render_csv(result)
    else:
        text = render_table(result) + "\n"
    if out:
        write_atomically(out, lambda path: Path(path).write_text(text, encoding="utf-8"))
    else:
        sys.stdout.write(text)
        sys.stdout.flush()  # a full disk or a closed pipe is reported now, not lost at exit


def write_atomically(out: str, write) -> None:
    """Write through ``write(temporary path)`` beside ``out``, then rename it over ``out``: a
    full disk or a read-only directory leaves ``out`` as it was, never half-written."""
    target = Path(out)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or Path("."))
    except OSError as exc:
        raise HorizonError(f"{out}: cannot write ({exc.strerror or exc})") from None
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        write(temporary)
        with open(temporary, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise HorizonError(f"{out}: cannot write ({exc.strerror or exc}); left as it was") from None
        raise


def list_models(con: duckdb.DuckDBPyConnection, unmapped_only: bool = False) -> list[dict[str, Any]]:
    rows = con.execute(
        "SELECT m.model_id, m.display_name, m.organisation, m.release_date, m.curated,"
        " list(a.alias ORDER BY a.alias) FILTER (WHERE a.alias IS NOT NULL)"
        " FROM models m LEFT JOIN model_aliases a USING (model_id)"
        + (" WHERE NOT m.curated" if unmapped_only else "")
        + " GROUP BY ALL ORDER BY m.curated DESC, m.release_date NULLS LAST, m.model_id"
    ).fetchall()
    return [
        dict(model_id=r[0], display_name=r[1], organisation=r[2],
             release_date=r[3].isoformat() if r[3] else None, curated=r[4], spellings=r[5] or [])
        for r in rows
    ]
