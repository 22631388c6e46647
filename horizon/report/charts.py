"""Chart builders: plain records in, a Vega-Lite spec (a dict) out.

Builders are pure: no database, no files, no clock. Dates arrive as ISO strings and use UTC
scales, so a chart renders the same in every time zone and in vl-convert's exports. Nothing
here creates Altair selections or other auto-named parameters, whose names come from a
process-wide counter and would make two builds differ.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from typing import Any

import altair as alt

WIDTH = 720
HEIGHT = 380
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

# One palette for the whole site; colour-blind safe (Okabe-Ito), in a fixed order.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FRONTIER = "#0072B2"
OTHER = "#8a94a6"
CEILING = "#D55E00"
THRESHOLD = "#6b7280"

# Minutes shown on log axes as human durations.
DURATION_LABEL = (
    "datum.value < 1 ? format(datum.value * 60, '.2~r') + ' s'"
    " : datum.value < 60 ? format(datum.value, '.2~r') + ' min'"
    " : format(datum.value / 60, '~s') + ' h'"
)
DURATION_TICKS = [1 / 60, 1 / 6, 1, 4, 15, 60, 240, 960, 60 * 40, 60 * 167, 60 * 2000, 60 * 20000]

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
    ).configure_legend(labelFontSize=11, titleFontSize=12, orient="bottom", direction="horizontal").configure_view(
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


def _point_tooltip(level: int | str) -> list[alt.Tooltip]:
    return [
        alt.Tooltip("model:N", title="model"),
        alt.Tooltip("date:N", title="released"),
        alt.Tooltip("estimate:Q", title=f"p{level} (min)", format=".3~r"),
        alt.Tooltip("low:Q", title="95% low (min)", format=".3~r"),
        alt.Tooltip("high:Q", title="95% high (min)", format=".3~r"),
        alt.Tooltip("status:N", title="status"),
    ]


def _ceiling_layers(inline: _Inline, ax: _Axes, ceiling_minutes: float) -> list[alt.Chart]:
    """The measurable ceiling: a dashed rule with its label, on every horizon chart."""
    base = alt.Chart(inline.data([{"minutes": ceiling_minutes, "label": f"measurable ceiling ({ceiling_minutes / 60:g} h)"}]))
    return [
        base.mark_rule(color=CEILING, strokeDash=[6, 4], strokeWidth=1.5).encode(y=ax.y("minutes")),
        base.mark_text(align="right", baseline="top", dx=-4, dy=3, fontSize=10, color=CEILING).encode(
            y=ax.y("minutes"), x=alt.value(WIDTH), text="label:N"
        ),
    ]


def _point_layers(inline: _Inline, ax: _Axes, data: list[dict[str, Any]], level: int | str,
                  domain: list[str]) -> list[alt.Chart]:
    """Estimates with 95% intervals; colour and shape say frontier / beyond the ceiling."""
    color = alt.Color("status:N", title=None, scale=alt.Scale(domain=domain, range=STATUS_RANGE_COLOR))
    base = alt.Chart(inline.data(data))
    return [
        base.transform_filter("isValid(datum.low) && isValid(datum.high)").mark_rule(strokeWidth=1.2, opacity=0.55).encode(
            x=ax.x(), y=ax.y("low"), y2=ax.y2("high"), color=color
        ),
        base.mark_point(filled=True, size=60, opacity=0.95).encode(
            x=ax.x(),
            y=ax.y("estimate"),
            color=color,
            shape=alt.Shape("status:N", title=None, scale=alt.Scale(domain=domain, range=STATUS_RANGE_SHAPE)),
            tooltip=_point_tooltip(level),
        ),
    ]


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

    ``points``: model, date, estimate, low, high, frontier, beyond. ``trend``: date, fit, low,
    high (the fitted line and its band). ``fan``: band (e.g. "80%"), minutes, start, end, label:
    the dates between which the trend reaches each threshold. ``thresholds``: label, minutes.
    """
    inline = _Inline()
    statuses = status_domain(ceiling_minutes)
    data = [dict(p, status=_status(p, statuses)) for p in points]
    domain = _log_domain(
        [*(p.get("low") or p.get("estimate") for p in points), *(p.get("high") or p.get("estimate") for p in points),
         ceiling_minutes, *(t["minutes"] for t in thresholds), *(r["minutes"] for r in fan)]
    )
    ax = _Axes(f"{level}% time horizon (human task length)", domain)

    layers: list[alt.Chart] = []
    if thresholds:
        rules = alt.Chart(inline.data(list(thresholds)))
        layers.append(rules.mark_rule(color=THRESHOLD, strokeDash=[2, 3], strokeWidth=1).encode(y=ax.y("minutes")))
        layers.append(
            rules.mark_text(align="left", baseline="bottom", dx=4, dy=-2, fontSize=10, color=THRESHOLD).encode(
                y=ax.y("minutes"), x=alt.value(0), text="label:N"
            )
        )
    layers.extend(_ceiling_layers(inline, ax, ceiling_minutes))
    # Widest band first and faintest, so the narrower ones read as darker cores. The fan is
    # drawn sideways: at each threshold height, the span of dates the trend reaches it.
    bands = sorted({r["band"] for r in fan}, key=_band_width, reverse=True)
    for i, band in enumerate(bands):
        rows_ = sorted((r for r in fan if r["band"] == band), key=lambda r: r["minutes"])
        layers.append(
            alt.Chart(inline.data(rows_)).mark_area(color=FRONTIER, opacity=0.10 + 0.08 * i, orient="horizontal").encode(
                x=ax.x("start"), x2=alt.X2("end:T"), y=ax.y("minutes"),
                tooltip=[alt.Tooltip("label:N", title="threshold"), alt.Tooltip("band:N", title="interval"),
                         alt.Tooltip("start:N", title="from"), alt.Tooltip("end:N", title="to")],
            )
        )
    if trend:
        base = alt.Chart(inline.data(list(trend)))
        if any(r.get("low") is not None for r in trend):
            layers.append(
                base.transform_filter("isValid(datum.low)").mark_area(color=FRONTIER, opacity=0.15).encode(
                    x=ax.x(), y=ax.y("low"), y2=ax.y2("high")
                )
            )
        layers.append(base.mark_line(color=FRONTIER, strokeWidth=2).encode(x=ax.x(), y=ax.y("fit")))
    layers.extend(_point_layers(inline, ax, data, level, statuses))
    chart = alt.layer(*layers, width=WIDTH, height=HEIGHT, title=title)
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
    rows_ = [dict(r, layer="observed") for r in bins]
    rows_ += [dict(r, layer="fit") for r in curves]
    rows_ += [dict(r, layer="p50") for r in horizons]
    x_scale = alt.Scale(type="log", domain=[1 / 60 * 4, 60 * 32])
    x = alt.X(
        "minutes:Q", title="Human task length", scale=x_scale,
        axis=alt.Axis(values=[1 / 15, 1, 4, 15, 60, 240, 960], labelExpr=DURATION_LABEL),
    )
    y = alt.Y("rate:Q", title="Success rate", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%", values=[0, 0.5, 1]))
    base = alt.Chart()
    layers = [
        base.transform_filter("datum.layer === 'observed'").mark_circle(color=OTHER, opacity=0.85).encode(
            x=x, y=y,
            size=alt.Size("runs:Q", title="runs in bin", scale=alt.Scale(range=[10, 160]), legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("model:N"), alt.Tooltip("minutes:Q", title="bin middle (min)", format=".3~r"),
                     alt.Tooltip("rate:Q", title="success", format=".0%"), alt.Tooltip("runs:Q")],
        ),
    ]
    if curves:
        layers.append(
            base.transform_filter("datum.layer === 'fit'").mark_line(color=FRONTIER, strokeWidth=2).encode(
                x=x, y=alt.Y("p:Q", title="Success rate", scale=alt.Scale(domain=[0, 1]))
            )
        )
    if horizons:
        layers.append(
            base.transform_filter("datum.layer === 'p50'").mark_rule(color=FRONTIER, strokeDash=[3, 3]).encode(
                x=x, tooltip=[alt.Tooltip("minutes:Q", title="fitted p50 (min)", format=".3~r")]
            )
        )
    layers.append(base.mark_rule(color=CEILING, strokeDash=[6, 4]).encode(x=alt.XDatum(ceiling_minutes, scale=x_scale)))
    chart = (
        alt.layer(*layers, data=inline.data(rows_), width=200, height=130)
        .facet(facet=alt.Facet("model:N", title=None, header=alt.Header(labelFontSize=12)), columns=columns, title=title)
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
    x = alt.X("vintage:N", title="published version", sort=list(vintages), axis=alt.Axis(labelAngle=0, labelLimit=240))
    changes = ["first published", "revised up", "revised down", "unchanged"]
    base = alt.Chart(inline.data(list(records)))
    chart = alt.layer(
        base.mark_line(color=OTHER, strokeWidth=1, opacity=0.6).encode(x=x, y=y, detail="model:N"),
        base.mark_point(filled=True, size=55).encode(
            x=x, y=y,
            color=alt.Color("change:N", title=None, scale=alt.Scale(domain=changes, range=[OTHER, "#009E73", CEILING, "#1f2937"])),
            tooltip=[alt.Tooltip("model:N"), alt.Tooltip("vintage:N", title="version"),
                     alt.Tooltip("estimate:Q", title=f"p{level} (min)", format=".3~r"),
                     alt.Tooltip("previous:Q", title="previous (min)", format=".3~r"), alt.Tooltip("change:N")],
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
    x = alt.X("vintage:N", title="published version", sort=list(vintages), axis=alt.Axis(labelAngle=0, labelLimit=240))
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
    base = alt.Chart(inline.data([dict(r, ceiling="beyond ceiling" if r["beyond"] else "within ceiling") for r in records]))
    chart = alt.layer(
        base.mark_point(filled=True, size=45, opacity=0.85).encode(
            x=ax.x(), y=ax.y("estimate"), color=color,
            shape=alt.Shape("ceiling:N", title=None, scale=alt.Scale(domain=["within ceiling", "beyond ceiling"], range=["circle", "triangle-up"])),
            tooltip=[alt.Tooltip("benchmark:N"), alt.Tooltip("model:N"), alt.Tooltip("date:N", title="released"),
                     alt.Tooltip("estimate:Q", title="horizon (min)", format=".3~r"), alt.Tooltip("ceiling:N", title="ceiling")],
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
    rows_ = [dict(p, layer="point", status="used in the fit" if p.get("used") else "left out") for p in points]
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
            tooltip=[alt.Tooltip("model:N"), alt.Tooltip("date:N", title="released"),
                     alt.Tooltip("estimate:Q", title="minutes", format=".3~r"), alt.Tooltip("reason:N", title="left out because")],
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
    axis = alt.Axis(values=DURATION_TICKS, labelExpr=DURATION_LABEL)
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
                     alt.Tooltip("observed:Q", format=".3~r"), alt.Tooltip("predicted:Q", format=".3~r")],
        ),
        data=inline.data(list(records)),
        width=250, height=250,
    )
    chart = layer.facet(facet=alt.Facet("form:N", title=None, sort=list(forms)), columns=2, title=title)
    return _config(chart, inline)
