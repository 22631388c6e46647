"""Fitting a runs table and a store snapshot; `horizon fit` and its JSON contract."""

from __future__ import annotations

import json
from datetime import date, datetime

import numpy as np
import polars as pl
import pytest

from horizon.errors import HorizonError, InputError, NotFoundError
from horizon.fit.api import fit_snapshot
from horizon.fit.horizons import fit_runs
from horizon.fit.results import FitOptions
from horizon.fit.store import latest_runs_snapshot
from horizon.ingest import ingest
from tests.conftest import METR, run_cli

RUNS = METR / "all_runs_2025-03.jsonl"
RELEASES = METR / "release_dates_2025-03.yaml"
COLUMNS = ["task_id", "task_family", "source_model", "human_minutes", "score_binarized"]


def _runs(rows):
    return pl.DataFrame(rows, schema=COLUMNS, orient="row")


def _suite(agent_rules: dict, runs=4):
    """Ten tasks of 1..512 minutes in five families; each agent succeeds where its rule says."""
    rows = []
    for t in range(10):
        minutes = 2.0**t
        for agent, rule in agent_rules.items():
            for r in range(runs):
                rows.append((f"fam{t // 2}/t{t}", f"fam{t // 2}", agent, minutes, int(rule(t, r))))
    return _runs(rows)


def test_model_that_fails_every_task_has_no_horizon_not_zero():
    frame = _suite({"good": lambda t, r: t < 5 or (t < 7 and r % 2), "hopeless": lambda t, r: False})
    fit = fit_runs(frame, FitOptions(n_bootstrap=100))
    hopeless = fit.agent("hopeless")
    assert hopeless.status == "no_finite_horizon" and hopeless.reason == "all_runs_failed"
    for h in hopeless.horizons:
        assert h.estimate is None and h.ci_low is None and h.ci_high is None
        assert h.n_nonfinite_replicates == 100
    assert hopeless.n_runs == 40 and hopeless.n_tasks == 10 and hopeless.average_score == 0.0
    assert np.isnan(fit.replicates[:, [a.source_model for a in fit.agents].index("hopeless")]).all()
    good = fit.agent("good")
    assert good.status == "ok" and 16 < good.horizon(50).estimate < 128


def test_model_that_passes_every_run_has_no_horizon_either():
    fit = fit_runs(_suite({"perfect": lambda t, r: True, "other": lambda t, r: t < 4}), FitOptions(n_bootstrap=0))
    assert fit.agent("perfect").reason == "all_runs_succeeded"
    assert fit.agent("perfect").horizon(50).estimate is None


def test_metr_agent_with_only_failures_is_reported_not_dropped():
    from horizon.fit.runtable import runs_frame_from_jsonl

    fit = fit_runs(runs_frame_from_jsonl(RUNS), FitOptions(n_bootstrap=20))
    assert len(fit.agents) == 11
    davinci = fit.agent("davinci-002")
    assert davinci.status == "no_finite_horizon" and davinci.reason == "all_runs_failed"
    assert (davinci.n_runs, davinci.n_tasks) == (68, 16)
    # gpt-3.5-turbo-instruct's p50 is tiny but finite: reported as fitted
    tiny = fit.agent("gpt-3.5-turbo-instruct").horizon(50).estimate
    assert tiny is not None and 0 < tiny < 1e-3
    assert fit.weight_check["invsqrt"] < 1e-9 and fit.weight_check["equal"] < 1e-9
    assert not [w for w in fit.warnings if "weight" in w]


def test_any_level_can_be_asked_for_and_levels_are_ordered_by_length():
    frame = _suite({"a": lambda t, r: t < 4 or (t < 8 and r < 2)})
    fit = fit_runs(frame, FitOptions(levels=(50, 80, 90), n_bootstrap=0))
    a = fit.agents[0]
    assert [h.level for h in a.horizons] == [50, 80, 90]
    assert a.horizon(90).estimate < a.horizon(80).estimate < a.horizon(50).estimate


def test_interval_brackets_the_estimate_and_replicates_are_kept():
    frame = _suite({"a": lambda t, r: t < 4 or (t < 8 and r < 2)})
    fit = fit_runs(frame, FitOptions(n_bootstrap=200, seed=3))
    h = fit.agents[0].horizon(50)
    assert h.ci_low < h.estimate < h.ci_high
    assert fit.replicates.shape == (200, 1, 2)


