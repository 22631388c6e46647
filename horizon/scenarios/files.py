"""Reading the scenario model's files: the parameter file and its overrides, and the published
inside-the-lab indicator files (the thin I/O layer beside the pure model).

The indicator readers take the published files in their own formats (../shared/data/indicators/
in tests; any directory given with ``horizon scenarios --indicators DIR``). When the indicator
tables exist in the store, ``horizon.scenarios.store.observations_from_store`` reads them instead.
Every bad line is one error naming the file, the line and the field.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

from horizon.errors import InputError
from horizon.scenarios import params as sp
from horizon.scenarios.evidence import Observation
from horizon.tomlfile import read_toml


def load_parameters(path: str | Path, assignments: Sequence[str] = (), override_file: str | Path | None = None,
                    origin: str | None = None) -> sp.ParameterSet:
    """The parameter file, then the overrides file (``name = value`` lines), then ``k=v`` items.

    ``origin``: how to name the file in messages and in the fit (default: the path as given).
    """
    origin = origin or str(path)
    doc = read_toml(Path(path), "the scenario parameters (a table per parameter)")
    params = sp.parse_parameters(doc, origin)
    if override_file is not None:
        doc = read_toml(Path(override_file), "scenario parameter overrides (name = value lines)")
        params = sp.apply_overrides(params, doc, str(override_file))
    for item in assignments:
        name, value = sp.parse_assignment(item)
        params = sp.override(params, name, value, "--param")
    return params


# --- published indicator files -------------------------------------------------------------------

OPENAI_FILE = "openai_experiment_velocity.csv"
LAB_FILE = "lab_internal_indicators.csv"
AUTOMATION_INDEX_FILE = "anthropic_rd_automation_index.csv"
INDICATOR_FILES = (OPENAI_FILE, LAB_FILE, AUTOMATION_INDEX_FILE)
Z90 = 1.6448536269514722


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of a CSV whose comment lines start with '#'."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(str(path), None, "not found; expected a published indicator file") from None
    except UnicodeDecodeError as exc:
        raise InputError(str(path), None, f"expected UTF-8 text ({exc.reason})") from None
    lines = [(i, line) for i, line in enumerate(text.splitlines(), start=1) if line.strip() and not line.startswith("#")]
    if not lines:
        raise InputError(str(path), None, "expected a header line and data lines")
    reader = csv.reader(io.StringIO("\n".join(line for _, line in lines)))
    header = next(reader)
    out = []
    for (number, _), cells in zip(lines[1:], reader):
        if len(cells) != len(header):
            raise InputError(str(path), f"line {number}", f"expected {len(header)} fields ({', '.join(header)}), got {len(cells)}")
        out.append((number, dict(zip(header, cells))))
    return out


def _need(path: Path, rows, fields: Sequence[str]) -> None:
    if rows and (missing := [f for f in fields if f not in rows[0][1]]):
        raise InputError(str(path), "header", f"expected the columns {', '.join(fields)}; missing {', '.join(missing)}")


def _number(path: Path, number: int, field: str, text: str, positive: bool = False) -> float:
    try:
        v = float(text)
    except ValueError:
        v = math.nan
    if not math.isfinite(v) or (positive and v <= 0):
        raise InputError(str(path), f"line {number}, field {field!r}",
                         f"expected a {'positive ' if positive else ''}number, got {text!r}")
    return v


def _date(path: Path, number: int, field: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(str(path), f"line {number}, field {field!r}", f"expected a date like 2026-03-01, got {text!r}") from None


def _trend_residual_sd(days: np.ndarray, values: np.ndarray) -> float:
    """Scatter of ln(value) about a straight line in time: the series' own noise."""
    y = np.log(values)
    X = np.column_stack([np.ones_like(days), days - days.mean()])
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    res = y - X @ beta
    return float(math.sqrt(res @ res / (y.size - 2)))


def openai_experiments(path: Path) -> list[Observation]:
    """OpenAI's experiments per active experimenter, a multiple of the 2025 level (weekly).

    Noise: the scatter of ln(multiple) about a straight line through the series (its
    week-to-week wobble, which is what one reading cannot average away).
    """
    rows = _rows(path)
    _need(path, rows, ("date", "mult"))
    days, values = [], []
    for number, r in rows:
        days.append(_date(path, number, "date", r["date"]))
        values.append(_number(path, number, "mult", r["mult"], positive=True))
    if len(values) < 4:
        raise InputError(str(path), None, f"expected at least 4 weekly readings to estimate the noise, got {len(values)}")
    noise = _trend_residual_sd(np.array([d.toordinal() for d in days], dtype=float), np.array(values))
    return [
        Observation("openai_experiments_per_researcher", "OpenAI experiments per active experimenter (multiple of 2025)",
                    d, v, "multiplier", noise, "OpenAI, Research acceleration: a view inside OpenAI (2026-09-06), "
                    "transcribed from the chart", (date(2025, 1, 1), date(2025, 12, 31)),
                    "4-week trailing average; compute growth and the experimenter population are not controlled for")
        for d, v in zip(days, values)
    ]


