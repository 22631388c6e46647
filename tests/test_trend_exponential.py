"""Known answers for the exponential trend and its intervals."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from horizon.errors import HorizonError
from horizon.trend import intervals
from horizon.trend.analysis import TrendSpec, analyse
from horizon.trend.forms import fit_form
from horizon.trend.points import Point
from horizon.trend.rules import LN2, date_from_day


def simulate(doubling: float, n: int, sd: float, seed: int, start=date(2023, 1, 1), span=1000):
    rng = np.random.default_rng(seed)
    days = np.sort(rng.choice(span, size=n, replace=False)).astype(float)
    x = (start - date(1970, 1, 1)).days + days
    y = math.log(5.0) + LN2 / doubling * days + rng.normal(0, sd, n)
    return x, y


@pytest.mark.parametrize("seed", range(5))
def test_known_doubling_time_is_recovered_within_four_standard_errors(seed):
    doubling, n, sd = 120.0, 30, 0.3
    x, y = simulate(doubling, n, sd, seed)
    fit = fit_form("exponential", x, y)
    # The slope's standard error is sd / sqrt(Sxx); four of them bound a chance miss at ~1e-4.
    se = sd / math.sqrt(((x - x.mean()) ** 2).sum())
    true_slope = LN2 / doubling
    slope = fit.params[1]
    assert abs(slope - true_slope) < 4 * se
    assert fit.doubling_days_at(x[-1]) == pytest.approx(LN2 / slope)


def test_noise_free_exponential_gives_the_exact_doubling_and_r2_of_one():
    x, y = simulate(90.0, 8, 0.0, 1)
    pts = [Point(f"m{i}", f"m{i}", date_from_day(v), math.exp(w)) for i, (v, w) in enumerate(zip(x, y))]
    exp = analyse(pts, TrendSpec(window_from=None, forms=("exponential",), n_boot=100)).exponential
    assert exp.doubling_days == pytest.approx(90.0, rel=1e-9)
    assert exp.doubling_months == pytest.approx(exp.doubling_days / (365.25 / 12))
    assert exp.r2 == pytest.approx(1.0)


def test_wild_bootstrap_interval_covers_the_true_doubling_time_in_most_simulations():
    covered = 0
    for seed in range(40):
        x, y = simulate(150.0, 25, 0.35, 100 + seed)
        draws = intervals.headline_draws(x, y, [None] * 25, [None] * 25, "wild_bootstrap", 1000, seed)
        ci = intervals.doubling_interval(draws)
        covered += ci.low <= 150.0 <= ci.high
    # Nominal 95%; a wild bootstrap on 25 points runs a little narrow, never badly.
    assert covered >= 32


def test_parametric_interval_refuses_points_without_published_intervals():
    x, y = simulate(150.0, 10, 0.3, 3)
    with pytest.raises(HorizonError, match="ci_low and ci_high"):
        intervals.headline_draws(x, y, [None] * 10, [None] * 10, "parametric_ci", 100, 0)


def test_run_bootstrap_refits_each_replicate_and_recovers_the_spread():
    rng = np.random.default_rng(7)
    x, y = simulate(100.0, 12, 0.0, 7)
    sd = 0.2
    reps = np.exp(y[None, :] + rng.normal(0, sd, (4000, 12)))
    draws = intervals.run_draws(x, reps)
    ci = intervals.doubling_interval(draws)
    # Refitting exact-line data plus N(0, sd) per point: the slope's sd is sd / sqrt(Sxx).
    se = sd / math.sqrt(((x - x.mean()) ** 2).sum())
    slope = LN2 / 100.0
    assert ci.low == pytest.approx(LN2 / (slope + 1.96 * se), rel=0.03)
    assert ci.high == pytest.approx(LN2 / (slope - 1.96 * se), rel=0.03)
    assert draws.method == "run_bootstrap"


def test_replicate_without_a_finite_horizon_drops_that_point_not_the_replicate_and_never_uses_zero():
    x, y = simulate(100.0, 6, 0.0, 2)
    reps = np.exp(np.tile(y, (3, 1)))
    reps[0, 2] = np.inf
    reps[1, 4] = np.nan
    reps[2, :4] = np.nan   # only two points left: no line
    draws = intervals.run_draws(x, reps)
    assert draws.n == 2 and draws.n_dropped == 1 and draws.n_points_dropped == 6
    assert np.allclose(LN2 / draws.slopes, 100.0)


def test_trend_with_fewer_than_three_frontier_points_says_so():
    pts = [Point("a", "a", date(2023, 5, 1), 5.0), Point("b", "b", date(2024, 5, 1), 10.0)]
    with pytest.raises(HorizonError, match="at least 3"):
        analyse(pts, TrendSpec(forms=("exponential",)))


def test_same_inputs_and_seed_give_identical_results():
    x, y = simulate(120.0, 15, 0.3, 11)
    pts = [Point(f"m{i}", f"m{i}", date(1970, 1, 1) + timedelta(days=int(v)), math.exp(w))
           for i, (v, w) in enumerate(zip(x, np.sort(y)))]
    spec = TrendSpec(window_from=None, n_boot=500, n_boot_forms=50, n_break_boot=49)
    a, b = analyse(pts, spec), analyse(pts, spec)
    assert a == b
