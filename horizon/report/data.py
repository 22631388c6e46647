"""Read what the pages show from the store, as plain frozen records.

Each reader returns an empty result when its table is missing or empty (a store that has been
ingested but not fitted yet), so every page can say what is missing instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from horizon.store import named_rows, records, scalar


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = scalar(
        con, "SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = 'main'", [name],
    )
    return bool(found)


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: int
    source_kind: str
    origin: str
    retrieved_at: datetime
    sha256: str
    bytes: int
    rows: int
    publisher_label: str | None
    citation: str | None
    # When this copy was published or taken: the store's snapshot_versions view decides
    # (version in our rows, else a date in the file name, else the retrieval day, so never NULL).
    vintage_date: date
    published_version: str | None = None  # what our embedded rows say they copy, if anything
    # A retracted snapshot stays in the audit trail (the sources page) and counts nowhere else.
    retracted_at: datetime | None = None
    retraction_reason: str | None = None

    @property
    def vintage_label(self) -> str:
        if self.published_version:
            return self.published_version
        return f"{self.publisher_label or self.source_kind} ({self.vintage_date.isoformat()})"


def snapshots(con: duckdb.DuckDBPyConnection) -> list[Snapshot]:
    if not has_table(con, "snapshots"):
        return []
    return records(con, Snapshot,
        "SELECT s.snapshot_id, s.source_kind, s.origin, s.retrieved_at, s.sha256, s.bytes, s.rows,"
        " s.publisher_label, s.citation, v.published_version, v.version_date AS vintage_date,"
        " s.retracted_at, s.retraction_reason"
        " FROM snapshot_status s JOIN snapshot_versions v USING (snapshot_id) ORDER BY s.snapshot_id",
    )


@dataclass(frozen=True)
class Horizon:
    """One model's horizon at one success level, from a published file or our own fit."""

    model_id: str
    name: str
    release_date: date | None
    level: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    frontier: bool | None
    snapshot_id: int | None
    suite: str | None = None
    reason: str | None = None  # why there is no finite estimate
    organisation: str | None = None  # the lab, from data/models.toml


def headline_snapshots(con: duckdb.DuckDBPyConnection, snaps: list[Snapshot]) -> list[Snapshot]:
    """Snapshots that hold published horizons, oldest first, in the one ordering of versions
    (``horizon.trend.stored.headline_snapshot_ids``: suite version, then vintage date)."""
    from horizon.trend.stored import headline_snapshot_ids

    by_id = {s.snapshot_id: s for s in snaps}
    return [by_id[i] for i in reversed(headline_snapshot_ids(con)) if i in by_id]


def published_horizons(con: duckdb.DuckDBPyConnection, snapshot_id: int | None = None) -> list[Horizon]:
    """Published horizons of one snapshot, or of every snapshot when ``snapshot_id`` is None."""
    if not has_table(con, "published_horizons"):
        return []
    return records(con, Horizon,
        "SELECT p.model_id, coalesce(m.display_name, p.source_model) AS name,"
        " coalesce(p.release_date, m.release_date) AS release_date, p.level, p.estimate, p.ci_low,"
        " p.ci_high, coalesce(p.is_sota_level, p.is_sota) AS frontier, p.snapshot_id, p.suite, m.organisation"
        " FROM active_published_horizons p LEFT JOIN models m USING (model_id)"
        " WHERE ? IS NULL OR p.snapshot_id = ?"
        " ORDER BY p.snapshot_id, release_date NULLS LAST, p.model_id, p.level",
        [snapshot_id, snapshot_id],
    )


@dataclass(frozen=True)
class DoublingClaim:
    snapshot_id: int
    suite: str | None
    window_name: str
    point_estimate: float | None
    ci_low: float | None
    ci_high: float | None


def publisher_doubling_times(con: duckdb.DuckDBPyConnection) -> list[DoublingClaim]:
    if not has_table(con, "publisher_doubling_times"):
        return []
    return records(con, DoublingClaim,
        "SELECT snapshot_id, suite, window_name, point_estimate, ci_low, ci_high"
        " FROM active_publisher_doubling_times ORDER BY snapshot_id, window_name",
    )


@dataclass(frozen=True)
class BenchmarkHorizon:
    benchmark: str
    model_id: str
    name: str
    horizon_minutes: float
    ci_low: float | None
    ci_high: float | None
    release_date: date | None
    snapshot_id: int
    ceiling_minutes: float | None


