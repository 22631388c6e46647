"""Known answers for the alternative trend forms, the break test and the backtests."""

from __future__ import annotations

import math

import numpy as np
import pytest

from horizon.trend.backtest import backtest
from horizon.trend.breaks import break_test
from horizon.trend.forms import FORM_NAMES, FORMS, fit_form
from horizon.trend.points import Point
from horizon.trend.rules import LN2, date_from_day


def curve(form, params, u):
    return FORMS[form].curve(np.array([params], dtype=float), np.asarray(u, dtype=float))[0]


def u_reaching(form, params, y):
    return float(FORMS[form].reach(np.array([params], dtype=float), y)[0])

X0 = 19500.0  # 2023-05-24


def grid(n: int, span: float = 1100.0) -> np.ndarray:
    return X0 + np.linspace(0, span, n)


def test_known_break_date_and_both_slopes_are_recovered_and_the_test_rejects():
    rng = np.random.default_rng(3)
    x = grid(30)
    brk = X0 + 500
    s1, s2 = LN2 / 250, LN2 / 90
    y = 1.0 + s1 * (x - X0) + (s2 - s1) * np.maximum(x - brk, 0) + rng.normal(0, 0.1, x.size)
    fit = fit_form("piecewise", x, y)
    a, b1, b2, c = fit.params
    assert abs(fit.x_ref + c - brk) < 60
    assert b1 == pytest.approx(s1, rel=0.25)
    assert b2 == pytest.approx(s2, rel=0.15)
    assert break_test(x, y, n_replicates=199, seed=0).p_value < 0.01


def test_break_test_mostly_does_not_reject_when_there_is_no_break():
    rejections = 0
    for seed in range(20):
        rng = np.random.default_rng(1000 + seed)
        x = grid(15)
        y = 1.0 + LN2 / 130 * (x - X0) + rng.normal(0, 0.4, x.size)
        rejections += break_test(x, y, n_replicates=99, seed=seed).p_value < 0.05
    # Level 5%: 20 draws reject about once; more than 4 would say the test is miscalibrated.
    assert rejections <= 4


def test_known_superexponential_rate_is_recovered():
    rng = np.random.default_rng(5)
    x = grid(30)
    d_end, g = 80.0, -math.log(1 - 0.15)   # each doubling 15% shorter than the last
    truth = (2.0, d_end, g)
    y = curve("superexponential", truth, x - x.max()) + rng.normal(0, 0.05, x.size)
    fit = fit_form("superexponential", x, y)
    assert fit.named_params()["fraction_shorter_per_doubling"] == pytest.approx(0.15, abs=0.05)
    assert fit.doubling_days_at(x.max()) == pytest.approx(d_end, rel=0.15)


def test_superexponential_doublings_shrink_by_a_constant_fraction():
    params = (0.0, 100.0, -math.log(0.8))   # each doubling 20% shorter
    starts = [u_reaching("superexponential", params, k * LN2) for k in range(5)]
    durations = np.diff(starts)
    assert np.allclose(durations[1:] / durations[:-1], 0.8)


def test_known_saturation_ceiling_is_recovered():
    rng = np.random.default_rng(9)
    x = grid(40, 2000)
    truth = (7.0, LN2 / 100, 6.0)   # ceiling e^6 minutes, approached within the data
    y = curve("saturating", truth, x - x.max()) + rng.normal(0, 0.05, x.size)
    fit = fit_form("saturating", x, y)
    assert fit.params[2] == pytest.approx(6.0, abs=0.2)


def test_every_form_reaches_a_level_exactly_where_its_curve_says():
    params = {
        "exponential": (1.0, 0.004),
        "piecewise": (1.0, 0.002, 0.006, -200.0),
        "superexponential": (1.0, 150.0, 0.1),
        "saturating": (1.0, 0.005, 9.0),
    }
    for form in FORM_NAMES:
        for target in (0.0, 2.5, 5.0):
            u = u_reaching(form, params[form], target)
            assert curve(form, params[form], np.array([u]))[0] == pytest.approx(target, abs=1e-9), form


