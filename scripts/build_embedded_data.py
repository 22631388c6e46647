"""Write horizon's embedded default data (data/metr/*.csv) from published METR files.

Usage: python scripts/build_embedded_data.py ../shared/data

The output is our own format (horizon/formats/embedded.py) with a source URL and citation on
every row. Re-run it when a new published version should ship with horizon, then review the
diff: embedded rows are what `horizon update` uses offline.
"""

from __future__ import annotations

import collections
import csv
import io
import json
import sys
from pathlib import Path

from horizon.formats import cross_domain, embedded, metr_yaml

HEADLINE_URLS = {
    "1_0": "https://metr.org/assets/benchmark_results_1_0.yaml",
    "1_1": "https://metr.org/assets/benchmark_results_1_1.yaml",
}
RUNS_URL = "https://github.com/METR/eval-analysis-public/blob/19b0311/data/external/all_runs.jsonl"
RUNS_CITATION = (
    "Kwa et al. (2025), Measuring AI Ability to Complete Long Tasks, arXiv:2503.14499;"
    " METR eval-analysis-public all_runs.jsonl @19b0311, aggregated per agent and task"
)


def headline_csv(path: Path, version: str, url: str) -> str:
    parsed = metr_yaml.parse(path.read_text(encoding="utf-8"), str(path))
    citation = f"METR, time-horizon benchmark results, {version} as copied on that date from {url}"
    out = io.StringIO()
    out.write(f"{embedded.MAGIC}headline v1 {parsed.publisher_label}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(embedded.HEADLINE_COLUMNS)

    def cell(v):
        if v is None:
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        return repr(v) if isinstance(v, float) else str(v)

    for r in parsed.tables["published_horizons"]:
        writer.writerow([cell(v) for v in (
            "horizon", r["suite"], version, r["source_model"], r["release_date"], r["level"],
            r["estimate"], r["ci_low"], r["ci_high"], r["is_sota"], r["is_sota_level"],
            r["average_score"], "", url, citation)])
    for c in parsed.tables["publisher_doubling_times"]:
        writer.writerow([cell(v) for v in (
            "doubling_time", c["suite"], version, "", "", "", c["point_estimate"], c["ci_low"],
            c["ci_high"], "", "", "", c["window_name"], url, citation)])
    return out.getvalue()


def runs_csv(path: Path) -> str:
    cells: dict[tuple, list[int]] = collections.defaultdict(lambda: [0, 0])
    meta = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            key = (r["alias"], r["task_id"])
            cells[key][0] += 1
            cells[key][1] += int(r["score_binarized"])
            meta[key] = (r["task_family"], r["human_minutes"])
    out = io.StringIO()
    out.write(f"{embedded.MAGIC}runs v1\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(embedded.RUNS_COLUMNS)
    for key in sorted(cells):
        family, minutes = meta[key]
        writer.writerow([key[0], key[1], family, repr(float(minutes)), cells[key][0], cells[key][1], RUNS_URL, RUNS_CITATION])
    return out.getvalue()


CROSS_DOMAIN_URL = "https://github.com/METR/cross-domain-horizon/blob/e97c024/data/all_data.csv"
CROSS_DOMAIN_CITATION = (
    "METR (2025), How Does Time Horizon Vary Across Domains?; cross-domain-horizon data/all_data.csv"
    " @e97c024 (horizons converted from seconds to minutes; rows without a horizon left out)"
)


def cross_domain_csv(path: Path) -> str:
    parsed = cross_domain.parse(path.read_text(encoding="utf-8"), str(path))
    out = io.StringIO()
    out.write(f"{embedded.MAGIC}benchmark_horizons v1\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(embedded.BENCHMARK_COLUMNS)
    for r in parsed.tables["benchmark_horizons"]:
        writer.writerow([
            r["benchmark"], r["source_model"], repr(r["horizon_minutes"]),
            "" if r["slope"] is None else repr(r["slope"]), r["slope_method"] or "",
            "" if r["score"] is None else repr(r["score"]), r["release_date"] or "",
            CROSS_DOMAIN_URL, CROSS_DOMAIN_CITATION,
        ])
    return out.getvalue()


def main(shared: Path, out_dir: Path) -> None:
    metr = shared / "metr"
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "metr_headline_1_0.csv": headline_csv(metr / "benchmark_results_1_0.yaml", "METR-Horizon-v1.0 (2026-01-30)", HEADLINE_URLS["1_0"]),
    }
    for path in sorted((metr / "vintages").glob("benchmark_results_1_1.*.yaml")):
        day = path.name.split(".")[1]
        files[f"metr_headline_1_1_{day}.csv"] = headline_csv(path, f"METR-Horizon-v1.1 ({day})", HEADLINE_URLS["1_1"])
    files["metr_runs_2025-03.csv"] = runs_csv(metr / "all_runs_2025-03.jsonl")
    files["metr_cross_domain_2025-07.csv"] = cross_domain_csv(shared / "metr-cross-domain" / "all_data.csv")
    for name, text in files.items():
        (out_dir / name).write_text(text, encoding="utf-8")
        print(f"wrote {out_dir / name} ({text.count(chr(10)) - 2} rows)")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"), Path(__file__).resolve().parents[1] / "data" / "metr")
