"""horizon: a time-horizon capability tracker.

Ingest published task-length results into a DuckDB store of dated, hashed snapshots; fit
per-model horizons and frontier doubling times; write static reports; cite every number.
"""

__version__ = "0.1.0"

from horizon.config import Config, load_config
from horizon.errors import HorizonError, InputError
from horizon.store import connect

__all__ = ["Config", "HorizonError", "InputError", "__version__", "connect", "load_config"]
