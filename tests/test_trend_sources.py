"""Which stored rows a trend reads: the default headline snapshot, the publisher's own
frontier flags, one point per model, and what to do when a source is missing."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from horizon.errors import NotFoundError
from horizon.ingest import ingest
from horizon.trend.analysis import TrendSpec
from horizon.trend.api import run_trend
from horizon.trend.rules import newest_first_key, version_key
from horizon.trend.store import load_published_points, runs_source
from horizon.trend.stored import headline_snapshot_ids, latest_headline_snapshot
from tests.conftest import VINTAGE

FAST = TrendSpec(n_boot=500, n_boot_forms=60, n_break_boot=49)
JAN, FEB = VINTAGE["2026-01-30"], VINTAGE["2026-02-22"]


@pytest.mark.parametrize("order", [(FEB, JAN), (JAN, FEB)], ids=["older_ingested_last", "newer_ingested_last"])
def test_default_headline_is_the_newest_published_version_whatever_the_ingestion_order(con, config, order):
    ids = {path: ingest(con, config, [str(path)])[0].snapshot_id for path in order}
    assert latest_headline_snapshot(con) == ids[FEB]
    run = run_trend(con, config, FAST)
    assert run.source.snapshot_id == ids[FEB]
    assert run.result.exponential.doubling_days == pytest.approx(122.611, abs=0.01)


def _snapshot(con, sid, origin, retrieved, label="METR-Horizon-v1.1", version=None, rows=True, estimate=None):
    con.execute(
        "INSERT INTO snapshots (snapshot_id, source_kind, origin, retrieved_at, sha256, bytes, rows, publisher_label)"
        " VALUES (?, 'test', ?, ?, ?, 1, 1, ?)",
        [sid, origin, datetime.fromisoformat(retrieved), f"sha{sid}", label],
    )
    if rows:
        con.execute(
            "INSERT INTO published_horizons (snapshot_id, source_model, model_id, level, estimate, published_version)"
            " VALUES (?, 'm', 'm', 50, ?, ?)",
            # Each snapshot its own publication unless told otherwise (copies hold identical rows).
            [sid, 10.0 + sid if estimate is None else estimate, version],
        )


def test_headline_rank_is_suite_version_then_version_date_then_file_name_date_then_retrieval_day_then_snapshot_id(con):
    assert latest_headline_snapshot(con) is None
    # Our embedded copy of 02-22, retrieved first.
    _snapshot(con, 1, "data/metr/metr_headline_1_1_2026-02-22.csv", "2026-03-01 12:00",
              version="METR-Horizon-v1.1 (2026-02-22)")
    # The raw 01-30 YAML, retrieved later: older by its file name.
    _snapshot(con, 2, "https://example.org/vintages/benchmark_results_1_1.2026-01-30.yaml", "2026-06-01 09:00")
    assert latest_headline_snapshot(con) == 1
    # The same 02-22 version from the raw YAML: a tie on the date goes to the higher id.
    _snapshot(con, 3, "/data/benchmark_results_1_1.2026-02-22.yaml", "2026-01-01 00:00")
    assert latest_headline_snapshot(con) == 3
    # Undated file, retrieved before 02-22: older. A date in a folder name is not the file's.
    _snapshot(con, 4, "/2027-01-01/benchmark_results_1_1.yaml", "2026-02-01 00:00")
    assert latest_headline_snapshot(con) == 3
    # Not a real date in the name: falls back to the retrieval day, here newer.
    _snapshot(con, 5, "/x/benchmark_results_1_1.2026-13-45.yaml", "2026-04-01 00:00")
    assert latest_headline_snapshot(con) == 5
    # An older suite never wins on its date; snapshots without published horizons never count.
    _snapshot(con, 6, "/x/benchmark_results_1_0.2030-01-01.yaml", "2030-01-01 00:00", label="METR-Horizon-v1.0")
    _snapshot(con, 7, "/x/benchmark_results_1_1.2030-01-01.yaml", "2030-01-01 00:00", rows=False)
    assert latest_headline_snapshot(con) == 5
    # A newer suite wins whatever its date, and 1.10 is newer than 1.9 (numbers, not text).
    _snapshot(con, 8, "/x/benchmark_results_1_9.2026-01-01.yaml", "2026-01-01 00:00", label="METR-Horizon-v1.9")
    assert latest_headline_snapshot(con) == 8
    _snapshot(con, 9, "/x/benchmark_results_1_10.2025-01-01.yaml", "2025-01-01 00:00", label="METR-Horizon-v1.10")
    assert latest_headline_snapshot(con) == 9
    assert headline_snapshot_ids(con) == [9, 8, 5, 3, 1, 4, 2, 6]


def test_copies_of_one_publication_are_one_vintage_dated_and_named_by_the_copy_that_says(con):
    # Our embedded copy names its version; METR's YAML of the same rows, fetched later, does not.
    _snapshot(con, 1, "data/metr/metr_headline_1_1_2026-02-22.csv", "2026-03-01 12:00",
              version="METR-Horizon-v1.1 (2026-02-22)", estimate=42.0)
    _snapshot(con, 2, "https://metr.org/assets/benchmark_results_1_1.yaml", "2026-06-01 09:00", estimate=42.0)
    _snapshot(con, 3, "https://metr.org/assets/benchmark_results_1_1.yaml?v=2", "2026-06-02 09:00", estimate=43.0)
    versions = {r[0]: r[1:] for r in con.execute(
        "SELECT snapshot_id, publication_id, published_version, version_date FROM snapshot_versions").fetchall()}
    assert versions[2][:2] == (1, "METR-Horizon-v1.1 (2026-02-22)") and str(versions[2][2]) == "2026-02-22"
    assert headline_snapshot_ids(con) == [3, 1]   # the copy is not a vintage of its own
    copies = con.execute("SELECT copies, snapshot_ids FROM publications WHERE publication_id = 1").fetchone()
    assert copies == (2, [1, 2])


def test_python_and_sql_order_headline_versions_the_same_way(con):
    labels = ["METR-Horizon-v1.10", "METR-Horizon-v1.9", None, "METR-Horizon-v2", "METR-Horizon-v1.1",
              "METR-Horizon-v1.1.1", "METR-Horizon-v10", "METR-Horizon-v1.0", "x"]
    sql = [r[0] for r in con.execute(
        "SELECT l FROM (SELECT unnest(?::VARCHAR[]) AS l) ORDER BY suite_version(l), l NULLS FIRST", [labels]
    ).fetchall()]
    python = sorted(labels, key=lambda label: (version_key(label), label is not None, label or ""))
    assert sql == python
    assert python.index("METR-Horizon-v1.9") < python.index("METR-Horizon-v1.10") < python.index("METR-Horizon-v2")
    # The whole ordering of snapshots: the view's rank equals sorting by the Python key.
    for sid, (label, day) in enumerate([("METR-Horizon-v1.1", "2026-02-22"), ("METR-Horizon-v1.10", "2025-01-01"),
                                        ("METR-Horizon-v1.9", "2027-01-01"), ("METR-Horizon-v1.1", "2026-03-03")], 1):
        _snapshot(con, sid, f"/x/benchmark_results.{day}.yaml", "2026-03-01 00:00", label=label)
    rows = con.execute("SELECT snapshot_id, publisher_label, version_date FROM headline_snapshots").fetchall()
    by_python = [r[0] for r in sorted(rows, key=lambda r: newest_first_key(r[1], r[2], r[0]), reverse=True)]
    assert headline_snapshot_ids(con) == by_python == [2, 3, 4, 1]


def test_trend_without_a_headline_snapshot_says_how_to_get_one(con, config):
    with pytest.raises(NotFoundError, match="no published headline snapshot in the store"):
        run_trend(con, config, FAST)


def _yaml(tmp_path, rows: str):
    path = tmp_path / "h.yaml"
    path.write_text("benchmark_name: METR-Horizon-v1.1\nresults:\n" + rows, encoding="utf-8")
    return path


def _row(key, day, p50, extra=""):
    return (f"  {key}:\n    release_date: {day}\n    metrics:\n"
            f"      p50_horizon_length: {{estimate: {p50}, ci_low: {p50 / 2}, ci_high: {p50 * 2}}}\n"
            f"      p80_horizon_length: {{estimate: {p50 / 5}, ci_low: {p50 / 10}, ci_high: {p50}}}\n{extra}")


def test_publisher_80_percent_flag_is_unknown_without_is_sota_p80_not_the_50_percent_flag(con, config, tmp_path):
    rows = (_row("a", "2024-01-01", 10, "      is_sota: true\n")
            + _row("b", "2024-06-01", 5, "      is_sota: false\n")
            + _row("c", "2025-01-01", 40, "      is_sota: true\n      is_sota_p80: false\n"))
    sid = ingest(con, config, [str(_yaml(tmp_path, rows))])[0].snapshot_id
    p50 = {p.source_model: p.published_sota for p in load_published_points(con, sid, 50)}
    p80 = {p.source_model: p.published_sota for p in load_published_points(con, sid, 80)}
    assert p50 == {"a": True, "b": False, "c": True}
    assert p80 == {"a": None, "b": None, "c": False}


def test_model_spelt_twice_in_one_file_is_fitted_once_and_stored_as_a_duplicate(con, config, tmp_path):
    days = ["2023-03-14", "2023-11-06", "2024-05-13", "2024-12-05", "2025-04-16", "2025-08-07"]
    rows = "".join(_row(f"m{i}", d, 3 * 2**i) for i, d in enumerate(days))
    rows += _row("claude_opus_4_5", "2025-11-24", 300) + _row("claude_opus_4_5_inspect", "2025-11-24", 300)
    rows += _row("gpt_5_2", "2025-12-11", 400)
    ingest(con, config, [str(_yaml(tmp_path, rows))])
    run = run_trend(con, config, FAST)   # used to fail on the trend_backtests primary key
    stored = dict(con.execute(
        "SELECT source_model, excluded_reason FROM trend_points WHERE fit_id = ? AND model_id = 'claude-opus-4-5'",
        [run.fit_id]).fetchall())
    assert stored == {"claude_opus_4_5": None, "claude_opus_4_5_inspect": "duplicate_model"}
    n_models, models = con.execute(
        "SELECT n_models, models FROM trend_fits WHERE fit_id = ? AND form = 'exponential'", [run.fit_id]).fetchone()
    assert n_models == 8 and json.loads(models).count("claude-opus-4-5") == 1
    n_bt = con.execute("SELECT count(*) FROM trend_backtests WHERE fit_id = ? AND model_id = 'claude-opus-4-5'"
                       " AND form = 'exponential'", [run.fit_id]).fetchone()[0]
    assert n_bt == 1   # predicted once, from the cut-off at its own release date


def test_missing_run_level_fit_points_to_commands_that_exist(con):
    with pytest.raises(NotFoundError) as err:
        runs_source(con, 12345)
    message = str(err.value)
    assert "horizon query run_horizons" in message and "horizon fit" in message
    assert "query fits" not in message
