"""One meaning per flag name across commands; --json everywhere; unknown names and impossible
dates are one line that says what would have worked."""

from __future__ import annotations

import click
import pytest

from horizon.cli import cli, register_commands
from tests.conftest import VINTAGE, run_cli

OUTPUT_FORMATS = {"table", "csv", "json", "parquet", "text", "bibtex", "csl-json"}
ENV = {"SOURCE_DATE_EPOCH": "1772366400"}


def _commands():
    register_commands()
    for name, command in sorted(cli.commands.items()):
        if isinstance(command, click.Group):
            for sub, c in sorted(command.commands.items()):
                yield f"{name} {sub}", c
        else:
            yield name, command


def _option(command: click.Command, flag: str) -> click.Option | None:
    return next((p for p in command.params if isinstance(p, click.Option) and flag in p.opts), None)


def test_every_command_that_prints_results_takes_json():
    for name, command in _commands():
        assert _option(command, "--json") is not None, name


def test_format_always_means_the_output_format():
    for name, command in _commands():
        option = _option(command, "--format")
        if option is not None:
            assert isinstance(option.type, click.Choice) and set(option.type.choices) <= OUTPUT_FORMATS, name
    assert _option(dict(_commands())["ingest"], "--input-format") is not None


def test_level_is_a_success_percent_wherever_it_appears():
    seen = []
    for name, command in _commands():
        option = _option(command, "--level")
        if option is not None:
            seen.append(name)
            assert isinstance(option.type, click.IntRange), name
            assert (option.type.min, option.type.max) == (1, 99), name
    assert {"fit", "trend", "cite"} <= set(seen)


def test_fit_names_the_fit_a_command_reads_its_result_from_and_run_fit_the_run_level_input():
    commands = dict(_commands())
    assert _option(commands["cite"], "--fit") is not None
    for name in ("trend", "forecast"):
        assert _option(commands[name], "--fit") is None and _option(commands[name], "--run-fit") is not None


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("names") / "n.duckdb")
    assert run_cli("--db", db, "ingest", str(VINTAGE["2026-03-03"]), env=ENV).exit_code == 0
    return db


@pytest.mark.parametrize(("args", "message"), [
    (["query", "lates_horizons"], "no query named 'lates_horizons'; closest: latest_horizons"),
    (["query", "model_history", "--param", "model=Opus 4.6"], "no model named 'Opus 4.6'; closest: "),
    (["forecast", "--threshold", "work-mnth-50"], "no threshold named 'work-mnth-50'; closest: "),
    (["cite", "--scenario", "explosiv"], "no scenario named 'explosiv'; closest: explosive"),
])
def test_an_unknown_name_is_one_line_with_the_closest_names(store, args, message):
    result = run_cli("--db", store, *args, env=ENV)
    assert result.exit_code == 1 and message in result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""


def test_a_known_model_in_any_spelling_still_answers(store):
    import json

    result = run_cli("--db", store, "query", "model_history", "--param", "model=claude_opus_4_6_inspect", "--json")
    assert result.exit_code == 0
    assert [round(r["p50_minutes"], 1) for r in json.loads(result.stdout)["rows"]] == [718.8]


def test_an_impossible_date_says_why(store):
    result = run_cli("--db", store, "trend", "--since", "2024-02-30", env=ENV)
    assert result.exit_code == 2
    assert "expected a date like 2024-02-28, got '2024-02-30' (day is out of range for month)" in result.stderr


def test_a_level_the_publisher_does_not_publish_says_which_it_does(store):
    result = run_cli("--db", store, "trend", "--level", "65", env=ENV)
    assert result.exit_code == 1 and "publishes horizons at 50% and 80% only, not at 65%" in result.stderr


def test_the_fit_table_says_in_words_what_a_bound_too_small_or_too_large_to_mean_anything_is():
    from horizon.cli.fit import _minutes

    assert _minutes(1.07e-193) == "<0.001" and _minutes(2e36) == "unbounded"
    assert _minutes(0.0389) == "0.0389" and _minutes(1161.2) == "1,161" and _minutes(None) == "-"
