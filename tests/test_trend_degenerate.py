"""Degenerate data is a sentence, never a crash or a nonsense number: each case a named status
with one line of explanation, in the library, the text output and the JSON alike."""

from __future__ import annotations

import functools
import json
import math
import re
from datetime import date, timedelta

import numpy as np
import pytest

from horizon.trend import status
from horizon.trend.analysis import TrendSpec, analyse
from horizon.trend.forms import FORMS, NotConverged, fit_form
from horizon.trend.points import Point
from horizon.trend.rules import LN2, PLAUSIBLE_DOUBLING_DAYS
from tests.conftest import run_cli

ENV = {"SOURCE_DATE_EPOCH": "1772366400"}  # 2026-03-01
START = date(2023, 3, 1)
FAST = TrendSpec(window_from=None, n_boot=200, n_boot_forms=40, n_break_boot=49)

CASES = {
    "equal": [10.0] * 8,                                        # no growth at all
    "nearly_flat": [10.0 + 1e-4 * i for i in range(8)],        # used to raise AttributeError
    "decades_per_doubling": [10.0 * 2 ** (120 * i / 8000) for i in range(8)],
    "three_points": [5.0, 10.0, 20.0],
    "four_points": [5.0, 11.0, 19.0, 42.0],
    "five_scattered": [2.0, 3.0, 12.0, 14.0, 60.0],             # curved forms' intervals run off
}


@functools.cache
def analysed(case: str):
    """Each case analysed once for the tests that read it (results are frozen)."""
    return analyse(points(CASES[case]), FAST)


def points(minutes) -> list[Point]:
    return [Point(f"m{i}", f"m{i}", START + timedelta(days=120 * i), float(v)) for i, v in enumerate(minutes)]


def _yaml(tmp_path, minutes):
    rows = "".join(
        f"  m{i}:\n    release_date: {START + timedelta(days=120 * i)}\n    metrics:\n"
        f"      p50_horizon_length: {{estimate: {v!r}, ci_low: {v / 2!r}, ci_high: {v * 2!r}}}\n"
        f"      p80_horizon_length: {{estimate: {v / 5!r}, ci_low: {v / 10!r}, ci_high: {v!r}}}\n"
        for i, v in enumerate(minutes)
    )
    path = tmp_path / "h.yaml"
    path.write_text("benchmark_name: METR-Horizon-v1.1\nresults:\n" + rows, encoding="utf-8")
    return path


def _sane(days: float | None) -> bool:
    lo, hi = PLAUSIBLE_DOUBLING_DAYS
    return days is None or (math.isfinite(days) and lo <= days <= hi)


@pytest.mark.parametrize("case", CASES)
def test_every_form_has_a_named_status_and_never_an_absurd_doubling_time(case):
    result = analysed(case)
    for f in result.forms:
        assert f.status.code in status.STATUS_CODES, f
        assert f.status.ok or (f.note and "\n" not in f.note and f.doubling_days is None and f.ci_low is None)
        assert all(_sane(v) for v in (f.doubling_days, f.ci_low, f.ci_high, f.ci80_low, f.ci80_high)), f
        if not f.status.ok:
            assert f.form not in result.favoured_by().values()


def test_equal_horizons_are_no_growth_and_no_form_is_favoured():
    result = analysed("equal")
    assert result.exponential.status.code == status.NO_GROWTH
    assert all(not f.status.ok for f in result.forms)
    assert result.favoured_by() == {}


def test_a_doubling_time_of_decades_is_reported_as_implausible_not_as_a_number():
    exp = analysed("decades_per_doubling").exponential
    assert exp.status.code == status.IMPLAUSIBLE_DOUBLING and exp.doubling_days is None
    assert "8,000 days" in exp.note and "outside any plausible range" in exp.note


def test_an_interval_the_points_cannot_bound_is_unbounded_and_says_so():
    result = analysed("five_scattered")
    sup = result.form("superexponential")
    assert sup.status.ok and sup.doubling_days is not None and sup.ci_high is None
    warning = {w.code: w.text for w in result.warnings}[status.INTERVAL_UNBOUNDED]
    assert "superexponential" in warning and "unbounded" in warning


