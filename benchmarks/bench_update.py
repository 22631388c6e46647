"""Wall time of the main job, `horizon update --offline`, on the embedded data in a fresh
directory (ingest, fit, trends, report), and the share of it spent importing modules.

Baseline, measured in the same run: `python -c pass`, the interpreter's own start-up.
The import share comes from `python -X importtime` on the same command: the sum of the
cumulative times of the top-level imports. Peak memory is the largest resident set of any
update process (ru_maxrss of the children), against `python -c pass`'s.

    python benchmarks/bench_update.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

CLI = [sys.executable, "-c", "from horizon.cli import main; main()", "update", "--offline"]


def timed(cmd: list[str], cwd: str, env: dict) -> tuple[float, str]:
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - t, done.stderr


def import_seconds(stderr: str) -> float:
    total = 0
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line.split("|")
        name = parts[2]
        if parts[1].strip().isdigit() and name.startswith(" ") and not name.startswith("  "):
            total += int(parts[1])  # cumulative microseconds of a top-level import
    return total / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ, SOURCE_DATE_EPOCH="1772366400", HORIZON_OFFLINE="1")
    env.pop("HORIZON_DB", None)
    walls, rebuilds, starts, imports = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:  # before any update: the children's peak so far is python's own
        timed([sys.executable, "-c", "pass"], tmp, env)
        start_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            starts.append(timed([sys.executable, "-c", "pass"], tmp, env)[0])
            walls.append(timed(CLI, tmp, env)[0])
            rebuilds.append(timed(CLI, tmp, env)[0])
        with tempfile.TemporaryDirectory() as tmp:
            _, err = timed([sys.executable, "-X", "importtime", *CLI[1:]], tmp, env)
            imports.append(import_seconds(err))
    wall, again, start, imp = (statistics.median(v) for v in (walls, rebuilds, starts, imports))
    print(f"horizon update --offline on the embedded data, median of {args.repeat} runs:")
    print(f"  fresh directory (ingest, fit, trends, report): {wall:6.2f} s")
    print(f"  again on the same store (nothing new):         {again:6.2f} s")
    print(f"  of the fresh run, importing modules:           {imp:6.2f} s ({imp / wall:.0%})")
    print(f"  baseline, python -c pass:                      {start:6.2f} s ({wall / start:.0f}x)")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"  peak memory of an update process:              {peak:6.0f} MB ({peak / start_rss:.0f}x python -c pass's {start_rss:.0f} MB)")


if __name__ == "__main__":
    main()
