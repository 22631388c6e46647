"""data/models.toml against the published files: every frontier model they name is mapped, and
every release date agrees with the sources (or a comment in models.toml says why not)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

import pytest

from horizon.config import PROJECT_DIR
from horizon.ingest import parse_bytes
from horizon.models import load_registry, spelling_key
from tests.conftest import METR, SHARED

MODELS_TOML = PROJECT_DIR / "data" / "models.toml"
REGISTRY = load_registry(MODELS_TOML)
BY_ID = {m.model_id: m for m in REGISTRY.models}
# Not model results (indicators, scenario parameters) or not naming models (METR's task list).
NOT_MODELS = {"indicators", "scenarios", "README.md", "th1_1_task_human_minutes.json"}


def published_files():
    return [p for p in sorted(SHARED.rglob("*")) if p.is_file()
            and not NOT_MODELS & {p.name, *p.relative_to(SHARED).parts}]


def _read():
    """Per file: every spelling it uses, and the release dates it gives, read by our own parsers."""
    spellings, dates = {}, {}
    for path in published_files():
        parsed = parse_bytes(path.read_bytes(), str(path))
        rel = path.relative_to(SHARED).as_posix()
        names, given = set(), defaultdict(set)
        for rows in parsed.tables.values():
            for row in rows:
                if "source_model" in row:
                    names.add(row["source_model"])
                    if isinstance(row.get("release_date"), date):
                        given[row["source_model"]].add(row["release_date"])
        for name, day in parsed.release_dates.items():
            given[name].add(day)
        spellings[rel], dates[rel] = names, given
    return spellings, dates


SPELLINGS, DATES = _read()


def unmapped(names):
    return sorted(n for n in names if REGISTRY.resolve(n) is None)


# --- every frontier model is mapped ------------------------------------------------------------

def test_every_model_metr_ever_scored_or_dated_is_mapped():
    """METR's headline files (every vintage), run-level agents, release-date files (incl. 9dfcdf4's
    "(Inspect)" aliases) and Epoch's copy of METR's table."""
    metr = [f for f in SPELLINGS if f.startswith("metr/")] + ["epoch/external_benchmark_metr.csv"]
    assert len(metr) >= 9
    missing = {f: unmapped(SPELLINGS[f]) for f in metr}
    assert {f: names for f, names in missing.items() if names} == {}


# Frontier families: a spelling (after a provider's path, e.g. "together/meta-llama/", and a
# lab prefix, e.g. "openai_") that starts like one of these names a frontier model.
FRONTIER = {
    "OpenAI GPT-3.5 Turbo, GPT-4, GPT-4o, GPT-4.1, GPT-4.5, GPT-5": r"gpt[-_ ]?(3[-_.]5[-_ ]turbo|4|5)",
    "OpenAI o-series": r"o[134]([-_ ]|$)",
    "OpenAI GPT-3.5 (davinci), Codex, CUA": r"(text|code)-davinci|codex|cua$|computer-use|operator$",
    "Anthropic Claude": r"claude",
    "Google Gemini": r"gemini",
    "Meta Llama 2-4, Muse": r"(meta[-_])?llama[-_ ]?[2-4](?!\d)|muse",
    "DeepSeek V2-V3.2, R1": r"deepseek[-_ ]?(v\d|r1)(?!.*distill)",
    "xAI Grok": r"grok",
    "Alibaba Qwen2.5, Qwen3, QwQ, Qwen-Max/Plus/Turbo": r"qwen[-_ ]?(2[._]5[-_ ](?!coder|math)|3)|qwq|qwen[-_](max|plus|turbo)",
    "Mistral Large/Medium/Small, Mixtral, NeMo, Ministral, Magistral, Codestral":
        r"(open[-_])?(mistral[-_ ](large|medium|small|nemo|7b[-_ ]instruct)|mixtral[-_ ]8x|ministral|magistral|codestral-\d)",
    "Moonshot Kimi K2": r"kimi[-_ ]k2",
    "Zhipu GLM-4.5+": r"glm[-_ ](4[._][5-9]|5)",
    "MiniMax M": r"minimax[-_ ]m",
}
PROVIDER_PATH = re.compile(r"^([\w.-]+/)+")  # "together/meta-llama/", not the "w/" of "X w/ GPT-4o"
LAB_PREFIX = re.compile(r"^(openai|anthropic|google|xai|meta_llama|alibaba|deepseek|mistral|moonshotai)[_/]")

# Spellings in those families left unmapped on purpose (models.toml's header gives the rules).
NOT_ONE_VERSION = "the name does not say which version (or base or instruct) it is"
RESEARCH_SYSTEM = "a research system or fine-tune built on the model, not the model"
LOCAL_BUILD = "a local quantised build, which Epoch keeps apart from the model"
LEFT_UNMAPPED = {
    "GPT-4 Vision (2024-03-20)": "an evaluation date, not a version",
    "GPT-4-code model": RESEARCH_SYSTEM,
    "GPT-4-code model (CSV, w/ code, SC, k=16)": RESEARCH_SYSTEM,
    "GPT-4 Turbo (MACM, w/code, voting)": RESEARCH_SYSTEM,
    "gpt_4_code_model": RESEARCH_SYSTEM,
    "gpt_4_auto_eval": RESEARCH_SYSTEM,
    "gpt_4o_tree_search": RESEARCH_SYSTEM,
    "gpt-5-chat": "ChatGPT's moving gpt-5-chat-latest; no source dates a version",
    "o3_cua": NOT_ONE_VERSION,
    "openai_o3_cua": NOT_ONE_VERSION,
    "gemini_1_5_pro": NOT_ONE_VERSION,
    "google_gemini_1_5_pro": NOT_ONE_VERSION,
    "gemini_1_5_pro_022024": "a preview named by month only",
    "google_gemini_1_5_pro_022024": "a preview named by month only",
    "gemini_1_5_pro_052024": "a preview named by month only",
    "google_gemini_1_5_pro_052024": "a preview named by month only",
    "gemini_2_5_flash_preview": NOT_ONE_VERSION,
    "google_gemini_2_5_flash_preview": NOT_ONE_VERSION,
    "gemini 2.5 flash preview": NOT_ONE_VERSION,
    "gemini_2_5_pro": NOT_ONE_VERSION,
    "gemini 2.5 pro": NOT_ONE_VERSION,
    "gemini-2.0-flash-02-05": NOT_ONE_VERSION,
    "gemini-2.0-flash-lite": NOT_ONE_VERSION,
    "gemini-3.1-pro-preview-customtools": "a separate endpoint whose model is not documented here",
    "gemini-robotics-er-1.5-preview": "a robotics model",
    "Mixtral 8x7B": NOT_ONE_VERSION,
    "mixtral_8x7b": NOT_ONE_VERSION,
    "grok_3_mini": NOT_ONE_VERSION,
    "grok 3 mini": NOT_ONE_VERSION,
    "Llama 3 70B": NOT_ONE_VERSION,
    "meta_llama_3_70b": NOT_ONE_VERSION,
    "llama-3.1-nemotron-70b-instruct": RESEARCH_SYSTEM,
    "Llama-3.1-Tulu-3-70B-DPO": RESEARCH_SYSTEM,
    "sagemaker/allenai/Llama-3.1-Tulu-3-70B-DPO": RESEARCH_SYSTEM,
    "Llama2-13B-KPMath-Plus": RESEARCH_SYSTEM,
    "llama2_13b_kpmath_plus": RESEARCH_SYSTEM,
    "llama3-llava-next-8b": RESEARCH_SYSTEM,
    "llama3.1:405b-instruct-q4_K_M": LOCAL_BUILD,
    "llama3.1:8b-instruct-q8_0": LOCAL_BUILD,
    "llama3.3:70b-instruct-q8_0": LOCAL_BUILD,
    "Llama-3.3-70B-Instruct-Q8_0-GGUF-draft": LOCAL_BUILD,
    "QwQ-32B-Preview-Q8_0-GGUF": LOCAL_BUILD,
}


def frontier_family(spelling: str) -> str | None:
    bare = LAB_PREFIX.sub("", PROVIDER_PATH.sub("", spelling.casefold().strip()))
    return next((family for family, pattern in FRONTIER.items() if re.match(pattern, bare)), None)


def test_every_spelling_of_a_frontier_family_in_the_published_files_is_mapped_or_left_out_with_a_reason():
    missing = {}
    for f, names in SPELLINGS.items():
        for name in unmapped(names):
            if frontier_family(name) and name not in LEFT_UNMAPPED:
                missing.setdefault(name, f)
    assert missing == {}


def test_the_family_patterns_find_the_models_they_are_for_and_not_their_look_alikes():
    assert frontier_family("together/meta-llama/Llama-4-Scout-17B-16E-Instruct") == "Meta Llama 2-4, Muse"
    assert frontier_family("meta_llama_meta_llama_3_1_8b_instruct") == "Meta Llama 2-4, Muse"
    assert frontier_family("openai_o3_mini") == "OpenAI o-series"
    assert frontier_family("xai_grok_3_beta") == "xAI Grok"
    for other in ("chatgpt-4o-11-25-2024", "Aguvis-72B w/ GPT-4o", "DeepSeek-R1-Distill-Qwen-32B",
                  "Qwen2.5-Coder-32B-Instruct", "o1vision", "Kimi-Dev-72B", "glm-4-0520", "LLaMA-65B"):
        assert frontier_family(other) is None, other


def test_spellings_left_unmapped_on_purpose_are_really_in_the_files_and_unmapped():
    seen = set().union(*SPELLINGS.values())
    assert {s for s in LEFT_UNMAPPED if s not in seen or REGISTRY.resolve(s)} == set()


def test_research_systems_robotics_policies_and_browser_versions_stay_unmapped():
    for name in ("Aguvis-72B w/ GPT-4o", "scribeagent_gpt_4o", "peract", "rvt_2", "12.5.x", "DART-Math-Llama3-70B-Uniform",
                 "DeepSeek-R1-Distill-Llama-70B", "UI-TARS-72B-DPO (50 steps)"):
        assert REGISTRY.resolve(name) is None, name


# --- release dates agree with the sources ------------------------------------------------------

def source_dates(model_id: str, prefix: tuple[str, ...]) -> set[date]:
    return {day for f, given in DATES.items() if f.startswith(prefix)
            for name, days in given.items() if REGISTRY.resolve(name) == model_id for day in days}


METR_FILES = ("metr/", "metr-cross-domain/")
EPOCH_FILES = ("epoch/",)
# Dates taken against the first source in line; each entry's comment in models.toml says why.
DATE_CHOSEN_OVER_THE_SOURCE = {
    "gpt-3-5-turbo-16k-0613": date(2023, 6, 13),   # METR's 2023-03-01 is the first gpt-3.5-turbo's
    "gemini-1-0-pro-vision": date(2024, 1, 4),     # METR's 2024-02-15 is gemini-1.0-pro-001's
    "gemini-2-0-flash-exp": date(2024, 12, 11),    # METR's 2025-02-05 is the stable release's
    "llama-3-70b-instruct": date(2024, 4, 18),     # METR's 2024-04-01 is a month placeholder
    "llama-4-scout": date(2025, 4, 5),             # released with Maverick, which METR dates 2025-04-05
    "mistral-small-2402": date(2024, 2, 26),       # METR's 2024-02-01 is a month placeholder
    "mistral-large-2411": date(2024, 11, 18),      # METR's 2024-11-01 is a month placeholder
    "qwen-2-5-7b-instruct": date(2024, 9, 19),     # Epoch's 2025-02-26 is when it added the row
    "qwen-2-5-14b-instruct": date(2024, 9, 19),
}


def commented(model_id: str) -> bool:
    """A comment line right above the entry's [models.<id>] header."""
    lines = MODELS_TOML.read_text(encoding="utf-8").splitlines()
    at = lines.index(f"[models.{model_id}]")
    return at > 0 and lines[at - 1].startswith("#")


