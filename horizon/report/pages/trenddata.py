"""Turn stored trend fits, points and forecasts into chart records (shared by Overview and Trends)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from horizon.report import data
from horizon.report.context import Context
from horizon.trend.rules import day_number, slope_for_doubling
from horizon.trend.stored import StoredForecast

CURVE_STEP_DAYS = 30  # a point a month draws every form smoothly at this width
# ln-minutes beyond which a curve is off every axis (and math.exp would overflow near 709):
# a stored form that diverges is drawn up to there, never computed past it.
MAX_LN_MINUTES = 60.0


def day(d: date) -> float:
    return day_number(d)


def iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def params(fit: data.TrendFit) -> dict[str, float]:
    try:
        return json.loads(fit.params)
    except ValueError:
        return {}


def curve_values(form: str, p: dict[str, float], days: list[float]) -> list[float | None]:
    """ln-minutes of a stored trend form at the given day numbers (None where it diverges)."""
    from horizon.trend.forms import stored_curve

    y = stored_curve(form, p, days)
    return [None] * len(days) if y is None else [float(v) if math.isfinite(v) else None for v in y]


def date_grid(start: date, end: date) -> list[date]:
    out, d = [], start
    while d < end:
        out.append(d)
        d += timedelta(days=CURVE_STEP_DAYS)
    out.append(end)
    return out


def point_records(points: list[data.TrendPoint], ceiling: float) -> list[dict[str, Any]]:
    """Trend points as chart records: every point considered, with why it was not used."""
    out = []
    for p in points:
        if p.estimate is None or p.release_date is None:
            continue
        out.append(
            dict(model=p.name, date=iso(p.release_date), estimate=p.estimate, low=p.ci_low,
                 high=p.ci_high, frontier=bool(p.on_frontier), beyond=p.estimate > ceiling,
                 used=bool(p.used), reason=p.excluded_reason, lab=p.organisation)
        )
    return out


def headline_records(horizons: list[data.Horizon], level: int, ceiling: float) -> list[dict[str, Any]]:
    return [
        dict(model=h.name, date=iso(h.release_date), estimate=h.estimate, low=h.ci_low, high=h.ci_high,
             frontier=bool(h.frontier), beyond=h.estimate > ceiling, lab=h.organisation)
        for h in horizons
        if h.level == level and h.estimate is not None and h.release_date is not None
    ]


def trend_records(fit: data.TrendFit, end: date | None = None) -> list[dict[str, Any]]:
    """The fitted line from the first point used to ``end`` (default: the last point used).

    Its band is the pair of lines through the centre of the points with the slopes at either
    end of the doubling time's interval: a picture of that interval, not a pointwise band.
    """
    first, last = fit.first_release, fit.last_release
    if first is None or last is None:
        return []
    grid = date_grid(first, max(end or last, last))
    days = [day(d) for d in grid]
    shape = params(fit)
    fitted = curve_values(fit.form, shape, days)
    low_d, high_d = fit.ci_low, fit.ci_high
    ends: tuple[float, float] | None = None  # the doubling time's interval, when there is one to draw
    if fit.form == "exponential" and low_d and high_d and math.isfinite(low_d) and math.isfinite(high_d):
        ends = (low_d, high_d)
    centre_x = (day(first) + day(last)) / 2
    centre_y = curve_values(fit.form, shape, [centre_x])[0] if ends is not None else None
    out = []
    for d, x, y in zip(grid, days, fitted):
        if y is None or abs(y) > MAX_LN_MINUTES:
            continue
        rec = dict(date=iso(d), fit=math.exp(y), low=None, high=None)
        if ends is not None and centre_y is not None:
            steep, shallow = slope_for_doubling(ends[0]), slope_for_doubling(ends[1])
            a = centre_y + steep * (x - centre_x)
            b = centre_y + shallow * (x - centre_x)
            if abs(a) <= MAX_LN_MINUTES and abs(b) <= MAX_LN_MINUTES:
                rec["low"], rec["high"] = math.exp(min(a, b)), math.exp(max(a, b))
        out.append(rec)
    return out


def fan_records(forecasts: Sequence[StoredForecast], form: str = "exponential") -> list[dict[str, Any]]:
    """At each threshold height, the 80% and 95% spans of dates the trend line crosses it."""
    out = []
    for f in forecasts:
        if f.form != form:
            continue
        for band, lo, hi in (("80%", f.line_lo80, f.line_hi80), ("95%", f.line_lo95, f.line_hi95)):
            if lo is None or hi is None:
                continue
            out.append(dict(band=band, minutes=float(f.hours) * 60, start=iso(lo), end=iso(hi), label=f.label))
    return out


def exponential(fits: list[data.TrendFit]) -> data.TrendFit | None:
    for f in fits:
        if f.form == "exponential":
            return f
    return None


def latest_forecast_date(forecasts: Sequence[StoredForecast], form: str = "exponential") -> date | None:
    dates = [f.line_hi80 or f.date_point for f in forecasts if f.form == form]
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def threshold_records(ctx: Context, level: int) -> list[dict[str, Any]]:
    return [dict(label=t.label, minutes=t.minutes) for t in ctx.thresholds if t.level == level]
