"""METR's headline results YAML (benchmark_results_1_0.yaml, benchmark_results_1_1.yaml).

Every published version: p50/p80 with 95% intervals in minutes, ``is_sota`` (newer versions
also ``is_sota_p50``/``is_sota_p80``), per-row ``benchmark_name`` (rows carried over from the
1.0 suite say METR-Horizon-v1.0), ``release_date``, ``average_score``, and the file's own
``doubling_time_in_days`` block, kept as the publisher's claim.
"""

from __future__ import annotations

import re

from horizon.errors import InputError
from horizon.formats.base import Parsed, a_date, number, optional_text, printable
from horizon.formats.yamltext import load_yaml

KIND = "metr_headline_yaml"
CITATION = "METR, time-horizon benchmark results (https://metr.org/time-horizons)"
LEVELS = (50, 80)

_RESULTS = re.compile(r"^results:\s*$", re.MULTILINE)


def sniff(text: str, name: str) -> bool:
    return bool(_RESULTS.search(text)) and "horizon_length" in text


def _flag(value, source: str, where: str) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise InputError(source, where, f"expected true or false, got {value!r}")
    return value


def parse(text: str, source: str) -> Parsed:
    doc = load_yaml(text, source)
    if not isinstance(doc, dict):
        raise InputError(source, None, "expected a YAML mapping with a 'results' key")
    results = doc.get("results")
    if not isinstance(results, dict) or not results:
        raise InputError(source, "results", "expected a mapping of model name to metrics")
    label = optional_text(doc.get("benchmark_name"), source, "benchmark_name", expected="a text")

    horizons = []
    release_dates = {}
    for key, entry in results.items():
        key = printable(str(key), source, "results, model name")
        path = f"results.{key}"
        if not isinstance(entry, dict):
            raise InputError(source, path, "expected a mapping with 'metrics' and 'release_date'")
        metrics = entry.get("metrics")
        if not isinstance(metrics, dict):
            raise InputError(source, f"{path}.metrics", "expected a mapping of metrics")
        released = entry.get("release_date")
        released = a_date(released, source, f"{path}.release_date") if released is not None else None
        if released is not None:
            release_dates[key] = released
        score = metrics.get("average_score")
        if isinstance(score, dict):
            score = score.get("estimate")
        if score is not None:
            score = number(score, source, f"{path}.metrics.average_score.estimate")
            if not 0.0 <= score <= 1.0:
                raise InputError(
                    source, f"{path}.metrics.average_score.estimate",
                    f"expected a score between 0 and 1, got {score:g}",
                )
        is_sota = _flag(metrics.get("is_sota"), source, f"{path}.metrics.is_sota")
        suite = (
            optional_text(entry["benchmark_name"], source, f"{path}.benchmark_name", expected="a text")
            if "benchmark_name" in entry else label
        )
        found = 0
        for level in LEVELS:
            block = metrics.get(f"p{level}_horizon_length")
            if block is None:
                continue
            where = f"{path}.metrics.p{level}_horizon_length"
            if not isinstance(block, dict):
                raise InputError(source, where, "expected a mapping with estimate, ci_low, ci_high")
            values: dict[str, float | None] = {}
            for field in ("estimate", "ci_low", "ci_high"):
                value = block.get(field)
                if value is None and field != "estimate":
                    values[field] = None
                    continue
                values[field] = number(value, source, f"{where}.{field}", positive=True, unit=" of minutes")
            found += 1
            horizons.append(
                dict(
                    source_model=key,
                    suite=suite,
                    level=level,
                    estimate=values["estimate"],
                    ci_low=values["ci_low"],
                    ci_high=values["ci_high"],
                    is_sota=is_sota,
                    is_sota_level=_flag(metrics.get(f"is_sota_p{level}"), source, f"{path}.metrics.is_sota_p{level}"),
                    release_date=released,
                    average_score=score,
                    published_version=None,
                    source_url=None,
                )
            )
        if not found:
            raise InputError(source, f"{path}.metrics", "expected p50_horizon_length or p80_horizon_length")

    claims = []
    block = doc.get("doubling_time_in_days")
    if block is not None:
        if not isinstance(block, dict):
            raise InputError(source, "doubling_time_in_days", "expected a mapping of window to estimate")
        for window, values in block.items():
            window = printable(str(window), source, "doubling_time_in_days, window name")
            where = f"doubling_time_in_days.{window}"
            if not isinstance(values, dict) or "point_estimate" not in values:
                raise InputError(source, where, "expected a mapping with point_estimate")
            claims.append(
                dict(
                    suite=label,
                    window_name=window,
                    point_estimate=number(values["point_estimate"], source, f"{where}.point_estimate", positive=True),
                    ci_low=None if values.get("ci_low") is None else number(values["ci_low"], source, f"{where}.ci_low", positive=True),
                    ci_high=None if values.get("ci_high") is None else number(values["ci_high"], source, f"{where}.ci_high", positive=True),
                    published_version=None,
                    source_url=None,
                )
            )
    return Parsed(
        kind=KIND,
        tables={"published_horizons": horizons, "publisher_doubling_times": claims},
        publisher_label=label,
        citation=CITATION,
        release_dates=release_dates,
    )
