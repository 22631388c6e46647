"""Known answers for threshold forecasts, and the thresholds file."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from horizon.errors import ConfigError
from horizon.trend.analysis import TrendSpec, analyse
from horizon.trend.forecast import forecast_one
from horizon.trend.points import Point
from horizon.trend.thresholds import load_thresholds

THRESHOLDS = Path(__file__).resolve().parents[1] / "data" / "thresholds.toml"


def clean_exponential(start: date, minutes0: float, doubling: int, n: int) -> list[Point]:
    return [
        Point(f"m{i}", f"m{i}", start + timedelta(days=doubling * i / 2), minutes0 * 2 ** (i / 2))
        for i in range(n)
    ]


def test_clean_exponential_reaches_a_threshold_on_the_computable_date():
    # 60 min on 2025-01-01, doubling every 100 days: 8 h = 480 min is 3 doublings later.
    pts = clean_exponential(date(2025, 1, 1), 60.0, 100, 8)
    result = analyse(pts, TrendSpec(window_from=None, forms=("exponential",), n_boot=200))
    th = next(t for t in load_thresholds(THRESHOLDS) if t.name == "work-day-50")
    exp = result.exponential
    f = forecast_one(exp.fit, exp.draws, th, date(2025, 3, 1), 960.0, exp.interval_method)
    assert f.date_point == date(2025, 1, 1) + timedelta(days=300)
    # No scatter about the line: every bootstrap replicate is the line itself.
    assert f.lo95 == f.hi95 == f.date_median == f.date_point
    assert not f.beyond_ceiling and not f.reached_by_as_of


def test_threshold_above_the_ceiling_is_flagged_and_past_dates_count_as_reached():
    pts = clean_exponential(date(2025, 1, 1), 60.0, 100, 8)
    result = analyse(pts, TrendSpec(window_from=None, forms=("exponential",), n_boot=200))
    exp = result.exponential
    by_name = {t.name: t for t in load_thresholds(THRESHOLDS)}
    week = forecast_one(exp.fit, exp.draws, by_name["work-week-50"], date(2025, 3, 1), 960.0, "wild_bootstrap")
    assert week.beyond_ceiling
    # 40 h = 2400 min = 40 x 60 min: log2(40) doublings of 100 days.
    assert week.date_point == date(2025, 1, 1) + timedelta(days=round(100 * math.log2(40)))
    day = forecast_one(exp.fit, exp.draws, by_name["work-day-50"], date(2026, 1, 1), 960.0, "wild_bootstrap")
    assert day.reached_by_as_of


def test_forecast_interval_widens_with_scatter_and_brackets_the_point_date():
    rng = np.random.default_rng(0)
    pts = [Point(p.model_id, p.source_model, p.release_date, p.estimate * math.exp(rng.normal(0, 0.3)))
           for p in clean_exponential(date(2024, 1, 1), 30.0, 120, 14)]
    result = analyse(pts, TrendSpec(window_from=None, forms=("exponential",), n_boot=2000))
    th = next(t for t in load_thresholds(THRESHOLDS) if t.name == "work-month-50")
    f = forecast_one(result.exponential.fit, result.exponential.draws, th, date(2025, 1, 1), 960.0, "wild_bootstrap")
    assert f.lo95 < f.lo80 < f.date_point < f.hi80 < f.hi95


def test_thresholds_file_has_the_required_thresholds_each_with_a_citation():
    ths = {t.name: t for t in load_thresholds(THRESHOLDS)}
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
