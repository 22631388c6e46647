"""Wall time of `horizon report` on the store an offline `horizon update` leaves: a fresh site
with an empty cache, a fresh site with a filled cache (bundle, chart specs, exported images),
and a rebuild into the same directory from unchanged data.

    python benchmarks/bench_report.py [--repeat 3]

Measured on the shared 2-core machine (load average about 4), two rounds of --repeat 2 each,
alternating the code before the atomic build (building in place, images reused from the old
site) and after it (fresh directory swapped in, images reused from the verified cache):

                              before            after
    fresh site, empty cache   7.36 s, 8.82 s    6.88 s, 9.70 s
    fresh site, filled cache  5.44 s, 5.58 s    2.44 s, 2.94 s
    rebuild, same directory   2.20 s, 2.42 s    2.59 s, 2.87 s

A rebuild now writes every file again (nothing is kept from the old site); in one process
(build_site three times, no start-up) it took 1.32-1.48 s before and 1.37-1.57 s after.
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
