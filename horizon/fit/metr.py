"""METR-compatible fitting (`horizon fit --compat metr`): METR's published pipeline, reproduced.

METR's numbers come from its public analysis code (METR/eval-analysis-public: ``wrangle/bootstrap.py``
and ``wrangle/logistic.py``, the same in the paper release @4f79669 and in the current
``src/horizon``). They differ from horizon's default fit in two ways, both reproduced here:

1. **Where each fit stops.** METR fits every agent with scikit-learn's
   ``LogisticRegression(C=10)``: scipy's L-BFGS-B from zero coefficients, stopped when the largest
   gradient component is below ``tol=1e-4`` (or the objective stops falling by more than 64
   machine epsilons, or after 100 iterations), on sklearn's objective, which divides the weighted
   log-loss by the sum of the weights. That stops short of the optimum: up to 0.6% in a horizon
   (GPT-4 0314's p50 is 3.657 min at the optimum, 3.669 where METR's lbfgs stops). horizon's
   default solves to the optimum (``horizon.fit.logistic``).
   We run the same optimiser with the same settings (``scipy.optimize.minimize``, method
   L-BFGS-B, as sklearn calls it) on the same objective computed from (task, outcome) cells, so
   scikit-learn is not needed. Reimplementing L-BFGS-B's line search and limited-memory update
   bit for bit is not sensible: the stopping point depends on every detail of them, and
   scipy (already a dependency) is the code sklearn runs.
2. **The bootstrap draws.** Replicate ``i`` uses ``numpy.random.default_rng(seed + i)`` (METR:
   seed 42) and consumes it in METR's order: task families drawn with replacement (families
   sorted by name); then, for each drawn family copy in turn, its tasks (sorted by id); then one
   uniform per resampled run, handed out to (task, agent) groups sorted by the text
   ``task_id + "|||" + agent``, each group picking among its runs in the order the publisher's
   file lists them, every copy of a task pooled into one group. Each resampled run keeps its
   full-data weight (no renormalisation), and an agent whose resampled runs are all one outcome
   gets no value for that replicate. The horizon is 2^((logit q - b0) / b1) whatever the sign of
   the slope, and the 95% interval is ``numpy.nanquantile`` at (1 - 0.95) / 2 and its complement.

The runs must come in the publisher's order (a store snapshot keeps the file's order); horizon's
embedded copy of the runs is aggregated per agent and task, so its draws cannot match METR's
exactly and the fit says so.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from horizon.fit.logistic import logit_of_level
from horizon.fit.runtable import RunTable

# scikit-learn's LogisticRegression defaults for lbfgs (sklearn/linear_model/_logistic.py).
SKLEARN_TOL = 1e-4
SKLEARN_MAX_ITER = 100
SKLEARN_MAX_LINE_SEARCH = 50
SKLEARN_FTOL = 64 * np.finfo(float).eps
# METR's task-agent group key (wrangle/bootstrap.py, bootstrap_runs_by_task_agent).
GROUP_SEPARATOR = "|||"
CONFIDENCE = 0.95
# METR's interval quantiles, computed as METR computes them: (1 - 0.95) / 2 is 0.025000000000000022.
LOW_Q = (1 - CONFIDENCE) / 2
HIGH_Q = 1 - LOW_Q


def compat_params() -> dict[str, str]:
    """What a METR-compatible fit records beyond the default parameters.

    The solver line names scipy's version: METR's stopping point is scipy's L-BFGS-B, so a
    different scipy could stop elsewhere, and an identical fit is only one made with the same.
    """
    import scipy

    return {
        "compat": "metr",
        "solver": (
            f"scipy {scipy.__version__} L-BFGS-B as scikit-learn's LogisticRegression runs it"
            f" (tol {SKLEARN_TOL:g}, max_iter {SKLEARN_MAX_ITER}, from zero)"
        ),
        "bootstrap": (
            "METR's draws: default_rng(seed + replicate); task_family, task_id within each family"
            " copy, runs within task x agent in the publisher's row order; full-data weights carried"
        ),
        "interval_quantiles": "numpy nanquantile at (1 - 0.95) / 2 and 1 - that, every finite or infinite value",
    }


@dataclass(frozen=True)
class Lbfgs:
    """One fit stopped where scikit-learn's lbfgs stops it."""

    beta0: float
    beta1: float
    iterations: int
    converged: bool  # False when L-BFGS-B reports a failure, e.g. max_iter reached (sklearn warns; METR keeps the numbers)


