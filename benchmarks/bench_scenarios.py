"""Wall time of the scenario model (`horizon scenarios`) on the embedded METR 1.1 headline data:
the four scenarios over 1,000 draws of the 80% trend, stored; with the published indicators;
and with the parameters drawn over their ranges too.

Baseline, measured in the same run on the same store: fitting and storing the 80% trend itself
(`horizon trend --level 80`: every form, the backtests and the break test), the stage of
`horizon update` the scenarios stage sits beside.

    python benchmarks/bench_scenarios.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from horizon.config import PROJECT_DIR, load_config
from horizon.ingest import ingest_bytes
from horizon.scenarios import api
from horizon.scenarios.files import load_parameters
from horizon.scenarios.run import ScenarioOptions
from horizon.store import connect
from horizon.trend.analysis import TrendSpec
from horizon.trend.api import run_trend

HEADLINE = "data/metr/metr_headline_1_1_2026-03-03.csv"
INDICATORS = PROJECT_DIR.parent / "shared" / "data" / "indicators"


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(db=Path(tmp) / "h.duckdb", env={}, now=datetime(2026, 3, 1, 12, tzinfo=UTC))
        con = connect(config.db_path)
        ingest_bytes(con, config, [(HEADLINE, (PROJECT_DIR / HEADLINE).read_bytes())])
        params = load_parameters(PROJECT_DIR / "data" / "scenarios.toml", origin="data/scenarios.toml")
        evidence = api.evidence_from_files(INDICATORS) if INDICATORS.is_dir() else None

        def scenarios(options=None, ev=None):
            return lambda: api.run_prepared(con, config, api.prepare(con, config, params, options, None, ev))

        run_trend(con, config, TrendSpec(level=80))   # warm up imports and caches for both
        scenarios()()
        baseline = median_time(lambda: run_trend(con, config, TrendSpec(level=80)), args.repeat)
        plain = median_time(scenarios(), args.repeat)
        rows = [("baseline: the 80% trend fit (horizon trend --level 80)", baseline),
                ("scenarios, 1,000 draws (the update stage)", plain)]
        if evidence is not None:
            rows.append(("scenarios + evidence (47 indicator readings)", median_time(scenarios(ev=evidence), args.repeat)))
        rows.append(("scenarios, parameters drawn too (--param-draws)",
                     median_time(scenarios(ScenarioOptions(param_draws=True)), args.repeat)))
        con.close()
    print(f"scenario model on {HEADLINE}, median of {args.repeat} runs (each fits and stores):")
    for label, seconds in rows:
        print(f"  {label:<56} {seconds:6.2f} s  ({seconds / baseline:.1f}x baseline)")


if __name__ == "__main__":
    main()
