"""data/ladder.toml and data/indicators/series.toml, loaded once into frozen records."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from horizon.errors import ConfigError
from horizon.tomlfile import read_toml

KINDS = ("score", "horizon")
SOURCES = ("benchmark_scores", "benchmark_horizons", "metr_headline", "runs", "indicator_values")
SERIES_FORMS = ("logit", "exponential", "none")


@dataclass(frozen=True)
class Benchmark:
    id: str
    rung: int
    title: str
    source: str
    kind: str
    metric: str
    direction: str
    saturation: float
    citation: str
    url: str
    benchmark: str | None = None       # name in benchmark_scores / benchmark_horizons
    score_metric: str | None = None    # benchmark_scores.metric
    series: str | None = None          # indicator_values.series
    task_prefix: str | None = None     # runs: task families of this benchmark
    saturation_from_suite: str | None = None
    saturation_note: str | None = None
    conversion: str | None = None

    @property
    def form(self) -> str:
        return "logit" if self.kind == "score" else "exponential"


@dataclass(frozen=True)
class Rung:
    number: int
    name: str
    scope: str
    benchmarks: tuple[Benchmark, ...]
    gap: str | None = None


@dataclass(frozen=True)
class Ladder:
    rungs: tuple[Rung, ...]
    near_saturation: float
    citation: str

    @property
    def benchmarks(self) -> tuple[Benchmark, ...]:
        return tuple(b for r in self.rungs for b in r.benchmarks)


@dataclass(frozen=True)
class SeriesSpec:
    name: str
    title: str
    unit: str
    form: str
    board: bool
    saturation: float | None = None
    per_model: bool = False
    target: float | None = None
    target_label: str | None = None
    target_source: str | None = None
    fit_from: date | None = None
    fit_every: int = 1
    form_note: str | None = None


def _text(entry: dict, key: str, path: Path, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}: {where}.{key}: expected a non-empty text")
    return value


def _optional_text(entry: dict, key: str, path: Path, where: str) -> str | None:
    return None if entry.get(key) is None else _text(entry, key, path, where)


def _optional_positive(entry: dict, key: str, path: Path, where: str) -> float | None:
    return None if entry.get(key) is None else _positive(entry, key, path, where)


def _positive(entry: dict, key: str, path: Path, where: str) -> float:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{path}: {where}.{key}: expected a positive number, got {value!r}")
    return float(value)


def _choice(entry: dict, key: str, allowed: tuple[str, ...], path: Path, where: str) -> str:
    value = entry.get(key)
    if value not in allowed:
        raise ConfigError(f"{path}: {where}.{key}: expected one of {', '.join(allowed)}, got {value!r}")
    return value


def load_ladder(data_dir: Path) -> Ladder:
    path = data_dir / "ladder.toml"
    doc = read_toml(path, "the ladder of AI R&D benchmarks")
    near = doc.get("near_saturation")
    if isinstance(near, bool) or not isinstance(near, (int, float)) or not 0 < near < 1:
        raise ConfigError(f"{path}: near_saturation: expected a fraction between 0 and 1, got {near!r}")
    rungs: list[Rung] = []
    seen: set[str] = set()
    for i, entry in enumerate(doc.get("rung", [])):
        where = f"rung[{i}]"
        number = entry.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number in {r.number for r in rungs}:
            raise ConfigError(f"{path}: {where}.number: expected a rung number not used before, got {number!r}")
        benchmarks = []
        for j, b in enumerate(entry.get("benchmark", [])):
            bw = f"{where}.benchmark[{j}]"
            bid = _text(b, "id", path, bw)
            if bid in seen:
                raise ConfigError(f"{path}: {bw}.id: expected ids to be unique, got {bid!r} twice")
            seen.add(bid)
            source = _choice(b, "source", SOURCES, path, bw)
            direction = _choice(b, "direction", ("higher",), path, bw)
            kind = _choice(b, "kind", KINDS, path, bw)
            if kind == "score" and source in ("benchmark_horizons", "metr_headline"):
                raise ConfigError(f"{path}: {bw}.kind: expected horizon for source {source}")
            needs = {"benchmark_scores": ("benchmark", "metric"), "benchmark_horizons": ("benchmark",),
                     "runs": ("task_prefix",), "indicator_values": ("series",), "metr_headline": ()}[source]
            for key in needs:
                _text(b, key, path, bw)
            benchmarks.append(Benchmark(
                id=bid, rung=number, title=_text(b, "title", path, bw), source=source, kind=kind,
                metric=_text(b, "metric", path, bw), direction=direction,
                saturation=_positive(b, "saturation", path, bw), citation=_text(b, "citation", path, bw),
                url=_text(b, "url", path, bw),
                benchmark=b.get("benchmark"),
                score_metric=b.get("metric") if source == "benchmark_scores" else None,
                series=b.get("series"), task_prefix=b.get("task_prefix"),
                saturation_from_suite=_optional_text(b, "saturation_from_suite", path, bw),
                saturation_note=_optional_text(b, "saturation_note", path, bw),
                conversion=_optional_text(b, "conversion", path, bw),
            ))
        gap = _optional_text(entry, "gap", path, where)
        if not benchmarks and gap is None:
            raise ConfigError(f"{path}: {where}: a rung without benchmarks needs a 'gap' saying what is missing")
        rungs.append(Rung(number, _text(entry, "name", path, where), _text(entry, "scope", path, where),
                          tuple(benchmarks), gap))
    if not rungs:
        raise ConfigError(f"{path}: expected at least one [[rung]]")
    return Ladder(tuple(sorted(rungs, key=lambda r: r.number)), float(near), _text(doc, "citation", path, "ladder"))


def load_series_specs(data_dir: Path) -> dict[str, SeriesSpec]:
    path = data_dir / "indicators" / "series.toml"
    doc = read_toml(path, "the indicator series")
    out = {}
    for name, entry in doc.items():
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: {name}: expected a table")
        form = _choice(entry, "form", SERIES_FORMS, path, name)
        saturation = (_positive(entry, "saturation", path, name) if form == "logit"
                      else _optional_positive(entry, "saturation", path, name))
        target = _optional_positive(entry, "target", path, name)
        if target is not None and (form == "none" or _text(entry, "target_label", path, name) is None):
            raise ConfigError(f"{path}: {name}.target: expected a trend form and a target_label with it")
        if target is not None and saturation is not None and target >= saturation:
            raise ConfigError(f"{path}: {name}.target: expected a level below the saturation {saturation:g}")
        fit_from = entry.get("fit_from")
        if fit_from is not None and not isinstance(fit_from, date):
            raise ConfigError(f"{path}: {name}.fit_from: expected a date like 2025-01-01, got {fit_from!r}")
        every = entry.get("fit_every", 1)
        if not isinstance(every, int) or isinstance(every, bool) or every < 1:
            raise ConfigError(f"{path}: {name}.fit_every: expected a whole number of 1 or more, got {every!r}")
        board = entry.get("board", False)
        if not isinstance(board, bool):
            raise ConfigError(f"{path}: {name}.board: expected true or false, got {board!r}")
        out[name] = SeriesSpec(
            name=name, title=_text(entry, "title", path, name), unit=_text(entry, "unit", path, name), form=form,
            board=board, saturation=saturation, per_model=bool(entry.get("per_model", False)), target=target,
            target_label=entry.get("target_label"), target_source=entry.get("target_source"),
            fit_from=fit_from, fit_every=every, form_note=entry.get("form_note"),
        )
    return out
