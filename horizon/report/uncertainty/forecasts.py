"""Forecasts in words a journalist can quote: for each threshold, when the trend line crosses it
(a confidence interval: where the average frontier model would be) and when a single model is
expected to reach it (a prediction interval: wider, because models scatter about the line),
each with 80% and 95% bounds. Read from ``forecasts`` and ``forecast_reach``.

A missing upper bound means the threshold is not reached within the forecast horizon (a century
after the last model); a missing lower bound means there is no earliest date. A threshold above
the suite's measurable ceiling is said to be an extrapolation no current task could confirm.
"""

from __future__ import annotations

from datetime import date

import duckdb

from horizon.report.markup import Html, esc, tag
from horizon.report.uncertainty.common import (
    Section,
    TrendHeader,
    empty_note,
    iso,
    section,
    sentence_case,
    simple_table,
    trend_header,
)
from horizon.trend.forms import FORM_NAMES
from horizon.trend.stored import StoredForecast, forecasts

HEADING = "When will AI agents reach each threshold?"
NOT_WITHIN = "not within the forecast horizon"
HEADLINE_FORM = "exponential"


def between(low: date | None, high: date | None) -> str:
    """A date range in words; None bounds become words, never a blank or a far-future date."""
    if low is not None and high is not None:
        return f"between {iso(low)} and {iso(high)}"
    if low is not None:
        return f"not before {iso(low)} and possibly {NOT_WITHIN}"
    if high is not None:
        return f"by {iso(high)} at the latest"
    return NOT_WITHIN


def span(low: date | None, high: date | None) -> str:
    """The same range for a table cell."""
    if low is None and high is None:
        return NOT_WITHIN
    return f"{iso(low) if low else 'no earliest date'} – {iso(high) if high else 'not within horizon'}"


def ceiling_words(header: TrendHeader | None) -> str:
    if header is None or header.ceiling_minutes is None:
        return "the longest tasks the suite can measure"
    return f"the {header.ceiling_minutes / 60:g} h the task suite can measure"


def _selected(rows: tuple[StoredForecast, ...], forms) -> list[StoredForecast]:
    wanted = FORM_NAMES if forms is None else tuple(forms)
    order = {f: i for i, f in enumerate(FORM_NAMES)}
    kept = [f for f in rows if f.form in wanted]
    return sorted(kept, key=lambda f: (f.hours, f.threshold, order.get(f.form, len(order)), f.form))


def forecast_words(f: StoredForecast, header: TrendHeader | None) -> Html:
    """One paragraph for one threshold and form: the line, then a single model, then caveats."""
    name = tag("strong", sentence_case(f.label))
    if f.date_point is None:
        line = "The fitted trend line never reaches it"
    else:
        line = f"The trend line crosses it around {iso(f.date_point)}"
    line += (f"; with 80% confidence {between(f.line_lo80, f.line_hi80)},"
             f" with 95% confidence {between(f.line_lo95, f.line_hi95)}.")
    if f.reach_interval_method is None:
        reach = "No prediction interval for a single model is stored for this forecast."
    else:
        reach = (f"An individual model is expected to reach it, with 80% confidence, {between(f.reach_lo80, f.reach_hi80)};"
                 f" with 95% confidence, {between(f.reach_lo95, f.reach_hi95)}.")
    notes = []
    if f.reached_by_as_of:
        notes.append(f"The trend line had already crossed it by {iso(f.as_of)}, when this forecast was made.")
    if f.beyond_ceiling:
        notes.append(f"This is beyond {ceiling_words(header)}: the date extrapolates the trend, and no current"
                     " task could confirm it.")
    form = "" if f.form == HEADLINE_FORM else f" ({f.form} form)"
    return Html(f"<p>{name}{esc(form)}. {esc(line)} {esc(reach)}" + "".join(" " + esc(n) for n in notes) + "</p>")


def _row(f: StoredForecast) -> dict:
    return {
        "trend_fit_id": f.trend_fit_id, "forecast_fit_id": f.fit_id, "threshold": f.threshold, "label": f.label,
        "form": f.form, "level": f.level, "hours": f.hours, "as_of": f.as_of, "line_central": f.date_point,
        "line_lo80": f.line_lo80, "line_hi80": f.line_hi80, "line_lo95": f.line_lo95, "line_hi95": f.line_hi95,
        "model_lo80": f.reach_lo80, "model_hi80": f.reach_hi80, "model_lo95": f.reach_lo95, "model_hi95": f.reach_hi95,
        "beyond_ceiling": f.beyond_ceiling, "reached_by_as_of": f.reached_by_as_of,
        "line_interval_method": f.interval_method, "model_interval_method": f.reach_interval_method, "source": f.source,
    }


