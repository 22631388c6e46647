"""Release-date YAML (METR) and cross-domain model_info.yaml: detection, rows, error messages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from horizon.errors import InputError
from horizon.formats import detect, release_dates

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DATE_FILES = [
    DATA / "metr" / "release_dates_2025-03.yaml",
    DATA / "metr" / "release_dates_th1_1.yaml",
    DATA / "metr-cross-domain" / "release_dates.yaml",
]
MODEL_INFO = DATA / "metr-cross-domain" / "model_info.yaml"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


def _error(text: str, kind: str | None = None) -> str:
    with pytest.raises(InputError) as caught:
        release_dates.parse(text, "x.yaml", kind=kind)
    return str(caught.value)


@pytest.mark.parametrize("path", DATE_FILES + [MODEL_INFO], ids=lambda p: p.name)
def test_every_published_release_date_file_is_detected_as_release_dates(path):
    assert detect(_read(path), path.name, str(path)) is release_dates


@pytest.mark.parametrize("path", DATE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_release_date_file_gives_one_row_per_distinct_model_with_its_date(path):
    expected = {str(k): v for k, v in yaml.safe_load(_read(path))["date"].items()}
    parsed = release_dates.parse(_read(path), str(path))
    rows = parsed.tables["release_dates"]
    assert parsed.kind == "metr_release_dates"
    assert len(rows) == len(expected)
    assert {r["source_model"]: r["release_date"] for r in rows} == expected
    assert parsed.release_dates == expected


def test_model_info_gives_a_row_for_every_key_and_alias_with_a_known_date():
    info = yaml.safe_load(_read(MODEL_INFO))["model_info"]
    expected = {}
    for key, entry in info.items():
        if entry["release_date"] == "unknown":
            continue
        for name in [key, *entry.get("aliases", [])]:
            expected[name] = entry["release_date"]
    parsed = release_dates.parse(_read(MODEL_INFO), str(MODEL_INFO))
    rows = parsed.tables["release_dates"]
    assert parsed.kind == "cross_domain_model_info"
    assert len(rows) == len(expected)
    assert {r["source_model"]: r["release_date"] for r in rows} == expected


def test_alias_spelling_gets_the_release_date_of_its_model():
    text = (
        "model_info:\n"
        "  anthropic_claude_3_5_sonnet_old:\n"
        "    release_date: 2024-06-20\n"
        "    aliases:\n"
        '      - "Claude 3.5 Sonnet"\n'
        "      - anthropic_claude_3_5_sonnet_20240620\n"
    )
    rows = release_dates.parse(text, "model_info.yaml").tables["release_dates"]
    assert rows == [
        {"source_model": "anthropic_claude_3_5_sonnet_old", "release_date": date(2024, 6, 20)},
        {"source_model": "Claude 3.5 Sonnet", "release_date": date(2024, 6, 20)},
        {"source_model": "anthropic_claude_3_5_sonnet_20240620", "release_date": date(2024, 6, 20)},
    ]


def test_model_with_unknown_release_date_gives_no_rows_not_an_error():
    text = "model_info:\n  mystery:\n    release_date: unknown\n    aliases: [m]\n  known:\n    release_date: 2025-01-02\n"
    rows = release_dates.parse(text, "model_info.yaml").tables["release_dates"]
    assert rows == [{"source_model": "known", "release_date": date(2025, 1, 2)}]


def test_model_names_keep_the_files_spelling_even_when_yaml_would_read_them_as_numbers():
    rows = release_dates.parse("date:\n  1.5: 2024-01-01\n  no: 2024-02-02\n", "d.yaml").tables["release_dates"]
    assert [r["source_model"] for r in rows] == ["1.5", "no"]


def test_repeated_name_with_the_same_date_is_one_row():
    rows = release_dates.parse("date:\n  a: 2024-01-01\n  a: 2024-01-01\n", "d.yaml").tables["release_dates"]
    assert rows == [{"source_model": "a", "release_date": date(2024, 1, 1)}]


def test_repeated_name_with_a_different_date_names_the_line():
    assert _error("date:\n  a: 2024-01-01\n  a: 2024-03-01\n") == (
        "x.yaml: line 3, key date.a: expected one release date for 'a', got 2024-01-01 and 2024-03-01"
    )


def test_headline_yaml_and_runs_jsonl_and_embedded_csv_are_not_release_dates():
    assert not release_dates.sniff("results:\n  gpt_4:\n    release_date: 2023-03-14\n", "x.yaml")
    assert not release_dates.sniff("date:\n  a: 2024-01-01\ndoubling_time_in_days:\n  x: 1\n", "x.yaml")
    assert not release_dates.sniff('{"task_id": "t", "alias": "a"}\n', "x.jsonl")
    assert not release_dates.sniff("# horizon embedded headline v1\nmodel,level\n", "x.csv")


def test_date_that_is_not_a_date_names_line_and_model():
    assert _error("date:\n  GPT-4o: 2024-05-13\n  GPT-5: soon\n") == (
        "x.yaml: line 3, key date.GPT-5: expected a date like 2025-08-07, got 'soon'"
    )


def test_missing_date_value_says_nothing_was_given():
    assert _error("date:\n  GPT-5:\n") == (
        "x.yaml: line 2, key date.GPT-5: expected a date like 2025-08-07, got nothing"
    )


def test_malformed_yaml_names_the_line():
    # libyaml (CSafeLoader) and pure-Python PyYAML word the same problem differently
    assert _error("date:\n  a: 2024-01-01\n  b: [2024\n") in {
        "x.yaml: line 4: expected valid YAML (did not find expected ',' or ']')",
        "x.yaml: line 4: expected valid YAML (expected ',' or ']', but got '<stream end>')",
    }


def test_yaml_without_a_date_or_model_info_key_is_rejected():
    assert _error("dates:\n  a: 2024-01-01\n") == (
        "x.yaml: expected a YAML mapping with a top-level 'date:' or 'model_info:' key"
    )


def test_forced_kind_names_only_the_key_it_needs():
    assert _error("model_info:\n  a:\n    release_date: 2024-01-01\n", kind="metr_release_dates") == (
        "x.yaml: expected a YAML mapping with a top-level 'date:' key"
    )


def test_empty_file_is_rejected():
    assert _error("") == (
        "x.yaml: expected a YAML mapping with a top-level 'date:' or 'model_info:' key, got an empty file"
    )


def test_date_section_that_is_a_list_is_rejected():
    assert _error("date:\n  - a\n") == (
        "x.yaml: line 1, key date: expected a mapping of model name to release date"
    )


def test_model_info_entry_without_release_date_is_rejected():
    assert _error("model_info:\n  a:\n    aliases: [b]\n") == (
        "x.yaml: line 2, key model_info.a: expected a release_date (a date, or 'unknown')"
    )


def test_model_info_aliases_that_are_not_a_list_are_rejected():
    assert _error("model_info:\n  a:\n    release_date: 2024-01-01\n    aliases: b\n") == (
        "x.yaml: line 4, key model_info.a.aliases: expected a list of alias names"
    )


def test_model_info_bad_release_date_names_the_key():
    assert _error("model_info:\n  a:\n    release_date: soon\n") == (
        "x.yaml: line 3, key model_info.a.release_date: expected a date like 2025-08-07, got 'soon'"
    )


def test_alias_shared_by_two_models_with_different_dates_is_rejected():
    text = (
        "model_info:\n  a:\n    release_date: 2024-01-01\n    aliases: [x]\n"
        "  b:\n    release_date: 2024-02-01\n    aliases: [x]\n"
    )
    assert _error(text) == (
        "x.yaml: line 7, key model_info.b.aliases[0]: expected one release date for 'x', "
        "got 2024-01-01 and 2024-02-01"
    )


def test_byte_order_mark_is_tolerated():
    rows = release_dates.parse("\ufeffdate:\n  a: 2024-01-01\n", "d.yaml").tables["release_dates"]
    assert rows == [{"source_model": "a", "release_date": date(2024, 1, 1)}]


@pytest.mark.parametrize("path", DATE_FILES + [MODEL_INFO], ids=lambda p: p.name)
def test_kind_of_names_the_shape_that_parse_reads(path):
    assert release_dates.kind_of(_read(path), path.name) == release_dates.parse(_read(path), str(path)).kind


def test_model_info_entry_repeated_with_different_aliases_is_rejected():
    text = (
        "model_info:\n  a:\n    release_date: 2024-01-01\n    aliases: [x]\n"
        "  a:\n    release_date: 2024-01-01\n    aliases: [y]\n"
    )
    assert _error(text) == (
        "x.yaml: line 5, key model_info.a: expected unique keys, got 'a' again with a different value "
        "(first on line 2)"
    )


def test_model_info_entry_repeated_word_for_word_is_one_model():
    entry = "  a:\n    release_date: 2024-01-01\n    aliases: [x]\n"
    rows = release_dates.parse("model_info:\n" + entry + entry, "d.yaml").tables["release_dates"]
    assert rows == [
        {"source_model": "a", "release_date": date(2024, 1, 1)},
        {"source_model": "x", "release_date": date(2024, 1, 1)},
    ]


def test_aliases_given_twice_in_one_entry_with_different_lists_are_rejected():
    assert _error("model_info:\n  a:\n    release_date: 2024-01-01\n    aliases: [x]\n    aliases: [y]\n") == (
        "x.yaml: line 5, key model_info.a.aliases: expected unique keys, got 'aliases' again with a "
        "different value (first on line 4)"
    )


def test_release_date_that_is_not_on_the_calendar_names_line_and_model():
    assert _error("date:\n  a: 2024-02-30\n") == (
        "x.yaml: line 2, key date.a: expected a date like 2025-08-07, got '2024-02-30'"
    )
