"""What changed: between publications of METR's headline, and in one `horizon update` run.
Figures expected here are read from METR's own files, never from the code under test."""

from __future__ import annotations

import json
import shutil

import pytest

from horizon.changes import capture, changes_since, publication_changes, publications
from horizon.cli.update import change_lines
from horizon.config import PROJECT_DIR, load_config
from horizon.formats.yamltext import load_yaml
from horizon.ingest import ingest
from horizon.store import connect
from tests.conftest import VINTAGE, VINTAGES, copy_of_updated, run_cli

OPUS_46 = "claude_opus_4_6_inspect"


def published(date: str) -> dict:
    """METR's YAML of one 1.1 version, parsed."""
    path = VINTAGE[date]
    return load_yaml(path.read_text(encoding="utf-8"), str(path))


def p50(doc: dict, key: str) -> float:
    return float(doc["results"][key]["metrics"]["p50_horizon_length"]["estimate"])


def claimed_doubling(doc: dict) -> float:
    return float(doc["doubling_time_in_days"]["from_2023_on"]["point_estimate"])


def change_of(changes, date: str):
    (found,) = [c for c in changes if c.publication.version_date.isoformat() == date
                and c.publication.suite == "METR-Horizon-v1.1"]
    return found


def test_each_publication_is_compared_with_the_previous_version_of_its_suite(updated, tmp_path):
    path = copy_of_updated(updated, tmp_path)
    con = connect(path)
    try:
        config = load_config(db=path, env={}, cache_dir=tmp_path / "cache")
        # METR's own files of versions already embedded: copies, which must not count twice.
        ingest(con, config, [str(p) for p in VINTAGES])
        changes = publication_changes(con)
        assert len(changes) == len(publications(con)) == con.execute("SELECT count(*) FROM publications").fetchone()[0]
        old, new = published("2026-02-22"), published("2026-03-03")
        fix = change_of(changes, "2026-03-03")
        assert fix.previous.version_date.isoformat() == "2026-02-22"
        (opus,) = [r for r in fix.revisions if r.model == "Claude Opus 4.6" and r.level == 50]
        assert opus.old_minutes == pytest.approx(p50(old, OPUS_46))
        assert opus.new_minutes == pytest.approx(p50(new, OPUS_46))
        assert round(opus.pct_change, 1) == round((p50(new, OPUS_46) / p50(old, OPUS_46) - 1) * 100, 1) == -17.4
        # Same 23 models: nothing added or dropped, and the revisions list only what moved.
        assert fix.models_added == fix.models_dropped == ()
        moved = sum(p50(old, k) != p50(new, k) for k in new["results"])
        assert sum(r.level == 50 for r in fix.revisions) == moved
        # Only the newest version has a canonical trend here: both sides are METR's figures.
        assert (fix.doubling_then.source, fix.doubling_now.source) == ("publisher", "publisher")
        assert fix.doubling_then.days == pytest.approx(claimed_doubling(old))
        assert fix.doubling_now.days == pytest.approx(claimed_doubling(new))
        # 2026-01-30 -> 2026-02-22 added models; the oldest version of each suite has no previous one.
        first = published("2026-01-30")
        assert len(change_of(changes, "2026-02-22").models_added) == len(old["results"]) - len(first["results"]) > 0
        assert change_of(changes, "2026-01-30").previous is None
    finally:
        con.close()


def test_the_first_update_says_every_publication_is_new(updated):
    changes = updated[2]["changes"]
    assert changes["changed"] and changes["headline_before"] is None
    assert len(changes["new_publications"]) == 4  # METR 1.0 and the three 1.1 versions embedded
    assert changes["doubling_after"]["fit_id"] == updated[2]["stages"]["trend"]["trend_fit_id"]


