"""Models: every model's p50 and p80 with intervals, and success against task length per model."""

from __future__ import annotations

import math
from typing import Any

from horizon.report import data
from horizon.report.context import Context
from horizon.report.markup import Html, fmt_duration, slug
from horizon.report.pages.layout import Body, Chart, Page
from horizon.report.tables import Column, estimate_cell, interval_cell, table

CURVE_POINTS = 41  # along log2 minutes from 4 s to 32 h: smooth enough at this size


def pivot(horizons: list[data.Horizon]) -> list[dict[str | int, Any]]:
    """One row per model: its p50 and p80 records side by side (keyed by level), in release order."""
    by_model: dict[str, dict[str | int, Any]] = {}
    for h in horizons:
        row = by_model.setdefault(h.model_id, {"model_id": h.model_id, "name": h.name, "release_date": h.release_date})
        row[h.level] = h
    return sorted(by_model.values(), key=lambda r: (r["release_date"] is None, r["release_date"] or 0, r["name"].casefold()))


def horizons_table(rows_: list[dict[str | int, Any]], table_id: str, ceiling: float, caption: str, frontier: bool = True) -> Html:
    def cell(level: int, what: str):
        def get(r):
            h = r.get(level)
            if h is None:
                return "–"
            if what == "estimate":
                return estimate_cell(h.estimate, ceiling, h.reason)
            if what == "interval":
                return interval_cell(h.ci_low, h.ci_high)
            return "yes" if h.frontier else ("no" if h.frontier is not None else "–")
        return get

    return table(
        rows_,
        [
            Column("Model", lambda r: r["name"]),
            Column("Released", lambda r: r["release_date"].isoformat() if r["release_date"] else "–"),
            Column("p50", cell(50, "estimate"), numeric=True, note="50% time horizon"),
            Column("p50 95% interval", cell(50, "interval"), numeric=True),
            Column("p80", cell(80, "estimate"), numeric=True, note="80% time horizon"),
            Column("p80 95% interval", cell(80, "interval"), numeric=True),
        ] + ([Column("Frontier (p50)", cell(50, "frontier"))] if frontier else []),
        table_id=table_id,
        caption=caption,
        row_id=lambda r: f"{table_id}-{slug(r['model_id'])}",
    )


def fitted_horizons(fit_rows: list[data.FitHorizon], labels: dict[str, str]) -> list[data.Horizon]:
    """Our own run-level fit as Horizon records, one per agent and level (keyed by agent)."""
    out = []
    for r in fit_rows:
        est = r.estimate
        if est is not None and not math.isfinite(est):
            est = None
        out.append(
            data.Horizon(
                model_id=r.source_model, name=labels[r.source_model], release_date=r.release_date,
                level=r.level, estimate=est, ci_low=r.ci_low, ci_high=r.ci_high,
                frontier=None, snapshot_id=None, reason=r.reason,
            )
        )
    return out


def logistic(z: float) -> float:
    """1 / (1 + e^-z) without overflow for any finite z (a slope near zero makes z huge)."""
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def curve_records(fit_rows: list[data.FitHorizon], labels: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """Fitted logistic curves (drawn from the stored coefficients) and p50 rules, one per agent.

    The p50 is the stored fitted horizon, never recomputed here: the fit knows when a slope is
    too flat for a finite horizon (it stores none, with the reason), and 2^(-b0/b1) overflows.
    """
    curves, rules = [], []
    seen = set()
    p50 = {r.source_model: r.estimate for r in fit_rows if r.level == 50}
    for r in fit_rows:
        b0, b1 = r.beta0, r.beta1
        if b0 is None or b1 is None or r.source_model in seen or not (math.isfinite(b0) and math.isfinite(b1)):
            continue
        seen.add(r.source_model)
        name = labels[r.source_model]
        for i in range(CURVE_POINTS):
            x = -4 + 15 * i / (CURVE_POINTS - 1)  # log2 minutes, 1/16 min to 2^11 min
            curves.append(dict(model=name, minutes=2.0**x, p=round(logistic(b0 + b1 * x), 6)))
        m = p50.get(r.source_model)
        if m is not None and math.isfinite(m) and m > 0:
            rules.append(dict(model=name, minutes=m, horizon=fmt_duration(m)))
    return curves, rules


def build(ctx: Context) -> Page:
    body = Body()
    body.add(Html('<p class="lede">Every model’s 50% and 80% time horizon with its 95% interval: as published, '
                  "and as fitted by horizon from run-level results where those exist.</p>"))
    used: set[int] = set()
    headline = data.headline_snapshots(ctx.con, list(ctx.snapshots))
    fit_rows = data.fit_horizon_rows(ctx.con)
    bins = data.run_success_bins(ctx.con)
    names = data.model_names(ctx.con)
    labels = data.agent_labels(
        sorted({(r.source_model, r.model_id) for r in fit_rows} | {(b.source_model, b.model_id) for b in bins}), names
    )

    if fit_rows:
        body.text("h2", "Fitted from runs")
        body.add(horizons_table(pivot(fitted_horizons(fit_rows, labels)), "models-fitted", ctx.ceiling_minutes,
                                "horizon’s own fit: logistic regression per agent, hierarchical bootstrap intervals.", frontier=False))
    # The latest version of each published suite; older versions are on the Vintages page.
    latest: dict[str, data.Snapshot] = {}
    for s in headline:
        latest[s.publisher_label or s.source_kind] = s
    if not latest and not fit_rows:
        body.empty("No horizons yet.", "horizon ingest <METR benchmark_results YAML>")
    for _label, snap in sorted(latest.items(), key=lambda kv: (-kv[1].vintage_date.toordinal(), -kv[1].snapshot_id)):
        body.text("h2", f"Published: {ctx.vintage_label(snap.snapshot_id)}")
        rows_ = pivot(data.published_horizons(ctx.con, snap.snapshot_id))
        body.add(horizons_table(rows_, f"models-s{snap.snapshot_id}", ctx.ceiling_minutes,
                                f"{len(rows_)} models as published in snapshot #{snap.snapshot_id}."))
        used.add(snap.snapshot_id)

    body.text("h2", "Success against task length")
    if bins:
        bin_records = [
            dict(model=labels[b.source_model], minutes=b.minutes_mid, rate=round(b.success_rate, 6), runs=b.runs)
            for b in bins
        ]
        curves, rules = curve_records(fit_rows, labels)
        body.chart(
            Chart(
                "models-success-curves",
                "Success rate against human task length, per model",
                ctx.charts.success_curves(bin_records, curves, rules, ceiling_minutes=ctx.ceiling_minutes,
                                      title="Observed success by task length (one-doubling bins)"
                                      + (" and the fitted curve" if curves else "")),
                "Grey dots: share of runs succeeded in each band of task lengths one doubling wide (size: runs). "
                + ("Blue: the fitted logistic curve; dashed: its p50. " if curves else "Run `horizon fit` to add the fitted curves. ")
                + f"Orange: the {ctx.ceiling_minutes / 60:g} h ceiling.",
            )
        )
        used.update(data.run_snapshot_ids(ctx.con))
        if not curves:
            body.empty("No fitted curves yet.", "horizon fit")
    else:
        body.empty("No run-level results yet, so no success curves.", "horizon ingest <METR all_runs.jsonl>")
    return body.page("models.html", "Models", tuple(sorted(used)), updated=ctx.last_updated)
