"""`horizon cite --scenario NAME`: a stored scenario as a citation (sentence, BibTeX, CSL-JSON, JSON).

Every number is read from the stored scenarios fit (never rerun here), so the citation matches
what `horizon scenarios`, the Scenarios page and the named queries show. Each sentence says it
is a scenario, not a prediction, and names the parameters the scenario's equations use.
"""

from __future__ import annotations

import json
import math

from horizon.citation import Citation, stable_key
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


def claim(stored: StoredScenarios, scenario: str) -> str:
    """The scenario's finding in plain words, labelled as a scenario."""
    o = stored.outcome(scenario)
    run = stored.run
    blowup = (f"; the 80% time horizon blows up (reaches infinity) on {_date(o['blowup_date'])}"
              f" ({_interval(o, 'blowup_lo80', 'blowup_hi80')})" if o["blowup_n_never"] is not None else "")
    return (
        f"Scenario, not a prediction: under the {o['title']} scenario of AI R&D automation"
        f" ({o['camp'][0].lower() + o['camp'][1:].rstrip('.')}), the research multiplier M (AI R&D output"
        f" relative to human-only work) is {_x(o['m_start'])} on {run['start_date'].isoformat()} and reaches"
        f" {_crossings_text(stored, scenario)}{blowup}, starting from the 80% time-horizon trend of"
        f" METR's published estimates, which doubles every {run['doubling_days']:.1f} days"
        f" (95% confidence interval {run['doubling_ci_low']:.1f} to {run['doubling_ci_high']:.1f} days)."
    )


def provenance(stored: StoredScenarios, scenario: str) -> str:
    o = stored.outcome(scenario)
    run = stored.run
    values = {p["name"]: p["value"] for p in stored.parameters}
    params = ", ".join(f"{name} {values[name]:g}" for name in scenario_named(scenario).parameters)
    draws = f"{run['n_draws']:,} draws" + (" with parameters drawn over their ranges" if run["param_draws"] else "")
    snaps = "; ".join(
        f"{s.get('published_version') or s['publisher_label'] or s['origin']} retrieved"
        f" {s['retrieved_at'].date().isoformat()}, sha256 {s['sha256'][:12]}" for s in stored.snapshots)
    return (
        f"horizon {stored.fit['code_version']}, scenarios fit {stored.fit_id}: METR's success curve over lognormal"
        f" AI R&D task lengths, Amdahl's law{' and research feedback' if o['feedback'] else ''}; {params};"
        f" trend interval {run['interval_method']}; {draws}, seed {run['seed']}; {snaps}"
    )


def citation(con, scenario: str, fit_id: int | None = None) -> Citation:
    """One scenario of a stored scenarios fit (default: the newest) as a citation."""
    from horizon.provenance import cited_sources
    from horizon.scenarios.dynamics import scenario as check
    from horizon.scenarios.store import load

    check(scenario)   # an unknown name is one line listing the known ones
    stored = load(con, fit_id)
    o = stored.outcome(scenario)
    sources = cited_sources(con, [s["snapshot_id"] for s in stored.snapshots])
    title = f"{o['title'][0].upper() + o['title'][1:]} scenario of AI R&D automation from the 80% time-horizon trend"
    versions = [s.issued.isoformat() for s in sources if s.issued]
    data_id = max(versions) if versions else "-".join(s.sha256[:8] for s in sources) or f"fit-{stored.fit_id}"
    key = stable_key("horizon", "scenario", scenario, data_id)
    return Citation("scenario", key, title, claim(stored, scenario), provenance(stored, scenario), sources,
                    stored.fit["code_version"], stored.fit_id, stored.fit["created_at"].date(),
                    facts(stored, scenario))


def facts(stored: StoredScenarios, scenario: str) -> dict:
    """The numbers behind a scenario's citation, for JSON."""
    o = stored.outcome(scenario)
    return {
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
    }
