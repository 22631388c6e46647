"""Epoch AI benchmarking-hub tables (CSV, CC BY 4.0).

Four shapes, told apart by their header (file names change between downloads, headers don't):

- ``epoch_metr``: external_benchmark_metr.csv, METR's horizons as republished by Epoch
  ("Time horizon", CI_low, CI_high in minutes; average_score) -> benchmark_horizons under the
  benchmark name "METR (Epoch)".
- ``epoch_benchmark``: the other external_benchmark_*.csv. Each known table has a spec below
  naming its model and agent columns and the unit of each value column; every non-empty value
  becomes one benchmark_scores row (long format, metric = the column name). The benchmark name
  is the readable name in the spec (Cybench, OSWorld, ...), matched by header, not file name.
- ``epoch_capabilities_index``: epoch_capabilities_index*.csv: "ECI Score" -> benchmark_scores
  (unit 'index'); "Release date" -> release_dates.
- ``epoch_model_versions``: model_versions.csv: "Version release date" -> release_dates. Rows
  without a date carry no release date and give no row.

Scores may be fractions (0.645) or percentages ("64.5%"); OSWorld's "Score" is a percentage
written without the sign (38.100). Where "Model version" is empty, the row's agent (scaffold)
names what was evaluated, so it becomes the source_model (OSWorld, Terminal-Bench); a row with
neither names nothing and is skipped (one WeirdML row: "Combo of deepseek-r1-0528 and qwen3-8b").
Dates may be ISO or day-first (24/1/2025).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from horizon.errors import InputError
from horizon.formats.base import (
    Parsed,
    a_date,
    csv_header,
    csv_rows,
    fraction,
    number_cell,
    record_release_date,
    text_field,
)

KINDS = ["epoch_metr", "epoch_benchmark", "epoch_capabilities_index", "epoch_model_versions"]
CITATION = "Epoch AI, CC BY 4.0, https://epoch.ai/data"
METR_BENCHMARK = "METR (Epoch)"
ECI_BENCHMARK = "Epoch Capabilities Index"
MODEL = "Model version"

_LABEL = {
    "epoch_metr": "Epoch AI benchmarking hub (METR horizons)",
    "epoch_benchmark": "Epoch AI benchmarking hub",
    "epoch_capabilities_index": "Epoch Capabilities Index",
    "epoch_model_versions": "Epoch AI model versions",
}


@dataclass(frozen=True)
class TableSpec:
    """How one Epoch benchmark table is laid out."""

    benchmark: str
    signature: tuple[str, ...]  # columns that together identify the table
    values: tuple[tuple[str, str], ...]  # (column, unit): fraction, percent, minutes, usd, count
    agent: str | None = None
    source: str = "Source"
    source_link: str = "Source link"
    dates: tuple[str, ...] = ()  # date columns: checked, not stored (no column for them)


BENCHMARKS = (
    TableSpec(
        "Cybench",
        signature=(MODEL, "Unguided % Solved"),
        values=(
            ("Unguided % Solved", "fraction"),
            ("Subtask-Guided % Solved", "fraction"),
            ("Subtasks % Solved", "fraction"),
            ("Unguided most difficult task solved (minutes)", "minutes"),
            ("Subtask-Guided most difficult task solved (minutes)", "minutes"),
        ),
    ),
    TableSpec(
        "GSO-Bench",
        signature=(MODEL, "Score OPT@1"),
        values=(("Score OPT@1", "fraction"), ("Score OPT@10", "fraction")),
        agent="Scaffold",
    ),
    TableSpec(
        "Terminal-Bench",
        signature=(MODEL, "Accuracy mean"),
        values=(("Accuracy mean", "fraction"), ("Accuracy SE", "fraction")),
        agent="Agent",
    ),
    TableSpec(
        "TheAgentCompany",
        signature=(MODEL, "% Resolved"),
        values=(
            ("% Resolved", "fraction"),
            ("% Score", "fraction"),
            ("Average steps", "count"),
            ("Average costs", "usd"),
        ),
        agent="Model",  # e.g. "OpenHands + Claude 3.5 Sonnet": the submission, scaffold included
        source_link="Source link (site from table)",
        dates=("Date",),
    ),
    TableSpec(
        "WeirdML",
        signature=(MODEL, "Accuracy", "Cost per run"),
        values=(
            ("Accuracy", "fraction"),
            ("Cost per run", "usd"),
            ("Median code length (lines)", "count"),
        ),
    ),
    TableSpec(
        "OSWorld",
        signature=(MODEL, "Agent", "Score", "Date added"),
        values=(("Score", "percent"),),
        agent="Agent",
        dates=("Date added",),
    ),
)

_METR_SIGNATURE = (MODEL, "Time horizon")
_ECI_SIGNATURE = (MODEL, "ECI Score")
_VERSIONS_SIGNATURE = ("id", "Version release date")
_UNIT_STORED = {"fraction": "fraction", "percent": "fraction", "minutes": "minutes", "usd": "usd", "count": "count"}


# ---------------------------------------------------------------------------------- detection


def _has(header: list[str], columns: tuple[str, ...]) -> bool:
    return all(c in header for c in columns)


def detect(header: list[str]) -> tuple[str, TableSpec | None] | None:
    """(kind, spec) for a header, or None when it is no Epoch table we know."""
    if _has(header, _METR_SIGNATURE):
        return "epoch_metr", None
    if _has(header, _ECI_SIGNATURE):
        return "epoch_capabilities_index", None
    if _has(header, _VERSIONS_SIGNATURE):
        return "epoch_model_versions", None
    for spec in BENCHMARKS:
        if _has(header, spec.signature):
            return "epoch_benchmark", spec
    return None


def sniff(text: str, name: str) -> bool:
    return kind_of(text, name) is not None


def kind_of(text: str, name: str) -> str | None:
    """Which of KINDS this content is, from its header."""
    header = csv_header(text)
    found = detect(header) if header is not None else None
    return found[0] if found else None


# ---------------------------------------------------------------------------------------- CSV


def _require(header: list[str], columns, source: str) -> None:
    for column in columns:
        if column and column not in header:
            raise InputError(source, "line 1", f"expected a column {column!r}")


def _cell(row: dict[str, str], column: str | None) -> str:
    return (row.get(column) or "").strip() if column else ""


def _where(line: int, column: str) -> str:
    return f"line {line}, column {column!r}"


def _minutes(value: str, source: str, where: str) -> float:
    return number_cell(value, source, where, positive=True, unit=" of minutes")


def _percent(value: str, source: str, where: str) -> float:
    """A percentage written as a bare number (38.100 means 38.1%), or with its sign."""
    if value.endswith("%"):
        return fraction(value, source, where)
    result = number_cell(value, source, where, unit=" (a percentage)")
    if not 0.0 <= result <= 100.0:
        raise InputError(source, where, f"expected a percentage between 0 and 100, got {value!r}")
    return result / 100.0


def _non_negative(text: str, value: str, source: str, where: str, expected: str) -> float:
    """``text`` is ``value`` without its currency sign or thousands separators."""
    try:
        result = float(text)
    except ValueError:
        result = math.nan
    if not math.isfinite(result) or result < 0:
        raise InputError(source, where, f"expected {expected}, got {value!r}")
    return result


def _usd(value: str, source: str, where: str) -> float:
    text = value.replace("$", "").replace(",", "").strip()
    return _non_negative(text, value, source, where, "a cost like $1.25 (0 or more)")


def _count(value: str, source: str, where: str) -> float:
    return _non_negative(value.replace(",", ""), value, source, where, "a count of 0 or more")


_READ = {"fraction": fraction, "percent": _percent, "minutes": _minutes, "usd": _usd, "count": _count}


# ------------------------------------------------------------------------------------ tables


def _metr(header, rows, source: str) -> dict:
    _require(header, (MODEL, "Time horizon", "CI_low", "CI_high", "average_score"), source)
    horizons = []
    for line, row in rows:
        model = text_field(_cell(row, MODEL), source, _where(line, MODEL))
        optional = {}
        for column in ("CI_low", "CI_high"):
            value = _cell(row, column)
            optional[column] = _minutes(value, source, _where(line, column)) if value else None
        score = _cell(row, "average_score")
        horizons.append({
            "benchmark": METR_BENCHMARK,
            "source_model": model,
            "horizon_minutes": _minutes(_cell(row, "Time horizon"), source, _where(line, "Time horizon")),
            "ci_low": optional["CI_low"],
            "ci_high": optional["CI_high"],
            "slope": None,
            "slope_method": None,
            "score": fraction(score, source, _where(line, "average_score")) if score else None,
            "release_date": None,
            "row_number": line,
        })
    return {"benchmark_horizons": horizons}


def _benchmark(header, rows, source: str, spec: TableSpec) -> dict:
    _require(header, (MODEL, spec.agent, *(c for c, _ in spec.values), *spec.dates), source)
    scores = []
    for line, row in rows:
        for column in spec.dates:
            value = _cell(row, column)
            if value:
                a_date(value, source, _where(line, column))
        agent = _cell(row, spec.agent) or None
        model = _cell(row, MODEL) or agent
        if model is None:
            continue  # names neither a model nor an agent: nothing to attribute the score to
        for column, unit in spec.values:
            value = _cell(row, column)
            if not value:
                continue
            scores.append({
                "benchmark": spec.benchmark,
                "source_model": model,
                "agent": agent,
                "metric": column,
                "value": _READ[unit](value, source, _where(line, column)),
                "unit": _UNIT_STORED[unit],
                "source": _cell(row, spec.source) or None,
                "source_link": _cell(row, spec.source_link) or None,
                "row_number": line,
            })
    return {"benchmark_scores": scores}


def _eci(header, rows, source: str, found: dict[str, date]) -> dict:
    _require(header, (MODEL, "ECI Score", "Release date"), source)
    scores = []
    for line, row in rows:
        model = text_field(_cell(row, MODEL), source, _where(line, MODEL))
        released = _cell(row, "Release date")
        if released:
            where = _where(line, "Release date")
            record_release_date(found, model, a_date(released, source, where), source, where)
        value = _cell(row, "ECI Score")
        if value:
            scores.append({
                "benchmark": ECI_BENCHMARK,
                "source_model": model,
                "agent": None,
                "metric": "ECI Score",
                "value": number_cell(value, source, _where(line, "ECI Score")),
                "unit": "index",
                "source": None,
                "source_link": None,
                "row_number": line,
            })
    return {"benchmark_scores": scores, "release_dates": _release_rows(found)}


def _versions(header, rows, source: str, found: dict[str, date]) -> dict:
    _require(header, ("id", "Version release date"), source)
    for line, row in rows:
        model = text_field(_cell(row, "id"), source, _where(line, "id"))
        released = _cell(row, "Version release date")
        if released:  # rows without a date have no release date to give
            where = _where(line, "Version release date")
            record_release_date(found, model, a_date(released, source, where), source, where)
    return {"release_dates": _release_rows(found)}


def _release_rows(found: dict[str, date]) -> list[dict]:
    return [{"source_model": name, "release_date": day} for name, day in found.items()]


def parse(text: str, source: str, kind: str | None = None) -> Parsed:
    if kind is not None and kind not in KINDS:
        raise InputError(source, None, f"expected one of {', '.join(KINDS)}, got {kind!r}")
    header, rows = csv_rows(text, source, "expected an Epoch AI CSV table, got an empty file")
    detected = detect(header)
    if detected is None or (kind is not None and detected[0] != kind):
        wanted = f"an Epoch AI {kind} table" if kind else "an Epoch AI table"
        raise InputError(
            source, "line 1",
            f"expected the header of {wanted} (e.g. 'Model version' with 'Time horizon', "
            "'ECI Score' or a known benchmark's score columns)",
        )
    kind, spec = detected
    found: dict[str, date] = {}
    if kind == "epoch_metr":
        tables = _metr(header, rows, source)
    elif kind == "epoch_benchmark":
        assert spec is not None  # detect() returns a spec with every benchmark table
        tables = _benchmark(header, rows, source, spec)
    elif kind == "epoch_capabilities_index":
        tables = _eci(header, rows, source, found)
    else:
        tables = _versions(header, rows, source, found)
    return Parsed(
        kind=kind,
        tables=tables,
        publisher_label=_LABEL[kind],
        citation=CITATION,
        release_dates=found,
    )