_MEAN_NOTE = re.compile(r"median \(mean ([0-9.]+)x\)")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def _quarter(path: Path, number: int, text: str) -> tuple[date, date, date]:
    """First day, middle (the 15th of its middle month) and last day of a quarter like 2025Q1."""
    m = _QUARTER.match(text)
    if not m:
        raise InputError(str(path), f"line {number}, field 'date'", f"expected a quarter like 2025Q1, got {text!r}")
    year, q = int(m.group(1)), int(m.group(2))
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return date(year, 3 * q - 2, 1), date(year, 3 * q - 1, 15), date.fromordinal(end.toordinal() - 1)


def lab_indicators(path: Path) -> list[Observation]:
    """Anthropic's staff-survey output multiples and lines merged per contributor.

    staff_uplift_x (output with AI vs without, self-reported): the statistic differs between
    rounds (median, mean, geometric mean), so the noise is the largest gap between a round's
    mean and its median, ln(mean / median). code_per_contributor_x (a multiple of the pre-2025
    average): the noise is the scatter of ln(multiple) over the pre-2025 quarters themselves.
    """
    rows = _rows(path)
    _need(path, rows, ("series", "entity", "date", "value", "unit", "date_known", "note"))
    survey: list[tuple[int, dict[str, str]]] = []
    code: list[tuple[int, dict[str, str]]] = []
    baseline: list[tuple[int, dict[str, str]]] = []
    for number, r in rows:
        if r["series"] == "staff_uplift_x":
            survey.append((number, r))
        elif r["series"] == "code_per_contributor_x":
            (baseline if r["note"].startswith("baseline") else code).append((number, r))
    out = []
    if survey:
        gaps = []
        for number, r in survey:
            m = _MEAN_NOTE.search(r["note"])
            if m:
                gaps.append(math.log(_number(path, number, "note", m.group(1), positive=True)
                                     / _number(path, number, "value", r["value"], positive=True)))
        if not gaps or max(gaps) <= 0:
            raise InputError(str(path), "staff_uplift_x", "expected a round that gives both its median and its mean"
                             " ('median (mean 3.2x)') to estimate the survey's noise")
        noise = max(gaps)
        for number, r in survey:
            note = r["note"] + ("" if r["date_known"] == "1" else "; date not on the public record")
            out.append(Observation("anthropic_staff_uplift", "Anthropic staff survey: output multiple with AI vs without",
                                   _date(path, number, "date", r["date"]),
                                   _number(path, number, "value", r["value"], positive=True), "multiplier", noise,
                                   "Anthropic, Redacted Risk Report (August 2026) s3.4.2, internal researcher survey",
                                   None, f"{r['entity']}: {note}; self-reported"))
    if code:
        if len(baseline) < 3:
            raise InputError(str(path), "code_per_contributor_x", "expected at least 3 baseline quarters to estimate the noise")
        base_values = np.array([_number(path, n, "value", r["value"], positive=True) for n, r in baseline])
        quarters = [_quarter(path, n, r["date"]) for n, r in baseline]
        noise = float(np.std(np.log(base_values), ddof=1))
        period = (min(q[0] for q in quarters), max(q[2] for q in quarters))
        for number, r in code:
            out.append(Observation("anthropic_code_per_contributor", "Anthropic lines merged per contributor (multiple of pre-2025)",
                                   _quarter(path, number, r["date"])[1],
                                   _number(path, number, "value", r["value"], positive=True), "multiplier", noise,
                                   "Anthropic Institute, When AI builds itself, digitised", period,
                                   f"{r['note']}; lines of code, not research output"))
    return out


def automation_index(path: Path) -> list[Observation]:
    """Anthropic's R&D Automation Index: the AL4+ share ('Claude leads'), printed months only.

    Noise: the published 90% measurement interval as a standard deviation, (hi90 - lo90) / 3.29.
    """
    rows = _rows(path)
    _need(path, rows, ("month", "al4_pct", "lo90", "hi90", "printed"))
    out = []
    for number, r in rows:
        if r["printed"] != "1":
            continue   # no printed value: the figure shows no readable AL4 band that month
        month = r["month"]
        day = _date(path, number, "month", month + "-15")
        value = _number(path, number, "al4_pct", r["al4_pct"]) / 100.0
        lo = _number(path, number, "lo90", r["lo90"]) / 100.0
        hi = _number(path, number, "hi90", r["hi90"]) / 100.0
        if not lo <= value <= hi:
            raise InputError(str(path), f"line {number}", f"expected lo90 <= al4_pct <= hi90, got {lo:g}, {value:g}, {hi:g}")
        out.append(Observation("anthropic_al4_share", "Anthropic R&D Automation Index: share of model R&D work Claude leads (AL4+)",
                               day, value, "share", (hi - lo) / (2 * Z90),
                               "Anthropic, Measuring the pace of AI development (R&D Automation Index v2026.07), digitised",
                               None, "rated by a Claude judge (59% exact agreement with staff); basket frozen on a July 2026 weighting"))
    return out


def load_published_indicators(directory: str | Path) -> tuple[list[Observation], list[dict]]:
    """Every reading the scenario evidence uses from the published files in ``directory``, and
    each file's name and sha256 (recorded with the fit)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(str(directory), None, "expected a directory of published indicator files"
                         f" ({', '.join(INDICATOR_FILES)})")
    readers = ((OPENAI_FILE, openai_experiments), (LAB_FILE, lab_indicators), (AUTOMATION_INDEX_FILE, automation_index))
    observations, files = [], []
    for name, read in readers:
        path = directory / name
        observations += read(path)
        files.append({"file": name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()})
    return observations, files
