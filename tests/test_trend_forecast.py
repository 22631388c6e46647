"""Known answers for threshold forecasts (when the trend line crosses a threshold, and when a
model is expected to reach it), their coverage, and the thresholds file."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from horizon.errors import ConfigError
from horizon.trend.analysis import TrendSpec, analyse
from horizon.trend.forecast import Forecaster
from horizon.trend.forms import fit_form
from horizon.trend.points import Point
from horizon.trend.rules import LN2, date_from_day, day_number
from horizon.trend.thresholds import Threshold, load_thresholds

THRESHOLDS = Path(__file__).resolve().parents[1] / "data" / "thresholds.toml"
BY_NAME = {t.name: t for t in load_thresholds(THRESHOLDS)}


def clean_exponential(start: date, minutes0: float, doubling: int, n: int) -> list[Point]:
    return [
        Point(f"m{i}", f"m{i}", start + timedelta(days=doubling * i / 2), minutes0 * 2 ** (i / 2))
        for i in range(n)
    ]


def forecaster(result, form="exponential", **kw) -> Forecaster:
    f = result.form(form)
    x = np.array([p.x for p in result.used])
    y = np.log([p.estimate for p in result.used])
    return Forecaster(f.fit, f.draws, f.interval_method, x, y, **kw)


def test_clean_exponential_reaches_a_threshold_on_the_computable_date():
    # 60 min on 2025-01-01, doubling every 100 days: 8 h = 480 min is 3 doublings later.
    pts = clean_exponential(date(2025, 1, 1), 60.0, 100, 8)
    result = analyse(pts, TrendSpec(window_from=None, forms=("exponential",)))
    f = forecaster(result).forecast(BY_NAME["work-day-50"], date(2025, 3, 1), 960.0)
    assert f.date_point == date(2025, 1, 1) + timedelta(days=300)
    # No scatter about the line: both intervals are the line itself.
    assert f.lo80 == f.hi80 == f.lo95 == f.hi95 == f.date_point
    assert f.reach_lo95 == f.reach_hi95 == f.date_point
    assert not f.beyond_ceiling and not f.reached_by_as_of


def test_threshold_above_the_ceiling_is_flagged_and_past_dates_count_as_reached():
    pts = clean_exponential(date(2025, 1, 1), 60.0, 100, 8)
    result = analyse(pts, TrendSpec(window_from=None, forms=("exponential",)))
    week = forecaster(result).forecast(BY_NAME["work-week-50"], date(2025, 3, 1), 960.0)
    assert week.beyond_ceiling
    # 40 h = 2400 min = 40 x 60 min: log2(40) doublings of 100 days.
    assert week.date_point == date(2025, 1, 1) + timedelta(days=round(100 * math.log2(40)))
    day = forecaster(result).forecast(BY_NAME["work-day-50"], date(2026, 1, 1), 960.0)
    assert day.reached_by_as_of


@pytest.mark.parametrize("method", ["ols_t", "ols_hc3", "wild_hc3"])
def test_a_model_reaching_a_threshold_is_a_wider_range_than_the_line_crossing_it(method):
    rng = np.random.default_rng(0)
    pts = [Point(p.model_id, p.source_model, p.release_date, p.estimate * math.exp(rng.normal(0, 0.3)))
           for p in clean_exponential(date(2024, 1, 1), 30.0, 120, 14)]
    result = analyse(pts, TrendSpec(window_from=None, forms=("exponential",), interval_method=method, n_boot=2000))
    f = forecaster(result).forecast(BY_NAME["work-month-50"], date(2025, 1, 1), 960.0)
    assert f.lo95 < f.lo80 < f.date_point < f.hi80 < f.hi95
    assert f.reach_lo95 < f.reach_lo80 < f.date_point < f.reach_hi80 < f.reach_hi95
    assert f.reach_lo95 < f.lo95 and f.hi95 < f.reach_hi95
    assert f.reach_lo80 < f.lo80 and f.hi80 < f.reach_hi80


# --- coverage of both intervals, by simulation ------------------------------------------------------

# METR-like: 14 frontier models over three years, doubling every 129 days, scatter 0.47 in ln
# units (the 2026-03-03 vintage's fitted residuals), a threshold about a year past the data.
DAYS = np.array([0, 237, 426, 464, 548, 588, 632, 713, 764, 877, 980, 986, 1003, 1059], dtype=float) + 19430
SIGMA, SLOPE, START = 0.47, LN2 / 129, math.log(4.0)
TARGET = Threshold("t", "t", 40.0, 50, "https://example.org", "c")


def _covers(lo: date | None, hi: date | None, day: float) -> bool:
    d = date_from_day(day)
    return (lo is None or lo <= d) and (hi is None or d <= hi)


def test_both_forecast_intervals_cover_what_they_claim_in_simulated_data():
    rng = np.random.default_rng(2024)
    y_target = math.log(TARGET.minutes)
    n = 300
    line_hits = {0.80: 0, 0.95: 0}
    reach_hits = {0.80: 0, 0.95: 0}
    true_crossing = DAYS[0] + (y_target - START) / SLOPE
    for _ in range(n):
        y = START + SLOPE * (DAYS - DAYS[0]) + rng.normal(0, SIGMA, DAYS.size)
        fit = fit_form("exponential", DAYS, y)
        f = Forecaster(fit, None, "ols_t", DAYS, y, span_days=(365, 3650)).forecast(TARGET, date(2026, 3, 1), None)
        # A new model reaches the threshold where the trend plus its own scatter does.
        reach_day = DAYS[0] + (y_target - START - rng.normal(0, SIGMA)) / SLOPE
        line_hits[0.80] += _covers(f.lo80, f.hi80, true_crossing)
        line_hits[0.95] += _covers(f.lo95, f.hi95, true_crossing)
        reach_hits[0.80] += _covers(f.reach_lo80, f.reach_hi80, reach_day)
        reach_hits[0.95] += _covers(f.reach_lo95, f.reach_hi95, reach_day)
    # 300 data sets: a standard error of 2.3 points at 80%, 1.3 at 95%; the bands allow ~3.
    for hits in (line_hits, reach_hits):
        assert 0.73 <= hits[0.80] / n <= 0.87, (line_hits, reach_hits)
        assert 0.91 <= hits[0.95] / n <= 0.99, (line_hits, reach_hits)


def test_line_interval_alone_would_undercover_where_a_model_reaches_the_threshold():
    rng = np.random.default_rng(7)
    y_target = math.log(TARGET.minutes)
    n, hits = 200, 0
    for _ in range(n):
        y = START + SLOPE * (DAYS - DAYS[0]) + rng.normal(0, SIGMA, DAYS.size)
        fit = fit_form("exponential", DAYS, y)
        f = Forecaster(fit, None, "ols_t", DAYS, y, span_days=(365, 3650)).forecast(TARGET, date(2026, 3, 1), None)
        hits += _covers(f.lo95, f.hi95, DAYS[0] + (y_target - START - rng.normal(0, SIGMA)) / SLOPE)
    assert hits / n < 0.85   # what the old single interval claimed as 95%


def test_thresholds_file_has_the_required_thresholds_each_with_a_citation():
    ths = BY_NAME
    assert {("work-day-50", 8.0, 50), ("work-week-50", 40.0, 50), ("work-month-50", 167.0, 50),
            ("work-year-50", 2000.0, 50)} <= {(n, t.hours, t.level) for n, t in ths.items()}
    assert {t.hours for t in ths.values() if t.level == 80} >= {8.0, 40.0, 167.0, 2000.0}
    assert ths["ai2027-sc-median-low-80"].hours == pytest.approx(1.5 * 167)
    assert ths["ai2027-sc-median-high-80"].hours == 10 * 2000
    assert ths["aifm-ac-80"].hours == pytest.approx(3.3 * 2000)
    assert all(t.source.startswith("https://") and t.cite for t in ths.values())
    assert "2503.14499" in ths["work-month-50"].source
    assert "ai-2027.com/research/timelines-forecast" in ths["ai2027-sc-median-low-80"].source
    text = THRESHOLDS.read_text(encoding="utf-8")
    assert "work-month = 167 hours" in text and "work-year  = 2,000 hours" in text


def test_malformed_threshold_says_which_field_and_what_was_expected(tmp_path):
    bad = tmp_path / "t.toml"
    bad.write_text('[x]\nlabel = "x"\nhours = -3\nlevel = 50\nsource = "s"\ncite = "c"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"t\.toml: x\.hours: expected a positive number, got -3"):
        load_thresholds(bad)
    bad.write_text('[x]\nlabel = "x"\nhours = 3\nlevel = 90\nsource = "s"\ncite = "c"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="x.level: expected 50 or 80"):
        load_thresholds(bad)


def test_day_numbers_round_trip():
    assert date_from_day(day_number(date(2026, 3, 3))) == date(2026, 3, 3)
