"""data/scenarios.toml and its overrides: every parameter cited, bad files are one-line errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from horizon.config import PROJECT_DIR
from horizon.errors import ConfigError, InputError
from horizon.scenarios import params as sp
from horizon.scenarios.files import load_parameters
from horizon.tomlfile import read_toml

PARAMETER_FILE = PROJECT_DIR / "data" / "scenarios.toml"


@pytest.fixture(scope="module")
def doc():
    return read_toml(PARAMETER_FILE, "scenario parameters")


def test_the_parameter_file_gives_every_model_parameter_a_default_a_range_and_a_citation(doc):
    params = sp.parse_parameters(doc, "data/scenarios.toml")
    assert [s.name for s in params.specs] == list(sp.NAMES)
    for s in params.specs:
        assert s.low <= s.default <= s.high and s.cite and s.label, s.name


def test_the_cited_values_are_davidsons_and_forethoughts(doc):
    """The cited defaults are the sources' numbers (Davidson's best-guess file is in ../shared/data)."""
    import json

    ftm = json.loads((PROJECT_DIR.parent / "shared" / "data" / "scenarios" / "davidson_ftm_best_guess_parameters.json").read_text())
    params = sp.parse_parameters(doc, "data/scenarios.toml")
    assert params.value("parallelisation_penalty") == ftm["rnd_parallelization_penalty"] == 0.7
    assert params.value("software_returns") == ftm["software_returns"] == 1.25
    assert params.value("ai_speed") == 30.0


def _broken(doc, name, **fields):
    out = {k: dict(v) for k, v in doc.items()}
    for key, value in fields.items():
        if value is None:
            out[name].pop(key)
        else:
            out[name][key] = value
    return out


@pytest.mark.parametrize("name, fields, message", [
    ("f_max", {"default": "high"}, "x.toml: f_max.default: expected a finite number, got 'high'"),
    ("f_max", {"default": 1.5, "range": [0.5, 2.0]}, "x.toml: f_max.range: expected a share above 0 and at most 1, got 2"),
    ("f_max", {"default": 0.4}, "x.toml: f_max.default: expected a value inside its range [0.5, 1], got 0.4"),
    ("ai_speed", {"range": [30.0]}, "x.toml: ai_speed.range: expected [low, high], two finite numbers with low <= high, got [30.0]"),
    ("ai_speed", {"range": [900.0, 3.0]}, "x.toml: ai_speed.range: expected [low, high], two finite numbers with low <= high, got [900.0, 3.0]"),
    ("ai_speed", {"cite": " "}, "x.toml: ai_speed.cite: expected non-empty text"),
    ("ai_speed", {"cite": None}, "x.toml: ai_speed: missing cite"),
    ("task_spread", {"scale": "cubic"}, "x.toml: task_spread.scale: expected one of linear, log, got 'cubic'"),
    ("task_spread", {"units": "ln"}, "x.toml: task_spread.units: unknown field; expected cite, default, label, range, scale, source, unit"),
    ("software_returns", {"default": math.inf}, "x.toml: software_returns.default: expected a finite number, got inf"),
])
def test_a_bad_entry_is_one_line_naming_the_file_the_key_and_what_was_expected(doc, name, fields, message):
    with pytest.raises(InputError) as err:
        sp.parse_parameters(_broken(doc, name, **fields), "x.toml")
    assert str(err.value) == message


def test_a_missing_or_unknown_parameter_is_named(doc):
    gone = {k: v for k, v in doc.items() if k != "f_max"}
    with pytest.raises(InputError, match=r"^x.toml: f_max: missing: every model parameter needs an entry \(f_max\)$"):
        sp.parse_parameters(gone, "x.toml")
    extra = dict(doc, gamma={"default": 1, "range": [0, 2], "cite": "x"})
    with pytest.raises(InputError, match=r"^x.toml: gamma: unknown parameter; expected one of task_median_hours, "):
        sp.parse_parameters(extra, "x.toml")
    with pytest.raises(InputError, match=r"^x.toml: f_max: expected a table with default, range and cite$"):
        sp.parse_parameters(dict(doc, f_max=0.9), "x.toml")


def test_a_file_that_is_not_toml_says_so(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("[f_max\ndefault = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="s.toml: expected the scenario parameters .* in valid TOML"):
        load_parameters(path)


def test_overrides_from_a_file_then_the_command_line_are_applied_in_order_and_recorded(tmp_path):
    over = tmp_path / "over.toml"
    over.write_text("software_returns = 1.5\nf_max = 0.95\n", encoding="utf-8")
    params = load_parameters(PARAMETER_FILE, ["software_returns=1.75"], over, origin="data/scenarios.toml")
    assert params.value("software_returns") == 1.75 and params.value("f_max") == 0.95
    recorded = params.as_params()
    assert recorded["file"] == "data/scenarios.toml"
    assert recorded["values"]["software_returns"] == 1.75
    assert [o["from"] for o in recorded["overrides"]] == [str(over), str(over), "--param"]


@pytest.mark.parametrize("item, message", [
    ("software_returns=3", "--param: software_returns: expected a value inside the range [1, 2] that data/scenarios.toml"
                           " states (widen the range there, with its reason, to go further), got 3"),
    ("f_max=lots", "--param: f_max: expected a finite number, got 'lots'"),
    ("gamma=1", "--param: gamma: unknown parameter; expected one of task_median_hours, task_spread, f_max, ai_speed,"
                " parallelisation_penalty, software_returns, plateau_returns, plateau_ceiling_hours, reinstatement_rate"),
    ("f_max", "--param: f_max: expected NAME=VALUE, e.g. software_returns=1.5"),
    ("f_max=nan", "--param: f_max: expected a finite number, got 'nan'"),
])
def test_a_bad_command_line_override_is_one_line(item, message):
    with pytest.raises(InputError) as err:
        load_parameters(PARAMETER_FILE, [item], origin="data/scenarios.toml")
    assert str(err.value) == message


def test_an_override_file_with_a_table_is_refused(tmp_path):
    over = tmp_path / "over.toml"
    over.write_text("[f_max]\ndefault = 0.9\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"over.toml: f_max: expected name = value \(a number\), not a table$"):
        load_parameters(PARAMETER_FILE, (), over)


def test_parameter_draws_are_seeded_cover_the_stated_range_and_respect_its_scale():
    params = load_parameters(PARAMETER_FILE)
    a = sp.draw_parameters(params, 4000, np.random.default_rng(3))
    b = sp.draw_parameters(params, 4000, np.random.default_rng(3))
    for spec in params.specs:
        values = getattr(a, spec.name)
        assert np.array_equal(values, getattr(b, spec.name))
        assert values.min() >= spec.low and values.max() <= spec.high
        centre = (np.median(np.log(values)) if spec.scale == "log" else np.median(values))
        expected = (math.log(spec.low) + math.log(spec.high)) / 2 if spec.scale == "log" else (spec.low + spec.high) / 2
        assert centre == pytest.approx(expected, abs=0.05 * abs(expected) + 0.05), spec.name
