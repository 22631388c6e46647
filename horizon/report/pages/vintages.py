"""Vintages: how each published estimate, and the publisher's doubling time, moved between versions.

METR revises its headline file in place (same URL, new numbers); every copy we ingested is its
own snapshot, so the revisions can be shown side by side.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from horizon.changes import DoublingFigure, PublicationChange, publication_changes
from horizon.report import data
from horizon.report.context import Context
from horizon.report.markup import Html, esc, fmt_days, fmt_days_interval, fmt_duration, slug, tag
from horizon.report.pages.layout import Body, Chart, Page
from horizon.report.tables import Column, estimate_cell, table

# Revisions smaller than this are rounding in the published file, not a change of estimate.
REL_TOLERANCE = 0.005


def classify(previous: float | None, current: float | None) -> str:
    if previous is None:
        return "first published"
    if current is None:
        return "unchanged"
    ratio = current / previous
    if ratio > 1 + REL_TOLERANCE:
        return "revised up"
    if ratio < 1 - REL_TOLERANCE:
        return "revised down"
    return "unchanged"


def vintage_records(ctx: Context, horizons: list[data.Horizon], order: list[int], level: int) -> list[dict]:
    """One record per model and version, compared with the last version that had that model."""
    by_snapshot: dict[int, dict[str, data.Horizon]] = defaultdict(dict)
    for h in horizons:
        if h.level == level and h.snapshot_id is not None:  # one without is in no version of ``order``
            by_snapshot[h.snapshot_id][h.model_id] = h
    last: dict[str, float | None] = {}
    out = []
    for sid in order:
        for model_id, h in sorted(by_snapshot[sid].items()):
            previous = last.get(model_id)
            out.append(
                dict(
                    model=h.name, model_id=model_id, vintage=ctx.vintage_label(sid), snapshot_id=sid,
                    estimate=h.estimate, low=h.ci_low, high=h.ci_high, previous=previous,
                    change=classify(previous, h.estimate),
                )
            )
            last[model_id] = h.estimate
    return out


def build(ctx: Context) -> Page:
    body = Body()
    body.add(Html('<p class="lede">How each published horizon estimate and the publisher’s own doubling time '
                  "changed between the published versions ingested so far.</p>"))
    headline = data.headline_snapshots(ctx.con, list(ctx.snapshots))
    if not headline:
        body.empty("No published headline results yet.", "horizon ingest <METR benchmark_results YAML>")
        return body.page("vintages.html", "Vintages", updated=ctx.last_updated)
    order = [s.snapshot_id for s in headline]
    labels = [ctx.vintage_label(sid) for sid in order]
    horizons = data.published_horizons(ctx.con)
    changelog(body, publication_changes(ctx.con), ctx.ceiling_minutes)
    if len(order) == 1:
        body.empty("Only one published version has been ingested, so there is nothing to compare yet.",
                   "horizon ingest <an older or newer copy of the file>")

    for level in (50, 80):
        records = vintage_records(ctx, horizons, order, level)
        if not records:
            continue
        body.text("h2", f"p{level} estimates by published version")
        body.chart(
            Chart(
                f"vintages-p{level}",
                f"Published p{level} horizons by version",
                ctx.charts.vintage_chart(records, level=level, vintages=labels, ceiling_minutes=ctx.ceiling_minutes,
                                     title=f"Published p{level} horizon of each model, by published version"),
                "Each line is one model; colour says how its estimate moved since the last version that listed it. "
                f"The dashed line is the {ctx.ceiling_minutes / 60:g} h measurable ceiling.",
            )
        )
        if level == 50:
            body.add(changes_table(ctx, records, labels))

    claims = data.publisher_doubling_times(ctx.con)
    body.text("h2", "The publisher’s doubling time by version")
    if claims:
        records = [
            dict(vintage=ctx.vintage_label(c.snapshot_id), window=c.window_name, days=c.point_estimate, low=c.ci_low, high=c.ci_high)
            for c in sorted(claims, key=lambda c: (order.index(c.snapshot_id) if c.snapshot_id in order else len(order), c.window_name))
        ]
        claim_labels = [lab for lab in labels if any(r["vintage"] == lab for r in records)]
        body.chart(
            Chart("vintages-doubling", "Publisher doubling time by version",
                  ctx.charts.doubling_chart(records, vintages=claim_labels, title="Doubling time of the frontier p50 horizon, as published"),
                  "from_2023_on: METR’s fit over frontier models released from 2023 on (with its 95% interval); "
                  "all_time_stitched: their fit over all models since 2019.")
        )
        body.add(
            table(
                records,
                [
                    Column("Version", lambda r: r["vintage"]),
                    Column("Window", lambda r: r["window"]),
                    Column("Doubling time (days)", lambda r: fmt_days(r["days"]), numeric=True),
                    Column("95% interval (days)", lambda r: fmt_days_interval(r["low"], r["high"]), numeric=True),
                ],
                table_id="vintages-doubling-table",
            )
        )
    else:
        body.empty("No published doubling times in the ingested files.")
    return body.page("vintages.html", "Vintages", tuple(order), updated=ctx.last_updated)


def changes_table(ctx: Context, records: list[dict], labels: list[str]) -> Html:
    """Every model that appears in more than one version, with its p50 in each."""
    by_model: dict[str, dict[str, dict]] = defaultdict(dict)
    names = {}
    for r in records:
        by_model[r["model_id"]][r["vintage"]] = r
        names[r["model_id"]] = r["model"]
    revised = sorted((m for m, v in by_model.items() if len(v) > 1), key=lambda m: names[m].casefold())
    if not revised:
        return Html("")
    def in_version(lab: str) -> Callable[[str], Html | str]:
        return lambda m: estimate_cell(by_model[m][lab]["estimate"], ctx.ceiling_minutes) if lab in by_model[m] else "–"

    columns = [Column("Model", lambda m: names[m])]
    for lab in labels:
        columns.append(Column(lab, in_version(lab), numeric=True))

    def last_change(m: str) -> str:
        seen = [by_model[m][lab] for lab in labels if lab in by_model[m]]
        first, final = seen[-2]["estimate"], seen[-1]["estimate"]
        if not first or final is None:
            return "–"
        return f"{(final / first - 1) * 100:+.1f}%"

    columns.append(Column("Last revision", last_change, numeric=True, note="change between the last two versions listing the model"))
    return table(revised, columns, table_id="vintages-p50-table",
                 caption="p50 horizon of each model listed in more than one version", row_id=lambda m: "vintage-" + slug(m))


def _figure(f: DoublingFigure | None) -> str:
    if f is None or f.days is None:
        return "none"
    source = f"horizon’s trend fit #{f.fit_id}" if f.source == "trend" else "as published by METR"
    interval = f", 95% interval {fmt_days_interval(f.ci_low, f.ci_high)}" if f.ci_low is not None else ""
    return f"{fmt_days(f.days)} days ({source}{interval})"


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names) if names else "none"


def changelog(body: Body, changes: tuple[PublicationChange, ...], ceiling_minutes: float) -> None:
    """Per publication, newest first: models added and dropped, estimates revised (with the %
    change) and the headline doubling time moving. ``horizon.changes`` decides every rule
    (publication order, what counts as a revision, which doubling times compare); this only
    shows its answer, the same one `horizon update` prints."""
    body.text("h2", "What changed in each publication", id="changelog")
    if not changes:
        body.empty("No publications yet.")
        return
    for c in changes:
        pub = c.publication
        anchor = f"changes-{pub.publication_id}"
        body.text("h3", pub.version or f"publication #{pub.publication_id}", id=anchor)
        if c.previous is None:
            body.text("p", f"First publication of {pub.suite or 'its suite'} in the store: {pub.n_models} models with a "
                           f"50% estimate. Doubling time: {_figure(c.doubling_now)}.")
            continue
        moved = c.doubling_pct_change
        moved_text = "" if moved is None else f" ({moved:+.1f}%)"
        items = [
            f"Compared with {c.previous.version}.",
            f"Models added: {_names(c.models_added)}.",
            f"Models dropped: {_names(c.models_dropped)}.",
            f"Estimates revised: {len(c.revisions)}.",
            f"Doubling time: {_figure(c.doubling_then)} → {_figure(c.doubling_now)}{moved_text}.",
        ]
        body.add(Html("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"))
        if c.revisions:
            body.add(table(
                list(c.revisions),
                [
                    Column("Model", lambda r: r.model),
                    Column("Level", lambda r: f"p{r.level}", numeric=True),
                    Column("Before", lambda r: fmt_duration(r.old_minutes), numeric=True),
                    Column("After", lambda r: estimate_cell(r.new_minutes, ceiling_minutes), numeric=True),
                    Column("Change", lambda r: tag("span", f"{r.pct_change:+.1f}%",
                                                   class_="down" if r.pct_change < 0 else "up"), numeric=True),
                ],
                table_id=f"changes-{pub.publication_id}-revisions",
                caption=f"Estimates revised in {pub.version} against {c.previous.version}, largest change first.",
            ))
