"""Indicators: the board, the ladder of AI R&D benchmarks, and the signs of automation inside the labs."""

from __future__ import annotations

from datetime import timedelta

from horizon.report import indicator_charts
from horizon.report.context import Context
from horizon.report.markup import Html, esc, tag
from horizon.report.pages.layout import Body, Chart, Page
from horizon.report.tables import Column, table

FILENAME = "indicators.html"


def _evaluation(ctx: Context):
    """The evaluation `horizon indicators` stores, recomputed read-only (same inputs, same numbers)
    once per build: the overview's board and this page show the same one. None for a data
    directory without the ladder and series files."""
    return ctx.once("indicator_evaluation", lambda: _evaluate(ctx))


def _evaluate(ctx: Context):
    from dataclasses import replace

    from horizon.indicators.store import evaluate, latest_evaluation_id

    data = ctx.config.data_dir
    if not (data / "ladder.toml").is_file() or not (data / "indicators" / "series.toml").is_file():
        return None
    return replace(evaluate(ctx.con, ctx.config), fit_id=latest_evaluation_id(ctx.con))


def overview_board(ctx: Context) -> tuple[Html, ...]:
    """The compact board the overview shows, linking here; nothing without indicator data.

    Separate parts, so the page collects the table's data downloads."""
    ev = _evaluation(ctx)
    if ev is None or not ev.series:
        return ()
    return (tag("h2", "AI R&D automation indicators", id="indicator-board-title"),
            board_table(ev, "overview-indicator-board"),
            tag("p", Html("The ladder of AI R&amp;D benchmarks and every series with its caveats: "
                          + tag("a", "Indicators", href=FILENAME) + ".")))


def board_table(ev, table_id: str = "indicator-board") -> Html:
    from horizon.indicators.present import board_rows

    return table(
        board_rows(ev),
        [
            Column("Indicator", lambda r: tag("a", r["title"], href=f"{FILENAME}#series-{r['series']}")),
            Column("Latest", lambda r: r["value"], numeric=True),
            Column("Date", lambda r: r["date"]),
            Column("Change since previous", lambda r: r["change"]),
            Column("Trend", lambda r: r["trend"]),
            Column("Source", lambda r: tag("a", "source", href=r["source"], title=r["caveat"] or "") if r["source"] else "–"),
        ],
        table_id=table_id,
        caption="Inside the labs: one row per indicator (hover a source for its caveat). Dates marked as not on the"
                " public record are guesses; projected dates are extrapolations of a fitted trend.",
    )


def _unit(br) -> str:
    return "minutes" if br.benchmark.kind == "horizon" else ("%" if br.saturation > 1 else "fraction")


def ladder_tables(ev) -> list[Html]:
    from horizon.indicators.present import STATUS_WORDS, fmt_value, trend_text

    parts = []
    for rr in ev.rungs:
        r = rr.rung
        parts.append(tag("h3", f"Rung {r.number}: {r.name}", id=f"rung-{r.number}"))
        parts.append(tag("p", f"{r.scope}. Status: {rr.status_text}.", class_="muted"))
        if not rr.benchmarks:
            parts.append(Html(f'<p class="empty">Empty rung: {esc(r.gap)}</p>'))
            continue
        parts.append(table(
            list(rr.benchmarks),
            [
                Column("Benchmark", lambda b: tag("a", b.benchmark.title, href=b.benchmark.url)),
                Column("Best", lambda b: fmt_value(b.assessment.best.value, _unit(b)) if b.assessment.best else "–", numeric=True),
                Column("By", lambda b: b.assessment.best.entity if b.assessment.best else "–"),
                Column("Saturates at", lambda b: fmt_value(b.saturation, _unit(b)), numeric=True,
                       note="scores: the ceiling; horizons: the benchmark's longest tasks"),
                Column("Status", lambda b: STATUS_WORDS[b.assessment.status]),
                Column("Trend", lambda b: trend_text(b.assessment, _unit(b), None) or b.assessment.status_text),
            ],
            table_id=f"ladder-rung-{r.number}",
        ))
    return parts


