"""Hostile or odd input found in review: each gives one line naming the file, the line or key,
and what was expected (exit code 1, database unchanged), or ingests correctly where the input
is legal. Messages are pinned exactly, as the user sees them."""

from __future__ import annotations

import json
import shutil

import pytest

from horizon.errors import InputError
from horizon.formats import base, embedded
from horizon.store import connect
from tests.conftest import db_counts, run_cli

RUN = {"run_id": "r1", "task_id": "t1", "task_family": "f1", "alias": "A", "human_minutes": 5,
       "score_binarized": 1}
BIG = "1" + "0" * 400
HEADLINE = (
    "# horizon embedded headline v1 X\n"
    "record,suite,published_version,model,release_date,level,estimate,ci_low,ci_high,is_sota,"
    "is_sota_level,average_score,window,source_url,citation\n"
)
RUNS = (
    "# horizon embedded runs v1\n"
    "agent,task_id,task_family,human_minutes,runs,successes,source_url,citation\n"
)


def runs(*lines: dict | str) -> str:
    return "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)


def run(i: int, **changes) -> dict:
    return {**RUN, "run_id": f"r{i}", **changes}


def yaml_doc(estimate: str = "3", extra: str = "", label: str = "METR-Horizon-v1.1") -> str:
    return (
        f"benchmark_name: {label}\nresults:\n  m1:\n{extra}    metrics:\n"
        f"      p50_horizon_length: {{estimate: {estimate}}}\n"
    )


