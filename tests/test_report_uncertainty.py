"""The uncertainty sections of the site say what the store holds: the coverage study, the break
test's sensitivity, forecasts with both intervals in words, and the caveats beside a headline."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest

from horizon.report.uncertainty import (
    break_test,
    coverage,
    doubling_interval,
    forecast,
    publisher_check,
    warnings,
)
from horizon.report.uncertainty.forecasts import between
from horizon.store import connect
from horizon.trend.canonical import canonical_trend_fit_id, canonical_trend_fit_ids
from tests.conftest import copy_of_updated

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def store(updated):
    root, _, _ = updated
    con = connect(root / "h.duckdb", read_only=True)
    yield con
    con.close()


def _rows(con, sql, params=()):
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _row_html(html: str, row_id: str) -> str:
    start = html.index(f'<tr id="{row_id}">')
    return html[start:html.index("</tr>", start)]


def _text(html: str) -> str:
    """The reader's text: tags dropped, entities for quotes left as they are."""
    return re.sub(r"<[^>]+>", "", html)


def test_the_coverage_table_gives_each_method_at_each_size_its_stored_80_and_95_shares(store):
    stored = _rows(store, "SELECT method, n_points, level, coverage, chosen FROM interval_coverage"
                          " WHERE scenario = 'normal' AND fit_id = (SELECT max(fit_id) FROM interval_coverage)")
    assert stored, "the updated store holds a coverage study"
    section = coverage(store)
    methods = {r["method"] for r in stored}
    assert len(re.findall(r'<tr id="coverage-normal-', section.html)) == len(methods)
    sizes = sorted({r["n_points"] for r in stored}, reverse=True)
    share = {(r["method"], r["n_points"], r["level"]): r["coverage"] for r in stored}
    for method in methods:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", _row_html(section.html, f"coverage-normal-{method}"))
        assert ("(default)" in cells[0]) == any(r["chosen"] for r in stored if r["method"] == method)
        for n, cell in zip(sizes, cells[1:], strict=True):
            assert re.sub(" ✗", "", cell) == f"{100 * share[(method, n, 0.8)]:.1f}% / {100 * share[(method, n, 0.95)]:.1f}%"
            # ✗: outside the calibration target issue 8 sets (77-83% for 80%, 93-97% for 95%)
            for part, level, (lo, hi) in zip(cell.split(" / "), (0.8, 0.95), ((0.77, 0.83), (0.93, 0.97)), strict=True):
                assert part.endswith("✗") == (not lo <= share[(method, n, level)] <= hi)
    total = store.execute("SELECT count(*) FROM interval_coverage WHERE fit_id = (SELECT max(fit_id) FROM interval_coverage)").fetchone()[0]
    assert len(section.rows) == total
    assert {r["scenario"] for r in section.rows} == {r[0] for r in store.execute("SELECT DISTINCT scenario FROM interval_coverage").fetchall()}


def test_the_break_section_names_the_model_the_break_rests_on_with_the_wild_p_and_the_grid_edge(store):
    fit_id = canonical_trend_fit_id(store, 50)
    bt = _rows(store, "SELECT * FROM trend_break_tests WHERE fit_id = ?", [fit_id])[0]
    # What the embedded data says, checked before the page is: the break rests on GPT-4 (0314).
    loo = json.loads(bt["leave_one_out"])
    top = max(loo, key=lambda m: m["p_value"])
    assert bt["rests_on_one_model"] and top["model_id"] == bt["most_influential_model"] == "gpt-4-0314"
    assert bt["p_value"] < 0.05 <= top["p_value"] and bt["at_grid_edge"] == "first"
    name = store.execute("SELECT display_name FROM models WHERE model_id = ?", [top["model_id"]]).fetchone()[0]
    assert name == "GPT-4 (0314)"

    section = break_test(store, fit_id)
    text = _text(section.html)
    assert "The break rests on one model." in text
    assert f"Leave out {name} and p = {top['p_value']:.3f}: no clear break." in text
    assert f"p = {bt['p_value_wild']:.3f} without that assumption" in text
    assert f"earliest date the test allows (it allows {bt['grid_first'].isoformat()}" in text
    assert len(section.rows) == len(loo) and section.rows[0]["model_name"] == name and section.rows[0]["most_influential"]


def test_a_break_that_survives_every_left_out_model_is_not_said_to_rest_on_one(store):
    fit_id = canonical_trend_fit_id(store, 80)
    bt = _rows(store, "SELECT p_value, p_value_without_it, rests_on_one_model FROM trend_break_tests WHERE fit_id = ?", [fit_id])[0]
    assert bt["p_value"] < 0.05 and bt["p_value_without_it"] < 0.05 and not bt["rests_on_one_model"]
    text = _text(break_test(store, fit_id).html)
    assert "rests on one model" not in text
    assert f"It does not rest on any one model: leaving out each in turn, p stays at or below {bt['p_value_without_it']:.3f}" in text


