"""Sources and methods: every snapshot with origin, date and sha256; every fit run; the method choices."""

from __future__ import annotations

import json

from horizon.report import data, uncertainty
from horizon.report.context import Context
from horizon.report.markup import Html, esc, fmt_duration, tag
from horizon.report.pages.layout import Body, Page
from horizon.report.tables import Column, table
from horizon.trend.rules import DEFAULT_CEILING_MINUTES

_CEILING_HOURS = f"{DEFAULT_CEILING_MINUTES / 60:g} hours"

METHODS = (
    ("Frontier", "A model is on the frontier if its estimate is at least the highest estimate of every model "
     "released on or before its release date (ties count); p50 and p80 separately."),
    ("Doubling time", "Ordinary least squares of ln(horizon) on release date over frontier models in a window; "
     "doubling time = ln 2 / slope. The default window follows METR’s from_2023_on: frontier models released "
     f"from 2023-01-01, leaving out points whose central p50 exceeds {_CEILING_HOURS}."),
    ("Measurable ceiling", f"METR’s task suites hold nothing much longer than {_CEILING_HOURS} of human time; estimates "
     "above it extrapolate the fitted curve and are marked ▲ in every table and chart."),
    ("Per-model horizon from runs", "Logistic regression of success on log2(human minutes), each run weighted by "
     "1 / (runs of its task) × 1 / √(tasks in its family), L2 penalty on the slope only (C = 10); the horizon at "
     "level q is 2^((logit q − β₀)/β₁). Models that pass or fail every run have no finite horizon and are listed as such."),
    ("Intervals", "Hierarchical bootstrap: resample task families, then tasks within families, then runs; refit "
     "every model on every replicate; 95% interval = 2.5th and 97.5th percentiles."),
    ("Vintages", "Each distinct copy of a published file is its own snapshot, dated by the date in its file name "
     "where it has one, else by when it was retrieved."),
)


def build(ctx: Context) -> Page:
    body = Body()
    body.add(Html('<p class="lede">Where every number comes from: each ingested file (a snapshot, identified by '
                  "its sha256), each fit run with its parameters, and the method choices.</p>"))
    body.text("h2", "Snapshots")
    if ctx.snapshots:
        body.add(snapshots_table(list(ctx.snapshots)))
    else:
        body.empty("Nothing has been ingested yet.", "horizon ingest <file or URL>")

    body.text("h2", "Fit runs")
    runs = data.fit_runs(ctx.con)
    if runs:
        body.add(fits_table(runs))
    else:
        body.empty("No fits have been run yet.", "horizon fit && horizon trend")

    body.text("h2", "Method choices")
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in METHODS)
    body.add(Html(f'<dl class="methods">{items}</dl>'))
    body.section(uncertainty.coverage(ctx.con, "h2"))

    if ctx.thresholds:
        body.text("h2", "Thresholds")
        body.add(
            table(
                list(ctx.thresholds),
                [
                    Column("Threshold", lambda t: t.label),
                    Column("Length", lambda t: fmt_duration(t.minutes), numeric=True),
                    Column("Level", lambda t: f"{t.level}%", numeric=True),
                    Column("Source", lambda t: Html(esc(t.cite) + " " + tag("a", "link", href=t.source))),
                ],
                table_id="thresholds-table",
                caption="Work units: day 8 h, week 40 h, month 167 h, year 2,000 h (data/thresholds.toml).",
            )
        )
    ids = tuple(s.snapshot_id for s in ctx.snapshots)
    return body.page("sources.html", "Sources and methods", ids, updated=ctx.last_updated)


def snapshots_table(snapshots: list[data.Snapshot]) -> Html:
    return table(
        snapshots,
        [
            Column("Id", lambda s: s.snapshot_id, numeric=True),
            Column("Kind", lambda s: s.source_kind),
            Column("Publisher label", lambda s: s.publisher_label or "–"),
            Column("Origin", lambda s: tag("code", s.origin)),
            Column("Retrieved (UTC)", lambda s: s.retrieved_at.strftime("%Y-%m-%d %H:%M")),
            Column("Vintage date", lambda s: s.vintage_date.isoformat()),
            Column("sha256", lambda s: tag("code", s.sha256)),
            Column("Bytes", lambda s: f"{s.bytes:,}", numeric=True),
            Column("Rows", lambda s: f"{s.rows:,}", numeric=True),
            Column("Citation", lambda s: s.citation or "–"),
        ],
        table_id="snapshots-table",
        row_id=lambda s: f"snapshot-{s.snapshot_id}",
    )


def _params(text: str) -> str:
    try:
        return json.dumps(json.loads(text), sort_keys=True, separators=(", ", ": "))
    except (TypeError, ValueError):
        return text


def fits_table(runs: list[data.FitRun]) -> Html:
    return table(
        runs,
        [
            Column("Fit", lambda f: f.fit_id, numeric=True),
            Column("Kind", lambda f: f.kind),
            Column("Created (UTC)", lambda f: f.created_at.strftime("%Y-%m-%d %H:%M")),
            Column("horizon", lambda f: f.code_version),
            Column("Seed", lambda f: "–" if f.seed is None else f.seed, numeric=True),
            Column("Input snapshots", lambda f: _params(f.input_snapshots)),
            Column("Parameters", lambda f: tag("code", _params(f.params))),
        ],
        table_id="fits-table",
        row_id=lambda f: f"fit-{f.fit_id}",
    )
