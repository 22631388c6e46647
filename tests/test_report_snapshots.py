"""Pinned output: every chart's Vega-Lite spec and every table's HTML, built from the fixed store.

A change to a chart or table shows up as a diff of a readable file under tests/snapshots/report/.
After checking the diff is intended, regenerate with:

    HORIZON_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_report_snapshots.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from test_report_data import fixture_store

from horizon import __version__
from horizon.report.context import build_context
from horizon.report.export import spec_text
from horizon.report.pages import layout
from horizon.report.site import PAGE_BUILDERS

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots" / "report"
UPDATE = os.environ.get("HORIZON_UPDATE_SNAPSHOTS", "") not in ("", "0")
TABLE = re.compile(r'<table id="([^"]+)">.*?</table>', re.DOTALL)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    con, config = fixture_store(tmp_path_factory.mktemp("snap"))
    ctx = build_context(con, config)
    built = [build(ctx) for build in PAGE_BUILDERS]
    labels = {s.snapshot_id: s.vintage_label for s in ctx.snapshots}
    html = {p.filename: layout.render(p, version=__version__, snapshot_labels=labels, citations={}) for p in built}
    return built, html


def check(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        if not UPDATE:
            pytest.fail(f"{path} did not exist and was written: check it and re-run")
        return
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; if intended, re-run with HORIZON_UPDATE_SNAPSHOTS=1"


def chart_ids(pages) -> list[str]:
    return sorted(c.chart_id for p in pages[0] for c in p.charts)


EXPECTED_CHARTS = [
    "domains-horizons", "models-success-curves", "overview-p50", "overview-p80", "trends-backtest-p50",
    "trends-backtest-p80", "trends-forms-p50", "trends-forms-p80", "vintages-doubling", "vintages-p50", "vintages-p80",
]
EXPECTED_TABLES = [
    "changes-2-revisions", "domains-table", "fits-table", "forecast-intervals-p50", "forecast-intervals-p80", "models-fitted",
    "models-s2",
    "snapshots-table", "thresholds-table", "trend-forms-p50", "trend-forms-p80", "vintages-doubling-table",
    "vintages-p50-table",
]


def test_the_fixed_store_gives_every_chart(pages):
    assert chart_ids(pages) == EXPECTED_CHARTS


@pytest.mark.parametrize("chart_id", EXPECTED_CHARTS)
def test_chart_spec_matches_its_snapshot(pages, chart_id):
    spec = next(c.spec for p in pages[0] for c in p.charts if c.chart_id == chart_id)
    check(f"{chart_id}.vl.json", spec_text(spec))


@pytest.mark.parametrize("chart_id", EXPECTED_CHARTS)
def test_chart_spec_is_valid_vega_lite(pages, chart_id):
    import jsonschema
    from altair.vegalite.v6.schema import load_schema

    spec = next(c.spec for p in pages[0] for c in p.charts if c.chart_id == chart_id)
    jsonschema.validate(spec, load_schema())


def test_the_fixed_store_gives_every_table(pages):
    found = sorted(m.group(1) for text in pages[1].values() for m in TABLE.finditer(text))
    assert found == EXPECTED_TABLES


@pytest.mark.parametrize("table_id", EXPECTED_TABLES)
def test_table_html_matches_its_snapshot(pages, table_id):
    for text in pages[1].values():
        for m in TABLE.finditer(text):
            if m.group(1) == table_id:
                check(f"tables/{table_id}.html", m.group(0) + "\n")
                return
    pytest.fail(f"no table {table_id}")


def test_snapshot_files_are_all_still_produced():
    # A pinned file nobody checks any more would hide a chart or table that disappeared.
    pinned = {p.relative_to(SNAPSHOTS).as_posix() for p in SNAPSHOTS.rglob("*") if p.is_file()}
    expected = {f"{c}.vl.json" for c in EXPECTED_CHARTS} | {f"tables/{t}.html" for t in EXPECTED_TABLES}
    assert pinned == expected


def test_chart_data_is_inline_json_with_fixed_dates(pages):
    spec = next(c.spec for p in pages[0] for c in p.charts if c.chart_id == "overview-p50")
    text = json.dumps(spec)
    assert "2025-02-24" in text and "url" not in {k for layer in spec.get("layer", []) for k in layer.get("data", {})}
