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
        checks[name] = max_abs_difference(ours, theirs)
        if name == weighting:
            for a in range(table.cells.n_agents):
                mine = table.agent == a
                per_agent[a] = max_abs_difference(ours[mine], theirs[mine])
        if checks[name] is not None and checks[name] > WEIGHT_TOLERANCE:
            warnings.append(
                f"{source}: {SOURCE_WEIGHT_COLUMNS[name]} differs from our {name} weights by up to "
                f"{checks[name]:.3g}; the fit uses ours"
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
    failures = cells.runs - cells.successes
    checks, per_agent_diff, warnings = weight_check(table, options.weighting, source)
    n_rep = options.n_bootstrap
    levels = options.levels

    if options.compat == "metr":
        from horizon.fit import metr

        run_weight, note = metr.run_weights(table, per_run, options.weighting)
        if note:
            warnings.append(f"{source}: {note}")
        weighted_s, weighted_f = metr.cell_sums(table, run_weight)
        fits = metr.fit_agents(cells.x, weighted_s, weighted_f, options.C)
        point = [metr.nan_if_missing(f) for f in fits]
        beta0 = np.array([p[0] for p in point])
        beta1 = np.array([p[1] for p in point])
        converged = np.array([p[2] for p in point])
        # METR's own values, kept whole for METR's interval; stored without the non-finite ones
        metr_values = metr.replicate_horizons(
            table, run_weight, levels, n_replicates=n_rep, seed=options.seed, C=options.C, progress=progress)
        replicates = np.where(metr.finite_positive(metr_values), metr_values, np.nan)
    else:
        weighted_s, weighted_f = cells.successes * per_run, failures * per_run
        fitted = fit_logistic(cells.x, weighted_s, weighted_f, options.C)
        beta0, beta1, converged = fitted.beta0, fitted.beta1, fitted.converged
        boot = bootstrap_fits(
            cells, n_replicates=n_rep, seed=options.seed, C=options.C, weighting=options.weighting,
            bootstrap_weights=options.bootstrap_weights, carry_weight=per_run, start=(beta0, beta1),
            progress=progress,
        )
        ok = boot.usable & boot.converged
        replicates = np.full((n_rep, cells.n_agents, len(levels)), np.nan)
        for j, level in enumerate(levels):
            replicates[:, :, j] = np.where(ok, horizon_minutes(boot.beta0, boot.beta1, level), np.nan)

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
            column = replicates[:, a, j]
            n_nonfinite = int(np.count_nonzero(~np.isfinite(column)))
            low = high = None
            if reason is None and options.compat == "metr":
                bounds = metr.interval(metr_values[:, a, j])
                if bounds is not None:
                    low, high = bounds
            elif reason is None and n_nonfinite < n_rep:
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
        total = (weighted_s[a] + weighted_f[a]).sum()
        average = float(weighted_s[a].sum() / total) if total > 0 else math.nan
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
    agents = tuple(agents)
    warnings += replicate_warnings(agents)
    return RunHorizons(options, agents, replicates, checks, tuple(warnings))
