"""Numbers as JSON and SQL hold them."""

from __future__ import annotations

import math


def finite_or_none(v) -> float | None:
    """A finite float, or None for a missing, infinite or NaN value (JSON and SQL say null)."""
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None
