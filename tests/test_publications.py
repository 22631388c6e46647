"""One publication, one vintage: our embedded copy and METR's own file of the same version are
two snapshots but one published version everywhere, under one suite label."""

from __future__ import annotations

from horizon.config import PROJECT_DIR
from horizon.ingest import ingest
from horizon.query import run_query
from tests.conftest import METR, SHARED, VINTAGES


def test_every_published_file_after_the_embedded_data_adds_copies_not_versions(con, config):
    embedded = sorted((PROJECT_DIR / "data" / "metr").glob("metr_headline_*.csv"))
    ingest(con, config, [str(p) for p in embedded])
    before = con.execute("SELECT count(*) FROM headline_snapshots").fetchone()[0]
    published = [METR / "benchmark_results_1_0.yaml", *VINTAGES, SHARED / "epoch" / "external_benchmark_metr.csv"]
    ingest(con, config, [str(p) for p in published])
    # Each METR file we embed is a copy of a version already there; nothing new to count.
    assert con.execute("SELECT count(*) FROM headline_snapshots").fetchone()[0] == before == len(embedded)
    copies = dict(con.execute("SELECT published_version, copies FROM publications").fetchall())
    assert set(copies.values()) == {2}, copies
    # The YAML copies carry the version and date their embedded twins name.
    yaml_versions = con.execute(
        "SELECT published_version FROM snapshot_versions WHERE origin LIKE '%.yaml' ORDER BY 1").fetchall()
    assert all(v[0] and "(20" in v[0] for v in yaml_versions), yaml_versions


def test_the_queries_list_each_version_once(con, config):
    ingest(con, config, [str(p) for p in sorted((PROJECT_DIR / "data" / "metr").glob("metr_headline_1_1_*.csv"))])
    ingest(con, config, [str(p) for p in VINTAGES])
    claims = run_query(config, "doubling_claims", con=con)
    windows = [(r[claims.columns.index("version")], r[claims.columns.index("window_name")]) for r in claims.rows]
    assert len(windows) == len(set(windows)) == 2 * len(VINTAGES)
    history = run_query(config, "model_history", {"model": "Claude Opus 4.6"}, con=con)
    assert len(history.rows) == len(VINTAGES)


def test_metr_suite_1_0_has_one_label_whichever_file_it_comes_from(con, config):
    ingest(con, config, [str(METR / "benchmark_results_1_0.yaml"), str(VINTAGES[-1])])
    suites = {r[0] for r in con.execute("SELECT DISTINCT suite FROM published_horizons").fetchall()}
    assert suites == {"METR-Horizon-v1.0", "METR-Horizon-v1.1"}
    labels = {r[0] for r in con.execute("SELECT publisher_label FROM snapshots").fetchall()}
    assert labels == {"METR-Horizon-v1.0", "METR-Horizon-v1.1"}


def test_after_update_every_file_in_shared_data_leaves_one_vintage_per_publication(updated, tmp_path):
    from horizon.store import connect
    from tests.conftest import copy_of_updated, run_cli
    from tests.test_ingest_all import shared_files

    db = copy_of_updated(updated, tmp_path)
    result = run_cli("--db", db, "ingest", *map(str, shared_files()), env=updated[1])
    assert result.exit_code == 0, result.output
    con = connect(db, read_only=True)
    try:
        rows = con.execute("SELECT published_version, copies FROM publications ORDER BY 1").fetchall()
    finally:
        con.close()
    # METR's four published versions, each once: our embedded copy and METR's own file.
    assert rows == [("METR-Horizon-v1.0 (2026-01-30)", 2), ("METR-Horizon-v1.1 (2026-01-30)", 2),
                    ("METR-Horizon-v1.1 (2026-02-22)", 2), ("METR-Horizon-v1.1 (2026-03-03)", 2)]
