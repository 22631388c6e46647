"""Per-agent time horizons from a table of runs: fit, bootstrap, and store.

``fit_runs`` is pure (a polars frame of runs in, a frozen ``RunFit`` out); ``fit_snapshot`` reads
the ``runs`` of a snapshot from the store, fits them and records the result as a fit run
(kind ``run_horizons``) with rows in ``fit_horizons`` and ``fit_replicates``.

When there is no horizon (status ``no_finite_horizon``, estimate NULL, never 0):
- the agent failed every run (``all_runs_failed``) or passed every run (``all_runs_succeeded``):
  the fit has no finite optimum; METR reports such an agent as 0, which reads as a measurement;
- the fitted slope is not negative (``success_does_not_fall_with_task_length``): "the length at
  which success drops to q" does not exist. METR keeps whatever 2^((logit q - b0)/b1) gives;
  on its own data this only happens in bootstrap replicates (about 1 in 350 for o1);
- the horizon over- or underflows a double (``horizon_out_of_range``).
A replicate counts as non-finite for the same reasons (or if its fit did not converge); the
95% interval is the 2.5th/97.5th percentile of the finite replicates (METR's nanquantile), and
the number left out is reported with it, with a warning when it exceeds 2.5%.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from horizon.errors import HorizonError, InputError, NotFoundError
from horizon.fit.bootstrap import BOOTSTRAP_WEIGHTS, Cells, bootstrap_fits
from horizon.fit.logistic import check_level, fit_logistic, horizon_minutes
from horizon.fit.weights import check_weighting, max_abs_difference, task_weights

KIND = "run_horizons"
METHOD = "METR: weighted logistic regression of score_binarized on log2(human_minutes), L2 on slope"
INTERVAL = 95  # percent; the percentile interval METR publishes
# The file's weight columns are rounded to 1e-10; anything beyond this is a real disagreement.
WEIGHT_TOLERANCE = 1e-9
REQUIRED = ("task_id", "task_family", "source_model", "human_minutes", "score_binarized")
SOURCE_WEIGHT_COLUMNS = {"invsqrt": "source_weight_invsqrt", "equal": "source_weight_equal"}


@dataclass(frozen=True)
class FitOptions:
    """Everything that changes the result. Defaults are METR's."""

    levels: tuple[int, ...] = (50, 80)
    weighting: str = "invsqrt"
    C: float = 10.0
    n_bootstrap: int = 1000
    seed: int = 0
    bootstrap_weights: str = "recompute"

    def __post_init__(self):
        if not self.levels:
            raise HorizonError("levels: expected at least one success level, e.g. 50")
        for level in self.levels:
            if isinstance(level, bool) or not isinstance(level, int):
                raise HorizonError(f"level: expected a whole percent such as 50 or 80, got {level!r}")
            check_level(level)
        if len(set(self.levels)) != len(self.levels):
            raise HorizonError(f"levels: expected distinct levels, got {list(self.levels)}")
        check_weighting(self.weighting)
        if isinstance(self.C, bool) or not isinstance(self.C, (int, float)) or not (0 < self.C < math.inf):
            raise HorizonError(f"C: expected a positive regularisation strength, got {self.C!r}")
        if isinstance(self.n_bootstrap, bool) or not isinstance(self.n_bootstrap, int) or self.n_bootstrap < 0:
            raise HorizonError(f"bootstrap: expected a number of replicates >= 0, got {self.n_bootstrap!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise HorizonError(f"seed: expected a non-negative integer, got {self.seed!r}")
        if self.bootstrap_weights not in BOOTSTRAP_WEIGHTS:
            raise HorizonError(
                f"bootstrap weights: expected one of {', '.join(BOOTSTRAP_WEIGHTS)}, got {self.bootstrap_weights!r}"
            )

    def params(self) -> dict[str, Any]:
        """The fit run's recorded parameters (the seed is recorded in its own column)."""
        return {
            "method": METHOD,
            "levels": list(self.levels),
            "weighting": self.weighting,
            "C": float(self.C),
            "n_bootstrap": self.n_bootstrap,
            "bootstrap": "hierarchical: task_family, task_id, runs within task x agent",
            "bootstrap_weights": self.bootstrap_weights,
            "interval": INTERVAL,
        }


@dataclass(frozen=True)
class LevelHorizon:
    level: int
    estimate: float | None  # minutes; None when there is no finite horizon
    ci_low: float | None
    ci_high: float | None
    n_nonfinite_replicates: int
    status: str  # ok | no_finite_horizon
    reason: str | None


@dataclass(frozen=True)
class AgentFit:
    source_model: str
    model_id: str
    release_date: date | None
    beta0: float | None
    beta1: float | None
    average_score: float
    n_runs: int
    n_tasks: int
    n_replicates: int
    horizons: tuple[LevelHorizon, ...]
    source_weight_max_abs_diff: float | None

    @property
    def release_date_missing(self) -> bool:
        return self.release_date is None

    @property
    def status(self) -> str:
        return "ok" if all(h.status == "ok" for h in self.horizons) else "no_finite_horizon"

    @property
    def reason(self) -> str | None:
        return next((h.reason for h in self.horizons if h.reason), None)

    @property
    def n_nonfinite_replicates(self) -> int:
        """Replicates without a finite horizon at some level (levels differ only by overflow)."""
        return max(h.n_nonfinite_replicates for h in self.horizons)

    def horizon(self, level: int) -> LevelHorizon:
        for h in self.horizons:
            if h.level == level:
                return h
        raise NotFoundError(f"level {level}: not fitted (levels: {[h.level for h in self.horizons]})")


@dataclass(frozen=True, eq=False)
class RunFit:
    """The result of one fit. ``replicates`` is (replicates, agents, levels), NaN = no horizon."""

    options: FitOptions
    agents: tuple[AgentFit, ...]
    replicates: np.ndarray
    weight_check: Mapping[str, float | None]  # max |file - ours| per weight column (None: absent)
    warnings: tuple[str, ...]
    snapshot: Mapping[str, Any] | None = None
    fit_id: int | None = None

    def agent(self, source_model: str) -> AgentFit:
        for a in self.agents:
            if a.source_model == source_model:
                return a
        raise NotFoundError(f"agent {source_model!r}: not in this fit")

    def to_json(self) -> dict[str, Any]:
        """The document `horizon fit --json` prints."""
        return {
            "fit_id": self.fit_id,
            "kind": KIND,
            "snapshot": dict(self.snapshot) if self.snapshot else None,
            "params": self.options.params(),
            "seed": self.options.seed,
            "weight_check": dict(self.weight_check),
            "warnings": list(self.warnings),
            "agents": [_agent_json(a) for a in self.agents],
        }


def _num(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _agent_json(a: AgentFit) -> dict[str, Any]:
    doc = {
        "name": a.source_model,  # the agent's name as the runs file gives it
        "source_model": a.source_model,
        "model_id": a.model_id,
        "release_date": a.release_date.isoformat() if a.release_date else None,
        "release_date_missing": a.release_date_missing,
        "status": a.status,
        "reason": a.reason,
        "beta0": _num(a.beta0),
        "beta1": _num(a.beta1),
        "average_score": _num(a.average_score),
        "n_runs": a.n_runs,
        "n_tasks": a.n_tasks,
        "n_replicates": a.n_replicates,
        "n_nonfinite_replicates": a.n_nonfinite_replicates,
        "source_weight_max_abs_diff": _num(a.source_weight_max_abs_diff),
    }
    for h in a.horizons:
        doc[f"p{h.level}"] = {
            "estimate": _num(h.estimate),
            "ci_low": _num(h.ci_low),
            "ci_high": _num(h.ci_high),
            "n_nonfinite_replicates": h.n_nonfinite_replicates,
            "status": h.status,
            "reason": h.reason,
        }
    return doc


# --- reading runs --------------------------------------------------------------------------------


def runs_frame_from_jsonl(path: str | Path) -> pl.DataFrame:
    """METR's all_runs.jsonl as a runs frame, for benchmarks and tests that bypass the store.

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


@dataclass(frozen=True)
class _Prepared:
    agents: list[str]
    model_ids: list[str]
    agent: np.ndarray  # per run
    task: np.ndarray  # per run
    y: np.ndarray  # per run
    cells: Cells
    source_weights: dict[str, np.ndarray]


def _codes(series: pl.Series) -> tuple[list[str], np.ndarray]:
    """Sorted distinct values and each row's index among them (deterministic, order-free)."""
    values = series.unique().sort()
    lookup = pl.DataFrame({series.name: values, "_code": np.arange(values.len(), dtype=np.int64)})
    codes = series.to_frame().join(lookup, on=series.name, how="left", maintain_order="left")["_code"]
    return values.to_list(), codes.to_numpy()


def _prepare(frame: pl.DataFrame, source: str) -> _Prepared:
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(source, None, f"expected run columns {', '.join(REQUIRED)}; missing {', '.join(missing)}")
    if frame.height == 0:
        raise InputError(source, None, "expected at least one run")
    for column in ("task_id", "task_family", "source_model", "human_minutes", "score_binarized"):
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
        t = tasks[task[clash[0]]]
        raise InputError(source, f"task {t}", "expected one task_family per task, got several")
    x = np.log2(minutes)
    x_task = np.zeros(n_tasks)
    x_task[task] = x
    clash = np.flatnonzero(x_task[task] != x)
    if clash.size:
        t = tasks[task[clash[0]]]
        raise InputError(source, f"task {t}", "expected the same human_minutes on every run of a task")

    n_agents = len(agents)
    flat = agent * n_tasks + task
    runs = np.bincount(flat, minlength=n_agents * n_tasks).reshape(n_agents, n_tasks)
    successes = np.bincount(flat, weights=y, minlength=n_agents * n_tasks).reshape(n_agents, n_tasks)
    cells = Cells(x=x_task, family=family, runs=runs, successes=successes.astype(np.int64), n_families=len(families))

    if "model_id" in frame.columns:
        ids = frame.select("source_model", "model_id").unique(subset="source_model", keep="first")
        by_agent = dict(zip(ids["source_model"].to_list(), ids["model_id"].to_list()))
        model_ids = [by_agent.get(a) or a for a in agents]
    else:
        model_ids = list(agents)
    source_weights = {
        name: frame[column].cast(pl.Float64).fill_null(np.nan).to_numpy()
        for name, column in SOURCE_WEIGHT_COLUMNS.items()
        if column in frame.columns
    }
    return _Prepared(agents, model_ids, agent, task, y, cells, source_weights)


# --- fitting ------------------------------------------------------------------------------------


def fit_runs(
    frame: pl.DataFrame,
    options: FitOptions = FitOptions(),
    *,
    release_dates: Mapping[str, date] | None = None,
    progress: Callable[[int], None] | None = None,
    source: str = "runs",
) -> RunFit:
    """Fit every agent in ``frame`` (one row per run) and bootstrap the horizons.

    Columns: task_id, task_family, source_model, human_minutes, score_binarized; optional
    model_id and the file's weights (source_weight_invsqrt, source_weight_equal), which are only
    compared with ours. ``release_dates`` maps a source_model or model_id to its release date.
    """
    prep = _prepare(frame, source)
    cells = prep.cells
    n_agents = cells.n_agents
    release_dates = release_dates or {}

    cell_weight = task_weights(cells.runs, cells.family, cells.n_families, options.weighting)
    per_run = np.divide(cell_weight, cells.runs, out=np.zeros(cell_weight.shape), where=cells.runs > 0)
    failures = cells.runs - cells.successes
    point = fit_logistic(cells.x, cells.successes * per_run, failures * per_run, options.C)

    # The file's weights are a check on ours, never an input.
    warnings: list[str] = []
    weight_check: dict[str, float | None] = {}
    per_agent_diff: dict[int, float | None] = {}
    for name, theirs in prep.source_weights.items():
        ours = (
            per_run[prep.agent, prep.task]
            if name == options.weighting
            else _run_weights(cells, prep, name)
        )
        weight_check[name] = max_abs_difference(ours, theirs)
        if name == options.weighting:
            for a in range(n_agents):
                mine = prep.agent == a
                per_agent_diff[a] = max_abs_difference(ours[mine], theirs[mine])
        if weight_check[name] is not None and weight_check[name] > WEIGHT_TOLERANCE:
            warnings.append(
                f"{source}: {SOURCE_WEIGHT_COLUMNS[name]} differs from our {name} weights by up to "
                f"{weight_check[name]:.3g}; the fit uses ours"
            )

    boot = bootstrap_fits(
        cells,
        n_replicates=options.n_bootstrap,
        seed=options.seed,
        C=options.C,
        weighting=options.weighting,
        bootstrap_weights=options.bootstrap_weights,
        carry_weight=per_run,
        start=(point.beta0, point.beta1),
        progress=progress,
    )
    n_rep = options.n_bootstrap
    replicates = np.full((n_rep, n_agents, len(options.levels)), np.nan)
    fitted = boot.usable & boot.converged
    for j, level in enumerate(options.levels):
        h = horizon_minutes(boot.beta0, boot.beta1, level)
        replicates[:, :, j] = np.where(fitted, h, np.nan)

    agents = []
    for a, name in enumerate(prep.agents):
        n_runs = int(cells.runs[a].sum())
        n_success = int(cells.successes[a].sum())
        b0, b1 = float(point.beta0[a]), float(point.beta1[a])
        if n_success == 0:
            why = "all_runs_failed"
        elif n_success == n_runs:
            why = "all_runs_succeeded"
        elif not point.converged[a]:
            why = "fit_did_not_converge"
        elif not b1 < 0:
            why = "success_does_not_fall_with_task_length"
        else:
            why = None
        horizons = []
        for j, level in enumerate(options.levels):
            estimate = float(horizon_minutes(point.beta0[a : a + 1], point.beta1[a : a + 1], level)[0])
            reason = why or (None if math.isfinite(estimate) else "horizon_out_of_range")
            column = replicates[:, a, j]
            n_nonfinite = int(np.count_nonzero(~np.isfinite(column)))
            low = high = None
            if reason is None and n_nonfinite < n_rep:
                low, high = (float(v) for v in np.percentile(column[np.isfinite(column)], _tails()))
            horizons.append(LevelHorizon(
                level=level,
                estimate=None if reason else estimate,
                ci_low=low,
                ci_high=high,
                n_nonfinite_replicates=n_nonfinite,
                status="no_finite_horizon" if reason else "ok",
                reason=reason,
            ))
            if reason is None and n_rep and n_nonfinite > n_rep * (100 - INTERVAL) / 200:
                warnings.append(
                    f"{name}: p{level}: {n_nonfinite} of {n_rep} bootstrap replicates have no finite "
                    f"horizon; its interval is taken over the other {n_rep - n_nonfinite}"
                )
        total = cells.successes[a] * per_run[a] + failures[a] * per_run[a]
        average = float((cells.successes[a] * per_run[a]).sum() / total.sum()) if total.sum() > 0 else math.nan
        agents.append(AgentFit(
            source_model=name,
            model_id=prep.model_ids[a],
            release_date=release_dates.get(name) or release_dates.get(prep.model_ids[a]),
            beta0=b0 if math.isfinite(b0) else None,
            beta1=b1 if math.isfinite(b1) else None,
            average_score=average,
            n_runs=n_runs,
            n_tasks=int(np.count_nonzero(cells.runs[a])),
            n_replicates=n_rep,
            horizons=tuple(horizons),
            source_weight_max_abs_diff=per_agent_diff.get(a),
        ))
    return RunFit(options, tuple(agents), replicates, weight_check, tuple(warnings))


def _tails() -> list[float]:
    tail = (100 - INTERVAL) / 2
    return [tail, 100 - tail]


def _run_weights(cells: Cells, prep: _Prepared, weighting: str) -> np.ndarray:
    cell = task_weights(cells.runs, cells.family, cells.n_families, weighting)
    per_run = np.divide(cell, cells.runs, out=np.zeros(cell.shape), where=cells.runs > 0)
    return per_run[prep.agent, prep.task]


# --- the store -----------------------------------------------------------------------------------


def latest_runs_snapshot(con) -> int:
    """The newest snapshot (by retrieval time, then id) that has runs and is not retracted."""
    row = con.execute(
        "SELECT r.snapshot_id FROM (SELECT DISTINCT snapshot_id FROM active_runs) r"
        " LEFT JOIN snapshots s USING (snapshot_id)"
        " ORDER BY s.retrieved_at DESC NULLS LAST, r.snapshot_id DESC LIMIT 1"
    ).fetchall()
    if not row:
        raise NotFoundError(
            "no runs in the store: ingest a run-level file first, e.g. `horizon ingest all_runs.jsonl`"
        )
    return int(row[0][0])


def read_runs(con, snapshot_id: int) -> pl.DataFrame:
    frame = con.sql(
        "SELECT task_id, task_family, source_model, model_id, human_minutes, score_binarized,"
        " source_weight_invsqrt, source_weight_equal FROM active_runs WHERE snapshot_id = ? ORDER BY run_id",
        params=[snapshot_id],
    ).pl()
    if frame.height == 0:
        raise NotFoundError(f"snapshot {snapshot_id}: has no runs, or was retracted (see `horizon snapshots list`)")
    return frame


def release_dates_from_store(con) -> dict[str, date]:
    """Release dates by source_model and by model_id: the release_dates table (newest snapshot
    wins), then models.release_date for model ids it does not cover."""
    dates: dict[str, date] = {}
    for model_id, day in con.execute(
        "SELECT model_id, release_date FROM models WHERE release_date IS NOT NULL ORDER BY model_id"
    ).fetchall():
        dates[model_id] = day
    for source_model, model_id, day in con.execute(
        "SELECT source_model, model_id, release_date FROM active_release_dates ORDER BY snapshot_id, source_model"
    ).fetchall():
        dates[source_model] = day
        dates[model_id] = day
    return dates


def _snapshot_info(con, snapshot_id: int) -> dict[str, Any]:
    row = con.execute(
        "SELECT snapshot_id, origin, sha256, retrieved_at, publisher_label FROM snapshots WHERE snapshot_id = ?",
        [snapshot_id],
    ).fetchall()
    if not row:
        return {"snapshot_id": snapshot_id}
    row = row[0]
    return {
        "snapshot_id": row[0],
        "origin": row[1],
        "sha256": row[2],
        "retrieved_at": row[3].isoformat() if row[3] else None,
        "publisher_label": row[4],
    }


def fit_snapshot(
    con,
    config,
    snapshot_id: int | None = None,
    options: FitOptions = FitOptions(),
    *,
    progress: Callable[[int], None] | None = None,
) -> RunFit:
    """Fit the runs of ``snapshot_id`` (default: the newest with runs) and store the result."""
    from dataclasses import replace

    from horizon.fitruns import record_fit
    from horizon.store import transaction

    if snapshot_id is None:
        snapshot_id = latest_runs_snapshot(con)
    frame = read_runs(con, snapshot_id)
    result = fit_runs(
        frame, options, release_dates=release_dates_from_store(con), progress=progress,
        source=f"snapshot {snapshot_id}",
    )
    with transaction(con):
        fit_id = record_fit(con, KIND, options.params(), [snapshot_id], config.now, seed=options.seed)
        store_fit(con, fit_id, result)
    return replace(result, fit_id=fit_id, snapshot=_snapshot_info(con, snapshot_id))


def store_fit(con, fit_id: int, result: RunFit) -> None:
    """Write ``fit_horizons`` and ``fit_replicates`` rows. Call inside the caller's transaction."""
    rows = []
    for a in result.agents:
        for h in a.horizons:
            rows.append({
                "fit_id": fit_id, "source_model": a.source_model, "model_id": a.model_id,
                "release_date": a.release_date, "release_date_missing": a.release_date_missing,
                "level": h.level, "estimate": h.estimate, "ci_low": h.ci_low, "ci_high": h.ci_high,
                "beta0": _num(a.beta0), "beta1": _num(a.beta1), "average_score": _num(a.average_score),
                "n_runs": a.n_runs, "n_tasks": a.n_tasks, "n_replicates": a.n_replicates,
                "n_nonfinite_replicates": h.n_nonfinite_replicates, "status": h.status, "reason": h.reason,
                "source_weight_max_abs_diff": _num(a.source_weight_max_abs_diff),
            })
    horizons = pl.DataFrame(rows, schema={
        "fit_id": pl.Int32, "source_model": pl.String, "model_id": pl.String, "release_date": pl.Date,
        "release_date_missing": pl.Boolean, "level": pl.Int32, "estimate": pl.Float64,
        "ci_low": pl.Float64, "ci_high": pl.Float64, "beta0": pl.Float64, "beta1": pl.Float64,
        "average_score": pl.Float64, "n_runs": pl.Int32, "n_tasks": pl.Int32, "n_replicates": pl.Int32,
        "n_nonfinite_replicates": pl.Int32, "status": pl.String, "reason": pl.String,
        "source_weight_max_abs_diff": pl.Float64,
    })
    _insert(con, "fit_horizons", horizons)

    n_rep, n_agents, n_levels = result.replicates.shape
    if n_rep:
        # replicate varies fastest, then level, then agent: the layout of a C-order
        # (agents, levels, replicates) array
        values = np.ascontiguousarray(result.replicates.transpose(1, 2, 0)).ravel()
        names = [a.source_model for a in result.agents]
        levels = np.asarray(result.options.levels, dtype=np.int32)
        replicates = pl.DataFrame({
            "fit_id": np.full(values.size, fit_id, dtype=np.int32),
            "source_model": pl.Series(np.repeat(np.arange(n_agents), n_levels * n_rep)).replace_strict(
                dict(enumerate(names)), return_dtype=pl.String),
            "level": np.tile(np.repeat(levels, n_rep), n_agents),
            "replicate": np.tile(np.arange(n_rep, dtype=np.int32), n_agents * n_levels),
            "horizon_minutes": pl.Series(values).fill_nan(None),
        })
        _insert(con, "fit_replicates", replicates)


def _insert(con, table: str, frame: pl.DataFrame) -> None:
    """Bulk insert through Arrow: one statement, no per-row Python round trips."""
    name = f"_new_{table}"
    con.register(name, frame.to_arrow())
    try:
        columns = ", ".join(frame.columns)
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {name}")
    finally:
        con.unregister(name)
