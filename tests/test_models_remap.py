"""Editing data/models.toml re-maps the rows already stored: the next command that writes
re-resolves every stored spelling in one transaction and says so; read-only commands never write."""

from __future__ import annotations

import json
from datetime import date

import pytest

from horizon import models as models_module
from horizon.config import load_config
from horizon.models import load_registry, registry_path, remap_store, stored_registry
from horizon.store import connect, open_for_writing
from tests.conftest import FIXED_NOW, VINTAGE, run_cli

HEADLINE = VINTAGE["2026-02-22"]  # METR 1.1 as published on 2026-02-22: Claude Opus 4.6 at 870.027 min
OPUS = """\
[models.claude-opus-4-6]
name = "Claude Opus 4.6"
organisation = "Anthropic"
release_date = 2026-02-05
aliases = [{aliases}]
"""
BEFORE = OPUS.format(aliases='"claude_opus_4_6"')  # the file's key, claude_opus_4_6_inspect, is not mapped
AFTER = OPUS.format(aliases='"claude_opus_4_6", "claude_opus_4_6_inspect"')


def dump(con) -> dict[str, list]:
    """Every row of the tables model identity touches, sorted: the store 'as it was'."""
    tables = [r[0] for r in con.execute(
        "SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = 'main'"
        " AND (column_name = 'model_id' OR table_name = 'model_registries') ORDER BY 1").fetchall()]
    return {t: sorted(map(repr, con.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables}


def file_dump(path) -> dict[str, list]:
    con = connect(path, read_only=True)
    try:
        return dump(con)
    finally:
        con.close()


@pytest.fixture
def store(tmp_path):
    """A store holding one METR headline file, ingested while models.toml did not map Opus 4.6's key."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "models.toml").write_text(BEFORE, encoding="utf-8")
    env = {"HORIZON_DATA": str(data), "SOURCE_DATE_EPOCH": "1772366400"}
    db = str(tmp_path / "h.duckdb")
    assert run_cli("--db", db, "ingest", str(HEADLINE), env=env).exit_code == 0
    return db, data, env


def published_ids(db, source_model):
    con = connect(db, read_only=True)
    try:
        return {r[0] for r in con.execute(
            "SELECT model_id FROM published_horizons WHERE source_model = ?", [source_model]).fetchall()}
    finally:
        con.close()


def test_an_alias_added_after_ingest_maps_the_stored_rows_to_the_canonical_model_everywhere(store):
    db, data, env = store
    assert published_ids(db, "claude_opus_4_6_inspect") == {"unmapped:claude-opus-4-6-inspect"}
    (data / "models.toml").write_text(AFTER, encoding="utf-8")

    result = run_cli("--db", db, "ingest", str(HEADLINE), env=env)  # nothing new to ingest: only the re-map writes

    assert result.exit_code == 0
    assert result.stderr == "models.toml changed: re-mapped 1 spelling (1 model)\n"
    assert published_ids(db, "claude_opus_4_6_inspect") == {"claude-opus-4-6"}
    unmapped = json.loads(run_cli("--db", db, "models", "--unmapped", "--json", env=env).stdout)["models"]
    assert "unmapped:claude-opus-4-6-inspect" not in {m["model_id"] for m in unmapped}
    assert all("claude_opus_4_6_inspect" not in m["spellings"] for m in unmapped)
    history = json.loads(run_cli("--db", db, "query", "model_history", "--param", "model=Claude Opus 4.6",
                                 "--json", env=env).stdout)["rows"]
    assert [(r["model_id"], r["source_model"], r["p50_minutes"]) for r in history] == [
        ("claude-opus-4-6", "claude_opus_4_6_inspect", pytest.approx(870.027, abs=5e-4))]
    latest = json.loads(run_cli("--db", db, "query", "latest_horizons", "--json", env=env).stdout)["rows"]
    assert "claude-opus-4-6" in {r["model_id"] for r in latest}
    listed = json.loads(run_cli("--db", db, "models", "--json", env=env).stdout)["models"]
    opus = next(m for m in listed if m["model_id"] == "claude-opus-4-6")
    assert "claude_opus_4_6_inspect" in opus["spellings"] and opus["curated"]


def test_re_mapping_is_idempotent_and_silent_once_the_store_follows_the_registry(store):
    db, data, env = store
    (data / "models.toml").write_text(AFTER, encoding="utf-8")
    assert run_cli("--db", db, "models", "--remap", env=env).stderr.startswith("models.toml changed")
    before = file_dump(db)

    again = run_cli("--db", db, "ingest", str(HEADLINE), env=env)

    assert again.exit_code == 0 and again.stderr == ""
    assert file_dump(db) == before


def test_a_comment_or_layout_edit_of_models_toml_is_not_a_change(store):
    db, data, env = store
    before = file_dump(db)
    (data / "models.toml").write_text("# a comment\n\n" + BEFORE.replace("aliases = [", "aliases = [ "), encoding="utf-8")
    result = run_cli("--db", db, "ingest", str(HEADLINE), env=env)
    assert result.stderr == "" and file_dump(db) == before


def test_read_only_commands_say_the_store_is_behind_and_write_nothing(store):
    db, data, env = store
    (data / "models.toml").write_text(AFTER, encoding="utf-8")
    before = file_dump(db)

    listed = run_cli("--db", db, "models", "--unmapped", env=env)
    queried = run_cli("--db", db, "query", "unmapped_models", env=env)

    assert listed.exit_code == 0 and queried.exit_code == 0
    assert listed.stderr == (
        "note: models.toml changed since this store's model ids were resolved; the next command"
        " that writes (e.g. `horizon models --remap`, `horizon ingest`, `horizon update`) re-maps them\n")
    assert "unmapped:claude-opus-4-6-inspect" in listed.stdout
    assert file_dump(db) == before


def test_a_collision_in_the_edited_models_toml_is_one_line_and_nothing_is_written(store):
    db, data, env = store
    before = file_dump(db)
    path = data / "models.toml"
    path.write_text(AFTER + '\n[models.other]\nname = "Other"\naliases = ["Claude_Opus_4_6_inspect"]\n', encoding="utf-8")

    result = run_cli("--db", db, "ingest", str(HEADLINE), env=env)

    assert result.exit_code == 1
    assert result.stderr == (f"horizon: {path}: models.other: spelling 'Claude_Opus_4_6_inspect' is already claimed"
                             " by models.claude-opus-4-6; one spelling must map to one model\n")
    assert file_dump(db) == before


def test_a_bad_file_ingested_after_the_edit_leaves_even_the_re_map_undone(store, tmp_path):
    db, data, env = store
    before = file_dump(db)
    (data / "models.toml").write_text(AFTER, encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"run_id": 1}\n', encoding="utf-8")

    result = run_cli("--db", db, "ingest", str(HEADLINE), str(bad), env=env)

    assert result.exit_code == 1 and result.stderr.startswith(f"horizon: {bad}")
    assert file_dump(db) == before


def test_an_alias_removed_from_models_toml_sends_its_rows_back_to_their_own_unmapped_model(store):
    db, data, env = store
    (data / "models.toml").write_text(AFTER, encoding="utf-8")
    assert run_cli("--db", db, "models", "--remap", env=env).exit_code == 0
    (data / "models.toml").write_text(BEFORE, encoding="utf-8")

    result = run_cli("--db", db, "models", "--remap", "--unmapped", "--json", env=env)

    assert result.stderr == "models.toml changed: re-mapped 1 spelling (1 model)\n"
    row = next(m for m in json.loads(result.stdout)["models"] if m["model_id"] == "unmapped:claude-opus-4-6-inspect")
    # Named as the source spells it, with the release date the source gives.
    assert (row["display_name"], row["release_date"], row["spellings"]) == (
        "claude_opus_4_6_inspect", "2026-02-05", ["claude_opus_4_6_inspect"])
    assert published_ids(db, "claude_opus_4_6_inspect") == {"unmapped:claude-opus-4-6-inspect"}


def test_every_command_that_writes_re_maps_before_it_works(store):
    db, data, env = store
    (data / "models.toml").write_text(AFTER, encoding="utf-8")
    result = run_cli("--db", db, "trend", "--json", env=env)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == "models.toml changed: re-mapped 1 spelling (1 model)"
    assert "claude-opus-4-6" in {m["model_id"] for m in json.loads(result.stdout)["models"]}


# --- the library: every table with a model_id column, the transaction -------------------------

@pytest.fixture
def lib(tmp_path):
    """A store with the headline file, a run-level fit and a trend fit that name the unmapped id,
    and a table a later migration might add."""
    from horizon.ingest import ingest

    (tmp_path / "models.toml").write_text(BEFORE, encoding="utf-8")
    config = load_config(db=tmp_path / "h.duckdb", env={}, now=FIXED_NOW, data_dir=tmp_path)
    con = connect(config.db_path)
    ingest(con, config, [str(HEADLINE)])
    old, other = "unmapped:claude-opus-4-6-inspect", "unmapped:gpt-5-3-codex"
    con.execute("INSERT INTO fits (fit_id, kind, created_at, code_version, params, input_snapshots)"
                " VALUES (1, 'trend', '2026-03-01', 'test', '{}', '[1]')")
    con.execute("INSERT INTO fit_horizons (fit_id, source_model, model_id, release_date_missing, level, n_runs,"
                " n_tasks, n_replicates, n_nonfinite_replicates, status) VALUES"
                " (1, 'claude_opus_4_6_inspect', ?, false, 50, 10, 5, 0, 0, 'ok')", [old])
    con.execute("INSERT INTO trend_points (fit_id, level, source_model, model_id, on_frontier, used) VALUES"
                " (1, 50, 'claude_opus_4_6_inspect', ?, true, true), (1, 50, 'gpt_5_3_codex', ?, true, true)",
                [old, other])
    con.execute("INSERT INTO trend_backtests (fit_id, form, cutoff_date, n_train, model_id, release_date,"
                " observed_log) VALUES (1, 'exponential', '2025-01-01', 5, ?, '2026-02-05', 6.0),"
                " (1, 'exponential', '2025-01-01', 5, ?, '2026-02-05', 6.1)", [old, other])
    con.execute("CREATE TABLE later_results (source_model VARCHAR NOT NULL, model_id VARCHAR NOT NULL)")
    con.execute("INSERT INTO later_results VALUES ('claude_opus_4_6_inspect', ?)", [old])
    yield con, config
    con.close()


def registry_with(tmp_path, text):
    path = tmp_path / "edited.toml"
    path.write_text(text, encoding="utf-8")
    return load_registry(path)


def test_fit_results_and_tables_added_later_follow_the_new_mapping_but_keep_their_numbers(lib, tmp_path):
    con, config = lib
    before = con.execute("SELECT observed_log FROM trend_backtests ORDER BY observed_log").fetchall()

    remap = remap_store(con, registry_with(tmp_path, AFTER), config.now)

    assert remap.spellings == ("claude_opus_4_6_inspect",) and remap.models == ("claude-opus-4-6",)
    ids = {t: {r[0] for r in con.execute(f"SELECT model_id FROM {t} WHERE model_id LIKE '%opus-4-6%'").fetchall()}
           for t in ("published_horizons", "fit_horizons", "trend_points", "trend_backtests", "later_results")}
    assert ids == dict.fromkeys(ids, {"claude-opus-4-6"})
    assert dict(remap.rows)["published_horizons"] == 2 and dict(remap.rows)["trend_backtests"] == 1
    assert con.execute("SELECT observed_log FROM trend_backtests ORDER BY observed_log").fetchall() == before
    assert con.execute("SELECT count(*) FROM models WHERE model_id = 'unmapped:claude-opus-4-6-inspect'").fetchone()[0] == 0


def test_two_models_merged_within_one_backtest_keep_the_ids_they_were_stored_with(lib, tmp_path):
    con, config = lib
    merged = AFTER.replace('"claude_opus_4_6_inspect"', '"claude_opus_4_6_inspect", "gpt_5_3_codex"')

    remap_store(con, registry_with(tmp_path, merged), config.now)

    # Two rows of one (fit, form, cut-off) cannot both become claude-opus-4-6: both stay as recorded.
    assert sorted(r[0] for r in con.execute("SELECT model_id FROM trend_backtests").fetchall()) == [
        "unmapped:claude-opus-4-6-inspect", "unmapped:gpt-5-3-codex"]
    assert {r[0] for r in con.execute("SELECT model_id FROM trend_points").fetchall()} == {"claude-opus-4-6"}


def test_a_failure_half_way_through_leaves_the_store_exactly_as_it_was(lib, tmp_path, monkeypatch):
    con, config = lib
    before = dump(con)

    def fail(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(models_module, "_follow_ids", fail)  # after models, aliases and data tables moved
    with pytest.raises(RuntimeError):
        remap_store(con, registry_with(tmp_path, AFTER), config.now)
    assert dump(con) == before


def test_open_for_writing_records_the_registry_and_re_maps_only_when_it_changed(lib, tmp_path):
    con, config = lib
    con.close()
    said = []
    con = open_for_writing(config, say=said.append)
    assert said == [] and stored_registry(con) == load_registry(registry_path(tmp_path)).digest
    con.close()
    (tmp_path / "models.toml").write_text(AFTER, encoding="utf-8")
    con = open_for_writing(config, say=said.append)
    assert said == ["models.toml changed: re-mapped 1 spelling (1 model)"]
    row = con.execute("SELECT origin, applied_at, models, spellings_remapped, models_remapped FROM model_registries"
                      " ORDER BY registry_id DESC LIMIT 1").fetchall()[0]
    assert row == (str(tmp_path / "models.toml"), FIXED_NOW.replace(tzinfo=None), 1, 1, 1)
    con.close()


def test_a_store_from_before_registries_were_recorded_is_re_resolved_once(tmp_path):
    from horizon.ingest import ingest

    (tmp_path / "models.toml").write_text(BEFORE, encoding="utf-8")
    config = load_config(db=tmp_path / "h.duckdb", env={}, now=FIXED_NOW, data_dir=tmp_path)
    con = connect(config.db_path)
    ingest(con, config, [str(HEADLINE)])
    con.execute("DELETE FROM model_registries")  # as a store written before migration 0011

    remap = remap_store(con, registry_with(tmp_path, AFTER), config.now)

    assert remap.previous_sha256 is None and remap.announce and remap.spellings == ("claude_opus_4_6_inspect",)
    assert con.execute("SELECT release_date FROM models WHERE model_id = 'claude-opus-4-6'").fetchone()[0] == date(2026, 2, 5)
    con.close()
