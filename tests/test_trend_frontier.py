"""The frontier rule, the window and the measurable ceiling."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from horizon.trend.frontier import frontier_flags, select_points
from horizon.trend.points import Point

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
METR_FILES = [SHARED / "metr" / "benchmark_results_1_0.yaml"] + sorted(
    (SHARED / "metr" / "vintages").glob("benchmark_results_1_1.*.yaml")
)


def metr_points(path: Path, level: int) -> list[tuple[Point, dict]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for key, row in doc["results"].items():
        m = row["metrics"][f"p{level}_horizon_length"]
        out.append((Point(key, key, row["release_date"], m["estimate"], m["ci_low"], m["ci_high"]), row["metrics"]))
    return out


def p(name: str, day: str, minutes: float | None) -> Point:
    return Point(name, name, date.fromisoformat(day), minutes)


def test_the_1_0_file_and_every_known_1_1_vintage_are_present():
    assert len(METR_FILES) >= 4 and all(f.exists() for f in METR_FILES)


@pytest.mark.parametrize("path", METR_FILES, ids=lambda f: f.name)
def test_frontier_rule_reproduces_metr_is_sota_flags(path):
    rows = metr_points(path, 50)
    flags = frontier_flags([pt for pt, _ in rows])
    mismatched = [pt.model_id for (pt, m), f in zip(rows, flags) if f != m["is_sota"]]
    assert mismatched == []
    assert sum(flags) >= 10


@pytest.mark.parametrize("path", METR_FILES, ids=lambda f: f.name)
def test_frontier_rule_reproduces_per_level_flags_where_the_file_has_them(path):
    for level in (50, 80):
        rows = metr_points(path, level)
        flags = frontier_flags([pt for pt, _ in rows])
        for (pt, m), f in zip(rows, flags):
            key = f"is_sota_p{level}"
            if key in m:
                assert f == m[key], (pt.model_id, level)


def test_tie_with_the_best_so_far_counts_as_frontier():
    assert frontier_flags([p("a", "2024-01-01", 10.0), p("b", "2024-06-01", 10.0)]) == [True, True]


def test_agent_released_the_same_day_as_a_better_one_is_not_frontier():
    flags = frontier_flags([p("a", "2024-01-01", 5.0), p("b", "2024-06-01", 20.0), p("c", "2024-06-01", 12.0)])
    assert flags == [True, True, False]


def test_later_agent_below_an_earlier_best_is_not_frontier():
    assert frontier_flags([p("a", "2024-01-01", 30.0), p("b", "2024-06-01", 20.0)]) == [True, False]


def test_agent_without_a_horizon_is_never_frontier_and_does_not_raise_the_bar():
    flags = frontier_flags([p("a", "2024-01-01", None), p("b", "2024-06-01", 1.0)])
    assert flags == [False, True]


def test_points_above_the_ceiling_are_excluded_and_flagged_not_dropped():
    pts = [p("a", "2023-02-01", 10.0), p("b", "2024-01-01", 100.0), p("c", "2025-01-01", 2000.0)]
    sel = select_points(pts, date(2023, 1, 1), None, 960.0)
    assert [r.point.model_id for r in sel.rows] == ["a", "b", "c"]
    assert [pt.model_id for pt in sel.used] == ["a", "b"]
    assert [pt.model_id for pt in sel.above_ceiling] == ["c"]


def test_window_is_applied_after_the_frontier_so_earlier_agents_still_set_the_bar():
    pts = [p("old", "2022-06-01", 50.0), p("new", "2023-06-01", 40.0), p("newer", "2024-06-01", 60.0)]
    sel = select_points(pts, date(2023, 1, 1), date(2024, 12, 31), None)
    reasons = {r.point.model_id: r.excluded_reason for r in sel.rows}
    assert reasons == {"old": "before_window", "new": "not_frontier", "newer": None}


def test_agent_without_release_date_is_kept_with_a_reason():
    pts = [Point("h", "human", None, 30.0), p("a", "2024-01-01", 10.0)]
    sel = select_points(pts, None, None, None)
    assert {r.point.source_model: r.excluded_reason for r in sel.rows} == {"human": "no_release_date", "a": None}


def test_model_spelt_two_ways_counts_once_and_the_other_spelling_is_flagged_duplicate_model():
    pts = [
        p("gpt-4", "2023-03-14", 5.0),
        Point("opus", "claude_opus_4_5", date(2025, 11, 24), 300.0),
        Point("opus", "claude_opus_4_5_inspect", date(2025, 11, 24), 300.0),
        p("gpt-5-2", "2025-12-11", 400.0),
    ]
    sel = select_points(pts, None)
    reasons = {r.point.source_model: r.excluded_reason for r in sel.rows}
    # Equal rows: the spelling that sorts first is kept, so the choice is deterministic.
    assert reasons["claude_opus_4_5"] is None
    assert reasons["claude_opus_4_5_inspect"] == "duplicate_model"
    assert [q.model_id for q in sel.used] == ["gpt-4", "opus", "gpt-5-2"]
    assert len(sel.rows) == 4
    dup = next(r for r in sel.rows if r.excluded_reason == "duplicate_model")
    assert not dup.on_frontier and not dup.used


def test_duplicate_rows_keep_the_newer_suite_then_the_higher_estimate():
    old = Point("m", "m_v10", date(2024, 1, 1), 50.0, suite="METR-Horizon-v1.0")
    new = Point("m", "m_v11", date(2024, 1, 1), 20.0, suite="METR-Horizon-v1.1")
    newer = Point("m", "m_v110", date(2024, 1, 1), 10.0, suite="METR-Horizon-v1.10")
    kept = {r.point.source_model for r in select_points([old, new], None).rows if r.excluded_reason is None}
    assert kept == {"m_v11"}
    kept = {r.point.source_model for r in select_points([new, newer, old], None).rows if r.excluded_reason is None}
    assert kept == {"m_v110"}   # 1.10 is newer than 1.9 and 1.1: numbers compare as numbers
    low = Point("m", "m_a", date(2024, 1, 1), 20.0)
    high = Point("m", "m_b", date(2024, 1, 1), 30.0)
    kept = {r.point.source_model for r in select_points([low, high], None).rows if r.excluded_reason is None}
    assert kept == {"m_b"}


def test_a_duplicate_without_a_horizon_never_displaces_the_row_that_has_one():
    none = Point("m", "m_a", date(2024, 1, 1), None, suite="METR-Horizon-v1.1")
    real = Point("m", "m_b", date(2024, 1, 1), 30.0, suite="METR-Horizon-v1.0")
    rows = {r.point.source_model: r.excluded_reason for r in select_points([none, real], None).rows}
    assert rows == {"m_a": "duplicate_model", "m_b": None}


def test_a_higher_duplicate_does_not_raise_the_frontier_bar_for_others():
    pts = [
        Point("m", "m_new", date(2024, 1, 1), 20.0, suite="METR-Horizon-v1.1"),
        Point("m", "m_old", date(2024, 1, 1), 90.0, suite="METR-Horizon-v1.0"),
        p("later", "2024-06-01", 40.0),
    ]
    rows = {r.point.source_model: (r.on_frontier, r.excluded_reason) for r in select_points(pts, None).rows}
    assert rows["later"] == (True, None)
    assert rows["m_old"] == (False, "duplicate_model")
