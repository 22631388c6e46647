"""The strict YAML loader: duplicate keys and unreadable scalars are one-line errors with the
line; everything else loads exactly as a plain safe load does."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from horizon.errors import InputError
from horizon.formats.base import number, shown
from horizon.formats.yamltext import load_yaml

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
HEADLINE_YAMLS = sorted((DATA / "metr").rglob("benchmark_results*.yaml"))


def _error(text: str) -> str:
    with pytest.raises(InputError) as caught:
        load_yaml(text, "x.yaml")
    return str(caught.value)


@pytest.mark.parametrize("path", HEADLINE_YAMLS, ids=lambda p: p.name)
def test_published_headline_yaml_loads_exactly_as_a_plain_safe_load(path):
    text = path.read_text(encoding="utf-8-sig")
    assert load_yaml(text, str(path)) == yaml.safe_load(text)


def test_there_are_published_headline_yamls_to_compare():
    assert len(HEADLINE_YAMLS) >= 2


def test_duplicate_key_deep_inside_a_flow_mapping_names_its_line():
    assert _error("a:\n  b:\n    c: {d: 1, e: 2, d: 3}\n") == (
        "x.yaml: line 3: expected unique keys, got 'd' again (first on line 3)"
    )


def test_keys_equal_as_values_but_written_differently_are_duplicates():
    # 1 and 1.0 are one dict key; a plain load would keep only the last
    assert _error("1: a\n1.0: b\n") == "x.yaml: line 2: expected unique keys, got '1.0' again (first on line 1)"
    assert _error("0x10: a\n16: b\n") == "x.yaml: line 2: expected unique keys, got '16' again (first on line 1)"


def test_keys_of_different_types_with_the_same_text_are_duplicates():
    assert _error("true: a\n'True': b\n") == "x.yaml: line 2: expected unique keys, got 'True' again (first on line 1)"


def test_merge_keys_still_merge_and_explicit_keys_override_them():
    doc = load_yaml("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n", "x.yaml")
    assert doc["use"] == {"x": 1, "y": 3}


def test_timestamp_with_an_impossible_hour_names_the_line():
    assert _error("a:\n  when: 2024-01-01 25:00:00\n") == (
        "x.yaml: line 2: expected a date like 2025-08-07, got '2024-01-01 25:00:00' "
        "(hour must be in 0..23)"
    )


def test_long_values_are_cut_in_messages_and_short_ones_shown_whole():
    assert shown("x" * 38) == repr("x" * 38)
    assert shown("x" * 39) == "'" + "x" * 19 + "..."
    assert shown(None) == "nothing"
    with pytest.raises(InputError) as caught:
        number(-(10**400), "x.yaml", "k")
    assert str(caught.value) == "x.yaml: k: expected a finite number, got -1000000000000000000..."
