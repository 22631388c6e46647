"""Per-agent time horizons from runs: the pure fit (a runs table in, a frozen ``RunHorizons`` out).

Default mode: METR's estimator solved to its exact optimum (``logistic``), intervals from
horizon's vectorised hierarchical bootstrap (``bootstrap``). ``compat="metr"``: METR's
published pipeline, stopping point and draws included (``metr``). Either way the weights are
ours (``weights``); a file's own weight columns are only compared with them.

A replicate counts as non-finite when it gives no finite positive horizon; the 95% interval is
taken over the others (METR's nanquantile), and the number left out is reported with it, with a
warning when it exceeds 2.5%.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from horizon.fit.bootstrap import bootstrap_fits
from horizon.fit.logistic import fit_logistic, horizon_minutes
from horizon.fit.results import DEFAULT_OPTIONS, INTERVAL, AgentHorizons, FitOptions, LevelHorizon, RunHorizons
from horizon.fit.runtable import SOURCE_WEIGHT_COLUMNS, RunTable, run_table
from horizon.fit.weights import max_abs_difference, task_weights

# The file's weight columns are rounded to 1e-10; anything beyond this is a real disagreement.
WEIGHT_TOLERANCE = 1e-9


def fit_runs(
    frame: pl.DataFrame,
    options: FitOptions = DEFAULT_OPTIONS,
    *,
    release_dates: Mapping[str, date] | None = None,
    progress: Callable[[int], None] | None = None,
    source: str = "runs",
) -> RunHorizons:
    """Fit every agent in ``frame`` (one row per run) and bootstrap the horizons.

    Columns: task_id, task_family, source_model, human_minutes, score_binarized; optional
    model_id and the file's weights (source_weight_invsqrt, source_weight_equal), which are only
    compared with ours. ``release_dates`` maps a source_model or model_id to its release date.
    """
    return fit_table(run_table(frame, source), options, release_dates=release_dates, progress=progress, source=source)


def per_run_weights(table: RunTable, weighting: str) -> np.ndarray:
    """(agents, tasks): the weight of one run of each cell (0 where not run)."""
    cells = table.cells
    cell_weight = task_weights(cells.runs, cells.family, cells.n_families, weighting)
    return np.divide(cell_weight, cells.runs, out=np.zeros(cell_weight.shape), where=cells.runs > 0)


def weight_check(table: RunTable, weighting: str, source: str) -> tuple[dict[str, float | None], dict[int, float | None], list[str]]:
    """Compare the file's weight columns with ours: the largest difference per column, per
    agent for the weighting in use, and a warning per column beyond ``WEIGHT_TOLERANCE``."""
    checks: dict[str, float | None] = {}
    per_agent: dict[int, float | None] = {}
    warnings: list[str] = []
    for name, theirs in table.source_weights.items():
        ours = per_run_weights(table, name)[table.agent, table.task]
        checks[name] = diff = max_abs_difference(ours, theirs)
        if name == weighting:
            for a in range(table.cells.n_agents):
                mine = table.agent == a
                per_agent[a] = max_abs_difference(ours[mine], theirs[mine])
        if diff is not None and diff > WEIGHT_TOLERANCE:
            warnings.append(
                f"{source}: {SOURCE_WEIGHT_COLUMNS[name]} differs from our {name} weights by up to "
                f"{diff:.3g}; the fit uses ours"
            )
    return checks, per_agent, warnings


def replicate_warnings(agents: tuple[AgentHorizons, ...]) -> list[str]:
    """A warning per agent and level whose interval leaves out more than 2.5% of the replicates."""
    warnings = []
    for a in agents:
        for h in a.horizons:
            n_rep, n_nonfinite = a.n_replicates, h.n_nonfinite_replicates
            if h.reason is None and n_rep and n_nonfinite > n_rep * (100 - INTERVAL) / 200:
                warnings.append(
                    f"{a.source_model}: p{h.level}: {n_nonfinite} of {n_rep} bootstrap replicates have no finite "
                    f"horizon; its interval is taken over the other {n_rep - n_nonfinite}"
                )
    return warnings


def _tails() -> list[float]:
    tail = (100 - INTERVAL) / 2
    return [tail, 100 - tail]


@dataclass(frozen=True, eq=False)
class _Estimates:
    """What an estimator gives the summary: weighted cells, point coefficients, replicates."""

    weighted_s: np.ndarray        # (agents, tasks) weighted successes the point fit used
    weighted_f: np.ndarray
    beta0: np.ndarray             # per agent; NaN where not fitted
    beta1: np.ndarray
    converged: np.ndarray
    replicates: np.ndarray        # (replicates, agents, levels); NaN: no finite positive horizon
    bounds: Callable[[int, int], tuple[float, float] | None]   # (agent, level index) -> 95% interval
    notes: tuple[str, ...] = ()


def _exact_estimates(table: RunTable, per_run: np.ndarray, options: FitOptions, progress) -> _Estimates:
    """horizon's default: the optimum, and the vectorised hierarchical bootstrap."""
    cells = table.cells
    weighted_s, weighted_f = cells.successes * per_run, (cells.runs - cells.successes) * per_run
    fitted = fit_logistic(cells.x, weighted_s, weighted_f, options.C)
    assert options.seed is not None and options.bootstrap_weights is not None  # FitOptions fills in the defaults
    boot = bootstrap_fits(
        cells, n_replicates=options.n_bootstrap, seed=options.seed, C=options.C, weighting=options.weighting,
        bootstrap_weights=options.bootstrap_weights, carry_weight=per_run, start=(fitted.beta0, fitted.beta1),
        progress=progress,
    )
    ok = boot.usable & boot.converged
    replicates = np.full((options.n_bootstrap, cells.n_agents, len(options.levels)), np.nan)
    for j, level in enumerate(options.levels):
        replicates[:, :, j] = np.where(ok, horizon_minutes(boot.beta0, boot.beta1, level), np.nan)

    def bounds(a: int, j: int) -> tuple[float, float] | None:
        column = replicates[:, a, j]
        finite = column[np.isfinite(column)]
        if finite.size == 0:
            return None
        low, high = np.percentile(finite, _tails())
        return float(low), float(high)

    return _Estimates(weighted_s, weighted_f, fitted.beta0, fitted.beta1, fitted.converged, replicates, bounds)


