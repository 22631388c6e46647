"""Provenance of computed results: the ``fits`` row every fit, trend and forecast hangs from.

A row records what produced a result: its kind, parameters, seed, horizon's version and the
snapshots it read. ``record_fit`` writes one; ``identical_fit`` finds an earlier one made with
the same kind, parameters, seed, version and snapshots, so a deterministic computation is not
stored twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import duckdb

from horizon import __version__
from horizon.store import scalar


def _params_json(params: Mapping[str, Any]) -> str:
    return json.dumps(params, sort_keys=True, default=str)


def record_fit(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    params: dict[str, Any],
    input_snapshots: list[int],
    created_at: datetime,
    seed: int | None = None,
) -> int:
    """Insert a row into ``fits`` and return its id. Call inside the caller's transaction."""
    return int(scalar(
        con,
        "INSERT INTO fits (kind, created_at, code_version, params, seed, input_snapshots)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING fit_id",
        [
            kind,
            created_at.replace(tzinfo=None),
            __version__,
            _params_json(params),
            seed,
            json.dumps(sorted(input_snapshots)),
        ],
    ))


def identical_fit(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    params: Mapping[str, Any],
    input_snapshots: Sequence[int],
    seed: int | None = None,
) -> int | None:
    """The first fit of ``kind`` with these parameters, seed and input snapshots, made by this
    version of horizon; None if there is none. Parameters compare as JSON values, so key order
    and number spelling do not matter."""
    wanted = json.loads(_params_json(params))
    snapshots = sorted(int(s) for s in input_snapshots)
    rows = con.execute(
        "SELECT fit_id, params, input_snapshots FROM fits"
        " WHERE kind = ? AND code_version = ? AND seed IS NOT DISTINCT FROM ? ORDER BY fit_id",
        [kind, __version__, seed],
    ).fetchall()
    for fit_id, stored_params, stored_snapshots in rows:
        if json.loads(stored_params) == wanted and sorted(json.loads(stored_snapshots)) == snapshots:
            return int(fit_id)
    return None


def latest_fit(con: duckdb.DuckDBPyConnection, kind: str) -> int | None:
    """The newest fit of ``kind``, for results that depend only on their inputs (an indicator
    evaluation); trends and run-level fits choose theirs by what they were fitted on instead."""
    row = con.execute("SELECT max(fit_id) FROM fits WHERE kind = ?", [kind]).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def cited_sources(con: duckdb.DuckDBPyConnection, snapshot_ids: Sequence[int],
                  urls: Mapping[int, str] | None = None):
    """The published data sets behind ``snapshot_ids``, as citations name them: publisher (from
    the web address the data is published at), title with version, address, version date,
    retrieval date and sha256. ``urls`` gives the address per snapshot where the caller knows
    it better (an indicator series' page); otherwise the rows' own source_url, or the origin when
    it was fetched from the web."""
    from horizon.citation import Source, publication_page, publisher_of

    ids = sorted({int(s) for s in snapshot_ids})
    if not ids:
        return ()
    rows = con.execute(
        "SELECT s.snapshot_id, s.origin, s.sha256, CAST(s.retrieved_at AS DATE), s.publisher_label,"
        " v.published_version,"
        " try_cast(regexp_extract(v.published_version, '\\d{4}-\\d{2}-\\d{2}') AS DATE),"
        " (SELECT min(p.source_url) FROM published_horizons p WHERE p.snapshot_id = s.snapshot_id)"
        " FROM snapshots s JOIN snapshot_versions v USING (snapshot_id)"
        " WHERE list_contains(?, s.snapshot_id) ORDER BY s.snapshot_id",
        [ids],
    ).fetchall()
    out = []
    for sid, origin, sha, retrieved, label, version, issued, row_url in rows:
        fetched = origin if origin.lower().startswith(("http://", "https://")) else None
        url = (urls or {}).get(sid) or row_url or fetched or publication_page(label)
        title = version or label or origin
        out.append(Source(publisher_of(url, label or "unknown publisher"), title, url, issued, retrieved, sha))
    return tuple(out)
