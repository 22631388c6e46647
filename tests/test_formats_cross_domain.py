"""METR cross-domain-horizon tables: detection, row counts, units, error messages."""

from __future__ import annotations

import csv
import io
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

from horizon.errors import InputError
from horizon.formats import cross_domain, detect

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "metr-cross-domain"
ALL_DATA = DATA / "all_data.csv"
HORIZON_FILES = sorted((DATA / "horizons").glob("*.csv"))
BENCHMARK_FILES = sorted((DATA / "benchmarks").glob("*.toml"))
METRICS = DATA / "metrics.toml"
ALL_FILES = [ALL_DATA, METRICS, *HORIZON_FILES, *BENCHMARK_FILES]


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


def _dict_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_read(path))))


def _error(text: str, source: str = "x.csv", kind: str | None = None) -> str:
    with pytest.raises(InputError) as caught:
        cross_domain.parse(text, source, kind=kind)
    return str(caught.value)


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_cross_domain_table_is_detected_as_cross_domain(path):
    assert detect(_read(path), path.name, str(path)) is cross_domain


def test_all_data_gives_one_horizon_per_row_with_a_horizon_in_minutes():
    source = _dict_rows(ALL_DATA)
    measured = [r for r in source if float(r["horizon"]) != 0.0]
    parsed = cross_domain.parse(_read(ALL_DATA), str(ALL_DATA))
    rows = parsed.tables["benchmark_horizons"]
    assert parsed.kind == "cross_domain_all_data"
    assert list(parsed.tables) == ["benchmark_horizons"]
    assert len(rows) == len(measured)
    for row, original in zip(rows, measured):
        assert row["source_model"] == original["model"]
        assert row["benchmark"] == original["benchmark"]
        assert row["horizon_minutes"] == pytest.approx(float(original["horizon"]) / 60.0, rel=1e-12)


def test_all_data_row_numbers_are_file_lines_with_the_header_as_line_one():
    rows = cross_domain.parse(_read(ALL_DATA), str(ALL_DATA)).tables["benchmark_horizons"]
    lines = _read(ALL_DATA).splitlines()
    for row in rows[:5] + rows[-5:]:
        assert lines[row["row_number"] - 1].startswith(row["source_model"] + ",")


def test_all_data_zero_horizon_means_no_horizon_and_matches_an_empty_cell_in_the_benchmark_file():
    zero = [(r["benchmark"], r["model"]) for r in _dict_rows(ALL_DATA) if float(r["horizon"]) == 0.0]
    assert zero, "the published file has rows without a horizon"
    by_benchmark = defaultdict(list)
    for r in _dict_rows(ALL_DATA):
        by_benchmark[r["benchmark"]].append(r)
    for benchmark, model in zero:
        rows = _dict_rows(DATA / "horizons" / f"{benchmark}.csv")
        position = [r["model"] for r in by_benchmark[benchmark]].index(model)
        assert rows[position]["horizon"] == ""


@pytest.mark.parametrize("path", HORIZON_FILES, ids=lambda p: p.name)
def test_benchmark_horizon_file_gives_one_row_per_model_with_a_horizon(path):
    measured = [r for r in _dict_rows(path) if r["horizon"].strip()]
    parsed = cross_domain.parse(_read(path), str(path))
    rows = parsed.tables["benchmark_horizons"]
    assert parsed.kind == "cross_domain_horizons"
    assert len(rows) == len(measured)
    assert {r["benchmark"] for r in rows} == {path.stem}
    assert [r["horizon_minutes"] for r in rows] == [float(r["horizon"]) for r in measured]


def test_benchmark_horizon_files_are_in_minutes_and_all_data_in_seconds():
    """Finding: horizons/<b>.csv horizon * 60 == all_data.csv horizon, row by row, for every b."""
    all_rows = cross_domain.parse(_read(ALL_DATA), str(ALL_DATA)).tables["benchmark_horizons"]
    by_benchmark = defaultdict(list)
    for row in all_rows:
        by_benchmark[row["benchmark"]].append(row["horizon_minutes"])
    assert {p.stem for p in HORIZON_FILES} == set(by_benchmark)
    for path in HORIZON_FILES:
        rows = cross_domain.parse(_read(path), str(path)).tables["benchmark_horizons"]
        assert [r["horizon_minutes"] for r in rows] == pytest.approx(by_benchmark[path.stem], rel=1e-9)


