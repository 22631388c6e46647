"""METR's per-run weights, computed by us and checked against the published weight columns."""

from __future__ import annotations

import numpy as np
import pytest

from horizon.errors import HorizonError
from horizon.fit.runtable import runs_frame_from_jsonl
from horizon.fit.weights import max_abs_difference, run_weights, task_weights
from tests.conftest import METR

RUNS = METR / "all_runs_2025-03.jsonl"


def _codes(values):
    distinct = sorted(set(values))
    return distinct, np.array([distinct.index(v) for v in values])


@pytest.fixture(scope="module")
def metr_runs():
    frame = runs_frame_from_jsonl(RUNS)
    agents, agent = _codes(frame["source_model"].to_list())
    tasks, task = _codes(frame["task_id"].to_list())
    families = sorted(set(frame["task_family"].to_list()))
    family_of = dict(zip(frame["task_id"].to_list(), frame["task_family"].to_list()))
    family = np.array([families.index(family_of[t]) for t in tasks])
    return frame, agent, task, family, len(agents), len(families)


@pytest.mark.parametrize("weighting,column", [("invsqrt", "source_weight_invsqrt"), ("equal", "source_weight_equal")])
def test_our_weights_match_the_published_weight_columns(metr_runs, weighting, column):
    frame, agent, task, family, n_agents, n_families = metr_runs
    ours = run_weights(agent, task, family, n_agents, n_families, weighting)
    # The file rounds weights to 10 decimals: agreement to 1e-9 is agreement.
    assert max_abs_difference(ours, frame[column].to_numpy()) < 1e-9


def test_weights_sum_to_one_over_each_agents_runs(metr_runs):
    _, agent, task, family, n_agents, n_families = metr_runs
    for weighting in ("invsqrt", "equal"):
        w = run_weights(agent, task, family, n_agents, n_families, weighting)
        np.testing.assert_allclose(np.bincount(agent, weights=w), np.ones(n_agents), rtol=1e-12)


def test_family_size_counts_only_the_tasks_this_agent_ran():
    # Family 0 has tasks 0, 1, 2; agent 0 ran all three, agent 1 only task 0. Family 1 = task 3.
    runs = np.array([[2, 1, 1, 4], [3, 0, 0, 1]])
    family = np.array([0, 0, 0, 1])
    w = task_weights(runs, family, 2, "invsqrt")
    a0 = np.array([1 / np.sqrt(3)] * 3 + [1.0])
    np.testing.assert_allclose(w[0], a0 / a0.sum())
    # agent 1's family 0 has one task for it, so that task weighs as much as task 3
    np.testing.assert_allclose(w[1], [0.5, 0, 0, 0.5])


def test_equal_weighting_ignores_families_and_run_counts():
    runs = np.array([[2, 1, 1, 4]])
    w = task_weights(runs, np.array([0, 0, 0, 1]), 2, "equal")
    np.testing.assert_allclose(w[0], [0.25] * 4)


def test_unknown_weighting_is_refused_with_the_allowed_values():
    with pytest.raises(HorizonError, match="invsqrt, equal"):
        task_weights(np.ones((1, 1)), np.zeros(1, int), 1, "sqrt")


def test_absent_source_weights_give_no_difference_rather_than_zero():
    assert max_abs_difference(np.ones(3), np.full(3, np.nan)) is None
