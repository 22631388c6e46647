"""Dated signs of AI R&D automation: the publishers' files and horizon's embedded copies.

Kinds (told apart by content, never by file name):

- ``anthropic_rd_automation_index``: Anthropic's R&D Automation Index (cumulative shares of
  model-R&D work at automation level AL1+ .. AL4+, monthly), a CSV after ``#`` comment lines.
  AL4+ is the value the figure prints (with its 90% whiskers); months where the figure prints
  none (``printed`` 0) are kept at zero for the chart and never fitted. The pixel reading of
  the AL4+ boundary is kept as its own series, the calibration check of the digitising.
- ``openai_experiment_velocity``: OpenAI's experiments per active experimenter (4-week trailing
  average, multiple of the 2025 level), weekly; recognised by its ``date,mult`` header and the
  OpenAI source line.
- ``lab_internal_indicators``: long table ``series,entity,date,value,unit,date_known,note``
  (CoBench, staff-survey multiples, research-step share, code per contributor). Each series'
  primary source is fixed below (the file names them in its header); quarters are ``2025Q4``.
- ``metr_uplift_rct``: METR's per-issue data of its 2025 developer RCT -> rct_issues.
  ``ai_treatment`` 1 is an AI-allowed issue: the sign METR's own regression and headline
  (+19% time with AI) use (the data README says the opposite; its regression does not).
- ``metr_suite_tasks``: JSON ``{"_source", "labels": {"family/family/task": minutes}}``, the
  tasks of a METR suite -> suite_tasks. ``ai_rd_*`` families are RE-Bench's environments.
- ``horizon_indicators_csv``, ``horizon_benchmark_scores_csv``, ``horizon_rct_issues_csv``:
  horizon's own embedded copies (``# horizon embedded indicators v1`` ...), a citation on
  every row, in the same columns as the tables they fill.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from typing import Any

from horizon.errors import InputError
from horizon.formats.base import (
    Parsed,
    a_date,
    csv_rows,
    fraction,
    number_cell,
    record_release_date,
    shown,
    text_field,
)

KINDS = [
    "horizon_indicators_csv",
    "horizon_benchmark_scores_csv",
    "horizon_rct_issues_csv",
    "anthropic_rd_automation_index",
    "openai_experiment_velocity",
    "lab_internal_indicators",
    "metr_uplift_rct",
    "metr_suite_tasks",
]

MAGIC = "# horizon embedded "
EMBEDDED = {"indicators": "horizon_indicators_csv", "benchmark_scores": "horizon_benchmark_scores_csv",
            "rct_issues": "horizon_rct_issues_csv"}

AL_COLUMNS = ("month", "al1_plus", "al2_plus", "al3_plus", "al4_pct", "al4_dig", "lo90", "hi90", "printed")
VELOCITY_COLUMNS = ("date", "mult")
LAB_COLUMNS = ("series", "entity", "date", "value", "unit", "date_known", "note")
RCT_COLUMNS = ("dev_id", "issue_id", "predicted_time_no_ai", "predicted_time_ai_allowed", "ai_treatment",
               "initial_implementation_time", "post_review_implementation_time")

INDICATOR_COLUMNS = [
    "series", "entity", "date", "date_precision", "period", "date_known", "value", "unit", "ci_low", "ci_high",
    "ci_level", "fit_use", "method", "caveat", "note", "source_url", "citation",
]
SCORE_COLUMNS = ["benchmark", "model", "agent", "metric", "value", "unit", "release_date", "source", "source_url",
                 "citation"]
RCT_ISSUE_COLUMNS = [
    "study", "dev_id", "issue_id", "ai_allowed", "predicted_minutes_no_ai", "predicted_minutes_ai", "initial_minutes",
    "post_review_minutes", "prior_task_exposure", "external_resource_needs", "source_url", "citation",
]
PRECISIONS = ("day", "week", "month", "quarter")

ANTHROPIC_INDEX_URL = "https://www.anthropic.com/institute/measuring-pace-of-ai-development"
AL_CAVEAT = (
    "Anthropic's own measurement: a frozen July 2026 basket of tasks weighted by person-time; automation levels"
    " assigned by a Claude judge that agreed exactly with staff owners 59% of the time (97% within one level)"
)
AL_DIGITISED = "digitised from the published stacked-area figure (pixel analysis)"
OPENAI_URL = "https://openai.com/index/research-acceleration-view-inside-openai/"
RISK_REPORT_URL = ("https://www-cdn.anthropic.com/f61d49fa5596956a5dec75fea0e973bf6a6a8378/"
                   "Redacted%20Risk%20Report%20August%202026%20.pdf")
RSI_URL = "https://www.anthropic.com/institute/recursive-self-improvement"
RCT_URL = "https://metr.org/blog/2025-07-10-early-2025-ai-experienced-os-dev-study/"
RCT_STUDY = "METR 2025 developer RCT"

# Series of the lab_internal_indicators table: how each number was obtained and what it leaves out.
LAB_SERIES = {
    "cobench": (
        "read off Fig 3.4.3.A of Anthropic's August 2026 risk report (no table published)",
        "Anthropic's internal root-cause-diagnosis benchmark (449 problems, 300k-token budget, difficulty-filtered);"
        " the full-substitution bar is 85",
        RISK_REPORT_URL,
    ),
    "staff_uplift_x": (
        "internal researcher survey, s3.4.2 of Anthropic's August 2026 risk report",
        "self-reported output multiple versus no AI; samples and statistics differ between rounds",
        RISK_REPORT_URL,
    ),
    "research_better_pct": (
        "judged share of 129 detour turns (Claude Code sessions, Jan-Mar 2026) where the model's next step beat the human's",
        "one lab's own sessions and judge; the oracle ceiling is 90",
        RSI_URL,
    ),
    "code_per_contributor_x": (
        "digitised from the bar chart of 'When AI builds itself'",
        "lines merged per active contributor, a multiple of the pre-2025 average; not controlled for changes in who"
        " contributes or what a line is; 2026Q2 is a partial quarter",
        RSI_URL,
    ),
}
SUITE_LABELS = {"time-horizon-1-1": "METR-Horizon-v1.1", "time-horizon-1-0": "METR-Horizon-v1.0"}
RE_BENCH_PREFIX = "ai_rd_"  # METR names RE-Bench's environments ai_rd_*


# ------------------------------------------------------------------------------- detection


def _lines(text: str) -> list[str]:
    return text.lstrip("\ufeff").split("\n")


def _split_comments(text: str) -> tuple[list[str], str, int]:
    """(comment lines without '#', the rest, the rest's first line number)."""
    lines = _lines(text)
    i = 0
    while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
        i += 1
    comments = [line[1:].strip() for line in lines[:i] if line.startswith("#")]
    return comments, "\n".join(lines[i:]), i + 1


def _header(body: str) -> tuple[str, ...]:
    first = body.split("\n", 1)[0].strip().strip("\r")
    return tuple(c.strip() for c in first.split(","))


def kind_of(text: str, name: str = "") -> str | None:
    if text.startswith(MAGIC):
        word = text.split("\n", 1)[0][len(MAGIC):].split()[:1]
        return EMBEDDED.get(word[0]) if word else None
    stripped = text.lstrip("\ufeff").lstrip()
    if stripped.startswith("{"):
        return "metr_suite_tasks" if '"labels"' in text[:4000] and "METR" in text[:4000] else None
    comments, body, _ = _split_comments(text)
    header = _header(body)
    if header[: len(AL_COLUMNS)] == AL_COLUMNS:
        return "anthropic_rd_automation_index"
    if header == VELOCITY_COLUMNS and any("openai.com" in c for c in comments):
        return "openai_experiment_velocity"
    if header == LAB_COLUMNS:
        return "lab_internal_indicators"
    if header[:2] == RCT_COLUMNS[:2] and all(c in header for c in RCT_COLUMNS):
        return "metr_uplift_rct"
    return None


def sniff(text: str, name: str) -> bool:
    return kind_of(text, name) is not None


# ----------------------------------------------------------------------------------- helpers


def _at(line: int, column: str) -> str:
    return f"line {line}, column {column!r}"


def _month(value: str, source: str, where: str) -> date:
    m = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
    if m and 1 <= int(m.group(2)) <= 12:
        return date(int(m.group(1)), int(m.group(2)), 1)
    raise InputError(source, where, f"expected a month like 2026-03, got {shown(value)}")


def _period(value: str, source: str, where: str) -> tuple[date, str, str | None]:
    """(first day, precision, period text): 2025Q4 is a quarter, 2026-03 a month, else a day."""
    text = value.strip()
    m = re.fullmatch(r"(\d{4})Q([1-4])", text)
    if m:
        return date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1), "quarter", text
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return _month(text, source, where), "month", text
    return a_date(text, source, where), "day", None


