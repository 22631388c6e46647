"""Data downloads: every chart and table on the site as CSV and JSON, with deterministic bytes.

A chart's download is the data drawn in it, read back from its Vega-Lite spec, so the file
cannot drift from the picture; a table's is its cells as shown. Files go under ``data/``,
named by the chart's or table's fixed id.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Sequence
from typing import Any

DATA_DIR = "data"
_TAGS = re.compile(r"<[^>]*>")


def paths(item_id: str) -> tuple[str, str]:
    """The CSV and JSON paths of one chart's or table's data, relative to the site."""
    return f"{DATA_DIR}/{item_id}.csv", f"{DATA_DIR}/{item_id}.json"


def plain(cell: Any) -> str:
    """A cell as a reader sees it: tags dropped, entities decoded (cells are escaped HTML)."""
    return html.unescape(_TAGS.sub("", str(cell))).strip() if cell is not None else ""


def _csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _json(doc: Any) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode("utf-8")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def spec_parts(spec: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each distinct inline data set of a spec, named by the description of the view that
    holds it (layers that share one data set repeat it; it is listed once)."""
    found: list[tuple[str, list[dict[str, Any]]]] = []
    seen: set[str] = set()

    def walk(node: Any, name: str | None) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, name)
            return
        if not isinstance(node, dict):
            return
        own = node.get("description") or name
        values = node.get("data", {}).get("values") if isinstance(node.get("data"), dict) else None
        if isinstance(values, list):
            key = json.dumps([own, values], sort_keys=True, ensure_ascii=False)
            if key not in seen:
                seen.add(key)
                found.append((own or "data", values))
        for child in ("layer", "spec", "hconcat", "vconcat", "concat"):
            if child in node:
                walk(node[child], own)

    walk(spec, None)
    return found


def chart_files(chart_id: str, title: str, spec: dict[str, Any]) -> tuple[tuple[str, bytes], ...]:
    """CSV: one row per data row, with the part of the chart it belongs to; JSON: the parts."""
    parts = spec_parts(spec)
    columns: list[str] = []
    for _, values in parts:
        for row in values:
            for key in row:
                if key not in columns:
                    columns.append(key)
    rows = [[part, *(_csv_value(row.get(c)) for c in columns)] for part, values in parts for row in values]
    csv_path, json_path = paths(chart_id)
    doc = {"chart": chart_id, "title": title, "parts": [{"part": part, "rows": values} for part, values in parts]}
    return (csv_path, _csv(["part", *columns], rows)), (json_path, _json(doc))


def table_files(table_id: str, caption: str | None, header: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> tuple[tuple[str, bytes], ...]:
    """The table's cells as shown, one record per row keyed by column header."""
    cells = [[plain(c) for c in row] for row in rows]
    csv_path, json_path = paths(table_id)
    doc = {"table": table_id, "caption": caption or "", "columns": list(header),
           "rows": [dict(zip(header, row)) for row in cells]}
    return (csv_path, _csv(header, cells)), (json_path, _json(doc))
