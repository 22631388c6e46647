"""An evaluation as text lines (the CLI and `horizon update`) and as JSON documents.

Values are written in their unit (26%, 1.60x, 37.8 min, 64.5%); dates as YYYY-MM-DD; an open
end of an interval as words, never as a number.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from horizon.indicators.series import STATUS_WORDS, Assessment, Observation
from horizon.indicators.store import BenchmarkResult, Evaluation, SeriesResult


def fmt_value(value: float | None, unit: str | None) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    unit = unit or ""
    if unit in ("pct", "%"):
        return f"{value:.3g}%"
    if unit == "pct_time_change":
        return f"{value:+.3g}%"
    if unit.startswith("multiple") or unit == "x":
        return f"{value:.2f}x"
    if unit == "fraction":
        return f"{100 * value:.3g}%"
    if "minutes" in unit:
        return f"{value:.3g} min" if value < 60 else f"{value / 60:.3g} h"
    return f"{value:.3g}"


def _unit(result: BenchmarkResult) -> str:
    b = result.benchmark
    if b.kind == "horizon":
        return "minutes"
    return "%" if b.saturation > 1 else "fraction"


def _when(obs: Observation | None) -> str:
    if obs is None or obs.date is None:
        return "-"
    return obs.date.isoformat() + ("" if obs.date_known else " (date not on the public record)")


def _iso(d: date | None) -> str:
    return d.isoformat() if d else "open"


def trend_text(a: Assessment, unit: str, target_label: str | None) -> str:
    """The trend and its projection in words (empty when there is no trend)."""
    t = a.trend
    if t is None:
        return ""
    parts = []
    if t.form == "exponential" and t.doubling_days:
        lo = 0.6931471805599453 / t.slope_high if t.slope_high > 0 else math.inf
        hi = 0.6931471805599453 / t.slope_low if t.slope_low > 0 else math.inf
        hi_text = "unbounded" if not math.isfinite(hi) else f"{hi:.0f}"
        parts.append(f"doubling every {t.doubling_days:.0f} days (95% CI {lo:.0f} to {hi_text})")
    parts.append(f"fitted to {t.n} points {t.first.isoformat()}..{t.last.isoformat()}")
    r = a.reach
    hit = a.reached
    if hit is not None:
        label = f" ({target_label})" if target_label else ""
        parts.append(f"reached {fmt_value(a.target, unit)}{label} on {hit.day.isoformat()} ({hit.entity},"
                     f" {fmt_value(hit.value, unit)})")
    if r is not None and a.target is not None:
        label = f" ({target_label})" if target_label else ""
        if r.point is None:
            parts.append(f"does not reach {fmt_value(a.target, unit)}{label}: {r.open_reason}")
        else:
            extra = " [extrapolation]" if a.extrapolation else ""
            interval = f"95% CI {_iso(r.low)} to {_iso(r.high)}"
            if r.open_reason:
                interval += f"; {r.open_reason}"
            parts.append(f"reaches {fmt_value(a.target, unit)}{label} on {r.point.isoformat()} ({interval}){extra}")
    return "; ".join(parts)


def ladder_lines(ev: Evaluation) -> list[str]:
    lines = [f"ladder of AI R&D benchmarks (indicators fit {ev.fit_id}; rungs after CSET, When AI Builds AI, 2026)"]
    for rr in ev.rungs:
        r = rr.rung
        lines.append(f"rung {r.number} {r.name} ({r.scope}): {rr.status_text}")
        if not rr.benchmarks:
            lines.append(f"  (empty) {r.gap}")
        for br in rr.benchmarks:
            a, unit = br.assessment, _unit(br)
            best = a.best
            head = (f"  {br.benchmark.title}: best {fmt_value(best.value, unit)} ({best.entity}, {_when(best)})"
                    if best else f"  {br.benchmark.title}: no dated values in the store")
            lines.append(f"{head}; {len(a.dated)} models dated, {len(a.used)} frontier points fitted;"
                         f" {STATUS_WORDS[a.status]}")
            detail = trend_text(a, unit, "near saturation" if br.benchmark.kind == "score" else "its longest tasks")
            if detail:
                lines.append(f"    {detail}")
    return lines


def change_text(a: Assessment, unit: str) -> str:
    latest, previous = a.latest, a.previous
    if latest is None or previous is None:
        return "-"
    if unit in ("pct", "%", "pct_time_change", "score_0_100") or (unit or "").startswith("score"):
        return f"{latest.value - previous.value:+.3g} pt since {previous.day.isoformat()}"
    if previous.value > 0:
        return f"{latest.value / previous.value - 1:+.0%} since {previous.day.isoformat()}"
    return "-"


def board_rows(ev: Evaluation) -> list[dict[str, Any]]:
    """One row per board indicator: latest value, date, change, trend, source."""
    rows = []
    for s in ev.series:
        if not s.spec.board:
            continue
        a, unit = s.assessment, s.unit or s.spec.unit
        latest = a.latest
        trend = STATUS_WORDS[a.status]
        if a.trend is not None and a.reach is not None and a.reach.point is not None:
            trend += f"; {fmt_value(a.target, unit)} by {a.reach.point.isoformat()}" + (" (extrapolation)" if a.extrapolation else "")
        elif a.trend is not None and a.trend.doubling_days:
            trend += f"; doubling {a.trend.doubling_days:.0f} d"
        value = fmt_value(latest.value, unit) if latest else "-"
        if latest is not None and latest.ci_low is not None:
            value += f" ({fmt_value(latest.ci_low, unit)} to {fmt_value(latest.ci_high, unit)})"
        rows.append(dict(series=s.spec.name, title=s.spec.title, value=value, entity=latest.entity if latest else None,
                         date=_when(latest), change=change_text(a, unit), trend=trend, source=s.source_url,
                         caveat=s.caveat))
    return rows


def board_lines(ev: Evaluation) -> list[str]:
    rows = board_rows(ev)
    lines = [f"inside the labs (indicators fit {ev.fit_id})"]
    for r in rows:
        lines.append(f"  {r['title']}: {r['value']} ({r['entity']}, {r['date']}); change {r['change']}; {r['trend']}")
    return lines


def series_lines(s: SeriesResult) -> list[str]:
    a, unit = s.assessment, s.unit or s.spec.unit
    lines = [f"{s.spec.title} [{s.spec.name}]", f"  source: {s.source_url}", f"  method: {s.method}",
             f"  caveat: {s.caveat}", f"  status: {a.status_text}"]
    detail = trend_text(a, unit, s.spec.target_label)
    if detail and a.trend is not None:
        lines.append(f"  trend: {detail} ({'logit-linear' if a.trend.form == 'logit' else 'exponential'},"
                     " OLS; intervals assume independent errors)")
    if s.reproduction is not None:
        r = s.reproduction
        lines.append(f"  horizon reproduces from {r.n_issues} issues ({r.n_ai} with AI allowed, {r.n_imputed} post-review"
                     f" times imputed): {100 * r.effect:+.1f}% time with AI (95% CI {100 * r.ci_low:+.1f}% to"
                     f" {100 * r.ci_high:+.1f}%); {r.method}")
    lines.append(f"  {'date':<10} {'entity':<34} {'value':>16}  note")
    for p in a.points:
        o = p.obs
        value = fmt_value(o.value, unit)
        if o.ci_low is not None:
            value += f" [{fmt_value(o.ci_low, unit)}, {fmt_value(o.ci_high, unit)}]"
        flags = [] if p.used or a.trend is None else [p.reason.replace("_", " ") if p.reason else ""]
        if not o.date_known:
            flags.append("date not on the public record")
        if o.note:
            flags.append(o.note)
        lines.append(f"  {_iso(o.date):<10} {o.entity[:34]:<34} {value:>16}  {'; '.join(f for f in flags if f)}")
    return lines


# ---------------------------------------------------------------------------------- JSON


def _num(v):
    return None if v is None or (isinstance(v, float) and not math.isfinite(v)) else v


def _d(v):
    return v.isoformat() if isinstance(v, date) else v


def assessment_document(a: Assessment) -> dict[str, Any]:
    t, r = a.trend, a.reach
    return {
        "status": a.status,
        "status_text": a.status_text,
        "points": [{"entity": p.obs.entity, "date": _d(p.obs.date), "date_known": p.obs.date_known, "value": p.obs.value,
                    "ci_low": p.obs.ci_low, "ci_high": p.obs.ci_high, "frontier": p.frontier, "used": p.used,
                    "reason": p.reason, "note": p.obs.note} for p in a.points],
        "trend": None if t is None else {
            "form": t.form, "n": t.n, "first": _d(t.first), "last": _d(t.last), "slope_per_year": t.slope_per_year,
            "slope_low_per_year": t.slope_low * 365.25, "slope_high_per_year": t.slope_high * 365.25,
            "ci_level": t.level, "doubling_days": _num(t.doubling_days), "saturation": t.saturation,
        },
        "target": a.target,
        "reach": None if r is None else {"date": _d(r.point), "low": _d(r.low), "high": _d(r.high),
                                         "open_reason": r.open_reason, "extrapolation": a.extrapolation},
    }


def ladder_document(ev: Evaluation) -> dict[str, Any]:
    return {
        "fit_id": ev.fit_id,
        "citation": ev.ladder.citation,
        "near_saturation": ev.ladder.near_saturation,
        "rungs": [{
            "rung": rr.rung.number, "name": rr.rung.name, "scope": rr.rung.scope, "status": rr.status,
            "status_text": rr.status_text, "empty": not rr.benchmarks, "gap": rr.rung.gap,
            "benchmarks": [{
                "id": br.benchmark.id, "title": br.benchmark.title, "kind": br.benchmark.kind,
                "metric": br.benchmark.metric, "source": br.benchmark.source, "saturation": br.saturation,
                "saturation_note": br.saturation_note, "conversion": br.benchmark.conversion,
                "citation": br.benchmark.citation, "url": br.benchmark.url, "snapshots": list(br.snapshot_ids),
                **assessment_document(br.assessment),
            } for br in rr.benchmarks],
        } for rr in ev.rungs],
    }


def series_document(s: SeriesResult) -> dict[str, Any]:
    r = s.reproduction
    return {
        "series": s.spec.name, "title": s.spec.title, "unit": s.unit or s.spec.unit, "source_url": s.source_url,
        "method": s.method, "caveat": s.caveat, "snapshots": list(s.snapshot_ids), "target_label": s.spec.target_label,
        "target_source": s.spec.target_source,
        "reproduction": None if r is None else {"effect": r.effect, "ci_low": r.ci_low, "ci_high": r.ci_high,
                                                "n_issues": r.n_issues, "n_ai": r.n_ai, "n_imputed": r.n_imputed,
                                                "method": r.method},
        **assessment_document(s.assessment),
    }


def indicators_document(ev: Evaluation, names: list[str] | None = None) -> dict[str, Any]:
    chosen = [s for s in ev.series if names is None or s.spec.name in names]
    return {"fit_id": ev.fit_id, "board": board_rows(ev), "series": [series_document(s) for s in chosen]}