def _flag(value: str, source: str, where: str) -> bool:
    text = value.strip().lower()
    if text in ("1", "1.0", "true"):
        return True
    if text in ("0", "0.0", "false"):
        return False
    raise InputError(source, where, f"expected 1 or 0 (true or false), got {shown(value)}")


def _opt_number(value: str, source: str, where: str, **kw) -> float | None:
    return None if not value.strip() else number_cell(value, source, where, **kw)


def _share(value: str, source: str, where: str) -> float:
    """A percentage between 0 and 100."""
    result = number_cell(value, source, where, unit=" (a percentage)")
    if not 0.0 <= result <= 100.0:
        raise InputError(source, where, f"expected a percentage between 0 and 100, got {shown(value)}")
    return result


def _source_line(comments: list[str], source: str, default: str | None = None) -> str:
    for c in comments:
        m = re.match(r"source:\s*(https?://\S+)", c, re.IGNORECASE)
        if m:
            return m.group(1)
    if default is not None:
        return default
    raise InputError(source, "line 1", "expected a '# Source: https://...' line naming the publisher's page")


def _row(series, entity, day, precision, period, value, unit, *, line, date_known=True, ci=(None, None),
         ci_level=None, fit_use=True, method=None, caveat=None, note=None, source_url=None) -> dict[str, Any]:
    return dict(series=series, entity=entity, date=day, date_precision=precision, period=period,
                date_known=date_known, value=value, unit=unit, ci_low=ci[0], ci_high=ci[1], ci_level=ci_level,
                fit_use=fit_use, method=method, caveat=caveat, note=note, source_url=source_url, row_number=line)


