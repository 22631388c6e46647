"""Hierarchical bootstrap of per-agent logistic fits, all replicates and agents at once.

One replicate resamples, as METR does: task families with replacement (one draw shared by every
agent); within each drawn copy of a family, its tasks with replacement; within each drawn copy
of a task, each agent's runs with replacement. Runs are 0/1, so resampling an agent's n runs of
a task is a Binomial(n, successes/n) count of successes: we draw that count instead of n runs,
and only for cells that have both outcomes (an all-pass or all-fail cell resamples to itself).
Families and tasks within them are drawn from everything in the data, whichever agent ran it:
an agent that never ran a drawn task simply has no runs for it.

Weights on a replicate (``bootstrap_weights``):

- ``recompute`` (default): the estimator is applied to the resampled data as if it were a new
  data set: every drawn copy of a family is a family and every drawn copy of a task is a task,
  so a run weighs 1/(runs of its task copy) x 1/sqrt(task copies this agent has in that family
  copy), normalised to sum to one per agent. This keeps the regularisation strength relative to
  the data the same on every replicate, as it is for the point estimate.
- ``carry``: METR's own pipeline: each resampled run keeps the weight it had in the full data and
  weights are not renormalised (a task drawn twice counts twice; the total weight varies around
  one from replicate to replicate).

Randomness is consumed in fixed blocks of replicates, each block with its own generator spawned
from ``SeedSequence(seed)``, so the draws do not depend on how replicates are chunked for
memory, and the first N replicates of a longer run equal an N-replicate run with the same seed
to rounding (chunk shapes change the order of floating-point sums, ~1e-15 relative). The same
inputs, seed and chunking give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from horizon.errors import HorizonError
from horizon.fit.logistic import fit_logistic
from horizon.fit.runtable import Cells
from horizon.fit.weights import check_weighting

BLOCK = 100  # replicates per random-number block
BOOTSTRAP_WEIGHTS = ("recompute", "carry")
# Elements of one (replicates x agents x tasks) array per compute chunk. Small enough (~1 MB
# of float64) that the dozen arrays a Newton iteration touches stay in cache: measured ~3x faster
# than 24 MB chunks on a 2-core machine, and memory stays flat whatever the number of replicates.
CHUNK_ELEMENTS = 100_000


@dataclass(frozen=True)
class BootstrapFits:
    """Coefficients per replicate and agent, (replicates, agents); NaN where not fitted."""

    beta0: np.ndarray
    beta1: np.ndarray
    usable: np.ndarray  # replicate had both outcomes for the agent
    converged: np.ndarray


def _family_layout(cells: Cells) -> tuple[np.ndarray, np.ndarray]:
    """(families, max family size) table of task codes padded with -1, and family sizes."""
    sizes = np.bincount(cells.family, minlength=cells.n_families)
    table = np.full((cells.n_families, max(int(sizes.max()), 1)), -1, dtype=np.int64)
    for f in range(cells.n_families):
        members = np.flatnonzero(cells.family == f)
        table[f, : members.size] = members
    return table, sizes


@dataclass(frozen=True)
class _Tables:
    """Per-task lookup tables, tasks along the first axis so gathers copy whole rows."""

    family_tasks: np.ndarray  # (families, max size) task codes, -1 padded
    family_size: np.ndarray
    runs: np.ndarray  # (tasks, agents)
    all_pass: np.ndarray  # (tasks, agents): every run succeeded
    mixed_rank: np.ndarray  # (tasks, agents): index of the cell among mixed cells, -1 if not mixed
    cdf: np.ndarray  # binomial CDFs of the mixed cells, cell i's shifted by i (see _binomial)
    cdf_start: np.ndarray  # where each mixed cell's CDF begins in ``cdf``
    inv_runs: np.ndarray  # (tasks, agents): 1 / runs, 0 where not run
    ran: np.ndarray  # (tasks, agents) bool
    complete: bool  # every agent ran every task of every family it touched, or none of them
    per_run: np.ndarray | None  # (tasks, agents) full-data weight per run: 'carry' only


def _tables(cells: Cells, carry_weight: np.ndarray | None) -> _Tables:
    from scipy.special import gammaln

    family_tasks, family_size = _family_layout(cells)
    runs = np.ascontiguousarray(cells.runs.T)
    successes = np.ascontiguousarray(cells.successes.T)
    mixed = (successes > 0) & (successes < runs)
    mixed_rank = np.full(runs.shape, -1, dtype=np.int64)
    mixed_rank[mixed] = np.arange(int(mixed.sum()))
    # CDF of Binomial(n, p) at 0..n-1 for each mixed cell, laid end to end; cell i's values are
    # shifted up by i so the whole array is sorted and one searchsorted inverts every CDF.
    n = runs[mixed]
    p = successes[mixed] / n
    cdf_start = np.r_[0, np.cumsum(n)[:-1]].astype(np.int64)
    cell = np.repeat(np.arange(n.size), n)
    j = np.arange(int(n.sum())) - cdf_start[cell]
    nn, pp = n[cell], p[cell]
    log_pmf = gammaln(nn + 1) - gammaln(j + 1) - gammaln(nn - j + 1) + j * np.log(pp) + (nn - j) * np.log1p(-pp)
    pmf = np.exp(log_pmf)
    cum = np.cumsum(pmf)
    cdf = np.minimum(cum - np.r_[0.0, cum][cdf_start][cell], 1.0) + cell
    ran = runs > 0
    inv_runs = np.divide(1.0, runs, out=np.zeros(runs.shape), where=ran)
    touched = np.stack([np.bincount(cells.family, weights=ran[:, a], minlength=cells.n_families)
                        for a in range(cells.n_agents)], axis=1)
    complete = bool(np.all((touched == 0) | (touched == family_size[:, None])))
    per_run = None if carry_weight is None else np.ascontiguousarray(carry_weight.T)
    return _Tables(family_tasks, family_size, runs, successes >= runs, mixed_rank, cdf, cdf_start,
                   inv_runs, ran, complete, per_run)


def _binomial(rng: np.random.Generator, tables: _Tables, cell: np.ndarray, copies: np.ndarray) -> np.ndarray:
    """Successes when each mixed ``cell``'s runs are resampled ``copies`` times over.

    Each copy is one Binomial(n, p) draw by inverting the cell's CDF at a uniform; a cell drawn
    twice is two independent draws, summed. (Same distribution as numpy's binomial, several
    times faster here because every draw has its own n and p.)
    """
    cell_copy = np.repeat(cell, copies)
    position = np.searchsorted(tables.cdf, cell_copy + rng.random(cell_copy.size), side="left")
    k = position - tables.cdf_start[cell_copy]
    if cell_copy.size == cell.size:
        return k
    return np.add.reduceat(k, np.r_[0, np.cumsum(copies)[:-1]])


def _replicate_block(
    rng: np.random.Generator, n_rep: int, cells: Cells, tables: _Tables, weighting: str
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted successes and failures, each (n_rep * agents, tasks), for one block."""
    n_fam, slots = tables.family_tasks.shape
    n_agents, n_tasks = cells.n_agents, cells.n_tasks

    # 1. families, shared by all agents: (rep, copy)
    fam = rng.integers(0, n_fam, size=(n_rep, n_fam))
    size = tables.family_size[fam]
    # 2. tasks within each family copy: a local index per slot; slots past the family size unused
    local = (rng.random((n_rep, n_fam, slots)) * size[..., None]).astype(np.int64)
    local[np.arange(slots) >= size[..., None]] = slots  # out of range: counted nowhere
    # multiplicity of each of the family's tasks in this copy, (rep, copy, slot)
    flat = (np.arange(n_rep * n_fam)[:, None] * (slots + 1) + local.reshape(n_rep * n_fam, slots)).ravel()
    mult = np.bincount(flat, minlength=n_rep * n_fam * (slots + 1)).reshape(n_rep, n_fam, slots + 1)[..., :slots]

    # drawn task copies, in (rep, copy) order; a task drawn twice in one copy has mult 2
    rep, copy, slot = np.nonzero(mult)
    u = mult[rep, copy, slot]
    task = tables.family_tasks[fam[rep, copy], slot]

    # 3. runs within each (task copy, agent): copies x runs resampled from the cell's runs
    n_draw = u[:, None] * tables.runs[task]  # (entries, agents)
    k = np.where(tables.all_pass[task], n_draw, 0)
    rank = tables.mixed_rank[task]
    entry, agent = np.nonzero(rank >= 0)
    k[entry, agent] = _binomial(rng, tables, rank[entry, agent], u[entry])

    if tables.per_run is not None:
        per_run = tables.per_run[task]
    else:
        per_run = tables.inv_runs[task]
        if weighting == "invsqrt":
            if tables.complete:
                # each agent ran all or none of a family's tasks: a family copy always holds
                # as many task copies as the family has tasks
                count = size[rep, copy][:, None]
            else:
                # task copies each agent has in each family copy; entries are grouped by copy
                group = rep * n_fam + copy
                starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
                per_copy = np.add.reduceat(u[:, None] * tables.ran[task], starts, axis=0)
                count = np.repeat(per_copy, np.diff(np.r_[starts, group.size]), axis=0)
            per_run = per_run / np.sqrt(np.maximum(count, 1))

    ws_entry = k * per_run
    wf_entry = (n_draw - k) * per_run
    index = ((rep[:, None] * n_agents + np.arange(n_agents)) * n_tasks + task[:, None]).ravel()
    length = n_rep * n_agents * n_tasks
    ws = np.bincount(index, weights=ws_entry.ravel(), minlength=length).reshape(n_rep * n_agents, n_tasks)
    wf = np.bincount(index, weights=wf_entry.ravel(), minlength=length).reshape(n_rep * n_agents, n_tasks)
    if tables.per_run is None:
        total = (ws.sum(axis=1) + wf.sum(axis=1))[:, None]
        np.divide(ws, total, out=ws, where=total > 0)
        np.divide(wf, total, out=wf, where=total > 0)
    return ws, wf


