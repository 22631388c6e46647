"""Evidence against scenarios: the indicator readings, their noise, the bands they are read
against, and the date the bands separate by more than the noise."""

from __future__ import annotations

import math
import shutil
from datetime import date

import numpy as np
import pytest

from horizon.config import PROJECT_DIR
from horizon.errors import HorizonError, InputError
from horizon.scenarios.evidence import Z95, Observation, assess
from horizon.scenarios.files import load_parameters, load_published_indicators, openai_experiments
from horizon.scenarios.run import ScenarioOptions, TrendDraws, run_scenarios
from horizon.scenarios.store import observations_from_store
from horizon.trend.rules import date_from_day, day_number

INDICATORS = PROJECT_DIR.parent / "shared" / "data" / "indicators"
G0 = math.log(2) / 130.0


@pytest.fixture(scope="module")
def published():
    return load_published_indicators(INDICATORS)


@pytest.fixture(scope="module")
def result():
    """Scenarios on a trend whose draws scatter like a fitted one (slope sd 10%, level sd 0.15)."""
    rng = np.random.default_rng(11)
    x_ref = day_number(date(2026, 2, 5))
    trend = TrendDraws(x_ref, math.log(70.0), G0, math.log(70.0) + 0.15 * rng.standard_normal(400),
                       G0 * (1 + 0.1 * rng.standard_normal(400)))
    params = load_parameters(PROJECT_DIR / "data" / "scenarios.toml")
    return run_scenarios(trend, [-0.59], params, [], ScenarioOptions(n_draws=300),
                         extra_days=[day_number(date(2024, 1, 1))])


def test_the_published_files_give_every_reading_with_its_noise_by_the_stated_rule(published):
    observations, files = published
    by = {}
    for o in observations:
        by.setdefault(o.series, []).append(o)
    assert {k: len(v) for k, v in by.items()} == {
        "openai_experiments_per_researcher": 32, "anthropic_staff_uplift": 3,
        "anthropic_code_per_contributor": 6, "anthropic_al4_share": 6,
    }
    assert [f["file"] for f in files] == ["openai_experiment_velocity.csv", "lab_internal_indicators.csv",
                                          "anthropic_rd_automation_index.csv"]
    al4 = by["anthropic_al4_share"][0]
    assert (al4.day, al4.value, al4.kind) == (date(2026, 3, 15), 0.01, "share")
    assert al4.noise == pytest.approx((0.030 - 0.004) / (2 * 1.6448536269514722))
    # The survey's noise: its Opus 4.5 round's mean over median, ln(3.2 / 2.0).
    assert [o.noise for o in by["anthropic_staff_uplift"]] == [pytest.approx(math.log(3.2 / 2.0))] * 3
    # Code per contributor: the scatter of ln(multiple) over the 15 pre-2025 quarters, and that period as baseline.
    code = by["anthropic_code_per_contributor"]
    base = [1.40, 1.15, 0.87, 1.09, 1.17, 0.69, 0.70, 1.04, 1.07, 0.98, 0.85, 1.00, 0.85, 0.87, 0.89]
    assert code[0].noise == pytest.approx(float(np.std(np.log(base), ddof=1)))
    assert code[0].baseline == (date(2021, 4, 1), date(2024, 12, 31))
    assert [o.day for o in code][:2] == [date(2025, 2, 15), date(2025, 5, 15)]
    openai = by["openai_experiments_per_researcher"]
    assert openai[0].baseline == (date(2025, 1, 1), date(2025, 12, 31)) and openai[-1].value == 1.60
    assert 0.03 < openai[0].noise < 0.15