def _ladder_records(ev) -> list[dict]:
    from horizon.indicators.present import fmt_value

    out = []
    for rr in ev.rungs:
        for br in rr.benchmarks:
            if br.benchmark.kind != "score":
                continue
            for p in br.assessment.dated:
                out.append(dict(benchmark=f"{rr.rung.number}: {br.benchmark.title}", model=p.obs.entity,
                                date=p.obs.date.isoformat(), share=min(p.obs.value / br.saturation, 1.0),
                                label=fmt_value(p.obs.value, _unit(br)), frontier=p.frontier))
    return out


def _lab_records(ev) -> tuple[list[dict], list[dict], list[str]]:
    from horizon.indicators.present import fmt_value

    points, trends, order = [], [], []
    for s in ev.series:
        if not s.spec.board:
            continue
        unit = s.unit or s.spec.unit
        order.append(s.spec.title)
        a = s.assessment
        for p in a.dated:
            o = p.obs
            points.append(dict(series=s.spec.name, title=s.spec.title, entity=o.entity, date=o.date.isoformat(),
                               value=o.value, low=o.ci_low, high=o.ci_high, label=fmt_value(o.value, unit),
                               status="fitted" if p.used else "shown, not fitted",
                               note=(o.note or "") + ("" if o.date_known else " date not on the public record")))
        t = a.trend
        if t is not None:
            end = a.reach.point if a.reach and a.reach.point and a.reach.point < t.last + timedelta(days=1000) else t.last
            span = (end - t.first).days
            for i in range(21):
                d = t.first + timedelta(days=round(span * i / 20))
                trends.append(dict(series=s.spec.name, title=s.spec.title, date=d.isoformat(), fit=t.value_at(d)))
    return points, trends, order


def build(ctx: Context) -> Page:
    body = Body()
    body.add(Html('<p class="lede">How far along is the automation of AI research itself? Three kinds of indicator '
                  "(after CSET’s <em>When AI Builds AI</em>, 2026): the time horizon (the other pages), a ladder of AI R&amp;D "
                  "benchmarks from software engineering to strategy, and signs of automation inside the labs. Every "
                  "number carries its source and caveat; projected dates are extrapolations.</p>"))
    ev = _evaluation(ctx)
    if ev is None:
        body.empty("No indicator configuration (data/ladder.toml, data/indicators/series.toml) in this data directory.")
        return body.page(FILENAME, "AI R&D automation indicators", updated=ctx.last_updated)
    if not ev.series and not any(rr.benchmarks and rr.benchmarks[0].assessment.points for rr in ev.rungs):
        body.empty("No indicators in the store yet.", "horizon update")
    body.text("h2", "Indicator board", id="board")
    body.add(board_table(ev))

    body.text("h2", "The ladder of AI R&D benchmarks", id="ladder")
    records = _ladder_records(ev)
    if records:
        body.chart(Chart("indicators-ladder", "Ladder benchmarks against their ceilings",
                         indicator_charts.ladder_chart(records, title="Ladder scores as a share of each benchmark's ceiling"),
                         "Bounded scores of the ladder's benchmarks (rung: name), by model release date; the line joins "
                         "each benchmark's frontier. Horizon benchmarks are in the tables below."))
    body.add(*ladder_tables(ev))

    body.text("h2", "Inside the labs", id="labs")
    points, trends, order = _lab_records(ev)
    if points:
        body.chart(Chart("indicators-labs", "Inside-the-labs indicators on one time axis",
                         indicator_charts.lab_chart(points, trends, series=order, title="Signs of AI R&D automation inside the labs"),
                         "One panel per indicator, each on its own scale; grey points are shown but not fitted (see each "
                         "series' note); whiskers are published intervals; dashed lines are fitted trends, extended to their "
                         "projected level where one is stated (an extrapolation)."))
    from horizon.indicators.present import series_lines

    for s in ev.series:
        if not s.spec.board:
            continue
        body.add(Html(f'<section id="series-{esc(s.spec.name)}">'))
        body.text("h3", s.spec.title)
        lines = series_lines(s)
        body.add(Html("<dl class=\"methods\">" + "".join(
            f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in (line.strip().split(": ", 1) for line in lines[1:5])
        ) + "</dl>"))
        extra = [line.strip() for line in lines[5:] if line.strip().startswith(("trend:", "horizon reproduces"))]
        for line in extra:
            body.text("p", line)
        body.add(Html("</section>"))
    ids = tuple(sorted(set(ev.input_snapshots)))
    return body.page(FILENAME, "AI R&D automation indicators", ids, updated=ctx.last_updated)
