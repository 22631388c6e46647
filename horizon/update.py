"""`horizon update`: the main job. Ingest the configured sources, then fit, then report.

Uses the network when it can and the embedded data in data/ when it cannot. Every source is
read before the store is opened (``gather``), so a slow server never holds the database lock;
then all of them are written in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from horizon.changes import UpdateChanges, capture, changes_since
from horizon.config import Config
from horizon.errors import FetchError
from horizon.fetch import fetch_url, read_source
from horizon.ingest import IngestResult, ingest_bytes
from horizon.sources import Sources, load_sources
from horizon.store import scalar

NETWORK_PROBE_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class UpdateResult:
    ingested: tuple[IngestResult, ...]
    network: str  # "online", "offline (reason)", "skipped (HORIZON_OFFLINE)"
    summary: dict[str, Any]
    stages: dict[str, Any] = field(default_factory=dict)
    changes: UpdateChanges | None = None  # what this run changed (horizon.changes)


def fetch_published(config: Config, sources: Sources) -> tuple[list[tuple[str, bytes]], str]:
    """Fetch every published source; on the first failure (no network, or a download cut off,
    stalled or damaged), keep none of them and say why."""
    if config.offline:
        return [], "skipped (HORIZON_OFFLINE is set): using the embedded data in data/"
    fetched = []
    for source in sources.published:
        try:
            fetched.append((source.url, fetch_url(source.url, config.max_bytes,
                                                  min(config.timeout_s, NETWORK_PROBE_TIMEOUT_S), config.deadline_s)))
        except FetchError as exc:
            return [], f"offline ({' '.join(str(exc).split())}): using the embedded data in data/"
    return fetched, "online"


@dataclass(frozen=True)
class Gathered:
    """Every source update ingests, read and in memory: (origin, bytes), embedded files first."""

    loaded: tuple[tuple[str, bytes], ...]
    network: str


def gather(config: Config) -> Gathered:
    """Read the embedded files and fetch the published sources, with no database open."""
    sources = load_sources(config.data_dir)
    fetched, network = fetch_published(config, sources)
    # Embedded files are named by their place in the project (data/...), not this machine's
    # absolute path, so the store and reports are the same on every clone.
    embedded = [
        (f"data/{path.relative_to(config.data_dir).as_posix()}", read_source(str(path), config.max_bytes, config.timeout_s))
        for path in sources.embedded
    ]
    return Gathered(tuple(embedded + fetched), network)


def summarise(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    counts = {
        table: scalar(con, f'SELECT count(*) FROM "{table}"')
        for table in ("snapshots", "models", "published_horizons", "publisher_doubling_times", "runs",
                      "release_dates", "benchmark_horizons", "benchmark_scores")
    }
    from horizon.trend.stored import latest_headline_snapshot

    headline = latest_headline_snapshot(con)
    latest = None if headline is None else con.execute(
        "SELECT s.snapshot_id, coalesce(max(p.published_version), any_value(s.publisher_label)),"
        " any_value(s.sha256) FROM snapshots s JOIN published_horizons p USING (snapshot_id)"
        " WHERE s.snapshot_id = ? GROUP BY s.snapshot_id",
        [headline],
    ).fetchone()
    summary: dict[str, Any] = {"tables": counts, "latest_headline": None}
    if latest:
        top = con.execute(
            "SELECT m.display_name, p.release_date, p.estimate FROM published_horizons p JOIN models m USING (model_id)"
            " WHERE p.snapshot_id = ? AND p.level = 50 ORDER BY p.estimate DESC, m.display_name LIMIT 1",
            [latest[0]],
        ).fetchone() or (None, None, None)   # a headline file with 80% rows only
        claim = con.execute(
            "SELECT point_estimate, ci_low, ci_high FROM publisher_doubling_times"
            " WHERE snapshot_id = ? AND window_name = 'from_2023_on'",
            [latest[0]],
        ).fetchone()
        from horizon.trend.canonical import canonical_trend_fit_id

        trend_id = canonical_trend_fit_id(con, 50)
        gap = None if trend_id is None else con.execute(
            "SELECT cause, gap_days FROM trend_publisher_checks WHERE fit_id = ? AND window_name = 'from_2023_on'"
            " AND flagged", [trend_id]).fetchone()
        summary["latest_headline"] = {
            "snapshot_id": latest[0],
            "version": latest[1],
            "sha256": latest[2],
            "top_model": top[0],
            "top_model_release_date": top[1].isoformat() if top[1] else None,
            "top_model_p50_minutes": top[2],
            "publisher_doubling_days": None if claim is None else claim[0],
            "publisher_doubling_ci": None if claim is None else [claim[1], claim[2]],
            # Beside our own figure: a gap above 0.05 days is flagged with its cause.
            "publisher_gap": None if gap is None else f"ours differs by {gap[1]:+.3f} days: {gap[0]}",
        }
    return summary


def run_update(con: duckdb.DuckDBPyConnection, config: Config, report_dir=None,
               gathered: Gathered | None = None) -> UpdateResult:
    """Ingest (``gathered``, or the configured sources read now), then fit and trend when
    something new arrived (or nothing was fitted yet), then write the report. Running it again
    on unchanged sources writes no new fits."""
    gathered = gathered or gather(config)
    network = gathered.network
    before = capture(con)
    results = ingest_bytes(con, config, list(gathered.loaded))
    fit = fit_stage(con, config)
    stages = {"fit": fit, "trend": trend_stage(con, config, refit=fit["status"] == "fitted")}
    changes = changes_since(con, before)
    stages["indicators"] = indicators_stage(con, config)
    stages["scenarios"] = scenarios_stage(con, config)
    stages["report"] = report_stage(con, config, report_dir)
    return UpdateResult(tuple(results), network, summarise(con), stages, changes)


def fit_stage(con, config: Config) -> dict[str, Any]:
    """Per-agent horizons from the newest run-level snapshot, with METR's defaults, unless that
    snapshot has been fitted already (by update, or by `horizon ingest` + an earlier update)."""
    from horizon.fit.api import fit_snapshot
    from horizon.fit.store import canonical_run_fit_id

    has_runs = scalar(con, "SELECT count(*) FROM runs") > 0
    if not has_runs:
        return {"status": "skipped", "reason": "no run-level data in the store"}
    # Only a fit with METR's defaults counts: an exploratory `horizon fit --bootstrap 50` does not.
    done = canonical_run_fit_id(con)
    if done is not None:
        return {"status": "unchanged", "fit_id": done}
    result = fit_snapshot(con, config)
    return {"status": "fitted", "fit_id": result.fit_id, "snapshot_id": (result.snapshot or {}).get("snapshot_id"),
            "agents": len(result.agents), "n_bootstrap": result.options.n_bootstrap}


def trend_stage(con, config: Config, refit: bool) -> dict[str, Any]:
    """The canonical trends (50% and 80%), their forecasts and the citation sentence, fitted
    when the newest published version has none yet or the run-level fit changed. The headline
    is always the canonical trend, whatever exploratory trends were fitted since."""
    from horizon.trend.api import run_coverage_study, run_default_trends
    from horizon.trend.canonical import canonical_trend_fit_id
    from horizon.trend.cite import sentence, stored_for_citation
    from horizon.trend.stored import latest_headline_snapshot, newest_forecast_run

    if latest_headline_snapshot(con) is None:
        return {"status": "skipped", "reason": "no published METR headline in the store"}
    trend_id = canonical_trend_fit_id(con, 50)
    forecast = None if trend_id is None else newest_forecast_run(con, trend_id)
    if refit or forecast is None:
        forecast = run_default_trends(con, config).published.fit_id
        status = "fitted"
    else:
        status = "unchanged"
    cited = stored_for_citation(con, level=50)
    study = run_coverage_study(con, config, cited.fit_id)
    # The headline's own caveats (e.g. fragile); gaps from the publisher are in the summary.
    warnings = [w["text"] for w in cited.warnings if w["code"] != "publisher_gap"]
    return {"status": status, "forecast_fit_id": forecast, "trend_fit_id": cited.fit_id,
            "citation": sentence(cited), "warnings": warnings, "coverage_study_fit_id": study}


def indicators_stage(con, config: Config) -> dict[str, Any]:
    """The ladder and the inside-the-labs board, evaluated (stored once per set of inputs)."""
    from horizon.indicators.present import board_lines, ladder_lines
    from horizon.indicators.store import run_indicators

    ev = run_indicators(con, config)
    return {"status": "evaluated", "fit_id": ev.fit_id, "lines": ladder_lines(ev) + board_lines(ev)}


def scenarios_stage(con, config: Config) -> dict[str, Any]:
    """The scenario model with data/scenarios.toml, refitted when the headline or a parameter changed."""
    from horizon.scenarios.api import update_stage

    return update_stage(con, config)


def report_stage(con, config: Config, out_dir) -> dict[str, Any]:
    from horizon.report.site import build_site

    # The Vega bundle is built in a child process, alongside the pages (it holds the GIL).
    site = build_site(con, config, out_dir, bundle_in_child=True)
    return {"status": "written", "out_dir": str(site.out_dir), "pages": len(site.pages)}
