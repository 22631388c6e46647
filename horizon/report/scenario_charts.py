"""Charts of the Scenarios page: each scenario's path with its bands, and the evidence overlay.

Builders are pure like those in ``horizon.report.charts`` (records in, a Vega-Lite dict out, no
clock, no auto-named parameters) and share its site configuration and palette.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import altair as alt

from horizon.report.charts import (
    DURATION_LABEL,
    DURATION_TICKS,
    THRESHOLD,
    WIDTH,
    EdgeLabel,
    _config,
    _Inline,
    date_tooltip,
    place_labels,
)

# One colour per scenario on every chart (Okabe-Ito, as the rest of the site).
SCENARIO_COLORS = {
    "amdahl": "#0072B2",
    "explosive": "#D55E00",
    "plateau": "#009E73",
    "expanding_pie": "#CC79A7",
}
READING = "#1f2937"
HEIGHT = 300
YScale = Literal["linear", "log"]


def _color(names: Sequence[str], labels: Sequence[str]) -> alt.Color:
    return alt.Color(
        "label:N", title=None,
        scale=alt.Scale(domain=list(labels), range=[SCENARIO_COLORS.get(n, "#8a94a6") for n in names]),
    )


def _y(field: str, title: str, scale: YScale, domain: Sequence[float], ticks: Sequence[float] | None,
       label_expr: str | None, fmt: str | None) -> alt.Y:
    axis = alt.Axis(values=list(ticks) if ticks else alt.Undefined, labelExpr=label_expr or alt.Undefined,
                    format=fmt or alt.Undefined)
    return alt.Y(f"{field}:Q", title=title, scale=alt.Scale(type=scale, domain=list(domain)), axis=axis)


def _x(field: str = "date") -> alt.X:
    return alt.X(f"{field}:T", title=None, scale=alt.Scale(type="utc"), axis=alt.Axis(format="%Y", tickCount="year"))


AXES: dict[str, tuple[str, YScale, tuple[float, float], Sequence[float], str | None, str | None]] = {
    # quantity: (title, scale, domain, ticks, label expression, format)
    "h80_minutes": ("80% time horizon (human task length)", "log", (1.0, 60.0 * 100_000), DURATION_TICKS, DURATION_LABEL, None),
    "multiplier": ("research multiplier M (× human-only)", "log", (1.0, 10_000.0), (1, 2, 10, 100, 1000, 10_000), None, "~s"),
    "share": ("automatable share f of AI R&D work", "linear", (0.0, 1.0), (0, 0.25, 0.5, 0.75, 1), None, ".0%"),
}


def _clamp(records: Sequence[dict[str, Any]], domain: Sequence[float]) -> list[dict[str, Any]]:
    """Band edges are clamped to the axis; a central value off the axis is left out."""
    lo, hi = domain
    out = []
    for r in records:
        row = dict(r)
        for k in ("lo95", "lo80", "hi80", "hi95"):
            v = row.get(k)
            row[k] = hi if v is None else min(max(v, lo), hi)
        c = row.get("central")
        row["central"] = c if c is not None and lo <= c <= hi else None
        out.append(row)
    return out


def paths_chart(records: Sequence[dict[str, Any]], *, quantity: str, names: Sequence[str], labels: Sequence[str],
                start: str, rules: Sequence[dict[str, Any]] = (), title: str) -> dict[str, Any]:
    """Every scenario's path of one quantity: its central run (line) and 80% band (area).

    ``records``: name, label, date, central, lo80, hi80 (lo95, hi95 ignored here).
    ``rules``: value, text: horizontal reference lines (levels of M, thresholds of h).
    """
    inline = _Inline()
    y_title, scale, domain, ticks, label_expr, fmt = AXES[quantity]
    rows = _clamp(records, domain)
    color = _color(names, labels)
    layers: list[alt.Chart] = []
    if rules:
        shown = [r for r in rules if domain[0] <= r["value"] <= domain[1]]
        if scale == "log":  # labels of close lines would overlap: place them as the horizon chart does
            spots = place_labels([r["value"] for r in shown], domain, HEIGHT)
        else:
            spots = [("left", r["value"]) for r in shown]
        base = alt.Chart(inline.data([dict(r, label_at=at, label_side=side) for r, (side, at) in zip(shown, spots)]))
        y = _y("value", y_title, scale, domain, ticks, label_expr, fmt)
        layers.append(base.mark_rule(color=THRESHOLD, strokeDash=[2, 3], strokeWidth=1).encode(y=y))
        edges: tuple[EdgeLabel, ...] = (("left", "left", alt.value(4)), ("right", "right", alt.value({"expr": "width - 4"})))
        for side, align, x in edges:
            layers.append(base.transform_filter(f"datum.label_side === '{side}'").mark_text(
                align=align, baseline="bottom", fontSize=10, color=THRESHOLD).encode(
                y=_y("label_at", y_title, scale, domain, ticks, label_expr, fmt), x=x, text="text:N"))
    # The start label sits at the foot of its line, below the paths and clear of the threshold labels.
    start_row = alt.Chart(inline.data([{"date": start, "text": "start: the scenarios leave the fitted trend"}]))
    layers.append(start_row.mark_rule(color=THRESHOLD, strokeWidth=1).encode(x=_x()))
    layers.append(start_row.mark_text(align="left", baseline="bottom", dx=4, dy=-4, fontSize=10, color=THRESHOLD).encode(
        x=_x(), y=alt.value(HEIGHT), text="text:N"))
    base = alt.Chart(inline.data(rows))
    layers.append(base.mark_area(opacity=0.16).encode(
        x=_x(), y=_y("lo80", y_title, scale, domain, ticks, label_expr, fmt), y2=alt.Y2("hi80:Q"), color=color))
    layers.append(base.transform_filter("isValid(datum.central)").mark_line(strokeWidth=2).encode(
        x=_x(), y=_y("central", y_title, scale, domain, ticks, label_expr, fmt), color=color,
        tooltip=[alt.Tooltip("label:N", title="scenario"), date_tooltip(title="date"),
                 alt.Tooltip("central:Q", title="central", format=".3~r"),
                 alt.Tooltip("lo80:Q", title="80% low", format=".3~r"), alt.Tooltip("hi80:Q", title="80% high", format=".3~r")],
    ))
    chart = alt.layer(*layers, width=WIDTH, height=HEIGHT, title=title)
    return _config(chart, inline)


def evidence_chart(bands: Sequence[dict[str, Any]], readings: Sequence[dict[str, Any]], *, kind: str,
                   names: Sequence[str], labels: Sequence[str], y_title: str, title: str) -> dict[str, Any]:
    """One indicator against every scenario's band on its own axis: 95% (faint) and 80% bands,
    the central run, and the readings with their noise (+- 1.96 sd).

    ``bands``: name, label, date, central, lo95, lo80, hi80, hi95. ``readings``: date, value, low,
    high, note.
    """
    inline = _Inline()
    values = [v for r in readings for v in (r["low"], r["high"])]
    scale: YScale
    if kind == "multiplier":
        lo = min([0.5] + values) / 1.3
        hi = max([4.0] + values) * 1.3
        scale, ticks, fmt = "log", None, "~s"
    else:
        lo, hi, scale, ticks, fmt = 0.0, 1.0, "linear", (0, 0.25, 0.5, 0.75, 1), ".0%"
    domain = (lo, hi)
    rows = _clamp(bands, domain)
    color = _color(names, labels)

    def y(field):
        return _y(field, y_title, scale, domain, ticks, None, fmt)

    base = alt.Chart(inline.data(rows))
    points = alt.Chart(inline.data([dict(r, low=min(max(r["low"], lo), hi), high=min(max(r["high"], lo), hi))
                                    for r in readings]))
    chart = alt.layer(
        base.mark_area(opacity=0.08).encode(x=_x(), y=y("lo95"), y2=alt.Y2("hi95:Q"), color=color),
        base.mark_area(opacity=0.18).encode(x=_x(), y=y("lo80"), y2=alt.Y2("hi80:Q"), color=color),
        base.transform_filter("isValid(datum.central)").mark_line(strokeWidth=1.5).encode(x=_x(), y=y("central"), color=color),
        points.mark_rule(color=READING, strokeWidth=1.2).encode(x=_x(), y=y("low"), y2=alt.Y2("high:Q")),
        points.mark_point(filled=True, size=36, color=READING, shape="diamond").encode(
            x=_x(), y=y("value"),
            tooltip=[date_tooltip(title="date"), alt.Tooltip("value:Q", title="reading", format=".3~r"),
                     alt.Tooltip("low:Q", title="noise low", format=".3~r"),
                     alt.Tooltip("high:Q", title="noise high", format=".3~r"), alt.Tooltip("note:N", title="note")],
        ),
        width=WIDTH, height=240, title=title,
    )
    return _config(chart, inline)
