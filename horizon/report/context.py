"""Everything the pages read, gathered once per build and passed to each page builder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from horizon.config import Config
from horizon.report import data
from horizon.report.chartcache import ChartSpecs
from horizon.trend.rules import DEFAULT_CEILING_MINUTES


@dataclass(frozen=True)
class ThresholdLine:
    name: str
    label: str
    minutes: float
    level: int
    cite: str
    source: str


@dataclass(frozen=True)
class Context:
    con: duckdb.DuckDBPyConnection
    config: Config
    snapshots: tuple[data.Snapshot, ...]
    thresholds: tuple[ThresholdLine, ...]
    ceiling_minutes: float = DEFAULT_CEILING_MINUTES   # build_context reads the shown trend's
    charts: ChartSpecs = field(default_factory=ChartSpecs)  # the chart builders, maybe cached
    _once: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` the first time a page asks for ``key`` in this build, then the same
        value: something two pages show (the indicator board) is worked out once."""
        if key not in self._once:
            self._once[key] = compute()
        return self._once[key]

    def snapshot(self, snapshot_id: int) -> data.Snapshot | None:
        for s in self.snapshots:
            if s.snapshot_id == snapshot_id:
                return s
        return None

    @property
    def last_updated(self) -> str | None:
        """The day the newest data in the store was retrieved (UTC, as stored): the site's
        "last updated" date, the same for every build of one store."""
        found = [s.retrieved_at for s in self.snapshots if s.retracted_at is None]
        return max(found).date().isoformat() if found else None

    def vintage_label(self, snapshot_id: int) -> str:
        s = self.snapshot(snapshot_id)
        return f"#{snapshot_id}" if s is None else f"{s.vintage_label} #{snapshot_id}"


def load_thresholds(config: Config) -> tuple[ThresholdLine, ...]:
    """data/thresholds.toml when present; a site without it simply draws no threshold lines."""
    path = config.data_dir / "thresholds.toml"
    if not path.exists():
        return ()
    from horizon.trend.thresholds import load_thresholds as load

    return tuple(ThresholdLine(t.name, t.label, t.minutes, t.level, t.cite, t.source) for t in load(path))


def build_context(con: duckdb.DuckDBPyConnection, config: Config, chart_cache: Path | None = None) -> Context:
    """``chart_cache``: a directory where chart specs are kept between builds (None: always build)."""
    from horizon.trend.canonical import shown_ceiling_minutes

    return Context(con=con, config=config, snapshots=tuple(data.snapshots(con)), thresholds=load_thresholds(config),
                   ceiling_minutes=shown_ceiling_minutes(con), charts=ChartSpecs(chart_cache))
