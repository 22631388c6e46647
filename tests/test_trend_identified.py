"""Trends that have no doubling time (the horizon did not grow) and forms whose fit is not
identified (a saturating ceiling on its artificial bound): said so, never a made-up number."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

import numpy as np
import pytest

from horizon.ingest import ingest
from horizon.trend.analysis import TrendSpec, analyse
from horizon.trend.api import forecast_document, run_forecast, trend_document
from horizon.trend.forms import FORM_NAMES, FORMS, fit_form
from horizon.trend.forms.saturating import CEILING_AT_BOUND as CEILING_NOT_IDENTIFIED
from horizon.trend.forms.saturating import MAX_HEADROOM as SATURATING_MAX_HEADROOM
from horizon.trend.points import Point
from horizon.trend.rules import LN2
from horizon.trend.status import no_growth
from horizon.trend.thresholds import load_thresholds
from tests.conftest import VINTAGES, run_cli

NO_GROWTH = no_growth("exponential").text
FAST = TrendSpec(n_boot=500, n_boot_forms=60, n_break_boot=49)
ENV = {"SOURCE_DATE_EPOCH": "1772366400"}  # 2026-03-01
START = date(2023, 3, 1)


def points(minutes) -> list[Point]:
    return [Point(f"m{i}", f"m{i}", START + timedelta(days=120 * i), float(v)) for i, v in enumerate(minutes)]


def equal_yaml(tmp_path, n=4):
    rows = "".join(
        f"  m{i}:\n    release_date: {START + timedelta(days=180 * i)}\n    metrics:\n"
        "      p50_horizon_length: {estimate: 10, ci_low: 5.0, ci_high: 20}\n"
        "      p80_horizon_length: {estimate: 2.0, ci_low: 1.0, ci_high: 10}\n"
        for i in range(n)
    )
    path = tmp_path / "equal.yaml"
    path.write_text("benchmark_name: METR-Horizon-v1.1\nresults:\n" + rows, encoding="utf-8")
    return path


# --- no growth ---------------------------------------------------------------------------------


def curve(form, params, u):
    return FORMS[form].curve(np.array([params], dtype=float), u)[0]


def ceiling_at_bound(fit, x, y) -> bool:
    found = FORMS[fit.form].status(fit, x, y)
    return found is not None and found.text == CEILING_NOT_IDENTIFIED


def test_equal_horizons_give_a_flat_line_with_no_r2_instead_of_dividing_by_zero():
    x = np.array([19000.0, 19100.0, 19300.0, 19400.0])
    fit = fit_form("exponential", x, np.full(4, math.log(10.0)))
    assert fit.params[1] == 0.0 and fit.sse == 0.0
    assert fit.doubling_days_at(x[-1]) == math.inf


def test_trend_of_equal_horizons_has_no_doubling_time_and_says_the_horizon_did_not_grow():
    result = analyse(points([10, 10, 10, 10]), TrendSpec(forms=("exponential",), n_boot=200))
    exp = result.exponential
    assert exp.doubling_days is None and exp.doubling_months is None
    assert exp.note == NO_GROWTH and "did not grow" in exp.note
    assert exp.ci_low is None and exp.ci_high is None
    assert math.isnan(exp.r2)
    assert result.alternative_intervals == ()


def test_a_falling_line_has_an_infinite_doubling_never_a_negative_one():
    # Frontier points never fall (each is at least the best before it), so a trend sees at
    # worst a flat line; a falling one can still come from a bootstrap replicate.
    x = np.array([19000.0, 19100.0, 19300.0, 19400.0])
    fit = fit_form("exponential", x, np.log([80.0, 60.0, 50.0, 30.0]))
    assert fit.params[1] < 0 and fit.doubling_days_at(x[-1]) == math.inf


def test_a_flat_frontier_after_growth_still_has_a_doubling_time():
    result = analyse(points([10, 40, 40, 40, 40]), TrendSpec(forms=("exponential",), n_boot=200))
    assert result.exponential.doubling_days > 0 and result.exponential.note is None


def test_growing_horizons_have_a_doubling_time_and_no_note():
    result = analyse(points([5, 10, 20, 40, 80]), TrendSpec(forms=("exponential",), n_boot=200))
    assert result.exponential.doubling_days == pytest.approx(120.0)
    assert result.exponential.note is None


def test_trend_command_on_equal_horizons_stores_and_prints_no_doubling_time(tmp_path):
    db = str(tmp_path / "e.duckdb")
    assert run_cli("--db", db, "ingest", str(equal_yaml(tmp_path)), env=ENV).exit_code == 0
    out = run_cli("--db", db, "trend", "--all-time", "--json", env=ENV)
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["doubling_days"] is None and doc["r2"] is None
    assert doc["doubling_note"] == NO_GROWTH
    text = run_cli("--db", db, "trend", "--all-time", env=ENV)
    assert text.exit_code == 0, text.output
    assert "no doubling time: horizon did not grow" in text.stdout and "R² -" in text.stdout
    stored = run_cli("--db", db, "query", "SELECT doubling_days, note FROM trend_fits"
                     " WHERE form = 'exponential' ORDER BY fit_id", "--json", env=ENV)
    assert json.loads(stored.stdout)["rows"][-1] == {"doubling_days": None, "note": NO_GROWTH}
    cite = run_cli("--db", db, "cite", "--fit", str(doc["fit_id"]), env=ENV)
    assert "did not grow" in cite.stdout and "doubled every" not in cite.stdout


# --- the saturating ceiling on its bound ---------------------------------------------------------


def test_points_that_do_not_bend_put_the_saturating_ceiling_on_its_bound():
    rng = np.random.default_rng(4)
    x = 19500.0 + np.linspace(0, 1100, 14)
    y = 1.5 + LN2 / 120 * (x - x[0]) + rng.normal(0, 0.3, x.size)
    fit = fit_form("saturating", x, y)
    assert fit.params[2] == pytest.approx(y.max() + SATURATING_MAX_HEADROOM, abs=1.0)
    assert ceiling_at_bound(fit, x, y)
    assert FORMS["exponential"].status(fit_form("exponential", x, y), x, y) is None


def test_a_ceiling_inside_the_data_range_is_identified():
    rng = np.random.default_rng(9)
    x = 19500.0 + np.linspace(0, 2000, 40)
    y = curve("saturating", (7.0, LN2 / 100, 6.0), x - x.max()) + rng.normal(0, 0.05, x.size)
    assert FORMS["saturating"].status(fit_form("saturating", x, y), x, y) is None
    pts = [Point(f"m{i}", f"m{i}", date(1970, 1, 1) + timedelta(days=int(v)), float(math.exp(w)))
           for i, (v, w) in enumerate(zip(x, np.maximum.accumulate(y)))]
    result = analyse(pts, TrendSpec(window_from=None, ceiling_minutes=None, n_boot=200, n_boot_forms=60,
                                    n_break_boot=19))
    sat = result.form("saturating")
    assert sat.identified and sat.note is None
    assert sat.ci_low is not None and sat.draws is not None


def test_unidentified_saturating_form_keeps_its_aic_but_has_no_interval_and_is_never_favoured():
    rng = np.random.default_rng(4)
    minutes = np.exp(1.5 + LN2 * np.arange(12) + rng.normal(0, 0.1, 12))   # doubling every 120 days
    assert np.all(np.diff(minutes) > 0)
    result = analyse(points(minutes), TrendSpec(ceiling_minutes=None, n_boot=200, n_boot_forms=60, n_break_boot=19))
    sat = result.form("saturating")
    assert not sat.identified and sat.note == CEILING_NOT_IDENTIFIED
    assert sat.aic is not None and math.isfinite(sat.aic)
    assert sat.ci_low is None and sat.ci_high is None and sat.draws is None and sat.n_replicates == 0
    assert all(result.favoured(by) != "saturating" for by in ("aic", "bic", "backtest"))


def test_metr_saturating_form_is_not_identified_in_text_json_tables_and_forecasts_alike(con, config):
    ingest(con, config, [str(v) for v in VINTAGES])
    thresholds = load_thresholds(config.data_dir / "thresholds.toml")
    run = run_forecast(con, config, date(2026, 3, 1), thresholds, FAST)
    for trend in run.trends:
        sat = trend.result.form("saturating")
        assert not sat.identified, trend.result.spec.level
        row = con.execute(
            "SELECT identified, note, ci_low, ci_high, aic FROM trend_fits WHERE fit_id = ? AND form = 'saturating'",
            [trend.fit_id],
        ).fetchone()
        assert row[:4] == (False, CEILING_NOT_IDENTIFIED, None, None) and row[4] is not None
        exp = con.execute("SELECT identified, note FROM trend_fits WHERE fit_id = ? AND form = 'exponential'",
                          [trend.fit_id]).fetchone()
        assert exp == (True, None)
        forms = {f["form"]: f for f in trend_document(trend)["forms"]}
        assert forms["saturating"]["identified"] is False and forms["saturating"]["ci_low"] is None
        assert forms["saturating"]["note"] == CEILING_NOT_IDENTIFIED
        assert forms["exponential"]["identified"] is True
    stored = {r[0] for r in con.execute("SELECT DISTINCT form FROM forecasts WHERE fit_id = ?", [run.fit_id]).fetchall()}
    assert stored == set(FORM_NAMES) - {"saturating"}
    doc = forecast_document(run)
    assert {f["form"] for f in doc["forecasts"]} == stored
    assert {(f["form"], f["reason"]) for f in doc["forms_without_forecasts"]} == {("saturating", CEILING_NOT_IDENTIFIED)}


def test_trend_and_forecast_text_say_the_ceiling_is_not_identified(tmp_path, ingested):
    db = str(ingested(tmp_path / "c.duckdb", *VINTAGES, env=ENV))
    text = run_cli("--db", db, "trend", env=ENV).stdout
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("saturating"))
    assert line.split()[2] == "-"   # the 95% CI column: no interval
    assert "ceiling not identified" in text
    fc = run_cli("--db", db, "forecast", "--threshold", "work-month-50", "--as-of", "2026-03-01", env=ENV).stdout
    assert "saturating        no forecast: ceiling not identified" in fc
    assert not any(ln.split()[1:2] == ["saturating"] for ln in fc.splitlines() if "work-month-50" in ln)