def benchmark_horizons(con: duckdb.DuckDBPyConnection) -> list[BenchmarkHorizon]:
    """Cross-domain horizons from the latest snapshot of each benchmark.

    A benchmark's own measurable ceiling comes from benchmark_meta (max_horizon_minutes)
    when the source states it.
    """
    if not has_table(con, "benchmark_horizons"):
        return []
    return records(con, BenchmarkHorizon,
        "WITH latest AS (SELECT benchmark, max(snapshot_id) AS snapshot_id FROM active_benchmark_horizons"
        " GROUP BY benchmark),"
        " ceilings AS (SELECT benchmark, max(TRY_CAST(value AS DOUBLE)) AS ceiling_minutes"
        " FROM active_benchmark_meta WHERE key = 'max_horizon_minutes' GROUP BY benchmark)"
        " SELECT b.benchmark, b.model_id, coalesce(m.display_name, b.source_model) AS name,"
        " b.horizon_minutes, b.ci_low, b.ci_high, coalesce(b.release_date, m.release_date) AS release_date,"
        " b.snapshot_id, c.ceiling_minutes"
        " FROM benchmark_horizons b JOIN latest USING (benchmark, snapshot_id)"
        " LEFT JOIN models m USING (model_id) LEFT JOIN ceilings c USING (benchmark)"
        " ORDER BY b.benchmark, release_date NULLS LAST, b.model_id, b.row_number",
    )


@dataclass(frozen=True)
class FitRun:
    fit_id: int
    kind: str
    created_at: datetime
    code_version: str
    params: str
    seed: int | None
    input_snapshots: str


def fit_runs(con: duckdb.DuckDBPyConnection) -> list[FitRun]:
    if not has_table(con, "fits"):
        return []
    return records(con, FitRun,
        "SELECT fit_id, kind, created_at, code_version, CAST(params AS VARCHAR) AS params, seed,"
        " CAST(input_snapshots AS VARCHAR) AS input_snapshots FROM fits ORDER BY fit_id",
    )


@dataclass(frozen=True)
class SuccessBin:
    """Observed success in one band of task lengths: what the fitted curve should pass near."""

    source_model: str
    model_id: str
    minutes_low: float
    minutes_high: float
    minutes_mid: float
    runs: int
    success_rate: float


def run_success_bins(con: duckdb.DuckDBPyConnection, snapshot_id: int | None = None) -> list[SuccessBin]:
    """Unweighted success rate per agent in bins one doubling (log2 minute) wide."""
    if not has_table(con, "runs"):
        return []
    where = "" if snapshot_id is None else "WHERE snapshot_id = ?"
    found = named_rows(
        con,
        "SELECT source_model, model_id, floor(log2(human_minutes)) AS b, count(*) AS runs,"
        " avg(score_binarized) AS success_rate"
        f" FROM active_runs {where} {'AND' if where else 'WHERE'} human_minutes > 0"
        " GROUP BY source_model, model_id, b ORDER BY source_model, b",
        [] if snapshot_id is None else [snapshot_id],
    )
    return [
        SuccessBin(
            source_model=r["source_model"],
            model_id=r["model_id"],
            minutes_low=2.0 ** r["b"],
            minutes_high=2.0 ** (r["b"] + 1),
            minutes_mid=2.0 ** (r["b"] + 0.5),
            runs=int(r["runs"]),
            success_rate=float(r["success_rate"]),
        )
        for r in found
    ]


def run_snapshot_ids(con: duckdb.DuckDBPyConnection) -> list[int]:
    if not has_table(con, "runs"):
        return []
    return [r["snapshot_id"] for r in named_rows(con, "SELECT DISTINCT snapshot_id FROM active_runs ORDER BY 1")]


def model_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    if not has_table(con, "models"):
        return {}
    return {r["model_id"]: r["display_name"] for r in named_rows(con, "SELECT model_id, display_name FROM models")}


def agent_labels(pairs: list[tuple[str, str]], names: dict[str, str]) -> dict[str, str]:
    """A display label per agent (source_model): the model's name, plus the agent's own
    spelling where several agents (scaffolds, retries) map to one model."""
    per_model: dict[str, set[str]] = {}
    for source_model, model_id in pairs:
        per_model.setdefault(model_id, set()).add(source_model)
    out = {}
    for source_model, model_id in pairs:
        name = names.get(model_id, source_model)
        out[source_model] = name if len(per_model[model_id]) == 1 else f"{name} [{source_model}]"
    return out


# --- trends (migration 0004) -------------------------------------------------------------------

@dataclass(frozen=True)
class TrendFit:
    """One form of a stored trend fit: what the Overview headline and the Trends table show."""

    fit_id: int
    form: str
    level: int
    source_kind: str  # published (fitted to headline figures) or runs (to our run-level fit)
    snapshot_id: int | None
    frontier_rule: str
    first_release: date | None
    last_release: date | None
    n_models: int
    doubling_days: float | None
    doubling_months: float | None
    ci_low: float | None
    ci_high: float | None
    aic: float | None
    bic: float | None
    bt_mae_log: float | None
    bt_cov80: float | None
    bt_cov95: float | None
    identified: bool | None  # False: the data cannot pin the form's parameters down
    params: str  # the form's parameters as JSON text, to draw its curve


