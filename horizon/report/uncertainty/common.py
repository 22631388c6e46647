"""What every uncertainty section shares: the section record with its data rows, a plain table,
and the words numbers are written in (p-values, shares, dates, "never").

Nothing here reads the clock or the machine: the same store gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeGuard

import duckdb

from horizon.report.markup import Html, esc, join, tag
from horizon.report.tables import Column, Table, table
from horizon.store import named_rows

DATA_DIR = "data"


@dataclass(frozen=True)
class Section:
    """A rendered fragment and the rows of its table, for CSV and JSON downloads.

    ``stem`` names the download files (``data/<stem>.csv``, ``data/<stem>.json``); it holds the
    trend's level and source, never a fit id, so links stay the same from one build to the next.
    """

    html: Html
    rows: tuple[dict[str, Any], ...] = ()
    stem: str = ""

    def files(self) -> tuple[tuple[str, bytes], ...]:
        """(path relative to the site, content) for ``Page.files``: the downloads of its tables
        (exactly the cells shown); a section without a table, its rows; none without either."""
        tables = tuple(getattr(self.html, "files", ()))
        if tables:
            return tables
        if not self.rows or not self.stem:
            return ()
        return ((f"{DATA_DIR}/{self.stem}.csv", csv_bytes(self.rows)), (f"{DATA_DIR}/{self.stem}.json", json_bytes(self.rows)))

    def links(self) -> Html:
        """"Download: CSV JSON" pointing at ``files()``; empty when there is nothing to download
        or its tables link their own."""
        own = getattr(self.html, "files", ())
        if not self.files() or own:
            return Html("")
        parts = [tag("a", kind, href=path) for path, kind in zip((p for p, _ in self.files()), ("CSV", "JSON"))]
        return Html(f'<p class="downloads">Data: {join(parts, " ")}</p>')


def plain(value: Any) -> Any:
    """A cell as CSV and JSON hold it: dates ISO, non-finite numbers None, the rest as is."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def csv_bytes(rows: Sequence[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = list(rows[0])
    writer.writerow(header)
    for row in rows:
        cells = [plain(row.get(k)) for k in header]
        writer.writerow(["" if c is None else ("true" if c is True else "false" if c is False else c) for c in cells])
    return out.getvalue().encode("utf-8")


def json_bytes(rows: Sequence[dict[str, Any]]) -> bytes:
    doc = [{k: plain(v) for k, v in row.items()} for row in rows]
    return (json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


# --- words for numbers -----------------------------------------------------------------------------


def finite(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def p_text(p: float | None) -> str:
    """A simulated p-value: three decimals (replicates come in thousandths), words when missing."""
    if not finite(p):
        return "not available"
    return "< 0.001" if p < 0.0005 else f"{p:.3f}"


def share_text(share: float | None) -> str:
    """A coverage share as a percentage with one decimal."""
    return f"{100 * share:.1f}%" if finite(share) else "not available"


def level_text(level: float) -> str:
    """0.95 -> "95%"; 80 -> "80%"."""
    return f"{level * 100 if level <= 1 else level:g}%"


def iso(day: date | datetime | None) -> str:
    """Dates are UTC calendar days, written ISO (2026-03-01)."""
    if day is None:
        return ""
    return day.date().isoformat() if isinstance(day, datetime) else day.isoformat()


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


# --- markup ----------------------------------------------------------------------------------------


def empty_note(text: str) -> Html:
    """The one-line note a section shows where the store holds nothing for it (the pages' style)."""
    return Html(f'<p class="empty">{esc(text)}</p>')


def section(section_id: str, heading: str, heading_tag: str, *parts: Html) -> Html:
    """The fragment, carrying the data downloads of the tables inside it (``Table.files``)."""
    head = tag(heading_tag, heading) if heading_tag else Html("")
    out = Table(f'<section class="uncertainty" id="{esc(section_id)}">{head}\n' + "\n".join(esc(p) for p in parts)
                + "\n</section>")
    out.files = tuple(f for p in parts for f in getattr(p, "files", ()))
    return out


def simple_table(headers: Sequence[str], body: Sequence[Sequence[Any]], *, table_id: str, caption: str = "",
                 numeric: Sequence[bool] = (), row_ids: Sequence[str | None] = (), notes: Sequence[str | None] = ()) -> Table:
    """A table of given cells through the pages' own table (labelled cells on a phone, a CSV and
    JSON download of exactly the cells shown); ``numeric`` marks right-aligned columns."""

    def cell(i: int) -> Callable[[int], Any]:
        return lambda r: body[r][i]

    columns = [
        Column(h, cell(i), numeric=bool(numeric[i]) if i < len(numeric) else False,
               note=notes[i] if i < len(notes) else None)
        for i, h in enumerate(headers)
    ]
    return table(range(len(body)), columns, table_id=table_id, caption=caption or None,
                 row_id=lambda r: row_ids[r] if r < len(row_ids) else None)


# --- small readers ---------------------------------------------------------------------------------


def model_names(con: duckdb.DuckDBPyConnection, model_ids: Sequence[str]) -> dict[str, str]:
    """{model id: display name} for the ids given; an id the registry lacks names itself."""
    ids = sorted(set(model_ids))
    found = {r["model_id"]: r["display_name"] for r in named_rows(
        con, "SELECT model_id, display_name FROM models WHERE model_id IN (SELECT unnest(?::VARCHAR[]))", [ids])} if ids else {}
    return {m: found.get(m) or m for m in ids}


@dataclass(frozen=True)
class TrendHeader:
    """Which trend a section is about: enough to name it and give its tables stable ids."""

    fit_id: int
    level: int
    source_kind: str
    n_models: int
    ceiling_minutes: float | None

    @property
    def key(self) -> str:
        """p50, p80-runs: the part of table ids and download names that names this trend."""
        return f"p{self.level}" + ("" if self.source_kind == "published" else f"-{self.source_kind}")


def trend_header(con: duckdb.DuckDBPyConnection, fit_id: int | None) -> TrendHeader | None:
    if fit_id is None:
        return None
    found = named_rows(
        con,
        "SELECT fit_id, level, source_kind, n_models, ceiling_minutes FROM trend_fits"
        " WHERE fit_id = ? ORDER BY form = 'exponential' DESC, form LIMIT 1",
        [fit_id],
    )
    return TrendHeader(**found[0]) if found else None