def test_saturating_form_never_reaches_a_level_above_its_ceiling():
    assert u_reaching("saturating", (1.0, 0.005, 4.0), 4.5) == math.inf


def test_information_criteria_compare_forms_on_the_same_points():
    rng = np.random.default_rng(2)
    x = grid(20)
    y = 1.0 + LN2 / 120 * (x - X0) + rng.normal(0, 0.2, x.size)
    fits = {f: fit_form(f, x, y) for f in FORM_NAMES}
    assert {f.n for f in fits.values()} == {20}
    # Nested forms: more parameters never fit worse, and AIC charges 2 per parameter.
    assert fits["piecewise"].sse <= fits["exponential"].sse + 1e-9
    e, pw = fits["exponential"], fits["piecewise"]
    assert pw.aic - e.aic == pytest.approx(20 * math.log(pw.sse / e.sse) + 4, abs=1e-9)


def test_backtest_of_a_clean_exponential_predicts_later_points_and_covers_them():
    rng = np.random.default_rng(4)
    x = grid(16)
    y = 1.0 + LN2 / 120 * (x - X0) + rng.normal(0, 0.1, x.size)
    pts = [Point(f"m{i}", f"m{i}", date_from_day(v), math.exp(w)) for i, (v, w) in enumerate(zip(x, y))]
    preds, summaries = backtest(pts, ("exponential",))
    s = summaries[0]
    assert s.n_cutoffs == 10 and s.n_predictions == sum(range(1, 11))
    assert s.rmse_log < 0.4
    assert s.coverage95 >= 0.8


def test_backtest_detects_a_trend_that_sped_up():
    x = grid(16)
    y = 1.0 + LN2 / 250 * (x - X0) + (LN2 / 80 - LN2 / 250) * np.maximum(x - (X0 + 600), 0)
    pts = [Point(f"m{i}", f"m{i}", date_from_day(v), math.exp(w)) for i, (v, w) in enumerate(zip(x, y))]
    _, summaries = backtest(pts, ("exponential", "piecewise"))
    by = {s.form: s for s in summaries}
    # The straight line fitted to the slow early years predicts too low afterwards.
    assert by["exponential"].mean_log_error > 0.3


def _outlier_first(seed: int = 7):
    """A clean exponential with its first model far below the line: a 'break' made by one model."""
    rng = np.random.default_rng(seed)
    x = grid(12)
    y = 1.0 + LN2 / 130 * (x - X0) + rng.normal(0, 0.15, x.size)
    y[0] -= 2.5
    return x, y, [f"m{i}" for i in range(x.size)]


def test_a_break_made_by_one_model_is_said_to_rest_on_it():
    x, y, ids = _outlier_first()
    bt = break_test(x, y, n_replicates=199, seed=0, model_ids=ids)
    assert bt.p_value < 0.05
    # Without the normal-errors assumption one outlying model is no evidence of a break.
    assert bt.p_value_wild > 0.3
    assert bt.most_influential[0] == "m0" and bt.most_influential[1] >= 0.05
    assert bt.rests_on_one_model is True
    assert [m for m, _ in bt.leave_one_out] == ids
    assert bt.at_grid_edge == "first" and bt.break_date == bt.grid_first
    assert "It rests on one model: without m0" in bt.summary() and "earliest date the test allows" in bt.summary()
    assert "without Model Zero" in bt.summary({"m0": "Model Zero"})


def test_a_real_break_survives_leaving_out_any_one_model():
    rng = np.random.default_rng(3)
    x = grid(30)
    brk = X0 + 500
    s1, s2 = LN2 / 250, LN2 / 90
    y = 1.0 + s1 * (x - X0) + (s2 - s1) * np.maximum(x - brk, 0) + rng.normal(0, 0.1, x.size)
    bt = break_test(x, y, n_replicates=199, seed=0, model_ids=[f"m{i}" for i in range(x.size)])
    assert bt.rests_on_one_model is False and bt.at_grid_edge is None
    assert max(p for _, p in bt.leave_one_out) < 0.05
    assert "Leaving out any one model, p stays at or below" in bt.summary()
