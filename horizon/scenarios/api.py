"""The scenario library surface: run the model on what is in the store, record it as a fit, and
describe it. Used by `horizon scenarios`, `horizon update` and `horizon cite --scenario`:

    prepare(con, config, parameters, options, snapshot_id, evidence) -> Prepared
    run_prepared(con, config, prepared) -> ScenarioRun
    scenarios_document(run) -> dict         (the --json document)
    update_stage(con, config) -> dict       (the scenarios stage of `horizon update`)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import duckdb

from horizon.config import Config
from horizon.provenance import record_fit
from horizon.scenarios import store as sstore
from horizon.scenarios.dynamics import COMMON_EQUATIONS, FEEDBACK_EQUATION
from horizon.scenarios.evidence import Evidence, Observation, assess
from horizon.scenarios.params import ParameterSet
from horizon.scenarios.run import (
    MULTIPLIER_LEVELS,
    DateSummary,
    ScenarioOptions,
    ScenarioResult,
    Summary,
    Target,
    run_scenarios,
)
from horizon.store import transaction
from horizon.trend.rules import day_number

PARAMETER_FILE = "scenarios.toml"
LABEL = "scenarios, not predictions"


@dataclass(frozen=True)
class EvidenceInput:
    """Indicator readings and where they came from (recorded with the fit)."""

    observations: tuple[Observation, ...]
    source: str                      # "store", or "files: <directory>"
    files: tuple[dict, ...] = ()     # file and sha256 of each published file read


@dataclass(frozen=True)
class Prepared:
    inputs: sstore.TrendInputs
    parameters: ParameterSet
    options: ScenarioOptions
    targets: tuple[Target, ...]
    evidence: EvidenceInput | None
    params: dict                     # what the fit records

    @property
    def params_json(self) -> str:
        # The same text record_fit writes, so a stored fit can be recognised.
        return json.dumps(self.params, sort_keys=True, default=str)


@dataclass(frozen=True)
class ScenarioRun:
    fit_id: int
    prepared: Prepared
    result: ScenarioResult
    evidence: Evidence | None


def display_path(path: str | Path, config: Config) -> str:
    """data/... for files in the project's data directory (the same on every clone), else as given."""
    path = Path(path)
    try:
        return f"data/{path.resolve().relative_to(Path(config.data_dir).resolve()).as_posix()}"
    except ValueError:
        return str(path)


def evidence_from_store(con: duckdb.DuckDBPyConnection) -> EvidenceInput | None:
    found = sstore.observations_from_store(con)
    return None if found is None else EvidenceInput(found, "store")


def evidence_from_files(directory: str | Path) -> EvidenceInput:
    from horizon.scenarios.files import load_published_indicators

    observations, files = load_published_indicators(directory)
    return EvidenceInput(tuple(observations), f"files: {directory}", tuple(files))


def prepare(con, config: Config, parameters: ParameterSet, options: ScenarioOptions | None = None,
            snapshot_id: int | None = None, evidence: EvidenceInput | None = None) -> Prepared:
    from horizon.trend.thresholds import load_thresholds

    options = options or ScenarioOptions()

    inputs = sstore.trend_inputs(con, snapshot_id, options.seed)
    targets = tuple(Target(t.name, t.label, t.hours, t.level) for t in load_thresholds(config.data_dir / "thresholds.toml"))
    params = {
        "label": LABEL,
        "parameters": parameters.as_params(),
        "options": options.as_params(),
        "trend": {"snapshot_id": inputs.snapshot_id, "spec": inputs.spec, "form": "exponential"},
        "success_slopes": {"models": list(inputs.slope_models), "values": [round(b, 12) for b in inputs.model_slopes],
                           "rule": "b = ln 4 / log2(h80 / h50) of each frontier model of the 80% trend"},
        "thresholds": [t.name for t in targets],
        "multiplier_levels": list(MULTIPLIER_LEVELS),
        "evidence": None if evidence is None else {
            "source": evidence.source, "files": list(evidence.files), "n_observations": len(evidence.observations)},
    }
    return Prepared(inputs, parameters, options, targets, evidence, params)


def run_prepared(con, config: Config, prepared: Prepared) -> ScenarioRun:
    ev_in = prepared.evidence
    extra = [day_number(o.earliest_day()) for o in ev_in.observations] if ev_in else []
    inputs = prepared.inputs
    result = run_scenarios(inputs.trend, inputs.model_slopes, prepared.parameters, prepared.targets, prepared.options,
                           extra_days=extra)
    evidence = assess(result, ev_in.observations) if ev_in and ev_in.observations else None
    with transaction(con):
        fit_id = record_fit(con, sstore.KIND, prepared.params, list(inputs.input_snapshots), config.now,
                            seed=prepared.options.seed)
        sstore.save(con, fit_id, inputs, result, evidence, None if ev_in is None else ev_in.source, COMMON_EQUATIONS)
    return ScenarioRun(fit_id, prepared, result, evidence)


