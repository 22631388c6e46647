"""The scenario model's store layer: the trend it starts from, the indicator readings, and its
results (migration 0010). Thin: everything computed lives in the pure modules beside it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import duckdb

from horizon.errors import HorizonError, NotFoundError
from horizon.numbers import finite_or_none
from horizon.scenarios.bridge import HORIZON_LEVEL, LOGIT_80
from horizon.scenarios.dynamics import SCENARIOS
from horizon.scenarios.evidence import Evidence, Observation
from horizon.scenarios.run import ScenarioResult, TrendDraws
from horizon.store import insert_table, named_rows, scalar

KIND = "scenarios"
_ORDER = {s.name: i for i, s in enumerate(SCENARIOS)}


@dataclass(frozen=True)
class TrendInputs:
    """The fitted 80% trend and the success slopes the scenarios start from, with provenance."""

    trend: TrendDraws
    model_slopes: tuple[float, ...]    # b per doubling, one per frontier model with p50 and p80
    slope_models: tuple[str, ...]      # their model ids
    snapshot_id: int
    input_snapshots: tuple[int, ...]
    label: str | None                  # the published version (or the publisher's label) of the snapshot
    spec: dict                         # the TrendSpec the draws come from (recorded with the fit)
    doubling_days: float
    ci_low: float | None
    ci_high: float | None
    interval_method: str | None
    n_models: int


def trend_inputs(con: duckdb.DuckDBPyConnection, snapshot_id: int | None = None, seed: int = 0) -> TrendInputs:
    """The exponential 80% trend on a headline snapshot (default: the one every trend uses), via
    the trend package's own functions, with its bootstrap draws; and each frontier model's
    success slope b = ln 4 / log2(h80 / h50) from its published 50% and 80% horizons (the two
    points METR's fitted logistic curve passes through)."""
    from horizon.trend import store as tstore
    from horizon.trend.analysis import TrendSpec, analyse

    source = tstore.published_source(con, snapshot_id)
    snapshot_id = source.snapshot_id
    assert snapshot_id is not None  # a published source is one snapshot
    points = tstore.load_published_points(con, snapshot_id, HORIZON_LEVEL)
    spec = TrendSpec(level=HORIZON_LEVEL, forms=("exponential",), seed=seed)
    result = analyse(points, spec)
    exp = result.exponential
    if exp.fit is None or exp.draws is None:
        raise HorizonError(f"the {HORIZON_LEVEL}% trend has no fit to start the scenarios from")
    a, b = exp.fit.params[:2]
    draws = exp.draws.params
    fifty = {p.source_model: p for p in tstore.load_published_points(con, snapshot_id, 50)}
    slopes: list[float] = []
    models: list[str] = []
    for p in result.used:
        q = fifty.get(p.source_model)
        if q is None or p.estimate is None or q.estimate is None or not (0 < p.estimate < q.estimate):
            continue
        slopes.append(LOGIT_80 / math.log2(p.estimate / q.estimate))
        models.append(p.model_id)
    if not slopes:
        raise HorizonError(
            f"snapshot {source.snapshot_id}: no frontier model of the {HORIZON_LEVEL}% trend has a published 50% horizon"
            " longer than its 80% one: the success curve's slope cannot be read"
        )
    version = scalar(con, "SELECT max(published_version) FROM published_horizons WHERE snapshot_id = ?",
                     [source.snapshot_id])
    return TrendInputs(
        trend=TrendDraws(float(exp.fit.x_ref), float(a), float(b), draws[:, 0].copy(), draws[:, 1].copy()),
        model_slopes=tuple(slopes),
        slope_models=tuple(models),
        snapshot_id=snapshot_id,
        input_snapshots=source.input_snapshots,
        label=version or source.label,
        spec=spec.as_params(),
        doubling_days=float(exp.doubling_days) if exp.doubling_days is not None else math.inf,
        ci_low=exp.ci_low,
        ci_high=exp.ci_high,
        interval_method=exp.interval_method,
        n_models=len(result.used),
    )


# --- indicator readings in the store ----------------------------------------------------------

# The indicator tables are being built beside this package; until they land, this is the table
# and the columns the evidence reads (one row per reading, as horizon.scenarios.evidence.Observation).
INDICATOR_TABLE = "indicator_observations"
INDICATOR_COLUMNS = ("series", "label", "day", "value", "kind", "noise", "source", "baseline_from", "baseline_to", "note")


def observations_from_store(con: duckdb.DuckDBPyConnection) -> tuple[Observation, ...] | None:
    """The inside-the-lab readings in the store, or None when the store has no indicator table."""
    exists = scalar(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [INDICATOR_TABLE])
    if not exists:
        return None
    rows = con.execute(
        f"SELECT {', '.join(INDICATOR_COLUMNS)} FROM {INDICATOR_TABLE} ORDER BY series, day"
    ).fetchall()
    out = []
    for series, label, day, value, kind, noise, source, b_from, b_to, note in rows:
        baseline = (b_from, b_to) if b_from is not None and b_to is not None else None
        out.append(Observation(series, label, day, float(value), kind, float(noise), source, baseline, note or ""))
    return tuple(out)


# --- the stored tables' columns: written by save, read back by load, by these names -----------

RUN_COLUMNS = (
    "fit_id", "start_date", "snapshot_id", "trend_level", "doubling_days", "doubling_ci_low", "doubling_ci_high",
    "interval_method", "n_models", "h_start_minutes", "h_start_lo80", "h_start_hi80", "success_slope", "n_draws",
    "param_draws", "seed", "years", "evidence_source", "n_observations",
)
PARAMETER_COLUMNS = (
    "fit_id", "name", "value", "default_value", "range_low", "range_high", "scale", "unit", "label", "cite",
    "source", "overridden_from",
)
OUTCOME_COLUMNS = (
    "fit_id", "scenario", "title", "camp", "feedback", "equations", "common_equations", "m_start", "m_start_median",
    "m_start_lo80", "m_start_hi80", "f_start", "f_start_lo80", "f_start_hi80", "bound", "bound_median",
    "bound_lo80", "bound_hi80", "blowup_date", "blowup_median", "blowup_lo80", "blowup_hi80", "blowup_lo95",
    "blowup_hi95", "blowup_n_never",
)
BAND_COLUMNS = ("fit_id", "scenario", "day", "quantity", "central", "lo95", "lo80", "median", "hi80", "hi95")
CROSSING_COLUMNS = (
    "fit_id", "scenario", "kind", "target", "label", "value", "level", "status", "date_central", "date_median",
    "lo80", "hi80", "lo95", "hi95", "n_draws", "n_never", "bound_central", "bound_median", "bound_lo80", "bound_hi80",
)
EVIDENCE_COLUMNS = (
    "fit_id", "scenario", "series", "label", "day", "kind", "value", "noise", "baseline_from", "baseline_to",
    "source", "note", "band_central", "lo95", "lo80", "median", "hi80", "hi95", "status", "consistent",
)
SEPARATION_COLUMNS = ("fit_id", "series", "kind", "noise", "scenario_a", "scenario_b", "first_date", "from_date")


# --- writing ----------------------------------------------------------------------------------


def _insert(con, table: str, columns: tuple[str, ...], rows: list[list]) -> None:
    """Rows as lists in the order of ``columns``, turned into columns without a dict per row."""
    import pyarrow as pa

    insert_table(con, table, pa.table({name: [r[i] for r in rows] for i, name in enumerate(columns)}))


def save(con, fit_id: int, inputs: TrendInputs, result: ScenarioResult, evidence: Evidence | None,
         evidence_source: str | None, common_equations: tuple[str, ...]) -> None:
    """Write one scenarios fit's rows (inside the caller's transaction)."""
    opts = result.options
    _insert(con, "scenario_runs", RUN_COLUMNS, [[
        fit_id, result.start, inputs.snapshot_id, HORIZON_LEVEL, finite_or_none(inputs.doubling_days), finite_or_none(inputs.ci_low),
        finite_or_none(inputs.ci_high), inputs.interval_method, inputs.n_models, finite_or_none(result.h_start.central),
        finite_or_none(result.h_start.lo80), finite_or_none(result.h_start.hi80), finite_or_none(result.success_slope.central), result.n_draws,
        opts.param_draws, opts.seed, float(opts.years), evidence_source,
        0 if evidence is None else len({(r.observation.series, r.observation.day) for r in evidence.readings}),
    ]])
    params = result.parameters
    overridden = {}
    for name, _value, where in params.overrides:
        overridden[name] = where
    _insert(con, "scenario_parameters", PARAMETER_COLUMNS, [
        [fit_id, s.name, params.value(s.name), s.default, s.low, s.high, s.scale, s.unit, s.label, s.cite, s.source,
         overridden.get(s.name)] for s in params.specs])
    outcome_rows, band_rows, crossing_rows = [], [], []
    for o in result.outcomes:
        bl = o.blowup
        outcome_rows.append([
            fit_id, o.name, o.title, o.camp, o.feedback, json.dumps(list(o.equations), ensure_ascii=False),
            json.dumps(list(common_equations), ensure_ascii=False),
            o.start_multiplier.central, o.start_multiplier.median, o.start_multiplier.lo80, o.start_multiplier.hi80,
            o.start_share.central, o.start_share.lo80, o.start_share.hi80,
            o.bound.central, o.bound.median, o.bound.lo80, o.bound.hi80,
            None if bl is None else bl.central, None if bl is None else bl.median, None if bl is None else bl.lo80,
            None if bl is None else bl.hi80, None if bl is None else bl.lo95, None if bl is None else bl.hi95,
            None if bl is None else bl.n_never,
        ])
        for b in o.bands:
            v = b.values
            band_rows.append([fit_id, o.name, b.day, b.quantity, v.central, v.lo95, v.lo80, v.median, v.hi80, v.hi95])
        for c in o.crossings:
            w, bd = c.when, c.bound
            crossing_rows.append([
                fit_id, o.name, c.kind, c.target, c.label, c.value, c.level, c.status, w.central, w.median, w.lo80,
                w.hi80, w.lo95, w.hi95, w.n, w.n_never, None if bd is None else bd.central,
                None if bd is None else bd.median, None if bd is None else bd.lo80, None if bd is None else bd.hi80,
            ])
    _insert(con, "scenario_outcomes", OUTCOME_COLUMNS, outcome_rows)
    _insert(con, "scenario_bands", BAND_COLUMNS, band_rows)
    _insert(con, "scenario_crossings", CROSSING_COLUMNS, crossing_rows)
    if evidence is None:
        return
    _insert(con, "scenario_evidence", EVIDENCE_COLUMNS, [[
        fit_id, r.scenario, r.observation.series, r.observation.label, r.observation.day, r.observation.kind,
        r.observation.value, r.observation.noise,
        None if r.observation.baseline is None else r.observation.baseline[0],
        None if r.observation.baseline is None else r.observation.baseline[1],
        r.observation.source, r.observation.note or None, r.band.central, r.band.lo95, r.band.lo80, r.band.median,
        r.band.hi80, r.band.hi95, r.status, r.consistent,
    ] for r in evidence.readings])
    _insert(con, "scenario_bands", BAND_COLUMNS, [
        [fit_id, b.scenario, b.point.day, b.point.quantity, b.point.values.central, b.point.values.lo95,
         b.point.values.lo80, b.point.values.median, b.point.values.hi80, b.point.values.hi95] for b in evidence.bands])
    _insert(con, "scenario_separations", SEPARATION_COLUMNS, [
        [fit_id, s.series, s.kind, s.noise, s.scenario_a, s.scenario_b, s.first, s.from_day] for s in evidence.separations])


# --- reading stored results -------------------------------------------------------------------


def latest_fit_id(con) -> int | None:
    row = con.execute("SELECT max(fit_id) FROM scenario_runs").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _fit_rows(con, table: str, columns: tuple[str, ...], fit_id: int, order_by: str | None = None) -> list[dict]:
    """One fit's rows of ``table``: the columns save writes, by name, so a column a later
    migration adds is not read as one of them."""
    order = f" ORDER BY {order_by}" if order_by else ""
    return named_rows(con, f"SELECT {', '.join(columns)} FROM {table} WHERE fit_id = ?{order}", [fit_id])


@dataclass(frozen=True)
class StoredScenarios:
    """A stored scenarios fit, as the page, `horizon cite --scenario` and queries read it."""

    fit_id: int
    run: dict
    fit: dict                        # the fits row: created_at, code_version, params, seed
    snapshots: tuple[dict, ...]      # snapshot_id, origin, sha256, retrieved_at, label, published_version
    parameters: tuple[dict, ...]
    outcomes: tuple[dict, ...]
    crossings: tuple[dict, ...]
    evidence: tuple[dict, ...]
    separations: tuple[dict, ...]

    def outcome(self, scenario: str) -> dict:
        for o in self.outcomes:
            if o["scenario"] == scenario:
                return o
        names = ", ".join(o["scenario"] for o in self.outcomes)
        raise NotFoundError(f"scenarios fit {self.fit_id}: no scenario named {scenario!r}; expected one of {names}")

    def bands(self, con) -> list[dict]:
        return named_rows(con, "SELECT scenario, day, quantity, central, lo95, lo80, median, hi80, hi95 FROM scenario_bands"
                          " WHERE fit_id = ? ORDER BY scenario, quantity, day", [self.fit_id])


def load(con, fit_id: int | None = None) -> StoredScenarios:
    if fit_id is None:
        fit_id = latest_fit_id(con)
        if fit_id is None:
            raise NotFoundError("no scenarios fit in the store: run `horizon scenarios` (or `horizon update`) first")
    runs = _fit_rows(con, "scenario_runs", RUN_COLUMNS, fit_id)
    if not runs:
        raise NotFoundError(f"fit {fit_id}: no stored scenarios fit with that id (see `horizon query scenario_runs`)")
    fit = named_rows(con, "SELECT fit_id, kind, created_at, code_version, params, seed, input_snapshots FROM fits"
                          " WHERE fit_id = ?", [fit_id])[0]
    snap_ids = sorted(int(s) for s in json.loads(fit["input_snapshots"]))
    snapshots = named_rows(
        con,
        "SELECT snapshot_id, origin, sha256, retrieved_at, publisher_label,"
        " (SELECT max(p.published_version) FROM published_horizons p WHERE p.snapshot_id = s.snapshot_id)"
        " AS published_version FROM snapshots s WHERE snapshot_id IN (SELECT unnest(?::INTEGER[])) ORDER BY snapshot_id",
        [snap_ids],
    )
    return StoredScenarios(
        fit_id,
        runs[0],
        fit,
        tuple(snapshots),
        tuple(_fit_rows(con, "scenario_parameters", PARAMETER_COLUMNS, fit_id, "name")),
        tuple(sorted(_fit_rows(con, "scenario_outcomes", OUTCOME_COLUMNS, fit_id),
                     key=lambda r: _ORDER.get(r["scenario"], 99))),
        tuple(sorted(_fit_rows(con, "scenario_crossings", CROSSING_COLUMNS, fit_id),
                     key=lambda r: (_ORDER.get(r["scenario"], 99), r["kind"] != "multiplier", r["value"], r["level"] or 0))),
        tuple(_fit_rows(con, "scenario_evidence", EVIDENCE_COLUMNS, fit_id, "series, day, scenario")),
        tuple(_fit_rows(con, "scenario_separations", SEPARATION_COLUMNS, fit_id, "series, scenario_a, scenario_b")),
    )


def fitted_with(con, snapshot_id: int, params_json: str) -> int | None:
    """The newest scenarios fit on ``snapshot_id`` recorded with exactly these params (the text
    record_fit wrote), if any."""
    row = con.execute(
        "SELECT max(fit_id) FROM fits WHERE kind = ? AND params::VARCHAR = ?"
        " AND list_contains(input_snapshots::INTEGER[], ?)",
        [KIND, params_json, snapshot_id],
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])