def _unique(rows: list[dict], source: str) -> list[dict]:
    """One value per series, entity and date: two would be a contradiction the file must settle."""
    seen: dict[tuple, int] = {}
    for r in rows:
        key = (r["series"], r["entity"], r["date"])
        first = seen.setdefault(key, r["row_number"])
        if first != r["row_number"]:
            raise InputError(source, f"line {r['row_number']}",
                             f"expected one value per series, entity and date, got {r['series']} {r['entity']}"
                             f" {r['date']} again (first on line {first})")
    return rows


def _indicators(kind: str, rows: list[dict], source: str, label: str, citation: str, **tables) -> Parsed:
    if not rows and not any(tables.values()):
        raise InputError(source, None, "expected at least one row of values")
    return Parsed(kind=kind, tables={"indicator_values": _unique(rows, source), **tables},
                  publisher_label=label, citation=citation)


# ------------------------------------------------------------------------ publishers' files


def _automation_index(text: str, source: str) -> Parsed:
    comments, body, first = _split_comments(text)
    url = _source_line(comments, source, ANTHROPIC_INDEX_URL)
    _, rows = csv_rows(body, source, "expected the R&D Automation Index table", AL_COLUMNS, first_line=first)
    out = []
    for line, row in rows:
        day = _month(row["month"], source, _at(line, "month"))
        period = row["month"].strip()
        for column in ("al1_plus", "al2_plus", "al3_plus"):
            value = _share(row[column], source, _at(line, column))
            out.append(_row(f"anthropic_{column}", "Anthropic", day, "month", period, value, "pct", line=line,
                            method=AL_DIGITISED, caveat=AL_CAVEAT, source_url=url))
        printed = _flag(row["printed"], source, _at(line, "printed"))
        al4 = _share(row["al4_pct"], source, _at(line, "al4_pct"))
        low = _opt_number(row["lo90"], source, _at(line, "lo90"))
        high = _opt_number(row["hi90"], source, _at(line, "hi90"))
        if printed and (low is None) != (high is None):
            raise InputError(source, _at(line, "hi90" if high is None else "lo90"),
                             "expected both ends of the 90% whisker or neither")
        if low is not None and high is not None and not low <= al4 <= high:
            raise InputError(source, _at(line, "al4_pct"),
                             f"expected the printed value inside its 90% whisker {low:g}-{high:g}, got {al4:g}")
        out.append(_row(
            "anthropic_al4_plus", "Anthropic", day, "month", period, al4, "pct", line=line,
            ci=(low, high), ci_level=0.9 if low is not None else None, fit_use=printed,
            method="printed label on the figure (transcribed); 90% whiskers digitised" if printed else
            "no printed label: below the figure's ~0.3 pt pixel floor",
            caveat=AL_CAVEAT,
            note=None if printed else "charted at zero and never fitted (the post says only: under 1% in February 2026)",
            source_url=url,
        ))
        if row["al4_dig"].strip():
            out.append(_row("anthropic_al4_plus_digitised", "Anthropic", day, "month", period,
                            _share(row["al4_dig"], source, _at(line, "al4_dig")), "pct", line=line, fit_use=False,
                            method=AL_DIGITISED, note="calibration check: the pixel reading of the printed AL4+ value",
                            caveat=AL_CAVEAT, source_url=url))
    return _indicators("anthropic_rd_automation_index", out, source, "Anthropic R&D Automation Index",
                       f"Anthropic, Measuring the pace of AI development (R&D Automation Index), {url}")


