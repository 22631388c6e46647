"""Property-based fuzz of every parser (issue 10): whatever the bytes, ingest gives a result or
one InputError whose message is one printable line naming the file, and nothing else: no
traceback, no other exception, no message that could move a terminal's cursor.

Inputs are real published files (or our embedded copies), cut short and mutated: slices
deleted, repeated or swapped, hostile text inserted (control characters, quotes, brackets,
huge numbers, other scripts), bytes flipped; plus text from nothing. Each format is fuzzed
forced (``--format``) and detected. Hypothesis runs derandomised, so CI sees the same cases.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from horizon import formats
from horizon.config import PROJECT_DIR, load_config
from horizon.errors import InputError
from horizon.ingest import ingest_bytes
from horizon.models import load_registry
from horizon.store import connect
from tests.conftest import METR, SHARED, VINTAGE

CROSS = SHARED / "metr-cross-domain"
EPOCH = SHARED / "epoch"
EMBEDDED = PROJECT_DIR / "data" / "metr"
EMBEDDED_INDICATORS = PROJECT_DIR / "data" / "indicators"
INDICATORS = SHARED / "indicators"


def _head(path, lines: int) -> bytes:
    """The first ``lines`` lines: a small, still-valid sample keeps each example fast."""
    return b"".join(path.read_bytes().splitlines(keepends=True)[:lines])


# Every format horizon reads, with a real sample of it (named as the publisher names it).
SAMPLES = {
    "horizon_headline_csv": (EMBEDDED / "metr_headline_1_1_2026-02-22.csv", 12),
    "horizon_runs_csv": (EMBEDDED / "metr_runs_2025-03.csv", 12),
    "horizon_benchmark_horizons_csv": (EMBEDDED / "metr_cross_domain_2025-07.csv", 12),
    "metr_headline_yaml": (VINTAGE["2026-02-22"], 60),
    "metr_runs_jsonl": (METR / "all_runs_2025-03.jsonl", 8),
    "metr_release_dates": (METR / "release_dates_9dfcdf4.yaml", 12),
    "cross_domain_model_info": (CROSS / "model_info.yaml", 30),
    "cross_domain_all_data": (CROSS / "all_data.csv", 12),
    "cross_domain_horizons": (CROSS / "horizons" / "aime.csv", 12),
    "cross_domain_benchmark": (CROSS / "benchmarks" / "aime.toml", 40),
    "cross_domain_metrics": (CROSS / "metrics.toml", 40),
    "epoch_metr": (EPOCH / "external_benchmark_metr.csv", 10),
    "epoch_benchmark": (EPOCH / "external_benchmark_os_world.csv", 10),
    "epoch_capabilities_index": (EPOCH / "epoch_capabilities_index.2026-04-11.csv", 10),
    "epoch_model_versions": (EPOCH / "model_versions.csv", 10),
    "horizon_indicators_csv": (EMBEDDED_INDICATORS / "indicators.csv", 12),
    "horizon_benchmark_scores_csv": (EMBEDDED_INDICATORS / "ladder_scores.csv", 12),
    "horizon_rct_issues_csv": (EMBEDDED_INDICATORS / "rct_issues.csv", 12),
    "anthropic_rd_automation_index": (INDICATORS / "anthropic_rd_automation_index.csv", 56),
    "openai_experiment_velocity": (INDICATORS / "openai_experiment_velocity.csv", 16),
    "lab_internal_indicators": (INDICATORS / "lab_internal_indicators.csv", 20),
    "metr_uplift_rct": (INDICATORS / "metr_uplift_rct_2025.csv", 12),
    "metr_suite_tasks": (METR / "th1_1_task_human_minutes.json", 10**6),   # JSON: whole, then mutated
}

HOSTILE = st.sampled_from([
    "\x1b[31m", "\x07", "\x00", "\x7f", "\x9b", "\u202e", "\u200b", "\u2028", "\ufeff", "\r", "\t", "\n",
    '"', "'", ",", ":", "- ", "[", "]", "{", "}", "#", "&a", "*a", "!!python/object:os.system", "%", "\\",
    "9" * 400, "1e999", "-0", "NaN", "Infinity", "nan", "2024-02-30", "1.5", "true", "null", "~",
    "нейросеть", "🤖", "a" * 200,
])


@st.composite
def mutated(draw, sample: bytes) -> bytes:
    data = bytearray(sample)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        j = draw(st.integers(i, min(len(data), i + 200)))
        op = draw(st.sampled_from(["cut", "delete", "insert", "repeat", "flip", "swap_lines"]))
        if op == "cut":
            del data[i:]
        elif op == "delete":
            del data[i:j]
        elif op == "insert":
            data[i:i] = draw(HOSTILE).encode("utf-8")
        elif op == "repeat":
            data[j:j] = data[i:j]
        elif op == "flip":
            data[i] = draw(st.integers(0, 255))
        else:
            lines = bytes(data).split(b"\n")
            a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[a], lines[b] = lines[b], lines[a]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@pytest.fixture(scope="module")
def store():
    con = connect()
    config = load_config(db=":memory:", env={}, now=datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    yield con, config, load_registry(config.data_dir / "models.toml")
    con.close()


def check(store, data: bytes, origin: str, fmt: str | None) -> None:
    con, config, registry = store
    try:
        (result,) = ingest_bytes(con, config, [(origin, data)], fmt=fmt, registry=registry)
    except InputError as exc:
        message = str(exc)
        assert message.startswith(f"{origin}: "), message
        assert "\n" not in message and message.isprintable(), repr(message)
        assert len(message) < 1000, message
    else:
        assert result.rows >= 0 and result.origin == origin


FUZZ = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_every_parser_gives_a_result_or_one_line_error_on_mutated_input(kind, store):
    path, lines = SAMPLES[kind]
    sample = _head(path, lines)
    check(store, sample, path.name, kind)  # the unmutated sample reads

    @FUZZ
    @given(data=mutated(sample), forced=st.booleans())
    def fuzz(data, forced):
        check(store, data, path.name, kind if forced else None)

    fuzz()


@FUZZ
@given(data=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass"))),
       kind=st.sampled_from([None, *sorted(SAMPLES)]), name=st.sampled_from(["x.yaml", "x.csv", "x.jsonl", "x.toml", "x"]))
def test_every_parser_gives_a_result_or_one_line_error_on_text_from_nothing(data, kind, name, store):
    check(store, data, name, kind)


def test_the_fuzz_covers_every_format():
    assert sorted(SAMPLES) == sorted(formats.kinds())