def test_forecast_words_give_the_stored_dates_of_both_intervals_at_80_and_95(store):
    fit_id = canonical_trend_fit_id(store, 50)
    stored = _rows(
        store,
        "SELECT f.label, f.date_point, f.lo80, f.hi80, f.lo95, f.hi95, f.beyond_ceiling, r.lo80 AS r_lo80,"
        " r.hi80 AS r_hi80, r.lo95 AS r_lo95, r.hi95 AS r_hi95 FROM forecasts f JOIN forecast_reach r USING (fit_id, threshold, form)"
        " WHERE f.trend_fit_id = ? AND f.form = 'exponential' AND f.fit_id = (SELECT max(fit_id) FROM forecasts WHERE trend_fit_id = ?)",
        [fit_id, fit_id],
    )
    assert stored and all(r["hi95"] is not None and r["r_hi95"] is not None for r in stored)
    paragraphs = {m.group(1): _text(m.group(0)) for m in re.finditer(r"<p><strong>(.*?)</strong>.*?</p>", forecast(store, fit_id).html)}
    assert len(paragraphs) == len(stored)
    for r in stored:
        label = (r["label"][:1].upper() + r["label"][1:]).replace("'", "&#x27;")
        words = paragraphs[label]
        assert f"crosses it around {r['date_point'].isoformat()}" in words
        assert f"with 80% confidence between {r['lo80'].isoformat()} and {r['hi80'].isoformat()}," in words
        assert f"with 95% confidence between {r['lo95'].isoformat()} and {r['hi95'].isoformat()}." in words
        assert (f"An individual model is expected to reach it, with 80% confidence, between {r['r_lo80'].isoformat()}"
                f" and {r['r_hi80'].isoformat()}; with 95% confidence, between {r['r_lo95'].isoformat()}"
                f" and {r['r_hi95'].isoformat()}.") in words
        assert ("beyond the 16 h the task suite can measure" in words) == r["beyond_ceiling"]


def test_a_bound_beyond_the_forecast_horizon_is_said_in_words_never_left_blank(store):
    ids = canonical_trend_fit_ids(store)
    missing = _rows(store, "SELECT trend_fit_id, label FROM forecasts WHERE form = 'exponential' AND hi95 IS NULL"
                           " AND trend_fit_id IN (SELECT unnest(?::INTEGER[])) ORDER BY trend_fit_id, hours LIMIT 1",
                    [sorted(ids.values())])
    assert missing, "the short run-level trend has a 95% bound beyond the horizon in the embedded data"
    section = forecast(store, missing[0]["trend_fit_id"])
    assert "not within the forecast horizon" in section.html and "None" not in section.html
    assert between(None, None) == "not within the forecast horizon"
    row = next(r for r in section.rows if r["label"] == missing[0]["label"])
    assert row["line_hi95"] is None


def test_the_caveats_beside_the_headline_give_the_publisher_gap_with_its_cause_and_a_fragile_fit(store):
    fit_id = canonical_trend_fit_id(store, 50)
    check = _rows(store, "SELECT ours, published, cause FROM trend_publisher_checks WHERE fit_id = ? AND flagged", [fit_id])
    assert len(check) == 1
    text = _text(warnings(store, fit_id).html)
    assert f"is {check[0]['published']:.1f} days; horizon gets {check[0]['ours']:.1f} days" in text
    assert check[0]["cause"].replace("'", "&#x27;") in text
    fragile = _rows(store, "SELECT fit_id, text FROM trend_warnings WHERE code = 'fragile' ORDER BY fit_id LIMIT 1")
    assert fragile, "the embedded run-level 80% trend has too few points"
    section = warnings(store, fragile[0]["fit_id"])
    assert "<strong>Fragile</strong>: " + fragile[0]["text"].removeprefix("fragile: ") in section.html
    assert [r["code"] for r in section.rows][0] == "fragile"


def test_stored_strings_are_escaped_in_every_section(updated, tmp_path):
    con = connect(copy_of_updated(updated, tmp_path))
    try:
        fit_id = canonical_trend_fit_id(con, 50)
        con.execute("UPDATE models SET display_name = ? WHERE model_id = 'gpt-4-0314'", [HOSTILE])
        con.execute("UPDATE forecasts SET label = ? WHERE trend_fit_id = ?", [HOSTILE, fit_id])
        con.execute("UPDATE trend_publisher_checks SET cause = ? WHERE fit_id = ?", [HOSTILE, fit_id])
        con.execute("UPDATE interval_coverage SET method = ? WHERE method = 'wild_hc3'", [HOSTILE])
        html = "".join([break_test(con, fit_id).html, forecast(con, fit_id).html, warnings(con, fit_id).html,
                        publisher_check(con, fit_id).html, coverage(con).html])
        assert "<script>" not in html
        assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5
        assert break_test(con, fit_id).rows[0]["model_name"] == HOSTILE   # downloads keep the name as data
    finally:
        con.close()