def test_file_weights_that_disagree_with_ours_give_a_warning():
    frame = _suite({"a": lambda t, r: t < 5}).with_columns(source_weight_invsqrt=pl.lit(0.5))
    fit = fit_runs(frame, FitOptions(n_bootstrap=0))
    assert fit.weight_check["invsqrt"] > 0.4
    assert any("source_weight_invsqrt differs" in w for w in fit.warnings)
    assert fit.agents[0].source_weight_max_abs_diff > 0.4


def test_agent_without_release_date_is_fitted_and_flagged():
    frame = _suite({"dated": lambda t, r: t < 5, "undated": lambda t, r: t < 6})
    fit = fit_runs(frame, FitOptions(n_bootstrap=0), release_dates={"dated": date(2024, 1, 2)})
    assert fit.agent("dated").release_date == date(2024, 1, 2) and not fit.agent("dated").release_date_missing
    undated = fit.agent("undated")
    assert undated.release_date_missing and undated.status == "ok"


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda f: f.drop("task_family"), "missing task_family"),
        (lambda f: f.with_columns(score_binarized=pl.lit(2)), "score_binarized: expected 0 or 1"),
        (lambda f: f.with_columns(human_minutes=pl.lit(0.0)), "human_minutes: expected a positive"),
        (lambda f: f.with_columns(
            task_family=pl.when(pl.col("source_model") == "b").then(pl.lit("other")).otherwise("task_family")),
         "expected one task_family per task"),
    ],
)
def test_malformed_runs_are_refused_with_the_column_named(change, message):
    frame = _suite({"a": lambda t, r: t < 5, "b": lambda t, r: t < 3})
    with pytest.raises(InputError, match=message):
        fit_runs(change(frame), FitOptions(n_bootstrap=0))


@pytest.mark.parametrize(
    "options", [{"levels": (100,)}, {"levels": (50, 50)}, {"C": 0.0}, {"n_bootstrap": -1},
                {"weighting": "sqrt"}, {"bootstrap_weights": "reuse"}],
)
def test_bad_options_are_refused(options):
    with pytest.raises(HorizonError):
        FitOptions(**options)


# --- the store -----------------------------------------------------------------------------------


def test_fit_of_an_ingested_snapshot_is_stored_with_a_row_per_agent_and_level(con, config):
    ingest(con, config, [str(RUNS), str(RELEASES)])
    fit = fit_snapshot(con, config, options=FitOptions(n_bootstrap=30, seed=5))
    kind, seed, params, snaps, created = con.execute(
        "SELECT kind, seed, params, input_snapshots, created_at FROM fits WHERE fit_id = ?", [fit.fit_id]
    ).fetchone()
    assert (kind, seed) == ("run_horizons", 5)
    assert json.loads(params)["n_bootstrap"] == 30 and json.loads(params)["C"] == 10.0
    assert json.loads(snaps) == [fit.snapshot["snapshot_id"]]
    assert created == config.now.replace(tzinfo=None)

    rows = con.execute(
        "SELECT source_model, level, estimate, status, reason, release_date_missing, n_replicates"
        " FROM fit_horizons WHERE fit_id = ? ORDER BY source_model, level", [fit.fit_id]
    ).fetchall()
    assert len(rows) == 22
    by_key = {(r[0], r[1]): r for r in rows}
    assert by_key[("davinci-002", 50)][2:5] == (None, "no_finite_horizon", "all_runs_failed")
    assert by_key[("Claude 3.5 Sonnet (New)", 50)][2] == pytest.approx(60.52, rel=1e-3)
    assert by_key[("Claude 3.5 Sonnet (New)", 50)][5] is False  # release date from the YAML
    assert by_key[("human", 50)][5] is True  # no release date: fitted and flagged
    n, finite = con.execute(
        "SELECT count(*), count(horizon_minutes) FROM fit_replicates WHERE fit_id = ?", [fit.fit_id]
    ).fetchone()
    assert n == 11 * 2 * 30 and finite <= n - 2 * 30  # davinci-002's replicates are all NULL
    stored = con.execute(
        "SELECT horizon_minutes FROM fit_replicates WHERE fit_id = ? AND source_model = 'o1' AND level = 80"
        " ORDER BY replicate", [fit.fit_id]
    ).fetchall()
    o1 = [a.source_model for a in fit.agents].index("o1")
    expected = fit.replicates[:, o1, 1]
    assert [np.nan if v is None else v for (v,) in stored] == pytest.approx(list(expected), nan_ok=True)