def lbfgs_fit(x: np.ndarray, successes: np.ndarray, failures: np.ndarray, C: float) -> Lbfgs:
    """scikit-learn's ``LogisticRegression(C=C).fit`` of one agent, from weighted cells.

    ``successes`` and ``failures`` are the weighted run counts per task at lengths ``x``. The
    objective is sklearn's: (sum of weighted log-losses) / W + b1^2 / (2 C W), W the total weight;
    parameters in sklearn's order (slope, intercept), starting from zero.
    """
    from scipy.optimize import minimize
    from scipy.special import expit

    x = np.asarray(x, dtype=float)
    ws = np.asarray(successes, dtype=float)
    wf = np.asarray(failures, dtype=float)
    w = ws + wf
    total = float(w.sum())
    l2 = 1.0 / (C * total)

    def loss_gradient(coef):
        slope, intercept = coef
        eta = slope * x + intercept
        loss = (ws @ np.logaddexp(0.0, -eta) + wf @ np.logaddexp(0.0, eta)) / total + 0.5 * l2 * slope * slope
        pointwise = (w * expit(eta) - ws) / total
        return loss, np.array([x @ pointwise + l2 * slope, pointwise.sum()])

    result = minimize(
        loss_gradient, np.zeros(2), method="L-BFGS-B", jac=True,
        options={"maxiter": SKLEARN_MAX_ITER, "maxls": SKLEARN_MAX_LINE_SEARCH,
                 "gtol": SKLEARN_TOL, "ftol": SKLEARN_FTOL},
    )
    slope, intercept = (float(v) for v in result.x)
    return Lbfgs(intercept, slope, int(result.nit), bool(result.success))


def fit_agents(x: np.ndarray, successes: np.ndarray, failures: np.ndarray, C: float) -> list[Lbfgs | None]:
    """``lbfgs_fit`` of every row (agent) of (agents, tasks) weighted counts; None for a row
    without both outcomes (METR skips it: its horizon is missing, not zero)."""
    fits: list[Lbfgs | None] = []
    for s, f in zip(successes, failures):
        if not (s.sum() > 0 and f.sum() > 0):
            fits.append(None)
            continue
        used = (s + f) > 0
        fits.append(lbfgs_fit(x[used], s[used], f[used], C))
    return fits


def one_blas_thread():
    """A context in which BLAS runs on one thread, when threadpoolctl is installed
    (``pip install 'horizon[metr]'``).

    scipy's L-BFGS-B makes a few tiny BLAS/LAPACK calls per iteration; with OpenBLAS's thread
    pool those cost more than the arithmetic: METR-compatible bootstrap fits ran about 8x slower
    on a busy 2-core machine (17.7 ms against 2.1 ms per fit). Results are the same either way.
    """
    import scipy.optimize  # noqa: F401  (load scipy's BLAS first: the limit applies to libraries loaded)

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def horizon_minutes(beta0: float, beta1: float, level: int) -> float:
    """METR's horizon: 2^((logit q - b0) / b1), whatever it gives (inf on overflow, 0 on underflow)."""
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        return float(np.exp2((logit_of_level(level) - beta0) / beta1))


def interval(values: np.ndarray) -> tuple[float, float] | None:
    """METR's 95% interval of one agent's replicate horizons (NaN: not fitted), or None if none."""
    if np.isnan(values).all():
        return None
    low, high = np.nanquantile(values, [LOW_Q, HIGH_Q])
    return float(low), float(high)


def run_weights(table: RunTable, ours: np.ndarray, weighting: str) -> tuple[np.ndarray, str | None]:
    """Each run's weight as METR's pipeline reads it: the file's own weight column (rounded to 10
    decimals; with our exact weights horizons differ from METR's in the 7th digit), else ours
    (``ours`` is (agents, tasks) per run), with a note saying so."""
    from horizon.fit.runtable import SOURCE_WEIGHT_COLUMNS

    theirs = table.source_weights.get(weighting)
    if theirs is not None and np.isfinite(theirs).all():
        return theirs, None
    return ours[table.agent, table.task], (
        f"the runs carry no {SOURCE_WEIGHT_COLUMNS[weighting]} on every run, so METR's rounded weights are"
        " replaced by ours: horizons can differ from METR's in the 7th significant digit"
    )