def latest_trend_fits(con: duckdb.DuckDBPyConnection) -> dict[tuple[int, str], list[TrendFit]]:
    """Every form of the canonical trend fit per (success level, source kind): never an
    exploratory trend fitted since (``horizon.trend.canonical``).

    Source kind is ``published`` (fitted to headline figures) or ``runs`` (to our run-level fit).
    """
    from horizon.trend.canonical import canonical_trend_fit_ids

    if not has_table(con, "trend_fits"):
        return {}
    found = records(con, TrendFit,
        "SELECT fit_id, form, level, source_kind, snapshot_id, frontier_rule, first_release, last_release,"
        " n_models, doubling_days, doubling_months, ci_low, ci_high, aic, bic, bt_mae_log, bt_cov80, bt_cov95,"
        " identified, CAST(params AS VARCHAR) AS params"
        " FROM trend_fits WHERE fit_id IN (SELECT unnest(?::INTEGER[])) ORDER BY level, source_kind, form",
        [list(canonical_trend_fit_ids(con).values())],
    )
    out: dict[tuple[int, str], list[TrendFit]] = {}
    for fit in found:
        out.setdefault((fit.level, fit.source_kind), []).append(fit)
    return out


def headline_trend(trends: dict[tuple[int, str], list[TrendFit]], level: int) -> list[TrendFit]:
    """The trend the overview leads with: fitted to the published figures, else to our runs fit."""
    return trends.get((level, "published")) or trends.get((level, "runs")) or []


@dataclass(frozen=True)
class TrendPoint:
    """One model a trend fit considered, used or not (and why not): a point on the trend charts."""

    name: str
    release_date: date | None
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    on_frontier: bool
    used: bool
    excluded_reason: str | None
    organisation: str | None


def trend_points(con: duckdb.DuckDBPyConnection, fit_id: int) -> list[TrendPoint]:
    if not has_table(con, "trend_points"):
        return []
    return records(con, TrendPoint,
        "SELECT coalesce(m.display_name, p.source_model) AS name, p.release_date, p.estimate, p.ci_low, p.ci_high,"
        " p.on_frontier, p.used, p.excluded_reason, m.organisation FROM trend_points p"
        " LEFT JOIN models m USING (model_id) WHERE p.fit_id = ? ORDER BY p.release_date NULLS LAST, p.source_model",
        [fit_id],
    )


@dataclass(frozen=True)
class TrendBacktest:
    """One model predicted by a form fitted only to the models released before a cut-off."""

    form: str
    name: str
    cutoff_date: date
    observed_log: float
    predicted_log: float | None


def trend_backtests(con: duckdb.DuckDBPyConnection, fit_id: int) -> list[TrendBacktest]:
    if not has_table(con, "trend_backtests"):
        return []
    return records(con, TrendBacktest,
        "SELECT b.form, coalesce(m.display_name, b.model_id) AS name, b.cutoff_date, b.observed_log, b.predicted_log"
        " FROM trend_backtests b LEFT JOIN models m USING (model_id)"
        " WHERE b.fit_id = ? ORDER BY b.form, b.cutoff_date, b.release_date, b.model_id",
        [fit_id],
    )


# --- run-level fits (migration 0003) ----------------------------------------------------------

@dataclass(frozen=True)
class FitHorizon:
    """One agent's horizon at one level from our run-level fit, with the logistic coefficients
    the Models page draws its success curve from."""

    fit_id: int
    source_model: str  # the agent, as the runs file spells it
    model_id: str
    release_date: date | None  # the fit's, else the model's
    level: int
    estimate: float | None  # None when the fit found no finite horizon (see reason)
    ci_low: float | None
    ci_high: float | None
    beta0: float | None
    beta1: float | None
    reason: str | None


def fit_horizon_rows(con: duckdb.DuckDBPyConnection) -> list[FitHorizon]:
    """Rows of the canonical run-level fit (METR's defaults on the newest runs snapshot), not of
    whichever fit ran last; a store without one shows its newest fit of that kind."""
    from horizon.fit.results import KIND
    from horizon.fit.store import canonical_run_fit_id

    if not has_table(con, "fit_horizons"):
        return []
    fit_id = canonical_run_fit_id(con)
    if fit_id is None:
        fit_id = scalar(con, "SELECT max(h.fit_id) FROM fit_horizons h JOIN fits f USING (fit_id) WHERE f.kind = ?", [KIND])
    return records(con, FitHorizon,
        "SELECT f.fit_id, f.source_model, f.model_id, coalesce(f.release_date, m.release_date) AS release_date,"
        " f.level, f.estimate, f.ci_low, f.ci_high, f.beta0, f.beta1, f.reason"
        " FROM fit_horizons f LEFT JOIN models m USING (model_id)"
        " WHERE f.fit_id = ? ORDER BY f.source_model, f.level",
        [fit_id],
    )
