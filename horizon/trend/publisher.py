"""A publisher's own doubling time beside ours, checked rather than assumed (pure).

METR's headline files state their own doubling times (``from_2023_on``, ``all_time_stitched``).
Wherever we print one beside ours, we refit that window on the same file's rows and flag a gap
above ``TOLERANCE_DAYS``, naming its cause where the rows can tell: a frontier that differs from
the publisher's own flags, or rows only one window uses (when the other window matches, the
gap must come from them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from horizon.errors import HorizonError
from horizon.trend import intervals
from horizon.trend.forms import FORMS
from horizon.trend.frontier import select_points
from horizon.trend.points import Point
from horizon.trend.rules import DEFAULT_CEILING_MINUTES

TOLERANCE_DAYS = 0.05
# The windows METR's files name, as trend options: frontier models at 50%, the suite's ceiling.
WINDOWS = {"from_2023_on": date(2023, 1, 1), "all_time_stitched": None}


@dataclass(frozen=True)
class PublisherCheck:
    window: str
    published: float
    published_ci_low: float | None
    published_ci_high: float | None
    ours: float | None                 # the same window fitted on the same file's rows
    ours_ci_low: float | None          # our default (calibrated) 95% interval on that window
    ours_ci_high: float | None
    flagged: bool                      # |ours - published| above TOLERANCE_DAYS (or not computable)
    cause: str | None

    @property
    def gap_days(self) -> float | None:
        return None if self.ours is None else self.ours - self.published

    def text(self) -> str:
        """One line: the publisher's figure, ours, and the gap with its cause when flagged."""
        ci = ""
        if self.published_ci_low is not None and self.published_ci_high is not None:
            ci = f", CI {self.published_ci_low:.1f} to {self.published_ci_high:.1f}"
        line = f"publisher's own {self.window}: {self.published:.3f} days{ci}"
        if self.ours is None:
            return f"{line}; ours on the same rows: not computable ({self.cause})"
        line += f"; ours on the same rows {self.ours:.3f} (gap {self.gap_days:+.3f} d)"
        our_low, our_high = self.ours_ci_low, self.ours_ci_high
        their_low, their_high = self.published_ci_low, self.published_ci_high
        if our_low is not None and our_high is not None and their_low is not None and their_high is not None:
            line += (f", our 95% CI {our_low:.1f} to {our_high:.1f}"
                     f" (ends {100 * (our_low / their_low - 1):+.1f}% and"
                     f" {100 * (our_high / their_high - 1):+.1f}% from the publisher's)")
        if self.flagged:
            line += f"; GAP above {TOLERANCE_DAYS} days: {self.cause}"
        return line


def _fit(points: Sequence[Point], window_from):
    selection = select_points(points, window_from, None, DEFAULT_CEILING_MINUTES)
    used = selection.used
    x = np.array([p.x for p in used])
    y = np.log(np.array([p.estimate for p in used], dtype=float))
    fit = FORMS["exponential"].fit(x, y)
    ci = intervals.analytic(x, y)
    return used, fit.doubling_days_at(fit.x_ref), ci


def _flags_differ(points, used, window_from) -> str | None:
    ours = {p.model_id for p in used}
    theirs = {p.model_id for p in points if p.published_sota and p.release_date
              and (window_from is None or p.release_date >= window_from)
              and p.finite and p.estimate <= DEFAULT_CEILING_MINUTES}
    if not any(p.published_sota is not None for p in points) or ours == theirs:
        return None
    parts = []
    if ours - theirs:
        parts.append("on our frontier only: " + ", ".join(sorted(ours - theirs)))
    if theirs - ours:
        parts.append("flagged is_sota by the publisher only: " + ", ".join(sorted(theirs - ours)))
    return "our frontier differs from the publisher's is_sota flags (" + "; ".join(parts) + ")"


def check_claims(points: Sequence[Point], claims: Sequence[dict], file_label: str | None) -> tuple[PublisherCheck, ...]:
    """Check every claim (``window``, ``doubling_days``, ``ci_low``, ``ci_high``) against the same
    window refitted on ``points`` (the file's 50% horizons)."""
    fitted = {}
    for window, start in WINDOWS.items():
        try:
            fitted[window] = _fit(points, start)
        except HorizonError as exc:
            fitted[window] = exc
    out = []
    for claim in claims:
        window, published = claim["window"], claim["doubling_days"]
        common = dict(window=window, published=published, published_ci_low=claim.get("ci_low"),
                      published_ci_high=claim.get("ci_high"))
        found = fitted.get(window)
        if found is None or isinstance(found, HorizonError):
            why = "a window we do not know how to refit" if found is None else str(found)
            out.append(PublisherCheck(**common, ours=None, ours_ci_low=None, ours_ci_high=None, flagged=True, cause=why))
            continue
        used, ours, ci = found
        flagged = abs(ours - published) > TOLERANCE_DAYS
        cause = None
        if flagged:
            cause = _flags_differ(points, used, WINDOWS[window]) or _rows_only_this_window_uses(
                window, used, claims, fitted, file_label) or "cause not identified from the file's rows"
        out.append(PublisherCheck(**common, ours=ours, ours_ci_low=ci.low95, ours_ci_high=ci.high95,
                                  flagged=flagged, cause=cause))
    return tuple(out)


def _rows_only_this_window_uses(window, used, claims, fitted, file_label) -> str | None:
    """When another window of the same file matches, the gap comes from the rows only this one
    uses: name them, and the suite they were carried over from."""
    for other in claims:
        if other["window"] == window or other["window"] not in WINDOWS:
            continue
        found = fitted.get(other["window"])
        if isinstance(found, HorizonError) or abs(found[1] - other["doubling_days"]) > TOLERANCE_DAYS:
            continue
        shared = {p.model_id for p in found[0]}
        extra = [p for p in used if p.model_id not in shared]
        if not extra:
            return None
        rows = ", ".join(f"{p.source_model} ({p.release_date.isoformat()}, {p.suite or 'no suite'})" for p in extra)
        suites = sorted({p.suite for p in extra if p.suite and p.suite != file_label})
        carried = f"; these rows were carried over from {', '.join(suites)}" if suites else ""
        return (f"{other['window']}, which does not use them, matches to {TOLERANCE_DAYS} days, so the publisher's"
                f" {window} used other values for the rows only it uses than this file holds: {rows}{carried}")
    return None
