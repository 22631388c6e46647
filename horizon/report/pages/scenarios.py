"""Scenarios: what the 80% horizon trend implies for AI R&D under the four dynamics, with bands,
the crossing dates, the evidence overlay, and every equation and parameter with its citation."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from typing import Any

from horizon.errors import HorizonError
from horizon.report import data
from horizon.report.context import Context
from horizon.report.markup import Html, esc, fmt_days, fmt_days_interval, fmt_duration, tag
from horizon.report.pages.layout import Body, Chart, Page
from horizon.report.tables import Column, table

FILENAME = "scenarios.html"
OVERLAY_AFTER_DAYS = 365   # the evidence overlay runs a year past the last reading or first separation
TITLE = "Scenarios"
MULTIPLIER_RULES = tuple({"value": v, "text": f"{v:g}x"} for v in (2, 10, 100, 1000))
PATHS = (
    ("h80_minutes", "scenarios-horizon", "The 80% time horizon under each scenario",
     "Under feedback the horizon leaves the fitted trend at the start date (grey line); dotted lines are the 80% thresholds."),
    ("multiplier", "scenarios-multiplier", "The research multiplier M under each scenario",
     "M = 1 / ((1 − f) + f / v): AI R&D output relative to human-only work; dotted lines at 2x, 10x, 100x, 1000x."),
    ("share", "scenarios-share", "The automatable share f of AI R&D work under each scenario",
     "f is the work-weighted success of METR’s fitted curve over the assumed spread of AI R&D task lengths, capped at f_max."),
)


def _label(title: str) -> str:
    return title[0].upper() + title[1:]


def _date(d) -> str:
    return "never" if d is None else d.isoformat()


def _x(v) -> str:
    return "unbounded" if v is None or not math.isfinite(v) else f"{v:.3g}x"


def _span(lo, hi) -> str:
    return "–" if lo is None and hi is None else f"{_date(lo)} – {_date(hi)}"


def build(ctx: Context) -> Page:
    body = Body()
    body.add(Html(
        '<p class="lede">What the measured 80% time-horizon trend implies for AI research and development under the four '
        "dynamics experts argue over (CSET, <em>When AI Builds AI</em>, January 2026): an explosive multiplier, a plateau, "
        "Amdahl’s law and an expanding pie. <strong>These are scenarios, not predictions</strong>: each applies one camp’s "
        "mechanism to the same measured trend, and the bands carry the trend’s own uncertainty.</p>"
    ))
    try:
        from horizon.scenarios.store import load

        stored = load(ctx.con) if data.has_table(ctx.con, "scenario_runs") else None
    except HorizonError:
        stored = None
    if stored is None:
        body.empty("No scenarios yet.", "horizon scenarios")
        return body.page(FILENAME, TITLE, updated=ctx.last_updated)
    run = stored.run
    outcomes = stored.outcomes
    names = [o["scenario"] for o in outcomes]
    labels = [_label(o["title"]) for o in outcomes]
    label_of = dict(zip(names, labels))
    body.add(Html(
        '<section class="headline" aria-labelledby="scenario-run">'
        f'<div id="scenario-run" class="muted">Scenarios fit #{stored.fit_id}, starting {esc(run["start_date"].isoformat())}</div>'
        f"<p>Started from the 80% horizon trend doubling every {esc(fmt_days(run['doubling_days']))} days (95% interval "
        f"{esc(fmt_days_interval(run['doubling_ci_low'], run['doubling_ci_high']))}, {esc(run['interval_method'])}), "
        f"{esc(fmt_duration(run['h_start_minutes']))} at the start date; {run['n_draws']:,} draws of that trend from the sampling distribution its interval describes"
        + (", with every parameter drawn over its stated range" if run["param_draws"] else "")
        + f", seed {run['seed']}. Parameters: <code>{esc(json.loads(stored.fit['params'])['parameters']['file'])}</code>.</p>"
        "</section>"
    ))
    bands = stored.bands(ctx.con)
    body.text("h2", "Paths")
    body.text("p", "Each line is a scenario’s central run (the fitted trend and the parameters below); the shaded band "
                   "spans 80% of the draws. Before the start date every scenario follows the fitted trend.", class_="muted")
    from horizon.report import scenario_charts

    rules: dict[str, tuple[dict[str, Any], ...]] = {
        "multiplier": MULTIPLIER_RULES,
        "h80_minutes": tuple({"value": t.minutes, "text": t.label} for t in ctx.thresholds if t.level == 80),
    }
    # The stored bands may reach further back (to an indicator's baseline); the paths start where the model's own history does.
    from horizon.scenarios.run import HISTORY_DAYS

    since = run["start_date"] - timedelta(days=HISTORY_DAYS)
    for quantity, chart_id, title, caption in PATHS:
        records = [dict(name=b["scenario"], label=label_of.get(b["scenario"], b["scenario"]), date=b["day"].isoformat(),
                        central=b["central"], lo80=b["lo80"], hi80=b["hi80"])
                   for b in bands if b["quantity"] == quantity and b["day"] >= since]
        body.chart(Chart(chart_id, title, scenario_charts.paths_chart(
            records, quantity=quantity, names=names, labels=labels, start=run["start_date"].isoformat(),
            rules=rules.get(quantity, ()), title=title), caption))

    body.text("h2", "When the multiplier crosses 2x, 10x, 100x, 1000x")
    body.add(crossing_table(stored.crossings, outcomes, label_of))
    body.text("h2", "When the horizon reaches each threshold, under feedback")
    body.add(threshold_table(stored.crossings, names, label_of))

    body.text("h2", "Evidence: the inside-the-lab indicators against the scenarios")
    evidence_section(body, stored, bands, names, labels, label_of)

    body.text("h2", "Equations")
    first = outcomes[0]
    body.text("p", "Shared by every scenario (the bridge from the horizon h to the automatable share f, and Amdahl’s law):")
    body.add(_equations(json.loads(first["common_equations"])))
    for o in outcomes:
        body.text("h3", label_of[o["scenario"]])
        body.text("p", f"The camp’s view: {o['camp']}", class_="muted")
        body.add(_equations(json.loads(o["equations"])))
    body.text("p", "Feedback law: g₀ is the fitted trend’s growth rate; M_s the multiplier at the start date (so every "
                   "scenario leaves the start on the trend); h_b(t) the fitted trend itself (its growing inputs keep it "
                   "there, progress beyond it meets ideas getting harder, β = λ / r); in the feedback scenarios the AI "
                   "workforce that fixed compute runs grows with capability, v = v₀ · h / h_s. Integrated with DOP853 "
                   "(rtol 1e-9) in the progress ln h; checked against the closed forms in tests.", class_="muted")

    body.text("h2", "Parameters")
    body.add(parameter_table(stored.parameters))
    ids = tuple(sorted(s["snapshot_id"] for s in stored.snapshots))
    return body.page(FILENAME, TITLE, ids, updated=ctx.last_updated)


def _equations(lines: list[str]) -> Html:
    return Html("<ul>" + "".join(f"<li><code>{esc(line)}</code></li>" for line in lines) + "</ul>")


def crossing_table(crossings: tuple[dict[str, Any], ...], outcomes, label_of: dict[str, str]) -> Html:
    rows = []
    for o in outcomes:
        for c in crossings:
            if c["scenario"] == o["scenario"] and c["kind"] == "multiplier":
                rows.append(dict(c, what=f"M ≥ {c['target']}"))
        if o["blowup_n_never"] is not None:
            rows.append(dict(scenario=o["scenario"], what="h → ∞ (blow-up)", status="crosses",
                             date_central=o["blowup_date"], date_median=o["blowup_median"], lo80=o["blowup_lo80"],
                             hi80=o["blowup_hi80"], lo95=o["blowup_lo95"], hi95=o["blowup_hi95"],
                             n_never=o["blowup_n_never"], n_draws=None, bound_central=None))

    def note(r):
        if r["status"] == "never":
            text = (f"never: approaches {_x(r['bound_central'])} (80%: {_x(r.get('bound_lo80'))} – {_x(r.get('bound_hi80'))})"
                    if r.get("bound_central") is not None else "never within the model’s range")
            crossing = (r["n_draws"] or 0) - (r["n_never"] or 0)
            return text + (f"; {crossing} of {r['n_draws']} draws cross" if crossing > 0 else "")
        return f"{r['n_never']} draws never" if r.get("n_never") else ""

    return table(
        rows,
        [
            Column("Scenario", lambda r: label_of.get(r["scenario"], r["scenario"])),
            Column("Event", lambda r: r["what"]),
            Column("Central", lambda r: _date(r["date_central"]), numeric=True, note="the fitted trend and the parameters in force"),
            Column("Median", lambda r: _date(r["date_median"]), numeric=True),
            Column("80% interval", lambda r: _span(r["lo80"], r["hi80"]) if r["status"] != "never" else "–", numeric=True),
            Column("95% interval", lambda r: _span(r["lo95"], r["hi95"]) if r["status"] != "never" else "–", numeric=True),
            Column("Note", note),
        ],
        table_id="scenario-crossings",
        caption="Dates over the draws; “never” means the median draw never gets there, and names the bound M approaches.",
    )


def threshold_table(crossings: tuple[dict[str, Any], ...], names: list[str], label_of: dict[str, str]) -> Html:
    by: dict[str, dict[str, dict]] = {}
    for c in crossings:
        if c["kind"] == "horizon":
            by.setdefault(c["target"], {"label": c["label"]})[c["scenario"]] = c

    def cell(name):
        def f(row):
            c = row.get(name)
            if c is None:
                return "–"
            if c["date_central"] is None and c["status"] == "never":
                return "never"
            return Html(esc(_date(c["date_central"])) + "<br>" + tag("span", f"80%: {_span(c['lo80'], c['hi80'])}", class_="muted"))
        return f

    return table(
        list(by.values()),
        [Column("Threshold", lambda r: r["label"])] + [Column(label_of[n], cell(n), numeric=True) for n in names],
        table_id="scenario-thresholds",
        caption="Central date and 80% interval at which the 80% horizon reaches each threshold of data/thresholds.toml "
                "(50% thresholds through the success curve’s slope). Amdahl’s scenario has no feedback: its dates are the trend’s.",
    )


def evidence_section(body: Body, stored, bands, names, labels, label_of) -> None:
    from horizon.report import scenario_charts

    run = stored.run
    if not stored.evidence:
        body.empty(
            "This scenarios fit was run without indicator readings (the store has no indicator table yet)."
            " Run it against the published files to fill in this section:",
            "horizon scenarios --indicators ../shared/data/indicators",
        )
        return
    body.text("p", f"Readings from {run['evidence_source']}. Each indicator is drawn on its own axis: an observed multiplier "
                   "against M (or M over the indicator’s own baseline period), an observed share against f. A reading is "
                   "consistent with a scenario when the reading ± 1.96 of its noise overlaps the scenario’s 95% band. The "
                   "bands separate when they lie further apart than 1.96 times the series’ noise: from then on one reading "
                   "could tell the camps apart.", class_="muted")
    series = list(dict.fromkeys(e["series"] for e in stored.evidence))
    summary_rows = []
    for s in series:
        rows = [e for e in stored.evidence if e["series"] == s]
        first = rows[0]
        dates = sorted({e["day"] for e in rows})
        seps = [x for x in stored.separations if x["series"] == s and x["first_date"] is not None]
        best = min(seps, key=lambda x: x["first_date"]) if seps else None
        summary_rows.append(dict(series=s, label=first["label"], kind=first["kind"], n=len(dates), rows=rows, best=best,
                                 noise=first["noise"], baseline=(first["baseline_from"], first["baseline_to"]),
                                 source=first["source"]))
        readings = []
        for d in dates:
            e = next(x for x in rows if x["day"] == d)
            if e["kind"] == "multiplier":
                low, high = e["value"] * math.exp(-1.96 * e["noise"]), e["value"] * math.exp(1.96 * e["noise"])
            else:
                low, high = e["value"] - 1.96 * e["noise"], e["value"] + 1.96 * e["noise"]
            readings.append(dict(date=d.isoformat(), value=e["value"], low=low, high=high, note=e["note"] or ""))
        until = max([dates[-1]] + ([best["first_date"]] if best else [])) + timedelta(days=OVERLAY_AFTER_DAYS)
        records = [dict(name=b["scenario"], label=label_of.get(b["scenario"], b["scenario"]), date=b["day"].isoformat(),
                        central=b["central"], lo95=b["lo95"], lo80=b["lo80"], hi80=b["hi80"], hi95=b["hi95"])
                   for b in bands if b["quantity"] == f"series:{s}" and b["day"] <= until]
        if first["kind"] == "share":
            y_title = "share of AI R&D work (f)"
        elif first["baseline_from"] is not None:
            y_title = f"M relative to {first['baseline_from'].isoformat()} – {first['baseline_to'].isoformat()}"
        else:
            y_title = "multiplier M"
        noise = sorted(e["noise"] for e in rows)[len(rows) // 2]
        notes = {e["note"] for e in rows}
        caveat = (f" Caveat: {first['note']}." if len(notes) == 1 and first["note"]
                  else " Each reading’s caveats are in its tooltip." if any(notes) else "")
        caption = (f"{first['source']}. Noise (sd{', median over readings' if len({e['noise'] for e in rows}) > 1 else ''}):"
                   f" {noise:.3g}{' in ln units' if first['kind'] == 'multiplier' else ''}. Diamonds are readings with ±1.96 sd;"
                   f" bands are each scenario’s 80% (darker) and 95% ranges.{caveat}")
        body.chart(Chart(f"scenarios-evidence-{s.replace('_', '-')}", first["label"], scenario_charts.evidence_chart(
            records, readings, kind=first["kind"], names=names, labels=labels, y_title=y_title, title=first["label"]),
            caption))

    def count(name):
        def f(r):
            mine = [e for e in r["rows"] if e["scenario"] == name]
            inside = sum(e["status"].startswith("inside") for e in mine)
            return f"{inside} / {sum(bool(e['consistent']) for e in mine)} of {len(mine)}"
        return f

    body.add(table(
        summary_rows,
        [Column("Indicator", lambda r: r["label"]), Column("Kind", lambda r: r["kind"]),
         Column("Readings", lambda r: r["n"], numeric=True)]
        + [Column(label_of[n], count(n), numeric=True, note="inside the 95% band / consistent within noise, of all readings")
           for n in names]
        + [Column("Bands apart by more than the noise from", lambda r: "not within the window" if r["best"] is None else
                  f"{r['best']['first_date'].isoformat()} ({label_of[r['best']['scenario_a']]} vs {label_of[r['best']['scenario_b']]})")],
        table_id="scenario-evidence",
        caption="Per indicator and scenario: readings inside the scenario’s 95% band / readings consistent with it within their noise.",
    ))
    body.add(table(
        [x for x in stored.separations],
        [Column("Indicator", lambda x: x["series"]),
         Column("Scenarios", lambda x: f"{label_of[x['scenario_a']]} vs {label_of[x['scenario_b']]}"),
         Column("First date apart", lambda x: _date(x["first_date"]) if x["first_date"] else "not within the window", numeric=True),
         Column("Searched from", lambda x: x["from_date"].isoformat(), numeric=True)],
        table_id="scenario-separations",
        caption="Every pair: the first date the two 95% bands lie further apart than 1.96 times the indicator’s noise.",
    ))


def parameter_table(parameters: tuple[dict[str, Any], ...]) -> Html:
    def cite(p):
        link = tag("a", "source", href=p["source"]) if p["source"] else Html("")
        return Html(esc(p["cite"]) + (" " + link if link else ""))

    return table(
        list(parameters),
        [
            Column("Parameter", lambda p: Html(tag("code", p["name"]) + "<br>" + esc(p["label"]))),
            Column("Value", lambda p: f"{p['value']:g}" + (f" (from {p['overridden_from']})" if p["overridden_from"] else ""), numeric=True),
            Column("Default", lambda p: f"{p['default_value']:g}", numeric=True),
            Column("Range", lambda p: f"{p['range_low']:g} – {p['range_high']:g} ({p['scale']})", numeric=True),
            Column("Unit", lambda p: p["unit"] or "–"),
            Column("Citation", cite),
        ],
        table_id="scenario-parameters",
        caption="Every parameter with its default, the range overrides and draws must stay in, and where it comes from.",
    )
