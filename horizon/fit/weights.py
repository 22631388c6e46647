"""METR's per-run weights, computed from the runs themselves.

A run's weight is 1 / (runs of its task by this agent), times 1 / sqrt(tasks of its family that
this agent ran) for ``invsqrt`` weighting, normalised to sum to one over the agent's runs. The
1/sqrt factor stops a large family of near-identical tasks from dominating an agent's fit while
still letting it count for more than a single task. Counting family size over the agent's own
tasks (not over every task in the file) is what reproduces METR's published weight columns for
agents that skipped tasks (o1-preview, davinci-002).
"""

from __future__ import annotations

import numpy as np

from horizon.errors import HorizonError

WEIGHTINGS = ("invsqrt", "equal")


def check_weighting(weighting: str) -> str:
    if weighting not in WEIGHTINGS:
        raise HorizonError(f"weighting: expected one of {', '.join(WEIGHTINGS)}, got {weighting!r}")
    return weighting


def task_weights(n_runs: np.ndarray, task_family: np.ndarray, n_families: int, weighting: str) -> np.ndarray:
    """Weight of each (agent, task) cell, summing to one over each agent's tasks.

    ``n_runs`` is (agents, tasks): runs per cell, 0 where the agent did not run the task.
    ``task_family`` gives each task's family code. An agent with no runs gets all zeros.
    A run's weight is its cell's weight divided by the cell's run count.
    """
    check_weighting(weighting)
    ran = n_runs > 0
    w = ran.astype(float)
    if weighting == "invsqrt":
        # tasks per (agent, family), counted over the tasks this agent ran
        per_family = np.stack([np.bincount(task_family, weights=row, minlength=n_families) for row in w])
        size = per_family[:, task_family]
        w = np.divide(w, np.sqrt(size), out=np.zeros_like(w), where=ran)
    total = w.sum(axis=1, keepdims=True)
    return np.divide(w, total, out=np.zeros_like(w), where=total > 0)


def run_weights(
    agent: np.ndarray, task: np.ndarray, task_family: np.ndarray, n_agents: int, n_families: int, weighting: str
) -> np.ndarray:
    """Per-run weights for runs given as integer codes (agent, task); ``task_family`` per task."""
    n_tasks = len(task_family)
    counts = np.bincount(agent * n_tasks + task, minlength=n_agents * n_tasks).reshape(n_agents, n_tasks)
    cell = task_weights(counts, task_family, n_families, weighting)
    return cell[agent, task] / counts[agent, task]


def max_abs_difference(ours: np.ndarray, theirs: np.ndarray) -> float | None:
    """Largest |ours - theirs| over runs where the source gave a weight; None if it gave none."""
    theirs = np.asarray(theirs, dtype=float)
    given = np.isfinite(theirs)
    if not given.any():
        return None
    return float(np.max(np.abs(ours[given] - theirs[given])))
