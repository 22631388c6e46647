"""A small fixed store for the report tests, and the tests of the report's store readers.

Rows are written straight into the tables (not through ingest or the fits), so the pinned
snapshots change only when the report changes. Names carry HTML and SQL metacharacters on
purpose: a model called ``<script>alert(1)</script>`` must show up as text everywhere.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from horizon.config import load_config
from horizon.report import data
from horizon.store import connect
from horizon.trend.canonical import canonical_params
from horizon.trend.stored import forecasts as stored_forecasts
from horizon.trend.stored import newest_forecast_run

XSS = "<script>alert(1)</script>"
SQLISH = "Robert'); DROP TABLE models;-- & co"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

THRESHOLDS = """\
[work-day-50]
label = "work-day (8 h) at 50%"
hours = 8
level = 50
source = "https://example.org/day"
cite = "Example cite for a work-day"

[work-week-50]
label = "work-week (40 h) at 50%"
hours = 40
level = 50
source = "https://example.org/week"
cite = "Example cite for a work-week"

[work-day-80]
label = "work-day (8 h) at 80%"
hours = 8
level = 80
source = "https://example.org/day80"
cite = "Example cite, 80%"
"""

# model_id, display name, release date
MODELS = [
    ("alpha-1", "Alpha 1", date(2023, 3, 14)),
    ("beta-2", "Beta 2", date(2023, 11, 6)),
    ("gamma-3", "Gamma 3", date(2024, 6, 20)),
    ("unmapped:script-alert-1-script", XSS, date(2024, 10, 22)),
    ("delta-4", SQLISH, date(2025, 2, 24)),
    ("omega-5", "Omega 5", date(2025, 11, 18)),
]
# Three labs, so the overview's lab highlight has something to choose between.
LABS = {"alpha-1": "Lab A", "beta-2": "Lab A", "gamma-3": "Lab B", "unmapped:script-alert-1-script": "Lab B",
        "delta-4": "Lab C", "omega-5": "Lab C"}
# p50, p80 (minutes) per vintage; None: not listed in that vintage
VINTAGE_A = {"alpha-1": (5.0, 1.0), "beta-2": (8.0, 1.5), "gamma-3": (18.0, 3.0), "unmapped:script-alert-1-script": (30.0, 5.0),
             "delta-4": (60.0, 12.0)}
VINTAGE_B = {"alpha-1": (5.0, 1.0), "beta-2": (8.5, 1.6), "gamma-3": (17.0, 3.0), "unmapped:script-alert-1-script": (30.0, 5.0),
             "delta-4": (66.0, 13.0), "omega-5": (1500.0, 200.0)}


def _snapshot(con, sid, kind, origin, label, citation):
    con.execute(
        "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [sid, kind, origin, datetime(2026, 3, 1, 12, 0), f"{sid:02d}" * 32, 1000 * sid, 10 * sid, label, citation],
    )


def fixture_store(directory: Path):
    """Write the fixed store and a thresholds file under ``directory``; return (con, config)."""
    data_dir = directory / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "thresholds.toml").write_text(THRESHOLDS, encoding="utf-8")
    config = load_config(db=directory / "h.duckdb", env={"HORIZON_DATA": str(data_dir)}, now=NOW,
                         reports_dir=directory / "reports")
    con = connect(config.db_path)
    release = {m: d for m, _, d in MODELS}
    for model_id, name, released in MODELS:
        con.execute("INSERT INTO models VALUES (?, ?, ?, ?, ?)",
                    [model_id, name, LABS[model_id], released, not model_id.startswith("unmapped")])

    _snapshot(con, 1, "metr_headline_yaml", "data/benchmark_results_1_1.2026-01-30.yaml", "METR-Horizon-v1.1", "METR <results>")
    _snapshot(con, 2, "metr_headline_yaml", "data/benchmark_results_1_1.2026-02-22.yaml", "METR-Horizon-v1.1", "METR <results>")
    _snapshot(con, 3, "metr_runs_jsonl", "data/all_runs.jsonl", "METR runs", "METR runs & tasks")
    _snapshot(con, 4, "metr_cross_domain_csv", "data/all_data.csv", "METR cross-domain", "METR cross-domain")
    for sid, vintage in ((1, VINTAGE_A), (2, VINTAGE_B)):
        best = 0.0
        for model_id, (p50, p80) in vintage.items():
            frontier = p50 >= best
            best = max(best, p50)
            for level, est in ((50, p50), (80, p80)):
                con.execute(
                    "INSERT INTO published_horizons VALUES (?, ?, ?, 'METR-Horizon-v1.1', ?, ?, ?, ?, ?, NULL, ?, 0.5, NULL, NULL)",
                    [sid, model_id.replace("unmapped:", ""), model_id, level, est, est / 2, est * 2, frontier, release[model_id]],
                )
    con.execute("INSERT INTO publisher_doubling_times VALUES (1, 'METR-Horizon-v1.1', 'from_2023_on', 130.8, 107.3, 161.4, NULL, NULL)")
    con.execute("INSERT INTO publisher_doubling_times VALUES (2, 'METR-Horizon-v1.1', 'from_2023_on', 122.6, 99.6, 149.1, NULL, NULL)")
    con.execute("INSERT INTO publisher_doubling_times VALUES (2, 'METR-Horizon-v1.1', 'all_time_stitched', 182.7, NULL, NULL, NULL, NULL)")

    # Runs: two agents, task lengths 1 min .. 8 h, success falling with length.
    n = 0
    for agent, model_id, skill in (("gamma_3", "gamma-3", 4.0), ("xss_agent", "unmapped:script-alert-1-script", 5.0)):
        for i, minutes in enumerate((1, 2, 4, 8, 15, 30, 60, 120, 240, 480)):
            for rep in range(3):
                n += 1
                success = int(i + rep < skill + 2)
                con.execute(
                    "INSERT INTO runs VALUES (3, ?, ?, ?, NULL, ?, ?, ?, ?, ?, NULL, NULL)",
                    [f"r{n}", f"task{i}", f"fam{i // 2}", agent, model_id, float(minutes), float(success), success],
                )
    # Cross-domain: two benchmarks, one with its own ceiling.
    for row, (bench, model_id, minutes) in enumerate([
        ("swe_bench_verified", "alpha-1", 4.0), ("swe_bench_verified", "gamma-3", 20.0), ("swe_bench_verified", "delta-4", 90.0),
        ("aime", "beta-2", 3.0), ("aime", "unmapped:script-alert-1-script", 25.0), ("aime", "omega-5", 200.0),
    ]):
        con.execute(
            "INSERT INTO benchmark_horizons VALUES (4, ?, ?, ?, ?, NULL, NULL, 0.6, 'mle', 0.5, ?, ?)",
            [bench, model_id, model_id, minutes, release[model_id], row + 1],
        )
    con.execute("INSERT INTO benchmark_meta VALUES (4, 'aime', 'max_horizon_minutes', '120')")

    # Fit runs: run-level horizons (fit 1), p50 trend (fit 2), p80 trend (fit 3), forecasts (4, 5).
    fits = [
        (1, "run_horizons", {"bootstrap": 100, "weighting": "invsqrt"}, [3], 7),
        # The canonical trends (newest version, default options): the ones the site shows.
        (2, "trend", canonical_params(50, snapshot_id=2), [2], 11),
        (3, "trend", canonical_params(80, snapshot_id=2), [2], 11),
        (4, "forecast", {"trend_fit": 2}, [2], 13),
        (5, "forecast", {"trend_fit": 3}, [2], 13),
    ]
    for fit_id, kind, params, inputs, seed in fits:
        con.execute("INSERT INTO fits VALUES (?, ?, ?, '0.1.0', ?, ?, ?)",
                    [fit_id, kind, datetime(2026, 3, 1, 12, 0), json.dumps(params, default=str), seed, json.dumps(inputs)])
    for agent, model_id, b0, b1 in (("gamma_3", "gamma-3", 4.2, -1.0), ("xss_agent", "unmapped:script-alert-1-script", 5.0, -1.0)):
        for level in (50, 80):
            logit_q = 0.0 if level == 50 else 1.3862943611198906  # logit(0.8)
            est = 2 ** ((logit_q - b0) / b1)
            con.execute(
                "INSERT INTO fit_horizons VALUES (1, ?, ?, ?, false, ?, ?, ?, ?, ?, ?, 0.5, 30, 10, 100, 0, 'ok', NULL, 0.0)",
                [agent, model_id, release[model_id], level, est, est / 2, est * 2, b0, b1],
            )
    con.execute(
        "INSERT INTO fit_horizons VALUES (1, 'always_fails', 'alpha-1', ?, false, 50, NULL, NULL, NULL, NULL, NULL, 0.0,"
        " 30, 10, 100, 100, 'no_finite_horizon', 'all_runs_failed', 0.0)",
        [release["alpha-1"]],
    )

    _trend(con, 2, 50, VINTAGE_B, release)
    _trend(con, 3, 80, VINTAGE_B, release)
    return con, config


def _trend(con, fit_id: int, level: int, vintage, release) -> None:
    """A hand-made trend fit run: exponential (7-month doubling) plus the other three forms."""
    import math

    idx = 0 if level == 50 else 1
    last = date(2025, 2, 24)
    x_ref = float((last - date(1970, 1, 1)).days)
    a = math.log(60.0 if level == 50 else 12.0)
    b = math.log(2) / 210.0
    forms = {
        "exponential": ({"a": a, "b": b, "x_ref": x_ref}, 210.0, 170.0, 270.0, None, None, -3.1),
        "piecewise": ({"a": a, "b1": b * 0.8, "b2": b * 1.3, "c": -200.0, "x_ref": x_ref}, 161.5, None, None, date(2024, 8, 8), 0.31, -1.4),
        "superexponential": ({"a": a, "D": 210.0, "g": 0.1, "x_ref": x_ref}, 210.0, None, None, None, None, -1.9),
        "saturating": ({"a": a, "b": b, "U": a + 6.0, "x_ref": x_ref}, 211.0, None, None, None, None, -1.2),
    }
    models = [m for m in vintage if release[m] >= date(2023, 1, 1) and m != "omega-5"]
    for form, (params, dd, lo, hi, brk, pval, aic) in forms.items():
        con.execute(
            "INSERT INTO trend_fits (fit_id, form, level, source_kind, snapshot_id, window_from, ceiling_minutes, frontier_rule,"
            " first_release, last_release, n_models, models, doubling_days, doubling_months, ci_low, ci_high, ci_level,"
            " interval_method, interval_text, n_replicates, sse, aic, bic, params, break_date, p_value, break_test,"
            " bt_n_cutoffs, bt_n_predictions, bt_mae_log, bt_cov80, bt_cov95)"
            " VALUES (?, ?, ?, 'published', 2, DATE '2023-01-01', 960, 'estimate at least every earlier one (ties count)',"
            " DATE '2023-03-14', ?, ?, ?, ?, ?, ?, ?, 0.95, 'wild_bootstrap', 'wild bootstrap of the residuals', 1000,"
            " 0.4, ?, ?, ?, ?, ?, ?, 2, 3, 0.35, 0.67, 1.0)",
            [fit_id, form, level, last, len(models), json.dumps(models), dd, dd / 30.4375, lo, hi, aic, aic + 1.5,
             json.dumps(params), brk, pval, "sup-F test over breaks with 3+ points each side" if pval is not None else None],
        )
        for cutoff, model_id, pred in ((date(2024, 1, 1), "gamma-3", 14.0), (date(2024, 1, 1), "delta-4", 40.0),
                                       (date(2024, 8, 1), "delta-4", 55.0)):
            obs = vintage[model_id][idx]
            con.execute(
                "INSERT INTO trend_backtests VALUES (?, ?, ?, 2, ?, ?, ?, ?, NULL, NULL, NULL, NULL)",
                [fit_id, form, cutoff, model_id, release[model_id], math.log(obs), math.log(pred if level == 50 else pred / 5)],
            )
    for model_id, (p50, p80) in vintage.items():
        est = p50 if level == 50 else p80
        reason = None if model_id in models else ("above_ceiling" if est > 960 else "before_window")
        con.execute(
            "INSERT INTO trend_points VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'METR-Horizon-v1.1', true, true, ?, ?)",
            [fit_id, level, model_id.replace("unmapped:", ""), model_id, release[model_id], est, est / 2, est * 2, reason is None, reason],
        )
    forecast_id = fit_id + 2
    for name, label, hours, point, lo80, hi80, lo95, hi95 in (
        ("work-day", "work-day (8 h)", 8.0, date(2026, 1, 10), date(2025, 10, 1), date(2026, 5, 1), date(2025, 8, 1), date(2026, 9, 1)),
        ("work-week", "work-week (40 h)", 40.0, date(2026, 8, 20), date(2026, 3, 1), date(2027, 4, 1), date(2025, 12, 1), date(2027, 11, 1)),
    ):
        con.execute(
            "INSERT INTO forecasts VALUES (?, ?, ?, ?, 'exponential', ?, ?, DATE '2026-03-01', ?, ?, ?, ?, ?, ?, ?, false, 1000, 0,"
            " 'wild_bootstrap', 'https://example.org/threshold')",
            [forecast_id, fit_id, f"{name}-{level}", f"{label} at {level}%", hours, level, point, point, lo80, hi80, lo95, hi95,
             hours * 60 > 960],
        )


def test_vintage_date_comes_from_the_file_name_else_the_retrieval_day():
    from horizon.store import connect

    con = connect()
    for sid, origin, when in [(1, "x/benchmark_results_1_1.2026-02-22.yaml", "2026-03-01 00:00"),
                              (2, "https://metr.org/assets/benchmark_results_1_1.yaml", "2026-03-01 09:00")]:
        con.execute("INSERT INTO snapshots VALUES (?, 'k', ?, ?, ?, 1, 1, 'L', NULL)", [sid, origin, when, str(sid) * 64])
    dated, undated = data.snapshots(con)
    assert dated.vintage_date == date(2026, 2, 22)
    assert undated.vintage_date == date(2026, 3, 1)


def test_headline_snapshots_are_in_vintage_order(tmp_path):
    con, _ = fixture_store(tmp_path)
    snaps = data.snapshots(con)
    assert [s.snapshot_id for s in data.headline_snapshots(con, snaps)] == [1, 2]


def test_readers_return_nothing_rather_than_fail_on_a_store_without_tables():
    import duckdb

    con = duckdb.connect(":memory:")
    assert data.snapshots(con) == []
    assert data.published_horizons(con) == []
    assert data.benchmark_horizons(con) == []
    assert data.latest_trend_fits(con) == {}
    assert data.fit_horizon_rows(con) == []
    assert data.run_success_bins(con) == []


def test_success_bins_are_one_doubling_wide_and_count_runs(tmp_path):
    con, _ = fixture_store(tmp_path)
    bins = [b for b in data.run_success_bins(con) if b.source_model == "gamma_3"]
    # Lengths 1, 2, 4, 8, 15, 30, 60, 120, 240, 480 min: 15 falls in [8, 16), so that bin has 6 runs.
    assert [(b.minutes_low, b.runs) for b in bins][:4] == [(1.0, 3), (2.0, 3), (4.0, 3), (8.0, 6)]
    assert all(0.0 <= b.success_rate <= 1.0 for b in bins)


def test_benchmark_ceiling_comes_from_benchmark_meta(tmp_path):
    con, _ = fixture_store(tmp_path)
    ceilings = {r.benchmark: r.ceiling_minutes for r in data.benchmark_horizons(con)}
    assert ceilings == {"aime": 120.0, "swe_bench_verified": None}


def test_agent_labels_name_the_agent_only_when_two_agents_share_a_model():
    labels = data.agent_labels([("a_inspect", "m"), ("a_retry", "m"), ("b", "n")], {"m": "Model M", "n": "Model N"})
    assert labels == {"a_inspect": "Model M [a_inspect]", "a_retry": "Model M [a_retry]", "b": "Model N"}


def test_trend_readers_give_the_canonical_fit_its_points_backtests_and_newest_forecasts_by_name(tmp_path):
    con, _ = fixture_store(tmp_path)
    trends = data.latest_trend_fits(con)
    assert sorted(trends) == [(50, "published"), (80, "published")]
    exp = next(f for f in data.headline_trend(trends, 50) if f.form == "exponential")
    assert (exp.fit_id, exp.level, exp.snapshot_id, exp.n_models) == (2, 50, 2, 5)
    assert (exp.doubling_days, exp.ci_low, exp.ci_high, exp.aic) == (210.0, 170.0, 270.0, -3.1)
    assert exp.first_release == date(2023, 3, 14) and exp.last_release == date(2025, 2, 24)
    assert json.loads(exp.params)["x_ref"] == float((date(2025, 2, 24) - date(1970, 1, 1)).days)

    points = data.trend_points(con, 2)
    # Named from the models table; a point left out says why, and the lab comes along.
    assert [(p.name, p.used, p.excluded_reason) for p in points][-2:] == [(SQLISH, True, None), ("Omega 5", False, "above_ceiling")]
    assert points[0].organisation == "Lab A" and points[0].estimate == 5.0 and points[0].on_frontier

    backtests = data.trend_backtests(con, 2)
    assert len(backtests) == 12  # three predictions for each of four forms
    assert {(b.name, b.cutoff_date) for b in backtests if b.form == "exponential"} == {
        ("Gamma 3", date(2024, 1, 1)), (SQLISH, date(2024, 1, 1)), (SQLISH, date(2024, 8, 1))}

    forecasts = stored_forecasts(con, 2)
    assert [(f.fit_id, f.label, f.hours, f.line_lo80, f.line_hi95) for f in forecasts] == [
        (4, "work-day (8 h) at 50%", 8.0, date(2025, 10, 1), date(2026, 9, 1)),
        (4, "work-week (40 h) at 50%", 40.0, date(2026, 3, 1), date(2027, 11, 1)),
    ]
    # A later forecast run of the same trend replaces the earlier one as a whole.
    _later_forecast_run(con, 6, date(2026, 3, 2), [("work-day-50", "work-day (8 h) at 50%", 8.0, None)])
    assert [(f.label, f.date_point, f.line_hi80) for f in stored_forecasts(con, 2)] == [("work-day (8 h) at 50%", None, None)]


def _later_forecast_run(con, fit_id: int, as_of: date, rows) -> None:
    """Forecast run ``fit_id`` of the p50 trend (fit 2): exponential rows (threshold, label, hours,
    (lo95, lo80, point, hi80, hi95) or None for no dates)."""
    con.execute("INSERT INTO fits (fit_id, kind, created_at, code_version, params, seed, input_snapshots)"
                " VALUES (?, 'forecast', ?, '0.1.0', '{}', 13, '[2]')", [fit_id, datetime(2026, 3, 2, 12, 0)])
    for threshold, label, hours, dates in rows:
        lo95, lo80, point, hi80, hi95 = dates or (None,) * 5
        con.execute(
            "INSERT INTO forecasts VALUES (?, 2, ?, ?, 'exponential', ?, 50, ?, ?, ?, ?, ?, ?, ?, false, false, 1000, ?,"
            " 'wild_bootstrap', 'https://example.org/threshold')",
            [fit_id, threshold, label, hours, as_of, point, point, lo80, hi80, lo95, hi95, 0 if dates else 1000],
        )


def _overview_fan(con, config, level: int) -> set[tuple[str, str, str, str]]:
    """(threshold, band, start, end) of each span of the forecast fan on the Overview's chart."""
    from horizon.report.context import build_context
    from horizon.report.pages import overview

    chart = next(c for c in overview.build(build_context(con, config)).charts if c.chart_id == f"overview-p{level}")
    return {(v["label"], v["band"], v["start"], v["end"]) for layer in chart.spec["layer"]
            if layer.get("description", "").startswith("forecast fan") for v in layer["data"]["values"]}


