"""What a parser returns, and the small validators every parser shares.

Validators raise InputError naming the source, the line or key, and what was expected.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from horizon.errors import InputError


@dataclass(frozen=True)
class Parsed:
    """Rows read from one file, by destination table.

    Rows name models by ``source_model`` (the spelling in the file); the ingest layer adds
    ``model_id`` and ``snapshot_id``. Column names match the tables in migrations/0001_store.sql.
    """

    kind: str
    tables: dict[str, list[dict[str, Any]]]
    publisher_label: str | None = None
    citation: str | None = None
    # Release dates the file states for its models, by source_model; used to fill models
    # that data/models.toml does not describe.
    release_dates: dict[str, date] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(len(v) for v in self.tables.values())


def shown(value: Any) -> str:
    """How a bad value appears in an error message: its repr, cut short so that a megabyte
    string or a 400-digit number still gives a one-line message a person can read."""
    if value is None or value == "":
        return "nothing"
    try:
        text = repr(value)
    except ValueError:  # an int too long for str() (over sys.get_int_max_str_digits())
        return "a number too long to show"
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_HEAD] + "..."


def reason(exc: Exception) -> str:
    """The first clause of a Python error, for a one-line message, without advice meant for
    programmers (e.g. "...; use sys.set_int_max_str_digits() to increase the limit")."""
    text = str(exc).split("\n", 1)[0].split(";", 1)[0].strip()
    return text or type(exc).__name__


# What one file may hold. Memory and time are bounded by these, not by the file's size: each is
# far above every published file and low enough that ingest and the fit that `horizon update`
# runs on it stay near a gigabyte (benchmarks/bench_ingest.py measures the largest accepted
# inputs; README "Limits" states them).
MAX_MARKUP_BYTES = 2 * 1024 * 1024   # YAML and TOML: PyYAML holds ~60x a file's size; the largest published is 26 KB
MAX_TABLE_ROWS = 200_000             # rows of one CSV table (Epoch's largest has ~1,100)
MAX_RUNS = 200_000                   # runs in one run-level file (METR's 2025-03 file: 7,063)
MAX_AGENTS = 500                     # agents in one run-level file (11)
MAX_TASKS = 5_000                    # tasks in one run-level file (83; Time Horizon 1.1: 228)
MAX_AGENT_TASKS = 25_000             # (agent, task) pairs: the fit's work grows with them (913)


def check_markup_size(text: str, source: str, what: str) -> None:
    """Refuse a YAML or TOML document too large to hold as objects, before parsing it."""
    size = len(text.encode("utf-8")) if len(text) * 4 > MAX_MARKUP_BYTES else len(text)
    if size > MAX_MARKUP_BYTES:
        raise InputError(source, None, f"expected a {what} file of at most {MAX_MARKUP_BYTES:,} bytes, got {size:,}")


class RunTally:
    """Counts a run-level file as it is read, and refuses it at the first line over a limit."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.runs = 0
        self.agents: set[str] = set()
        self.tasks: set[str] = set()
        self.pairs: set[tuple[str, str]] = set()

    def add(self, agent: str, task: str, where: str, runs: int = 1) -> None:
        self.runs += runs
        self.agents.add(agent)
        self.tasks.add(task)
        self.pairs.add((agent, task))
        for count, limit, what in (
            (self.runs, MAX_RUNS, "runs"),
            (len(self.agents), MAX_AGENTS, "agents"),
            (len(self.tasks), MAX_TASKS, "tasks"),
            (len(self.pairs), MAX_AGENT_TASKS, "agent-task pairs"),
        ):
            if count > limit:
                raise InputError(self.source, where, f"expected at most {limit:,} {what} in one file, got {count:,} by this line")


# Reprs up to 40 characters are shown whole (every real model name and number fits);
# longer ones keep their first 20, enough to find the value in the file.
SHOWN_MAX = 40
SHOWN_HEAD = 20


