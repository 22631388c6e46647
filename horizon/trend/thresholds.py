"""Named horizon thresholds (data/thresholds.toml) as frozen records, checked on load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from horizon.errors import ConfigError
from horizon.tomlfile import read_toml

HOURS_PER_WORK_MONTH = 167.0
HOURS_PER_WORK_YEAR = 2000.0
_FIELDS = {"label", "hours", "level", "source", "cite"}


@dataclass(frozen=True)
class Threshold:
    name: str
    label: str
    hours: float
    level: int
    source: str
    cite: str

    @property
    def minutes(self) -> float:
        return self.hours * 60.0


def load_thresholds(path: str | Path) -> tuple[Threshold, ...]:
    """Read and validate the thresholds file; order follows the file."""
    path = Path(path)
    doc = read_toml(path, "the thresholds table")
    out = []
    for name, entry in doc.items():
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: {name}: expected a table with {sorted(_FIELDS)}")
        missing = _FIELDS - entry.keys()
        if missing:
            raise ConfigError(f"{path}: {name}: missing {', '.join(sorted(missing))}")
        unknown = entry.keys() - _FIELDS
        if unknown:
            raise ConfigError(f"{path}: {name}: unknown field {', '.join(sorted(unknown))}")
        hours = entry["hours"]
        if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not hours > 0:
            raise ConfigError(f"{path}: {name}.hours: expected a positive number, got {hours!r}")
        if entry["level"] not in (50, 80):
            raise ConfigError(f"{path}: {name}.level: expected 50 or 80, got {entry['level']!r}")
        for key in ("label", "source", "cite"):
            if not isinstance(entry[key], str) or not entry[key].strip():
                raise ConfigError(f"{path}: {name}.{key}: expected non-empty text")
        out.append(
            Threshold(name, entry["label"], float(hours), int(entry["level"]), entry["source"], entry["cite"])
        )
    if not out:
        raise ConfigError(f"{path}: no thresholds defined")
    return tuple(out)
