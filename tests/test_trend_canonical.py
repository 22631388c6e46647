"""The headline never drifts: the site, `horizon cite` and update's summary always show the
canonical trend; one rule, one home: the ceiling, the newest version and the frontier."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from horizon.ingest import ingest
from horizon.query import run_query
from horizon.store import connect
from horizon.trend.analysis import TrendSpec
from horizon.trend.api import run_trend
from horizon.trend.canonical import canonical_trend_fit_id, shown_ceiling_minutes
from horizon.trend.cite import sentence, stored_for_citation
from horizon.trend.frontier import select_points
from horizon.trend.store import load_published_points
from horizon.trend.stored import forecasts as stored_forecasts
from horizon.trend.stored import interval_coverage, load_break_test
from horizon.update import trend_stage
from tests.conftest import METR, VINTAGES


@pytest.fixture(scope="module")
def canonical_store(tmp_path_factory):
    """Every METR 1.1 vintage ingested and update's trend stage run once: canonical trends,
    forecasts and the headline citation, shared by the tests below (they only add fits)."""
    from datetime import UTC, datetime

    from horizon.config import load_config

    tmp = tmp_path_factory.mktemp("canonical")
    config = load_config(db=tmp / "h.duckdb", env={}, now=datetime(2026, 3, 1, 12, tzinfo=UTC),
                         cache_dir=tmp / "cache", reports_dir=tmp / "reports")
    con = connect(config.db_path)
    ingest(con, config, [str(v) for v in VINTAGES])
    first = trend_stage(con, config, refit=False)
    yield con, config, first
    con.close()


def _site_headline(con, config) -> tuple[str, float]:
    from horizon.report.context import build_context
    from horizon.report.pages import overview

    ctx = build_context(con, config)
    body = str(overview.build(ctx).body)
    start = body.index('<blockquote id="citation-text">')
    return body[start:body.index("</blockquote>", start)], ctx.ceiling_minutes


def test_an_exploratory_trend_changes_neither_cite_nor_update_nor_the_site(canonical_store):
    con, config, first = canonical_store
    assert first["status"] == "fitted"
    cited = sentence(stored_for_citation(con))
    site, _ = _site_headline(con, config)
    assert first["citation"] == cited and cited.split(" (")[0] in site
    for spec, kw in ((TrendSpec(window_from=date(2025, 1, 1), n_boot=200, n_boot_forms=20, n_break_boot=19), {}),
                     (TrendSpec(points="all", n_boot=200, n_boot_forms=20, n_break_boot=19), {}),
                     (TrendSpec(n_boot=200, n_boot_forms=20, n_break_boot=19), {"snapshot_id": 1})):
        exploratory = run_trend(con, config, spec, **kw)
        assert sentence(stored_for_citation(con, exploratory.fit_id)) != cited
    again = trend_stage(con, config, refit=False)
    assert again["status"] == "unchanged" and again["citation"] == cited
    assert sentence(stored_for_citation(con)) == cited
    assert _site_headline(con, config)[0] == site


def test_cite_names_another_stored_fit_only_when_asked(canonical_store, tmp_path):
    con, config, _ = canonical_store
    other = run_trend(con, config, TrendSpec(level=80, window_from=date(2024, 1, 1), n_boot=200, n_boot_forms=20,
                                             n_break_boot=19))
    assert stored_for_citation(con, other.fit_id).fit_id == other.fit_id
    assert stored_for_citation(con, level=80).fit_id == canonical_trend_fit_id(con, 80) != other.fit_id
    assert stored_for_citation(con).fit_id == canonical_trend_fit_id(con, 50)


def test_the_report_takes_the_ceiling_from_the_stored_fit_it_shows(canonical_store):
    con, config, _ = canonical_store
    fit_id = canonical_trend_fit_id(con, 50)
    assert shown_ceiling_minutes(con) == 960.0
    con.execute("UPDATE trend_fits SET ceiling_minutes = 480 WHERE fit_id = ?", [fit_id])
    try:
        assert shown_ceiling_minutes(con) == 480.0
        from horizon.report.context import build_context
        from horizon.report.pages import overview

        ctx = build_context(con, config)
        assert ctx.ceiling_minutes == 480.0
        charts = json.dumps([c.spec for c in overview.build(ctx).charts])
        assert "measurable ceiling (8 h)" in charts and "beyond 8 h ceiling" in charts
        assert not re.search(r"(?<![\d.])16 h", charts)   # "1.16 h" is a horizon, not the ceiling
    finally:
        con.execute("UPDATE trend_fits SET ceiling_minutes = 960 WHERE fit_id = ?", [fit_id])


@pytest.mark.parametrize("path", [METR / "benchmark_results_1_0.yaml", *VINTAGES], ids=lambda p: p.name)
def test_frontier_query_and_the_python_frontier_rule_pick_the_same_models(path, con, config):
    snapshot_id = ingest(con, config, [str(path)])[0].snapshot_id
    rows = select_points(load_published_points(con, snapshot_id, 50), None, None, None).rows
    python = {r.point.model_id for r in rows if r.on_frontier}
    result = run_query(config, "frontier", con=con)
    sql = {row[result.columns.index("model_id")] for row in result.rows}
    assert sql == python and len(sql) >= 10


def test_update_stores_the_coverage_study_the_default_interval_was_chosen_by(canonical_store):
    con, _, first = canonical_store
    rows = interval_coverage(con)
    assert {r.method for r in rows if r.chosen} == {"ols_t"}
    assert {r.n_points for r in rows} == {14, 9, 5, 3} and {r.scenario for r in rows} >= {"normal", "heavy_tailed"}
    for r in rows:
        if r.chosen and r.scenario == "normal" and r.n_points >= 5:
            assert (0.93 <= r.coverage <= 0.97) if r.level == 0.95 else (0.77 <= r.coverage <= 0.83)
    kind, params = con.execute("SELECT kind, params FROM fits WHERE fit_id = ?", [first["coverage_study_fit_id"]]).fetchone()
    assert kind == "coverage_study" and json.loads(params)["trend_fit_id"] == first["trend_fit_id"]


def test_the_stored_break_test_says_the_metr_break_rests_on_one_model(canonical_store):
    con, _, _ = canonical_store
    fit_id = canonical_trend_fit_id(con, 50)
    bt = load_break_test(con, fit_id)
    assert bt.rests_on_one_model and bt.most_influential_model == "gpt-4-0314" and bt.p_value_without_it > 0.05
    assert bt.at_grid_edge == "first" and bt.p_value < 0.01 < bt.p_value_wild
    assert len(bt.leave_one_out) == 14
    text = con.execute("SELECT break_test FROM trend_fits WHERE fit_id = ? AND form = 'piecewise'", [fit_id]).fetchone()[0]
    assert "It rests on one model: without gpt-4-0314" in text and "earliest date the test allows" in text


def test_forecasts_store_when_the_line_crosses_and_when_a_model_reaches_each_threshold(canonical_store):
    con, _, _ = canonical_store
    trend_id = canonical_trend_fit_id(con, 50)
    rows = con.execute(
        "SELECT f.form, f.lo95, f.hi95, r.lo95, r.hi95, r.interval_method FROM forecasts f"
        " JOIN forecast_reach r USING (fit_id, threshold, form) WHERE f.trend_fit_id = ? AND f.threshold = 'work-day-50'",
        [trend_id],
    ).fetchall()
    assert {r[0] for r in rows} == {"exponential", "piecewise", "superexponential"}
    for _, line_lo, line_hi, reach_lo, reach_hi, method in rows:
        assert reach_lo < line_lo and line_hi < reach_hi and method
    n_forecasts, n_reach = con.execute(
        "SELECT (SELECT count(*) FROM forecasts), (SELECT count(*) FROM forecast_reach)").fetchone()
    assert n_forecasts == n_reach > 0
    typed = {(f.threshold, f.form): f for f in stored_forecasts(con, trend_id)}
    day = typed[("work-day-50", "exponential")]
    assert day.reach_lo95 < day.line_lo95 <= day.date_point <= day.line_hi95 < day.reach_hi95
    assert day.interval_method == "ols_t" and "prediction band" in day.reach_interval_method


def test_the_canonical_trend_checks_the_publishers_figures_on_its_own_file(canonical_store):
    con, _, _ = canonical_store
    checks = {r[0]: r[1:] for r in con.execute(
        "SELECT window_name, flagged, ours, published, cause FROM trend_publisher_checks WHERE fit_id = ?",
        [canonical_trend_fit_id(con, 50)]).fetchall()}
    assert checks["from_2023_on"][0] is False
    flagged, ours, published, cause = checks["all_time_stitched"]
    assert flagged and round(ours, 3) == 184.726 and published == 187.778 and "gpt2 (2019-02-14" in cause