@pytest.fixture(scope="module")
def superseded(tmp_path_factory):
    """An updated store that knew only the 2026-02-22 version, then an update that brings the
    2026-03-03 correction: (store before, store after, env, update --json output)."""
    root = tmp_path_factory.mktemp("superseded")
    data = root / "data"
    shutil.copytree(PROJECT_DIR / "data", data)
    sources = data / "sources.toml"
    sources.write_text("".join(line for line in sources.read_text().splitlines(keepends=True)
                               if "2026-03-03" not in line))
    env = {"HORIZON_OFFLINE": "1", "SOURCE_DATE_EPOCH": "1772366400", "HORIZON_REPORTS": str(root / "reports")}
    db = str(root / "h.duckdb")
    result = run_cli("--db", db, "update", env=env | {"HORIZON_DATA": str(data)})
    assert result.exit_code == 0, result.output
    shutil.copy(db, root / "before.duckdb")
    result = run_cli("--db", db, "update", "--json", env=env)
    assert result.exit_code == 0, result.output
    return root / "before.duckdb", db, env, json.loads(result.stdout)["changes"]


def test_an_update_that_brings_a_correction_reports_the_revisions_and_the_doubling_time(superseded):
    _, db, _, changes = superseded
    old, new = published("2026-02-22"), published("2026-03-03")
    assert changes["changed"]
    (pub,) = changes["new_publications"]
    assert pub["publication"]["version_date"] == "2026-03-03"
    assert pub["previous"]["version_date"] == "2026-02-22"
    assert changes["headline_before"]["version_date"] == "2026-02-22"
    assert changes["headline_after"]["version_date"] == "2026-03-03"
    opus = [r for r in pub["revisions"] if r["model"] == "Claude Opus 4.6" and r["level"] == 50][0]
    assert (opus["old_minutes"], opus["new_minutes"]) == pytest.approx((p50(old, OPUS_46), p50(new, OPUS_46)))
    # The canonical trend moved from a fit on the old version to one on the new, as stored.
    before, after = changes["doubling_before"], changes["doubling_after"]
    con = connect(db)
    try:
        stored = dict(con.execute("SELECT fit_id, doubling_days FROM trend_fits WHERE form = 'exponential'"
                                  " AND level = 50 AND source_kind = 'published'").fetchall())
        snapshot_dates = dict(con.execute("SELECT snapshot_id, version_date FROM snapshot_versions").fetchall())
    finally:
        con.close()
    assert before["fit_id"] != after["fit_id"]
    assert (before["days"], after["days"]) == (stored[before["fit_id"]], stored[after["fit_id"]])
    assert snapshot_dates[after["snapshot_id"]].isoformat() == "2026-03-03"
    assert changes["doubling_pct_change"] == pytest.approx((after["days"] / before["days"] - 1) * 100)
    # Both versions now have a canonical fit, so the publication compares ours with ours.
    assert (pub["doubling_then"]["fit_id"], pub["doubling_now"]["fit_id"]) == (before["fit_id"], after["fit_id"])


def test_the_text_names_each_revision_with_its_percent_change(superseded):
    before_db, db, _, _ = superseded
    old, new = published("2026-02-22"), published("2026-03-03")
    con = connect(str(before_db))
    try:
        state = capture(con)
    finally:
        con.close()
    con = connect(db)
    try:
        lines = change_lines(changes_since(con, state))
    finally:
        con.close()
    assert lines[0] == "Changes since the previous update:"
    o, n = p50(old, OPUS_46), p50(new, OPUS_46)
    assert f"      Claude Opus 4.6 p50: {o:,.1f} -> {n:,.1f} min ({(n / o - 1) * 100:+.1f}%)" in lines
    assert any(line.startswith("  doubling time (canonical 50% trend): ") for line in lines)


def test_an_update_with_nothing_new_says_so(superseded, tmp_path):
    _, db, env, _ = superseded
    path = tmp_path / "h.duckdb"
    shutil.copy(db, path)
    result = run_cli("--db", str(path), "update", env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "No change since the previous update."
