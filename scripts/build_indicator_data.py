"""Regenerate horizon's embedded indicator data in data/indicators/ from the published files.

    python scripts/build_indicator_data.py [SHARED_DATA_DIR]

Reads the publishers' files (default ../shared/data) with horizon's own parsers and writes, each
row with its source URL and citation:
- data/indicators/indicators.csv: every series of indicators/*.csv, plus METR's published RCT
  headline (+19%, 95% CI 1.3% to 39.5%);
- data/indicators/rct_issues.csv: the RCT's 246 issues;
- data/indicators/ladder_scores.csv: the Epoch AI tables of the ladder's score benchmarks
  (data/ladder.toml), with release dates from Epoch's model_versions.csv or data/models.toml.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from horizon.formats import indicators as fmt  # noqa: E402
from horizon.formats.epoch import parse as parse_epoch  # noqa: E402
from horizon.indicators.config import load_ladder  # noqa: E402
from horizon.models import load_registry  # noqa: E402

RCT_HEADLINE = dict(
    series="metr_rct_2025", entity="16 experienced open-source developers (246 issues)", date="2025-07-10",
    date_precision="day", period="", date_known="1", value="19", unit="pct_time_change", ci_low="1.3",
    ci_high="39.5", ci_level="0.95", fit_use="0",
    method="METR's published estimate: OLS of ln(total time) on AI allowed and ln(forecast time without AI)",
    caveat="early-2025 tools (mostly Cursor Pro with Claude 3.5/3.7 Sonnet) on developers' own mature repositories;"
           " 16 developers; the developers believed AI had sped them up by 20%",
    note="published 2025-07-10; the trial ran February-June 2025; positive = slower with AI", source_url=fmt.RCT_URL,
    citation="Becker, Rush, Barnes and Rein (2025), Measuring the Impact of Early-2025 AI on Experienced Open-Source"
             " Developer Productivity, arXiv:2507.09089",
)


def _csv(kind: str, columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    out.write(f"{fmt.MAGIC}{kind} v1\n")
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def main(shared: Path) -> None:
    out_dir = ROOT / "data" / "indicators"
    rows = []
    for name in ("anthropic_rd_automation_index.csv", "openai_experiment_velocity.csv", "lab_internal_indicators.csv"):
        path = shared / "indicators" / name
        parsed = fmt.parse(path.read_text(encoding="utf-8"), f"indicators/{name}")
        for r in parsed.tables["indicator_values"]:
            row = {c: _text(r.get(c)) for c in fmt.INDICATOR_COLUMNS if c != "citation"}
            row["citation"] = f"{parsed.citation}; horizon copy of {name} (see data/README in the shared data)"
            rows.append(row)
    rows.append(RCT_HEADLINE)
    (out_dir / "indicators.csv").write_text(_csv("indicators", fmt.INDICATOR_COLUMNS, rows), encoding="utf-8")

    rct = fmt.parse((shared / "indicators" / "metr_uplift_rct_2025.csv").read_text(encoding="utf-8"), "rct")
    issues = [{**{c: _text(r.get(c)) for c in fmt.RCT_ISSUE_COLUMNS if c != "citation"}, "citation": rct.citation}
              for r in rct.tables["rct_issues"]]
    (out_dir / "rct_issues.csv").write_text(_csv("rct_issues", fmt.RCT_ISSUE_COLUMNS, issues), encoding="utf-8")

    registry = load_registry(ROOT / "data" / "models.toml")
    by_id = {m.model_id: m for m in registry.models}
    versions = parse_epoch((shared / "epoch" / "model_versions.csv").read_text(encoding="utf-8-sig"), "model_versions.csv")
    wanted = {(b.benchmark, b.score_metric) for b in load_ladder(ROOT / "data").benchmarks if b.source == "benchmark_scores"}
    scores = []
    for path in sorted((shared / "epoch").glob("external_benchmark_*.csv")):
        parsed = parse_epoch(path.read_text(encoding="utf-8-sig"), path.name)
        for r in parsed.tables.get("benchmark_scores", []):
            if (r["benchmark"], r["metric"]) not in wanted:
                continue
            model = by_id.get(registry.resolve(r["source_model"]))
            released = versions.release_dates.get(r["source_model"]) or (model.release_date if model else None)
            scores.append(dict(benchmark=r["benchmark"], model=r["source_model"], agent=r["agent"] or "",
                               metric=r["metric"], value=repr(r["value"]), unit="fraction",
                               release_date=released.isoformat() if released else "", source=r["source"] or "",
                               source_url=r["source_link"] if (r["source_link"] or "").startswith("https://")
                               else "https://epoch.ai/data",
                               citation=f"Epoch AI benchmarking hub, {path.name} (CC BY 4.0, https://epoch.ai/data)"))
    (out_dir / "ladder_scores.csv").write_text(_csv("benchmark_scores", fmt.SCORE_COLUMNS, scores), encoding="utf-8")
    print(f"wrote {len(rows)} indicator rows, {len(issues)} RCT issues, {len(scores)} ladder scores to {out_dir}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