def _insert_runs(con, snapshot_id, retrieved_at, agent_rules):
    con.execute(
        "INSERT INTO snapshots (snapshot_id, source_kind, origin, retrieved_at, sha256, bytes, rows)"
        " VALUES (?, 'metr_runs_jsonl', ?, ?, ?, 0, 0)",
        [snapshot_id, f"runs{snapshot_id}.jsonl", retrieved_at, f"sha{snapshot_id}"],
    )
    frame = _suite(agent_rules).with_row_index("i")
    for row in frame.iter_rows(named=True):
        con.execute(
            "INSERT INTO runs (snapshot_id, run_id, task_id, task_family, source_model, model_id,"
            " human_minutes, score_binarized) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [snapshot_id, f"r{row['i']}", row["task_id"], row["task_family"], row["source_model"],
             row["source_model"].lower(), row["human_minutes"], row["score_binarized"]],
        )


def test_without_a_snapshot_the_newest_one_with_runs_is_fitted(con, config):
    _insert_runs(con, 10, datetime(2025, 1, 1), {"Old": lambda t, r: t < 3})
    _insert_runs(con, 11, datetime(2025, 6, 1), {"New": lambda t, r: t < 6})
    assert latest_runs_snapshot(con) == 11
    fit = fit_snapshot(con, config, options=FitOptions(n_bootstrap=10))
    assert [a.source_model for a in fit.agents] == ["New"] and fit.agents[0].model_id == "new"
    older = fit_snapshot(con, config, 10, FitOptions(n_bootstrap=10))
    assert [a.source_model for a in older.agents] == ["Old"] and older.fit_id == fit.fit_id + 1


def test_a_store_without_runs_says_what_to_do(con, config):
    with pytest.raises(NotFoundError, match="ingest a run-level file"):
        fit_snapshot(con, config)


def test_same_seed_in_another_store_stores_identical_replicates(con, config, tmp_path):
    from horizon.store import connect

    rules = {"A": lambda t, r: t < 4 or r == 0, "B": lambda t, r: t < 7}
    other = connect(tmp_path / "other.duckdb")
    try:
        stored = []
        for c in (con, other):
            _insert_runs(c, 1, datetime(2025, 1, 1), rules)
            fit = fit_snapshot(c, config, options=FitOptions(n_bootstrap=50, seed=9))
            stored.append(c.execute(
                "SELECT source_model, level, replicate, horizon_minutes FROM fit_replicates WHERE fit_id = ?"
                " ORDER BY ALL", [fit.fit_id]).fetchall())
    finally:
        other.close()
    assert stored[0] == stored[1] and len(stored[0]) == 2 * 2 * 50


def _counts(con):
    return [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("fits", "fit_horizons", "fit_replicates")]


def test_an_identical_fit_is_reused_not_stored_again(con, config):
    _insert_runs(con, 1, datetime(2025, 1, 1), {"A": lambda t, r: t < 4 or r == 0, "B": lambda t, r: t < 7})
    first = fit_snapshot(con, config, options=FitOptions(n_bootstrap=40, seed=2))
    before = _counts(con)
    again = fit_snapshot(con, config, options=FitOptions(n_bootstrap=40, seed=2, levels=(50, 80)))
    assert (first.reused, again.reused, again.fit_id) == (False, True, first.fit_id)
    assert _counts(con) == before
    # read back from the store, the fit is the one that was computed, number for number
    a, b = first.to_json(), again.to_json()
    assert b.pop("reused") is True and a.pop("reused") is False
    assert a == b
    np.testing.assert_array_equal(first.replicates, again.replicates)


@pytest.mark.parametrize("change", [
    {"seed": 3}, {"n_bootstrap": 41}, {"levels": (50,)}, {"weighting": "equal"}, {"C": 5.0},
    {"bootstrap_weights": "carry"}, {"compat": "metr"},
])
def test_a_fit_that_differs_in_any_parameter_is_stored_anew(con, config, change):
    _insert_runs(con, 1, datetime(2025, 1, 1), {"A": lambda t, r: t < 4 or r == 0})
    first = fit_snapshot(con, config, options=FitOptions(n_bootstrap=40, seed=2))
    other = fit_snapshot(con, config, options=FitOptions(**{"n_bootstrap": 40, "seed": 2, **change}))
    assert not other.reused and other.fit_id == first.fit_id + 1


