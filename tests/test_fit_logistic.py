"""The batched penalised logistic fit: known answers, scikit-learn agreement, METR's numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from horizon.errors import HorizonError
from horizon.fit.horizons import fit_runs
from horizon.fit.logistic import fit_logistic, horizon_minutes, log2_horizon
from horizon.fit.results import FitOptions
from horizon.fit.runtable import runs_frame_from_jsonl
from tests.conftest import METR

RUNS = METR / "all_runs_2025-03.jsonl"


@pytest.fixture(scope="module")
def metr_fit():
    return fit_runs(runs_frame_from_jsonl(RUNS), FitOptions(n_bootstrap=0))


@pytest.fixture(scope="module")
def metr_frame():
    return runs_frame_from_jsonl(RUNS)


def test_point_estimates_agree_with_sklearn_on_every_agent(metr_frame, metr_fit):
    sklearn = pytest.importorskip("sklearn.linear_model")
    frame = metr_frame
    checked = 0
    for agent in metr_fit.agents:
        rows = frame.filter(frame["source_model"] == agent.source_model)
        y = rows["score_binarized"].to_numpy()
        if y.min() == y.max():
            assert agent.beta0 is None and agent.status == "no_finite_horizon"
            continue
        # sklearn on the run level, with the file's (normalised) weights; tight tolerance so
        # that we compare optima, not where lbfgs's default tolerance happens to stop
        x = np.log2(rows["human_minutes"].to_numpy()).reshape(-1, 1)
        w = rows["source_weight_invsqrt"].to_numpy()
        model = sklearn.LogisticRegression(C=10.0, tol=1e-12, max_iter=100_000).fit(x, y, sample_weight=w / w.sum())
        b0, b1 = model.intercept_[0], model.coef_[0, 0]
        assert agent.beta0 == pytest.approx(b0, rel=1e-6, abs=1e-9)
        assert agent.beta1 == pytest.approx(b1, rel=1e-6, abs=1e-9)
        for h in agent.horizons:
            expected = 2 ** ((math.log(h.level / (100 - h.level)) - b0) / b1)
            assert h.estimate == pytest.approx(expected, rel=1e-5)
        checked += 1
    assert checked == 10  # every agent but davinci-002, which fails every run


@pytest.mark.parametrize(
    "agent,p50,p80",
    [("Claude 3.5 Sonnet (New)", 60.52, 3.506), ("o1-preview", 37.89, 1.902)],
)
def test_reproduces_metrs_published_horizons(metr_fit, agent, p50, p80):
    fitted = metr_fit.agent(agent)
    assert fitted.horizon(50).estimate == pytest.approx(p50, rel=1e-3)
    assert fitted.horizon(80).estimate == pytest.approx(p80, rel=1e-3)


def _design(n_tasks=60, runs=60):
    x = np.linspace(0.0, 10.0, n_tasks)  # 1 minute to 17 hours
    return x, np.full(n_tasks, runs)


def test_noise_free_data_give_back_the_curve_exactly():
    b0, b1 = 3.0, -0.6
    x, n = _design()
    p = 1 / (1 + np.exp(-(b0 + b1 * x)))
    w = n / n.sum()
    fit = fit_logistic(x, (p * w)[None], ((1 - p) * w)[None], C=1e12)
    assert fit.beta0[0] == pytest.approx(b0, rel=1e-6)
    assert fit.beta1[0] == pytest.approx(b1, rel=1e-6)


def test_simulated_runs_recover_p50_and_slope_within_fisher_tolerance():
    """Known answer: 3,600 runs from logit p = 3 - 0.6 log2(minutes) (p50 = 32 min).

    Tolerance: 4 standard errors from the Fisher information of the design at the true
    curve, I = sum_t n_t p_t (1 - p_t) [1, x_t; x_t, x_t^2]; for log2(p50) = -b0/b1 by the delta
    method. (SE(b1) ~ 0.017, SE(log2 p50) ~ 0.07 here.) C is huge so the fit is the plain MLE:
    the L2 term would otherwise pull the slope towards zero by design.
    """
    b0, b1 = 3.0, -0.6
    x, n = _design()
    p = 1 / (1 + np.exp(-(b0 + b1 * x)))
    k = np.random.default_rng(20250301).binomial(n, p)
    w = 1 / n.sum()
    fit = fit_logistic(x, (k * w)[None], ((n - k) * w)[None], C=1e12)

    v = n * p * (1 - p)
    info = np.array([[v.sum(), (v * x).sum()], [(v * x).sum(), (v * x * x).sum()]])
    cov = np.linalg.inv(info)
    grad = np.array([-1 / b1, b0 / b1**2])
    se_log2_p50 = math.sqrt(grad @ cov @ grad)
    se_b1 = math.sqrt(cov[1, 1])
    assert abs(fit.beta1[0] - b1) < 4 * se_b1
    assert abs(log2_horizon(fit.beta0, fit.beta1, 50)[0] - b0 / -b1) < 4 * se_log2_p50
    # and the tolerance is tight enough to notice a wrong answer: p50 off by 25% fails it
    assert 4 * se_log2_p50 < math.log2(1.25)


def test_regularisation_shrinks_the_slope_towards_zero():
    b0, b1 = 3.0, -0.6
    x, n = _design()
    p = 1 / (1 + np.exp(-(b0 + b1 * x)))
    w = n / n.sum()
    loose = fit_logistic(x, (p * w)[None], ((1 - p) * w)[None], C=1e12)
    strong = fit_logistic(x, (p * w)[None], ((1 - p) * w)[None], C=10.0)
    assert b1 < strong.beta1[0] < 0
    assert loose.beta1[0] < strong.beta1[0]
    # at the optimum the slope's gradient vanishes: C sum W (p - y) x + b1 = 0
    fitted = 1 / (1 + np.exp(-(strong.beta0[0] + strong.beta1[0] * x)))
    assert 10.0 * (w * (fitted - p) * x).sum() + strong.beta1[0] == pytest.approx(0, abs=1e-9)


def test_rows_with_one_outcome_are_not_fitted():
    x = np.array([0.0, 1.0, 2.0])
    only_failures = np.array([[0.0, 0.0, 0.0], [0.2, 0.0, 0.1]])
    failures = np.array([[0.3, 0.3, 0.4], [0.3, 0.3, 0.1]])
    fit = fit_logistic(x, only_failures, failures, C=10.0)
    assert list(fit.usable) == [False, True]
    assert math.isnan(fit.beta0[0]) and math.isfinite(fit.beta0[1])


def test_separable_data_converge_because_the_slope_is_penalised():
    x = np.arange(6.0)
    s = np.array([1, 1, 1, 0, 0, 0]) / 6
    fit = fit_logistic(x, s[None], (1 / 6 - s)[None], C=10.0)
    assert fit.converged[0] and fit.beta1[0] < 0
    assert horizon_minutes(fit.beta0, fit.beta1, 50)[0] == pytest.approx(2**2.5, rel=1e-6)


def test_a_rising_curve_has_no_horizon():
    assert math.isnan(horizon_minutes(np.array([1.0]), np.array([0.2]), 50)[0])
    assert math.isnan(horizon_minutes(np.array([1.0]), np.array([0.0]), 50)[0])


def test_p80_is_shorter_than_p50_for_a_falling_curve():
    b0, b1 = np.array([2.0]), np.array([-0.5])
    assert horizon_minutes(b0, b1, 80)[0] < horizon_minutes(b0, b1, 50)[0] < horizon_minutes(b0, b1, 20)[0]
    assert horizon_minutes(b0, b1, 50)[0] == pytest.approx(16.0)


def test_bad_regularisation_strength_is_refused():
    with pytest.raises(HorizonError, match="C: expected a positive"):
        fit_logistic(np.zeros(1), np.ones((1, 1)), np.ones((1, 1)), C=0.0)