@pytest.mark.parametrize("model_id", sorted(BY_ID))
def test_release_date_is_metrs_else_epochs_and_any_disagreement_is_explained(model_id):
    model = BY_ID[model_id]
    metr, epoch = source_dates(model_id, METR_FILES), source_dates(model_id, EPOCH_FILES)
    if model_id in DATE_CHOSEN_OVER_THE_SOURCE:
        assert model.release_date == DATE_CHOSEN_OVER_THE_SOURCE[model_id] and commented(model_id)
    elif metr:
        assert model.release_date in metr, f"METR gives {sorted(metr)}"
    elif epoch:
        assert model.release_date in epoch, f"Epoch gives {sorted(epoch)}"
    if len(metr | epoch | {model.release_date} - {None}) > 1:
        assert commented(model_id), f"sources give {sorted(metr | epoch)}: say which date and why"


def test_the_newest_metr_release_dates_are_embedded():
    import yaml

    newest = yaml.safe_load((METR / "release_dates_9dfcdf4.yaml").read_text())["date"]
    for name, day in newest.items():
        assert BY_ID[REGISTRY.resolve(name)].release_date == day, name
    for name in ("Kimi K2 Thinking", "Gemini 3 Pro", "GPT-5.1-Codex-Max", "Claude Opus 4.5 (Inspect)", "o3 (Inspect)"):
        assert REGISTRY.resolve(name), name


def test_dated_snapshots_of_one_model_stay_apart_and_effort_settings_join_their_model():
    assert len({REGISTRY.resolve(s) for s in ("gpt-4o-2024-05-13", "gpt-4o-2024-08-06", "gpt-4o-2024-11-20")}) == 3
    assert len({REGISTRY.resolve(s) for s in ("gemini-2.5-pro-exp-03-25", "gemini-2.5-pro-preview-03-25",
                                              "gemini-2.5-pro-preview-05-06", "gemini-2.5-pro-preview-06-05",
                                              "gemini-2.5-pro")}) == 5
    assert {REGISTRY.resolve(s) for s in ("o3-mini-2025-01-31_high", "o3_mini", "openai/o3-mini-2025-01-31")} == {"o3-mini"}
    assert {REGISTRY.resolve(s) for s in ("claude-opus-4-6_120K", "claude_opus_4_6_inspect")} == {"claude-opus-4-6"}
    assert REGISTRY.resolve("Meta-Llama-3-70B") != REGISTRY.resolve("Meta-Llama-3-70B-Instruct")
    assert spelling_key("Claude 3 Haiku") == spelling_key("claude  3 haiku")