def _velocity(text: str, source: str) -> Parsed:
    comments, body, first = _split_comments(text)
    url = _source_line(comments, source)
    _, rows = csv_rows(body, source, "expected the experiment-velocity table", VELOCITY_COLUMNS, first_line=first)
    out = []
    for line, row in rows:
        out.append(_row(
            "openai_experiments_per_researcher", "OpenAI", a_date(row["date"], source, _at(line, "date")), "week", None,
            number_cell(row["mult"], source, _at(line, "mult"), positive=True), "multiple_of_2025", line=line,
            method="transcribed from the chart's hover tooltips (0.01x precision)",
            caveat="four-week trailing average of weekly experiments per active experimenter; compute growth and changes"
                   " in who experiments are not controlled for; evals and automated runs excluded",
            source_url=url,
        ))
    return _indicators("openai_experiment_velocity", out, source, "OpenAI research acceleration",
                       f"OpenAI, Research acceleration: a view inside OpenAI, {url}")


def _lab_internal(text: str, source: str) -> Parsed:
    _, body, first = _split_comments(text)
    _, rows = csv_rows(body, source, "expected the lab indicators table", LAB_COLUMNS, first_line=first)
    out = []
    for line, row in rows:
        series = text_field(row["series"], source, _at(line, "series"))
        if series not in LAB_SERIES:
            raise InputError(source, _at(line, "series"),
                             f"expected one of {', '.join(LAB_SERIES)}, got {shown(series)}")
        method, caveat, url = LAB_SERIES[series]
        day, precision, period = _period(row["date"], source, _at(line, "date"))
        unit = text_field(row["unit"], source, _at(line, "unit"))
        value = number_cell(row["value"], source, _at(line, "value"))
        if unit in ("pct", "score_0_100") and not 0 <= value <= 100:
            raise InputError(source, _at(line, "value"), f"expected a value between 0 and 100 ({unit}), got {value:g}")
        if unit.startswith("multiple") and value <= 0:
            raise InputError(source, _at(line, "value"), f"expected a positive multiple, got {value:g}")
        out.append(_row(series, text_field(row["entity"], source, _at(line, "entity")), day, precision, period,
                        value, unit, line=line, date_known=_flag(row["date_known"], source, _at(line, "date_known")),
                        method=method, caveat=caveat, note=row["note"].strip() or None, source_url=url))
    return _indicators("lab_internal_indicators", out, source, "AI R&D automation signs inside Anthropic",
                       "Anthropic, Redacted Risk Report (August 2026) and 'When AI builds itself' (2026);"
                       " compiled in peterhurford/metr_graph")


