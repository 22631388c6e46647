"""The break test on the trends page, said plainly: is there a break, does it survive without the
normal-errors assumption, does it rest on one model, does it sit where the grid of allowed dates
ends. Read from ``trend_break_tests`` (see ``horizon.trend.breaks`` for the test itself).
"""

from __future__ import annotations

import duckdb

from horizon.report.markup import Html, esc, tag
from horizon.report.uncertainty.common import (
    Section,
    empty_note,
    iso,
    model_names,
    p_text,
    section,
    sentence_case,
    simple_table,
    trend_header,
)
from horizon.store import named_rows
from horizon.trend.breaks import SIGNIFICANCE
from horizon.trend.forms.piecewise import MIN_SEGMENT_POINTS
from horizon.trend.status import BREAK_TEST_NOT_RUN
from horizon.trend.stored import StoredBreakTest, load_break_test

HEADING = "Is there a break in the trend?"


def _significant(p: float | None) -> bool:
    return p is not None and p < SIGNIFICANCE


def verdict(bt: StoredBreakTest, names: dict[str, str]) -> Html:
    """Two or three plain sentences: the result, whether it rests on one model, the grid edge."""
    where = f" around {iso(bt.break_date)}" if bt.break_date else ""
    if _significant(bt.p_value):
        first = (f"With every model, the test finds a break{where} (p = {p_text(bt.p_value)} assuming normal scatter; "
                 f"p = {p_text(bt.p_value_wild)} without that assumption, by a wild bootstrap).")
    else:
        first = (f"The test finds no clear break: the best candidate{where} has p = {p_text(bt.p_value)} assuming "
                 f"normal scatter (p = {p_text(bt.p_value_wild)} by a wild bootstrap).")
    parts = []
    top = bt.most_influential_model
    if bt.rests_on_one_model and top is not None:
        parts.append(tag("strong", "The break rests on one model.") + Html(" " + esc(first)))
        parts.append(Html(esc(f"Leave out {names.get(top, top)} and p = {p_text(bt.p_value_without_it)}: no clear break.")))
    else:
        parts.append(Html(esc(first)))
        if _significant(bt.p_value) and not _significant(bt.p_value_wild):
            parts.append(tag("strong", "Without the normal-errors assumption the break is not significant."))
        if top is not None and _significant(bt.p_value):
            parts.append(Html(esc(f"It does not rest on any one model: leaving out each in turn, p stays at or below "
                                  f"{p_text(bt.p_value_without_it)} (largest without {names.get(top, top)}).")))
        elif top is None:
            parts.append(Html(esc("Too few models to repeat the test with each one left out.")))
    if bt.at_grid_edge:
        which, side = ("earliest", "earlier") if bt.at_grid_edge == "first" else ("latest", "later")
        what = "The break" if _significant(bt.p_value) else "The best candidate"
        parts.append(Html(esc(
            f"{what} sits on the {which} date the test allows (it allows {iso(bt.grid_first)} to {iso(bt.grid_last)}, "
            f"keeping at least {MIN_SEGMENT_POINTS} models on each side), so the data cannot say it was not {side}.")))
    return Html('<p class="verdict">' + " ".join(parts) + "</p>")


def _rows(bt: StoredBreakTest, names: dict[str, str]) -> list[dict]:
    loo = sorted(bt.leave_one_out, key=lambda m: (-(m.get("p_value") or 0.0), m["model_id"]))
    return [
        {"fit_id": bt.fit_id, "model_id": m["model_id"], "model_name": names.get(m["model_id"], m["model_id"]),
         "p_value_without_it": m.get("p_value"), "p_value_all_models": bt.p_value, "p_value_wild": bt.p_value_wild,
         "most_influential": m["model_id"] == bt.most_influential_model}
        for m in loo
    ]


def break_test_rows(con: duckdb.DuckDBPyConnection, fit_id: int | None) -> list[dict]:
    """The leave-one-out p-values, largest first (the model the break rests on most at the top)."""
    bt = load_break_test(con, fit_id) if fit_id is not None else None
    if bt is None:
        return []
    return _rows(bt, model_names(con, [m["model_id"] for m in bt.leave_one_out]))


def _not_run_note(con: duckdb.DuckDBPyConnection, fit_id: int | None) -> Html:
    if fit_id is None:
        return empty_note("No trend has been fitted yet, so there is no break test.")
    found = named_rows(con, "SELECT text FROM trend_warnings WHERE fit_id = ? AND code = ?", [fit_id, BREAK_TEST_NOT_RUN])
    if found:
        return empty_note(sentence_case(found[0]["text"]) + ".")
    return empty_note(f"No break test is stored for trend fit #{fit_id}.")


def break_test(con: duckdb.DuckDBPyConnection, fit_id: int | None, heading_tag: str = "h3") -> Section:
    """The break test of trend fit ``fit_id`` in words, and its leave-one-out table."""
    header = trend_header(con, fit_id)
    key = header.key if header else "none"
    bt = load_break_test(con, fit_id) if fit_id is not None else None
    if bt is None:
        return Section(section(f"break-test-{key}", HEADING, heading_tag, _not_run_note(con, fit_id)))
    names = model_names(con, [m["model_id"] for m in bt.leave_one_out] + ([bt.most_influential_model] if bt.most_influential_model else []))
    rows = _rows(bt, names)
    parts = [verdict(bt, names)]
    if rows:
        body = [[Html(tag("strong", r["model_name"])) if r["most_influential"] else r["model_name"],
                 p_text(r["p_value_without_it"]),
                 "yes" if _significant(r["p_value_without_it"]) else tag("strong", "no")]
                for r in rows]
        parts.append(simple_table(
            ["Model left out", "p without it", f"Break still clear (p < {SIGNIFICANCE:g})?"], body,
            table_id=f"break-leave-one-out-{key}", numeric=[False, True, False],
            caption=f"The test repeated with each model left out in turn (p with every model: {p_text(bt.p_value)}).",
        ))
    return Section(section(f"break-test-{key}", HEADING, heading_tag, *parts), tuple(rows), f"break-test-{key}")


def break_test_section(con: duckdb.DuckDBPyConnection, fit_id: int | None, heading_tag: str = "h3") -> Html:
    return break_test(con, fit_id, heading_tag).html
