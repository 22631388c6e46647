"""Indicator trends: known answers per rung, interval coverage on simulated truth, statuses in words."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from horizon.indicators import fit as tf
from horizon.indicators.series import (
    NEAR_SATURATION,
    NO_BENCHMARK,
    NO_CLEAR_TREND,
    PROGRESSING,
    SPARSE,
    Observation,
    Treatment,
    assess,
    rung_status,
)
from horizon.trend.rules import day_number

START = date(2024, 1, 1)


def days(n: int, step: int = 45) -> list[date]:
    return [START + timedelta(days=step * i) for i in range(n)]


def logistic(z):
    return 1 / (1 + np.exp(-z))


# ------------------------------------------------------------------ known answers, per rung


def test_rung_1_horizon_trend_recovers_a_known_doubling_time_and_the_date_it_reaches_the_ceiling():
    # SWE-bench-like horizons doubling every 120 days exactly, 10 min on START.
    ds = days(6, 60)
    minutes = [10 * 2 ** ((d - START).days / 120) for d in ds]
    obs = [Observation(f"m{i}", d, v) for i, (d, v) in enumerate(zip(ds, minutes))]
    a = assess(obs, Treatment("exponential", saturation=120.0, per_model=True, near=0.9), ladder=True)
    assert a.status == PROGRESSING
    assert a.trend.doubling_days == pytest.approx(120.0, rel=1e-9)
    # 10 min -> 120 min takes log2(12) doublings.
    expected = START + timedelta(days=round(120 * math.log2(12)))
    assert a.reach.point == expected and a.reach.low == a.reach.high == expected  # no scatter: a point interval


def test_rung_1_and_2_score_trend_recovers_a_known_logit_slope_and_saturation_date():
    # Terminal-Bench / WeirdML-like scores on a logit-linear path: +2 logits a year from 20%.
    ds = days(8, 40)
    z0, b = math.log(0.2 / 0.8), 2.0 / 365.25
    scores = [float(logistic(z0 + b * (d - START).days)) for d in ds]
    obs = [Observation(f"m{i}", d, v) for i, (d, v) in enumerate(zip(ds, scores))]
    a = assess(obs, Treatment("logit", saturation=1.0, per_model=True, near=0.9), ladder=True)
    assert a.trend.slope_per_year == pytest.approx(2.0, rel=1e-9)
    # 0.9 of the ceiling: logit(0.9) - logit(0.2) = 3.58 logits, at 2 a year.
    crossing = START + timedelta(days=round((math.log(9) - z0) / b))
    assert a.reach.point == crossing
    assert a.target == pytest.approx(0.9)


def test_rung_3_score_with_a_ceiling_below_100_is_fitted_against_that_ceiling():
    # The research-step share saturates at its oracle ceiling of 90%.
    ds = days(6, 90)
    z0, b = -0.5, 0.8 / 365.25
    values = [90 * float(logistic(z0 + b * (d - START).days)) for d in ds]
    a = assess([Observation(f"m{i}", d, v) for i, (d, v) in enumerate(zip(ds, values))],
               Treatment("logit", saturation=90.0, per_model=True, near=0.9), ladder=True)
    assert a.trend.slope_per_year == pytest.approx(0.8, rel=1e-9)
    assert a.target == pytest.approx(81.0)
    assert a.trend.value_at(ds[0]) == pytest.approx(values[0])


def test_rung_4_without_a_benchmark_is_named_not_dropped():
    assert rung_status([]) == (NO_BENCHMARK, "no benchmark exists")


def test_a_wrong_answer_would_be_caught_the_tolerance_is_tight():
    ds = days(6, 60)
    obs = [Observation(f"m{i}", d, 10 * 2 ** ((d - START).days / 120)) for i, d in enumerate(ds)]
    a = assess(obs, Treatment("exponential", per_model=True), ladder=True)
    assert a.trend.doubling_days != pytest.approx(130.0, rel=0.01)


# ---------------------------------------------------------------- statuses and edge cases


def test_frontier_only_points_and_unknown_dates_never_enter_the_fit():
    obs = [Observation("a", date(2025, 1, 1), 0.2), Observation("b", date(2025, 3, 1), 0.1),
           Observation("c", date(2025, 5, 1), 0.3), Observation("d", date(2025, 6, 1), 0.9, date_known=False)]
    a = assess(obs, Treatment("logit", saturation=1.0, per_model=True, near=0.9), ladder=True)
    reasons = {p.obs.entity: p.reason for p in a.points}
    assert reasons == {"a": None, "b": "not_frontier", "c": None, "d": "date_unknown"}
    assert a.status == NEAR_SATURATION  # the best value (even of an undated model) is within 10% of the ceiling


def test_three_points_are_sparse_data_in_words_not_a_fragile_trend():
    obs = [Observation(f"m{i}", d, 0.1 * (i + 1)) for i, d in enumerate(days(3))]
    a = assess(obs, Treatment("logit", saturation=1.0, per_model=True, near=0.9), ladder=True)
    assert a.status == SPARSE and a.trend is None
    assert a.status_text == "sparse data: 3 frontier points with a known date (a trend needs 4)"


def test_a_flat_noisy_series_has_no_clear_trend_and_an_open_ended_date():
    rng = np.random.default_rng(3)
    ds = days(6, 30)
    values = [float(v) for v in 0.3 + np.abs(rng.normal(0, 0.05, 6))]
    a = assess([Observation("x", d, v) for d, v in zip(ds, values)],
               Treatment("logit", saturation=1.0, target=0.5, target_label="half"), ladder=False)
    assert a.status == NO_CLEAR_TREND
    assert a.reach.high is None and a.reach.open_reason


def test_shares_at_their_ceiling_or_floor_are_left_out_of_a_logit_fit():
    values = [0.0, 0.5, 5.0, 40.0, 99.5, 100.0]  # band: 0.3% < share < 99% of the ceiling
    obs = [Observation("lab", d, v) for d, v in zip(days(6), values)]
    a = assess(obs, Treatment("logit", saturation=100.0), ladder=False)
    assert [p.reason for p in a.points] == ["outside_band", None, None, None, "outside_band", "outside_band"]


def test_overlapping_trailing_averages_are_thinned_to_independent_points():
    obs = [Observation("lab", d, 1 + i / 10) for i, d in enumerate(days(9, 7))]
    a = assess(obs, Treatment("exponential", fit_every=4), ladder=False)
    assert [p.used for p in a.points] == [True, False, False, False, True, False, False, False, True]


def test_a_target_already_passed_is_reached_not_forecast():
    obs = [Observation("lab", d, v) for d, v in zip(days(5), [1, 2, 4, 8, 16])]
    a = assess(obs, Treatment("exponential", target=10.0, target_label="10x"), ladder=False)
    assert a.status == "reached" and a.reach is None and a.reached.value == 16


# ---------------------------------------------------------- coverage on simulated truth


def _simulate(form: str, n: int, reps: int, seed: int, sigma: float):
    """Data sets with known truth: (dates, values per replicate, true slope per day, true crossing day)."""
    rng = np.random.default_rng(seed)
    ds = days(n, 30)
    x = np.array([day_number(d) for d in ds])
    a_true, b_true = -2.0 - b_per_day(form) * x[0], b_per_day(form)
    z = a_true + b_true * x + rng.normal(0, sigma, (reps, n))
    values = 100 * logistic(z) if form == "logit" else np.exp(z)
    level = 50.0 if form == "logit" else math.exp(1.0)
    target = 0.0 if form == "logit" else 1.0  # in the form's scale
    return ds, values, b_true, (target - a_true) / b_true, level


def b_per_day(form: str) -> float:
    return 1.5 / 365.25


@pytest.mark.parametrize("form,n", [("logit", 6), ("logit", 12), ("exponential", 5), ("exponential", 10)])
def test_slope_and_crossing_date_intervals_cover_the_truth_95_percent_of_the_time(form, n):
    reps = 2000
    ds, values, b_true, x0, level = _simulate(form, n, reps, seed=n, sigma=0.25)
    slope_hits = date_hits = 0
    for row in values:
        t = tf.fit_trend(form, ds, list(row), 100.0 if form == "logit" else None)
        slope_hits += t.slope_low <= b_true <= t.slope_high
        r = tf.reach(t, level)
        lo = day_number(r.low) if r.low else -math.inf
        hi = day_number(r.high) if r.high else math.inf
        date_hits += lo - 0.5 <= x0 <= hi + 0.5   # dates are whole days
    # 2,000 replicates: a 95% interval covers 93.9-96.0% with 95% probability.
    assert 0.935 <= slope_hits / reps <= 0.965
    assert 0.935 <= date_hits / reps <= 0.97


def test_the_coverage_check_would_catch_an_interval_that_is_too_narrow():
    ds, values, b_true, _, _ = _simulate("logit", 6, 1000, seed=1, sigma=0.25)
    hits = 0
    for row in values:
        t = tf.fit_trend("logit", ds, list(row), 100.0)
        half = (t.slope_high - t.slope) / t.t * 1.96  # a normal quantile where the t is due
        hits += t.slope - half <= b_true <= t.slope + half
    assert hits / 1000 < 0.935