def cell_sums(table: RunTable, run_weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(agents, tasks) weighted successes and failures."""
    n_agents, n_tasks = table.cells.n_agents, table.cells.n_tasks
    flat = table.agent * n_tasks + table.task
    size = n_agents * n_tasks
    ws = np.bincount(flat, weights=run_weight * table.y, minlength=size).reshape(n_agents, n_tasks)
    wf = np.bincount(flat, weights=run_weight * (1 - table.y), minlength=size).reshape(n_agents, n_tasks)
    return ws, wf


@dataclass(frozen=True)
class _Draws:
    """The run table laid out in the order METR's draws consume random numbers."""

    family_tasks: tuple[np.ndarray, ...]   # per family (sorted by name): its task codes, sorted by id
    key_task: np.ndarray                   # (task, agent) groups sorted by METR's key text
    key_agent: np.ndarray
    key_runs: np.ndarray                   # runs in the group
    key_start: np.ndarray                  # where the group's runs start in ``run_y``/``run_w``
    run_y: np.ndarray                      # outcomes, group by group, each group in row order
    run_w: np.ndarray                      # the runs' full-data weights, likewise


def _draw_tables(table: RunTable, run_weight: np.ndarray) -> _Draws:
    families = sorted(range(len(table.families)), key=lambda f: table.families[f])
    family = table.cells.family
    family_tasks = tuple(
        np.array(sorted(np.flatnonzero(family == f), key=lambda t: table.tasks[t]), dtype=np.int64)
        for f in families
    )
    runs = table.cells.runs
    task, agent = np.nonzero(runs.T)
    text = [table.tasks[t] + GROUP_SEPARATOR + table.agents[a] for t, a in zip(task, agent)]
    order = np.array(sorted(range(len(text)), key=text.__getitem__), dtype=np.int64)
    key_task, key_agent = task[order], agent[order]
    key_runs = runs[key_agent, key_task]
    key_start = np.r_[0, np.cumsum(key_runs)[:-1]].astype(np.int64)
    # each run's group, then the runs sorted by group; a stable sort keeps row order within one
    n_tasks = table.cells.n_tasks
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    group_of_cell = np.full(table.cells.n_agents * n_tasks, -1, dtype=np.int64)
    group_of_cell[agent * n_tasks + task] = rank
    by_group = np.argsort(group_of_cell[table.agent * n_tasks + table.task], kind="stable")
    return _Draws(family_tasks, key_task, key_agent, key_runs, key_start,
                  table.y[by_group].astype(float), np.asarray(run_weight, dtype=float)[by_group])


def _replicate_counts(rng: np.random.Generator, draws: _Draws, n_agents: int, n_tasks: int):
    """Weighted successes and failures, (agents, tasks), of one replicate drawn as METR draws it."""
    n_families = len(draws.family_tasks)
    copies = np.zeros(n_tasks, dtype=np.int64)
    for f in rng.choice(n_families, size=n_families, replace=True):
        tasks = draws.family_tasks[f]
        np.add.at(copies, tasks[rng.choice(tasks.size, size=tasks.size, replace=True)], 1)
    key = np.flatnonzero(copies[draws.key_task] > 0)
    n = draws.key_runs[key]
    count = copies[draws.key_task[key]] * n            # every copy of the task pooled in one group
    u = rng.random(int(count.sum()))
    group = np.repeat(np.arange(key.size), count)
    # METR: members[(u * count).astype(int)], members = the group's runs repeated once per copy
    pick = draws.key_start[key][group] + (u * count[group]).astype(np.int64) % n[group]
    y, w = draws.run_y[pick], draws.run_w[pick]
    ws = np.zeros((n_agents, n_tasks))
    wf = np.zeros((n_agents, n_tasks))
    a, t = draws.key_agent[key], draws.key_task[key]
    ws[a, t] = np.bincount(group, weights=w * y, minlength=key.size)
    wf[a, t] = np.bincount(group, weights=w * (1 - y), minlength=key.size)
    return ws, wf


def replicate_horizons(
    table: RunTable,
    run_weight: np.ndarray,
    levels: tuple[int, ...],
    *,
    n_replicates: int,
    seed: int,
    C: float,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """(replicates, agents, levels) horizons as METR's pipeline computes them; NaN where an
    agent had one outcome only in that replicate. ``run_weight`` is each run's full-data weight."""
    n_agents, n_tasks = table.cells.n_agents, table.cells.n_tasks
    out = np.full((n_replicates, n_agents, len(levels)), np.nan)
    if n_replicates == 0:
        return out
    draws = _draw_tables(table, run_weight)
    x = table.cells.x
    with one_blas_thread():
        for i in range(n_replicates):
            ws, wf = _replicate_counts(np.random.default_rng(seed + i), draws, n_agents, n_tasks)
            for a, fit in enumerate(fit_agents(x, ws, wf, C)):
                if fit is not None:
                    out[i, a] = [horizon_minutes(fit.beta0, fit.beta1, level) for level in levels]
            if progress is not None:
                progress(1)
    return out


def finite_positive(values: np.ndarray) -> np.ndarray:
    return np.isfinite(values) & (values > 0)


def nan_if_missing(fit: Lbfgs | None) -> tuple[float, float, bool]:
    if fit is None:
        return math.nan, math.nan, False
    return fit.beta0, fit.beta1, fit.converged
