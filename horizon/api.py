"""horizon for analysts: open a store, read what it holds as polars frames, fit and trend
without the command line.

    import horizon

    with horizon.open_store("horizon.duckdb") as store:          # read-only
        latest = store.query("latest_horizons")                  # a polars DataFrame
        trends = store.doubling_times().filter(pl.col("form") == "exponential")
        print(store.cite().claim)

    with horizon.open_store("horizon.duckdb", write=True) as store:
        store.ingest("benchmark_results_1_1.yaml")
        run = store.trend(horizon.TrendSpec(level=80, window_from=date(2024, 1, 1)))

Every reader goes through a named query (queries/NAME.sql), the same SQL `horizon query NAME`
runs, so the Python API and the command line cannot disagree; writers call the same library
functions the commands call and store their results the same way.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from horizon.config import Config, load_config


def open_store(db: str | os.PathLike | None = None, *, write: bool = False, config: Config | None = None,
               **settings: Any) -> Store:
    """Open the store at ``db`` (default: $HORIZON_DB or ./horizon.duckdb).

    Read-only unless ``write=True`` (ingest, fit, trend, forecast, update need it). ``settings``
    override the configuration (data_dir, queries_dir, reports_dir, now, offline, ...).
    """
    config = config or load_config(db=db, **settings)
    from horizon.store import connect

    if write:
        con = connect(config.db_path)
    else:
        from horizon.query import open_store as open_read_only

        con = open_read_only(config)
    return Store(config, con, write)


class Store:
    """An open horizon store. Use as a context manager, or call ``close()``."""

    def __init__(self, config: Config, con, writable: bool):
        self.config = config
        self.con = con
        self.writable = writable

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def __repr__(self) -> str:
        return f"<horizon.Store {self.config.db_path} ({'read-write' if self.writable else 'read-only'})>"

    # --- reading -------------------------------------------------------------------------------

    def query(self, name_or_sql: str, **params: Any) -> pl.DataFrame:
        """A named query (see ``queries()``) or any SELECT, as a DataFrame."""
        from horizon.query import run_query

        result = run_query(self.config, name_or_sql, {k: str(v) for k, v in params.items()}, con=self.con)
        return pl.DataFrame([list(r) for r in result.rows], schema=list(result.columns), orient="row",
                            infer_schema_length=None)

    def queries(self) -> dict[str, str]:
        """Named queries and what each returns."""
        from horizon.query import named_queries

        return named_queries(self.config.queries_dir)

    def snapshots(self) -> pl.DataFrame:
        """Every snapshot ingested: origin, retrieval time, sha256, rows, publisher's label."""
        return self.query("snapshots")

    def latest_horizons(self) -> pl.DataFrame:
        """The newest published p50 and p80 per model, with intervals."""
        return self.query("latest_horizons")

    def frontier(self) -> pl.DataFrame:
        return self.query("frontier")

    def model_history(self, model: str) -> pl.DataFrame:
        """One model's published horizons across every version ingested."""
        return self.query("model_history", model=model)

    def run_horizons(self) -> pl.DataFrame:
        """Per-agent horizons of the newest run-level fit (`horizon fit`)."""
        return self.query("run_horizons")

    def doubling_times(self) -> pl.DataFrame:
        """Every stored trend fit, each form a row, with 80% and 95% intervals."""
        return self.query("doubling_times")

    def forecasts(self) -> pl.DataFrame:
        """When each trend form reaches each threshold: the line and a model, 80% and 95%."""
        return self.query("forecasts")

    def indicators(self) -> pl.DataFrame:
        """The latest value of every inside-the-lab indicator series."""
        return self.query("indicator_latest")

    def indicator_history(self, series: str) -> pl.DataFrame:
        return self.query("indicator_history", series=series)

    def ladder(self) -> pl.DataFrame:
        """The ladder of AI R&D benchmarks: every rung (empty ones too) and its benchmarks."""
        return self.query("ladder_status")

    def scenarios(self) -> pl.DataFrame:
        """The newest scenarios fit: when each scenario's multiplier crosses 2x .. 1000x."""
        return self.query("scenario_crossings")

    def runs(self, snapshot_id: int | None = None) -> pl.DataFrame:
        """Run-level results (one row per run) of a runs snapshot (default: the newest)."""
        from horizon.fit.store import latest_runs_snapshot, read_runs

        return read_runs(self.con, snapshot_id or latest_runs_snapshot(self.con))

    def cite(self, fit_id: int | None = None, level: int = 50, *, indicator: str | None = None,
             scenario: str | None = None):
        """A stored result as a ``horizon.citation.Citation`` (render it with
        ``horizon.citation.render(c, "bibtex")``): the canonical trend by default."""
        if indicator is not None:
            from horizon.indicators.cite import citation as indicator_citation

            return indicator_citation(self.con, indicator, fit_id)
        if scenario is not None:
            from horizon.scenarios.cite import citation as scenario_citation

            return scenario_citation(self.con, scenario, fit_id)
        from horizon.trend.cite import citation, stored_for_citation

        return citation(stored_for_citation(self.con, fit_id, level))

    # --- writing -------------------------------------------------------------------------------

    def _writable(self) -> None:
        if not self.writable:
            from horizon.errors import HorizonError

            raise HorizonError(f"{self.config.db_path}: opened read-only; use horizon.open_store(..., write=True)")

    def ingest(self, *sources: str | os.PathLike, fmt: str | None = None):
        """Files or URLs, in one transaction; one result per source."""
        self._writable()
        from horizon.ingest import ingest

        return ingest(self.con, self.config, [str(s) for s in sources], fmt)

    def fit(self, options=None, snapshot_id: int | None = None):
        """Per-agent horizons from a runs snapshot (METR's method), stored; a
        ``horizon.fit.results.RunHorizons``."""
        self._writable()
        from horizon.fit.api import fit_snapshot
        from horizon.fit.results import DEFAULT_OPTIONS

        return fit_snapshot(self.con, self.config, snapshot_id, options or DEFAULT_OPTIONS)

    def trend(self, spec=None, snapshot_id: int | None = None, run_fit_id: int | None = None):
        """A frontier trend with every form, stored; a ``horizon.trend.api.TrendRun``."""
        self._writable()
        from horizon.trend.analysis import TrendSpec
        from horizon.trend.api import run_trend

        return run_trend(self.con, self.config, spec or TrendSpec(), snapshot_id, run_fit_id)

    def forecast(self, as_of: date | None = None, thresholds=None, spec=None):
        """Threshold forecasts (data/thresholds.toml by default), stored."""
        self._writable()
        from horizon.trend.analysis import TrendSpec
        from horizon.trend.api import run_forecast
        from horizon.trend.thresholds import load_thresholds

        thresholds = thresholds or load_thresholds(Path(self.config.data_dir) / "thresholds.toml")
        return run_forecast(self.con, self.config, as_of or self.config.now.date(), thresholds, spec or TrendSpec())

    def update(self, report_dir: str | os.PathLike | None = None):
        """`horizon update`: ingest the configured sources, fit, trend, evaluate, report."""
        self._writable()
        from horizon.update import run_update

        return run_update(self.con, self.config, report_dir)