def _whole(value: str, source: str, where: str) -> int | None:
    """A rating kept as the publisher wrote it: the published file has a 5 on the 1-3 scale of
    external_resource_needs (line 47); it is auxiliary, so it is stored, not refused."""
    if not value.strip():
        return None
    result = number_cell(value, source, where)
    if result != int(result) or result < 0:
        raise InputError(source, where, f"expected a whole number of 0 or more, got {shown(value)}")
    return int(result)


def _rct(text: str, source: str) -> Parsed:
    _, body, first = _split_comments(text)
    _, rows = csv_rows(body, source, "expected the RCT per-issue table", RCT_COLUMNS, first_line=first)
    out = []
    for line, row in rows:
        out.append(_issue(
            RCT_STUDY, row["dev_id"], row["issue_id"],
            _flag(row["ai_treatment"], source, _at(line, "ai_treatment")),
            row["predicted_time_no_ai"], row["predicted_time_ai_allowed"], row["initial_implementation_time"],
            row["post_review_implementation_time"], row.get("prior_task_exposure_1_to_5", ""),
            row.get("external_resource_needs_1_to_3", ""), RCT_URL, source, line,
            columns=("predicted_time_no_ai", "predicted_time_ai_allowed", "initial_implementation_time",
                     "post_review_implementation_time", "prior_task_exposure_1_to_5", "external_resource_needs_1_to_3"),
        ))
    return _rct_parsed("metr_uplift_rct", out, source)


def _issue(study, dev, issue, ai_allowed, no_ai, with_ai, initial, post, exposure, needs, url, source, line, *, columns):
    def minutes(value, column, optional=False):
        if optional and not value.strip():
            return None
        result = number_cell(value, source, _at(line, column), unit=" of minutes")
        if result < 0 or (not optional and column.startswith("predicted") and result <= 0):
            raise InputError(source, _at(line, column), f"expected a positive number of minutes, got {result:g}")
        return result

    initial_minutes = minutes(initial, columns[2])
    if initial_minutes <= 0:
        raise InputError(source, _at(line, columns[2]), f"expected a positive number of minutes, got {initial_minutes:g}")
    return dict(
        study=study,
        dev_id=text_field(dev, source, _at(line, "dev_id")).strip(),
        issue_id=text_field(issue, source, _at(line, "issue_id")).strip(),
        ai_allowed=ai_allowed,
        predicted_minutes_no_ai=minutes(no_ai, columns[0]),
        predicted_minutes_ai=minutes(with_ai, columns[1]),
        initial_minutes=initial_minutes,
        post_review_minutes=minutes(post, columns[3], optional=True),
        prior_task_exposure=_whole(exposure or "", source, _at(line, columns[4])),
        external_resource_needs=_whole(needs or "", source, _at(line, columns[5])),
        source_url=url,
        row_number=line,
    )


