"""What keeping stored model ids in line with data/models.toml costs a command that writes.

A store holding everything in ../shared/data is built once. Then, each timed against the
baseline of opening that store as every writing command did before (``connect``):
- opening it for writing when models.toml did not change (the check every command now pays);
- opening it after models.toml changed (one alias added, then removed again, so that every
  repetition re-maps every stored spelling in every table).

    python benchmarks/bench_remap.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from horizon.config import PROJECT_DIR, load_config
from horizon.ingest import ingest
from horizon.store import connect, open_for_writing

SHARED = PROJECT_DIR.parent / "shared" / "data"
NOT_MODELS = {"indicators", "scenarios", "README.md", "th1_1_task_human_minutes.json"}
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
EXTRA = '\n[models.bench-extra]\nname = "Bench extra"\naliases = ["o3_cua"]\n'


def timed(action, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = [p for p in sorted(SHARED.rglob("*")) if p.is_file() and not NOT_MODELS & {p.name, *p.relative_to(SHARED).parts}]
    original = (PROJECT_DIR / "data" / "models.toml").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        (data / "models.toml").write_text(original, encoding="utf-8")
        config = load_config(db=data / "h.duckdb", env={}, now=NOW, data_dir=data)
        con = connect(config.db_path)
        ingest(con, config, [str(p) for p in files])
        rows = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in ("model_aliases", "published_horizons", "runs", "benchmark_horizons", "benchmark_scores", "release_dates")}
        con.close()

        def plain():
            connect(config.db_path).close()

        def unchanged():
            open_for_writing(config).close()

        state = {"edited": False}

        def changed():
            state["edited"] = not state["edited"]
            (data / "models.toml").write_text(original + (EXTRA if state["edited"] else ""), encoding="utf-8")
            said = []
            open_for_writing(config, say=said.append).close()
            assert said and said[0].startswith("models.toml changed"), said

        base = timed(plain, args.repeat)
        same = timed(unchanged, args.repeat)
        remap = timed(changed, args.repeat)
    print(f"{len(files)} files ingested: " + ", ".join(f"{n:,} {t}" for t, n in rows.items()))
    print(f"median of {args.repeat} runs")
    print(f"  baseline: connect (as before)          {base:.3f} s   (1.0x)")
    print(f"  open for writing, models.toml same     {same:.3f} s   ({same / base:.1f}x)")
    print(f"  open for writing, models.toml changed  {remap:.3f} s   ({remap / base:.1f}x)")


if __name__ == "__main__":
    main()
