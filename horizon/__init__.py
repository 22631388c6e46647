"""horizon: a time-horizon capability tracker.

Ingest published task-length results into a DuckDB store of dated, hashed snapshots; fit
per-model horizons and frontier doubling times; write static reports; cite every number.

For analysts: ``horizon.open_store(path)`` gives a ``Store`` whose readers return polars
DataFrames and whose writers fit and store like the command line (see horizon.api). The pure
statistics take arrays or frames and touch no store: ``fit_runs`` (METR's per-agent method) and
``analyse`` (frontier trends with every form and interval).
"""

__version__ = "0.1.0"

from horizon.config import Config, load_config
from horizon.errors import HorizonError, InputError
from horizon.store import connect

_LAZY = {
    "open_store": ("horizon.api", "open_store"),
    "Store": ("horizon.api", "Store"),
    "fit_runs": ("horizon.fit.horizons", "fit_runs"),
    "FitOptions": ("horizon.fit.results", "FitOptions"),
    "analyse": ("horizon.trend.analysis", "analyse"),
    "TrendSpec": ("horizon.trend.analysis", "TrendSpec"),
    "Point": ("horizon.trend.points", "Point"),
}


def __getattr__(name):
    # Imported on first use: `horizon --help` and report builds do not pay for polars/numpy.
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'horizon' has no attribute {name!r}")


__all__ = ["Config", "FitOptions", "HorizonError", "InputError", "Point", "Store", "TrendSpec", "__version__",
           "analyse", "connect", "fit_runs", "load_config", "open_store"]