def _rct_parsed(kind: str, issues: list[dict], source: str) -> Parsed:
    if not issues:
        raise InputError(source, None, "expected at least one issue")
    seen: dict[str, int] = {}
    for r in issues:
        first = seen.setdefault(r["issue_id"], r["row_number"])
        if first != r["row_number"]:
            raise InputError(source, _at(r["row_number"], "issue_id"),
                             f"expected unique issue ids, got {r['issue_id']!r} again (first on line {first})")
    if len({r["ai_allowed"] for r in issues}) < 2:
        raise InputError(source, None, "expected issues in both arms (AI allowed and not allowed)")
    return Parsed(kind=kind, tables={"rct_issues": issues}, publisher_label=RCT_STUDY,
                  citation="Becker, Rush, Barnes and Rein (2025), Measuring the Impact of Early-2025 AI on Experienced"
                           f" Open-Source Developer Productivity, arXiv:2507.09089; data: {RCT_URL}")


def _suite_tasks(text: str, source: str) -> Parsed:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"line {exc.lineno}", f"expected valid JSON ({exc.msg})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("labels"), dict) or not doc["labels"]:
        raise InputError(source, "labels", "expected an object of task keys and their human minutes")
    origin = str(doc.get("_source", ""))
    suite = next((label for key, label in SUITE_LABELS.items() if key in origin), None)
    if suite is None:
        raise InputError(source, "_source", f"expected the METR suite it comes from (e.g. time-horizon-1-1), got {shown(origin)}")
    tasks = []
    for key, minutes in doc["labels"].items():
        where = f"labels.{key}"
        parts = key.split("/")
        if len(parts) < 2 or not all(parts):
            raise InputError(source, where, "expected a key like family/family/task")
        if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not math.isfinite(minutes) or minutes <= 0:
            raise InputError(source, where, f"expected a positive number of minutes, got {shown(minutes)}")
        tasks.append(dict(suite=suite, task_key=key, task_family=parts[0],
                          task_source="RE-Bench" if parts[0].startswith(RE_BENCH_PREFIX) else None,
                          human_minutes=float(minutes)))
    return Parsed(kind="metr_suite_tasks", tables={"suite_tasks": tasks}, publisher_label=f"{suite} tasks",
                  citation=f"METR task human minutes ({suite}); {origin}")


# --------------------------------------------------------------------- horizon's own copies


def _embedded_rows(text: str, source: str, columns: list[str]):
    expected = f"expected the header {','.join(columns)}"
    body = text.split("\n", 1)[1] if "\n" in text else ""
    header, rows = csv_rows(body, source, expected, first_line=2)
    if header != columns:
        raise InputError(source, "line 2", expected)
    for line, row in rows:
        text_field(row["citation"], source, _at(line, "citation"))
    return rows


def _embedded_indicators(text: str, source: str) -> Parsed:
    out = []
    for line, row in _embedded_rows(text, source, INDICATOR_COLUMNS):
        precision = row["date_precision"].strip()
        if precision not in PRECISIONS:
            raise InputError(source, _at(line, "date_precision"),
                             f"expected one of {', '.join(PRECISIONS)}, got {shown(precision)}")
        low = _opt_number(row["ci_low"], source, _at(line, "ci_low"))
        high = _opt_number(row["ci_high"], source, _at(line, "ci_high"))
        value = number_cell(row["value"], source, _at(line, "value"))
        if (low is None) != (high is None) or (low is not None and high is not None and not low <= value <= high):
            raise InputError(source, _at(line, "ci_low"), "expected both ends of the interval around the value, or neither")
        level = _opt_number(row["ci_level"], source, _at(line, "ci_level"))
        if low is not None and (level is None or not 0 < level < 1):
            raise InputError(source, _at(line, "ci_level"), f"expected the interval's level, e.g. 0.95, got {shown(row['ci_level'])}")
        out.append(_row(
            text_field(row["series"], source, _at(line, "series")), text_field(row["entity"], source, _at(line, "entity")),
            a_date(row["date"], source, _at(line, "date")), precision, row["period"].strip() or None, value,
            text_field(row["unit"], source, _at(line, "unit")), line=line,
            date_known=_flag(row["date_known"], source, _at(line, "date_known")), ci=(low, high), ci_level=level,
            fit_use=_flag(row["fit_use"], source, _at(line, "fit_use")), method=row["method"].strip() or None,
            caveat=row["caveat"].strip() or None, note=row["note"].strip() or None,
            source_url=text_field(row["source_url"], source, _at(line, "source_url")),
        ))
    return _indicators("horizon_indicators_csv", out, source, "horizon embedded indicators",
                       "horizon embedded copy of published AI R&D automation indicators; see source_url per row")


