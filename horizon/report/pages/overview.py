"""Overview: horizon against release date, the frontier trend and forecast fan, the headline doubling time."""

from __future__ import annotations

from horizon.report import data, uncertainty
from horizon.report.context import Context
from horizon.report.markup import Html, esc, fmt_days, fmt_days_interval, fmt_number, tag
from horizon.report.pages import trenddata as td
from horizon.report.pages.layout import Body, Chart, Page
from horizon.trend.stored import forecasts as stored_forecasts


def citation_sentence(ctx: Context, fit: data.TrendFit) -> str:
    """The sentence `horizon cite --fit ID` prints for the same fit, word for word."""
    from horizon.trend.cite import sentence
    from horizon.trend.stored import load_stored_trend

    return sentence(load_stored_trend(ctx.con, fit.fit_id))


def publisher_sentence(ctx: Context, claim: data.DoublingClaim) -> str:
    snap = ctx.snapshot(claim.snapshot_id)
    label = snap.vintage_label if snap else f"snapshot #{claim.snapshot_id}"
    interval = (
        f" (95% interval {fmt_days_interval(claim.ci_low, claim.ci_high)} days)"
        if claim.ci_low is not None and claim.ci_high is not None else ""
    )
    sha = f", sha256 {snap.sha256[:12]}…" if snap else ""
    return (
        f"METR’s published doubling time of the frontier 50% time horizon ({claim.window_name}) is "
        f"{fmt_days(claim.point_estimate)} days{interval}, as published in {label} (snapshot #{claim.snapshot_id}{sha})."
    )


def headline_box(value: str, detail: str, sentence: str) -> Html:
    return Html(
        '<section class="headline" aria-labelledby="headline-title">'
        f'<div id="headline-title" class="muted">{esc(detail)}</div>'
        f'<div class="value">{esc(value)}</div>'
        f'<blockquote id="citation-text">{esc(sentence)}</blockquote>'
        '<button type="button" class="copy" data-copy="citation-text">Copy citation</button>'
        "</section>"
    )


def news_line(ctx: Context) -> Html:
    """One line on what the newest publication changed, linking to the changelog on the
    Vintages page (``horizon.changes`` decides what changed; this only says it)."""
    from horizon.changes import publication_changes

    changes = publication_changes(ctx.con)
    c = changes[0] if changes else None
    if c is None or c.previous is None:
        return Html("")
    parts = [f"{len(c.revisions)} estimates revised"]
    if c.models_added:
        parts.append(f"{len(c.models_added)} models added")
    if c.doubling_pct_change is not None:
        parts.append(f"doubling time {c.doubling_pct_change:+.1f}%")
    return Html(f'<p class="news">New in {esc(c.publication.version)} (against {esc(c.previous.version)}): '
                f'{esc(", ".join(parts))}. {tag("a", "What changed", href="vintages.html#changelog")}.</p>')


def build(ctx: Context) -> Page:
    body = Body()
    body.add(Html('<p class="lede">The time horizon is the length of task, measured by how long it takes a human '
                  "expert, that an AI agent completes with a given success rate. It has grown exponentially; this "
                  "page shows by how much, and where the trend leads.</p>"))
    used: set[int] = set()
    trends = data.latest_trend_fits(ctx.con)
    headline = data.headline_snapshots(ctx.con, list(ctx.snapshots))
    latest_headline = headline[-1] if headline else None

    fit50 = td.exponential(data.headline_trend(trends, 50))
    if fit50 and fit50.doubling_days:
        body.add(headline_box(
            f"{fmt_days(fit50.doubling_days)} days",
            f"Doubling time of the frontier {fit50.level}% horizon (horizon’s fit, ≈ {fmt_number(fit50.doubling_months)} months)",
            citation_sentence(ctx, fit50),
        ))
        body.section(uncertainty.doubling_interval(ctx.con, fit50.fit_id))
        body.section(uncertainty.warnings(ctx.con, fit50.fit_id))
    else:
        claims = [c for c in data.publisher_doubling_times(ctx.con) if latest_headline and c.snapshot_id == latest_headline.snapshot_id]
        claim = next((c for c in claims if c.window_name == "from_2023_on"), claims[0] if claims else None)
        if claim is not None:
            body.add(headline_box(f"{fmt_days(claim.point_estimate)} days",
                                  "Doubling time of the frontier 50% horizon, as published by METR", publisher_sentence(ctx, claim)))
            used.add(claim.snapshot_id)
        body.empty("horizon has not fitted its own trend yet; the figure above is the publisher’s.", "horizon trend")

    body.add(news_line(ctx))

    from horizon.report.pages.indicators import overview_board

    body.add(*overview_board(ctx))  # the compact indicator board, linking to the indicators page
    if not trends and latest_headline is None:
        body.empty("No horizons yet.", "horizon ingest <METR benchmark_results YAML>")
        return body.page("index.html", "Overview", updated=ctx.last_updated)

    for level in (50, 80):
        fit = td.exponential(data.headline_trend(trends, level))
        if fit is not None:
            points = td.point_records(data.trend_points(ctx.con, fit.fit_id), ctx.ceiling_minutes)
            forecasts = stored_forecasts(ctx.con, fit.fit_id)
            trend = td.trend_records(fit, td.latest_forecast_date(forecasts))
            fan = td.fan_records(forecasts)
            if fit.snapshot_id is not None:
                used.add(fit.snapshot_id)
        elif latest_headline is not None:
            points = td.headline_records(data.published_horizons(ctx.con, latest_headline.snapshot_id), level, ctx.ceiling_minutes)
            trend, fan, forecasts = [], [], ()
            used.add(latest_headline.snapshot_id)
        else:
            continue
        if not points:
            continue
        body.text("h2", f"{level}% time horizon")
        caption = (
            "Each point is a model with its 95% interval; blue points are on the frontier, ▲ orange points lie above the "
            f"{ctx.ceiling_minutes / 60:g} h measurable ceiling (dashed orange line). Dotted grey lines are thresholds."
        )
        if trend:
            caption += (" The blue line is the exponential frontier trend; its light band spans the slopes of the doubling "
                        "time’s 95% interval. The fan shows when the trend reaches each threshold (80% and 95% intervals).")
        body.chart(
            Chart(
                f"overview-p{level}",
                f"{level}% time horizon against release date",
                ctx.charts.horizon_chart(points, level=level, ceiling_minutes=ctx.ceiling_minutes, trend=trend, fan=fan,
                                     thresholds=td.threshold_records(ctx, level),
                                     title=f"{level}% time horizon of AI agents, by release date"),
                caption,
            )
        )
        if forecasts and fit is not None:
            body.section(uncertainty.forecast(ctx.con, fit.fit_id))
        elif fit is None:
            body.empty(f"No {level}% trend or forecast yet.", "horizon trend")
    return body.page("index.html", "Overview", tuple(sorted(used)), updated=ctx.last_updated)


