"""METR run-level results: JSON Lines, one agent run on one task per line (all_runs.jsonl)."""

from __future__ import annotations

import json
from typing import overload

from horizon.errors import InputError
from horizon.formats.base import (
    Parsed,
    RunTally,
    fraction,
    number,
    optional_text,
    reason,
    shown,
    text_field,
)

KIND = "metr_runs_jsonl"
CITATION = "METR, eval-analysis-public run data (https://github.com/METR/eval-analysis-public)"


def sniff(text: str, name: str) -> bool:
    first = text.lstrip()[:2000]
    return first.startswith("{") and '"task_id"' in first and ('"alias"' in first or '"agent"' in first)


def _optional_number(record: dict, key: str, source: str, where: str) -> float | None:
    value = record.get(key)
    return None if value is None else number(value, source, f"{where}, field '{key}'")


@overload
def _shared(names: dict[str, str], text: str) -> str: ...
@overload
def _shared(names: dict[str, str], text: str | None) -> str | None: ...
def _shared(names: dict[str, str], text: str | None) -> str | None:
    """One object per distinct name: a task id or an agent repeats on thousands of lines."""
    return None if text is None else names.setdefault(text, text)


def parse(text: str, source: str) -> Parsed:
    runs = []
    seen: dict[str, int] = {}
    tally = RunTally(source)
    names: dict[str, str] = {}
    # Split on "\n" only: str.splitlines() also splits on U+2028, U+0085 and others, which
    # are legal inside JSON strings, and would make line numbers differ from an editor's.
    for lineno, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        where = f"line {lineno}"
        try:
            record = json.loads(line)
        except ValueError as exc:  # JSONDecodeError, or an int over Python's 4300-digit limit
            problem = exc.msg if isinstance(exc, json.JSONDecodeError) else reason(exc)
            raise InputError(source, where, f"expected one JSON object per line ({problem})") from None
        if not isinstance(record, dict):
            raise InputError(source, where, "expected one JSON object per line")
        run_id = text_field(record.get("run_id"), source, f"{where}, field 'run_id'")
        if run_id in seen:
            raise InputError(
                source, f"{where}, field 'run_id'",
                f"expected unique run ids, got {run_id!r} again (first on line {seen[run_id]})",
            )
        seen[run_id] = lineno
        agent = record.get("alias", record.get("agent"))
        agent = _shared(names, text_field(agent, source, f"{where}, field 'alias'"))
        binarized = record.get("score_binarized")
        if isinstance(binarized, bool) or binarized not in (0, 1):
            raise InputError(source, f"{where}, field 'score_binarized'", f"expected 0 or 1, got {shown(binarized)}")
        task_id = _shared(names, text_field(record.get("task_id"), source, f"{where}, field 'task_id'"))
        tally.add(agent, task_id, where)
        score = record.get("score")
        runs.append(
            dict(
                run_id=run_id,
                task_id=task_id,
                task_family=_shared(names, text_field(record.get("task_family"), source, f"{where}, field 'task_family'")),
                task_source=_shared(names, optional_text(record.get("task_source"), source, f"{where}, field 'task_source'")),
                source_model=agent,
                human_minutes=number(
                    record.get("human_minutes"), source, f"{where}, field 'human_minutes'",
                    positive=True, unit=" of minutes",
                ),
                score=None if score is None else fraction(score, source, f"{where}, field 'score'"),
                score_binarized=int(binarized),
                source_weight_invsqrt=_optional_number(record, "invsqrt_task_weight", source, where),
                source_weight_equal=_optional_number(record, "equal_task_weight", source, where),
            )
        )
    if not runs:
        raise InputError(source, None, "expected at least one run (one JSON object per line)")
    return Parsed(kind=KIND, tables={"runs": runs}, publisher_label="METR runs", citation=CITATION)
