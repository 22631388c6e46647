"""Chart builders: plain records in, a Vega-Lite spec (a dict) out.

Builders are pure: no database, no files, no clock. Dates arrive as ISO strings and use UTC
scales, so a chart renders the same in every time zone and in vl-convert's exports. Nothing
here creates Altair selections or other auto-named parameters, whose names come from a
process-wide counter and would make two builds differ.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import altair as alt

from horizon.report.markup import fmt_duration, fmt_interval

WIDTH = 720
HEIGHT = 380
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

# One palette for the whole site; colour-blind safe (Okabe-Ito), in a fixed order.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FRONTIER = "#0072B2"
OTHER = "#8a94a6"
CEILING = "#D55E00"
THRESHOLD = "#6b7280"
UNKNOWN_LAB = "lab not recorded"
LABEL_PX = 13  # height of a 10 px label with its leading: labels closer than this overlap
LAB_PARAM = "lab"  # the one named parameter: fixed name, so two builds give the same spec

# Minutes shown on log axes as human durations.
DURATION_LABEL = (
    "datum.value < 1 ? format(datum.value * 60, '.2~r') + ' s'"
    " : datum.value < 60 ? format(datum.value, '.2~r') + ' min'"
    " : format(datum.value / 60, '~s') + ' h'"
)
DURATION_TICKS = [1 / 60, 1 / 6, 1, 4, 15, 60, 240, 960, 60 * 40, 60 * 167, 60 * 2000, 60 * 20000]

# Version labels are long ("METR-Horizon-v1.1 (2026-02-22) #5"): set at an angle, ends
# aligned under their band, they never run into each other even at phone width.
VERSION_AXIS = alt.Axis(labelAngle=-35, labelAlign="right", labelBaseline="middle", labelLimit=220, labelPadding=4,
                        labelExpr="replace(datum.label, /^METR-Horizon-/, '')")


def status_domain(ceiling_minutes: float) -> list[str]:
    """Point statuses of the horizon chart; the ceiling is the shown trend's, never a literal."""
    return ["frontier", "not frontier", f"beyond {ceiling_minutes / 60:g} h ceiling"]
STATUS_RANGE_COLOR = [FRONTIER, OTHER, CEILING]
STATUS_RANGE_SHAPE = ["circle", "circle", "triangle-up"]


