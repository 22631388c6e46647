"""Reproducing METR's published doubling times from its own headline files."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import yaml

from horizon.trend import intervals
from horizon.trend.analysis import TrendSpec, analyse
from horizon.trend.frontier import select_points
from horizon.trend.points import Point
from horizon.trend.publisher import check_claims
from tests.conftest import VINTAGE, VINTAGES


def load(path: Path, level: int = 50):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    pts = []
    for key, row in doc["results"].items():
        m = row["metrics"][f"p{level}_horizon_length"]
        pts.append(Point(key, key, row["release_date"], m["estimate"], m["ci_low"], m["ci_high"],
                         row.get("benchmark_name"), row["metrics"].get("is_sota")))
    return pts, doc["doubling_time_in_days"]


def quick(**kw) -> TrendSpec:
    return TrendSpec(forms=("exponential",), **kw)


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


def _claims(doc) -> list[dict]:
    return [{"window": w, "doubling_days": v["point_estimate"], "ci_low": v.get("ci_low"), "ci_high": v.get("ci_high")}
            for w, v in doc.items()]


@pytest.mark.parametrize("path", VINTAGES, ids=lambda f: f.name)
def test_publisher_figures_are_checked_and_only_a_named_gap_is_flagged(path):
    pts, published = load(path)
    checks = {c.window: c for c in check_claims(pts, _claims(published), "METR-Horizon-v1.1")}
    assert set(checks) == {"from_2023_on", "all_time_stitched"}
    assert not checks["from_2023_on"].flagged and abs(checks["from_2023_on"].gap_days) <= 0.01
    assert checks["from_2023_on"].ours_ci_low < checks["from_2023_on"].ours < checks["from_2023_on"].ours_ci_high
    stitched = checks["all_time_stitched"]
    if path.name.split(".")[1] not in STITCHED_FROM_OTHER_ROWS:
        assert not stitched.flagged and stitched.cause is None
        return
    # METR's corrected vintage: its all_time_stitched used newer suite-1.0 rows than the file holds.
    assert stitched.flagged and stitched.ours == pytest.approx(184.726, abs=0.001) and stitched.published == 187.778
    for row in ("gpt2 (2019-02-14", "davinci_002 (2020-05-28", "gpt_3_5_turbo_instruct (2022-03-15"):
        assert row in stitched.cause
    assert "carried over from METR-Horizon-v1.0" in stitched.cause and "from_2023_on" in stitched.cause
    assert "GAP above 0.05 days" in stitched.text()


def test_a_frontier_that_differs_from_the_publishers_flags_is_named_as_the_cause():
    pts, published = load(VINTAGE["2026-02-22"])
    # Pretend the publisher flagged one more model and its figure came out different.
    flipped = [replace(p, published_sota=True) if p.model_id == "claude_3_opus_inspect" else p for p in pts]
    claims = [{"window": "from_2023_on", "doubling_days": 100.0, "ci_low": None, "ci_high": None}]
    (check,) = check_claims(flipped, claims, "METR-Horizon-v1.1")
    assert check.flagged
    assert check.cause.startswith("our frontier differs from the publisher's is_sota flags")
    assert "claude_3_opus_inspect" in check.cause


def test_our_interval_is_reported_beside_metrs_and_never_tuned_to_it():
    pts, published = load(VINTAGE["2026-03-03"])
    (check,) = [c for c in check_claims(pts, _claims(published), "METR-Horizon-v1.1") if c.window == "from_2023_on"]
    used = select_points(pts, date(2023, 1, 1)).used
    x, y = np.array([p.x for p in used]), np.log([p.estimate for p in used])
    ours = intervals.analytic(x, y, intervals.DEFAULT_HEADLINE_METHOD)
    assert (check.ours_ci_low, check.ours_ci_high) == (ours.low95, ours.high95)
    low = 100 * (check.ours_ci_low / check.published_ci_low - 1)
    high = 100 * (check.ours_ci_high / check.published_ci_high - 1)
    assert f"ends {low:+.1f}% and {high:+.1f}% from the publisher's" in check.text()
