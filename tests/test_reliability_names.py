"""Names and values from sources are data. Unprintable ones (controls, invisible format
characters, line separators) are refused at ingest, naming the file, line and field, with the
character shown escaped; printable but hostile ones (markup, SQL, shell, format strings, other
scripts, emoji) go through ingest, fit, trend, query, cite and the report unchanged.

Before: an ESC or BEL in a model name was stored; every later `update` and `report` then failed
(the chart export cannot hold it), and no command could remove the snapshot that brought it.
"""

from __future__ import annotations

import json
import math
import random

import pytest

from horizon.errors import InputError
from horizon.ingest import parse_bytes
from horizon.store import connect
from tests.conftest import db_counts, run_cli

ENV = {"SOURCE_DATE_EPOCH": "1772366400", "HORIZON_OFFLINE": "1"}

UNPRINTABLE = {
    "escape": ("gpt\x1b[31m-red", "U+001B, a control character"),
    "bell": ("ding\x07", "U+0007, a control character"),
    "nul": ("nul\x00l", "U+0000, a control character"),
    "delete": ("del\x7f", "U+007F, a control character"),
    "c1_csi": ("csi\x9b31m", "U+009B, a control character"),
    "right_to_left_override": ("admin\u202egnp.exe", "U+202E, an invisible format character"),
    "zero_width_space": ("claude\u200b-3", "U+200B, an invisible format character"),
    "line_separator": ("two\u2028lines", "U+2028, a line separator"),
    "newline": ("two\nlines", "U+000A, a control character"),
}


def _headline_yaml(name: str) -> str:
    return ("benchmark_name: METR-Horizon-v1.1\nresults:\n  " + json.dumps(name) + ":\n    release_date: 2025-01-01\n"
            "    metrics:\n      p50_horizon_length: {estimate: 30.0}\n")


def _runs_jsonl(name: str) -> str:
    return "".join(json.dumps({"run_id": f"r{i}", "task_id": "t1", "task_family": "f1", "alias": n,
                               "human_minutes": 5, "score_binarized": 1}) + "\n" for i, n in enumerate(["ok", name]))


def _embedded_csv(name: str) -> str:
    return ("# horizon embedded headline v1 X\nrecord,suite,published_version,model,release_date,level,estimate,ci_low,"
            "ci_high,is_sota,is_sota_level,average_score,window,source_url,citation\n"
            + "horizon,S,,ok,2024-01-01,50,5,,,,,,,u,c\n"
            + "horizon,S,,\"" + name.replace('"', '""') + "\",2024-01-01,50,5,,,,,,,u,c\n")


def _release_dates(name: str) -> str:
    return "date:\n  ok: 2024-01-01\n  " + json.dumps(name) + ": 2024-02-02\n"


# file name, content, where the error points
SOURCES = {
    "headline_yaml": ("b.yaml", _headline_yaml, "results, model name"),
    "runs_jsonl": ("r.jsonl", _runs_jsonl, "line 2, field 'alias'"),
    "embedded_csv": ("e.csv", _embedded_csv, "line 4, column 'model'"),
    "release_dates": ("d.yaml", _release_dates, "line 3, key date"),
}


@pytest.mark.parametrize("source", sorted(SOURCES))
@pytest.mark.parametrize("char", sorted(UNPRINTABLE))
def test_an_unprintable_name_is_refused_by_every_parser_naming_where_and_showing_it_escaped(source, char):
    name, problem = UNPRINTABLE[char]
    filename, render, where = SOURCES[source]
    with pytest.raises(InputError) as err:
        parse_bytes(render(name).encode("utf-8"), filename)
    assert str(err.value) == f"{filename}: {where}: expected printable text, got {name!r} ({problem})"
    assert str(err.value).isprintable()  # the name is shown escaped: the message is safe on a terminal


def test_an_unprintable_name_is_one_line_exit_1_and_writes_nothing(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(_runs_jsonl("gpt\x1b[31m-red"), encoding="utf-8")
    db = tmp_path / "h.duckdb"
    before = db_counts(db)
    result = run_cli("--db", str(db), "ingest", str(path), env=ENV)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"horizon: {path}: line 2, field 'alias': expected printable text, got 'gpt\\x1b[31m-red'"
                             " (U+001B, a control character)\n")
    assert db_counts(db) == before


HOSTILE = [
    "<script>alert(1)</script>",
    "Robert'); DROP TABLE models;--",
    "$(rm -rf ~) `id` ${HOME}",
    "%s%n%x {0} {{x}}",
    "\\x1b[31m literally, backslash and all",
    "\"quoted\", with, commas | pipes",
    "نموذج عربي",
    "🤖 agent ⚡ 模型",
    "a" * 300,
]