def test_release_dates_in_a_horizon_file_are_kept_for_every_model_even_without_a_horizon():
    path = DATA / "horizons" / "tesla_fsd.csv"
    source = _dict_rows(path)
    parsed = cross_domain.parse(_read(path), str(path))
    assert len(parsed.release_dates) == len({r["model"] for r in source if r["release_date"]})
    assert all(r["release_date"] is not None for r in parsed.tables["benchmark_horizons"])


@pytest.mark.parametrize("path", BENCHMARK_FILES, ids=lambda p: p.name)
def test_benchmark_toml_gives_a_task_per_length_and_a_meta_row_per_setting(path):
    doc = tomllib.loads(_read(path))
    parsed = cross_domain.parse(_read(path), str(path))
    tasks = parsed.tables["benchmark_tasks"]
    meta = parsed.tables["benchmark_meta"]
    assert parsed.kind == "cross_domain_benchmark"
    assert len(tasks) == sum(len(split["lengths"]) for split in doc["splits"].values())
    assert {r["benchmark"] for r in tasks + meta} == {path.stem}
    assert {r["key"]: r["value"] for r in meta} == {k: str(v) for k, v in doc.items() if k != "splits"}
    # the primary key (benchmark, split, task_index) must be unique
    assert len({(r["split"], r["task_index"]) for r in tasks}) == len(tasks)


def test_metrics_toml_gives_max_horizon_minutes_per_benchmark():
    doc = tomllib.loads(_read(METRICS))
    parsed = cross_domain.parse(_read(METRICS), str(METRICS))
    meta = parsed.tables["benchmark_meta"]
    assert parsed.kind == "cross_domain_metrics"
    assert len(meta) == sum(len(body) for body in doc.values())
    assert {r["benchmark"]: float(r["value"]) for r in meta if r["key"] == "max_horizon_minutes"} == {
        b: body["max_horizon_minutes"] for b, body in doc.items()
    }


def test_benchmark_name_comes_from_the_last_path_component_of_a_url():
    text = "model,horizon\nm,2.5\n"
    rows = cross_domain.parse(text, "https://example.org/data/horizons/aime.csv?raw=1").tables[
        "benchmark_horizons"
    ]
    assert rows[0]["benchmark"] == "aime"


def test_headline_yaml_runs_jsonl_embedded_csv_and_epoch_tables_are_not_cross_domain():
    assert not cross_domain.sniff("results:\n  a:\n    metrics: {}\ndoubling_time_in_days: {}\n", "x.yaml")
    assert not cross_domain.sniff('{"task_id": "t", "alias": "a", "horizon": 1}\n', "x.jsonl")
    assert not cross_domain.sniff("# horizon embedded headline v1\nmodel,horizon\n", "x.csv")
    assert not cross_domain.sniff("id,Model version,Time horizon\n", "external_benchmark_metr.csv")


# ---------------------------------------------------------------------------- bad input


def test_score_above_one_names_line_and_column():
    assert _error("model,horizon,score\na,2.0,0.5\nb,3.0,1.3\n", "aime.csv") == (
        "aime.csv: line 3, column 'score': expected a score between 0 and 1, got '1.3'"
    )


def test_score_as_percentage_above_hundred_is_rejected():
    assert _error("model,horizon,score\nb,3.0,130%\n", "aime.csv") == (
        "aime.csv: line 2, column 'score': expected a score between 0 and 1, got '130%'"
    )


def test_zero_minutes_in_a_benchmark_horizon_file_is_rejected():
    assert _error("model,horizon\na,0\n", "aime.csv") == (
        "aime.csv: line 2, column 'horizon': expected a positive number of minutes, got 0"
    )


def test_negative_minutes_in_a_benchmark_horizon_file_is_rejected():
    assert _error("model,horizon\na,-5\n", "aime.csv") == (
        "aime.csv: line 2, column 'horizon': expected a positive number of minutes, got -5"
    )


