"""How long ingesting all of ../shared/data takes, against a baseline measured in the same run;
with --memory, the peak memory of the largest inputs horizon accepts, and of those it refuses.

Baseline (time): reading and parsing the same files with the plain libraries (json, yaml, csv,
tomllib) and nothing else: the floor that detection, validation, hashing and the DuckDB
transaction add to.

Baseline (memory): a fresh process that ingests one small real file (METR's 2026-02-22
headline YAML, 16 KB): what the interpreter, horizon, DuckDB and Arrow take before any data.
Every other input is ingested by its own fresh process into its own new store; its peak
resident memory (ru_maxrss) is reported beside the baseline's.

    python benchmarks/bench_ingest.py [--repeat 5]
    python benchmarks/bench_ingest.py --memory
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import yaml

from horizon.config import PROJECT_DIR, load_config
from horizon.formats import base
from horizon.ingest import ingest
from horizon.store import connect

SHARED = PROJECT_DIR.parent / "shared" / "data"
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def baseline(files: list[Path]) -> None:
    for p in files:
        text = p.read_text(encoding="utf-8-sig")
        if p.suffix == ".jsonl":
            [json.loads(line) for line in text.splitlines() if line.strip()]
        elif p.suffix == ".yaml":
            yaml.load(text, Loader=Loader)  # noqa: S506
        elif p.suffix == ".toml":
            tomllib.loads(text)
        else:
            list(csv.reader(io.StringIO(text)))


def ours(files: list[Path]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(db=Path(tmp) / "h.duckdb", env={})
        con = connect(config.db_path)
        results = ingest(con, config, [str(p) for p in files])
        con.close()
        return sum(r.rows for r in results)


def speed(repeat: int) -> None:
    files = sorted(p for p in SHARED.rglob("*") if p.is_file() and p.name != "README.md" and p.parent.name != "indicators"
                   and p.parent.name != "scenarios" and p.suffix != ".json")
    size = sum(p.stat().st_size for p in files)
    times = {"baseline (parse only)": [], "horizon ingest": []}
    rows = 0
    for _ in range(repeat):
        t = time.perf_counter()
        baseline(files)
        times["baseline (parse only)"].append(time.perf_counter() - t)
        t = time.perf_counter()
        rows = ours(files)
        times["horizon ingest"].append(time.perf_counter() - t)
    print(f"{len(files)} files, {size / 1e6:.1f} MB, {rows:,} rows; median of {repeat} runs")
    base_time = statistics.median(times["baseline (parse only)"])
    for name, values in times.items():
        med = statistics.median(values)
        print(f"  {name:24s} {med:7.3f} s   ({med / base_time:.1f}x baseline)")


# --- memory: the largest accepted inputs ------------------------------------------------------

# Runs in a fresh interpreter: ingest one file into a new store (and, with "fit", run the fit
# `horizon update` runs on new run-level data), then print seconds, peak RSS and the outcome.
CHILD = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
from horizon.config import load_config
from horizon.errors import HorizonError
from horizon.ingest import ingest
from horizon.store import connect
path, fit = sys.argv[1], sys.argv[2] == "fit"
started = time.perf_counter()
with tempfile.TemporaryDirectory() as tmp:
    config = load_config(db=Path(tmp) / "h.duckdb", env={})
    con = connect(config.db_path)
    try:
        (r,) = ingest(con, config, [path])
        outcome = f"{r.rows:,} rows"
    except HorizonError as exc:
        outcome = "refused: " + str(exc).split(": ", 1)[1][:90]
    ingest_s = time.perf_counter() - started
    ingest_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fit_s = None
    if fit and not outcome.startswith("refused"):
        from horizon.update import fit_stage
        t = time.perf_counter()
        fit_stage(con, config)
        fit_s = time.perf_counter() - t
    con.close()
print(json.dumps({"ingest_s": ingest_s, "ingest_mb": ingest_mb, "fit_s": fit_s,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "outcome": outcome}))
"""


def measure(path: Path, fit: bool = False) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), "fit" if fit else "-"], capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def headline_yaml(path: Path, target_bytes: int) -> str:
    entry = ("  model_{i}:\n    release_date: 2024-01-01\n    metrics:\n      is_sota: false\n"
             "      average_score: {{estimate: 0.5}}\n"
             "      p50_horizon_length: {{estimate: {m}.5, ci_low: 1.0, ci_high: 300.0}}\n"
             "      p80_horizon_length: {{estimate: 1.5, ci_low: 0.5, ci_high: 30.0}}\n")
    parts, size, i = ["benchmark_name: METR-Horizon-v1.1\nresults:\n"], 0, 0
    while True:
        piece = entry.format(i=i, m=1 + i % 100)
        if size + len(piece) + 60 > target_bytes:
            break
        parts.append(piece)
        size += len(piece)
        i += 1
    path.write_text("".join(parts), encoding="utf-8")
    return f"{i:,} models"


