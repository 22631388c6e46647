"""Epoch AI tables: detection, row counts per table, units, error messages."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from horizon.errors import InputError
from horizon.formats import detect, epoch

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "epoch"
ALL_FILES = sorted(DATA.glob("*.csv"))
METR = DATA / "external_benchmark_metr.csv"
ECI = sorted(DATA.glob("epoch_capabilities_index*.csv"))
VERSIONS = DATA / "model_versions.csv"

# What each benchmark table measures, written out here from the published files so the test
# does not borrow the parser's own spec: file stem -> (benchmark, model-or-agent columns, values).
BENCHMARKS = {
    "external_benchmark_cybench": ("Cybench", ("Model version",), (
        "Unguided % Solved", "Subtask-Guided % Solved", "Subtasks % Solved",
        "Unguided most difficult task solved (minutes)",
        "Subtask-Guided most difficult task solved (minutes)",
    )),
    "external_benchmark_gso_bench": ("GSO-Bench", ("Model version", "Scaffold"), ("Score OPT@1", "Score OPT@10")),
    "external_benchmark_terminal_bench": (
        "Terminal-Bench", ("Model version", "Agent"), ("Accuracy mean", "Accuracy SE"),
    ),
    "external_benchmark_the_agent_company": ("TheAgentCompany", ("Model version", "Model"), (
        "% Resolved", "% Score", "Average steps", "Average costs",
    )),
    "external_benchmark_weirdml": ("WeirdML", ("Model version",), (
        "Accuracy", "Cost per run", "Median code length (lines)",
    )),
    "external_benchmark_os_world": ("OSWorld", ("Model version", "Agent"), ("Score",)),
}


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8").removeprefix("\ufeff")


def _dict_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_read(path))))


def _error(text: str, source: str = "x.csv", kind: str | None = None) -> str:
    with pytest.raises(InputError) as caught:
        epoch.parse(text, source, kind=kind)
    return str(caught.value)


def _expected_release_dates(path: Path, name_column: str, date_column: str) -> int:
    return len({r[name_column] for r in _dict_rows(path) if r[date_column].strip()})


def test_every_published_epoch_file_is_covered_by_this_test():
    covered = {METR, VERSIONS, *ECI} | {DATA / f"{stem}.csv" for stem in BENCHMARKS}
    assert set(ALL_FILES) == covered


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_every_epoch_table_is_detected_as_epoch(path):
    assert detect(_read(path), path.name, str(path)) is epoch


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_every_epoch_table_parses_with_its_byte_order_mark(path):
    text = path.read_bytes().decode("utf-8")
    assert epoch.parse(text, str(path)).rows == epoch.parse(_read(path), str(path)).rows > 0


def test_metr_table_gives_one_horizon_per_row_in_minutes():
    source = _dict_rows(METR)
    parsed = epoch.parse(_read(METR), str(METR))
    rows = parsed.tables["benchmark_horizons"]
    assert parsed.kind == "epoch_metr"
    assert list(parsed.tables) == ["benchmark_horizons"]
    assert len(rows) == len(source)
    for row, original in zip(rows, source):
        assert row["benchmark"] == "METR (Epoch)"
        assert row["source_model"] == original["Model version"]
        assert row["horizon_minutes"] == float(original["Time horizon"])
        assert (row["ci_low"], row["ci_high"]) == (float(original["CI_low"]), float(original["CI_high"]))
        assert row["score"] == float(original["average_score"])


def test_metr_row_numbers_are_file_lines_with_the_header_as_line_one():
    rows = epoch.parse(_read(METR), str(METR)).tables["benchmark_horizons"]
    lines = _read(METR).splitlines()
    for row in rows:
        assert row["source_model"] in lines[row["row_number"] - 1]


@pytest.mark.parametrize("stem", sorted(BENCHMARKS))
def test_benchmark_table_gives_one_score_row_per_filled_value_cell(stem):
    benchmark, names, values = BENCHMARKS[stem]
    path = DATA / f"{stem}.csv"
    expected = sum(
        1
        for r in _dict_rows(path)
        if any(r[n].strip() for n in names)
        for column in values
        if r[column].strip()
    )
    parsed = epoch.parse(_read(path), str(path))
    rows = parsed.tables["benchmark_scores"]
    assert parsed.kind == "epoch_benchmark"
    assert len(rows) == expected
    assert {r["benchmark"] for r in rows} == {benchmark}
    assert {r["metric"] for r in rows} <= set(values)


def test_percentages_with_a_sign_become_fractions():
    path = DATA / "external_benchmark_terminal_bench.csv"
    rows = epoch.parse(_read(path), str(path)).tables["benchmark_scores"]
    first = [r for r in rows if r["row_number"] == 2]
    assert [(r["metric"], r["value"], r["unit"]) for r in first] == [
        ("Accuracy mean", pytest.approx(0.645), "fraction"),
        ("Accuracy SE", pytest.approx(0.006), "fraction"),
    ]
    assert {(r["source_model"], r["agent"]) for r in first} == {("claude-sonnet-4-5-20250929", "Apex2")}


def test_osworld_score_is_a_percentage_written_without_its_sign():
    path = DATA / "external_benchmark_os_world.csv"
    rows = epoch.parse(_read(path), str(path)).tables["benchmark_scores"]
    assert (rows[0]["source_model"], rows[0]["value"], rows[0]["unit"]) == ("CUA", pytest.approx(0.381), "fraction")


def test_row_without_a_model_version_is_attributed_to_its_agent():
    path = DATA / "external_benchmark_os_world.csv"
    rows = epoch.parse(_read(path), str(path)).tables["benchmark_scores"]
    second = [r for r in rows if r["row_number"] == 3]
    assert [(r["source_model"], r["agent"]) for r in second] == [
        ("Agent S2 w/ Claude 3.7 (50 steps)", "Agent S2 w/ Claude 3.7 (50 steps)")
    ]


def test_costs_and_counts_keep_their_units():
    path = DATA / "external_benchmark_the_agent_company.csv"
    rows = epoch.parse(_read(path), str(path)).tables["benchmark_scores"]
    first = {r["metric"]: (r["value"], r["unit"]) for r in rows if r["row_number"] == 2}
    assert first == {
        "% Resolved": (pytest.approx(0.24), "fraction"),
        "% Score": (pytest.approx(0.344), "fraction"),
        "Average steps": (pytest.approx(29.17), "count"),
        "Average costs": (pytest.approx(6.34), "usd"),
    }


def test_cybench_minutes_columns_are_minutes():
    path = DATA / "external_benchmark_cybench.csv"
    rows = epoch.parse(_read(path), str(path)).tables["benchmark_scores"]
    minutes = [r for r in rows if r["metric"].endswith("(minutes)")]
    assert minutes and {r["unit"] for r in minutes} == {"minutes"}


@pytest.mark.parametrize("path", ECI, ids=lambda p: p.name)
def test_capabilities_index_gives_scores_and_release_dates(path):
    source = _dict_rows(path)
    parsed = epoch.parse(_read(path), str(path))
    assert parsed.kind == "epoch_capabilities_index"
    scores = parsed.tables["benchmark_scores"]
    assert len(scores) == sum(1 for r in source if r["ECI Score"].strip())
    assert {(r["benchmark"], r["metric"], r["unit"]) for r in scores} == {
        ("Epoch Capabilities Index", "ECI Score", "index")
    }
    expected_dates = _expected_release_dates(path, "Model version", "Release date")
    assert len(parsed.tables["release_dates"]) == expected_dates == len(parsed.release_dates)


def test_model_versions_give_a_release_date_for_every_row_that_has_one():
    parsed = epoch.parse(_read(VERSIONS), str(VERSIONS))
    rows = parsed.tables["release_dates"]
    assert parsed.kind == "epoch_model_versions"
    assert len(rows) == _expected_release_dates(VERSIONS, "id", "Version release date")
    assert len(rows) < len(_dict_rows(VERSIONS))  # rows without a date give no row
    first = next(r for r in _dict_rows(VERSIONS) if r["Version release date"])
    assert rows[0] == {
        "source_model": first["id"],
        "release_date": date.fromisoformat(first["Version release date"]),
    }


def test_headline_yaml_runs_jsonl_embedded_csv_and_cross_domain_are_not_epoch():
    assert not epoch.sniff("results:\n  a:\n    metrics: {}\ndoubling_time_in_days: {}\n", "x.yaml")
    assert not epoch.sniff('{"task_id": "t", "alias": "a"}\n', "x.jsonl")
    assert not epoch.sniff("# horizon embedded headline v1\nModel version,Time horizon\n", "x.csv")
    assert not epoch.sniff("model,horizon,slope,slope_method,score,loss\n", "aime.csv")


# ---------------------------------------------------------------------------- bad input

METR_HEADER = "id,Model version,CI_high,CI_low,Time horizon,Source,Source link,average_score,Notes\n"
TB_HEADER = "id,Agent,Model version,Accuracy mean,Accuracy SE,Notes,Source,Source link\n"
OSW_HEADER = "Agent,Model version,Score,Source,Source link,Notes (details),Date added,Trajectories\n"


def test_score_above_one_names_line_and_column():
    text = TB_HEADER + "r1,A,m,0.5,0.01,,S,L\nr2,A,m,1.3,0.01,,S,L\n"
    assert _error(text) == "x.csv: line 3, column 'Accuracy mean': expected a score between 0 and 1, got '1.3'"


def test_percentage_above_hundred_names_line_and_column():
    text = TB_HEADER + "r1,A,m,130%,1%,,S,L\n"
    assert _error(text) == "x.csv: line 2, column 'Accuracy mean': expected a score between 0 and 1, got '130%'"


def test_osworld_score_above_hundred_percent_is_rejected():
    text = OSW_HEADER + "A,m,130,S,L,,24/1/2025,\n"
    assert _error(text) == "x.csv: line 2, column 'Score': expected a percentage between 0 and 100, got '130'"


def test_zero_minutes_horizon_is_rejected():
    text = METR_HEADER + "r1,m,2,1,0,S,L,0.5,\n"
    assert _error(text) == "x.csv: line 2, column 'Time horizon': expected a positive number of minutes, got 0"


def test_negative_minutes_horizon_is_rejected():
    text = METR_HEADER + "r1,m,2,1,-5,S,L,0.5,\n"
    assert _error(text) == "x.csv: line 2, column 'Time horizon': expected a positive number of minutes, got -5"


def test_horizon_that_is_not_a_number_is_shown_as_written():
    text = METR_HEADER + "r1,m,2,1,long,S,L,0.5,\n"
    assert _error(text) == "x.csv: line 2, column 'Time horizon': expected a number of minutes, got 'long'"


def test_average_score_above_one_is_rejected():
    text = METR_HEADER + "r1,m,2,1,1.5,S,L,1.3,\n"
    assert _error(text) == "x.csv: line 2, column 'average_score': expected a score between 0 and 1, got '1.3'"


def test_date_that_is_not_a_date_names_line_and_column():
    text = OSW_HEADER + "A,m,38.1,S,L,,soon,\n"
    assert _error(text) == "x.csv: line 2, column 'Date added': expected a date like 2025-08-07, got 'soon'"


def test_release_date_that_is_not_a_date_is_rejected():
    text = "id,Model,Version release date\nm1,M,2024-01-02\nm2,M,soon\n"
    assert _error(text) == "x.csv: line 3, column 'Version release date': expected a date like 2025-08-07, got 'soon'"


def test_day_first_dates_are_read_as_day_first():
    text = "id,Model,Version release date\nm1,M,24/1/2025\n"
    assert epoch.parse(text, "x.csv").release_dates == {"m1": date(2025, 1, 24)}


def test_one_model_with_two_release_dates_is_rejected():
    text = "id,Model,Version release date\nm1,M,2024-01-02\nm1,M,2024-02-02\n"
    assert _error(text) == (
        "x.csv: line 3, column 'Version release date': expected one release date for 'm1', "
        "got 2024-01-02 and 2024-02-02"
    )


def test_missing_column_is_named():
    text = METR_HEADER.replace(",CI_low", "") + "r1,m,2,5,S,L,0.5,\n"
    assert _error(text) == "x.csv: line 1: expected a column 'CI_low'"


def test_unknown_header_says_what_was_expected():
    assert _error("name,score\na,0.5\n") == (
        "x.csv: line 1: expected the header of an Epoch AI table (e.g. 'Model version' with "
        "'Time horizon', 'ECI Score' or a known benchmark's score columns)"
    )


def test_forced_kind_that_does_not_match_the_header_is_rejected():
    assert _error(METR_HEADER + "r1,m,2,1,1.5,S,L,0.5,\n", kind="epoch_model_versions") == (
        "x.csv: line 1: expected the header of an Epoch AI epoch_model_versions table (e.g. "
        "'Model version' with 'Time horizon', 'ECI Score' or a known benchmark's score columns)"
    )


def test_row_with_missing_fields_is_rejected():
    assert _error(METR_HEADER + "r1,m,2,1\n") == "x.csv: line 2: expected 9 fields as in the header, got 4"


def test_malformed_csv_names_the_line():
    assert _error(METR_HEADER + 'r1,m,2,1,3,"S,L,0.5,\n') == (
        "x.csv: line 2: expected well-formed CSV (unexpected end of data)"
    )


def test_empty_file_is_rejected():
    assert _error("") == "x.csv: expected an Epoch AI CSV table, got an empty file"


def test_bad_cost_is_shown_as_written():
    text = (
        "id,Model version,Accuracy,Cost per run,Median code length (lines),Notes,Source,Source link\n"
        "r1,m,50%,$-1.00,100,,S,L\n"
    )
    assert _error(text) == "x.csv: line 2, column 'Cost per run': expected a cost like $1.25 (0 or more), got '$-1.00'"


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_kind_of_names_the_table_that_parse_reads(path):
    assert epoch.kind_of(_read(path), path.name) == epoch.parse(_read(path), str(path)).kind
