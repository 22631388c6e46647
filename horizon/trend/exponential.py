"""The exponential trend: OLS of ln(horizon) on release date, and its doubling time."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from horizon.errors import HorizonError

LN2 = math.log(2.0)
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class LineFit:
    """ln(minutes) = intercept + slope * x, x in days since 1970-01-01.

    ``doubling_days`` is inf when the slope is not positive (the horizon did not grow);
    trend results report that as no doubling time (None) with a note, never as a number.
    """

    intercept: float
    slope: float
    n: int
    r2: float
    sse: float

    @property
    def doubling_days(self) -> float:
        return LN2 / self.slope if self.slope > 0 else math.inf

    @property
    def doubling_months(self) -> float:
        return self.doubling_days / DAYS_PER_MONTH

    def predict(self, x) -> np.ndarray:
        return self.intercept + self.slope * np.asarray(x, dtype=float)


def fit_line(x, y) -> LineFit:
    """OLS fit of y = ln(horizon minutes) on x = release day number.

    Computed as statsmodels' OLS does by default (SVD pseudo-inverse, r2 = 1 - ssr / centred
    tss), to the last bit, without importing statsmodels: that import alone takes longer than
    every trend of `horizon update` together.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.size < 3:
        raise HorizonError(f"a trend needs at least 3 points, got {x.size}")
    if np.ptp(x) == 0:
        raise HorizonError("a trend needs points released on at least two different dates")
    # Centre x for numerical conditioning; report the intercept at day 0 as the line's own.
    centre = float(x.mean())
    X = np.column_stack([np.ones_like(x), x - centre])
    u, s, vt = np.linalg.svd(X, full_matrices=False)
    keep = s > 1e-15 * np.max(s)
    s_inv = np.where(keep, 1.0 / np.where(keep, s, 1.0), 0.0)
    beta = np.dot(np.dot(vt.T, s_inv[:, None] * u.T), y)
    resid = y - np.dot(X, beta)
    ssr = float(np.dot(resid, resid))
    tss = float(np.sum((y - np.average(y)) ** 2))
    b0, b1 = (float(v) for v in beta)
    if tss == 0:
        # Every horizon equal: the line is flat (exactly, not up to rounding) and R² has no
        # meaning (no variance to explain), so it is NaN, shown as "-".
        b0, b1, ssr = float(y[0]), 0.0, 0.0
    return LineFit(
        intercept=b0 - b1 * centre,
        slope=b1,
        n=int(x.size),
        r2=1 - ssr / tss if tss > 0 else math.nan,
        sse=ssr,
    )


def doubling_from_slope(slope: float) -> float:
    return LN2 / slope if slope > 0 else math.inf
