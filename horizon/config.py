"""Settings, loaded once and passed explicitly as a frozen dataclass."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from horizon.errors import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent

# Larger than any real published file (the biggest, METR's run-level JSONL, is ~3 MB) by far;
# anything bigger is almost certainly the wrong URL or a runaway download.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_TIMEOUT_S = 20.0           # any single wait of a download: connecting, or silence
DEFAULT_DEADLINE_S = 60.0          # the whole download of one source, redirects included


@dataclass(frozen=True)
class Config:
    db_path: Path
    data_dir: Path
    queries_dir: Path
    reports_dir: Path
    # Rebuildable artefacts kept between runs (the Vega bundle, chart specs): never data.
    cache_dir: Path = Path.home() / ".cache" / "horizon"
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout_s: float = DEFAULT_TIMEOUT_S
    deadline_s: float = DEFAULT_DEADLINE_S
    # "Now" for stamping snapshots and fits. Fixed via SOURCE_DATE_EPOCH for reproducible output.
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    offline: bool = False


def _now_from_env(env) -> datetime:
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch:
        if not epoch.strip().isdigit():
            raise ConfigError(f"SOURCE_DATE_EPOCH: expected whole seconds since 1970-01-01, got {epoch!r}")
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(UTC).replace(microsecond=0)


def load_config(db: str | os.PathLike | None = None, env=None, **overrides) -> Config:
    """Build the Config from arguments, then the environment, then defaults.

    ``HORIZON_DB`` names the database (default ./horizon.duckdb); ``HORIZON_REPORTS`` the
    reports directory (default ./reports, the site goes in its site/); ``HORIZON_CACHE`` where
    rebuildable artefacts are kept (default $XDG_CACHE_HOME/horizon); ``HORIZON_DATA`` the
    data directory and ``HORIZON_QUERIES`` the named queries (default: the ones horizon ships,
    see horizon.resources); ``HORIZON_OFFLINE=1`` skips the network; ``SOURCE_DATE_EPOCH``
    fixes the clock. ``overrides`` (e.g. data_dir from a command-line flag) win over all.
    """
    from horizon.resources import shipped_dir

    env = os.environ if env is None else env
    values: dict[str, Any] = dict(
        db_path=Path(db or env.get("HORIZON_DB") or "horizon.duckdb"),
        data_dir=Path(env.get("HORIZON_DATA") or shipped_dir("data")),
        queries_dir=Path(env.get("HORIZON_QUERIES") or shipped_dir("queries")),
        reports_dir=Path(env.get("HORIZON_REPORTS") or "reports"),
        cache_dir=Path(env.get("HORIZON_CACHE") or Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "horizon"),
        now=_now_from_env(env),
        offline=env.get("HORIZON_OFFLINE", "") not in ("", "0"),
    )
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Config(**values)