def forecast_rows(con: duckdb.DuckDBPyConnection, trend_fit_id: int | None, forms=(HEADLINE_FORM,)) -> list[dict]:
    """The newest forecasts of trend fit ``trend_fit_id`` (``forms``: None for every form), dates ISO
    in downloads, None where a bound is not within the forecast horizon."""
    if trend_fit_id is None:
        return []
    return [_row(f) for f in _selected(forecasts(con, trend_fit_id), forms)]


def forecast(con: duckdb.DuckDBPyConnection, trend_fit_id: int | None, forms=(HEADLINE_FORM,),
             heading_tag: str = "h3") -> Section:
    """Sentences for the headline (exponential) form, a table of every form asked for, and rows."""
    header = trend_header(con, trend_fit_id)
    key = header.key if header else "none"
    chosen = _selected(forecasts(con, trend_fit_id), forms) if trend_fit_id is not None else []
    if not chosen:
        what = "No trend has been fitted yet" if header is None else f"No forecasts are stored for trend fit #{trend_fit_id}"
        return Section(section(f"forecast-intervals-{key}", HEADING, heading_tag,
                               empty_note(f"{what}: `horizon update` makes them.")))
    as_of = max(f.as_of for f in chosen)
    lede = Html(
        "<p>Two different questions, two ranges. <em>The trend line crosses it</em>: when the fitted trend itself "
        "passes the threshold, where the average frontier model would be; the range reflects only how uncertain the "
        "trend is. <em>An individual model is expected to reach it</em>: when a newly released frontier model is "
        "expected to get there; models scatter about the trend, so this range is wider. 80% and 95% are how sure "
        f"each range is. Forecasts as of {esc(iso(as_of))}; a date more than a century after the last model is "
        f"“{esc(NOT_WITHIN)}”.</p>"
    )
    words = [forecast_words(f, header) for f in chosen if f.form == HEADLINE_FORM] or [forecast_words(f, header) for f in chosen]
    # A column that says the same in every row (a single form) is left out: the table must fit a
    # 1300 px page without scrolling.
    several_forms = len({f.form for f in chosen}) > 1
    form_column = ["Form"] if several_forms else []
    body = []
    for f in chosen:
        flags = []
        if f.beyond_ceiling:
            flags.append(tag("span", "▲ beyond ceiling", class_="flag", title=f"above {ceiling_words(header)}"))
        if f.reached_by_as_of:
            flags.append(tag("span", "already crossed", class_="flag"))
        body.append([
            f.label, *([f.form] if several_forms else []), iso(f.date_point) or "never",
            span(f.line_lo80, f.line_hi80), span(f.line_lo95, f.line_hi95),
            span(f.reach_lo80, f.reach_hi80), span(f.reach_lo95, f.reach_hi95),
            Html(" ".join(flags)),
        ])
    table = simple_table(
        ["Threshold", *form_column, "Line crosses it", "Line, 80%", "Line, 95%", "A model reaches it, 80%",
         "A model reaches it, 95%", "Note"],
        body, table_id=f"forecast-intervals-{key}",
        numeric=[False, *(False for _ in form_column), True, True, True, True, True, False],
        notes=[None, *(None for _ in form_column), "central date at which the fitted trend line reaches the threshold",
               "confidence interval of the line's crossing date", None,
               "prediction interval: the line's uncertainty plus the scatter of single models about it", None, None],
        caption="When each threshold is reached: the trend line (confidence interval) and a single model "
                f"(prediction interval), as of {iso(as_of)}.",
    )
    return Section(section(f"forecast-intervals-{key}", HEADING, heading_tag, lede, *words, table),
                   tuple(_row(f) for f in chosen), f"forecasts-{key}")


def forecast_section(con: duckdb.DuckDBPyConnection, trend_fit_id: int | None, forms=(HEADLINE_FORM,),
                     heading_tag: str = "h3") -> Html:
    return forecast(con, trend_fit_id, forms, heading_tag).html
