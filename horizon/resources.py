"""Where the files horizon ships with live: data/ (embedded data, models, thresholds, sources)
and queries/ (named SQL).

In an installed wheel they are package resources (horizon/data, horizon/queries, copied there
by setup.py); in a source checkout they sit beside the package, at the top of the repository,
where people edit them. Users override either with a flag or an environment variable
(config.load_config).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CHECKOUT_DIR = Path(__file__).resolve().parent.parent


def shipped_dir(name: str) -> Path:
    """The shipped directory ``name`` ("data" or "queries") as a real directory on disk."""
    packaged = files("horizon") / name
    if packaged.is_dir():
        # A wheel installs as plain files; a zipped install would need extracting first.
        return Path(str(packaged))
    # A source checkout (an editable install included): the top of the repository.
    return CHECKOUT_DIR / name