def bootstrap_fits(
    cells: Cells,
    *,
    n_replicates: int,
    seed: int,
    C: float,
    weighting: str,
    bootstrap_weights: str = "recompute",
    carry_weight: np.ndarray | None = None,
    start: tuple[np.ndarray, np.ndarray] | None = None,
    progress: Callable[[int], None] | None = None,
) -> BootstrapFits:
    """Fit every agent on ``n_replicates`` hierarchical bootstrap replicates.

    ``carry_weight`` (agents, tasks) is the full-data per-run weight, needed for ``carry``.
    ``start`` is the full-data (b0, b1) per agent: a good Newton start. ``progress`` is called
    with the number of replicates just finished.
    """
    check_weighting(weighting)
    if bootstrap_weights not in BOOTSTRAP_WEIGHTS:
        raise HorizonError(
            f"bootstrap weights: expected one of {', '.join(BOOTSTRAP_WEIGHTS)}, got {bootstrap_weights!r}"
        )
    if bootstrap_weights == "carry" and carry_weight is None:
        raise HorizonError("bootstrap weights 'carry' needs the full-data weights")
    if not isinstance(n_replicates, int) or n_replicates < 0:
        raise HorizonError(f"bootstrap: expected a number of replicates >= 0, got {n_replicates!r}")
    n_agents, n_tasks = cells.n_agents, cells.n_tasks
    if n_replicates == 0 or n_tasks == 0:
        empty = np.empty((n_replicates, n_agents))
        return BootstrapFits(empty, empty.copy(), np.zeros_like(empty, bool), np.zeros_like(empty, bool))

    tables = _tables(cells, carry_weight if bootstrap_weights == "carry" else None)

    n_blocks = -(-n_replicates // BLOCK)
    generators = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n_blocks)]
    blocks_per_chunk = max(1, CHUNK_ELEMENTS // (BLOCK * n_agents * n_tasks))

    beta0 = np.empty((n_replicates, n_agents))
    beta1 = np.empty((n_replicates, n_agents))
    usable = np.empty((n_replicates, n_agents), dtype=bool)
    converged = np.empty((n_replicates, n_agents), dtype=bool)
    for first_block in range(0, n_blocks, blocks_per_chunk):
        parts_s, parts_f = [], []
        lo = first_block * BLOCK
        for b in range(first_block, min(first_block + blocks_per_chunk, n_blocks)):
            # Always draw a whole block, then keep what is asked for: the random stream of a
            # block must not depend on how many of its replicates are used.
            keep = min(BLOCK, n_replicates - b * BLOCK) * n_agents
            ws, wf = _replicate_block(generators[b], BLOCK, cells, tables, weighting)
            parts_s.append(ws[:keep])
            parts_f.append(wf[:keep])
        ws = np.concatenate(parts_s) if len(parts_s) > 1 else parts_s[0]
        wf = np.concatenate(parts_f) if len(parts_f) > 1 else parts_f[0]
        n_chunk = ws.shape[0] // n_agents
        chunk_start = None
        if start is not None:
            chunk_start = (np.tile(start[0], n_chunk), np.tile(start[1], n_chunk))
        fits = fit_logistic(cells.x, ws, wf, C, start=chunk_start)
        hi = lo + n_chunk
        beta0[lo:hi] = fits.beta0.reshape(n_chunk, n_agents)
        beta1[lo:hi] = fits.beta1.reshape(n_chunk, n_agents)
        usable[lo:hi] = fits.usable.reshape(n_chunk, n_agents)
        converged[lo:hi] = fits.converged.reshape(n_chunk, n_agents)
        if progress is not None:
            progress(n_chunk)
    return BootstrapFits(beta0, beta1, usable, converged)
