"""The headline doubling time's 80% and 95% intervals in one plain paragraph, for beside the
headline number (the citation sentence gives the 95% interval only). Read from the exponential
row of ``trend_fits``: an upper bound the data cannot set is said, never printed as a number.
"""

from __future__ import annotations

import duckdb

from horizon.errors import NotFoundError
from horizon.report.markup import Html, esc, fmt_number
from horizon.report.uncertainty.common import Section, finite, trend_header
from horizon.report.uncertainty.coverage import method_name
from horizon.trend import status
from horizon.trend.stored import StoredTrend, load_stored_trend


def _stored(con: duckdb.DuckDBPyConnection, fit_id: int | None) -> StoredTrend | None:
    if fit_id is None:
        return None
    try:
        return load_stored_trend(con, fit_id)
    except NotFoundError:
        return None


def range_words(low: float | None, high: float | None) -> str:
    """"between 116.6 and 143.7 days"; a missing or infinite bound in words."""
    if finite(low) and finite(high):
        return f"between {fmt_number(low)} and {fmt_number(high)} days"
    if finite(low):
        return f"at least {fmt_number(low)} days, with no upper limit the data can set"
    if finite(high):
        return f"at most {fmt_number(high)} days"
    return "anywhere: the data set no limit"


def doubling_interval(con: duckdb.DuckDBPyConnection, fit_id: int | None) -> Section:
    """"We are 80% confident ... and 95% confident ..." for trend fit ``fit_id``; nothing (empty
    HTML) when there is no such fit, the fit's status sentence when it has no doubling time."""
    d = _stored(con, fit_id)
    if d is None:
        return Section(Html(""))
    header = trend_header(con, fit_id)
    key = header.key if header else "none"
    if not finite(d.doubling_days) or (d.status not in (None, status.OK.code)):
        text = f"No doubling time is reported: {d.note}." if d.note else "No doubling time is reported."
    else:
        text = (f"The doubling time is {fmt_number(d.doubling_days)} days, fitted on {d.n_models} models. We are 80% "
                f"confident it is {range_words(d.ci80_low, d.ci80_high)}, and 95% confident it is "
                f"{range_words(d.ci_low, d.ci_high)} (method: {method_name(d.interval_method)}).")
    row = {"fit_id": d.fit_id, "doubling_days": d.doubling_days, "ci80_low": d.ci80_low, "ci80_high": d.ci80_high,
           "ci95_low": d.ci_low, "ci95_high": d.ci_high, "interval_method": d.interval_method, "status": d.status}
    html = Html(f'<p class="interval" id="doubling-interval-{esc(key)}">{esc(text)}</p>')
    return Section(html, (row,), f"doubling-interval-{key}")


def doubling_interval_section(con: duckdb.DuckDBPyConnection, fit_id: int | None) -> Html:
    return doubling_interval(con, fit_id).html