def _metr_estimates(table: RunTable, per_run: np.ndarray, options: FitOptions, progress, source: str) -> _Estimates:
    """METR's published pipeline: lbfgs stopped where sklearn stops it, METR's draws and interval."""
    from horizon.fit import metr

    run_weight, note = metr.run_weights(table, per_run, options.weighting)
    weighted_s, weighted_f = metr.cell_sums(table, run_weight)
    point = [metr.nan_if_missing(f) for f in metr.fit_agents(table.cells.x, weighted_s, weighted_f, options.C)]
    # METR's own values, kept whole for METR's interval; stored without the non-finite ones
    assert options.seed is not None  # FitOptions fills in the default
    values = metr.replicate_horizons(table, run_weight, options.levels, n_replicates=options.n_bootstrap,
                                     seed=options.seed, C=options.C, progress=progress)
    return _Estimates(
        weighted_s, weighted_f,
        np.array([p[0] for p in point]), np.array([p[1] for p in point]), np.array([p[2] for p in point]),
        np.where(metr.finite_positive(values), values, np.nan),
        lambda a, j: metr.interval(values[:, a, j]),
        (f"{source}: {note}",) if note else (),
    )


def fit_table(
    table: RunTable,
    options: FitOptions = DEFAULT_OPTIONS,
    *,
    release_dates: Mapping[str, date] | None = None,
    progress: Callable[[int], None] | None = None,
    source: str = "runs",
) -> RunHorizons:
    """``fit_runs`` on a checked ``RunTable``."""
    cells = table.cells
    release_dates = release_dates or {}
    per_run = per_run_weights(table, options.weighting)
    checks, per_agent_diff, warnings = weight_check(table, options.weighting, source)
    if options.compat == "metr":
        est = _metr_estimates(table, per_run, options, progress, source)
    else:
        est = _exact_estimates(table, per_run, options, progress)
    warnings += est.notes
    n_rep, levels = options.n_bootstrap, options.levels
    beta0, beta1, converged, replicates = est.beta0, est.beta1, est.converged, est.replicates

    agents = []
    for a, name in enumerate(table.agents):
        n_runs = int(cells.runs[a].sum())
        n_success = int(cells.successes[a].sum())
        b0, b1 = float(beta0[a]), float(beta1[a])
        if n_success == 0:
            why = "all_runs_failed"
        elif n_success == n_runs:
            why = "all_runs_succeeded"
        elif not converged[a]:
            why = "fit_did_not_converge"
        elif not b1 < 0:
            why = "success_does_not_fall_with_task_length"
        else:
            why = None
        horizons = []
        for j, level in enumerate(levels):
            estimate = float(horizon_minutes(beta0[a : a + 1], beta1[a : a + 1], level)[0])
            reason = why or (None if math.isfinite(estimate) else "horizon_out_of_range")
            n_nonfinite = int(np.count_nonzero(~np.isfinite(replicates[:, a, j])))
            bounds = None if reason else est.bounds(a, j)
            low, high = bounds if bounds else (None, None)
            horizons.append(LevelHorizon(
                level=level,
                estimate=None if reason else estimate,
                ci_low=low,
                ci_high=high,
                n_nonfinite_replicates=n_nonfinite,
                status="no_finite_horizon" if reason else "ok",
                reason=reason,
            ))
        total = (est.weighted_s[a] + est.weighted_f[a]).sum()
        average = float(est.weighted_s[a].sum() / total) if total > 0 else math.nan
        agents.append(AgentHorizons(
            source_model=name,
            model_id=table.model_ids[a],
            release_date=release_dates.get(name) or release_dates.get(table.model_ids[a]),
            beta0=b0 if math.isfinite(b0) else None,
            beta1=b1 if math.isfinite(b1) else None,
            average_score=average,
            n_runs=n_runs,
            n_tasks=int(np.count_nonzero(cells.runs[a])),
            n_replicates=n_rep,
            horizons=tuple(horizons),
            source_weight_max_abs_diff=per_agent_diff.get(a),
        ))
    warnings += replicate_warnings(tuple(agents))
    return RunHorizons(options, tuple(agents), replicates, checks, tuple(warnings))
