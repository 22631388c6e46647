"""Every file in ../shared/data ingests; snapshots account for every row; again is a no-op."""

from __future__ import annotations

from horizon.ingest import ingest
from tests.conftest import SHARED, table_counts

DATA_TABLES = ["published_horizons", "publisher_doubling_times", "runs", "release_dates",
               "benchmark_horizons", "benchmark_scores", "benchmark_tasks", "benchmark_meta",
               "indicator_values", "rct_issues", "suite_tasks"]


# Kinds of published data horizon does not read yet (each a file format of its own).
NOT_YET_READ = ("scenarios/",)


def shared_files():
    return sorted(p for p in SHARED.rglob("*") if p.is_file() and p.name != "README.md"
                  and not p.relative_to(SHARED).as_posix().startswith(NOT_YET_READ))


def test_every_published_file_ingests_as_its_own_snapshot_and_again_changes_nothing(con, config):
    files = shared_files()
    results = ingest(con, config, [str(p) for p in files])
    assert len(results) == len(files) and all(r.new for r in results)
    assert con.execute("SELECT count(*) FROM snapshots").fetchone()[0] == len(files)
    # Each snapshot's row count is exactly the rows stored under it, across all tables.
    stored = {}
    for table in DATA_TABLES:
        for sid, n in con.execute(f"SELECT snapshot_id, count(*) FROM {table} GROUP BY 1").fetchall():
            stored[sid] = stored.get(sid, 0) + n
    assert {r.snapshot_id: r.rows for r in results} == {r.snapshot_id: stored.get(r.snapshot_id, 0) for r in results}
    assert all(r.rows > 0 for r in results)
    before = table_counts(con)
    again = ingest(con, config, [str(p) for p in files])
    assert not any(r.new for r in again)
    assert table_counts(con) == before
