"""Benchmark `horizon fit`'s engine: METR's runs with 10,000 bootstrap replicates.

Prints wall time and peak memory of our vectorised fit, next to a baseline measured in the same
run: METR-style row-level hierarchical resampling plus one scikit-learn LogisticRegression per
agent per replicate, timed on a sample of replicates and extrapolated. ``--synthetic`` fits a
generated suite of 1,000,000 runs (100 agents) with 1,000 replicates instead. ``--compat metr``
times the METR-compatible mode (METR's draws, lbfgs stopped where scikit-learn stops it) on
1,000 replicates, METR's own count, against the same baseline.

    python benchmarks/bench_fit.py
    python benchmarks/bench_fit.py --compat metr
    python benchmarks/bench_fit.py --synthetic
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from horizon.fit.horizons import fit_runs  # noqa: E402  (after the path insert)
from horizon.fit.results import FitOptions  # noqa: E402
from horizon.fit.runtable import runs_frame_from_jsonl  # noqa: E402

RUNS = Path(__file__).resolve().parents[2] / "shared" / "data" / "metr" / "all_runs_2025-03.jsonl"


def synthetic_runs(n_agents=100, n_families=50, tasks_per_family=4, runs_per_cell=50, seed=0) -> pl.DataFrame:
    """Every agent runs every task ``runs_per_cell`` times; abilities spread over 1 min..8 h."""
    rng = np.random.default_rng(seed)
    n_tasks = n_families * tasks_per_family
    x = rng.uniform(0, 10, n_tasks)
    ability = rng.uniform(0, 9, n_agents)
    p = 1 / (1 + np.exp(-(0.6 * (ability[:, None] - x[None, :]))))
    agent = np.repeat(np.arange(n_agents), n_tasks * runs_per_cell)
    task = np.tile(np.repeat(np.arange(n_tasks), runs_per_cell), n_agents)
    y = (rng.random(agent.size) < p[agent, task]).astype(np.int64)
    return pl.DataFrame({
        "task_id": pl.Series(task).cast(pl.String).str.zfill(4),
        "task_family": pl.Series(task // tasks_per_family).cast(pl.String).str.zfill(3),
        "source_model": pl.Series(agent).cast(pl.String).str.zfill(3),
        "human_minutes": np.exp2(x)[task],
        "score_binarized": y,
    })


def measure(frame: pl.DataFrame, options: FitOptions, repeat: int) -> tuple[float, float]:
    """Best wall time of ``repeat`` runs, and the traced peak of one more (tracemalloc)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fit_runs(frame, options)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fit_runs(frame, options)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return min(times), peak / 1e6


def baseline_per_replicate(frame: pl.DataFrame, n_sample: int, seed: int) -> float:
    """Seconds per replicate: METR's way, resample rows (families, tasks, runs) then sklearn each agent."""
    from sklearn.linear_model import LogisticRegression

    agent = frame["source_model"].to_numpy()
    task = frame["task_id"].to_numpy()
    family = frame["task_family"].to_numpy()
    x = np.log2(frame["human_minutes"].to_numpy())
    y = frame["score_binarized"].to_numpy()
    w = frame["source_weight_invsqrt"].to_numpy()
    by_family = {f: np.flatnonzero(family == f) for f in np.unique(family)}
    agents = np.unique(agent)
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    for _ in range(n_sample):
        families = list(by_family)
        rows = []
        for f in rng.choice(len(families), len(families)):
            idx = by_family[families[f]]
            tasks = np.unique(task[idx])
            for t in rng.choice(tasks, tasks.size):
                rows.append(idx[task[idx] == t])
        rows = np.concatenate(rows)
        keys = np.char.add(task[rows].astype(str), agent[rows].astype(str))
        resampled = []
        for k in np.unique(keys):
            members = rows[keys == k]
            resampled.append(members[rng.integers(0, members.size, members.size)])
        rows = np.concatenate(resampled)
        for a in agents:
            mine = rows[agent[rows] == a]
            if mine.size and 0 < y[mine].sum() < mine.size:
                LogisticRegression(C=10.0).fit(x[mine, None], y[mine], sample_weight=w[mine])
    return (time.perf_counter() - start) / n_sample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", action="store_true", help="1,000,000 synthetic runs, 100 agents")
    parser.add_argument("--replicates", type=int, default=None, help="default 10,000 (synthetic: 1,000)")
    parser.add_argument("--baseline-sample", type=int, default=50, help="replicates timed for the baseline")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of ours; the best is reported")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bootstrap-weights", choices=["recompute", "carry"], default=None)
    parser.add_argument("--compat", choices=["metr"], default=None, help="time the METR-compatible mode")
    args = parser.parse_args()

    if args.synthetic:
        frame = synthetic_runs(seed=args.seed)
        n = args.replicates or 1000
        label = f"synthetic: {frame.height:,} runs, {frame['source_model'].n_unique()} agents"
    else:
        frame = runs_frame_from_jsonl(RUNS)
        n = args.replicates or (1000 if args.compat else 10_000)
        label = f"{RUNS.name}: {frame.height:,} runs, {frame['source_model'].n_unique()} agents"
    options = FitOptions(n_bootstrap=n, seed=args.seed if args.compat is None else 42 + args.seed,
                         bootstrap_weights=args.bootstrap_weights, compat=args.compat)
    repeat = 1 if args.synthetic or args.compat else args.repeat
    wall, peak = measure(frame, options, repeat)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(label + (", METR-compatible mode" if args.compat else ""))
    print(f"ours:     {n:,} replicates in {wall:.2f} s (best of {repeat});"
          f" traced peak {peak:,.0f} MB, process max RSS {rss:,.0f} MB")
    if args.synthetic:
        return
    per = baseline_per_replicate(frame, args.baseline_sample, args.seed)
    print(f"baseline: row resampling + sklearn LogisticRegression(C=10) per agent: {per * 1e3:.0f} ms per"
          f" replicate ({args.baseline_sample} timed) -> {per * n:,.0f} s for {n:,} (extrapolated)")
    print(f"ratio:    {per * n / wall:,.0f}x faster")


if __name__ == "__main__":
    main()
