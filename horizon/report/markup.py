"""Small HTML helpers: escaping, JSON inside <script>, number and duration formats.

Every string that reaches a page goes through ``esc`` or ``script_json``; model names come from
published files we do not control (a model may be called ``<script>alert(1)</script>``).
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from typing import Any

MINUTES_PER_HOUR = 60.0


class Html(str):
    """Markup built by this package from escaped parts: inserted as is, never escaped again."""


def esc(value: Any) -> str:
    """Text for an HTML element or a quoted attribute; ``None`` becomes an empty string.

    ``Html`` values pass through unchanged: they were escaped when they were built.
    """
    if isinstance(value, Html):
        return value
    return "" if value is None else html.escape(str(value), quote=True)


def tag(name: str, content: Any = "", **attrs: Any) -> Html:
    """One element; attribute values and text content are escaped (``class_`` -> ``class``)."""
    parts = [name]
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        key = key.rstrip("_").replace("_", "-")
        parts.append(key if value is True else f'{key}="{esc(value)}"')
    return Html(f"<{' '.join(parts)}>{esc(content)}</{name}>")


def join(parts: Any, sep: str = "") -> Html:
    return Html(sep.join(esc(p) for p in parts))


def script_json(doc: Any) -> str:
    """JSON safe to place inside ``<script type="application/json">``.

    ``</script>`` or ``<!--`` in a string would end or confuse the element, so ``<``, ``>``
    and ``&`` are written as JSON unicode escapes; JSON.parse gives back the same text.
    Keys are sorted so the same data always gives the same bytes.
    """
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def slug(text: str) -> str:
    """A stable id for anchors and file names: lower-case ASCII words plus a short hash.

    The hash keeps two names that differ only in punctuation apart (``gpt-4o`` vs ``gpt_4o``).
    """
    words = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:40] or "x"
    digest = hashlib.sha256(str(text).encode("utf-8")).hexdigest()[:6]
    return f"{words}-{digest}"


# Beyond a century of working time (2,000 h a year) a horizon is no longer a task length a
# person could check: such numbers come from near-flat fitted curves, so they are said in words.
UNBOUNDED_MINUTES = 100 * 2000 * MINUTES_PER_HOUR
# Doubling times beyond a century mean "not growing" for any reader of this site.
UNBOUNDED_DAYS = 36_500.0


def fmt_duration(minutes: float | None) -> str:
    """A task length people can read: seconds, minutes or hours, three significant digits.

    Never scientific notation; absurd values are words that say why.
    """
    if minutes is None or (isinstance(minutes, float) and math.isnan(minutes)):
        return "–"
    if minutes > UNBOUNDED_MINUTES:
        return "unbounded (over a century of work)"
    if minutes < 0.1 / 60:
        return "< 0.1 s"  # bootstrap tails reach absurdly small values; digits there mean nothing
    if minutes < 1:
        return f"{minutes * 60:.3g} s"
    if minutes < MINUTES_PER_HOUR:
        return f"{minutes:.3g} min"
    hours = minutes / MINUTES_PER_HOUR
    return f"{hours:.3g} h" if hours < 1000 else f"{hours:,.0f} h"


def fmt_interval(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "–"
    return f"{fmt_duration(low)} – {fmt_duration(high)}"


def fmt_days(days: float | None) -> str:
    """A doubling time in days; an infinite or absurd one says so instead of printing digits."""
    if days is None or (isinstance(days, float) and math.isnan(days)):
        return "–"
    if days > UNBOUNDED_DAYS:
        return "unbounded (not growing)"
    if days < 0:
        return "negative (shrinking)"
    if days < 0.1:
        return "< 0.1"
    return f"{days:,.1f}"


def fmt_days_interval(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "–"
    return f"{fmt_days(low)} – {fmt_days(high)}"


def fmt_number(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:,.{digits}f}"