def _hostile_runs(seed: int = 0) -> str:
    """Runs of each hostile agent on tasks of 1 minute to 8 hours, success falling with length."""
    rng = random.Random(seed)
    lines, i = [], 0
    for a, name in enumerate(HOSTILE):
        skill = 2.0 + 0.8 * a  # log2 minutes at which this agent succeeds half the time
        for t in range(20):
            minutes = 2 ** (t % 10)
            for _ in range(4):
                p = 1 / (1 + math.exp(-(skill - math.log2(minutes))))
                lines.append(json.dumps({"run_id": f"r{i}", "task_id": f"task {t}", "task_family": f"family {t // 2}",
                                         "alias": name, "human_minutes": minutes, "score_binarized": int(rng.random() < p)},
                                        ensure_ascii=False))
                i += 1
    return "\n".join(lines) + "\n"


def _hostile_release_dates() -> str:
    return "date:\n" + "".join(f"  {json.dumps(n, ensure_ascii=False)}: 2024-{1 + a:02d}-15\n" for a, n in enumerate(HOSTILE))


def test_printable_hostile_names_go_through_ingest_fit_trend_query_cite_and_report_pages_unchanged(tmp_path):
    db = str(tmp_path / "h.duckdb")
    env = {**ENV, "HORIZON_REPORTS": str(tmp_path / "reports")}
    (tmp_path / "runs.jsonl").write_text(_hostile_runs(), encoding="utf-8")
    (tmp_path / "dates.yaml").write_text(_hostile_release_dates(), encoding="utf-8")
    steps = [["ingest", str(tmp_path / "runs.jsonl"), str(tmp_path / "dates.yaml")],
             ["fit", "--bootstrap", "50", "--quiet", "--json"], ["trend", "--from-runs", "--json"],
             ["query", "run_horizons", "--json"], ["models", "--unmapped", "--json"],
             # The trend from runs is not the canonical (headline) trend: cite names it.
             ["cite", "--fit", "{trend_fit}", "--format", "json"], ["report", "--no-export", "--json"]]
    out = {}
    for args in steps:
        if "{trend_fit}" in args:
            args = [str(json.loads(out["trend"])["fit_id"]) if a == "{trend_fit}" else a for a in args]
        result = run_cli("--db", db, *args, env=env)
        assert result.exit_code == 0, (args, result.output)
        out[args[0]] = result.stdout
    fitted = {a["name"] for a in json.loads(out["fit"])["agents"]}
    assert fitted == set(HOSTILE)
    assert {r["agent"] for r in json.loads(out["query"])["rows"]} == set(HOSTILE)
    assert {m["display_name"] for m in json.loads(out["models"])["models"]} == set(HOSTILE)
    trend = json.loads(out["trend"])
    assert trend["n_models"] >= 2 and trend["doubling_days"] > 0
    assert json.loads(out["cite"])["sentence"].startswith("The 50% time horizon")
    assert len(json.loads(out["report"])["charts"]) > 0


def test_a_store_that_took_in_an_unprintable_name_before_is_mended_by_retracting_its_snapshot(tmp_path):
    # A store filled by an older horizon: the name is in it. Retracting the snapshot takes it out
    # of everything the report, the fits and the named queries read.
    db = tmp_path / "h.duckdb"
    good = tmp_path / "good.jsonl"
    good.write_text(_runs_jsonl("agent b"), encoding="utf-8")
    assert run_cli("--db", str(db), "ingest", str(good), env=ENV).exit_code == 0
    con = connect(db)
    con.execute("INSERT INTO snapshots (source_kind, origin, retrieved_at, sha256, bytes, rows, publisher_label)"
                " VALUES ('metr_runs_jsonl', 'old.jsonl', TIMESTAMP '2026-01-01', 'x', 1, 1, 'METR runs')")
    bad_id = con.execute("SELECT max(snapshot_id) FROM snapshots").fetchone()[0]
    con.execute("INSERT INTO runs (snapshot_id, run_id, task_id, task_family, source_model, model_id, human_minutes,"
                " score_binarized) VALUES (?, 'r1', 't1', 'f1', 'gpt\x1b[31m', 'unmapped:gpt', 5, 1)", [bad_id])
    con.close()
    result = run_cli("--db", str(db), "snapshots", "retract", str(bad_id), "--why", "model name with a terminal escape",
                     env=ENV)
    assert result.exit_code == 0, result.output
    con = connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM active_runs WHERE source_model LIKE '%\x1b%'").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM runs WHERE source_model LIKE '%\x1b%'").fetchone() == (1,)  # kept
    con.close()
    fit = run_cli("--db", str(db), "fit", "--bootstrap", "0", "--quiet", "--json", env=ENV)
    assert fit.exit_code == 0 and "\x1b" not in fit.stdout
    assert json.loads(fit.stdout)["snapshot"]["snapshot_id"] != bad_id
