"""The fit library surface: per-agent horizons of a store snapshot, fitted and stored once.

Used by `horizon fit` and `horizon update`:

    fit_snapshot(con, config, snapshot_id=None, options=FitOptions()) -> RunHorizons

A fit with the same kind, parameters, seed, horizon version and runs snapshot as a stored one
(and the same release dates) is not fitted or stored again: the stored fit is returned with
``reused=True``. The computation is deterministic, so a second copy would only be a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date

from horizon.fit import store
from horizon.fit.horizons import fit_table, per_run_weights, replicate_warnings, weight_check
from horizon.fit.results import DEFAULT_OPTIONS, FitOptions, RunHorizons
from horizon.fit.runtable import RunTable, run_table
from horizon.provenance import identical_fit, record_fit


def fit_snapshot(
    con,
    config,
    snapshot_id: int | None = None,
    options: FitOptions = DEFAULT_OPTIONS,
    *,
    progress: Callable[[int], None] | None = None,
) -> RunHorizons:
    """Fit the runs of ``snapshot_id`` (default: the newest with runs) and store the result,
    or return the identical fit already stored."""
    from horizon.store import transaction

    if snapshot_id is None:
        snapshot_id = store.latest_runs_snapshot(con)
    source = f"snapshot {snapshot_id}"
    table = run_table(store.read_runs(con, snapshot_id), source)
    release_dates = store.release_dates_from_store(con)
    notes = _source_notes(con, snapshot_id, options, source)
    snapshot = store.snapshot_info(con, snapshot_id)

    existing = identical_fit(con, options.kind, options.params(), [snapshot_id], options.seed)
    stored = None if existing is None else store.read_fit(con, existing)
    if stored is not None and _same_release_dates(stored, release_dates):
        return _as_reused(stored, table, options, notes, snapshot, source)

    result = fit_table(table, options, release_dates=release_dates, progress=progress, source=source)
    with transaction(con):
        fit_id = record_fit(con, options.kind, options.params(), [snapshot_id], config.now, seed=options.seed)
        store.write_fit(con, fit_id, result)
    return replace(result, warnings=tuple(notes) + result.warnings, fit_id=fit_id, snapshot=snapshot)


def _source_notes(con, snapshot_id: int, options: FitOptions, source: str) -> list[str]:
    """What the snapshot itself means for the fit (only compat mode has something to say)."""
    from horizon.formats.metr_runs import KIND as METR_RUNS_FORMAT

    if options.compat == "metr" and store.snapshot_format(con, snapshot_id) != METR_RUNS_FORMAT:
        return [
            f"{source}: not METR's run file ({METR_RUNS_FORMAT}), so runs within a task are not in METR's order"
            " and METR's bootstrap draws cannot be reproduced exactly; ingest METR's all_runs.jsonl for its figures"
        ]
    return []


def _same_release_dates(stored: RunHorizons, release_dates: Mapping[str, date]) -> bool:
    """Release dates come from other snapshots and data/models.toml: a fit made before they
    changed is not the fit asked for now."""
    return all(
        a.release_date == (release_dates.get(a.source_model) or release_dates.get(a.model_id))
        for a in stored.agents
    )


def _as_reused(stored: RunHorizons, table: RunTable, options: FitOptions, notes, snapshot, source) -> RunHorizons:
    """The stored fit with what is not stored (weight check, warnings) rebuilt as the fit built them."""
    checks, _, weight_warnings = weight_check(table, options.weighting, source)
    if options.compat == "metr":
        from horizon.fit.metr import run_weights

        note = run_weights(table, per_run_weights(table, options.weighting), options.weighting)[1]
        weight_warnings += [f"{source}: {note}"] if note else []
    warnings = tuple(notes) + tuple(weight_warnings) + tuple(replicate_warnings(stored.agents))
    return replace(stored, weight_check=checks, warnings=warnings, snapshot=snapshot, reused=True)