def test_another_snapshot_or_new_release_dates_make_a_new_fit(con, config):
    _insert_runs(con, 1, datetime(2025, 1, 1), {"A": lambda t, r: t < 4 or r == 0})
    _insert_runs(con, 2, datetime(2025, 2, 1), {"A": lambda t, r: t < 4 or r == 0})
    options = FitOptions(n_bootstrap=10)
    first = fit_snapshot(con, config, 1, options)
    assert not fit_snapshot(con, config, 2, options).reused
    assert fit_snapshot(con, config, 1, options).reused
    con.execute("UPDATE models SET release_date = DATE '2024-05-01' WHERE model_id = 'a'")
    con.execute("INSERT INTO models (model_id, display_name, release_date, curated) SELECT 'a', 'A', DATE '2024-05-01', true"
                " WHERE NOT EXISTS (SELECT 1 FROM models WHERE model_id = 'a')")
    dated = fit_snapshot(con, config, 1, options)
    assert not dated.reused and dated.fit_id != first.fit_id and dated.agents[0].release_date == date(2024, 5, 1)


# --- the command ---------------------------------------------------------------------------------


def test_fit_json_has_an_entry_per_agent_with_p50_p80_and_their_intervals(tmp_path, ingested):
    db = str(ingested(tmp_path / "h.duckdb", RUNS, RELEASES))
    result = run_cli("--db", db, "fit", "--bootstrap", "40", "--seed", "2", "--json", "--quiet")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["fit_id"] >= 1 and doc["snapshot"]["sha256"] and doc["params"]["n_bootstrap"] == 40
    assert doc["seed"] == 2
    agents = {a["source_model"]: a for a in doc["agents"]}
    assert len(agents) == 11
    sonnet = agents["Claude 3.5 Sonnet (New)"]
    for key in ("p50", "p80"):
        assert sonnet[key]["ci_low"] < sonnet[key]["estimate"] < sonnet[key]["ci_high"]
    for key in ("status", "reason", "n_runs", "n_tasks", "average_score", "n_nonfinite_replicates"):
        assert key in sonnet
    assert agents["davinci-002"]["p50"]["estimate"] is None
    assert agents["davinci-002"]["reason"] == "all_runs_failed"
    assert doc["reused"] is False and doc["kind"] == "run_horizons"
    again = json.loads(run_cli("--db", db, "fit", "--bootstrap", "40", "--seed", "2", "--json", "--quiet").stdout)
    assert again["reused"] is True and again["fit_id"] == doc["fit_id"] and again["agents"] == doc["agents"]


def test_fit_command_says_in_one_line_that_it_reused_an_identical_fit(tmp_path, ingested):
    db = str(ingested(tmp_path / "h.duckdb", RUNS))
    first = run_cli("--db", db, "fit", "--bootstrap", "5").stdout.splitlines()
    again = run_cli("--db", db, "fit", "--bootstrap", "5").stdout.splitlines()
    assert again[0] == ("fit 1 reused: an identical fit (same parameters, seed, horizon version, snapshot and"
                        " release dates) is already stored; nothing new was written")
    assert again[1:] == first and first[0].startswith("fit 1 (run_horizons) from snapshot 1")
    assert run_cli("--db", db, "fit", "--bootstrap", "5", "--seed", "1").stdout.startswith("fit 2 (run_horizons)")


def test_fit_levels_and_weighting_options_reach_the_fit(tmp_path, ingested):
    db = str(ingested(tmp_path / "h.duckdb", RUNS))
    result = run_cli("--db", db, "fit", "--bootstrap", "0", "--level", "50", "--level", "90",
                     "--weighting", "equal", "--C", "5", "--json", "--quiet")
    doc = json.loads(result.stdout)
    assert doc["params"]["levels"] == [50, 90] and doc["params"]["weighting"] == "equal"
    assert doc["params"]["C"] == 5.0
    assert "p90" in doc["agents"][0] and "p80" not in doc["agents"][0]


def test_fit_table_output_and_missing_snapshot_error(tmp_path, ingested):
    db = str(ingested(tmp_path / "h.duckdb", RUNS))
    table = run_cli("--db", db, "fit", "--bootstrap", "10")
    assert table.exit_code == 0 and "Claude 3.5 Sonnet (New)" in table.stdout and "all_runs_failed" in table.stdout
    missing = run_cli("--db", db, "fit", "--snapshot", "99", "--bootstrap", "0")
    assert missing.exit_code == 1 and missing.stderr.startswith("horizon: snapshot 99: has no runs")
