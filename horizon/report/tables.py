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


def table(rows: Sequence[Any], columns: Sequence[Column], *, table_id: str, caption: str | None = None,
          row_id: Callable[[Any], str | None] | None = None) -> Html:
    """A plain <table>; ``table_id`` is fixed by the caller so snapshots and links are stable."""
    def attrs(**values: Any) -> str:
        return "".join(f' {k.rstrip("_")}="{esc(v)}"' for k, v in values.items() if v)

    num = {c.header: attrs(class_="num" if c.numeric else None) for c in columns}
    head = "".join(
        f'<th scope="col"{num[c.header]}{attrs(title=c.note)}>{esc(c.header)}</th>' for c in columns
    )
    body = []
    for row in rows:
        rid = row_id(row) if row_id else None
        cells = "".join(f"<td{num[c.header]}>{esc(c.cell(row))}</td>" for c in columns)
        body.append(f"<tr{attrs(id=rid)}>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return Html(
        f'<div class="table-wrap"><table id="{esc(table_id)}">{cap}<thead><tr>{head}</tr></thead>'
        f'<tbody>\n{chr(10).join(body)}\n</tbody></table></div>'
    )


def ceiling_flag(estimate: float | None, ceiling_minutes: float) -> Html:
    """The mark every table puts beside an estimate above the measurable ceiling."""
    if estimate is None or estimate <= ceiling_minutes:
        return Html("")
    return tag("span", f"▲ beyond {ceiling_minutes / 60:g} h", class_="flag", title=CEILING_NOTE)


def estimate_cell(estimate: float | None, ceiling_minutes: float, reason: str | None = None) -> Html:
    if estimate is None:
        return tag("span", f"no finite horizon{f' ({reason})' if reason else ''}", class_="muted")
    flag = ceiling_flag(estimate, ceiling_minutes)
    return Html(esc(fmt_duration(estimate)) + (" " + flag if flag else ""))


def interval_cell(low: float | None, high: float | None) -> str:
    return fmt_interval(low, high)