def _embedded_scores(text: str, source: str) -> Parsed:
    scores: list[dict] = []
    released: dict[str, date] = {}
    units = {"fraction": fraction}
    for line, row in _embedded_rows(text, source, SCORE_COLUMNS):
        model = text_field(row["model"], source, _at(line, "model"))
        unit = row["unit"].strip()
        if unit not in units:
            raise InputError(source, _at(line, "unit"), f"expected fraction, got {shown(unit)}")
        if row["release_date"].strip():
            where = _at(line, "release_date")
            record_release_date(released, model, a_date(row["release_date"], source, where), source, where)
        scores.append(dict(
            benchmark=text_field(row["benchmark"], source, _at(line, "benchmark")), source_model=model,
            agent=row["agent"].strip() or None, metric=text_field(row["metric"], source, _at(line, "metric")),
            value=units[unit](row["value"], source, _at(line, "value")), unit=unit,
            source=row["source"].strip() or None,
            source_link=text_field(row["source_url"], source, _at(line, "source_url")), row_number=line,
        ))
    if not scores:
        raise InputError(source, None, "expected at least one score row")
    return Parsed(
        kind="horizon_benchmark_scores_csv",
        tables={"benchmark_scores": scores,
                "release_dates": [{"source_model": m, "release_date": d} for m, d in released.items()]},
        publisher_label="horizon embedded benchmark scores",
        citation="horizon embedded copy of Epoch AI benchmarking-hub tables (CC BY 4.0, https://epoch.ai/data);"
                 " see the citation per row",
        release_dates=released,
    )


def _embedded_rct(text: str, source: str) -> Parsed:
    out = []
    names = ("predicted_minutes_no_ai", "predicted_minutes_ai", "initial_minutes", "post_review_minutes",
             "prior_task_exposure", "external_resource_needs")
    for line, row in _embedded_rows(text, source, RCT_ISSUE_COLUMNS):
        no_ai, with_ai, initial, post, exposure, needs = (row[n] for n in names)
        out.append(_issue(
            text_field(row["study"], source, _at(line, "study")), row["dev_id"], row["issue_id"],
            _flag(row["ai_allowed"], source, _at(line, "ai_allowed")), no_ai, with_ai, initial, post, exposure, needs,
            text_field(row["source_url"], source, _at(line, "source_url")), source, line, columns=names,
        ))
    return _rct_parsed("horizon_rct_issues_csv", out, source)


_PARSE = {
    "horizon_indicators_csv": _embedded_indicators,
    "horizon_benchmark_scores_csv": _embedded_scores,
    "horizon_rct_issues_csv": _embedded_rct,
    "anthropic_rd_automation_index": _automation_index,
    "openai_experiment_velocity": _velocity,
    "lab_internal_indicators": _lab_internal,
    "metr_uplift_rct": _rct,
    "metr_suite_tasks": _suite_tasks,
}


def parse(text: str, source: str, kind: str | None = None) -> Parsed:
    detected = kind_of(text)
    if kind is None:
        if detected is None:
            if text.startswith(MAGIC):
                raise InputError(source, "line 1", "expected '# horizon embedded indicators v1', 'benchmark_scores v1'"
                                                   " or 'rct_issues v1'")
            raise InputError(source, None, "expected an indicator file (one of " + ", ".join(KINDS) + ")")
        kind = detected
    if kind not in _PARSE:
        raise InputError(source, None, f"expected one of {', '.join(KINDS)}, got {kind!r}")
    return _PARSE[kind](text, source)
