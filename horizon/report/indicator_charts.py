"""Charts of the indicator page: plain records in, a Vega-Lite spec out (pure, like charts.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt

from horizon.report.charts import FRONTIER, OTHER, PALETTE, WIDTH, _config, _Inline, date_tooltip


def _x(title: str = "Date") -> alt.X:
    return alt.X("date:T", title=title, scale=alt.Scale(type="utc"), axis=alt.Axis(format="%Y-%m", labelAngle=0))


def ladder_chart(records: Sequence[dict[str, Any]], *, title: str) -> dict[str, Any]:
    """Each ladder benchmark's scores as a share of its ceiling, by release date.

    ``records``: benchmark, model, date, share (value / saturation), value, frontier.
    """
    inline = _Inline()
    benchmarks = sorted({r["benchmark"] for r in records})
    scale = (alt.Scale(domain=benchmarks, range=PALETTE[: len(benchmarks)]) if len(benchmarks) <= len(PALETTE)
             else alt.Scale(domain=benchmarks, scheme="tableau20"))
    base = alt.Chart(inline.data([dict(r, kind="frontier" if r["frontier"] else "not frontier") for r in records]))
    y = alt.Y("share:Q", title="share of the benchmark's ceiling", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    chart = alt.layer(
        base.transform_filter("datum.frontier").mark_line(strokeWidth=1.5, opacity=0.7).encode(
            x=_x("Release date"), y=y, color=alt.Color("benchmark:N", title=None, scale=scale)),
        base.mark_point(filled=True, size=45).encode(
            x=_x("Release date"), y=y,
            color=alt.Color("benchmark:N", title=None, scale=scale,
                            legend=alt.Legend(columns=3, orient="bottom", direction="horizontal", labelLimit=260)),
            opacity=alt.Opacity("kind:N", title=None, scale=alt.Scale(domain=["frontier", "not frontier"], range=[1.0, 0.3])),
            tooltip=[alt.Tooltip("benchmark:N"), alt.Tooltip("model:N"), date_tooltip(),
                     alt.Tooltip("label:N", title="value"), alt.Tooltip("kind:N", title="frontier")],
        ),
        width=WIDTH, height=320, title=title,
    )
    return _config(chart, inline)


def lab_chart(records: Sequence[dict[str, Any]], trends: Sequence[dict[str, Any]], *, series: Sequence[str],
              title: str) -> dict[str, Any]:
    """Inside-the-labs series on one time axis, one panel each (own y scale), with intervals and trends.

    ``records``: series, entity, date, value, low, high, label, status (fitted / not fitted / no trend).
    ``trends``: series, date, fit (the fitted line over its points and its projection).
    """
    inline = _Inline()
    rows_ = [dict(r, layer="point") for r in records] + [dict(t, layer="trend") for t in trends]
    x = alt.X("date:T", title=None, scale=alt.Scale(type="utc"), axis=alt.Axis(format="%Y-%m", labelAngle=0))
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False))
    base = alt.Chart()
    layer = alt.layer(
        base.transform_filter("datum.layer === 'trend'").mark_line(color=FRONTIER, strokeDash=[4, 3], strokeWidth=1.5).encode(
            x=x, y=alt.Y("fit:Q", title=None, scale=alt.Scale(zero=False))),
        base.transform_filter("datum.layer === 'point' && isValid(datum.low)").mark_rule(color=OTHER).encode(
            x=x, y=alt.Y("low:Q", title=None, scale=alt.Scale(zero=False)), y2="high:Q"),
        base.transform_filter("datum.layer === 'point'").mark_point(filled=True, size=40).encode(
            x=x, y=y,
            color=alt.Color("status:N", title=None, scale=alt.Scale(domain=["fitted", "shown, not fitted"], range=[FRONTIER, OTHER])),
            tooltip=[alt.Tooltip("title:N", title="series"), alt.Tooltip("entity:N"), date_tooltip(title="date"),
                     alt.Tooltip("label:N", title="value"), alt.Tooltip("status:N"), alt.Tooltip("note:N")],
        ),
        data=inline.data(rows_), width=WIDTH, height=120,
    )
    chart = layer.facet(
        row=alt.Row("title:N", title=None, sort=list(series), header=alt.Header(labelAngle=0, labelAlign="left",
                                                                                  labelAnchor="start", labelOrient="top",
                                                                                  labelFontWeight="bold", labelLimit=700)),
        title=title,
    ).resolve_scale(y="independent")
    return _config(chart, inline)
