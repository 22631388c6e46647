"""A table of runs (one agent's attempt at one task), checked and coded for fitting.

``RunTable`` is the input of every fit: agents, tasks and families as sorted codes, each run's
outcome, and the runs aggregated to (agent, task) ``Cells``. Aggregating loses nothing for
METR's method: outcomes are 0/1 and every run of a task has the same length. The runs keep the
order they came in (the file's order, for a store snapshot), which METR's own bootstrap draws
depend on (``horizon.fit.metr``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from horizon.errors import InputError

REQUIRED = ("task_id", "task_family", "source_model", "human_minutes", "score_binarized")
# The file's precomputed per-run weights, by our weighting name: a check on ours, never an input.
SOURCE_WEIGHT_COLUMNS = {"invsqrt": "source_weight_invsqrt", "equal": "source_weight_equal"}


@dataclass(frozen=True)
class Cells:
    """Runs aggregated to (agent, task) cells; tasks, families and agents in sorted order.

    ``runs`` and ``successes`` are (agents, tasks) integer counts (0 where not run); ``x`` is
    log2(human minutes) per task; ``family`` the family code of each task.
    """

    x: np.ndarray
    family: np.ndarray
    runs: np.ndarray
    successes: np.ndarray
    n_families: int

    @property
    def n_agents(self) -> int:
        return self.runs.shape[0]

    @property
    def n_tasks(self) -> int:
        return self.runs.shape[1]


@dataclass(frozen=True, eq=False)
class RunTable:
    """Checked runs. Per-run arrays are in the input's row order."""

    agents: tuple[str, ...]        # source_model, sorted
    model_ids: tuple[str, ...]     # canonical model per agent
    tasks: tuple[str, ...]         # task_id, sorted
    families: tuple[str, ...]      # task_family, sorted
    agent: np.ndarray              # per run: agent code
    task: np.ndarray               # per run: task code
    y: np.ndarray                  # per run: 0/1 outcome
    cells: Cells
    source_weights: dict[str, np.ndarray]   # weighting name -> the file's per-run weights (NaN: none)

    @property
    def n_runs(self) -> int:
        return int(self.y.size)


def runs_frame_from_jsonl(path: str | Path) -> pl.DataFrame:
    """METR's all_runs.jsonl as a runs frame (file order), for benchmarks and tests that bypass
    the store.

    Read line by line with json: polars' NDJSON reader trips over the file's mostly-null columns.
    """
    records = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                r = json.loads(line)
                records.append((r["task_id"], r["task_family"], r.get("alias", r.get("agent")),
                                r["human_minutes"], r["score_binarized"],
                                r.get("invsqrt_task_weight"), r.get("equal_task_weight")))
    return pl.DataFrame(
        records,
        schema={"task_id": pl.String, "task_family": pl.String, "source_model": pl.String,
                "human_minutes": pl.Float64, "score_binarized": pl.Int64,
                "source_weight_invsqrt": pl.Float64, "source_weight_equal": pl.Float64},
        orient="row",
    )


def _codes(series: pl.Series) -> tuple[list[str], np.ndarray]:
    """Sorted distinct values and each row's index among them (deterministic, order-free)."""
    values = series.unique().sort()
    lookup = pl.DataFrame({series.name: values, "_code": np.arange(values.len(), dtype=np.int64)})
    codes = series.to_frame().join(lookup, on=series.name, how="left", maintain_order="left")["_code"]
    return values.to_list(), codes.to_numpy()


def run_table(frame: pl.DataFrame, source: str = "runs") -> RunTable:
    """Check a frame of runs (one row per run) and code it; ``source`` names it in errors.

    Columns: task_id, task_family, source_model, human_minutes, score_binarized; optional
    model_id and the file's weights (source_weight_invsqrt, source_weight_equal).
    """
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(source, None, f"expected run columns {', '.join(REQUIRED)}; missing {', '.join(missing)}")
    if frame.height == 0:
        raise InputError(source, None, "expected at least one run")
    for column in REQUIRED:
        if frame[column].null_count():
            raise InputError(source, f"column {column}", "expected a value on every run, got nulls")
    y = frame["score_binarized"].cast(pl.Int64).to_numpy()
    if not np.isin(y, (0, 1)).all():
        raise InputError(source, "column score_binarized", "expected 0 or 1 on every run")
    minutes = frame["human_minutes"].cast(pl.Float64).to_numpy()
    if not (np.isfinite(minutes) & (minutes > 0)).all():
        raise InputError(source, "column human_minutes", "expected a positive number of minutes on every run")

    agents, agent = _codes(frame["source_model"])
    tasks, task = _codes(frame["task_id"])
    families, family_of_run = _codes(frame["task_family"])
    n_tasks = len(tasks)
    family = np.full(n_tasks, -1)
    family[task] = family_of_run
    clash = np.flatnonzero(family[task] != family_of_run)
    if clash.size:
        raise InputError(source, f"task {tasks[task[clash[0]]]}", "expected one task_family per task, got several")
    x = np.log2(minutes)
    x_task = np.zeros(n_tasks)
    x_task[task] = x
    clash = np.flatnonzero(x_task[task] != x)
    if clash.size:
        raise InputError(source, f"task {tasks[task[clash[0]]]}", "expected the same human_minutes on every run of a task")

    n_agents = len(agents)
    flat = agent * n_tasks + task
    runs = np.bincount(flat, minlength=n_agents * n_tasks).reshape(n_agents, n_tasks)
    successes = np.bincount(flat, weights=y, minlength=n_agents * n_tasks).reshape(n_agents, n_tasks)
    cells = Cells(x=x_task, family=family, runs=runs, successes=successes.astype(np.int64), n_families=len(families))

    if "model_id" in frame.columns:
        ids = frame.select("source_model", "model_id").unique(subset="source_model", keep="first")
        by_agent = dict(zip(ids["source_model"].to_list(), ids["model_id"].to_list()))
        model_ids = tuple(by_agent.get(a) or a for a in agents)
    else:
        model_ids = tuple(agents)
    source_weights = {
        name: frame[column].cast(pl.Float64).fill_null(np.nan).to_numpy()
        for name, column in SOURCE_WEIGHT_COLUMNS.items()
        if column in frame.columns
    }
    return RunTable(tuple(agents), model_ids, tuple(tasks), tuple(families), agent, task, y, cells, source_weights)
