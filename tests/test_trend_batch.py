"""Known answers for the all-replicates-at-once code paths (batched refits, analytic
Jacobians, vectorised reach dates) that make `horizon update` fast: each must give what the
one-at-a-time definition gives."""

from __future__ import annotations

import math

import numpy as np
import pytest

from horizon.trend import ols
from horizon.trend.forms import FORMS, fit_form
from horizon.trend.intervals import wild_responses
from horizon.trend.rules import LN2


def curve(form, params, u):
    return FORMS[form].curve(np.array([params], dtype=float), u)[0]

X0 = 19500.0


def _curved(form: str, seed: int, n: int = 14):
    rng = np.random.default_rng(seed)
    x = X0 + np.linspace(0, 1100, n)
    truth = {"superexponential": (4.0, 90.0, 0.12), "saturating": (5.0, LN2 / 110, 7.0)}[form]
    y = curve(form, truth, x - x.max()) + rng.normal(0, 0.3, n)
    return x, y


@pytest.mark.parametrize("form", ["superexponential", "saturating"])
def test_batched_refit_is_as_good_as_one_scipy_fit_per_replicate(form):
    x, y = _curved(form, seed=11)
    fit = fit_form(form, x, y)
    Y = wild_responses(fit.predict(x), y, 40, seed=3)
    draws = FORMS[form].refit(fit, x, Y)
    assert draws.n_failed == 0 and draws.params.shape == (40, 3)
    u = x - fit.x_ref
    for p, row in zip(draws.params, Y):
        one = fit_form(form, x, row, x_ref=fit.x_ref, start=fit.params)
        sse_batch = float(np.sum((curve(form, p, u) - row) ** 2))
        # Never a worse optimum than scipy's, and the same curve where both found the same one.
        assert sse_batch <= one.sse * (1 + 1e-7) + 1e-12
        if sse_batch >= one.sse * (1 - 1e-7):
            assert FORMS[form].doubling(p[None, :], 0.0)[0] == pytest.approx(
                one.doubling_days_at(fit.x_ref), rel=1e-3
            )


def test_batched_refit_skips_missing_points_and_counts_rows_with_too_few():
    x, y = _curved("saturating", seed=12)
    fit = fit_form("saturating", x, y)
    Y = wild_responses(fit.predict(x), y, 6, seed=1)
    Y[0, :3] = np.nan                  # still 11 points: refitted on those
    Y[1, 3:] = np.nan                  # 3 points for 3 parameters: no fit
    draws = FORMS["saturating"].refit(fit, x, Y)
    assert draws.n_failed == 1 and draws.params.shape == (5, 3)
    alone = fit_form("saturating", x[3:], Y[0, 3:], x_ref=fit.x_ref, start=fit.params)
    assert draws.params[0][1] == pytest.approx(alone.params[1], rel=1e-3)


def _central_difference(form, P, u, i, h=1e-6):
    """d curve / d theta_i, theta with ln D / ln b in place of D / b, as the Jacobian uses."""
    T = P.copy()
    T[:, 1] = np.log(P[:, 1])
    up, dn = T.copy(), T.copy()
    up[:, i] += h
    dn[:, i] -= h
    for M in (up, dn):
        M[:, 1] = np.exp(M[:, 1])
    return (FORMS[form].curve(up, u) - FORMS[form].curve(dn, u)) / (2 * h)


@pytest.mark.parametrize(
    "form, params",
    [
        ("superexponential", (3.0, 120.0, 0.3)),       # each doubling faster
        ("superexponential", (3.0, 120.0, -0.1)),      # each doubling slower
        ("superexponential", (3.0, 120.0, 1e-7)),      # all but exponential: the series branch
        ("superexponential", (0.4, 1e-150, 90.0)),     # degenerate bootstrap corner, tiny D
        ("saturating", (3.0, 0.006, 8.0)),
        ("saturating", (3.0, 0.006, 30.0)),            # far ceiling: flat in U
    ],
)
def test_analytic_jacobian_equals_finite_differences(form, params):
    u = np.linspace(-1000.0, 0.0, 12)
    P = np.array([params], dtype=float)
    J = FORMS[form].jacobian(P, u, np.array([np.inf]))[0]
    for i in range(3):
        numeric = _central_difference(form, P, u, i)[0]
        assert np.allclose(J[:, i], numeric, rtol=1e-5, atol=1e-8), (form, params, i)


