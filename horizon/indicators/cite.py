"""`horizon cite --indicator SERIES`: a stored indicator value as a citation (sentence, BibTeX, CSL-JSON, JSON).

Reads the stored evaluation (indicator_trends) and the series' current rows; fits nothing, so
the sentence matches what `horizon indicators`, `horizon ladder` and the report show.
"""

from __future__ import annotations

import json
from dataclasses import replace

from horizon.citation import Citation, stable_key
from horizon.indicators.present import fmt_value
from horizon.indicators.store import stored_trend


def citation(con, key: str, fit_id: int | None = None) -> Citation:
    """One indicator or ladder benchmark as a citation, from the stored evaluation."""
    from horizon.provenance import cited_sources

    row = stored_trend(con, key, fit_id)
    unit = "fraction" if row["kind"] == "score" and (row["saturation"] or 0) <= 1 else row["unit"]
    if row["kind"] == "horizon":
        unit = "minutes"
    snapshot_ids = json.loads(row["snapshots"])
    # The series is the publication a reader looks up (our embedded file only carries it).
    sources = tuple(replace(s, title=row["title"]) for s in cited_sources(
        con, snapshot_ids, {int(s): row["source_url"] for s in snapshot_ids if row["source_url"]}))
    if row["rung"] is not None:
        value, entity, day = row["best_value"], row["best_entity"], row["best_date"]
        what = f"The best {row['title']} result on rung {row['rung']} of the AI R&D benchmark ladder"
    else:
        value, entity, day = row["latest_value"], row["latest_entity"], row["latest_date"]
        what = row["title"]
    publishers = " and ".join(dict.fromkeys(s.publisher for s in sources)) or "its publisher"
    if value is None:
        claim = f"{what} has no dated value in the store."
    else:
        claim = f"{what} was {fmt_value(value, unit)} ({entity}, {day.isoformat()}), as published by {publishers}"
        if row["previous_value"] is not None and row["rung"] is None:
            claim += f", from {fmt_value(row['previous_value'], unit)} in the reading before"
        claim += "."
    if row["target_date"] is not None:
        interval = f"95% confidence interval {row['target_low'] or 'open'} to {row['target_high'] or 'open'}"
        claim += (f" Its fitted trend reaches {fmt_value(row['target_value'], unit)} ({row['target_label']}) on"
                  f" {row['target_date'].isoformat()} ({interval}"
                  + ("; an extrapolation beyond the data)." if row["extrapolation"] else ")."))
    if row["caveat"]:
        claim += f" Caveat: {row['caveat'].rstrip('.')}."
    snaps = "; ".join(f"snapshot {sid} retrieved {s.accessed.isoformat()}, sha256 {s.sha256[:12]}"
                      for sid, s in zip(sorted(int(i) for i in snapshot_ids), sources))
    provenance = f"horizon {row['code_version']}, indicators fit {row['fit_id']}: {row['status_text']}; {snaps}"
    def iso(v):
        return (v.isoformat() if hasattr(v, "isoformat") else v)
    facts = {
        "indicator": row["key"], "rung": row["rung"], "unit": unit, "value": value, "entity": entity,
        "date": iso(day), "status": row["status"], "status_text": row["status_text"], "caveat": row["caveat"],
        "source_url": row["source_url"],
        "target": {"value": row["target_value"], "label": row["target_label"], "date": iso(row["target_date"]),
                   "low": iso(row["target_low"]), "high": iso(row["target_high"]),
                   "extrapolation": row["extrapolation"]},
    }
    key_date = day.isoformat() if day is not None else f"fit-{row['fit_id']}"
    return Citation("indicator", stable_key(row["key"], key_date), row["title"], claim, provenance,
                    sources, row["code_version"], row["fit_id"], row["created_at"].date(), facts)
