"""`horizon ladder`, `horizon indicators`, `horizon cite --indicator` and the named queries, on the
embedded data as `horizon update` ingests it offline."""

from __future__ import annotations

import json

import pytest

from horizon.config import PROJECT_DIR
from tests.conftest import run_cli

EMBEDDED = ["indicators/indicators.csv", "indicators/rct_issues.csv", "indicators/ladder_scores.csv",
            "metr/metr_cross_domain_2025-07.csv", "metr/metr_headline_1_1_2026-03-03.csv", "metr/metr_runs_2025-03.csv"]
ENV = {"SOURCE_DATE_EPOCH": "1772366400"}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("ind") / "h.duckdb")
    result = run_cli("--db", path, "ingest", *(str(PROJECT_DIR / "data" / f) for f in EMBEDDED), env=ENV)
    assert result.exit_code == 0, result.output
    return path


def test_ladder_names_all_four_rungs_and_the_empty_one(db):
    out = run_cli("--db", db, "ladder", env=ENV).stdout
    rungs = [line for line in out.splitlines() if line.startswith("rung ")]
    assert [r.split(" (")[0] for r in rungs] == ["rung 1 software engineering", "rung 2 running experiments",
                                                "rung 3 ideation", "rung 4 strategy"]
    assert rungs[3].endswith(": no benchmark exists")
    assert "  (empty) No benchmark measures research strategy" in out
    doc = json.loads(run_cli("--db", db, "ladder", "--json", env=ENV).stdout)
    assert [(r["rung"], r["empty"], r["status"]) for r in doc["rungs"]][3] == (4, True, "no_benchmark")


def test_indicator_board_has_one_row_per_board_series_and_evaluating_again_reuses_the_fit(db):
    first = json.loads(run_cli("--db", db, "indicators", "--json", env=ENV).stdout)
    assert [r["series"] for r in first["board"]] == [
        "anthropic_al4_plus", "openai_experiments_per_researcher", "cobench", "staff_uplift_x",
        "research_better_pct", "code_per_contributor_x", "metr_rct_2025"]
    al4 = first["board"][0]
    assert al4["value"] == "26% (21.2% to 32.5%)" and al4["date"] == "2026-08-01"
    assert json.loads(run_cli("--db", db, "indicators", "--json", env=ENV).stdout)["fit_id"] == first["fit_id"]


def test_one_series_in_full_shows_the_rct_reproduction_beside_the_published_figure(db):
    out = run_cli("--db", db, "indicators", "--series", "metr_rct_2025", env=ENV).stdout
    assert "+19% [+1.3%, +39.5%]" in out
    assert "horizon reproduces from 246 issues (136 with AI allowed, 16 post-review times imputed): +18.8% time" in out


def test_unknown_series_is_one_line_listing_the_known_ones(db):
    result = run_cli("--db", db, "indicators", "--series", "vibes", env=ENV)
    assert result.exit_code == 1
    assert result.stderr.startswith("horizon: no indicator series named 'vibes' in the store; expected one of: ")
    assert result.stderr.count("\n") == 1


def test_cite_indicator_gives_value_date_source_and_caveat_in_three_formats(db):
    text = run_cli("--db", db, "cite", "--indicator", "anthropic_al4_plus", env=ENV).stdout
    assert text.startswith("Anthropic R&D work Claude leads (AL4+ share) was 26% (Anthropic, 2026-08-01), as published"
                           " by Anthropic, from 22% in the reading before.")
    assert "an extrapolation beyond the data" in text and "Caveat: " in text
    doc = json.loads(run_cli("--db", db, "cite", "--indicator", "anthropic_al4_plus", "--format", "json", env=ENV).stdout)
    assert doc["sentence"] == text.strip() and doc["value"] == 26.0 and doc["target"]["extrapolation"] is True
    assert doc["sources"][0]["url"] == "https://www.anthropic.com/institute/measuring-pace-of-ai-development"
    bib = run_cli("--db", db, "cite", "--indicator", "anthropic_al4_plus", "--format", "bibtex", env=ENV).stdout
    assert bib.startswith("@misc{anthropic-al4-plus-2026-08-01,") and "author = {{Anthropic}}" in bib


def test_named_queries_answer_latest_history_and_ladder_status(db):
    run_cli("--db", db, "ladder", env=ENV)
    latest = json.loads(run_cli("--db", db, "query", "indicator_latest", "--json").stdout)["rows"]
    assert {r["series"]: r["value"] for r in latest}["openai_experiments_per_researcher"] == 1.6
    history = json.loads(run_cli("--db", db, "query", "indicator_history", "--param", "series=cobench", "--json").stdout)
    assert [r["value"] for r in history["rows"]] == [15.6, 54.8, 50.3, 62.8]
    status = json.loads(run_cli("--db", db, "query", "ladder_status", "--json").stdout)["rows"]
    assert {r["rung"] for r in status} == {1, 2, 3, 4}
    assert [r["rung_status"] for r in status if r["rung"] == 4] == ["no_benchmark"]


def test_update_stage_prints_the_ladder_and_the_board(db):
    from horizon.config import load_config
    from horizon.store import connect
    from horizon.update import indicators_stage

    config = load_config(db=db, env=ENV)
    con = connect(db)
    try:
        lines = indicators_stage(con, config)["lines"]
    finally:
        con.close()
    assert sum(line.startswith("rung ") for line in lines) == 4
    assert any(line.startswith("inside the labs") for line in lines)