def test_a_ceiling_held_at_its_bound_has_no_slope_upwards():
    from horizon.trend.forms.saturating import MAX_HEADROOM

    u = np.linspace(-500.0, 0.0, 5)
    P = np.array([[3.0, 0.006, 8.0]])
    jacobian = FORMS["saturating"].jacobian
    assert np.all(jacobian(P, u, np.array([8.0 - MAX_HEADROOM]))[0][:, 2] == 0.0)
    assert np.all(jacobian(P, u, np.array([9.0 - MAX_HEADROOM]))[0][:, 2] > 0.0)


@pytest.mark.parametrize("form", ["exponential", "piecewise", "superexponential", "saturating"])
def test_every_draw_reaches_a_level_where_its_own_curve_says(form):
    rng = np.random.default_rng(7)
    n = 200
    a = rng.uniform(0, 3, n)
    P = {
        "exponential": np.column_stack([a, rng.uniform(0.001, 0.01, n)]),
        "piecewise": np.column_stack([a, rng.uniform(0.001, 0.004, n), rng.uniform(0.004, 0.01, n),
                                      rng.uniform(-600, -100, n)]),
        "superexponential": np.column_stack([a, rng.uniform(60, 200, n), rng.uniform(-0.3, 0.3, n)]),
        "saturating": np.column_stack([a, rng.uniform(0.002, 0.01, n), rng.uniform(6, 12, n)]),
    }[form]
    target = 5.0
    u = FORMS[form].reach(P, target)
    for p, v in zip(P, u):
        if math.isfinite(v):
            assert curve(form, p, np.array([v]))[0] == pytest.approx(target, abs=1e-8)
        else:
            # Never: the ceiling is below the target.
            assert form == "saturating" and p[2] <= target


def test_doubling_time_of_every_draw_is_ln2_over_its_curves_slope():
    rng = np.random.default_rng(8)
    P = np.column_stack([rng.uniform(0, 3, 50), rng.uniform(60, 200, 50), rng.uniform(-0.3, 0.3, 50)])
    dd = FORMS["superexponential"].doubling(P, 0.0)
    h = 1e-3
    for p, d in zip(P, dd):
        slope = (curve("superexponential", p, np.array([h])) - curve("superexponential", p, np.array([-h])))[0] / (2 * h)
        assert d == pytest.approx(LN2 / slope, rel=1e-6)
    assert FORMS["exponential"].doubling(np.array([[1.0, -0.01]]), 0.0)[0] == math.inf


def test_the_one_least_squares_routine_agrees_with_statsmodels_ols_with_and_without_missing_points():
    import statsmodels.api as sm

    rng = np.random.default_rng(5)
    for _ in range(100):
        n = int(rng.integers(3, 40))
        x = np.sort(rng.integers(19000, 20500, n)).astype(float)
        if np.ptp(x) == 0:
            continue
        y = rng.normal(3, 2, n) + 0.002 * (x - 19000)
        ref = sm.OLS(y, sm.add_constant(x - x.mean())).fit()
        b0, b1 = ref.params
        for mask in (None, np.ones((1, n), dtype=bool)):
            line = ols.lines(x, y, mask=mask)
            assert line.slope[0] == pytest.approx(b1, rel=1e-10, abs=1e-15)
            assert line.intercept[0] == pytest.approx(b0 - b1 * x.mean(), rel=1e-10)
            assert line.sse[0] == pytest.approx(ref.ssr, rel=1e-9, abs=1e-12)
        keep = rng.random(n) < 0.7
        if keep.sum() >= 3 and np.ptp(x[keep]) > 0:
            part = sm.OLS(y[keep], sm.add_constant(x[keep])).fit()
            masked = ols.lines(x, np.where(keep, y, np.nan)[None, :], mask=keep[None, :])
            assert masked.slope[0] == pytest.approx(part.params[1], rel=1e-9)
            assert masked.n[0] == keep.sum()
