"""horizon's own CSV formats for the embedded default data in data/.

Each file starts with a ``# horizon embedded <kind> v1`` line, then a CSV header. Every row
carries its source URL and citation.

- headline: one published version of METR's headline figures. ``record`` is ``horizon`` (a
  model's p50 or p80 with interval) or ``doubling_time`` (the publisher's own claim).
- runs: run-level results aggregated per agent and task (runs and successes). Binary outcomes
  make this lossless for fitting: expanding it back gives the same weights and the same fit.
- benchmark_horizons: horizons per benchmark and model (METR's cross-domain table), minutes.
"""

from __future__ import annotations

from horizon.errors import InputError
from horizon.formats.base import (
    Parsed,
    RunTally,
    a_date,
    csv_rows,
    fraction,
    number,
    shown,
    text_field,
)

KINDS = ["horizon_headline_csv", "horizon_runs_csv", "horizon_benchmark_horizons_csv"]
MAGIC = "# horizon embedded "

HEADLINE_COLUMNS = [
    "record", "suite", "published_version", "model", "release_date", "level", "estimate",
    "ci_low", "ci_high", "is_sota", "is_sota_level", "average_score", "window", "source_url",
    "citation",
]
BENCHMARK_COLUMNS = [
    "benchmark", "model", "horizon_minutes", "slope", "slope_method", "score", "release_date",
    "source_url", "citation",
]
# Limits on expanding aggregated runs into one row per run. The largest real file
# (data/metr/metr_runs_2025-03.csv) has 7,063 runs in all and at most 96 per task;
# without a cap, one row saying runs=1e7 would build ten million rows (about 6 GB).
MAX_RUNS_PER_TASK = 100_000

RUNS_COLUMNS = [
    "agent", "task_id", "task_family", "human_minutes", "runs", "successes", "source_url",
    "citation",
]


def sniff(text: str, name: str) -> bool:
    return text.startswith(MAGIC)


def _kind_of(text: str, source: str) -> str:
    first = text.split("\n", 1)[0].strip()
    words = first[len(MAGIC):].split()
    if words[:1] == ["headline"]:
        return "horizon_headline_csv"
    if words[:1] == ["runs"]:
        return "horizon_runs_csv"
    if words[:1] == ["benchmark_horizons"]:
        return "horizon_benchmark_horizons_csv"
    raise InputError(
        source, "line 1",
        f"expected '{MAGIC}headline v1', '{MAGIC}runs v1' or '{MAGIC}benchmark_horizons v1', got {first!r}",
    )


def _rows(text: str, source: str, columns: list[str]):
    """(line number, row) pairs after the magic line, numbered as an editor shows the file
    (blank lines and quoted newlines count)."""
    expected = f"expected the header {','.join(columns)}"
    body = text.split("\n", 1)[1] if "\n" in text else ""
    try:
        header, rows = csv_rows(body, source, expected, first_line=2)
    except InputError as exc:
        if exc.where is None:  # no header at all
            raise InputError(source, "line 2", expected) from None
        raise
    if header != columns:
        raise InputError(source, "line 2", expected)
    return rows


def _opt(value: str):
    return None if value == "" else value


def _bool(value: str, source: str, where: str) -> bool | None:
    if value == "":
        return None
    if value in ("true", "false"):
        return value == "true"
    raise InputError(source, where, f"expected true, false or empty, got {value!r}")


def parse(text: str, source: str, kind: str | None = None) -> Parsed:
    kind = kind or _kind_of(text, source)
    if kind == "horizon_runs_csv":
        return _parse_runs(text, source)
    if kind == "horizon_benchmark_horizons_csv":
        return _parse_benchmark_horizons(text, source)
    horizons, claims, release_dates = [], [], {}
    seen: dict[tuple[str, int], int] = {}
    # The magic line names the publisher's label for the whole file: per-row suites differ
    # where a version carries rows over from an older suite.
    words = text.split("\n", 1)[0][len(MAGIC):].split()
    label = words[2] if len(words) > 2 else None
    for lineno, row in _rows(text, source, HEADLINE_COLUMNS):
        at = f"line {lineno}"
        text_field(row["source_url"], source, f"{at}, column 'source_url'")
        text_field(row["citation"], source, f"{at}, column 'citation'", multiline=True)
        suite = text_field(row["suite"], source, f"{at}, column 'suite'")
        if row["record"] == "doubling_time":
            claims.append(dict(
                suite=suite,
                window_name=text_field(row["window"], source, f"{at}, column 'window'"),
                point_estimate=number(row["estimate"], source, f"{at}, column 'estimate'", positive=True),
                ci_low=None if row["ci_low"] == "" else number(row["ci_low"], source, f"{at}, column 'ci_low'", positive=True),
                ci_high=None if row["ci_high"] == "" else number(row["ci_high"], source, f"{at}, column 'ci_high'", positive=True),
                published_version=_opt(row["published_version"]),
                source_url=row["source_url"],
            ))
            continue
        if row["record"] != "horizon":
            raise InputError(source, f"{at}, column 'record'", f"expected horizon or doubling_time, got {row['record']!r}")
        model = text_field(row["model"], source, f"{at}, column 'model'")
        level = number(row["level"], source, f"{at}, column 'level'")
        if level not in (50.0, 80.0):
            raise InputError(source, f"{at}, column 'level'", f"expected 50 or 80, got {row['level']!r}")
        first = seen.setdefault((model, int(level)), lineno)
        if first != lineno:
            raise InputError(
                source, at,
                f"expected one row per model and level, got {model!r} at {int(level)} again (first on line {first})",
            )
        released = None if row["release_date"] == "" else a_date(row["release_date"], source, f"{at}, column 'release_date'")
        if released is not None:
            release_dates[model] = released
        minutes = {
            f: None if row[f] == "" and f != "estimate"
            else number(row[f], source, f"{at}, column '{f}'", positive=True, unit=" of minutes")
            for f in ("estimate", "ci_low", "ci_high")
        }
        horizons.append(dict(
            source_model=model,
            suite=suite,
            level=int(level),
            is_sota=_bool(row["is_sota"], source, f"{at}, column 'is_sota'"),
            is_sota_level=_bool(row["is_sota_level"], source, f"{at}, column 'is_sota_level'"),
            release_date=released,
            average_score=None if row["average_score"] == "" else fraction(row["average_score"], source, f"{at}, column 'average_score'"),
            published_version=_opt(row["published_version"]),
            source_url=row["source_url"],
            **minutes,
        ))
    if not horizons:
        raise InputError(source, None, "expected at least one horizon row")
    return Parsed(
        kind="horizon_headline_csv",
        tables={"published_horizons": horizons, "publisher_doubling_times": claims},
        publisher_label=label,
        citation="horizon embedded copy of METR's published headline results; see source_url per row",
        release_dates=release_dates,
    )


