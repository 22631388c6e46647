"""Wall time of `horizon report` on the store an offline `horizon update` leaves: a fresh site
with an empty cache, a fresh site with a filled cache (bundle, chart specs, exported images),
and a rebuild into the same directory from unchanged data.

    python benchmarks/bench_report.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

CLI = [sys.executable, "-c", "from horizon.cli import main; main()"]


def timed(args: list[str], env: dict) -> float:
    t = time.perf_counter()
    subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        env = dict(os.environ, SOURCE_DATE_EPOCH="1772366400", HORIZON_OFFLINE="1",
                   HORIZON_REPORTS=os.path.join(root, "reports"), HORIZON_CACHE=os.path.join(root, "cache"))
        db = os.path.join(root, "h.duckdb")
        subprocess.run([*CLI, "--db", db, "update"], env=env, capture_output=True, check=True)
        cold, warm, rebuild = [], [], []
        for n in range(args.repeat):
            shutil.rmtree(env["HORIZON_CACHE"], ignore_errors=True)
            out = os.path.join(root, f"site{n}")
            cold.append(timed(["--db", db, "report", "--out", out], env))
            warm.append(timed(["--db", db, "report", "--out", out + "-again"], env))
            rebuild.append(timed(["--db", db, "report", "--out", out], env))
    for name, times in (("fresh site, empty cache", cold), ("fresh site, filled cache", warm),
                        ("rebuild, same directory", rebuild)):
        print(f"{name:26s} median {statistics.median(times):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