def number(value: Any, source: str, where: str, *, positive: bool = False, unit: str = "") -> float:
    """A finite number (ints accepted); with positive=True, strictly greater than zero."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        parsed = None
        if isinstance(value, str):
            try:
                parsed = float(value.strip())
            except ValueError:
                parsed = None
        if parsed is None:
            raise InputError(source, where, f"expected a number{unit}, got {shown(value)}")
        value = parsed
    try:
        value = float(value)
    except OverflowError:  # an int beyond the float range, e.g. 400 digits in YAML or JSON
        raise InputError(source, where, f"expected a finite number{unit}, got {shown(value)}") from None
    if not math.isfinite(value):
        raise InputError(source, where, f"expected a finite number{unit}, got {value}")
    if positive and value <= 0:
        raise InputError(source, where, f"expected a positive number{unit}, got {value:g}")
    return value


def fraction(value: Any, source: str, where: str) -> float:
    """A score in [0, 1]; accepts "64.5%" (a percentage) and plain fractions."""
    if isinstance(value, str) and value.strip().endswith("%"):
        text = value.strip()[:-1]
        try:
            result = float(text) / 100.0
        except ValueError:
            raise InputError(source, where, f"expected a score like 0.645 or 64.5%, got {shown(value)}") from None
    else:
        try:
            result = number(value, source, where)
        except InputError:
            raise InputError(source, where, f"expected a score like 0.645 or 64.5%, got {shown(value)}") from None
    if not (0.0 <= result <= 1.0) or math.isnan(result):
        raise InputError(source, where, f"expected a score between 0 and 1, got {shown(value)}")
    return result


_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def a_date(value: Any, source: str, where: str) -> date:
    """A calendar date: YAML dates, ISO strings (2025-08-07, 2025-08-07T...), or d/m/yyyy."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            pass
        m = _DAY_FIRST.match(text)
        if m:
            try:
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                pass
    raise InputError(source, where, f"expected a date like 2025-08-07, got {shown(value)}")


