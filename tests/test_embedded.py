"""The embedded default data in data/: faithful to the published files, cited on every row."""

from __future__ import annotations

import csv

import pytest

from horizon.config import PROJECT_DIR
from horizon.fit.api import fit_snapshot
from horizon.fit.results import FitOptions
from horizon.ingest import ingest
from horizon.sources import load_sources
from tests.conftest import METR, SHARED, VINTAGES

DATA = PROJECT_DIR / "data"
PAIRS = [
    (DATA / "metr" / "metr_headline_1_0.csv", METR / "benchmark_results_1_0.yaml"),
    (DATA / "metr" / "metr_headline_1_1_2026-01-30.csv", VINTAGES[0]),
    (DATA / "metr" / "metr_headline_1_1_2026-02-22.csv", VINTAGES[1]),
]


def test_every_embedded_row_has_a_source_url_and_a_citation():
    for path in load_sources(DATA).embedded:
        lines = path.read_text(encoding="utf-8").splitlines()
        rows = list(csv.DictReader(lines[1:]))
        assert rows, path
        assert all(r["source_url"].startswith("https://") and r["citation"] for r in rows), path


@pytest.mark.parametrize("embedded,published", PAIRS, ids=lambda p: p.name)
def test_embedded_headline_rows_equal_the_published_yaml(con, config, embedded, published):
    ingest(con, config, [str(embedded), str(published)])
    columns = "source_model, suite, level, estimate, ci_low, ci_high, is_sota, release_date, average_score"
    a, b = (con.execute(f"SELECT {columns} FROM published_horizons WHERE snapshot_id = ? ORDER BY ALL", [i]).fetchall()
            for i in (1, 2))
    assert a == b and len(a) > 0
    claims = [con.execute("SELECT window_name, point_estimate, ci_low, ci_high FROM publisher_doubling_times"
                          " WHERE snapshot_id = ? ORDER BY 1", [i]).fetchall() for i in (1, 2)]
    assert claims[0] == claims[1]
    labels = [r[0] for r in con.execute("SELECT publisher_label FROM snapshots ORDER BY snapshot_id").fetchall()]
    assert labels[0] == labels[1]


def test_embedded_aggregated_runs_fit_exactly_like_the_published_run_file(con, config):
    ingest(con, config, [str(DATA / "metr" / "metr_runs_2025-03.csv"), str(METR / "all_runs_2025-03.jsonl")])
    options = FitOptions(n_bootstrap=0)
    fits = [fit_snapshot(con, config, snapshot_id=i, options=options) for i in (1, 2)]
    by_agent = [{a.source_model: a for a in f.agents} for f in fits]
    assert by_agent[0].keys() == by_agent[1].keys()
    for name, a in by_agent[0].items():
        b = by_agent[1][name]
        assert (a.n_runs, a.n_tasks, a.status) == (b.n_runs, b.n_tasks, b.status)
        if a.status == "ok":
            assert a.beta0 == pytest.approx(b.beta0, rel=1e-9, abs=1e-12)
            assert a.beta1 == pytest.approx(b.beta1, rel=1e-9, abs=1e-12)


def test_embedded_cross_domain_horizons_equal_the_published_table(con, config):
    ingest(con, config, [str(DATA / "metr" / "metr_cross_domain_2025-07.csv"),
                         str(SHARED / "metr-cross-domain" / "all_data.csv")])
    columns = "benchmark, source_model, model_id, horizon_minutes, slope, slope_method, score, release_date"
    a, b = (con.execute(f"SELECT {columns} FROM benchmark_horizons WHERE snapshot_id = ? ORDER BY ALL", [i]).fetchall()
            for i in (1, 2))
    assert a == b and len(a) > 400
