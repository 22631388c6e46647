"""Known answers for the scenario model: the bridge, Amdahl's law, and each dynamic's closed form.

Tolerances are stated with each test; where a plausible wrong answer lies close, the test also
shows that the tolerance would catch it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad, solve_ivp
from scipy.special import expit

from horizon.scenarios import params as sp
from horizon.scenarios.bridge import (
    Bridge,
    WorkSuccess,
    amdahl,
    amdahl_bound,
    h80_equivalent_minutes,
    success,
    work_success_direct,
)
from horizon.scenarios.dynamics import SCENARIOS, Amdahl, DrawSet, ExpandingPie, Explosive, Plateau, scenario
from horizon.scenarios.run import ScenarioOptions, TrendDraws, blowup_tail, run_scenarios
from horizon.scenarios.solve import solve_feedback, tau_at, x_at
from horizon.trend.rules import day_number

LN2 = math.log(2)
G0 = LN2 / 130.0          # a 130-day doubling, per day
DEFAULTS = dict(task_median_hours=8.0, task_spread=1.5, f_max=0.9, ai_speed=30.0, parallelisation_penalty=0.7,
                software_returns=1.25, plateau_returns=0.7, plateau_ceiling_hours=167.0, reinstatement_rate=0.5)


def model(n: int = 1, **changes) -> sp.ModelParams:
    values = DEFAULTS | changes
    return sp.ModelParams(**{k: np.full(n, float(v)) for k, v in values.items()})


def draws(n: int = 1, h_start_minutes: float = 70.0, slope: float = -0.59, g0: float = G0, **changes) -> DrawSet:
    return DrawSet(np.full(n, g0), np.full(n, math.log(h_start_minutes)), np.full(n, slope), model(n, **changes))


# --- the bridge ---------------------------------------------------------------------------------


def test_the_success_curve_is_80_percent_at_the_80_percent_horizon_and_50_percent_at_the_p50():
    b = -0.6
    assert success(70.0, 70.0, b) == pytest.approx(0.8, abs=1e-15)
    p50 = 70.0 * 2 ** (math.log(4) / -b)
    assert success(p50, 70.0, b) == pytest.approx(0.5, abs=1e-12)
    # and a 50% threshold of p50 minutes is reached when h80 is 70 minutes
    assert float(h80_equivalent_minutes(p50, 50, b)) == pytest.approx(70.0, rel=1e-12)


@pytest.mark.parametrize("A", [-40.0, -8.0, -1.3, 0.0, 0.7, 5.0, 30.0])
@pytest.mark.parametrize("B", [0.0, -0.4, -1.27, -3.0, -4.9])
def test_work_weighted_success_matches_adaptive_quadrature(A, B):
    def integrand(z):
        return expit(A + B * z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)

    exact = quad(integrand, -40, 40, epsabs=1e-14, epsrel=1e-13, limit=400)[0]
    assert float(work_success_direct(A, B)) == pytest.approx(exact, abs=2e-8)
    table = WorkSuccess(np.array([B]))
    assert float(table(A, 0)) == pytest.approx(exact, abs=1e-7)


def test_the_complement_of_the_share_keeps_its_precision_where_the_share_rounds_to_one():
    bridge = Bridge(np.array([8.0]), np.array([1.5]), np.array([-0.59]))
    W, W_c = bridge.work_success(np.array([math.log(60.0 * 1e5)]))   # a horizon of 100,000 hours
    A = math.log(4) - 0.59 * math.log2(8 * 60 / (60.0 * 1e5))
    B = -0.59 * 1.5 / LN2

    def integrand(z):
        return expit(-(A + B * z)) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)

    exact = quad(integrand, -40, 40, epsabs=1e-18, epsrel=1e-12, limit=400)[0]
    assert 0 < exact < 1e-3
    assert W_c[0] == pytest.approx(exact, rel=1e-4)   # 1 - W in double precision would keep ~13 digits less
    assert W[0] + W_c[0] == pytest.approx(1.0, abs=1e-15)


def test_amdahls_closed_form_and_its_bound():
    assert float(amdahl(0.5, 30.0)) == pytest.approx(1 / (0.5 + 0.5 / 30))
    assert float(amdahl(0.0, 30.0)) == 1.0
    assert float(amdahl(1.0, 30.0)) == pytest.approx(30.0)
    # The bound as f -> f_max, below 1 / (1 - f_max) and approaching it as v grows.
    assert float(amdahl_bound(0.9, 30.0)) == pytest.approx(1 / 0.13)
    assert float(amdahl_bound(0.9, 30.0)) < 10.0
    assert float(amdahl_bound(0.9, 1e9)) == pytest.approx(10.0, rel=1e-7)


def test_a_longer_horizon_automates_more_of_the_work():
    bridge = Bridge(np.array([8.0]), np.array([1.5]), np.array([-0.59]))
    shares = [float(bridge.work_success(np.array([math.log(m)]))[0][0]) for m in (1, 10, 100, 1000, 10_000)]
    assert shares == sorted(shares) and shares[0] < 0.05 and shares[-1] > 0.9


# --- the feedback law: closed forms --------------------------------------------------------------


def test_a_constant_multiplier_divides_the_doubling_time_by_m_to_the_lambda():
    # beta = 0 (no ideas-getting-harder), M / M_ref = 3 throughout: doubling time T0 / 3^lambda.
    g0, lam = np.array([G0, LN2 / 100]), np.array([0.7, 0.5])
    path = solve_feedback(g0, lam, np.zeros(2), lambda x: np.full_like(x, math.log(3.0)))
    doubling = tau_at(path, g0, np.full(2, LN2))
    assert doubling == pytest.approx(np.array([130.0, 100.0]) / 3 ** lam, rel=1e-8)
    # ten doublings too: the rate is constant, not just right at the start
    assert tau_at(path, g0, np.full(2, 10 * LN2)) == pytest.approx(10 * np.array([130.0, 100.0]) / 3 ** lam, rel=1e-8)


@pytest.mark.parametrize("r", [1.1, 1.25, 2.0])
def test_explosive_feedback_with_returns_above_one_blows_up_on_the_closed_form_date(r):
    # f = 1 and v = v0 h / h_s make M / M_s = h / h_s, so dx/dtau = g0 e^{(lambda - beta) x + beta g0 tau}:
    # tau(x) = ln(1 + (beta / k)(1 - e^{-k x})) / (beta g0), so tau* = ln(r / (r - 1)) / (beta g0).
    lam = 0.7
    beta = lam / r
    k = lam - beta
    g0 = np.array([G0])
    path = solve_feedback(g0, np.array([lam]), np.array([beta]), lambda x: x)
    blowup = path.tau[:, -1] + blowup_tail(path.dtau_ds_end, g0, np.array([lam]), np.array([beta]))
    exact = math.log(r / (r - 1)) / (beta * G0)
    assert blowup[0] == pytest.approx(exact, rel=1e-6)
    # A plausible slip, forgetting the baseline's growing inputs (tau* = 1 / (g0 (lambda - beta))),
    # is far outside that tolerance.
    assert abs(1 / (G0 * k) / exact - 1) > 0.1
    # The whole path, in time (x runs off to infinity near the blow-up, time does not):
    xs = path.x[0, ::100]
    closed = np.log1p((beta / k) * -np.expm1(-k * xs)) / (beta * G0)
    assert path.tau[0, ::100] == pytest.approx(closed, rel=1e-6, abs=1e-6)


def test_the_plateau_law_approaches_its_ceiling_on_the_closed_form_path():
    # beta = 0 and a constant multiplier: dx/dtau = g0 (1 - x / X_c), so x = X_c (1 - e^{-g0 tau / X_c}).
    xc = np.array([2.0, 5.0])
    g0 = np.array([G0, G0])
    path = solve_feedback(g0, np.array([0.7, 0.7]), np.zeros(2), lambda x: np.zeros_like(x), ceiling=xc)
    taus = np.array([30.0, 300.0, 1000.0, 5000.0])
    closed = xc[:, None] * -np.expm1(-G0 * taus[None, :] / xc[:, None])
    assert x_at(path, g0, taus) == pytest.approx(closed, abs=2e-4)
    # and it never passes the ceiling, however long it runs
    far = x_at(path, g0, np.array([1e5, 1e7]))
    assert np.all(far <= xc[:, None]) and far[:, -1] == pytest.approx(xc, abs=1e-9)


def test_integration_matches_a_tight_reference_integrator_on_the_full_explosive_model():
    # The coupled model has no closed form: compare with scipy's Radau at rtol 1e-12 in time.
    d = draws()
    bridge = d.bridge()
    sc = Explosive()
    m0 = sc.multiplier(np.zeros(1), d, bridge)
    lam, beta = 0.7, 0.7 / 1.25
    path = solve_feedback(d.g0, np.array([lam]), np.array([beta]),
                          lambda x: np.log(sc.multiplier(x, d, bridge) / m0))

    def rhs(tau, x):
        m = sc.multiplier(np.array([x[0]]), d, bridge)
        return [G0 * (m[0] / m0[0]) ** lam * math.exp(-beta * (x[0] - G0 * tau))]

    horizon_day = float(path.tau[0, np.searchsorted(path.x[0], 3.0)])   # until h = e^3 h_s
    ref = solve_ivp(rhs, (0, horizon_day), [0.0], method="Radau", rtol=1e-12, atol=1e-12, dense_output=True)
    taus = np.linspace(0, horizon_day, 9)
    assert x_at(path, d.g0, taus)[0] == pytest.approx(ref.sol(taus)[0], abs=2e-4)


# --- each scenario ---------------------------------------------------------------------------------


def test_every_scenario_leaves_the_start_date_on_the_trend():
    d = draws()
    bridge = d.bridge()
    for sc in SCENARIOS:
        if not sc.feedback:
            continue
        m0 = sc.multiplier(np.zeros(1), d, bridge)
        lam = 0.7
        beta = lam / float(sc.returns(d.params)[0])
        path = solve_feedback(d.g0, np.array([lam]), np.array([beta]),
                              lambda x, sc=sc, m0=m0: np.log(sc.multiplier(x, d, bridge) / m0), sc.ceiling(d))
        # dx/dtau at the start is g0: (M / M_s)^lambda = 1, h = h_b, C(h_s) = 1
        first = (path.x[0, 1] - path.x[0, 0]) / (path.tau[0, 1] - path.tau[0, 0])
        assert first == pytest.approx(G0, rel=2e-2), sc.name


def test_expanding_pie_reaches_its_steady_share_and_multiplier():
    d = draws(f_max=0.9, reinstatement_rate=0.5)
    bridge = d.bridge()
    pie = ExpandingPie()
    steady = 0.9 / (1 + 0.5 * 0.9)
    assert float(pie.share_limit(d.params)[0]) == pytest.approx(steady)
    far = np.array([30.0])   # h = e^30 h_s: W = 1 to rounding, v = v0 e^30
    assert float(pie.automatable(far, d, bridge)[0]) == pytest.approx(steady, rel=1e-9)
    assert float(pie.multiplier(far, d, bridge)[0]) == pytest.approx(1 / (1 - steady), rel=1e-9)
    assert float(pie.bound(d, bridge)[0]) == pytest.approx(1 / (1 - steady))


def test_amdahl_never_exceeds_its_bound_and_approaches_it():
    d = draws()
    bridge = d.bridge()
    sc = Amdahl()
    xs = np.linspace(-10, 30, 400)[None, :]
    m = sc.multiplier(xs, d, bridge)
    bound = float(sc.bound(d, bridge)[0])
    assert bound == pytest.approx(1 / (0.1 + 0.9 / 30))
    assert np.all(m <= bound * (1 + 1e-12)) and m[0, -1] == pytest.approx(bound, rel=1e-9)
    assert np.all(np.diff(m[0]) >= -1e-15)


def test_a_plateau_that_starts_above_its_ceiling_stays_where_it_is():
    d = draws(h_start_minutes=200 * 60.0, plateau_ceiling_hours=167.0)
    sc = Plateau()
    path = solve_feedback(d.g0, np.array([0.7]), np.array([1.0]), lambda x: np.zeros_like(x), sc.ceiling(d))
    assert path.flat[0]
    assert x_at(path, d.g0, np.array([-100.0, 0.0, 100.0, 1e4]))[0] == pytest.approx([-100 * G0, 0, 0, 0])
    assert tau_at(path, d.g0, np.array([0.5]))[0] == math.inf


def test_scenario_names_are_unique_and_unknown_names_say_which_exist():
    assert len({s.name for s in SCENARIOS}) == len(SCENARIOS) == 4
    from horizon.errors import NotFoundError

    with pytest.raises(NotFoundError, match="expected one of: amdahl, expanding_pie, explosive, plateau"):
        scenario("foom")


# --- the full run on a known trend ---------------------------------------------------------------


def _exact_trend(n: int = 50) -> TrendDraws:
    """Every draw is the trend itself: the bands collapse onto the central run."""
    x_ref = day_number(__import__("datetime").date(2026, 2, 5))
    return TrendDraws(x_ref, math.log(70.0), G0, np.full(n, math.log(70.0)), np.full(n, G0))


@pytest.fixture(scope="module")
def default_parameters():
    from horizon.config import PROJECT_DIR
    from horizon.scenarios.files import load_parameters

    return load_parameters(PROJECT_DIR / "data" / "scenarios.toml")


def test_amdahl_has_no_feedback_so_its_threshold_dates_are_the_trend_reaching_them(default_parameters):
    from horizon.scenarios.run import Target

    trend = _exact_trend()
    target = Target("work-week-80", "work-week at 80%", 40.0, 80)
    result = run_scenarios(trend, [-0.59], default_parameters, [target], ScenarioOptions(n_draws=20),
                           scenarios=(Amdahl(),))
    crossing = next(c for c in result.outcome("amdahl").crossings if c.target == "work-week-80")
    days = math.log(40 * 60 / 70.0) / G0
    expected = __import__("datetime").date(2026, 2, 5) + __import__("datetime").timedelta(days=round(days))
    assert crossing.when.central == expected == crossing.when.lo95 == crossing.when.hi95


def test_explosive_crosses_every_level_before_it_blows_up_and_the_others_name_their_bounds(default_parameters):
    result = run_scenarios(_exact_trend(), [-0.59], default_parameters, [], ScenarioOptions(n_draws=20))
    ex = result.outcome("explosive")
    dates = [c.when.central for c in ex.crossings if c.kind == "multiplier"]
    assert all(dates) and dates == sorted(dates) and dates[-1] < ex.blowup.central
    assert ex.bound.central is None          # unbounded
    for name in ("amdahl", "plateau", "expanding_pie"):
        o = result.outcome(name)
        assert o.blowup is None
        never = [c for c in o.crossings if c.kind == "multiplier" and c.status == "never"]
        assert never and all(c.value > o.bound.central for c in never), name
        crossed = [c for c in o.crossings if c.kind == "multiplier" and c.status == "crosses"]
        assert all(c.value <= o.bound.central for c in crossed), name


def test_returns_at_one_or_below_give_no_finite_time_blow_up(default_parameters):
    params = sp.override(default_parameters, "software_returns", 1.0, "test")
    result = run_scenarios(_exact_trend(), [-0.59], params, [], ScenarioOptions(n_draws=20), scenarios=(Explosive(),))
    blow = result.outcome("explosive").blowup
    assert blow is None or (blow.central is None and blow.median is None)
