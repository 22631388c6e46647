"""`horizon cite --scenario NAME`: one copy-exact sentence (and BibTeX / JSON) for a stored scenario.

Every number is read from the stored scenarios fit (never rerun here), so the citation matches
what `horizon scenarios`, the Scenarios page and the named queries show. Each sentence says it
is a scenario, not a prediction, and names the parameters the scenario's equations use.
"""

from __future__ import annotations

import json
import math

from horizon.scenarios.dynamics import scenario as scenario_named
from horizon.scenarios.store import StoredScenarios


def _date(v) -> str:
    return "never" if v is None else v.isoformat()


def _x(v) -> str:
    return "unbounded" if v is None or not math.isfinite(v) else f"{v:.3g}x"


def _interval(row: dict, lo: str = "lo80", hi: str = "hi80") -> str:
    return f"80% interval {_date(row[lo])} to {_date(row[hi])}"


def _crossings_text(stored: StoredScenarios, scenario: str) -> str:
    parts = []
    for c in stored.crossings:
        if c["scenario"] != scenario or c["kind"] != "multiplier":
            continue
        if c["status"] == "crosses":
            parts.append(f"{c['target']} on {_date(c['date_central'])} ({_interval(c)})")
        else:
            parts.append(f"never {c['target']} (it approaches {_x(c['bound_central'])},"
                         f" 80% interval {_x(c['bound_lo80'])} to {_x(c['bound_hi80'])})")
            break   # higher levels are never reached either
    return "; ".join(parts)


def _source_text(stored: StoredScenarios, full_hash: bool) -> str:
    out = []
    for s in stored.snapshots:
        digest = s["sha256"] if full_hash else s["sha256"][:12]
        label = s.get("published_version") or s["publisher_label"] or s["origin"]
        out.append(f"{label} as retrieved on {s['retrieved_at'].date().isoformat()}, sha256 {digest}")
    return "; ".join(out)


def sentence(stored: StoredScenarios, scenario: str, full_hash: bool = False) -> str:
    o = stored.outcome(scenario)
    run = stored.run
    values = {p["name"]: p["value"] for p in stored.parameters}
    params = ", ".join(f"{name} {values[name]:g}" for name in scenario_named(scenario).parameters)
    blowup = (f"; the 80% time horizon blows up (reaches infinity) on {_date(o['blowup_date'])}"
              f" ({_interval(o, 'blowup_lo80', 'blowup_hi80')})" if o["blowup_n_never"] is not None else "")
    draws = f"{run['n_draws']:,} draws" + (" with parameters drawn over their ranges" if run["param_draws"] else "")
    return (
        f"Scenario, not a prediction: under the {o['title']} scenario of AI R&D automation ({o['camp'][0].lower() + o['camp'][1:].rstrip('.')}),"
        f" the research multiplier M (AI R&D output relative to human-only work) is {_x(o['m_start'])} on"
        f" {run['start_date'].isoformat()} and reaches {_crossings_text(stored, scenario)}{blowup}"
        f" (horizon's scenario model: METR's success curve over lognormal AI R&D task lengths, Amdahl's law"
        f"{' and research feedback' if o['feedback'] else ''}; {params}; started from the 80% time-horizon trend"
        f" doubling every {run['doubling_days']:.1f} days, 95% CI {run['doubling_ci_low']:.1f} to"
        f" {run['doubling_ci_high']:.1f} days, {run['interval_method']}; {_source_text(stored, full_hash)};"
        f" {draws}, seed {run['seed']}; horizon {stored.fit['code_version']}, scenarios fit {stored.fit_id})."
    )


def bibtex(stored: StoredScenarios, scenario: str) -> str:
    o = stored.outcome(scenario)
    note = sentence(stored, scenario, full_hash=True).replace("%", r"\%")
    urls = ", ".join(s["origin"] for s in stored.snapshots)
    return (
        f"@misc{{horizon_scenario_{stored.fit_id}_{scenario},\n"
        f"  title = {{{o['title'][0].upper() + o['title'][1:]} scenario of AI R\\&D automation from the 80\\% time-horizon trend}},\n"
        f"  author = {{{{horizon {stored.fit['code_version']}}}}},\n"
        f"  year = {{{stored.fit['created_at'].year}}},\n"
        f"  howpublished = {{horizon scenarios fit {stored.fit_id}; data: {urls}}},\n"
        f"  note = {{{note}}}\n"
        f"}}"
    )


def citation_document(stored: StoredScenarios, scenario: str) -> dict:
    o = stored.outcome(scenario)
    return {
        "sentence": sentence(stored, scenario),
        "sentence_full_hash": sentence(stored, scenario, full_hash=True),
        "bibtex": bibtex(stored, scenario),
        "fit_id": stored.fit_id,
        "scenario": scenario,
        "label": "scenario, not a prediction",
        "start_date": stored.run["start_date"].isoformat(),
        "equations": json.loads(o["common_equations"]) + json.loads(o["equations"]),
        "parameters": {p["name"]: p["value"] for p in stored.parameters if p["name"] in scenario_named(scenario).parameters},
        "crossings": [
            {"target": c["target"], "kind": c["kind"], "status": c["status"],
             "date": _date(c["date_central"]) if c["date_central"] else None,
             "lo80": c["lo80"].isoformat() if c["lo80"] else None, "hi80": c["hi80"].isoformat() if c["hi80"] else None}
            for c in stored.crossings if c["scenario"] == scenario
        ],
        "blowup": None if o["blowup_n_never"] is None else {
            "date": _date(o["blowup_date"]) if o["blowup_date"] else None,
            "lo80": o["blowup_lo80"].isoformat() if o["blowup_lo80"] else None,
            "hi80": o["blowup_hi80"].isoformat() if o["blowup_hi80"] else None},
        "snapshots": [{**s, "retrieved_at": s["retrieved_at"].isoformat()} for s in stored.snapshots],
        "horizon_version": stored.fit["code_version"],
        "created_at": stored.fit["created_at"].isoformat(),
    }


def cite(con, scenario: str, fit_id: int | None, fmt: str) -> tuple[str | None, dict | None]:
    """What `horizon cite --scenario` prints: (text, None) or (None, the JSON document)."""
    from horizon.scenarios.dynamics import scenario as check
    from horizon.scenarios.store import load

    check(scenario)   # an unknown name is one line listing the known ones
    stored = load(con, fit_id)
    if fmt == "json":
        return None, citation_document(stored, scenario)
    return (bibtex(stored, scenario) if fmt == "bibtex" else sentence(stored, scenario)), None
