"""What belongs beside a headline number: the trend's named warnings (fragile: too few points;
a gap with the publisher's own figure, with its cause; a test that could not run) and the
publisher comparisons themselves. Read from ``trend_warnings``, ``trend_publisher_checks`` and
the exponential row's status in ``trend_fits``.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from horizon.report.markup import Html, esc, fmt_number, tag
from horizon.report.uncertainty.common import (
    Section,
    empty_note,
    finite,
    section,
    sentence_case,
    simple_table,
    trend_header,
)
from horizon.store import named_rows, records
from horizon.trend import status

# Most important first; a code not listed here follows, by name.
ORDER = (status.FRAGILE, status.PUBLISHER_GAP, status.BREAK_TEST_NOT_RUN, status.BACKTEST_NOT_RUN)
LABELS = {
    "no_doubling_time": "No doubling time",
    status.FRAGILE: "Fragile",
    status.PUBLISHER_GAP: "Differs from the publisher",
    status.BREAK_TEST_NOT_RUN: "No break test",
    status.BACKTEST_NOT_RUN: "No backtest",
}
WINDOW_NAMES = {
    "from_2023_on": "frontier models from 2023 on",
    "all_time_stitched": "every frontier model since 2019",
}


@dataclass(frozen=True)
class PublisherCheck:
    """A publisher's doubling time beside ours on the same file."""

    fit_id: int
    window_name: str
    published: float
    published_ci_low: float | None
    published_ci_high: float | None
    ours: float | None
    ours_ci_low: float | None
    ours_ci_high: float | None
    gap_days: float | None
    flagged: bool
    cause: str | None


def publisher_checks(con: duckdb.DuckDBPyConnection, fit_id: int | None) -> tuple[PublisherCheck, ...]:
    if fit_id is None:
        return ()
    return tuple(records(con, PublisherCheck,
        "SELECT fit_id, window_name, published, published_ci_low, published_ci_high, ours, ours_ci_low, ours_ci_high,"
        " gap_days, flagged, cause FROM trend_publisher_checks WHERE fit_id = ? ORDER BY window_name",
        [fit_id],
    ))


@dataclass(frozen=True)
class Caveat:
    code: str
    label: str
    text: str


def _strip_code(code: str, text: str) -> str:
    """Stored texts start with their own name ("fragile: ..."): the label says it already."""
    own = code.replace("_", " ") + ":"
    return text[len(own):].strip() if text.lower().startswith(own) else text


def _days(value: float | None) -> str:
    return f"{fmt_number(value)} days" if finite(value) else "no finite figure"


def gap_text(check: PublisherCheck) -> str:
    window = WINDOW_NAMES.get(check.window_name, check.window_name)
    if finite(check.gap_days) and finite(check.ours):
        direction = "shorter" if check.gap_days < 0 else "longer"
        ours = f"horizon gets {_days(check.ours)} from the same file ({fmt_number(abs(check.gap_days))} days {direction})"
    else:
        ours = "horizon gets no finite doubling time from the same file"
    cause = f" Why: {check.cause}." if check.cause else " The cause could not be named."
    return f"The publisher’s own doubling time for {window} ({check.window_name}) is {_days(check.published)}; {ours}.{cause}"


def caveats(con: duckdb.DuckDBPyConnection, fit_id: int | None) -> tuple[Caveat, ...]:
    """Every caveat of trend fit ``fit_id``, most important first."""
    if fit_id is None:
        return ()
    out = []
    exp = named_rows(con, "SELECT status, note FROM trend_fits WHERE fit_id = ? AND form = 'exponential'", [fit_id])
    if exp and exp[0]["status"] not in (None, status.OK.code) and exp[0]["note"]:
        out.append(Caveat("no_doubling_time", LABELS["no_doubling_time"], exp[0]["note"] + "."))
    stored = named_rows(con, "SELECT code, text FROM trend_warnings WHERE fit_id = ? ORDER BY code", [fit_id])
    rank = {c: i for i, c in enumerate(ORDER)}
    flagged = [c for c in publisher_checks(con, fit_id) if c.flagged]
    for w in sorted(stored, key=lambda w: (rank.get(w["code"], len(rank)), w["code"])):
        label = LABELS.get(w["code"], sentence_case(w["code"].replace("_", " ")))
        if w["code"] == status.PUBLISHER_GAP and flagged:
            out.extend(Caveat(w["code"], label, gap_text(c)) for c in flagged)   # said from the checks, cause included
        else:
            out.append(Caveat(w["code"], label, _strip_code(w["code"], w["text"]) + "."))
    if flagged and not any(c.code == status.PUBLISHER_GAP for c in out):
        out.extend(Caveat(status.PUBLISHER_GAP, LABELS[status.PUBLISHER_GAP], gap_text(c)) for c in flagged)
    return tuple(out)


