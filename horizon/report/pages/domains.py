"""Domains: time horizons measured on other benchmarks (METR cross-domain, Epoch tables)."""

from __future__ import annotations

from collections import defaultdict

from horizon.report import data
from horizon.report.context import Context
from horizon.report.markup import Html
from horizon.report.pages.layout import Body, Chart, Page
from horizon.report.tables import Column, estimate_cell, table


def records(rows: list[data.BenchmarkHorizon], default_ceiling: float) -> list[dict]:
    out = []
    for r in rows:
        if r.release_date is None:
            continue  # cannot be placed on a time axis; still counted in the table
        ceiling = r.ceiling_minutes or default_ceiling
        out.append(
            dict(benchmark=r.benchmark, model=r.name, date=r.release_date.isoformat(), estimate=r.horizon_minutes,
                 low=r.ci_low, high=r.ci_high, beyond=r.horizon_minutes > ceiling)
        )
    return out


def build(ctx: Context) -> Page:
    body = Body()
    body.add(Html('<p class="lede">Time horizons measured on benchmarks from other domains: the human task '
                  "length at which each model succeeds half the time, per benchmark.</p>"))
    rows = data.benchmark_horizons(ctx.con)
    if not rows:
        body.empty("No cross-domain horizons yet.", "horizon ingest <METR cross-domain all_data.csv>")
        return body.page("domains.html", "Domains", updated=ctx.last_updated)
    body.chart(
        Chart(
            "domains-horizons",
            "Cross-domain horizons",
            ctx.charts.domains_chart(records(rows, ctx.ceiling_minutes), title="Time horizon by benchmark and release date"),
            "One colour per benchmark; ▲ marks estimates above that benchmark’s measurable ceiling "
            f"(its longest tasks, or {ctx.ceiling_minutes / 60:g} h where the source states none).",
        )
    )
    by_bench: dict[str, list[data.BenchmarkHorizon]] = defaultdict(list)
    for r in rows:
        by_bench[r.benchmark].append(r)

    def best(b: str) -> data.BenchmarkHorizon:
        return max(by_bench[b], key=lambda r: (r.horizon_minutes, r.name))

    def released(b: str) -> str:
        day = best(b).release_date
        return day.isoformat() if day else "–"

    def ceiling(b: str) -> float:
        return by_bench[b][0].ceiling_minutes or ctx.ceiling_minutes

    benches = sorted(by_bench)
    body.text("h2", "By benchmark")
    body.add(
        table(
            benches,
            [
                Column("Benchmark", lambda b: b),
                Column("Models", lambda b: len(by_bench[b]), numeric=True),
                Column("Longest horizon", lambda b: estimate_cell(best(b).horizon_minutes, ceiling(b)), numeric=True),
                Column("Held by", lambda b: best(b).name),
                Column("Released", released),
                Column("Snapshot", lambda b: f"#{by_bench[b][0].snapshot_id}", numeric=True),
            ],
            table_id="domains-table",
        )
    )
    ids = tuple(sorted({r.snapshot_id for r in rows}))
    return body.page("domains.html", "Domains", ids, updated=ctx.last_updated)