def runs_jsonl(path: Path, agents: int, tasks: int, runs: int) -> str:
    rng = random.Random(0)
    per_pair = runs // (agents * tasks)
    with path.open("w", encoding="utf-8") as f:
        n = 0
        for a in range(agents):
            skill = rng.uniform(1, 9)
            for t in range(tasks):
                minutes = 2 ** (t % 12)
                for _ in range(per_pair):
                    p = 1 / (1 + 2 ** (t % 12 - skill))
                    f.write(json.dumps({"run_id": f"r{n}", "task_id": f"task {t}", "task_family": f"family {t // 3}",
                                        "alias": f"agent {a}", "human_minutes": minutes,
                                        "score_binarized": int(rng.random() < p)}) + "\n")
                    n += 1
    return f"{n:,} runs, {agents} agents x {tasks} tasks"


def csv_table(path: Path, rows: int) -> str:
    with path.open("w", encoding="utf-8") as f:
        f.write("model,horizon,slope,benchmark,score,release_date\n")
        for i in range(rows):
            f.write(f"model {i % 300},{60 + i % 1000},0.5,bench {i % 40},0.5,2024-01-01\n")
    return f"{rows:,} rows"


def toml_lengths(path: Path, target_bytes: int) -> str:
    n = (target_bytes - 200) // 9
    path.write_text("n_questions = 30\nchance_accuracy = 0.0\n[splits.all]\nlengths = ["
                    + ", ".join(f"{1 + i % 999:.2f}" for i in range(n)) + "]\n", encoding="utf-8")
    return f"{n:,} task lengths"


def memory() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        small = SHARED / "metr" / "vintages" / "benchmark_results_1_1.2026-02-22.yaml"
        cases = [("baseline: METR headline YAML (16 KB)", small, "23 models", False)]
        made = [
            ("headline YAML at the markup limit", tmp / "benchmark_results_1_1.yaml",
             lambda p: headline_yaml(p, base.MAX_MARKUP_BYTES), False),
            ("run-level JSONL at the run and pair limits", tmp / "all_runs.jsonl",
             lambda p: runs_jsonl(p, 100, base.MAX_AGENT_TASKS // 100, base.MAX_RUNS), True),
            ("CSV table at the row limit", tmp / "all_data.csv", lambda p: csv_table(p, base.MAX_TABLE_ROWS), False),
            ("benchmark TOML at the markup limit", tmp / "aime.toml", lambda p: toml_lengths(p, base.MAX_MARKUP_BYTES), False),
            ("refused: 8,000 agents (as in issue 13)", tmp / "agents.jsonl", lambda p: runs_jsonl(p, 8_000, 1, 8_000 * 4),
             False),
            ("refused: 62 MB YAML (as in issue 13)", tmp / "huge.yaml", lambda p: headline_yaml(p, 62_000_000), False),
        ]
        for name, path, make, fit in made:
            cases.append((name, path, make(path), fit))
        print("peak resident memory of a fresh process ingesting one file into a new store:")
        base_mb = None
        for name, path, what, fit in cases:
            r = measure(path, fit)
            base_mb = base_mb or r["ingest_mb"]
            print(f"  {name:44s} {path.stat().st_size / 1e6:6.1f} MB  {what:38s} ingest {r['ingest_s']:6.2f} s"
                  f"  peak {r['ingest_mb']:6.0f} MB ({r['ingest_mb'] / base_mb:4.1f}x baseline)  {r['outcome']}")
            if r["fit_s"] is not None:
                print(f"  {'  + the fit update runs on it (1,000 replicates)':44s} {'':9s}  {'':38s} fit    {r['fit_s']:6.2f} s"
                      f"  peak {r['peak_mb']:6.0f} MB ({r['peak_mb'] / base_mb:4.1f}x baseline)")
    print(f"limits: markup {base.MAX_MARKUP_BYTES:,} bytes, {base.MAX_TABLE_ROWS:,} table rows, {base.MAX_RUNS:,} runs,"
          f" {base.MAX_AGENTS} agents, {base.MAX_TASKS:,} tasks, {base.MAX_AGENT_TASKS:,} agent-task pairs per file;"
          f" {load_config(env={}).max_bytes:,} bytes per file")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--memory", action="store_true", help="Peak memory of the largest accepted inputs instead.")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1772366400")
    if args.memory:
        memory()
    else:
        speed(args.repeat)


if __name__ == "__main__":
    main()
