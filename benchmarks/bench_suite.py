"""How long the test suite takes, against the suite of an earlier commit measured in the same run.

    python benchmarks/bench_suite.py                 # baseline: the suite when the one-home issue was filed
    python benchmarks/bench_suite.py --baseline REV  # any earlier commit
    python benchmarks/bench_suite.py --no-full       # skip the whole current suite (the slow part)

Three timings, all with this checkout's virtual environment:
- baseline: the earlier commit's whole suite, run as its `make test` ran it (one process), from a
  git worktree beside the same ../shared data;
- same tests: the tests of the baseline that still exist under the same name, run as this
  checkout's `make test` runs them (one worker per core, a file per worker), and in one process;
- full: this checkout's whole suite as `make test` runs it.
Wall times; ratios are baseline over current. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HORIZON_SHARED_DATA") or ROOT.parent / "shared" / "data")
BASELINE = "f1a6f0a"   # main when "One home for every rule" was filed: 587 tests
XDIST = ["-n", "auto", "--dist", "loadfile"]   # as the Makefile's test target


def pytest(cwd: Path, args: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """(wall seconds, pytest's last line) of one pytest run; a failing run stops the benchmark."""
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", "-q", *args]
    started = time.perf_counter()
    run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    last = (run.stdout.strip().splitlines() or [""])[-1]
    if run.returncode != 0:
        sys.exit(f"bench_suite: pytest failed in {cwd}: {last}\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    return took, last


def collected(cwd: Path, env: dict[str, str] | None = None) -> list[str]:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", "-q", "--co"]
    out = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if "::" in line]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help=f"earlier commit (default {BASELINE})")
    parser.add_argument("--no-full", action="store_true", help="skip this checkout's whole suite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_suite_") as tmp:
        old = Path(tmp) / "main"
        (Path(tmp) / "shared").symlink_to(SHARED.parent)   # the earlier tests find ../shared/data
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(old), args.baseline], check=True)
        try:
            # The worktree's package, for the tests and for the commands they start.
            old_env = {**os.environ, "PYTHONPATH": str(old)}
            old_ids = collected(old, old_env)
            now_ids = set(collected(ROOT))
            same = [i for i in old_ids if i in now_ids]
            print(f"baseline {args.baseline}: {len(old_ids)} tests; {len(same)} still exist under the same name;"
                  f" this checkout: {len(now_ids)} tests")
            ids_file = Path(tmp) / "same.txt"
            ids_file.write_text("\n".join(same) + "\n")

            base, line = pytest(old, [], old_env)
            print(f"baseline suite, one process:          {base:7.1f} s  ({line})")
            par, line = pytest(ROOT, [*XDIST, f"@{ids_file}"])
            print(f"same tests now, as make test runs:    {par:7.1f} s  ({line})  {base / par:.2f}x")
            one, line = pytest(ROOT, [f"@{ids_file}"])
            print(f"same tests now, one process:          {one:7.1f} s  ({line})  {base / one:.2f}x")
            if not args.no_full:
                full, line = pytest(ROOT, XDIST)
                print(f"whole suite now, as make test runs:   {full:7.1f} s  ({line})  {base / full:.2f}x")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=False)


if __name__ == "__main__":
    main()
