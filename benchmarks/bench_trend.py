"""Speed of the trend statistics on METR's 2026-03-03 frontier (14 models from 2023), with
baselines measured in the same run.

- statsmodels: importing it (in a fresh interpreter), against `python -c pass`; and that
  `horizon --help` does not import it.
- The headline interval: OLS t through statsmodels (the default), against the wild bootstrap
  of 10,000 draws that was the default before the coverage study.
- One trend analysis with default options (four forms, 80% and 95% intervals, backtests,
  the break test), and the break test with and without its leave-one-out repetitions.
- The coverage study `horizon update` stores (6 methods x 4 sizes x 3 scenarios, 4,000 data
  sets each, 499 bootstrap replicates).
- Forecasts of every threshold in data/thresholds.toml from the 50% trend, both intervals.

With ``--update-against SRC`` it also times `horizon update --offline` in a fresh directory
(and again on the same store) with this tree and with the horizon source tree SRC (e.g. an
older commit: ``git archive f1a6f0a | tar -x -C /tmp/base``), runs interleaved, each with its
own embedded data.

    python benchmarks/bench_trend.py [--repeat 5] [--update-against /tmp/base]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
VINTAGE = ROOT.parent / "shared" / "data" / "metr" / "vintages" / "benchmark_results_1_1.2026-03-03.yaml"


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def fresh(code: str, repeat: int) -> float:
    return best(lambda: subprocess.run([sys.executable, "-c", code], check=True, capture_output=True), repeat)


def _update(src: Path | None) -> tuple[float, float]:
    """Seconds of `horizon update --offline` in a fresh directory, then again on its store."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1772366400", HORIZON_OFFLINE="1",
               HORIZON_DATA=str((src or ROOT) / "data"))
    env.pop("HORIZON_DB", None)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    cmd = [sys.executable, "-c", "from horizon.cli import main; main()", "update", "--offline"]
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for _ in range(2):
            t = time.perf_counter()
            subprocess.run(cmd, cwd=tmp, env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - t)
    return times[0], times[1]


def update_against(src: Path, repeat: int) -> None:
    runs = {"baseline": [], "this tree": []}
    for _ in range(repeat):
        runs["baseline"].append(_update(src))
        runs["this tree"].append(_update(None))
    fresh = {k: statistics.median(v[0] for v in runs[k]) for k in runs}
    again = {k: statistics.median(v[1] for v in runs[k]) for k in runs}
    print(f"horizon update --offline, median of {repeat} interleaved runs; baseline: {src}")
    for k in runs:
        print(f"  {k:10} fresh {fresh[k]:6.2f} s ({fresh[k] / fresh['baseline']:.2f}x)"
              f"   again {again[k]:6.2f} s ({again[k] / again['baseline']:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--update-against", type=Path, default=None, metavar="SRC")
    args = parser.parse_args()
    r = args.repeat
    if args.update_against is not None:
        update_against(args.update_against, r)

    from horizon.trend import calibration, intervals
    from horizon.trend.analysis import TrendSpec, analyse
    from horizon.trend.breaks import break_test
    from horizon.trend.forecast import Forecaster
    from horizon.trend.frontier import select_points
    from horizon.trend.points import Point
    from horizon.trend.thresholds import load_thresholds

    doc = yaml.safe_load(VINTAGE.read_text(encoding="utf-8"))
    points = [Point(k, k, row["release_date"], row["metrics"]["p50_horizon_length"]["estimate"],
                    row["metrics"]["p50_horizon_length"]["ci_low"], row["metrics"]["p50_horizon_length"]["ci_high"],
                    row.get("benchmark_name"), row["metrics"].get("is_sota"))
              for k, row in doc["results"].items()]
    used = select_points(points, date(2023, 1, 1)).used
    x = np.array([p.x for p in used])
    y = np.log([p.estimate for p in used])
    ci_lo, ci_hi = [p.ci_low for p in used], [p.ci_high for p in used]
    print(f"{VINTAGE.name}: {len(used)} frontier models from 2023; median of {r} runs")

    start = fresh("pass", r)
    sm = fresh("import statsmodels.regression.linear_model", r)
    helped = fresh("from horizon.cli import main, register_commands; register_commands();"
                   " import sys; assert 'statsmodels' not in sys.modules", r)
    print(f"  python -c pass                                   {start:8.3f} s   (baseline)")
    print(f"  import statsmodels (fresh interpreter)           {sm:8.3f} s   ({sm / start:.0f}x)")
    print(f"  horizon CLI start-up, statsmodels not imported    {helped:8.3f} s   ({helped / start:.0f}x)")

    intervals.analytic(x, y)   # statsmodels imported once, outside the timings
    ols_t = best(lambda: intervals.analytic(x, y), r)
    wild = best(lambda: intervals.from_draws(intervals.headline_draws(x, y, ci_lo, ci_hi, "wild_bootstrap", 10_000, 0)), r)
    print(f"  headline interval, old default wild bootstrap     {wild * 1e3:8.2f} ms  (baseline)")
    print(f"  headline interval, ols_t through statsmodels      {ols_t * 1e3:8.2f} ms  ({ols_t / wild:.2f}x)")

    spec = TrendSpec()
    whole = best(lambda: analyse(points, spec), r)
    ids = [p.model_id for p in used]
    plain = best(lambda: break_test(x, y, spec.n_break_boot, 0), r)
    loo = best(lambda: break_test(x, y, spec.n_break_boot, 0, ids), r)
    print(f"  analyse, default options (4 forms, both levels)   {whole:8.3f} s")
    print(f"  break test, 999 null draws x 2 nulls              {plain:8.3f} s   (baseline)")
    print(f"  break test with leave-one-out (14 more)           {loo:8.3f} s   ({loo / plain:.1f}x)")

    design = calibration.design_from_points(used)
    study = best(lambda: calibration.coverage_study(design, n_datasets=4000, n_boot=499), max(1, r // 2))
    print(f"  coverage study (update's: 6 x 4 x 3, 4,000 sets)  {study:8.3f} s")

    result = analyse(points, spec)
    thresholds = [t for t in load_thresholds(ROOT / "data" / "thresholds.toml") if t.level == 50]

    def forecasts():
        for f in result.forms:
            if f.fit is not None and f.status.ok:
                fc = Forecaster(f.fit, f.draws, f.interval_method, x, y)
                for t in thresholds:
                    fc.forecast(t, date(2026, 3, 1), 960.0)

    took = best(forecasts, r)
    print(f"  forecasts, {len(thresholds)} thresholds x forms, both intervals   {took:8.3f} s")


if __name__ == "__main__":
    main()
