"""Bad input: one line naming the file, the line or key, and what was expected; exit code 1;
and the database exactly as it was before (ingestion is one transaction)."""

from __future__ import annotations

import json

import pytest

from horizon.store import connect
from tests.conftest import VINTAGES, db_counts, run_cli

GOOD_YAML = """\
benchmark_name: METR-Horizon-v1.1
results:
  model_a:
    metrics:
      average_score:
        estimate: 0.5
      is_sota: true
      p50_horizon_length:
        ci_high: 40
        ci_low: 10
        estimate: 20
    release_date: 2025-01-02
"""


def run_line(i: int, **changes) -> str:
    record = {"run_id": f"r{i}", "task_id": "fam/t1", "task_family": "fam", "alias": "agent",
              "human_minutes": 12.5, "score": 1.0, "score_binarized": 1}
    record.update(changes)
    return json.dumps(record)


CASES = {
    "malformed_yaml": ("bad.yaml", GOOD_YAML.replace("ci_high: 40", "ci_high: [40"),
                       "bad.yaml: line 10: expected valid YAML (did not find expected ',' or ']')"),
    "malformed_json": ("bad.jsonl", run_line(1) + "\n{\"run_id\": \"r2\", \"task_id\": \n",
                       "bad.jsonl: line 2: expected one JSON object per line (Expecting value)"),
    "malformed_csv": ("bad.csv", "# horizon embedded runs v1\nagent,task_id\nx,y\n",
                      "bad.csv: line 2: expected the header agent,task_id,task_family,human_minutes,runs,successes,source_url,citation"),
    "missing_field": ("missing.yaml", GOOD_YAML.replace("        estimate: 20\n", ""),
                      "missing.yaml: results.model_a.metrics.p50_horizon_length.estimate: expected a number of minutes, got nothing"),
    "mistyped_field": ("typed.yaml", GOOD_YAML.replace("estimate: 20", "estimate: twenty"),
                       "typed.yaml: results.model_a.metrics.p50_horizon_length.estimate: expected a number of minutes, got 'twenty'"),
    "zero_minutes": ("zero.jsonl", run_line(1, human_minutes=0),
                     "zero.jsonl: line 1, field 'human_minutes': expected a positive number of minutes, got 0"),
    "negative_minutes": ("neg.yaml", GOOD_YAML.replace("ci_low: 10", "ci_low: -3"),
                         "neg.yaml: results.model_a.metrics.p50_horizon_length.ci_low: expected a positive number of minutes, got -3"),
    "score_above_one": ("score.jsonl", run_line(1, score=1.5),
                        "score.jsonl: line 1, field 'score': expected a score between 0 and 1, got 1.5"),
    "average_score_above_one": ("avg.yaml", GOOD_YAML.replace("estimate: 0.5", "estimate: 1.3"),
                                "avg.yaml: results.model_a.metrics.average_score.estimate: expected a score between 0 and 1, got 1.3"),
    "unparseable_date": ("date.yaml", GOOD_YAML.replace("release_date: 2025-01-02", "release_date: soon"),
                         "date.yaml: results.model_a.release_date: expected a date like 2025-08-07, got 'soon'"),
    "duplicate_run_id": ("dup.jsonl", run_line(1) + "\n" + run_line(2) + "\n" + run_line(1) + "\n",
                         "dup.jsonl: line 3, field 'run_id': expected unique run ids, got 'r1' again (first on line 1)"),
    "empty_file": ("empty.yaml", "", "empty.yaml: expected data, the file is empty"),
    "binarized_not_binary": ("bin.jsonl", run_line(1, score_binarized=0.5),
                             "bin.jsonl: line 1, field 'score_binarized': expected 0 or 1, got 0.5"),
}


@pytest.fixture
def store_with_data(tmp_path, ingested):
    """A store holding one METR file (a private copy: the tests write to it)."""
    return ingested(tmp_path / "h.duckdb", VINTAGES[0])


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gives_one_line_error_exit_1_and_leaves_the_database_unchanged(tmp_path, store_with_data, case):
    name, content, message = CASES[case]
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    before = db_counts(store_with_data)
    # The good file in the same command must not be written either: one transaction.
    result = run_cli("--db", str(store_with_data), "ingest", str(VINTAGES[1]), str(bad))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"horizon: {str(tmp_path)}/{message}\n"
    assert db_counts(store_with_data) == before


def test_file_that_is_not_utf8_names_the_line_of_the_bad_byte(tmp_path, store_with_data):
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(GOOD_YAML.replace("model_a", "mod\xe8le").encode("latin-1"))
    before = db_counts(store_with_data)
    result = run_cli("--db", str(store_with_data), "ingest", str(bad))
    assert result.exit_code == 1
    assert result.stderr == f"horizon: {bad}: line 3: expected UTF-8 text, got byte 0xe8\n"
    assert db_counts(store_with_data) == before


def test_file_far_larger_than_any_real_one_is_refused_before_reading(tmp_path, store_with_data):
    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as f:  # sparse: instant, and never read
        f.truncate(200 * 1024 * 1024)
    before = db_counts(store_with_data)
    result = run_cli("--db", str(store_with_data), "ingest", str(huge))
    assert result.exit_code == 1
    assert result.stderr == f"horizon: {huge}: expected at most 67,108,864 bytes, the file has 209,715,200\n"
    assert db_counts(store_with_data) == before


def test_missing_file_and_unknown_format_are_one_line_errors(tmp_path, store_with_data):
    result = run_cli("--db", str(store_with_data), "ingest", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert result.stderr == f"horizon: {tmp_path}/nope.yaml: expected a readable file or an http(s) URL; no such file\n"
    odd = tmp_path / "odd.txt"
    odd.write_text("hello\n")
    result = run_cli("--db", str(store_with_data), "ingest", str(odd))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"horizon: {odd}: expected a known format (")
    assert result.stderr.endswith("could not tell which this is (use --input-format to say)\n")


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "x'; DROP TABLE runs; --", 'a"b\\c'])
def test_model_names_with_html_or_sql_metacharacters_are_stored_verbatim(tmp_path, config, name):
    path = tmp_path / "odd.yaml"
    path.write_text(GOOD_YAML.replace("model_a", json.dumps(name)), encoding="utf-8")
    result = run_cli("--db", str(config.db_path), "ingest", str(path))
    assert result.exit_code == 0, result.output
    con = connect(config.db_path)
    assert con.execute("SELECT source_model FROM published_horizons").fetchone()[0] == name
    model_id, display = con.execute(
        "SELECT model_id, display_name FROM models WHERE NOT curated").fetchone()
    assert display == name and model_id.startswith("unmapped:")
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 0  # the table still exists


def test_a_failure_no_parser_foresaw_is_still_one_line_naming_the_file(tmp_path, store_with_data, monkeypatch):
    from horizon.formats import metr_yaml

    def broken(text, source):
        raise RuntimeError("something odd\nwith a second line")

    monkeypatch.setattr(metr_yaml, "parse", broken)
    good = tmp_path / "good.yaml"
    good.write_text(GOOD_YAML, encoding="utf-8")
    before = db_counts(store_with_data)
    result = run_cli("--db", str(store_with_data), "ingest", str(good))
    assert result.exit_code == 1
    assert result.stderr == f"horizon: {good}: expected a file horizon can read (RuntimeError: something odd)\n"
    assert db_counts(store_with_data) == before


def test_a_directory_is_not_a_file(tmp_path, store_with_data):
    result = run_cli("--db", str(store_with_data), "ingest", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == f"horizon: {tmp_path}: expected a file or an http(s) URL, got a directory\n"