def update_stage(con, config: Config) -> dict:
    """Scenarios with the parameters in data/scenarios.toml on the headline trend, unless a fit
    with exactly these inputs and parameters is already stored (so a changed parameter refits)."""
    from horizon.scenarios.files import load_parameters
    from horizon.trend.stored import latest_headline_snapshot

    path = Path(config.data_dir) / PARAMETER_FILE
    if not path.exists():
        return {"status": "skipped", "reason": f"no {display_path(path, config)}"}
    headline = latest_headline_snapshot(con)
    if headline is None:
        return {"status": "skipped", "reason": "no published METR-Horizon-v1.1 headline in the store"}
    parameters = load_parameters(path, origin=display_path(path, config))
    prepared = prepare(con, config, parameters, ScenarioOptions(), headline, evidence_from_store(con))
    done = sstore.fitted_with(con, headline, prepared.params_json)
    if done is not None:
        return {"status": "unchanged", "fit_id": done}
    run = run_prepared(con, config, prepared)
    return {"status": "fitted", "fit_id": run.fit_id, "start": run.result.start.isoformat(),
            "evidence": None if prepared.evidence is None else prepared.evidence.source}


# --- the JSON document ----------------------------------------------------------------------------


def _n(v, digits=6):
    if v is None:
        return None
    v = float(v)
    return round(v, digits) if math.isfinite(v) else None


def _summary(s: Summary | None, digits=6) -> dict | None:
    if s is None:
        return None
    return {k: _n(getattr(s, k), digits) for k in ("central", "lo95", "lo80", "median", "hi80", "hi95")}


def _dates(d: DateSummary | None) -> dict | None:
    if d is None:
        return None
    out = {k: (None if getattr(d, k) is None else getattr(d, k).isoformat())
           for k in ("central", "lo95", "lo80", "median", "hi80", "hi95")}
    return out | {"draws": d.n, "draws_never": d.n_never}


def scenarios_document(run: ScenarioRun) -> dict:
    r = run.result
    p = run.prepared
    inputs = p.inputs
    ev = run.evidence
    return {
        "fit_id": run.fit_id,
        "label": LABEL,
        "start": r.start.isoformat(),
        "trend": {
            "level": 80, "snapshot_id": inputs.snapshot_id, "label": inputs.label, "n_models": inputs.n_models,
            "doubling_days": _n(inputs.doubling_days), "ci_low": _n(inputs.ci_low), "ci_high": _n(inputs.ci_high),
            "interval_method": inputs.interval_method, "h_start_minutes": _summary(r.h_start),
        },
        "success_slope": _summary(r.success_slope),
        "model_slopes": [{"model_id": m, "slope": _n(b)} for m, b in zip(inputs.slope_models, inputs.model_slopes)],
        "draws": {"n": r.n_draws, "trend_draws_not_growing": r.n_trend_draws_dropped, **p.options.as_params()},
        "parameters": [
            {"name": s.name, "value": p.parameters.value(s.name), "default": s.default, "range": [s.low, s.high],
             "scale": s.scale, "unit": s.unit, "label": s.label, "cite": s.cite, "source": s.source,
             "overridden_from": next((w for n, _, w in reversed(p.parameters.overrides) if n == s.name), None)}
            for s in p.parameters.specs
        ],
        "parameter_file": p.parameters.origin,
        "equations": {"common": list(COMMON_EQUATIONS), "feedback": FEEDBACK_EQUATION},
        "scenarios": [
            {
                "name": o.name, "title": o.title, "camp": o.camp, "feedback": o.feedback, "equations": list(o.equations),
                "start_multiplier": _summary(o.start_multiplier), "start_share": _summary(o.start_share),
                "bound": _summary(o.bound), "blowup": _dates(o.blowup),
                "crossings": [
                    {"kind": c.kind, "target": c.target, "label": c.label, "value": c.value, "level": c.level,
                     "status": c.status, "date": _dates(c.when), "bound": _summary(c.bound)}
                    for c in o.crossings
                ],
            }
            for o in r.outcomes
        ],
        "bands": "stored: horizon query scenario_bands",
        "evidence": None if ev is None or p.evidence is None else {   # evidence is assessed only from an input
            "source": p.evidence.source,
            "readings": [
                {"scenario": x.scenario, "series": x.observation.series, "date": x.observation.day.isoformat(),
                 "kind": x.observation.kind, "value": x.observation.value, "noise": _n(x.observation.noise),
                 "band": _summary(x.band), "status": x.status, "consistent": x.consistent}
                for x in ev.readings
            ],
            "separations": [
                {"series": s.series, "scenario_a": s.scenario_a, "scenario_b": s.scenario_b, "noise": _n(s.noise),
                 "first_date": None if s.first is None else s.first.isoformat(), "from": s.from_day.isoformat()}
                for s in ev.separations
            ],
        },
    }
