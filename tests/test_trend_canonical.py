"""The headline never drifts: the site, `horizon cite` and update's summary always show the
canonical trend; one rule, one home: the ceiling, the newest version and the frontier."""

from __future__ import annotations

import json
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
        assert "16 h" not in charts
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
