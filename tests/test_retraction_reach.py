"""A retraction reaches what was added after it: indicator series and the citations of trends
fitted on a snapshot retracted since."""

from __future__ import annotations

import json

from tests.conftest import SHARED, VINTAGE, run_cli

ENV = {"SOURCE_DATE_EPOCH": "1772366400"}


def test_a_retracted_indicator_file_stops_counting_and_the_series_disappears(tmp_path):
    db = str(tmp_path / "i.duckdb")
    path = SHARED / "indicators" / "openai_experiment_velocity.csv"
    (result,) = json.loads(run_cli("--db", db, "ingest", str(path), "--json", env=ENV).stdout)["snapshots"]
    sql = "SELECT count(*) AS n FROM indicator_current WHERE series = 'openai_experiments_per_researcher'"
    assert json.loads(run_cli("--db", db, "query", sql, "--json").stdout)["rows"] == [{"n": 32}]
    assert run_cli("--db", db, "snapshots", "retract", str(result["snapshot_id"]), "--why", "test", env=ENV).exit_code == 0
    assert json.loads(run_cli("--db", db, "query", sql, "--json").stdout)["rows"] == [{"n": 0}]


def test_a_citation_of_a_trend_on_a_retracted_snapshot_says_so(tmp_path):
    db = str(tmp_path / "t.duckdb")
    (snap,) = json.loads(run_cli("--db", db, "ingest", str(VINTAGE["2026-03-03"]), "--json", env=ENV).stdout)["snapshots"]
    trend = json.loads(run_cli("--db", db, "trend", "--json", env=ENV).stdout)
    retract = run_cli("--db", db, "snapshots", "retract", str(snap["snapshot_id"]), "--why", "cut-off download",
                      env=ENV)
    assert retract.exit_code == 0, retract.output
    text = run_cli("--db", db, "cite", "--fit", str(trend["fit_id"]), env=ENV).stdout
    assert f"Retracted since: snapshot {snap['snapshot_id']} no longer counts (cut-off download)." in text