def test_a_bad_indicator_line_is_one_line_naming_the_file_the_line_and_the_field(tmp_path):
    path = tmp_path / "openai_experiment_velocity.csv"
    text = (INDICATORS / "openai_experiment_velocity.csv").read_text(encoding="utf-8")
    path.write_text(text.replace("2026-01-12,0.71", "2026-01-12,-0.71"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        openai_experiments(path)
    line = text.splitlines().index("2026-01-12,0.71") + 1
    assert str(err.value) == f"{path}: line {line}, field 'mult': expected a positive number, got '-0.71'"
    path.write_text(text.replace("date,mult", "day,mult"), encoding="utf-8")
    with pytest.raises(InputError, match=r"header: expected the columns date, mult; missing date$"):
        openai_experiments(path)


def test_a_missing_indicator_directory_or_file_says_what_was_expected(tmp_path):
    with pytest.raises(InputError, match="expected a directory of published indicator files"):
        load_published_indicators(tmp_path / "nowhere")
    shutil.copy(INDICATORS / "openai_experiment_velocity.csv", tmp_path)
    with pytest.raises(InputError, match=r"lab_internal_indicators.csv: not found; expected a published indicator file$"):
        load_published_indicators(tmp_path)


@pytest.mark.parametrize("fields, message", [
    (dict(kind="speed"), "kind: expected one of multiplier, share, got 'speed'"),
    (dict(value=0.0), "value: expected a multiple above 0, got 0.0"),
    (dict(kind="share", value=1.2), "value: expected a share from 0 to 1, got 1.2"),
    (dict(noise=0.0), "noise: expected a positive standard deviation, got 0.0"),
])
def test_an_observation_that_makes_no_sense_is_refused(fields, message):
    base = dict(series="s", label="s", day=date(2026, 1, 1), value=2.0, kind="multiplier", noise=0.1, source="x")
    with pytest.raises(HorizonError, match=message):
        Observation(**(base | fields))


def _at(result, name, day, quantity):
    from horizon.scenarios.dynamics import scenario

    f, m = result.paths.state(scenario(name), np.array([day_number(day)]))
    return (f if quantity == "share" else m)[:, 0]


def test_a_reading_at_a_scenarios_central_value_is_inside_its_band_and_a_far_one_is_not(result):
    day = date(2026, 9, 1)
    central = float(_at(result, "explosive", day, "multiplier")[0])
    obs = [Observation("m", "m", day, central, "multiplier", 0.05, "test"),
           Observation("far", "far", day, central * 50, "multiplier", 0.05, "test")]
    ev = assess(result, obs)
    mine = {(r.observation.series, r.scenario): r for r in ev.readings}
    assert mine[("m", "explosive")].status == "inside 80% band" and mine[("m", "explosive")].consistent
    assert mine[("m", "explosive")].band.central == pytest.approx(central)
    assert mine[("far", "explosive")].status == "above 95% band" and not mine[("far", "explosive")].consistent
    # the pie's bound is 2.64x: fifty times any multiplier is out of its band too
    assert mine[("far", "expanding_pie")].status == "above 95% band"


def test_a_multiplier_against_a_baseline_is_read_as_m_over_its_mean_in_that_period(result):
    day = date(2026, 9, 1)
    period = (date(2025, 1, 1), date(2025, 12, 31))
    grid = result.paths.grid_days
    inside = (grid >= day_number(period[0])) & (grid <= day_number(period[1]))
    base = result.paths.grids["amdahl"].multiplier[0, inside].mean()
    ratio = float(_at(result, "amdahl", day, "multiplier")[0]) / base
    ev = assess(result, [Observation("rel", "rel", day, ratio, "multiplier", 0.05, "test", period)])
    reading = next(r for r in ev.readings if r.scenario == "amdahl")
    assert reading.band.central == pytest.approx(ratio) and reading.status == "inside 80% band"


def test_the_separation_date_is_the_first_week_the_95_percent_bands_lie_apart_by_more_than_the_noise(result):
    first = date(2026, 3, 1)
    obs = [Observation("share", "share", first, 0.4, "share", 0.02, "test")]
    ev = assess(result, obs)
    sep = next(s for s in ev.separations if (s.scenario_a, s.scenario_b) == ("explosive", "expanding_pie"))
    assert sep.first is not None and sep.first >= first
    grid = result.paths.grid_days
    a = np.percentile(result.paths.grids["explosive"].share[1:], [2.5, 97.5], axis=0)
    b = np.percentile(result.paths.grids["expanding_pie"].share[1:], [2.5, 97.5], axis=0)
    gap = np.maximum(a[0] - b[1], b[0] - a[1])
    apart = [date_from_day(float(d)) for d, g in zip(grid, gap) if d >= day_number(first) and g > Z95 * 0.02]
    assert sep.first == apart[0]
    # A noisier indicator cannot tell them apart sooner.
    noisy = assess(result, [Observation("share", "share", first, 0.4, "share", 0.1, "test")])
    later = next(s for s in noisy.separations if (s.scenario_a, s.scenario_b) == ("explosive", "expanding_pie"))
    assert later.first is None or later.first >= sep.first


def test_the_overlay_bands_are_on_the_indicators_own_axis(result):
    period = (date(2025, 1, 1), date(2025, 12, 31))
    ev = assess(result, [Observation("rel", "rel", date(2026, 6, 1), 1.3, "multiplier", 0.05, "test", period)])
    bands = [b for b in ev.bands if b.scenario == "amdahl"]
    assert bands and all(b.point.quantity == "series:rel" for b in bands)
    assert bands[0].point.day >= date(2025, 11, 1)   # half a year before the first reading
    # inside the baseline period the ratio is about 1
    near = [b for b in bands if period[0] <= b.point.day <= period[1]]
    assert near and all(0.6 < b.point.values.central < 1.4 for b in near)


def test_the_store_has_no_indicator_readings_until_the_indicator_table_exists(con):
    assert observations_from_store(con) is None
    con.execute("CREATE TABLE indicator_observations (series VARCHAR, label VARCHAR, day DATE, value DOUBLE, kind VARCHAR,"
                " noise DOUBLE, source VARCHAR, baseline_from DATE, baseline_to DATE, note VARCHAR)")
    con.execute("INSERT INTO indicator_observations VALUES ('al4', 'AL4+', '2026-08-15', 0.26, 'share', 0.03, 'Anthropic',"
                " NULL, NULL, NULL)")
    found = observations_from_store(con)
    assert found == (Observation("al4", "AL4+", date(2026, 8, 15), 0.26, "share", 0.03, "Anthropic"),)