def test_an_empty_store_gives_each_section_a_one_line_note(tmp_path):
    con = connect(tmp_path / "empty.duckdb")
    try:
        fit_id = canonical_trend_fit_id(con, 50)
        assert fit_id is None
        for section in (coverage(con), break_test(con, fit_id), forecast(con, fit_id), publisher_check(con, fit_id)):
            assert section.html.count("<p") == 1 and '<p class="empty">' in section.html
            assert section.rows == () and section.files() == () and section.links() == ""
        assert warnings(con, fit_id).html == "" and doubling_interval(con, fit_id).html == ""
    finally:
        con.close()


def test_downloads_hold_each_table_as_shown_or_the_rows_and_build_to_the_same_bytes(store):
    fit_id = canonical_trend_fit_id(store, 50)
    for build in (lambda: coverage(store), lambda: break_test(store, fit_id), lambda: forecast(store, fit_id, forms=None),
                  lambda: publisher_check(store, fit_id), lambda: warnings(store, fit_id),
                  lambda: doubling_interval(store, fit_id)):
        first, again = build(), build()
        assert first.html == again.html and first.files() == again.files()
        files = dict(first.files())
        tables = re.findall(r'<table id="([^"]+)">.*?<tbody>(.*?)</tbody>', first.html, re.DOTALL)
        if tables:   # a table's download is exactly its cells: one CSV row per table row
            for table_id, body in tables:
                rows = list(csv.reader(io.StringIO(files[f"data/{table_id}.csv"].decode("utf-8"))))
                assert len(rows) - 1 == body.count("<tr") and f"data/{table_id}.json" in files
        else:        # a sentence without a table: its rows, linked from the section
            (csv_path, csv_bytes), (json_path, json_bytes) = first.files()
            assert csv_path.endswith(".csv") and json_path.endswith(".json") and csv_path in first.links()
            table = list(csv.DictReader(io.StringIO(csv_bytes.decode("utf-8"))))
            assert len(table) == len(json.loads(json_bytes)) == len(first.rows) > 0


class _Balance(HTMLParser):
    """Fails on a closing tag that does not close the innermost open element."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing open"


def test_every_section_is_a_balanced_fragment_that_can_go_anywhere_on_a_page(store):
    ids = canonical_trend_fit_ids(store)
    for fit_id in sorted(ids.values()):
        for section in (break_test(store, fit_id), forecast(store, fit_id, forms=None), warnings(store, fit_id),
                        publisher_check(store, fit_id), coverage(store), doubling_interval(store, fit_id)):
            for part in (section.html, section.links()):
                parser = _Balance()
                parser.feed(part)
                parser.close()
                assert parser.open == [], f"fit {fit_id}: unclosed {parser.open}"


def test_the_doubling_interval_gives_the_stored_80_and_95_bounds_and_says_when_there_is_no_upper_one(store):
    rows = _rows(store, "SELECT fit_id, doubling_days, ci80_low, ci80_high, ci_low, ci_high FROM trend_fits"
                        " WHERE form = 'exponential' AND fit_id IN (SELECT unnest(?::INTEGER[]))",
                 [sorted(canonical_trend_fit_ids(store).values())])
    assert any(r["ci_high"] is None for r in rows), "the 5-point run-level trend has no 95% upper bound"
    for r in rows:
        text = _text(doubling_interval(store, r["fit_id"]).html)
        assert f"The doubling time is {r['doubling_days']:,.1f} days" in text
        assert f"80% confident it is between {r['ci80_low']:,.1f} and {r['ci80_high']:,.1f} days" in text
        if r["ci_high"] is None:
            assert f"95% confident it is at least {r['ci_low']:,.1f} days, with no upper limit the data can set" in text
        else:
            assert f"95% confident it is between {r['ci_low']:,.1f} and {r['ci_high']:,.1f} days" in text
        assert "None" not in text and "inf" not in text


def test_a_trend_without_a_doubling_time_says_why_instead_of_printing_a_number(updated, tmp_path):
    con = connect(copy_of_updated(updated, tmp_path))
    try:
        fit_id = canonical_trend_fit_id(con, 50)
        note = "horizon did not grow: the fitted slope of ln(horizon) is not positive, so there is no doubling time"
        con.execute("UPDATE trend_fits SET status = 'no_growth', note = ?, doubling_days = NULL, ci_low = NULL,"
                    " ci_high = NULL, ci80_low = NULL, ci80_high = NULL WHERE fit_id = ? AND form = 'exponential'", [note, fit_id])
        assert _text(doubling_interval(con, fit_id).html) == f"No doubling time is reported: {note}."
        assert _text(warnings(con, fit_id).html).count(note) == 1
    finally:
        con.close()
