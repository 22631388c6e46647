"""Reading the TOML files in data/ (models, sources, thresholds) with one kind of error."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from horizon.errors import ConfigError


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """The parsed file; a missing or malformed file is a ConfigError naming it and ``what``."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: not found; expected {what}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: expected {what} in valid TOML ({exc})") from None
