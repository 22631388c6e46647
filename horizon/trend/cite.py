"""`horizon cite`: one copy-exact sentence (and BibTeX / JSON) for a stored doubling time.

Every number is read from the stored trend_fits row (and its fit run and snapshots); nothing is
refitted here, so the citation always matches what `horizon trend`, the report and queries show.
"""

from __future__ import annotations

import math

from horizon.trend.rules import finite_or_none
from horizon.trend.stored import StoredTrend, load_stored_trend


def stored_for_citation(con, fit_id: int | None = None, level: int = 50) -> StoredTrend:
    """The trend to cite: ``fit_id``, or the canonical trend at ``level`` (newest published
    version, default options; see ``horizon.trend.canonical``), whatever exploratory trends
    were fitted since.

    Choice: cite never fits anything. Without a stored canonical trend it says how to make one,
    so a citation can only ever quote numbers someone has already seen.
    """
    if fit_id is None:
        from horizon.trend.canonical import require_canonical_trend_fit_id

        fit_id = require_canonical_trend_fit_id(con, level)
    return load_stored_trend(con, fit_id)


def _days(v: float | None) -> str:
    return "unbounded" if v is None or not math.isfinite(v) else f"{v:.1f}"


def _window_text(t: StoredTrend) -> str:
    parts = []
    if t.window_from:
        parts.append(f"released from {t.window_from.isoformat()}")
    if t.window_to:
        parts.append(f"to {t.window_to.isoformat()}")
    if t.ceiling_minutes is not None:
        parts.append(f"with horizons up to {t.ceiling_minutes / 60:g} h")
    return " ".join(parts)


def _sources_text(t: StoredTrend, full_hash: bool) -> str:
    out = []
    for s in t.snapshots:
        digest = s["sha256"] if full_hash else s["sha256"][:12]
        label = s.get("published_version") or s["publisher_label"] or s["origin"]
        out.append(f"{label} as retrieved on {s['retrieved_at'].date().isoformat()}, sha256 {digest}")
    if t.source_kind == "runs":
        out.insert(0, f"run-level fit {t.source_fit_id}")
    return "; ".join(out)


def sentence(t: StoredTrend, full_hash: bool = False) -> str:
    ci = (
        f"{int(round(t.ci_level * 100))}% CI {_days(t.ci_low)} to {_days(t.ci_high)} days,"
        f" {t.interval_method}"
    )
    if t.doubling_days is None or not math.isfinite(t.doubling_days):
        # Never "doubled every unbounded days": a trend without a doubling time says why.
        claim = f"has no doubling time ({t.note})" if t.note else "has no doubling time"
    else:
        claim = f"doubled every {_days(t.doubling_days)} days ({ci})"
    caveats = "".join(f" Caveat: {w['text']}." for w in t.warnings if w["code"] == "fragile")
    if t.points == "all":
        who, rule = "AI agents", f"{t.n_models} models {_window_text(t)}, every model in the window, frontier or not"
    else:
        who, rule = "frontier AI agents", (f"{t.n_models} frontier models {_window_text(t)}, frontier = at least as"
                                           " good as every agent released on or before it")
    return (
        f"The {t.level}% time horizon of {who} {claim} between {t.first_release.isoformat()} and"
        f" {t.last_release.isoformat()} ({rule}; {_sources_text(t, full_hash)}; horizon {t.code_version},"
        f" trend fit {t.fit_id}).{caveats}"
    )


def bibtex(t: StoredTrend) -> str:
    year = t.created_at.year
    note = sentence(t, full_hash=True).replace("%", r"\%")
    urls = ", ".join(s["origin"] for s in t.snapshots)
    return (
        f"@misc{{horizon_trend_{t.fit_id},\n"
        f"  title = {{Doubling time of the {t.level}\\% time horizon of frontier AI agents}},\n"
        f"  author = {{{{horizon {t.code_version}}}}},\n"
        f"  year = {{{year}}},\n"
        f"  howpublished = {{horizon trend fit {t.fit_id}; data: {urls}}},\n"
        f"  note = {{{note}}}\n"
        f"}}"
    )


def citation_document(t: StoredTrend) -> dict:
    num = finite_or_none
    return {
        "sentence": sentence(t),
        "sentence_full_hash": sentence(t, full_hash=True),
        "bibtex": bibtex(t),
        "fit_id": t.fit_id,
        "level": t.level,
        "doubling_days": num(t.doubling_days),
        "doubling_months": num(t.doubling_months),
        "doubling_note": t.note,
        "ci_low": num(t.ci_low),
        "ci_high": num(t.ci_high),
        "ci_level": t.ci_level,
        "interval_method": t.interval_method,
        "interval_text": t.interval_text,
        "first_release": t.first_release.isoformat(),
        "last_release": t.last_release.isoformat(),
        "window": {
            "from": t.window_from.isoformat() if t.window_from else None,
            "to": t.window_to.isoformat() if t.window_to else None,
        },
        "ceiling_minutes": t.ceiling_minutes,
        "frontier_rule": t.frontier_rule,
        "n_models": t.n_models,
        "models": list(t.models),
        "source_kind": t.source_kind,
        "run_fit_id": t.source_fit_id,
        "snapshots": [
            {**s, "retrieved_at": s["retrieved_at"].isoformat()} for s in t.snapshots
        ],
        "horizon_version": t.code_version,
        "created_at": t.created_at.isoformat(),
    }
