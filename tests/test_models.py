"""Model identity: every spelling maps to one canonical model; collisions fail loudly."""

from __future__ import annotations

import json

import pytest
import yaml

from horizon.config import PROJECT_DIR
from horizon.errors import ConfigError
from horizon.models import load_registry
from tests.conftest import METR, VINTAGES

REGISTRY = load_registry(PROJECT_DIR / "data" / "models.toml")


def test_a_registry_with_a_colliding_spelling_is_refused_naming_both_entries(tmp_path):
    path = tmp_path / "models.toml"
    path.write_text(
        '[models.a]\nname = "A"\naliases = ["shared name"]\n'
        '[models.b]\nname = "B"\naliases = ["Shared  Name"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_registry(path)
    assert str(err.value) == (f"{path}: models.b: spelling 'Shared  Name' is already claimed by models.a;"
                              " one spelling must map to one model")


def test_the_three_spellings_of_claude_3_7_sonnet_are_one_model():
    ids = {REGISTRY.resolve(s) for s in ("claude_3_7_sonnet_inspect", "Claude 3.7 Sonnet", "claude-3-7-sonnet-20250219")}
    assert ids == {"claude-3-7-sonnet"}


def test_punctuation_still_matters_so_the_two_claude_3_5_sonnets_stay_apart():
    assert REGISTRY.resolve("claude_3_5_sonnet") == "claude-3-5-sonnet-20240620"
    assert REGISTRY.resolve("Claude 3.5 Sonnet") == "claude-3-5-sonnet-20241022"


def test_every_model_name_in_metr_files_is_mapped_and_release_dates_agree():
    for path in [METR / "benchmark_results_1_0.yaml", *VINTAGES]:
        for key, entry in yaml.safe_load(path.read_text())["results"].items():
            model_id = REGISTRY.resolve(key)
            assert model_id, f"{path.name}: {key} is not in data/models.toml"
            model = next(m for m in REGISTRY.models if m.model_id == model_id)
            assert model.release_date == entry["release_date"], key
    aliases = {json.loads(line)["alias"] for line in (METR / "all_runs_2025-03.jsonl").open()}
    assert all(REGISTRY.resolve(a) for a in aliases), aliases


def test_unmapped_names_get_their_own_prefixed_id():
    assert REGISTRY.resolve("Some Future Model") is None
    assert REGISTRY.model_id_for("Some Future Model") == "unmapped:some-future-model"
    assert REGISTRY.model_id_for("<>").startswith("unmapped:model-")
