"""Reading runs from the store and writing run-level fits to it (and back), by named columns.

Tables: ``runs`` (read), ``fit_horizons`` (one row per fit, agent and level) and
``fit_replicates`` (one row per fit, agent, level and bootstrap replicate), both hanging from a
``fits`` row (``horizon.provenance``).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from horizon.errors import NotFoundError
from horizon.fit.results import KIND, METR_KIND, AgentHorizons, FitOptions, LevelHorizon, RunHorizons
from horizon.numbers import finite_or_none
from horizon.store import insert_table

RUN_COLUMNS = (
    "task_id", "task_family", "source_model", "model_id", "human_minutes", "score_binarized",
    "source_weight_invsqrt", "source_weight_equal",
)
HORIZON_SCHEMA = {
    "fit_id": pl.Int32, "source_model": pl.String, "model_id": pl.String, "release_date": pl.Date,
    "release_date_missing": pl.Boolean, "level": pl.Int32, "estimate": pl.Float64,
    "ci_low": pl.Float64, "ci_high": pl.Float64, "beta0": pl.Float64, "beta1": pl.Float64,
    "average_score": pl.Float64, "n_runs": pl.Int32, "n_tasks": pl.Int32, "n_replicates": pl.Int32,
    "n_nonfinite_replicates": pl.Int32, "status": pl.String, "reason": pl.String,
    "source_weight_max_abs_diff": pl.Float64,
}
REPLICATE_COLUMNS = ("fit_id", "source_model", "level", "replicate", "horizon_minutes")


def _first(cursor):
    """The first row of a query or None, reading the result to its end (DuckDB refuses new work
    on a connection with an unfinished result)."""
    rows = cursor.fetchall()
    return rows[0] if rows else None


# --- reading runs --------------------------------------------------------------------------------


def latest_runs_snapshot(con) -> int:
    """The newest snapshot (by retrieval time, then id) that has runs and is not retracted."""
    row = con.execute(
        "SELECT r.snapshot_id FROM (SELECT DISTINCT snapshot_id FROM active_runs) r"
        " LEFT JOIN snapshots s USING (snapshot_id)"
        " ORDER BY s.retrieved_at DESC NULLS LAST, r.snapshot_id DESC LIMIT 1"
    ).fetchall()
    if not row:
        raise NotFoundError(
            "no runs in the store: ingest a run-level file first, e.g. `horizon ingest all_runs.jsonl`"
        )
    return int(row[0][0])


def canonical_run_fit_id(con) -> int | None:
    """The run-level fit `horizon update` makes and the site shows: METR's defaults on the newest
    runs snapshot, not retracted since. A fit with other options (fewer replicates, another
    seed, --compat metr) is exploratory and never takes its place. None when there is none."""
    from horizon.fit.results import DEFAULT_OPTIONS

    try:
        snapshot_id = latest_runs_snapshot(con)
    except NotFoundError:
        return None
    wanted = json.loads(json.dumps(DEFAULT_OPTIONS.params(), sort_keys=True, default=str))
    rows = con.execute(
        "SELECT fit_id, params FROM fits WHERE kind = ? AND seed IS NOT DISTINCT FROM ?"
        " AND list_contains(input_snapshots::INTEGER[], ?) AND fit_id NOT IN (SELECT fit_id FROM retracted_fits)"
        " ORDER BY fit_id DESC",
        [DEFAULT_OPTIONS.kind, DEFAULT_OPTIONS.seed, snapshot_id],
    ).fetchall()
    return next((int(fit_id) for fit_id, params in rows if json.loads(params) == wanted), None)


def read_runs(con, snapshot_id: int) -> pl.DataFrame:
    """The runs of a snapshot in the order the file gave them (ingest inserts them in file
    order and DuckDB's rowid keeps it): METR's bootstrap draws depend on that order."""
    frame = con.sql(
        # From the table, not the active_runs view: a view has no rowid. Retracted: no rows.
        f"SELECT {', '.join(RUN_COLUMNS)} FROM runs WHERE snapshot_id = ?"
        " AND snapshot_id NOT IN (SELECT snapshot_id FROM snapshot_retractions) ORDER BY rowid",
        params=[snapshot_id],
    ).pl()
    if frame.height == 0:
        raise NotFoundError(f"snapshot {snapshot_id}: has no runs, or was retracted (see `horizon snapshots list`)")
    return frame


def release_dates_from_store(con) -> dict[str, date]:
    """Release dates by source_model and by model_id: the release_dates table (newest snapshot
    wins), then models.release_date for model ids it does not cover."""
    dates: dict[str, date] = {}
    for model_id, day in con.execute(
        "SELECT model_id, release_date FROM models WHERE release_date IS NOT NULL ORDER BY model_id"
    ).fetchall():
        dates[model_id] = day
    for source_model, model_id, day in con.execute(
        "SELECT source_model, model_id, release_date FROM active_release_dates ORDER BY snapshot_id, source_model"
    ).fetchall():
        dates[source_model] = day
        dates[model_id] = day
    return dates


def snapshot_info(con, snapshot_id: int) -> dict[str, Any]:
    """The snapshot as `horizon fit --json` shows it."""
    row = _first(con.execute(
        "SELECT snapshot_id, origin, sha256, retrieved_at, publisher_label FROM snapshots WHERE snapshot_id = ?",
        [snapshot_id],
    ))
    if row is None:
        return {"snapshot_id": snapshot_id}
    snapshot, origin, sha256, retrieved_at, label = row
    return {
        "snapshot_id": snapshot,
        "origin": origin,
        "sha256": sha256,
        "retrieved_at": retrieved_at.isoformat() if retrieved_at else None,
        "publisher_label": label,
    }


def snapshot_format(con, snapshot_id: int) -> str | None:
    """The parser that read the snapshot (``snapshots.source_kind``), e.g. metr_runs_jsonl."""
    row = _first(con.execute("SELECT source_kind FROM snapshots WHERE snapshot_id = ?", [snapshot_id]))
    return None if row is None else row[0]


# --- writing fits --------------------------------------------------------------------------------


def write_fit(con, fit_id: int, result: RunHorizons) -> None:
    """Write ``fit_horizons`` and ``fit_replicates`` rows. Call inside the caller's transaction."""
    rows = []
    for a in result.agents:
        for h in a.horizons:
            rows.append({
                "fit_id": fit_id, "source_model": a.source_model, "model_id": a.model_id,
                "release_date": a.release_date, "release_date_missing": a.release_date_missing,
                "level": h.level, "estimate": h.estimate, "ci_low": h.ci_low, "ci_high": h.ci_high,
                "beta0": finite_or_none(a.beta0), "beta1": finite_or_none(a.beta1),
                "average_score": finite_or_none(a.average_score),
                "n_runs": a.n_runs, "n_tasks": a.n_tasks, "n_replicates": a.n_replicates,
                "n_nonfinite_replicates": h.n_nonfinite_replicates, "status": h.status, "reason": h.reason,
                "source_weight_max_abs_diff": finite_or_none(a.source_weight_max_abs_diff),
            })
    insert_table(con, "fit_horizons", pl.DataFrame(rows, schema=HORIZON_SCHEMA))

    n_rep, n_agents, n_levels = result.replicates.shape
    if n_rep:
        # replicate varies fastest, then level, then agent: the layout of a C-order
        # (agents, levels, replicates) array
        values = np.ascontiguousarray(result.replicates.transpose(1, 2, 0)).ravel()
        names = [a.source_model for a in result.agents]
        levels = np.asarray(result.options.levels, dtype=np.int32)
        replicates = pl.DataFrame({
            "fit_id": np.full(values.size, fit_id, dtype=np.int32),
            "source_model": pl.Series(np.repeat(np.arange(n_agents), n_levels * n_rep)).replace_strict(
                dict(enumerate(names)), return_dtype=pl.String),
            "level": np.tile(np.repeat(levels, n_rep), n_agents),
            "replicate": np.tile(np.arange(n_rep, dtype=np.int32), n_agents * n_levels),
            "horizon_minutes": pl.Series(values).fill_nan(None),
        }).select(REPLICATE_COLUMNS)
        insert_table(con, "fit_replicates", replicates)


# --- reading fits back ---------------------------------------------------------------------------


def read_fit(con, fit_id: int) -> RunHorizons:
    """A stored run-level fit as the ``RunHorizons`` it was written from.

    What is not stored comes back empty: ``weight_check``, ``warnings`` and ``snapshot`` (the
    library surface, ``horizon.fit.api``, rebuilds them from the runs).
    """
    row = _first(con.execute("SELECT kind, params, seed FROM fits WHERE fit_id = ?", [fit_id]))
    if row is None or row[0] not in (KIND, METR_KIND):
        raise NotFoundError(f"fit {fit_id}: not a run-level fit (list them with `horizon query run_horizons`)")
    kind, params, seed = row
    options = FitOptions.from_params(json.loads(params), seed)
    rows = con.sql(
        "SELECT source_model, model_id, release_date, level, estimate, ci_low, ci_high, beta0, beta1,"
        " average_score, n_runs, n_tasks, n_replicates, n_nonfinite_replicates, status, reason,"
        " source_weight_max_abs_diff FROM fit_horizons WHERE fit_id = ? ORDER BY source_model, level",
        params=[fit_id],
    ).pl()
    if rows.height == 0:
        raise NotFoundError(f"fit {fit_id}: no per-model horizons stored for it")
    agents = []
    for (name,), group in rows.group_by("source_model", maintain_order=True):
        by_level = {r["level"]: r for r in group.iter_rows(named=True)}
        first = group.row(0, named=True)
        agents.append(AgentHorizons(
            source_model=name,
            model_id=first["model_id"],
            release_date=first["release_date"],
            beta0=first["beta0"],
            beta1=first["beta1"],
            average_score=np.nan if first["average_score"] is None else first["average_score"],
            n_runs=first["n_runs"],
            n_tasks=first["n_tasks"],
            n_replicates=first["n_replicates"],
            horizons=tuple(
                LevelHorizon(level, by_level[level]["estimate"], by_level[level]["ci_low"],
                             by_level[level]["ci_high"], by_level[level]["n_nonfinite_replicates"],
                             by_level[level]["status"], by_level[level]["reason"])
                for level in options.levels
            ),
            source_weight_max_abs_diff=first["source_weight_max_abs_diff"],
        ))
    agents.sort(key=lambda a: a.source_model)  # the fit's own order (sorted names), whatever SQL's collation
    replicates = np.full((options.n_bootstrap, len(agents), len(options.levels)), np.nan)
    if options.n_bootstrap:
        stored = con.sql(
            "SELECT source_model, level, replicate, horizon_minutes FROM fit_replicates WHERE fit_id = ?",
            params=[fit_id],
        ).pl()
        agent_index = {a.source_model: i for i, a in enumerate(agents)}
        level_index = {level: j for j, level in enumerate(options.levels)}
        values = stored["horizon_minutes"].fill_null(np.nan).to_numpy()
        replicates[
            stored["replicate"].to_numpy(),
            stored["source_model"].replace_strict(agent_index, return_dtype=pl.Int64).to_numpy(),
            stored["level"].replace_strict(level_index, return_dtype=pl.Int64).to_numpy(),
        ] = values
    return RunHorizons(options, tuple(agents), replicates, {}, (), fit_id=fit_id)