CASES = {
    # 1: ints beyond the float range
    "yaml_400_digit_int": (
        "big.yaml", yaml_doc(BIG),
        (
            "big.yaml: results.m1.metrics.p50_horizon_length.estimate: "
            "expected a finite number of minutes, got 10000000000000000000..."
        ),
    ),
    "json_400_digit_int": (
        "big.jsonl", runs(run(1), f'{{"run_id": "r2", "task_id": "t1", "task_family": "f1", '
                                  f'"alias": "A", "human_minutes": {BIG}, "score_binarized": 1}}'),
        (
            "big.jsonl: line 2, field 'human_minutes': expected a finite number of minutes, "
            "got 10000000000000000000..."
        ),
    ),
    "toml_400_digit_int": (
        "aime.toml", f"n_questions = {BIG}\n[splits.all]\nlengths = [1.0]\n",
        "aime.toml: key n_questions: expected a finite number, got 10000000000000000000...",
    ),
    # 2: more digits than Python converts; NaN and Infinity (json.loads accepts them)
    "json_5000_digit_int": (
        "huge.jsonl", runs(run(1), f'{{"run_id": "r2", "human_minutes": {"9" * 5000}}}'),
        (
            "huge.jsonl: line 2: expected one JSON object per line (Exceeds the limit (4300 digits) "
            "for integer string conversion: value has 5000 digits)"
        ),
    ),
    "yaml_5000_digit_int": (
        "huge.yaml", yaml_doc("9" * 5000),
        (
            "huge.yaml: line 5: expected a readable value, got '99999999999999999999...' (Exceeds the "
            "limit (4300 digits) for integer string conversion: value has 5000 digits)"
        ),
    ),
    "toml_5000_digit_int": (
        "aime.toml", f"n_questions = {'9' * 5000}\n[splits.all]\nlengths = [1.0]\n",
        (
            "aime.toml: expected valid TOML (Exceeds the limit (4300 digits) for integer string "
            "conversion: value has 5000 digits)"
        ),
    ),
    "json_nan_minutes": (
        "nan.jsonl", runs(run(1), '{"run_id": "r2", "task_id": "t1", "task_family": "f1", '
                                  '"alias": "A", "human_minutes": NaN, "score_binarized": 1}'),
        "nan.jsonl: line 2, field 'human_minutes': expected a finite number of minutes, got nan",
    ),
    "json_infinite_weight": (
        "inf.jsonl", runs('{"run_id": "r1", "task_id": "t1", "task_family": "f1", "alias": "A", '
                          '"human_minutes": 5, "score_binarized": 1, "equal_task_weight": Infinity}'),
        "inf.jsonl: line 1, field 'equal_task_weight': expected a finite number, got inf",
    ),
    "json_nan_score": (
        "nans.jsonl", runs('{"run_id": "r1", "task_id": "t1", "task_family": "f1", "alias": "A", '
                           '"human_minutes": 5, "score_binarized": 1, "score": NaN}'),
        "nans.jsonl: line 1, field 'score': expected a score like 0.645 or 64.5%, got nan",
    ),
    "json_nan_task_id": (
        "nant.jsonl", runs('{"run_id": "r1", "task_id": NaN, "task_family": "f1", "alias": "A", '
                           '"human_minutes": 5, "score_binarized": 1}'),
        "nant.jsonl: line 1, field 'task_id': expected a non-empty text, got nan",
    ),
    # 3: a date the calendar does not have
    "yaml_february_30": (
        "date.yaml", yaml_doc(extra="    release_date: 2024-02-30\n"),
        (
            "date.yaml: line 4: expected a date like 2025-08-07, got '2024-02-30' "
            "(day is out of range for month)"
        ),
    ),
    # 4: optional text fields of the wrong type
    "task_source_dict": (
        "ts.jsonl", runs(run(1, task_source="x"), run(2, task_source={"a": 1})),
        "ts.jsonl: line 2, field 'task_source': expected a text or nothing, got {'a': 1}",
    ),
    "task_source_list": (
        "tsl.jsonl", runs(run(1, task_source=["hcast"])),
        "tsl.jsonl: line 1, field 'task_source': expected a text or nothing, got ['hcast']",
    ),
    "benchmark_name_list": (
        "label.yaml", yaml_doc(label="[a, b]"),
        "label.yaml: benchmark_name: expected a text, got ['a', 'b']",
    ),
    "row_benchmark_name_dict": (
        "suite.yaml", yaml_doc(extra="    benchmark_name: {a: 1}\n"),
        "suite.yaml: results.m1.benchmark_name: expected a text, got {'a': 1}",
    ),
    # 5: duplicate keys in the headline YAML, at any level
    "yaml_duplicate_model": (
        "dup.yaml",
        (
            "benchmark_name: X\nresults:\n  m1:\n    metrics:\n      p50_horizon_length: {estimate: 10}\n"
            "  m1:\n    metrics:\n      p50_horizon_length: {estimate: 99}\n"
        ),
        "dup.yaml: line 6: expected unique keys, got 'm1' again (first on line 3)",
    ),
    "yaml_int_and_string_key": (
        "intstr.yaml",
        (
            "benchmark_name: X\nresults:\n  1:\n    metrics:\n      p50_horizon_length: {estimate: 10}\n"
            "  \"1\":\n    metrics:\n      p50_horizon_length: {estimate: 11}\n"
        ),
        "intstr.yaml: line 6: expected unique keys, got '1' again (first on line 3)",
    ),
    "yaml_duplicate_nested_field": (
        "nested.yaml",
        (
            "benchmark_name: X\nresults:\n  m1:\n    metrics:\n      p50_horizon_length:\n"
            "        estimate: 10\n        estimate: 12\n"
        ),
        "nested.yaml: line 7: expected unique keys, got 'estimate' again (first on line 6)",
    ),
    "release_dates_two_date_sections": (
        "rd.yaml", "date:\n  a: 2024-01-01\ndate:\n  b: 2024-01-01\n",
        (
            "rd.yaml: line 3, key date: expected unique keys, got 'date' again with a different value "
            "(first on line 1)"
        ),
    ),
    # 6: expanding aggregated runs
    "embedded_runs_ten_million": (
        "huge.csv", RUNS + "A,t1,f1,5,1e7,1,u,c\n",
        "huge.csv: line 3, column 'runs': expected at most 100,000 runs per task, got 10000000",
    ),
    # 8: line numbers count blank lines and quoted newlines
    "embedded_blank_line": (
        "blank.csv", HEADLINE + "\nhorizon,S,,m,2024-01-01,50,abc,,,,,,,u,c\n",
        "blank.csv: line 4, column 'estimate': expected a number of minutes, got 'abc'",
    ),
    "embedded_quoted_newline": (
        "quoted.csv",
        HEADLINE + 'horizon,S,,m,2024-01-01,50,5,,,,,,,u,"two\nlines"\n'
        + "horizon,S,,n,2024-01-01,50,abc,,,,,,,u,c\n",
        "quoted.csv: line 5, column 'estimate': expected a number of minutes, got 'abc'",
    ),
    "embedded_short_row": (
        "short.csv", HEADLINE + "\n\nhorizon,S,,m\n",
        "short.csv: line 5: expected 15 fields as in the header, got 4",
    ),
    # 9: one row per model and level
    "embedded_duplicate_model_level": (
        "dup.csv",
        HEADLINE + "horizon,S,,m,2024-01-01,50,5,,,,,,,u,c\n"
        + "horizon,S,,m,2024-01-01,80,1,,,,,,,u,c\nhorizon,T,,m,2024-01-01,50,6,,,,,,,u,c\n",
        "dup.csv: line 5: expected one row per model and level, got 'm' at 50 again (first on line 3)",
    ),
}