def test_a_trend_on_three_points_says_it_is_fragile_and_what_did_not_run():
    result = analysed("three_points")
    codes = {w.code: w.text for w in result.warnings}
    assert codes[status.FRAGILE].startswith("fragile: fitted on only 3 points")
    assert "1 degree of freedom" in codes[status.FRAGILE]
    assert status.BACKTEST_NOT_RUN in codes and status.BREAK_TEST_NOT_RUN in codes
    # Favoured only by criteria that were computed: no backtest ran.
    assert set(result.favoured_by()) == {"aic", "bic"}
    assert result.form("piecewise").status.code == status.NOT_FITTED


def test_a_form_that_does_not_converge_is_a_status(monkeypatch):
    def refuse(self, u, y, start):
        raise NotConverged("superexponential fit did not converge")

    monkeypatch.setattr(type(FORMS["superexponential"]), "_fit", refuse)
    result = analyse(points([5.0, 9.0, 21.0, 38.0, 85.0, 150.0, 330.0]), FAST)
    sup = result.form("superexponential")
    assert sup.status.code == status.NOT_CONVERGED and sup.fit is None
    assert "did not converge" in sup.note


def test_the_saturating_ceiling_is_identified_only_when_the_points_bend():
    # Purely exponential data of METR's size: an interior optimum of the ceiling is common,
    # a ceiling whose profile interval is bounded (the F test against the exponential) is not.
    rng = np.random.default_rng(17)
    x = 19430.0 + np.array([0, 237, 426, 464, 548, 588, 632, 713, 764, 877, 980, 986, 1003, 1059], dtype=float)
    identified = interior = 0
    n = 40
    for _ in range(n):
        y = math.log(4.0) + LN2 / 129 * (x - x[0]) + rng.normal(0, 0.47, x.size)
        fit = fit_form("saturating", x, y)
        interior += fit.params[2] < y.max() + 19.0
        identified += FORMS["saturating"].status(fit, x, y) is None
    assert identified / n <= 0.15 < interior / n


@pytest.mark.parametrize("case", ["nearly_flat", "three_points"])
def test_degenerate_trends_through_the_command_line_are_sentences_in_text_and_json(tmp_path, case):
    db = str(tmp_path / "d.duckdb")
    assert run_cli("--db", db, "ingest", str(_yaml(tmp_path, CASES[case])), env=ENV).exit_code == 0
    out = run_cli("--db", db, "trend", "--all-time", "--json", env=ENV)
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    for f in doc["forms"]:
        assert f["status"] in status.STATUS_CODES
        assert _sane(f["doubling_days"]) and _sane(f["ci_low"]) and _sane(f["ci_high"])
        assert (f["status"] == "ok") == (f["status_text"] == "fitted")
    assert doc["fragile"] is (len(CASES[case]) < status.FRAGILE_BELOW)
    text = run_cli("--db", db, "trend", "--all-time", env=ENV)
    assert text.exit_code == 0 and "Traceback" not in text.output
    # No absurd number anywhere: no doubling of a million days (said or shown), no 100% shorter doublings.
    assert not re.search(r"\b\d{1,3}(,\d{3}){2,}\b|\b\d{6,}\b", text.stdout)
    assert "100.0% shorter" not in text.stdout
    if case == "nearly_flat":
        fc = run_cli("--db", db, "forecast", "--all-time", "--threshold", "work-day-50", "--json", env=ENV)
        assert fc.exit_code == 0, fc.output
        forecast = json.loads(fc.stdout)
        # No form with a growing trend that stands: no forecasts, each form saying why.
        assert forecast["forecasts"] == []
        assert {f["form"] for f in forecast["forms_without_forecasts"]} == set(FORMS)
        assert all(f["reason"] for f in forecast["forms_without_forecasts"])
    if case == "three_points":
        assert "fragile: fitted on only 3 points" in text.stdout
        cited = run_cli("--db", db, "cite", "--fit", str(doc["fit_id"]), env=ENV)
        assert "Caveat: fragile" in cited.stdout
    else:
        assert doc["doubling_days"] is None and doc["doubling_note"]
        assert "no doubling time:" in text.stdout
        assert "favoured form: none (no form's fit stands on these points)" in text.stdout
