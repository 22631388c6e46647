"""Reproducing METR's published doubling times from its own headline files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
import yaml

from horizon.trend import intervals
from horizon.trend.analysis import TrendSpec, analyse
from horizon.trend.frontier import select_points
from horizon.trend.points import Point

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
VINTAGES = sorted((SHARED / "metr" / "vintages").glob("benchmark_results_1_1.*.yaml"))


def load(path: Path, level: int = 50):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    pts = []
    for key, row in doc["results"].items():
        m = row["metrics"][f"p{level}_horizon_length"]
        pts.append(Point(key, key, row["release_date"], m["estimate"], m["ci_low"], m["ci_high"],
                         row.get("benchmark_name"), row["metrics"].get("is_sota")))
    return pts, doc["doubling_time_in_days"]


def quick(**kw) -> TrendSpec:
    return TrendSpec(forms=("exponential",), n_boot=2000, **kw)


def test_every_known_metr_1_1_vintage_is_present():
    assert {"2026-01-30", "2026-02-22", "2026-03-03"} <= {f.name.split(".")[1] for f in VINTAGES}


@pytest.mark.parametrize("path", VINTAGES, ids=lambda f: f.name)
def test_from_2023_on_point_estimate_equals_metr_to_a_hundredth_of_a_day(path):
    pts, published = load(path)
    result = analyse(pts, quick(window_from=date(2023, 1, 1)))
    assert result.exponential.doubling_days == pytest.approx(published["from_2023_on"]["point_estimate"], abs=0.01)


# METR's all_time_stitched in these versions used newer suite-1.0 rows than the file carries,
# so the file alone cannot reproduce it (184.726 against a published 187.778 days).
STITCHED_FROM_OTHER_ROWS = {"2026-03-03"}


@pytest.mark.parametrize("path", [v for v in VINTAGES if v.name.split(".")[1] not in STITCHED_FROM_OTHER_ROWS],
                         ids=lambda f: f.name)
def test_all_time_stitched_uses_every_is_sota_row_including_the_carried_over_1_0_rows(path):
    pts, published = load(path)
    result = analyse(pts, quick(window_from=None))
    assert result.exponential.doubling_days == pytest.approx(published["all_time_stitched"]["point_estimate"], abs=0.01)
    suites = {p.suite for p in result.used}
    assert suites == {"METR-Horizon-v1.0", "METR-Horizon-v1.1"}
    assert {p.model_id for p in result.used} == {p.model_id for p in pts if p.published_sota}


@pytest.mark.parametrize("path", VINTAGES, ids=lambda f: f.name)
def test_metr_from_2023_points_are_exactly_its_is_sota_models_since_2023(path):
    pts, _ = load(path)
    used = select_points(pts, date(2023, 1, 1)).used
    expected = {p.model_id for p in pts if p.published_sota and p.release_date >= date(2023, 1, 1)}
    assert {p.model_id for p in used} == expected


def _interval_errors(method: str) -> list[float]:
    worst = []
    for path in VINTAGES:
        pts, published = load(path)
        used = select_points(pts, date(2023, 1, 1)).used
        x = np.array([p.x for p in used])
        y = np.log([p.estimate for p in used])
        if method == "ols_t":
            ci = intervals.ols_t_interval(x, y)
        else:
            draws = intervals.headline_draws(x, y, [p.ci_low for p in used], [p.ci_high for p in used],
                                             method, 10_000, 0)
            ci = intervals.doubling_interval(draws)
        metr = published["from_2023_on"]
        worst.append(max(abs(ci.low / metr["ci_low"] - 1), abs(ci.high / metr["ci_high"] - 1)))
    return worst


def test_default_headline_interval_is_within_5_percent_of_metr_on_both_vintages():
    errors = _interval_errors(intervals.DEFAULT_HEADLINE_METHOD)
    assert max(errors) < 0.05, errors


def test_default_headline_interval_is_the_closest_of_the_implemented_methods():
    worst = {m: max(_interval_errors(m)) for m in intervals.HEADLINE_METHODS}
    assert min(worst, key=worst.get) == intervals.DEFAULT_HEADLINE_METHOD, worst
