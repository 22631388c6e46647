"""`horizon cite`: a stored doubling time as a citation (sentence, BibTeX, CSL-JSON, JSON).

Every number is read from the stored trend_fits row (and its fit run and snapshots); nothing is
refitted here, so the citation always matches what `horizon trend`, the report and queries show.
"""

from __future__ import annotations

import math

from horizon.citation import Citation, stable_key
from horizon.citation import sentence as cited_sentence
from horizon.numbers import finite_or_none
from horizon.trend.rules import interval_ends
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


def _interval_words(low: float | None, high: float | None) -> str:
    """"110.3 to 154.7 days"; an end the data do not bound said in words."""
    if low is None and high is None:
        return "not bounded by the data"
    return " to ".join(interval_ends(low, high)) + " days"


def _window_text(t: StoredTrend) -> str:
    parts = []
    if t.window_from:
        parts.append(f"released from {t.window_from.isoformat()}")
    if t.window_to:
        parts.append(f"to {t.window_to.isoformat()}")
    if t.ceiling_minutes is not None:
        parts.append(f"with horizons up to {t.ceiling_minutes / 60:g} h")
    return " ".join(parts)


def _snapshots_text(t: StoredTrend) -> str:
    out = []
    for s in t.snapshots:
        label = s.get("published_version") or s["publisher_label"] or s["origin"]
        out.append(f"{label} retrieved {s['retrieved_at'].date().isoformat()}, sha256 {s['sha256'][:12]}")
    if t.source_kind == "runs":
        out.insert(0, f"run-level fit {t.source_fit_id}")
    return "; ".join(out)


def _publication(t: StoredTrend) -> tuple[str, str]:
    """Whose estimates, and which versions: ("METR's published estimates", "METR-Horizon-v1.1 (2026-03-03)")."""
    publishers = list(dict.fromkeys(s.publisher for s in t.sources)) or ["the publisher"]
    versions = ", ".join(dict.fromkeys(s.title for s in t.sources))
    whose = " and ".join(f"{p}'s" for p in publishers)
    kind = "run-level results" if t.source_kind == "runs" else "published estimates"
    return f"{whose} {kind}", versions


def citation(t: StoredTrend) -> Citation:
    """The stored trend as a citation: the finding in plain words, then how horizon got it."""
    who = "AI agents" if t.points == "all" else "frontier AI agents"
    if t.doubling_days is None or not math.isfinite(t.doubling_days):
        # Never "doubled every unbounded days": a trend without a doubling time says why.
        claim = f"The {t.level}% time horizon of {who} has no doubling time" + (f" ({t.note})" if t.note else "")
    else:
        claim = (f"The {t.level}% time horizon of {who} doubled every {_days(t.doubling_days)} days"
                 f" ({int(round(t.ci_level * 100))}% confidence interval {_interval_words(t.ci_low, t.ci_high)})")
    models = "models" if t.points == "all" else "frontier models"
    whose, titles = _publication(t)
    claim += (f" between {t.first_release.isoformat()} and {t.last_release.isoformat()},"
              f" on {whose} for {t.n_models} {models}" + (f", version {titles}." if titles else "."))
    claim += "".join(f" Caveat: {w['text']}." for w in t.warnings if w["code"] == "fragile")
    claim += "".join(f" Retracted since: snapshot {s['snapshot_id']} no longer counts ({s['retraction_reason']})."
                     for s in t.snapshots if s.get("retraction_reason"))
    rule = ("every model in the window, frontier or not" if t.points == "all"
            else "frontier = at least as good as every agent released on or before it")
    provenance = (
        f"horizon {t.code_version}, trend fit {t.fit_id}: {t.n_models} {models} {_window_text(t)}, {rule};"
        f" interval: {t.interval_text or t.interval_method}; {_snapshots_text(t)}"
    )
    versions = [s.issued.isoformat() for s in t.sources if s.issued]
    publisher = t.sources[0].publisher if t.sources else "horizon"
    # The same finding from the same data has the same key, whichever fit computed it.
    data_id = max(versions) if versions else "-".join(s.sha256[:8] for s in t.sources) or f"fit-{t.fit_id}"
    key = stable_key(publisher, data_id, f"p{t.level}", "doubling",
                     "all" if t.points == "all" else "",
                     f"from-{t.window_from.isoformat()}" if t.window_from else "all-time",
                     f"to-{t.window_to.isoformat()}" if t.window_to else "")
    title = f"Doubling time of the {t.level}% time horizon of {who}"
    num = finite_or_none
    facts = {
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
        "window": {"from": t.window_from.isoformat() if t.window_from else None,
                   "to": t.window_to.isoformat() if t.window_to else None},
        "points": t.points,
        "ceiling_minutes": t.ceiling_minutes,
        "frontier_rule": t.frontier_rule,
        "n_models": t.n_models,
        "models": list(t.models),
        "source_kind": t.source_kind,
        "run_fit_id": t.source_fit_id,
        "snapshots": [{**s, "retrieved_at": s["retrieved_at"].isoformat()} for s in t.snapshots],
        "warnings": [dict(w) for w in t.warnings],
    }
    return Citation("trend", key, title, claim, provenance, t.sources, t.code_version, t.fit_id,
                    t.created_at.date(), facts)


def sentence(t: StoredTrend) -> str:
    """What a reader copies: the finding, then its provenance in brackets."""
    return cited_sentence(citation(t))