def test_the_overview_and_update_agree_on_which_forecast_run_is_newest(tmp_path, monkeypatch):
    """`horizon update` names the forecast run it keeps; the Overview's fan and forecast table
    must show that run's dates. The newer run here was made as of an earlier day and covers one
    threshold, so a rule by date or by threshold would pick another run than update does."""
    import horizon.trend.api
    from horizon.report.uncertainty import forecast_rows
    from horizon.update import trend_stage

    con, config = fixture_store(tmp_path)
    assert _overview_fan(con, config, 50) == {
        ("work-day (8 h) at 50%", "80%", "2025-10-01", "2026-05-01"), ("work-day (8 h) at 50%", "95%", "2025-08-01", "2026-09-01"),
        ("work-week (40 h) at 50%", "80%", "2026-03-01", "2027-04-01"), ("work-week (40 h) at 50%", "95%", "2025-12-01", "2027-11-01"),
    }
    day = (date(2026, 6, 1), date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1))
    _later_forecast_run(con, 6, date(2026, 2, 1), [("work-day-50", "work-day (8 h) at 50%", 8.0, day)])
    # The stage's coverage study is slow and beside the point: only which forecast run it names.
    monkeypatch.setattr(horizon.trend.api, "run_coverage_study", lambda *args: None)
    stage = trend_stage(con, config, refit=False)
    assert (stage["status"], stage["forecast_fit_id"]) == ("unchanged", 6)
    assert newest_forecast_run(con, 2) == 6 and newest_forecast_run(con, 3) == 5 and newest_forecast_run(con, 99) is None

    assert _overview_fan(con, config, 50) == {
        ("work-day (8 h) at 50%", "80%", "2026-07-01", "2026-09-01"), ("work-day (8 h) at 50%", "95%", "2026-06-01", "2026-10-01"),
    }
    assert [(r["forecast_fit_id"], r["label"]) for r in forecast_rows(con, 2)] == [(6, "work-day (8 h) at 50%")]
    assert {f.fit_id for f in stored_forecasts(con, 2)} == {6} and {f.fit_id for f in stored_forecasts(con, 3)} == {5}


def test_run_fit_rows_take_the_model_release_date_and_keep_agents_without_a_horizon(tmp_path):
    con, _ = fixture_store(tmp_path)
    con.execute("UPDATE fit_horizons SET release_date = NULL WHERE source_model = 'gamma_3'")
    found = {(r.source_model, r.level): r for r in data.fit_horizon_rows(con)}
    assert found[("gamma_3", 50)].release_date == date(2024, 6, 20)  # from the models table
    failed = found[("always_fails", 50)]
    assert (failed.estimate, failed.beta0, failed.reason) == (None, None, "all_runs_failed")
    assert found[("gamma_3", 80)].beta1 == -1.0 and {r.fit_id for r in found.values()} == {1}
