"""Ingesting METR's headline YAML (every published version) and run-level JSONL."""

from __future__ import annotations

import json

import pytest
import yaml

from horizon.ingest import ingest
from horizon.query import run_query
from tests.conftest import METR, VINTAGES, table_counts

HEADLINES = [METR / "benchmark_results_1_0.yaml", *VINTAGES]


def expected_headline_counts(path):
    doc = yaml.safe_load(path.read_text())
    horizons = sum(
        1 for entry in doc["results"].values() for level in (50, 80)
        if f"p{level}_horizon_length" in entry["metrics"]
    )
    return horizons, len(doc.get("doubling_time_in_days", {}))


@pytest.mark.parametrize("path", HEADLINES, ids=lambda p: p.name)
def test_every_published_headline_version_ingests_with_one_row_per_model_and_level(con, config, path):
    (result,) = ingest(con, config, [str(path)])
    horizons, claims = expected_headline_counts(path)
    assert result.kind == "metr_headline_yaml" and result.new
    assert con.execute("SELECT count(*) FROM published_horizons").fetchone()[0] == horizons
    assert con.execute("SELECT count(*) FROM publisher_doubling_times").fetchone()[0] == claims
    assert result.rows == horizons + claims


def test_headline_values_flags_and_suites_are_kept_as_published(con, config):
    path = VINTAGES[-1]
    ingest(con, config, [str(path)])
    doc = yaml.safe_load(path.read_text())
    for key, entry in doc["results"].items():
        rows = con.execute(
            "SELECT level, estimate, ci_low, ci_high, is_sota, suite, release_date, average_score"
            " FROM published_horizons WHERE source_model = ? ORDER BY level", [key]).fetchall()
        for level, estimate, low, high, sota, suite, released, score in rows:
            published = entry["metrics"][f"p{level}_horizon_length"]
            assert (estimate, low, high) == (published["estimate"], published["ci_low"], published["ci_high"])
            assert sota == entry["metrics"]["is_sota"]
            assert suite == entry["benchmark_name"]
            assert released == entry["release_date"]
            assert score == entry["metrics"]["average_score"]["estimate"]
    carried = con.execute("SELECT count(*) FROM published_horizons WHERE suite = 'METR-Horizon-v1.0'").fetchone()[0]
    assert carried > 0  # rows carried over from the 1.0 suite keep their own benchmark_name


def test_publisher_doubling_time_claim_is_stored_per_version(con, config):
    ingest(con, config, [str(p) for p in VINTAGES])
    claims = con.execute(
        "SELECT s.origin, d.window_name, d.point_estimate, d.ci_low, d.ci_high"
        " FROM publisher_doubling_times d JOIN snapshots s USING (snapshot_id) ORDER BY 1, 2").fetchall()
    for origin, window, point, low, high in claims:
        published = yaml.safe_load(open(origin))["doubling_time_in_days"][window]
        assert (point, low, high) == (published["point_estimate"], published.get("ci_low"), published.get("ci_high"))
    assert len(claims) == 2 * len(VINTAGES)   # from_2023_on and all_time_stitched in each


def test_ingesting_identical_bytes_again_changes_nothing_and_says_so(con, config):
    first = ingest(con, config, [str(VINTAGES[0])])
    before = table_counts(con)
    (again,) = ingest(con, config, [str(VINTAGES[0])])
    assert not again.new and again.snapshot_id == first[0].snapshot_id
    assert table_counts(con) == before


def test_each_version_of_the_1_1_yaml_is_its_own_snapshot_and_history_shows_opus_4_6_in_each(con, config):
    results = ingest(con, config, [str(p) for p in VINTAGES])
    assert len({r.snapshot_id for r in results}) == len(VINTAGES)
    history = run_query(config, "model_history", {"model": "Claude Opus 4.6"}, con=con)
    rows = {r[0]: dict(zip(history.columns, r)) for r in history.rows}
    assert set(rows) == {r.snapshot_id for r in results}
    for path, r in zip(VINTAGES, results):
        published = yaml.safe_load(path.read_text())["results"].get("claude_opus_4_6_inspect")
        expected = None if published is None else published["metrics"]["p50_horizon_length"]["estimate"]
        assert rows[r.snapshot_id]["p50_minutes"] == expected
    assert rows[results[0].snapshot_id]["p50_minutes"] is None  # not in the 2026-01-30 version


def test_runs_jsonl_ingests_every_run_with_its_agent_mapped_to_a_canonical_model(con, config):
    path = METR / "all_runs_2025-03.jsonl"
    (result,) = ingest(con, config, [str(path)])
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    assert result.rows == len(records)
    got = dict(con.execute("SELECT source_model, count(*) FROM runs GROUP BY 1").fetchall())
    want = {}
    for r in records:
        want[r["alias"]] = want.get(r["alias"], 0) + 1
    assert got == want
    assert con.execute("SELECT count(*) FROM runs WHERE task_source IS NOT NULL").fetchone()[0] == 0
    unmapped = con.execute("SELECT count(*) FROM runs WHERE model_id LIKE 'unmapped:%'").fetchone()[0]
    assert unmapped == 0
    assert con.execute("SELECT model_id FROM runs WHERE source_model = 'Claude 3.5 Sonnet (New)' LIMIT 1").fetchone()[0] \
        == "claude-3-5-sonnet-20241022"


def test_format_can_be_forced_and_a_wrong_forced_format_fails_cleanly(con, config):
    (r,) = ingest(con, config, [str(VINTAGES[0])], fmt="metr_headline_yaml")
    assert r.kind == "metr_headline_yaml"
    from horizon.errors import InputError

    with pytest.raises(InputError):
        ingest(con, config, [str(METR / "benchmark_results_1_0.yaml")], fmt="metr_runs_jsonl")


def test_named_queries_take_the_newest_published_version_not_the_last_ingested(con, config):
    newer, older = ingest(con, config, [str(VINTAGES[-1]), str(VINTAGES[0])])
    frontier = run_query(config, "frontier", con=con)
    assert {r[-1] for r in frontier.rows} == {newer.snapshot_id}
    latest = run_query(config, "latest_horizons", con=con)
    opus = [dict(zip(latest.columns, r)) for r in latest.rows if r[1] == "claude-opus-4-5"]
    assert opus[0]["snapshot_id"] == newer.snapshot_id
