"""What a parser returns, and the small validators every parser shares.

Validators raise InputError naming the source, the line or key, and what was expected.
"""

from __future__ import annotations

import math
import re
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


def text_field(value: Any, source: str, where: str) -> str:
    value = _as_text(value)
    if not isinstance(value, str) or not value.strip():
        raise InputError(source, where, f"expected a non-empty text, got {shown(value)}")
    return value


def optional_text(value: Any, source: str, where: str, *, expected: str = "a text or nothing") -> str | None:
    """Text or nothing, for optional VARCHAR columns: a dict or list here would be stored as
    its Python repr (or make one column mix types), so it is an error instead."""
    if value is None:
        return None
    value = _as_text(value)
    if not isinstance(value, str):
        raise InputError(source, where, f"expected {expected}, got {shown(value)}")
    return value


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

