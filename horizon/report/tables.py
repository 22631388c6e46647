"""HTML tables. Every cell is escaped unless the caller built it as ``Html`` from escaped parts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from horizon.report.markup import Html, esc, fmt_duration, fmt_interval, tag

CEILING_NOTE = "above the measurable ceiling: an extrapolation of the fitted curve, not a measurement"


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[Any], Any]
    numeric: bool = False
    note: str | None = None  # shown as the header's tooltip


class Table(Html):
    """A table's markup, carrying its data downloads for the page to write (``files``)."""

    files: tuple[tuple[str, bytes], ...] = ()


def download_links(item_id: str) -> Html:
    from horizon.report.pages.downloads import paths

    csv_path, json_path = paths(item_id)
    return Html(f'<span class="downloads">Data: {tag("a", "CSV", href=csv_path, download=True)} '
                f'{tag("a", "JSON", href=json_path, download=True)}</span>')


def table(rows: Sequence[Any], columns: Sequence[Column], *, table_id: str, caption: str | None = None,
          row_id: Callable[[Any], str | None] | None = None) -> Table:
    """A plain <table>; ``table_id`` is fixed by the caller so snapshots and links are stable.

    Each cell carries its column header (``data-label``), so on a phone the style sheet can
    stack a row into labelled lines instead of squeezing every column into 390 px.
    """
    from horizon.report.pages.downloads import table_files

    def attrs(**values: Any) -> str:
        return "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in values.items() if v)

    num = {c.header: attrs(class_="num" if c.numeric else None) for c in columns}
    head = "".join(
        f'<th scope="col"{num[c.header]}{attrs(title=c.note)}>{esc(c.header)}</th>' for c in columns
    )
    body = []
    shown = []
    for row in rows:
        rid = row_id(row) if row_id else None
        values = [esc(c.cell(row)) for c in columns]
        shown.append(values)
        cells = "".join(f"<td{num[c.header]}{attrs(data_label=c.header)}>{v}</td>" for c, v in zip(columns, values))
        body.append(f"<tr{attrs(id=rid)}>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    out = Table(
        f'<div class="table-wrap"><table id="{esc(table_id)}">{cap}<thead><tr>{head}</tr></thead>'
        f'<tbody>\n{chr(10).join(body)}\n</tbody></table>{download_links(table_id)}</div>'
    )
    out.files = table_files(table_id, caption, [c.header for c in columns], shown)
    return out


def ceiling_flag(estimate: float | None, ceiling_minutes: float) -> Html:
    """The mark every table puts beside an estimate above the measurable ceiling."""
    if estimate is None or estimate <= ceiling_minutes:
        return Html("")
    return tag("span", f"▲ beyond {ceiling_minutes / 60:g} h", class_="flag", title=CEILING_NOTE)


def estimate_cell(estimate: float | None, ceiling_minutes: float, reason: str | None = None) -> Html:
    if estimate is None:
        words = str(reason).replace("_", " ") if reason else ""  # "all_runs_failed" -> "all runs failed"
        return tag("span", f"no finite horizon{f' ({words})' if words else ''}", class_="muted")
    flag = ceiling_flag(estimate, ceiling_minutes)
    return Html(esc(fmt_duration(estimate)) + (" " + flag if flag else ""))


def interval_cell(low: float | None, high: float | None) -> str:
    return fmt_interval(low, high)
