"""Coverage of the scenario intervals on simulated data with known truth.

The scenarios turn draws of the trend into dates. If the trend's draws describe its
uncertainty (here: estimates scattered about a true line with a known covariance, and draws
scattered the same way about each estimate), the 80% intervals of the dates must cover the
true dates, computed from the true line, in about 80% of simulated data sets. This checks the
propagation (percentiles, draws that never cross, the central run kept apart); how well the
trend's own bootstrap describes its uncertainty is the trend package's to test.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from horizon.config import PROJECT_DIR
from horizon.scenarios.dynamics import Amdahl, Explosive
from horizon.scenarios.files import load_parameters
from horizon.scenarios.run import ScenarioOptions, TrendDraws, run_scenarios
from horizon.trend.rules import day_number

G0 = math.log(2) / 130.0
SD_SLOPE = 0.08 * G0       # about the scatter of the METR 80% trend's bootstrap slopes
SD_LEVEL = 0.12            # ln minutes, at the reference date
DATASETS = 120
DRAWS = 200


def _in(lo, hi, truth) -> bool:
    return lo is not None and hi is not None and lo <= truth <= hi


@pytest.mark.slow
def test_the_80_percent_intervals_of_crossing_and_blow_up_dates_cover_the_truth_about_80_percent_of_the_time():
    params = load_parameters(PROJECT_DIR / "data" / "scenarios.toml")
    x_ref = day_number(date(2026, 2, 5))
    level = math.log(70.0)
    scenarios = (Amdahl(), Explosive())
    truth_trend = TrendDraws(x_ref, level, G0, np.full(20, level), np.full(20, G0))
    truth = run_scenarios(truth_trend, [-0.59], params, [], ScenarioOptions(n_draws=10), scenarios=scenarios)
    true_amdahl = truth.outcome("amdahl").crossings[0].when.central        # M reaches 2x
    true_ten = truth.outcome("explosive").crossings[1].when.central        # M reaches 10x
    true_blowup = truth.outcome("explosive").blowup.central
    rng = np.random.default_rng(2026)
    hits = np.zeros(3)
    for k in range(DATASETS):
        est_level = level + SD_LEVEL * rng.standard_normal()
        est_slope = G0 + SD_SLOPE * rng.standard_normal()
        trend = TrendDraws(x_ref, est_level, est_slope, est_level + SD_LEVEL * rng.standard_normal(DRAWS),
                           est_slope + SD_SLOPE * rng.standard_normal(DRAWS))
        r = run_scenarios(trend, [-0.59], params, [], ScenarioOptions(n_draws=DRAWS, seed=k, years=5), scenarios=scenarios)
        a = r.outcome("amdahl").crossings[0].when
        ten = r.outcome("explosive").crossings[1].when
        blow = r.outcome("explosive").blowup
        hits += [_in(a.lo80, a.hi80, true_amdahl), _in(ten.lo80, ten.hi80, true_ten), _in(blow.lo80, blow.hi80, true_blowup)]
    coverage = hits / DATASETS
    # Binomial sd at 120 data sets is 0.037: 3 sd either side. A 95% interval printed as the 80%
    # one (coverage ~0.95) or the central run's date alone (coverage ~0) would fail.
    assert coverage == pytest.approx([0.8, 0.8, 0.8], abs=0.11), coverage