@pytest.fixture
def db(tmp_path, empty_store):
    shutil.copy(empty_store, tmp_path / "h.duckdb")
    return tmp_path / "h.duckdb"


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input_gives_one_line_error_exit_1_and_leaves_the_database_unchanged(tmp_path, db, case):
    name, content, message = CASES[case]
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8", newline="")
    before = db_counts(db)
    result = run_cli("--db", str(db), "ingest", str(bad))
    assert result.stderr == f"horizon: {tmp_path}/{message}\n"
    assert result.exit_code == 1
    assert result.stdout == ""
    assert db_counts(db) == before


def _ingested(tmp_path, db, name: str, content: str):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8", newline="")
    result = run_cli("--db", str(db), "ingest", str(path))
    assert result.exit_code == 0, result.output
    return connect(db)


def test_task_source_written_as_a_number_in_one_line_and_text_in_another_is_stored_as_text(tmp_path, db):
    con = _ingested(tmp_path, db, "ts.jsonl", runs(run(1, task_source=5), run(2, task_source="hcast"), run(3)))
    rows = con.execute("SELECT run_id, task_source FROM runs ORDER BY run_id").fetchall()
    assert rows == [("r1", "5"), ("r2", "hcast"), ("r3", None)]


def test_line_separator_inside_a_json_string_does_not_shift_line_numbers(tmp_path, db):
    # U+2028 and U+0085 are legal inside JSON strings (here in a field horizon does not read);
    # str.splitlines() would split on them and count one line too many.
    text = json.dumps({**run(1), "note": "t\u2028x\u0085y"}, ensure_ascii=False) + "\n"
    con = _ingested(tmp_path, db, "sep.jsonl", text)
    assert con.execute("SELECT task_id FROM runs").fetchall() == [("t1",)]
    con.close()
    bad = tmp_path / "sep_bad.jsonl"
    bad.write_text(text + json.dumps(run(2, human_minutes=0)) + "\n", encoding="utf-8")
    result = run_cli("--db", str(db), "ingest", str(bad))
    assert result.stderr == (
        f"horizon: {bad}: line 2, field 'human_minutes': expected a positive number of minutes, got 0\n"
    )


def test_a_line_separator_in_a_name_is_refused_naming_its_line(tmp_path, db):
    bad = tmp_path / "sep_name.jsonl"
    bad.write_text(runs(run(1), run(2, task_id="t\u2028x")), encoding="utf-8")
    result = run_cli("--db", str(db), "ingest", str(bad))
    assert result.stderr == (
        f"horizon: {bad}: line 2, field 'task_id': expected printable text, got 't\\u2028x' (U+2028, a line separator)\n"
    )


def test_crlf_json_lines_are_read_and_errors_name_the_editor_line(tmp_path, db):
    bad = tmp_path / "crlf.jsonl"
    bad.write_bytes((json.dumps(run(1)) + "\r\n\r\n" + json.dumps(run(2, score_binarized=2)) + "\r\n").encode())
    result = run_cli("--db", str(db), "ingest", str(bad))
    assert result.stderr == f"horizon: {bad}: line 3, field 'score_binarized': expected 0 or 1, got 2\n"
    con = _ingested(tmp_path, db, "crlf_ok.jsonl", runs(run(1), run(2)).replace("\n", "\r\n"))
    assert con.execute("SELECT count(*) FROM runs").fetchone() == (2,)


def test_embedded_runs_stop_expanding_at_the_per_file_limit(monkeypatch):
    monkeypatch.setattr(base, "MAX_RUNS", 10)
    with pytest.raises(InputError) as caught:
        embedded.parse(RUNS + "A,t1,f1,5,6,1,u,c\nA,t2,f1,5,4,1,u,c\nA,t3,f1,5,1,1,u,c\n", "r.csv")
    assert str(caught.value) == (
        "r.csv: line 5, column 'runs': expected at most 10 runs in one file, got 11 by this line"
    )
    assert embedded.parse(RUNS + "A,t1,f1,5,6,1,u,c\nA,t2,f1,5,4,1,u,c\n", "r.csv").rows == 10


def test_embedded_runs_at_the_per_task_limit_still_expand():
    parsed = embedded.parse(RUNS + "A,t1,f1,5,100000,3,u,c\n", "r.csv")
    assert parsed.rows == embedded.MAX_RUNS_PER_TASK
    assert sum(r["score_binarized"] for r in parsed.tables["runs"]) == 3
