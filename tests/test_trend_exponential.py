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


@pytest.mark.parametrize("method", ["wild_bootstrap", "wild_hc3", "residual_bootstrap", "parametric_ci"])
def test_bootstrap_lines_equal_refitting_every_resampled_data_set(method):
    # The draws come from a shortcut (every statistic is linear in the responses); refitting
    # each resampled data set explicitly must give the same lines.
    x, y = simulate(150.0, 12, 0.35, 5)
    lo, hi = np.exp(y - 0.5), np.exp(y + 0.6)
    draws = intervals.headline_draws(x, y, lo, hi, method, 200, seed=3)
    resampler = intervals.Resampler(method, x.size, 200, np.random.default_rng(3))
    line = fit_form("exponential", x, y)
    fitted = line.predict(x)
    r = y - fitted
    h = 1 / x.size + (x - x.mean()) ** 2 / ((x - x.mean()) ** 2).sum()
    if method == "wild_bootstrap":
        Y = fitted + r * resampler.random
    elif method == "wild_hc3":
        Y = fitted + r / (1 - h) * resampler.random
    elif method == "residual_bootstrap":
        Y = fitted + r[resampler.random] * math.sqrt(x.size / (x.size - 2))
    else:
        sd = intervals.published_log_sd(lo, hi)
        extra = max(float(r @ r) / (x.size - 2) - float(np.mean(sd**2)), 0.0)
        Y = fitted + resampler.random * np.sqrt(sd**2 + extra)
    refits = [fit_form("exponential", x, row, x_ref=0.0) for row in Y]
    assert np.allclose(draws.slopes, [f.params[1] for f in refits], rtol=1e-9, atol=1e-14)
    assert np.allclose(draws.intercepts, [f.params[0] for f in refits], rtol=1e-9)


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
    ci = intervals.from_draws(draws)
    # Refitting exact-line data plus N(0, sd) per point: the slope's sd is sd / sqrt(Sxx).
    se = sd / math.sqrt(((x - x.mean()) ** 2).sum())
    slope = LN2 / 100.0
    assert ci.low95 == pytest.approx(LN2 / (slope + 1.96 * se), rel=0.03)
    assert ci.high95 == pytest.approx(LN2 / (slope - 1.96 * se), rel=0.03)
    assert ci.low80 == pytest.approx(LN2 / (slope + 1.2816 * se), rel=0.03)
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