def _parse_runs(text: str, source: str) -> Parsed:
    runs = []
    tally = RunTally(source)
    for lineno, row in _rows(text, source, RUNS_COLUMNS):
        at = f"line {lineno}"
        agent = text_field(row["agent"], source, f"{at}, column 'agent'")
        task = text_field(row["task_id"], source, f"{at}, column 'task_id'")
        family = text_field(row["task_family"], source, f"{at}, column 'task_family'")
        minutes = number(row["human_minutes"], source, f"{at}, column 'human_minutes'", positive=True, unit=" of minutes")
        n = number(row["runs"], source, f"{at}, column 'runs'", positive=True)
        k = number(row["successes"], source, f"{at}, column 'successes'")
        if n > MAX_RUNS_PER_TASK:
            raise InputError(
                source, f"{at}, column 'runs'",
                f"expected at most {MAX_RUNS_PER_TASK:,} runs per task, got {shown(n) if n >= 1e15 else f'{n:.0f}'}",
            )
        if n != int(n) or k != int(k) or not 0 <= k <= n:
            raise InputError(source, f"{at}, column 'successes'", f"expected whole numbers with 0 <= successes <= runs, got {row['successes']!r} of {row['runs']!r}")
        tally.add(agent, task, f"{at}, column 'runs'", int(n))
        for i in range(int(n)):
            runs.append(dict(
                run_id=f"{agent}|{task}|{i + 1}",
                task_id=task,
                task_family=family,
                task_source=None,
                source_model=agent,
                human_minutes=minutes,
                score=None,
                score_binarized=int(i < k),
                source_weight_invsqrt=None,
                source_weight_equal=None,
            ))
    if not runs:
        raise InputError(source, None, "expected at least one row of runs")
    return Parsed(
        kind="horizon_runs_csv",
        tables={"runs": runs},
        publisher_label="METR runs",
        citation="horizon embedded aggregate of METR's run-level results; see source_url per row",
    )


def _parse_benchmark_horizons(text: str, source: str) -> Parsed:
    horizons, release_dates = [], {}
    for lineno, row in _rows(text, source, BENCHMARK_COLUMNS):
        at = f"line {lineno}"
        text_field(row["source_url"], source, f"{at}, column 'source_url'")
        text_field(row["citation"], source, f"{at}, column 'citation'", multiline=True)
        model = text_field(row["model"], source, f"{at}, column 'model'")
        released = None if row["release_date"] == "" else a_date(row["release_date"], source, f"{at}, column 'release_date'")
        if released is not None:
            release_dates[model] = released
        horizons.append(dict(
            benchmark=text_field(row["benchmark"], source, f"{at}, column 'benchmark'"),
            source_model=model,
            horizon_minutes=number(row["horizon_minutes"], source, f"{at}, column 'horizon_minutes'",
                                   positive=True, unit=" of minutes"),
            ci_low=None,
            ci_high=None,
            slope=None if row["slope"] == "" else number(row["slope"], source, f"{at}, column 'slope'"),
            slope_method=_opt(row["slope_method"]),
            score=None if row["score"] == "" else fraction(row["score"], source, f"{at}, column 'score'"),
            release_date=released,
            row_number=lineno,
        ))
    if not horizons:
        raise InputError(source, None, "expected at least one benchmark horizon row")
    return Parsed(
        kind="horizon_benchmark_horizons_csv",
        tables={"benchmark_horizons": horizons},
        publisher_label="METR cross-domain horizons",
        citation="horizon embedded copy of METR's cross-domain horizons; see source_url per row",
        release_dates=release_dates,
    )