class _Inline:
    """Stands in for each chart's inline data while Altair assembles the spec.

    Altair deep-copies and validates every value of inline data several times while layering
    and serialising a chart (~70% of a page's build time here). Each data set is handed to
    Altair as a named placeholder instead, and its rows are put back in the finished dict:
    the same spec, built in a fraction of the time. One placeholder per data object, so
    layers that share data (and may be merged by Altair) still share it.
    """

    def __init__(self) -> None:
        self._rows: dict[str, list[Any]] = {}

    def data(self, values: Iterable[Any]) -> alt.Data:
        token = f"horizon-inline-{len(self._rows)}"
        self._rows[token] = list(values)
        return alt.Data(name=token)

    def fill(self, node: Any) -> Any:
        if isinstance(node, dict):
            if len(node) == 1 and node.get("name") in self._rows:
                return {"values": _plain(self._rows[node["name"]])}
            return {k: self.fill(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self.fill(v) for v in node]
        return node


def _plain(value: Any) -> Any:
    """A fresh copy of JSON-like rows, as Altair's serialiser would give (lists for tuples)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not alt.Undefined}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@functools.lru_cache(maxsize=1)
def _site_config_json() -> str:
    """The chart configuration every chart shares, exactly as Altair writes it (theme defaults included).

    A constant of the code and the Altair version; kept as text so no caller can change it.
    """
    chart = alt.Chart().mark_point().configure(font=FONT, background="#ffffff").configure_axis(
        labelFontSize=11, titleFontSize=12, gridColor="#e5e7eb", domainColor="#9ca3af", tickColor="#9ca3af"
    ).configure_legend(labelFontSize=11, titleFontSize=12, orient="bottom", direction="horizontal", columns=4).configure_view(
        stroke=None
    ).configure_title(fontSize=14, anchor="start")
    return json.dumps(chart.to_dict(validate=False)["config"])


def _config(chart: alt.TopLevelMixin, inline: _Inline) -> dict[str, Any]:
    # Set on an empty chart, not on this one: each configure_* call deep-copies every layer,
    # which costs more than the rest of the chart. Schema validation costs ~0.2 s a chart;
    # the tests validate every spec instead.
    spec = chart.to_dict(validate=False)
    spec["config"] = json.loads(_site_config_json())
    return inline.fill(spec)


class _Axes:
    """Shared x (release date) and y (log minutes) encodings for every layer of one chart.

    Every layer repeats the same scale, axis and title, so Vega-Lite merges them into one axis
    instead of joining the field names of each layer into the title.
    """

    def __init__(self, y_title: str, y_domain: Sequence[float], x_domain: Sequence[str] | None = None,
                 x_title: str = "Release date"):
        self.y_title = y_title
        self.y_scale = alt.Scale(type="log", domain=list(y_domain))
        self.x_title = x_title
        self.x_scale = alt.Scale(type="utc", domain=list(x_domain)) if x_domain else alt.Scale(type="utc")

    def y(self, field: str) -> alt.Y:
        return alt.Y(
            f"{field}:Q", title=self.y_title, scale=self.y_scale,
            axis=alt.Axis(values=DURATION_TICKS, labelExpr=DURATION_LABEL),
        )

    def y2(self, field: str) -> alt.Y2:
        return alt.Y2(f"{field}:Q")

    def x(self, field: str = "date") -> alt.X:
        return alt.X(f"{field}:T", title=self.x_title, scale=self.x_scale, axis=alt.Axis(format="%Y", tickCount="year"))


def _status(point: dict[str, Any], domain: list[str]) -> str:
    if point.get("beyond"):
        return domain[2]
    return domain[0] if point.get("frontier") else domain[1]


def _log_domain(values: Iterable[float | None], pad: float = 1.6) -> list[float]:
    found = [v for v in values if v is not None and v > 0]
    if not found:
        return [0.1, 1000.0]
    return [min(found) / pad, max(found) * pad]


def _band_width(band: str) -> float:
    """'80%' -> 80.0; unparseable labels sort first."""
    try:
        return float(str(band).rstrip("%"))
    except ValueError:
        return 0.0


def date_tooltip(field: str = "date", title: str = "released") -> alt.Tooltip:
    """A date as 2025-04-16, formatted in UTC (a field drawn on a time axis is parsed to a
    timestamp, which a plain nominal tooltip would print as epoch milliseconds)."""
    return alt.Tooltip(f"{field}:T", timeUnit="utcyearmonthdate", format="%Y-%m-%d", title=title)


def _point_tooltip(level: int | str) -> list[alt.Tooltip]:
    return [
        alt.Tooltip("model:N", title="model"),
        alt.Tooltip("lab:N", title="lab"),
        date_tooltip(),
        alt.Tooltip("horizon:N", title=f"p{level} horizon"),
        alt.Tooltip("interval:N", title="95% interval"),
        alt.Tooltip("status:N", title="status"),
    ]


def duration_words(minutes: float | None, ceiling_minutes: float | None = None) -> str:
    """A duration for a tooltip, with words where a number would mislead (see markup.fmt_duration)."""
    text = fmt_duration(minutes)
    if minutes is not None and ceiling_minutes is not None and math.isfinite(minutes) and minutes > ceiling_minutes:
        text += f" (beyond the {ceiling_minutes / 60:g} h ceiling)"
    return text


def _with_words(point: dict[str, Any], ceiling_minutes: float) -> dict[str, Any]:
    return dict(point, horizon=duration_words(point.get("estimate"), ceiling_minutes),
                interval=fmt_interval(point.get("low"), point.get("high")), lab=point.get("lab") or UNKNOWN_LAB)


def place_labels(lines: Sequence[float], domain: Sequence[float], height: float,
                 obstacles: Sequence[float] = (), fixed: Sequence[tuple[str, float, float]] = ()
                 ) -> list[tuple[str, float]]:
    """Where to put the label of each horizontal line in ``lines``: (side, height of the
    label's bottom in minutes on the chart's log axis), side "left" or "right".

    A label sits just above or just below its line, at the left or the right end, so that no
    two labels on one side overlap, no line (of ``lines`` or ``obstacles``) strikes through a
    label, and no label covers a ``fixed`` one (side, bottom, top in minutes). A small search
    finds the placement with fewest collisions, then fewest labels moved from above-left.
    Positions are computed in pixels of the drawn chart, whose height and log domain are
    fixed, so every browser shows the same layout.
    """
    lo, hi = math.log(domain[0]), math.log(domain[1])
    per_px = (hi - lo) / height

    def px(m: float) -> float:
        return (math.log(m) - lo) / per_px

    order = sorted(range(len(lines)), key=lambda i: lines[i])
    own = [px(lines[i]) for i in order]
    rules = [px(m) for m in [*lines, *obstacles] if m > 0]
    fixed_px = [(side, px(b), px(t)) for side, b, t in fixed]
    spots = [("left", 0), ("left", 1), ("right", 0), ("right", 1)]  # 0: above the line, 1: below

    def box(k: int, spot: tuple[str, int]) -> tuple[str, float, float]:
        bottom = own[k] + 2 if spot[1] == 0 else own[k] - 2 - LABEL_PX
        return spot[0], bottom, bottom + LABEL_PX

    def cost(k: int, b: tuple[str, float, float], placed: list[tuple[str, float, float]]) -> int:
        side, bottom, top = b
        n = (bottom < 0) + (top > height)
        n += sum(bottom - 1 < r < top + 1 for r in rules if abs(r - own[k]) > 0.5)
        n += sum(side == s and bottom < t and b2 < top for s, b2, t in [*placed, *fixed_px])
        return n

    best: list = [None, (math.inf, math.inf)]

    def search(k: int, placed: list, collided: int, moved: int) -> None:
        if (collided, moved) >= best[1]:
            return
        if k == len(own):
            best[0], best[1] = list(placed), (collided, moved)
            return
        for i, spot in enumerate(spots):
            b = box(k, spot)
            search(k + 1, [*placed, b], collided + cost(k, b, placed), moved + (i > 0))

    search(0, [], 0, 0)
    out: list[tuple[str, float]] = [("left", 0.0)] * len(lines)
    for k, i in enumerate(order):
        side, bottom, _ = best[0][k]
        out[i] = (side, math.exp(lo + bottom * per_px))
    return out


# Text placements Vega-Lite accepts, as types: a misspelt one fails the type check, not the chart.
TextAlign = Literal["left", "center", "right"]
TextBaseline = Literal["alphabetic", "top", "middle", "bottom", "line-top", "line-bottom"]
# Where a threshold label sits: (side of the plot, its align, its x), left then right.
EdgeLabel = tuple[str, TextAlign, Any]

# Where a frontier label sits beside its point: (align, baseline, dx, dy), tried in this order.
LABEL_SPOTS: tuple[tuple[TextAlign, TextBaseline, int, int], ...] = (
    ("right", "bottom", -6, -3), ("left", "top", 6, 3), ("left", "bottom", 6, -3), ("right", "top", -6, 3),
)
CHAR_PX = 5.8  # mean width of a 10 px sans-serif character


def place_point_labels(points: Sequence[tuple[float, float, str]], width: float, height: float,
                       lines: Sequence[float] = ()) -> list[int | None]:
    """For points given in chart pixels (x right, y up) with their label, the index into
    LABEL_SPOTS of a spot where the label overlaps no other label, no point and no
    horizontal line at a height in ``lines``, or None (left unlabelled; its tooltip still
    names it). Earlier points are labelled first."""
    marks = [(x - 4, y - 4, x + 4, y + 4) for x, y, _ in points]
    taken: list[tuple[float, float, float, float]] = []
    out: list[int | None] = []
    for x, y, text in points:
        w = CHAR_PX * len(text)
        chosen = None
        for k, (align, baseline, dx, dy) in enumerate(LABEL_SPOTS):
            x0 = x + dx - w if align == "right" else x + dx
            y0 = y - dy if baseline == "bottom" else y - dy - LABEL_PX  # dy is screen-down
            box = (x0, y0, x0 + w, y0 + LABEL_PX)
            if box[0] < 0 or box[2] > width or box[1] < 0 or box[3] > height:
                continue
            own = (x - 4, y - 4, x + 4, y + 4)
            if any(box[1] - 1 < y_line < box[3] + 1 for y_line in lines):
                continue
            if any(_overlap(box, b) for b in taken) or any(_overlap(box, m) for m in marks if m != own):
                continue
            chosen = k
            taken.append(box)
            break
        out.append(chosen)
    return out


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _day(iso: Any) -> float:
    """Day number of an ISO date string (or a date: callers outside the site may pass one)."""
    from datetime import date

    return float(date.fromisoformat(str(iso)[:10]).toordinal())


def _ceiling_layers(inline: _Inline, ax: _Axes, ceiling_minutes: float, below: bool = True) -> list[alt.Chart]:
    """The measurable ceiling: a dashed rule with its label (below the line unless a threshold
    line runs there), on every horizon chart."""
    base = alt.Chart(inline.data([{"minutes": ceiling_minutes, "label": f"measurable ceiling ({ceiling_minutes / 60:g} h)"}]),
                     description="ceiling")
    return [
        base.mark_rule(color=CEILING, strokeDash=[6, 4], strokeWidth=1.5).encode(y=ax.y("minutes")),
        base.mark_text(align="right", baseline="top" if below else "bottom", dy=3 if below else -3, fontSize=10,
                       color=CEILING).encode(y=ax.y("minutes"), x=alt.value({"expr": "width - 4"}), text="label:N"),
    ]


def _lab_filter(labs: Sequence[str]) -> alt.Parameter:
    """A dropdown under the chart that highlights one lab's models (the rest fade)."""
    return alt.param(
        name=LAB_PARAM, value="all labs",
        bind=alt.binding_select(options=["all labs", *labs], name="Highlight lab "),
    )


HIGHLIGHT = f"{LAB_PARAM} === 'all labs' || datum.lab === {LAB_PARAM}"


def _point_layers(inline: _Inline, ax: _Axes, data: list[dict[str, Any]], level: int | str,
                  domain: list[str], highlight: bool = False) -> list[alt.Chart]:
    """Estimates with 95% intervals; colour and shape say frontier / beyond the ceiling."""
    color = alt.Color("status:N", title=None, scale=alt.Scale(domain=domain, range=STATUS_RANGE_COLOR))
    base = alt.Chart(inline.data(data), description="models")
    opacity = (alt.condition(HIGHLIGHT, alt.value(0.95), alt.value(0.12)) if highlight else alt.value(0.95))
    rule_opacity = (alt.condition(HIGHLIGHT, alt.value(0.55), alt.value(0.08)) if highlight else alt.value(0.55))
    return [
        base.transform_filter("isValid(datum.low) && isValid(datum.high)").mark_rule(strokeWidth=1.2).encode(
            x=ax.x(), y=ax.y("low"), y2=ax.y2("high"), color=color, opacity=rule_opacity
        ),
        base.mark_point(filled=True, size=60).encode(
            x=ax.x(),
            y=ax.y("estimate"),
            color=color,
            opacity=opacity,
            shape=alt.Shape("status:N", title=None, scale=alt.Scale(domain=domain, range=STATUS_RANGE_SHAPE)),
            tooltip=_point_tooltip(level),
        ),
    ]


NARROW_WIDTH = 290   # the plot's width on a phone (390 px screen less margins and the axis)
NARROW_BELOW = 560   # charts narrower than this use the phone's label layout


def _frontier_labels(ax: _Axes, base: alt.Chart, highlight: bool) -> list[alt.Chart]:
    """Names of the frontier models beside their points, each at the spot ``place_point_labels``
    chose for it at the chart's nominal width (``label_spot``) or, on a narrow screen, at a
    phone's width (``label_spot_narrow``); a label that fits nowhere is left to the tooltip."""
    chosen = f"(width < {NARROW_BELOW} ? datum.label_spot_narrow : datum.label_spot)"
    layers = []
    for k, (align, baseline, dx, dy) in enumerate(LABEL_SPOTS):
        shown = f"{chosen} === {k}"
        tests = ([{"test": f"{shown} && ({HIGHLIGHT})", "value": 1.0}, {"test": shown, "value": 0.15}] if highlight
                 else [{"test": shown, "value": 1.0}])
        layers.append(
            base.transform_filter(f"datum.label_spot === {k} || datum.label_spot_narrow === {k}").mark_text(
                align=align, baseline=baseline, dx=dx, dy=dy, fontSize=10, color="#1f2937",
            ).encode(x=ax.x(), y=ax.y("estimate"), text="model:N", opacity={"condition": tests, "value": 0})
        )
    return layers


def _iso_day(day: float) -> str:
    from datetime import date

    return date.fromordinal(round(day)).isoformat()


def _label_frontier(data: list[dict[str, Any]], domain: Sequence[float], days: tuple[float, float],
                    ceiling_minutes: float) -> None:
    """Set ``label_spot`` on frontier points, newest first (the ones readers look for), laid
    out for the chart's nominal size; the chart grows on wider screens, so spacing only grows."""
    lo, hi = math.log(domain[0]), math.log(domain[1])
    frontier = sorted((r for r in data if r.get("frontier") and r.get("estimate")), key=lambda r: str(r["date"]), reverse=True)
    others = [r for r in data if not r.get("frontier") and r.get("estimate")]

    def xy(r: dict[str, Any], width: float) -> tuple[float, float, str]:
        x = (_day(r["date"]) - days[0]) / (days[1] - days[0]) * width
        y = (math.log(r["estimate"]) - lo) / (hi - lo) * HEIGHT
        return x, y, str(r["model"])

    # Non-frontier points are obstacles only: they come last, so they never take a spot first.
    for key, width in (("label_spot", WIDTH), ("label_spot_narrow", NARROW_WIDTH)):
        spots = place_point_labels([xy(r, width) for r in frontier] + [xy(r, width) for r in others], width, HEIGHT,
                                   lines=[(math.log(ceiling_minutes) - lo) / (hi - lo) * HEIGHT])
        for r, spot in zip(frontier, spots):
            r[key] = spot


def horizon_chart(
    points: Sequence[dict[str, Any]],
    *,
    level: int,
    ceiling_minutes: float,
    trend: Sequence[dict[str, Any]] = (),
    fan: Sequence[dict[str, Any]] = (),
    thresholds: Sequence[dict[str, Any]] = (),
    title: str,
) -> dict[str, Any]:
    """Horizon against release date on a log scale: intervals, frontier trend, fan, thresholds.

    ``points``: model, date, estimate, low, high, frontier, beyond, lab (may be None).
    ``trend``: date, fit, low, high (the fitted line and its band). ``fan``: band (e.g. "80%"),
    minutes, start, end, label: the dates between which the trend reaches each threshold.
    ``thresholds``: label, minutes. Frontier models are named on the chart; a dropdown
    highlights one lab's models.
    """
    inline = _Inline()
    statuses = status_domain(ceiling_minutes)
    data = [dict(_with_words(p, ceiling_minutes), status=_status(p, statuses))
            for p in sorted(points, key=lambda p: (str(p.get("date") or ""), str(p.get("model") or "")))]
    domain = _log_domain(
        [*(p.get("low") or p.get("estimate") for p in points), *(p.get("high") or p.get("estimate") for p in points),
         ceiling_minutes, *(t["minutes"] for t in thresholds), *(r["minutes"] for r in fan)]
    )
    # A fixed time domain (every date drawn, padded), so label spots can be computed here.
    days = [_day(d) for d in [*(p["date"] for p in data), *(r["date"] for r in trend),
                              *(r[k] for r in fan for k in ("start", "end"))] if d]
    span = (max(days) - min(days)) or 365.0
    x_domain = [_iso_day(min(days) - 0.03 * span), _iso_day(max(days) + 0.03 * span)]
    ax = _Axes(f"{level}% time horizon (human task length)", domain, x_domain)
    _label_frontier(data, domain, (_day(x_domain[0]), _day(x_domain[1])), ceiling_minutes)
    labs = sorted({r["lab"] for r in data if r["lab"] != UNKNOWN_LAB}, key=str.casefold)
    highlight = len(labs) > 1

    layers: list[alt.Chart] = []
    # A threshold line just under the ceiling would strike through the ceiling's label: then
    # the label goes above the ceiling line instead.
    per_px = math.log(domain[1] / domain[0]) / HEIGHT
    below = not any(0 < math.log(ceiling_minutes / t["minutes"]) / per_px < LABEL_PX + 4 for t in thresholds)
    if thresholds:
        shift = math.exp(per_px * (3 + LABEL_PX))
        ceiling_box = (("right", ceiling_minutes / shift, ceiling_minutes / math.exp(3 * per_px)) if below
                       else ("right", ceiling_minutes * math.exp(3 * per_px), ceiling_minutes * shift))
        spots = place_labels([t["minutes"] for t in thresholds], domain, HEIGHT, obstacles=[ceiling_minutes],
                             fixed=[ceiling_box])
        rows = [dict(t, label_minutes=h, label_side=side) for t, (side, h) in zip(thresholds, spots)]
        rules = alt.Chart(inline.data(rows), description="thresholds")
        layers.append(rules.mark_rule(color=THRESHOLD, strokeDash=[2, 3], strokeWidth=1).encode(y=ax.y("minutes")))
        edges: tuple[EdgeLabel, ...] = (("left", "left", alt.value(4)), ("right", "right", alt.value({"expr": "width - 4"})))
        for side, align, x in edges:
            layers.append(
                rules.transform_filter(f"datum.label_side === '{side}'").mark_text(
                    align=align, baseline="bottom", fontSize=10, color=THRESHOLD).encode(
                    y=ax.y("label_minutes"), x=x, text="label:N"
                )
            )
    layers.extend(_ceiling_layers(inline, ax, ceiling_minutes, below=below))
    # Widest band first and faintest, so the narrower ones read as darker cores. The fan is
    # drawn sideways: at each threshold height, the span of dates the trend reaches it.
    bands = sorted({r["band"] for r in fan}, key=_band_width, reverse=True)
    for i, band in enumerate(bands):
        rows_ = sorted((dict(r, aria=f"{r['label']}: {band} interval {r['start']} to {r['end']}")
                        for r in fan if r["band"] == band), key=lambda r: r["minutes"])
        layers.append(
            alt.Chart(inline.data(rows_), description=f"forecast fan {band}").mark_area(
                color=FRONTIER, opacity=0.10 + 0.08 * i, orient="horizontal").encode(
                x=ax.x("start"), x2=alt.X2("end:T"), y=ax.y("minutes"),
                # The default screen-reader text formats ``end`` in local time; this one is fixed.
                description=alt.Description("aria:N"),
                tooltip=[alt.Tooltip("label:N", title="threshold"), alt.Tooltip("band:N", title="interval"),
                         date_tooltip("start", "from"), date_tooltip("end", "to")],
            )
        )
    if trend:
        base = alt.Chart(inline.data(list(trend)), description="trend")
        if any(r.get("low") is not None for r in trend):
            layers.append(
                base.transform_filter("isValid(datum.low)").mark_area(color=FRONTIER, opacity=0.15).encode(
                    x=ax.x(), y=ax.y("low"), y2=ax.y2("high")
                )
            )
        layers.append(base.mark_line(color=FRONTIER, strokeWidth=2).encode(x=ax.x(), y=ax.y("fit")))
    point_layers = _point_layers(inline, ax, data, level, statuses, highlight)
    layers.extend(point_layers)
    layers.extend(_frontier_labels(ax, alt.Chart(point_layers[0].data, description="models"), highlight))
    chart = alt.layer(*layers, width=WIDTH, height=HEIGHT, title=title)
    if highlight:
        chart = chart.add_params(_lab_filter(labs))
    return _config(chart, inline)


def success_curves(
    bins: Sequence[dict[str, Any]],
    curves: Sequence[dict[str, Any]] = (),
    horizons: Sequence[dict[str, Any]] = (),
    *,
    ceiling_minutes: float,
    columns: int = 3,
    title: str,
) -> dict[str, Any]:
    """Small multiples, one per model: observed success by task length and the fitted curve.

    ``bins``: model, minutes (bin middle), rate, runs. ``curves``: model, minutes, p (the
    fitted logistic). ``horizons``: model, minutes (the fitted p50, drawn as a rule).
    """
    inline = _Inline()
    lo, hi = 1 / 60 * 4, 60 * 32
    rows_ = [dict(r, layer="observed") for r in bins]
    rows_ += [dict(r, layer="fit") for r in curves]
    # A p50 off the axis (a fitted curve too flat to cross 50% inside it) would be drawn
    # outside its panel and push the panels apart: only rules inside the axis are drawn.
    rows_ += [dict(r, layer="p50") for r in horizons if lo <= r["minutes"] <= hi]
    x_scale = alt.Scale(type="log", domain=[lo, hi])
    x = alt.X(
        "minutes:Q", title="Human task length", scale=x_scale,
        axis=alt.Axis(values=[1 / 15, 1, 4, 15, 60, 240, 960], labelExpr=DURATION_LABEL, labelOverlap=True, labelSeparation=4),
    )
    y = alt.Y("rate:Q", title="Success rate", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%", values=[0, 0.5, 1]))
    base = alt.Chart()
    layers = [
        base.transform_filter("datum.layer === 'observed'").mark_circle(color=OTHER, opacity=0.85, clip=True).encode(
            x=x, y=y,
            size=alt.Size("runs:Q", title="runs in bin", scale=alt.Scale(range=[10, 160]), legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("model:N"), alt.Tooltip("minutes:Q", title="bin middle (min)", format=".3~r"),
                     alt.Tooltip("rate:Q", title="success", format=".0%"), alt.Tooltip("runs:Q")],
        ),
    ]
    if curves:
        layers.append(
            base.transform_filter("datum.layer === 'fit'").mark_line(color=FRONTIER, strokeWidth=2, clip=True).encode(
                x=x, y=alt.Y("p:Q", title="Success rate", scale=alt.Scale(domain=[0, 1]))
            )
        )
    if horizons:
        layers.append(
            base.transform_filter("datum.layer === 'p50'").mark_rule(color=FRONTIER, strokeDash=[3, 3], clip=True).encode(
                x=x, tooltip=[alt.Tooltip("model:N"), alt.Tooltip("horizon:N", title="fitted p50")]
            )
        )
    layers.append(base.mark_rule(color=CEILING, strokeDash=[6, 4]).encode(x=alt.XDatum(ceiling_minutes, scale=x_scale)))
    chart = (
        alt.layer(*layers, data=inline.data(rows_), width=200, height=130)
        .facet(facet=alt.Facet("model:N", title=None, header=alt.Header(labelFontSize=12, labelLimit=200)),
               columns=columns, title=title)
    )
    return _config(chart, inline)


def vintage_chart(
    records: Sequence[dict[str, Any]], *, level: int, vintages: Sequence[str], ceiling_minutes: float, title: str
) -> dict[str, Any]:
    """Each model's published estimate in each published version, joined by a line per model.

    ``records``: model, vintage (label), estimate, low, high, change ("first published",
    "revised up", "revised down", "unchanged"). ``vintages``: labels in publication order.
    """
    inline = _Inline()
    domain = _log_domain([r.get("estimate") for r in records] + [ceiling_minutes])
    y = alt.Y(
        "estimate:Q", title=f"published p{level} horizon", scale=alt.Scale(type="log", domain=domain),
        axis=alt.Axis(values=DURATION_TICKS, labelExpr=DURATION_LABEL),
    )
    x = alt.X("vintage:N", title="published version", sort=list(vintages), axis=VERSION_AXIS)
    changes = ["first published", "revised up", "revised down", "unchanged"]
    base = alt.Chart(inline.data([dict(r, horizon=duration_words(r.get("estimate"), ceiling_minutes),
                                       previous_horizon=fmt_duration(r.get("previous"))) for r in records]))
    chart = alt.layer(
        base.mark_line(color=OTHER, strokeWidth=1, opacity=0.6).encode(x=x, y=y, detail="model:N"),
        base.mark_point(filled=True, size=55).encode(
            x=x, y=y,
            color=alt.Color("change:N", title=None, scale=alt.Scale(domain=changes, range=[OTHER, "#009E73", CEILING, "#1f2937"])),
            tooltip=[alt.Tooltip("model:N"), alt.Tooltip("vintage:N", title="version"),
                     alt.Tooltip("horizon:N", title=f"p{level} horizon"),
                     alt.Tooltip("previous_horizon:N", title="previous"), alt.Tooltip("change:N")],
        ),
        alt.Chart(inline.data([{"minutes": ceiling_minutes}])).mark_rule(color=CEILING, strokeDash=[6, 4]).encode(
            y=alt.Y("minutes:Q", scale=alt.Scale(type="log", domain=domain), title=f"published p{level} horizon")
        ),
        width=WIDTH, height=HEIGHT, title=title,
    )
    return _config(chart, inline)


def doubling_chart(records: Sequence[dict[str, Any]], *, vintages: Sequence[str], title: str) -> dict[str, Any]:
    """The publisher's doubling time in each published version, with its interval.

    ``records``: vintage, window, days, low, high.
    """
    inline = _Inline()
    x = alt.X("vintage:N", title="published version", sort=list(vintages), axis=VERSION_AXIS)
    y = alt.Y("days:Q", title="doubling time (days)", scale=alt.Scale(zero=False))
    windows = sorted({r["window"] for r in records})
    color = alt.Color("window:N", title="window", scale=alt.Scale(domain=windows, range=PALETTE[: len(windows)]))
    base = alt.Chart(inline.data(list(records)))
    chart = alt.layer(
        base.transform_filter("isValid(datum.low)").mark_rule(strokeWidth=2, opacity=0.6).encode(
            x=x, y=alt.Y("low:Q", title="doubling time (days)", scale=alt.Scale(zero=False)), y2="high:Q", color=color
        ),
        base.mark_line(opacity=0.5).encode(x=x, y=y, color=color),
        base.mark_point(filled=True, size=70).encode(
            x=x, y=y, color=color,
            tooltip=[alt.Tooltip("vintage:N", title="version"), alt.Tooltip("window:N"),
                     alt.Tooltip("days:Q", format=".1f"), alt.Tooltip("low:Q", format=".1f"), alt.Tooltip("high:Q", format=".1f")],
        ),
        width=WIDTH, height=260, title=title,
    )
    return _config(chart, inline)


def domains_chart(records: Sequence[dict[str, Any]], *, title: str) -> dict[str, Any]:
    """Cross-domain horizons: one colour per benchmark, log scale, ceilings marked.

    ``records``: benchmark, model, date, estimate, low, high, beyond (above that benchmark's
    measurable ceiling, or METR's 16 h when the benchmark states none).
    """
    inline = _Inline()
    benchmarks = sorted({r["benchmark"] for r in records})
    # Okabe-Ito has 8 colours; beyond that, Vega's 20-colour scheme keeps benchmarks distinct.
    scale = (alt.Scale(domain=benchmarks, range=PALETTE[: len(benchmarks)]) if len(benchmarks) <= len(PALETTE)
             else alt.Scale(domain=benchmarks, scheme="tableau20"))
    domain = _log_domain([r.get("estimate") for r in records])
    ax = _Axes("time horizon (human task length)", domain)
    color = alt.Color("benchmark:N", title=None, scale=scale,
                      legend=alt.Legend(columns=4, orient="bottom", direction="horizontal", symbolLimit=0, labelLimit=200))
    base = alt.Chart(inline.data([dict(r, ceiling="beyond ceiling" if r["beyond"] else "within ceiling",
                                   horizon=fmt_duration(r.get("estimate"))) for r in records]))
    chart = alt.layer(
        base.mark_point(filled=True, size=45, opacity=0.85).encode(
            x=ax.x(), y=ax.y("estimate"), color=color,
            shape=alt.Shape("ceiling:N", title=None, scale=alt.Scale(domain=["within ceiling", "beyond ceiling"], range=["circle", "triangle-up"])),
            tooltip=[alt.Tooltip("benchmark:N"), alt.Tooltip("model:N"), date_tooltip(),
                     alt.Tooltip("horizon:N", title="horizon"), alt.Tooltip("ceiling:N", title="ceiling")],
        ),
        width=WIDTH, height=HEIGHT, title=title,
    )
    return _config(chart, inline)


def forms_chart(points: Sequence[dict[str, Any]], curves: Sequence[dict[str, Any]], *, forms: Sequence[str],
                ceiling_minutes: float, title: str) -> dict[str, Any]:
    """The trend forms side by side, each over the same frontier points.

    ``points``: form, model, date, estimate, used (points are repeated once per form so each
    panel has its own copy). ``curves``: form, date, fit.
    """
    inline = _Inline()
    rows_ = [dict(p, layer="point", status="used in the fit" if p.get("used") else "left out",
                  horizon=fmt_duration(p.get("estimate"))) for p in points]
    rows_ += [dict(c, layer="curve") for c in curves]
    domain = _log_domain([p.get("estimate") for p in points] + [c.get("fit") for c in curves] + [ceiling_minutes])
    ax = _Axes("time horizon", domain)
    base = alt.Chart()
    layer = alt.layer(
        base.mark_rule(color=CEILING, strokeDash=[6, 4]).encode(y=alt.YDatum(ceiling_minutes, scale=ax.y_scale)),
        base.transform_filter("datum.layer === 'curve'").mark_line(color=FRONTIER, strokeWidth=2).encode(x=ax.x(), y=ax.y("fit")),
        base.transform_filter("datum.layer === 'point'").mark_point(filled=True, size=40).encode(
            x=ax.x(), y=ax.y("estimate"),
            color=alt.Color("status:N", title=None, scale=alt.Scale(domain=["used in the fit", "left out"], range=[FRONTIER, OTHER])),
            tooltip=[alt.Tooltip("model:N"), date_tooltip(),
                     alt.Tooltip("horizon:N", title="horizon"), alt.Tooltip("reason:N", title="left out because")],
        ),
        data=inline.data(rows_),
        width=330, height=230,
    )
    chart = layer.facet(
        facet=alt.Facet("form:N", title=None, sort=list(forms), header=alt.Header(labelFontSize=13, labelFontWeight="bold")),
        columns=2, title=title,
    )
    return _config(chart, inline)


def backtest_chart(records: Sequence[dict[str, Any]], *, forms: Sequence[str], title: str) -> dict[str, Any]:
    """Backtest: each later model's observed horizon against what each form predicted from earlier ones.

    ``records``: form, model, cutoff, observed, predicted (minutes).
    """
    inline = _Inline()
    values = [v for r in records for v in (r.get("observed"), r.get("predicted"))]
    domain = _log_domain(values, pad=1.3)
    axis = alt.Axis(values=DURATION_TICKS, labelExpr=DURATION_LABEL, labelOverlap=True, labelSeparation=4)
    scale = alt.Scale(type="log", domain=domain)
    x = alt.X("predicted:Q", title="predicted from earlier models", scale=scale, axis=axis)
    y = alt.Y("observed:Q", title="observed", scale=scale, axis=axis)
    base = alt.Chart()
    layer = alt.layer(
        base.mark_rule(color=THRESHOLD, strokeDash=[3, 3]).encode(
            x=alt.XDatum(domain[0], scale=scale), y=alt.YDatum(domain[0], scale=scale),
            x2=alt.X2Datum(domain[1]), y2=alt.Y2Datum(domain[1]),
        ),
        base.mark_point(filled=True, size=35, opacity=0.8).encode(
            x=x, y=y,
            color=alt.Color("cutoff:N", title="cut-off", legend=alt.Legend(orient="bottom", columns=6)),
            tooltip=[alt.Tooltip("model:N"), alt.Tooltip("cutoff:N", title="trained up to"),
                     alt.Tooltip("observed_text:N", title="observed"), alt.Tooltip("predicted_text:N", title="predicted")],
        ),
        data=inline.data([dict(r, observed_text=fmt_duration(r.get("observed")), predicted_text=fmt_duration(r.get("predicted")))
                          for r in records]),
        width=250, height=250,
    )
    chart = layer.facet(facet=alt.Facet("form:N", title=None, sort=list(forms)), columns=2, title=title)
    return _config(chart, inline)
