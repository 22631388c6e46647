"""METR cross-domain-horizon tables: horizons per benchmark, task lengths, benchmark settings.

Four shapes, all from https://github.com/METR/cross-domain-horizon (data/):

- ``cross_domain_all_data``: all_data.csv, every benchmark in one table. ``horizon`` is in
  SECONDS (converted to minutes here). A horizon of 0 is how this file writes "no horizon"
  (every such row is empty in horizons/<benchmark>.csv and has no score): those rows are
  skipped, since a horizon of zero would be a false measurement. Negative horizons are an error.
- ``cross_domain_horizons``: horizons/<benchmark>.csv, one benchmark per file, named by the
  file. ``horizon`` here is in MINUTES: row by row it is exactly all_data.csv's seconds / 60
  for all 15 published benchmarks. Rows with an empty horizon (no horizon) are skipped.
- ``cross_domain_benchmark``: benchmarks/<benchmark>.toml: ``[splits.NAME] lengths = [...]``
  task lengths in minutes -> benchmark_tasks (task_index counts from 0 within a split), and
  the top-level settings (n_questions, chance_accuracy, length_type, ...) -> benchmark_meta.
- ``cross_domain_metrics``: metrics.toml, ``[benchmark] max_horizon_minutes`` -> benchmark_meta.

Model names are kept exactly as each file spells them (all_data.csv normalises them, the
per-benchmark files do not); mapping them is the ingest layer's job.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from horizon.errors import InputError
from horizon.formats.base import (
    Parsed,
    a_date,
    check_markup_size,
    csv_header,
    csv_rows,
    fraction,
    number,
    number_cell,
    reason,
    record_release_date,
    shown,
    text_field,
)

KINDS = [
    "cross_domain_all_data",
    "cross_domain_horizons",
    "cross_domain_benchmark",
    "cross_domain_metrics",
]
PUBLISHER_LABEL = "METR cross-domain horizons"
CITATION = "METR, cross-domain-horizon, https://github.com/METR/cross-domain-horizon"

_SPLITS = re.compile(r"^\s*\[\s*splits\s*\.", re.MULTILINE)
_MAX_HORIZON = re.compile(r"^\s*max_horizon_minutes\s*=", re.MULTILINE)
_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END = " (at end of document)"
_ALL_DATA_COLUMNS = ("model", "horizon", "benchmark")
_HORIZONS_COLUMNS = ("model", "horizon")


# ---------------------------------------------------------------------------------- detection


def detect_kind(text: str) -> str | None:
    """Which cross-domain table this content is, from its header or TOML keys; None if none."""
    header = csv_header(text)
    if header is not None and all(c in header for c in _HORIZONS_COLUMNS):
        return "cross_domain_all_data" if "benchmark" in header else "cross_domain_horizons"
    head = text[:200_000]
    if _SPLITS.search(head):
        return "cross_domain_benchmark"
    if _MAX_HORIZON.search(head):
        return "cross_domain_metrics"
    return None


def sniff(text: str, name: str) -> bool:
    return detect_kind(text) is not None


def kind_of(text: str, name: str) -> str | None:
    return detect_kind(text)


def benchmark_from_source(source: str) -> str:
    """The benchmark a per-benchmark file describes: its file name without extension."""
    path = urlsplit(source).path if "://" in source else source
    last = re.split(r"[\\/]", path)[-1]
    stem = last.rsplit(".", 1)[0] if "." in last else last
    if not stem:
        raise InputError(source, None, "expected a file name that names the benchmark, e.g. aime.csv")
    return stem


# ---------------------------------------------------------------------------------------- CSV


def _cell(row: dict[str, str], column: str) -> str:
    return (row.get(column) or "").strip()


def _optional(row, column, line, source, read):
    value = _cell(row, column)
    return read(value, source, f"line {line}, column {column!r}") if value else None


def _horizon_rows(text: str, source: str, *, all_data: bool) -> Parsed:
    required = _ALL_DATA_COLUMNS if all_data else _HORIZONS_COLUMNS
    _, rows = csv_rows(text, source, "expected a CSV header line, got an empty file", required)
    benchmark = None if all_data else benchmark_from_source(source)
    horizons = []
    released: dict[str, date] = {}
    for line, row in rows:
        model = text_field(_cell(row, "model"), source, f"line {line}, column 'model'")
        day = _optional(row, "release_date", line, source, a_date)
        if day is not None:
            record_release_date(released, model, day, source, f"line {line}, column 'release_date'")
        raw = _cell(row, "horizon")
        where = f"line {line}, column 'horizon'"
        if all_data:
            seconds = number_cell(raw, source, where, unit=" of seconds")
            if seconds < 0:
                raise InputError(source, where, f"expected a number of seconds >= 0, got {raw!r}")
            if seconds == 0:
                continue  # this file's way of writing "no horizon"
            minutes = seconds / 60.0
        else:
            if not raw:
                continue  # no horizon for this model
            minutes = number_cell(raw, source, where, positive=True, unit=" of minutes")
        horizons.append({
            "benchmark": benchmark or text_field(
                _cell(row, "benchmark"), source, f"line {line}, column 'benchmark'"
            ),
            "source_model": model,
            "horizon_minutes": minutes,
            "ci_low": None,
            "ci_high": None,
            "slope": _optional(row, "slope", line, source, number_cell),
            "slope_method": _cell(row, "slope_method") or None,
            "score": _optional(row, "score", line, source, fraction),
            "release_date": day,
            "row_number": line,
        })
    return Parsed(
        kind="cross_domain_all_data" if all_data else "cross_domain_horizons",
        tables={"benchmark_horizons": horizons},
        publisher_label=PUBLISHER_LABEL,
        citation=CITATION,
        release_dates=released,
    )


# --------------------------------------------------------------------------------------- TOML


def _toml(text: str, source: str) -> dict[str, Any]:
    check_markup_size(text, source, "TOML")
    try:
        return tomllib.loads(text.lstrip("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = _TOML_AT.search(message)
        where = f"line {m.group(1)}" if m else None
        if message.endswith(_TOML_END):
            where = "end of file"
        problem = _TOML_AT.sub("", message).removesuffix(_TOML_END)
        raise InputError(source, where, f"expected valid TOML ({problem})") from None
    except ValueError as exc:  # e.g. an int over Python's 4300-digit limit; tomllib gives no line
        raise InputError(source, None, f"expected valid TOML ({reason(exc)})") from None


def _meta_value(value: Any, source: str, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InputError(source, where, f"expected a number or text, got {shown(value)}")
    return str(value)


def _benchmark(text: str, source: str) -> Parsed:
    doc = _toml(text, source)
    benchmark = benchmark_from_source(source)
    splits = doc.get("splits")
    if not isinstance(splits, dict) or not splits:
        raise InputError(source, "key splits", "expected [splits.NAME] tables with task lengths")
    meta = []
    for key, value in doc.items():
        if key == "splits":
            continue
        where = f"key {key}"
        if key == "n_questions":
            n = number(value, source, where, positive=True)
            if n != int(n):
                raise InputError(source, where, f"expected a whole number of questions, got {value!r}")
        elif key == "chance_accuracy":
            fraction(value, source, where)
        meta.append({"benchmark": benchmark, "key": key, "value": _meta_value(value, source, where)})
    tasks = []
    for split, body in splits.items():
        where = f"key splits.{split}.lengths"
        lengths = body.get("lengths") if isinstance(body, dict) else None
        if not isinstance(lengths, list):
            raise InputError(source, where, "expected a list of task lengths in minutes")
        for i, value in enumerate(lengths):
            minutes = number(value, source, f"{where}[{i}]", positive=True, unit=" of minutes")
            tasks.append({"benchmark": benchmark, "split": split, "task_index": i, "minutes": minutes})
    return Parsed(
        kind="cross_domain_benchmark",
        tables={"benchmark_tasks": tasks, "benchmark_meta": meta},
        publisher_label=PUBLISHER_LABEL,
        citation=CITATION,
    )


def _metrics(text: str, source: str) -> Parsed:
    doc = _toml(text, source)
    if not doc:
        raise InputError(source, None, "expected [benchmark] tables with max_horizon_minutes")
    meta = []
    for benchmark, body in doc.items():
        if not isinstance(body, dict):
            raise InputError(source, f"key {benchmark}", "expected a [benchmark] table")
        for key, value in body.items():
            where = f"key {benchmark}.{key}"
            if key == "max_horizon_minutes":
                number(value, source, where, positive=True, unit=" of minutes")
            meta.append({"benchmark": benchmark, "key": key, "value": _meta_value(value, source, where)})
    return Parsed(
        kind="cross_domain_metrics",
        tables={"benchmark_meta": meta},
        publisher_label=PUBLISHER_LABEL,
        citation=CITATION,
    )


# ------------------------------------------------------------------------------------- parse


def parse(text: str, source: str, kind: str | None = None) -> Parsed:
    if not text.lstrip("\ufeff").strip():
        raise InputError(source, None, "expected a METR cross-domain table, got an empty file")
    if kind is None:
        kind = detect_kind(text)
        if kind is None:
            raise InputError(
                source, None,
                "expected a METR cross-domain table (a CSV with model and horizon columns, "
                "a benchmark TOML with [splits.NAME], or metrics.toml)",
            )
    if kind == "cross_domain_all_data":
        return _horizon_rows(text, source, all_data=True)
    if kind == "cross_domain_horizons":
        return _horizon_rows(text, source, all_data=False)
    if kind == "cross_domain_benchmark":
        return _benchmark(text, source)
    if kind == "cross_domain_metrics":
        return _metrics(text, source)
    raise InputError(source, None, f"expected one of {', '.join(KINDS)}, got {kind!r}")