def _as_text(value: Any) -> Any:
    """A number written where text was meant (YAML reads a key like 1.5 as a float, JSON a
    run id like 7 as an int) is kept as its text; a non-finite one names nothing."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            return value
        try:
            return str(value)
        except ValueError:  # an int too long for str(): leave it to be refused
            return value
    return value


# Names and values from a source are data, never instructions to a terminal, a chart or a
# browser. Refused wherever a source writes text: controls (C0, DEL and C1: ESC starts terminal
# escape sequences, BEL rings, and XML/SVG cannot hold them, so one such name broke every later
# report), invisible format characters (zero-width and bidirectional overrides, which make one
# name look like another), lone surrogates, and line or paragraph separators (U+2028/9 end a
# line in JavaScript and terminals). Refusing, not escaping: a published name never needs them,
# so one is a damaged or hostile file, and the store keeps what the publisher wrote or nothing.
_REFUSED_CATEGORIES = {
    "Cc": "a control character",
    "Cf": "an invisible format character",
    "Cs": "a lone surrogate",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}
# Free text (a citation) may be laid out on several lines.
_LAYOUT = frozenset("\t\n\r")
# Columns of free text; every other text column is a name or an identifier.
FREE_TEXT_COLUMNS = frozenset({"citation"})


def unprintable(text: str, *, multiline: bool = False) -> str | None:
    """Why ``text`` cannot be stored (the first refused character, in words), or None."""
    if text.isprintable():  # the common case, in C: no control, format or separator character
        return None
    for ch in text:
        if multiline and ch in _LAYOUT:
            continue
        kind = _REFUSED_CATEGORIES.get(unicodedata.category(ch))
        if kind:
            return f"U+{ord(ch):04X}, {kind}"
    return None


def printable(text: str, source: str, where: str | None, *, multiline: bool = False) -> str:
    """``text`` unchanged, or an InputError naming the first refused character."""
    problem = unprintable(text, multiline=multiline)
    if problem:
        raise InputError(source, where, f"expected printable text, got {shown(text)} ({problem})")
    return text


def text_field(value: Any, source: str, where: str, *, multiline: bool = False) -> str:
    value = _as_text(value)
    if not isinstance(value, str) or not value.strip():
        raise InputError(source, where, f"expected a non-empty text, got {shown(value)}")
    return printable(value, source, where, multiline=multiline)


def optional_text(value: Any, source: str, where: str, *, expected: str = "a text or nothing") -> str | None:
    """Text or nothing, for optional VARCHAR columns: a dict or list here would be stored as
    its Python repr (or make one column mix types), so it is an error instead."""
    if value is None:
        return None
    value = _as_text(value)
    if not isinstance(value, str):
        raise InputError(source, where, f"expected {expected}, got {shown(value)}")
    return printable(value, source, where)


# One name per suite. METR's 1.0 file calls its suite "METR-Horizon-v1"; the 1.1 files call the
# same rows, carried over, "METR-Horizon-v1.0". Stored under one label, a query comparing
# versions ("which models were revised down") sees one suite, and versions sort as numbers.
SUITE_LABELS = {"METR-Horizon-v1": "METR-Horizon-v1.0"}


def suite_label(label: str | None) -> str | None:
    return SUITE_LABELS.get(label, label) if label is not None else None


def with_suite_labels(parsed: Parsed) -> Parsed:
    """``parsed`` with every suite and publisher label under its one name (SUITE_LABELS)."""
    from dataclasses import replace

    tables = {
        name: [row | {"suite": suite_label(row["suite"])} if "suite" in row else row for row in rows]
        for name, rows in parsed.tables.items()
    }
    return replace(parsed, tables=tables, publisher_label=suite_label(parsed.publisher_label))


def check_printable(parsed: Parsed, source: str) -> None:
    """Every text a parser returned, whichever way it read it, is printable (the parsers check
    as they read, with the line; this is the backstop that no new parser can bypass)."""
    for value, where in (
        (parsed.publisher_label, "the publisher's label"),
        (parsed.citation, "the citation"),
    ):
        if isinstance(value, str):
            printable(value, source, where, multiline=where == "the citation")
    for name in parsed.release_dates:
        if isinstance(name, str):
            printable(name, source, "release dates, model name")
    for table, rows in parsed.tables.items():
        for i, row in enumerate(rows, start=1):
            for column, value in row.items():
                if isinstance(value, str) and unprintable(value, multiline=column in FREE_TEXT_COLUMNS):
                    at = f"line {row['row_number']}" if "row_number" in row else f"{table} row {i}"
                    printable(value, source, f"{at}, field '{column}'", multiline=column in FREE_TEXT_COLUMNS)


def record_release_date(found: dict[str, date], name: str, day: date, source: str, where: str) -> None:
    """Add one model's release date to ``found``.

    Files repeat a spelling now and then (a duplicated YAML key, an alias that is also a key);
    the same date twice is harmless, two different dates for one spelling is a contradiction
    the publisher has to settle, so it is an error rather than a silent last-one-wins.
    """
    earlier = found.get(name)
    if earlier is not None and earlier != day:
        raise InputError(
            source, where, f"expected one release date for {name!r}, got {earlier} and {day}"
        )
    found[name] = day


def number_cell(value: str, source: str, where: str, *, positive: bool = False, unit: str = "") -> float:
    """A number from a text cell (CSV): like number(), but shows the cell as written when it
    is not a number (number() reports an unparseable string as "nothing")."""
    text = value.strip()
    if text:
        try:
            float(text)
        except ValueError:
            raise InputError(source, where, f"expected a number{unit}, got {shown(value)}") from None
    return number(text if text else None, source, where, positive=positive, unit=unit)


def csv_rows(text: str, source: str, empty: str, required: tuple[str, ...] = (), first_line: int = 1):
    """Header and (line number, row dict) pairs of a CSV table.

    The header is line ``first_line`` (more than 1 when ``text`` follows other lines of the
    file) and a row's number is the line it starts on (quoted cells may span lines). Blank
    rows are skipped; a row with the wrong number of fields is an error.
    """
    skipped = first_line - 1
    import csv
    import io

    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(c.strip() for c in header):
            raise InputError(source, None, empty)
        header = [c.strip() for c in header]
        for column in required:
            if column not in header:
                raise InputError(source, f"line {first_line}", f"expected a column {column!r}")
        rows = []
        start = reader.line_num + 1 + skipped
        for row in reader:
            if row and any(cell.strip() for cell in row):
                if len(row) != len(header):
                    raise InputError(
                        source, f"line {start}",
                        f"expected {len(header)} fields as in the header, got {len(row)}",
                    )
                rows.append((start, dict(zip(header, row))))
                if len(rows) > MAX_TABLE_ROWS:
                    raise InputError(source, f"line {start}", f"expected at most {MAX_TABLE_ROWS:,} rows in one table")
            start = reader.line_num + 1 + skipped
    except csv.Error as exc:
        raise InputError(source, f"line {reader.line_num + skipped}", f"expected well-formed CSV ({exc})") from None
    return header, rows


def csv_header(text: str) -> list[str] | None:
    """The first line read as a CSV header, for sniffing; None if it cannot be one."""
    import csv

    first = text.lstrip("\ufeff").split("\n", 1)[0].strip("\r")
    if not first or first.startswith("#") or first.lstrip().startswith(("{", "[")):
        return None
    try:
        return [c.strip() for c in next(csv.reader([first]))]
    except (csv.Error, StopIteration):
        return None

