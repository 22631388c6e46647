"""`horizon cite --indicator SERIES`: a stored indicator value as one sentence, BibTeX or JSON.

Reads the stored evaluation (indicator_trends) and the series' current rows; fits nothing, so
the sentence matches what `horizon indicators`, `horizon ladder` and the report show.
"""

from __future__ import annotations

import json
from typing import Any

from horizon.indicators.present import fmt_value
from horizon.indicators.store import stored_trend


def _snapshots(con, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    cur = con.execute(
        "SELECT snapshot_id, origin, sha256, retrieved_at, publisher_label FROM snapshots WHERE list_contains(?, snapshot_id)"
        " ORDER BY snapshot_id", [ids])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def citation(con, key: str, fit_id: int | None = None) -> dict[str, Any]:
    """Everything a citation of one indicator or ladder benchmark needs, from the store."""
    row = stored_trend(con, key, fit_id)
    unit = "fraction" if row["kind"] == "score" and (row["saturation"] or 0) <= 1 else row["unit"]
    if row["kind"] == "horizon":
        unit = "minutes"
    return {"row": row, "unit": unit, "snapshots": _snapshots(con, json.loads(row["snapshots"]))}


def sentence(doc: dict[str, Any], full_hash: bool = False) -> str:
    row, unit = doc["row"], doc["unit"]
    if row["rung"] is not None:
        value, entity, day = row["best_value"], row["best_entity"], row["best_date"]
        what = f"The best {row['title']} result on the ladder's rung {row['rung']}"
    else:
        value, entity, day = row["latest_value"], row["latest_entity"], row["latest_date"]
        what = row["title"]
    if value is None:
        claim = f"{what} has no dated value in the store"
    else:
        claim = f"{what} was {fmt_value(value, unit)} ({entity}, {day.isoformat()})"
        if row["previous_value"] is not None and row["rung"] is None:
            claim += f", from {fmt_value(row['previous_value'], unit)} before"
    parts = [claim, row["status_text"]]
    if row["target_date"] is not None:
        interval = f"95% CI {row['target_low'] or 'open'} to {row['target_high'] or 'open'}"
        parts.append(f"the fitted trend reaches {fmt_value(row['target_value'], unit)} ({row['target_label']}) on"
                     f" {row['target_date'].isoformat()} ({interval}"
                     + (", an extrapolation beyond the data)" if row["extrapolation"] else ")"))
    if row["caveat"]:
        parts.append(f"caveat: {row['caveat']}")
    snaps = "; ".join(
        f"{s['publisher_label'] or s['origin']} as retrieved on {s['retrieved_at'].date().isoformat()},"
        f" sha256 {s['sha256'] if full_hash else s['sha256'][:12]}" for s in doc["snapshots"])
    return (f"{'; '.join(parts)} (source: {row['source_url']}; {snaps}; horizon {row['code_version']},"
            f" indicators fit {row['fit_id']}).")


def bibtex(doc: dict[str, Any]) -> str:
    row = doc["row"]
    note = sentence(doc, full_hash=True).replace("%", r"\%")
    return (
        f"@misc{{horizon_indicator_{row['key']}_{row['fit_id']},\n"
        f"  title = {{{row['title'].replace('%', chr(92) + '%')}}},\n"
        f"  author = {{{{horizon {row['code_version']}}}}},\n"
        f"  year = {{{row['created_at'].year}}},\n"
        f"  howpublished = {{horizon indicators fit {row['fit_id']}; source: {row['source_url']}}},\n"
        f"  note = {{{note}}}\n"
        f"}}"
    )


def citation_document(doc: dict[str, Any]) -> dict[str, Any]:
    row = doc["row"]

    def iso(v):
        return v.isoformat() if hasattr(v, "isoformat") else v

    return {
        "sentence": sentence(doc), "sentence_full_hash": sentence(doc, full_hash=True), "bibtex": bibtex(doc),
        "indicator": row["key"], "rung": row["rung"], "title": row["title"], "unit": doc["unit"],
        "value": row["best_value"] if row["rung"] is not None else row["latest_value"],
        "entity": row["best_entity"] if row["rung"] is not None else row["latest_entity"],
        "date": iso(row["best_date"] if row["rung"] is not None else row["latest_date"]),
        "status": row["status"], "status_text": row["status_text"], "caveat": row["caveat"],
        "source_url": row["source_url"], "target": {"value": row["target_value"], "label": row["target_label"],
                                                    "date": iso(row["target_date"]), "low": iso(row["target_low"]),
                                                    "high": iso(row["target_high"]), "extrapolation": row["extrapolation"]},
        "fit_id": row["fit_id"], "horizon_version": row["code_version"],
        "snapshots": [{**s, "retrieved_at": s["retrieved_at"].isoformat()} for s in doc["snapshots"]],
    }
