"""Recording fit runs: the provenance row every computed result hangs from."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import duckdb

from horizon import __version__


def record_fit(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    params: dict[str, Any],
    input_snapshots: list[int],
    created_at: datetime,
    seed: int | None = None,
) -> int:
    """Insert a row into ``fits`` and return its id. Call inside the caller's transaction."""
    row = con.execute(
        "INSERT INTO fits (kind, created_at, code_version, params, seed, input_snapshots)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING fit_id",
        [
            kind,
            created_at.replace(tzinfo=None),
            __version__,
            json.dumps(params, sort_keys=True, default=str),
            seed,
            json.dumps(sorted(input_snapshots)),
        ],
    ).fetchone()
    return int(row[0])


def latest_fit(con: duckdb.DuckDBPyConnection, kind: str) -> int | None:
    row = con.execute(
        "SELECT max(fit_id) FROM fits WHERE kind = ?", [kind]
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])