def test_negative_seconds_in_all_data_is_rejected():
    assert _error("model,horizon,benchmark\na,-5,aime\n", "all_data.csv") == (
        "all_data.csv: line 2, column 'horizon': expected a number of seconds >= 0, got '-5'"
    )


def test_text_horizon_in_all_data_is_rejected():
    assert _error("model,horizon,benchmark\na,long,aime\n", "all_data.csv") == (
        "all_data.csv: line 2, column 'horizon': expected a number of seconds, got 'long'"
    )


def test_release_date_that_is_not_a_date_names_line_and_column():
    assert _error("model,horizon,benchmark,release_date\na,60,aime,soon\n", "all_data.csv") == (
        "all_data.csv: line 2, column 'release_date': expected a date like 2025-08-07, got 'soon'"
    )


def test_missing_model_column_is_rejected_when_the_format_is_forced():
    assert _error("name,horizon\na,1\n", kind="cross_domain_horizons") == (
        "x.csv: line 1: expected a column 'model'"
    )


def test_unknown_content_is_rejected_with_what_was_expected():
    assert _error("name,value\na,1\n") == (
        "x.csv: expected a METR cross-domain table (a CSV with model and horizon columns, "
        "a benchmark TOML with [splits.NAME], or metrics.toml)"
    )


def test_row_with_too_few_fields_is_rejected():
    assert _error("model,horizon,score\na,2.0\n", "aime.csv") == (
        "aime.csv: line 2: expected 3 fields as in the header, got 2"
    )


def test_malformed_csv_names_the_line():
    assert _error('model,horizon\n"a,2.0\n', "aime.csv") == (
        "aime.csv: line 2: expected well-formed CSV (unexpected end of data)"
    )


def test_empty_file_is_rejected():
    assert _error("", "aime.csv") == "aime.csv: expected a METR cross-domain table, got an empty file"


def test_malformed_toml_names_the_line():
    assert _error("n_questions = 5\n[splits.all]\nlengths = [1.0, 2.0\n", "aime.toml") == (
        "aime.toml: end of file: expected valid TOML (Unclosed array)"
    )


def test_zero_task_length_names_the_split_and_index():
    assert _error("n_questions = 3\n[splits.all]\nlengths = [1.0, 2.0, 0]\n", "aime.toml") == (
        "aime.toml: key splits.all.lengths[2]: expected a positive number of minutes, got 0"
    )


def test_negative_task_length_names_the_split_and_index():
    assert _error("[splits.short]\nlengths = [-5]\n", "aime.toml") == (
        "aime.toml: key splits.short.lengths[0]: expected a positive number of minutes, got -5"
    )


def test_chance_accuracy_above_one_is_rejected():
    assert _error("chance_accuracy = 1.3\n[splits.all]\nlengths = [1.0]\n", "aime.toml") == (
        "aime.toml: key chance_accuracy: expected a score between 0 and 1, got 1.3"
    )


def test_benchmark_toml_forced_without_splits_is_rejected():
    assert _error("n_questions = 3\n", "aime.toml", kind="cross_domain_benchmark") == (
        "aime.toml: key splits: expected [splits.NAME] tables with task lengths"
    )


def test_zero_max_horizon_is_rejected():
    assert _error("[aime]\nmax_horizon_minutes = 0\n", "metrics.toml") == (
        "metrics.toml: key aime.max_horizon_minutes: expected a positive number of minutes, got 0"
    )


def test_toml_syntax_error_names_its_line():
    assert _error("n_questions = 3\nchance_accuracy = = 0.1\n", "aime.toml", kind="cross_domain_benchmark") == (
        "aime.toml: line 2: expected valid TOML (Invalid value)"
    )


def test_benchmark_from_a_path_with_a_byte_order_mark_and_windows_separators():
    rows = cross_domain.parse("\ufeffmodel,horizon\nm,2.5\n", r"C:\data\horizons\gpqa.csv").tables[
        "benchmark_horizons"
    ]
    assert [(r["benchmark"], r["source_model"], r["row_number"]) for r in rows] == [("gpqa", "m", 2)]


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_kind_of_names_the_table_that_parse_reads(path):
    assert cross_domain.kind_of(_read(path), path.name) == cross_domain.parse(_read(path), str(path)).kind