def warnings(con: duckdb.DuckDBPyConnection, fit_id: int | None) -> Section:
    """A short list to place beside the headline; empty HTML (nothing to place) when the fit has
    no caveats or there is no fit: the page says itself that nothing is fitted."""
    found = caveats(con, fit_id)
    if not found:
        return Section(Html(""))
    header = trend_header(con, fit_id)
    key = header.key if header else "none"
    items = "".join(f"<li>{tag('strong', c.label)}: {esc(c.text)}</li>" for c in found)
    html = Html(f'<aside class="warnings" id="trend-warnings-{esc(key)}" aria-label="Caveats">'
                f'<p class="muted">Read this number with care:</p><ul>{items}</ul></aside>')
    rows = tuple({"fit_id": fit_id, "code": c.code, "label": c.label, "text": c.text} for c in found)
    return Section(html, rows, f"trend-warnings-{key}")


def warnings_section(con: duckdb.DuckDBPyConnection, fit_id: int | None) -> Html:
    return warnings(con, fit_id).html


def warnings_rows(con: duckdb.DuckDBPyConnection, fit_id: int | None) -> list[dict]:
    return list(warnings(con, fit_id).rows)


def _gap(days: float | None) -> str:
    """Signed, to the thousandth of a day (the tolerance is 0.05 d); a rounding-level gap is 0.000."""
    if not finite(days):
        return "not available"
    return "0.000" if abs(days) < 0.0005 else f"{days:+.3f}"


def _interval(low: float | None, high: float | None) -> str:
    return f"{fmt_number(low)} – {fmt_number(high)}" if finite(low) and finite(high) else "not published"


def publisher_check(con: duckdb.DuckDBPyConnection, fit_id: int | None, heading_tag: str = "h3") -> Section:
    """The publisher's doubling times beside ours on the same file, each gap flagged with its cause."""
    header = trend_header(con, fit_id)
    key = header.key if header else "none"
    checks = publisher_checks(con, fit_id)
    heading = "The publisher’s figures, recomputed"
    if not checks:
        return Section(section(f"publisher-checks-{key}", heading, heading_tag,
                               empty_note("No publisher doubling time to compare with is stored for this trend.")))
    body = [[
        Html(esc(WINDOW_NAMES.get(c.window_name, c.window_name)) + " " + tag("code", c.window_name)),
        fmt_number(c.published), _interval(c.published_ci_low, c.published_ci_high),
        fmt_number(c.ours) if finite(c.ours) else "no finite figure",
        _interval(c.ours_ci_low, c.ours_ci_high),
        _gap(c.gap_days),
        Html(tag("strong", "gap above 0.05 days") + (" " + esc(c.cause) if c.cause else " (cause not named)")) if c.flagged else "matches",
    ] for c in checks]
    table = simple_table(
        ["Window", "Published (days)", "Published 95%", "horizon (days)", "horizon 95%", "Gap (days)", "Check"],
        body, table_id=f"publisher-checks-{key}", numeric=[False, True, True, True, True, True, False],
        caption="The publisher’s doubling times beside horizon’s fit of the same window on the same file.",
    )
    rows = tuple({
        "fit_id": c.fit_id, "window_name": c.window_name, "published": c.published,
        "published_ci_low": c.published_ci_low, "published_ci_high": c.published_ci_high, "ours": c.ours,
        "ours_ci_low": c.ours_ci_low, "ours_ci_high": c.ours_ci_high, "gap_days": c.gap_days,
        "flagged": c.flagged, "cause": c.cause,
    } for c in checks)
    return Section(section(f"publisher-checks-{key}", heading, heading_tag, table), rows, f"publisher-checks-{key}")


def publisher_check_section(con: duckdb.DuckDBPyConnection, fit_id: int | None, heading_tag: str = "h3") -> Html:
    return publisher_check(con, fit_id, heading_tag).html
