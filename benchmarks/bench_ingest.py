"""How long ingesting all of ../shared/data takes, against a baseline measured in the same run.

Baseline: reading and parsing the same files with the plain libraries (json, yaml, csv,
tomllib) and nothing else: the floor that detection, validation, hashing and the DuckDB
transaction add to.

    python benchmarks/bench_ingest.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import tempfile
import time
import tomllib
from pathlib import Path

import yaml

from horizon.config import PROJECT_DIR, load_config
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = sorted(p for p in SHARED.rglob("*") if p.is_file() and p.name != "README.md")
    size = sum(p.stat().st_size for p in files)
    times = {"baseline (parse only)": [], "horizon ingest": []}
    rows = 0
    for _ in range(args.repeat):
        t = time.perf_counter()
        baseline(files)
        times["baseline (parse only)"].append(time.perf_counter() - t)
        t = time.perf_counter()
        rows = ours(files)
        times["horizon ingest"].append(time.perf_counter() - t)
    print(f"{len(files)} files, {size / 1e6:.1f} MB, {rows:,} rows; median of {args.repeat} runs")
    base = statistics.median(times["baseline (parse only)"])
    for name, values in times.items():
        med = statistics.median(values)
        print(f"  {name:24s} {med:7.3f} s   ({med / base:.1f}x baseline)")


if __name__ == "__main__":
    main()
