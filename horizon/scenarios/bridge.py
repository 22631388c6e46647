"""The bridge from the 80% time horizon h to the automatable share f of AI R&D work, and
Amdahl's multiplier (pure functions of arrays).

METR's success curve, written around the 80% horizon h (minutes) with slope b < 0 per
doubling of task length (the same curve as METR's p = sigma(b0 + b1 log2 L)):

    p(L) = sigma(ln 4 + b log2(L / h))                         ln 4 = logit(0.8)

AI R&D work is spread over task lengths L (human-expert time), ln L ~ Normal(ln m, s^2). The
share of that work an agent does is the work-weighted success, capped at f_max for work no
benchmark shows AI doing:

    W(h) = E[p(L)] = E_Z[sigma(A + B Z)],  A = ln 4 + b log2(m / h),  B = b s / ln 2,  Z ~ N(0, 1)
    f(h) = f_max W(h)
    M(f, v) = 1 / ((1 - f) + f / v)                            Amdahl, v = AI speed; M < 1 / (1 - f_max)

E_Z is a trapezoidal sum over z in [-10, 10] in steps of 0.2 (the integrand is analytic in a
strip, so the error falls exponentially with the step: below 2e-8 for |B| <= 5). For speed,
W is tabulated per distinct B over A in steps of 1/8, with its exact derivative, and read back
by cubic Hermite interpolation (error below 1e-7); outside |A| <= 64, W is 0 or 1 to 1e-12.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import expit

LN2 = math.log(2.0)
LOGIT_80 = math.log(4.0)   # the 80% horizon is where the success curve crosses 0.8
HORIZON_LEVEL = 80         # the scenario model runs on the 80% horizon

_Z_STEP = 0.2
_Z = np.arange(-10.0, 10.0 + _Z_STEP / 2, _Z_STEP)
_ZW = np.exp(-_Z * _Z / 2) / math.sqrt(2 * math.pi) * _Z_STEP
_A_MAX = 64.0
_A_STEP = 0.125
_A = np.arange(-_A_MAX, _A_MAX + _A_STEP / 2, _A_STEP)
_ROWS_AT_ONCE = 8


def success(length_minutes, h80_minutes, slope):
    """p(L): the success probability at task length L for an agent with 80% horizon h."""
    return expit(LOGIT_80 + np.asarray(slope) * np.log2(np.asarray(length_minutes) / np.asarray(h80_minutes)))


def work_success_direct(A, B) -> np.ndarray:
    """E_Z[sigma(A + B Z)] by the trapezoidal sum (any broadcastable shapes)."""
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    A, B = np.broadcast_arrays(A, B)
    return expit(A[..., None] + B[..., None] * _Z) @ _ZW


class WorkSuccess:
    """W(A; B) for a fixed set of B values (one table row each), read by cubic Hermite."""

    def __init__(self, B_values):
        B_values = np.asarray(B_values, dtype=float)
        self.B, self._row = np.unique(B_values, return_inverse=True)
        self._row = self._row.reshape(B_values.shape)
        # A few rows at a time: each row is 1,025 x 101 sigmoids in memory.
        self._W = np.empty((self.B.size, _A.size))
        self._dW = np.empty((self.B.size, _A.size))
        for start in range(0, self.B.size, _ROWS_AT_ONCE):
            rows = slice(start, start + _ROWS_AT_ONCE)
            s = expit(_A[None, :, None] + self.B[rows, None, None] * _Z)
            self._W[rows] = s @ _ZW
            self._dW[rows] = ((s * (1 - s)) @ _ZW) * _A_STEP

    @property
    def rows(self) -> np.ndarray:
        """Table row of each B given at construction (same shape)."""
        return self._row

    def __call__(self, A, rows) -> np.ndarray:
        """W at ``A`` for table rows ``rows`` (broadcastable)."""
        A, rows = np.broadcast_arrays(np.asarray(A, dtype=float), np.asarray(rows))
        t = (np.clip(A, -_A_MAX, _A_MAX) + _A_MAX) / _A_STEP
        j = np.minimum(t.astype(np.int64), _A.size - 2)   # t >= 0: truncation is floor
        u = t - j
        k = rows * _A.size + j
        W, dW = self._W.ravel(), self._dW.ravel()
        u2 = u * u
        u3 = u2 * u
        value = ((2 * u3 - 3 * u2 + 1) * W.take(k) + (u3 - 2 * u2 + u) * dW.take(k)
                 + (-2 * u3 + 3 * u2) * W.take(k + 1) + (u3 - u2) * dW.take(k + 1))
        return np.clip(value, 0.0, 1.0)


class Bridge:
    """f as a function of ln h for each draw: W's arguments are linear in ln h, so one table
    row per draw (its B) and the draw's coefficients give f anywhere along its path."""

    def __init__(self, task_median_hours, task_spread, slope):
        slope = np.asarray(slope, dtype=float)
        ln_m = np.log(np.asarray(task_median_hours, dtype=float) * 60.0)
        self.slope = slope
        # A = ln 4 + b (ln m - ln h) / ln 2 = a0 + a1 ln h
        self.a0 = LOGIT_80 + slope * ln_m / LN2
        self.a1 = -slope / LN2
        B = slope * np.asarray(task_spread, dtype=float) / LN2
        self._table = WorkSuccess(np.broadcast_to(B, self.a0.shape))

    def work_success(self, ln_h) -> tuple[np.ndarray, np.ndarray]:
        """(W, 1 - W) for every draw (rows of ``ln_h``: shape (n,) or (n, k)).

        1 - W is computed as W at -A (the normal is symmetric), so it keeps its precision
        where W is within rounding of 1: the explosive scenario's M depends on it there.
        """
        ln_h = np.asarray(ln_h, dtype=float)
        extra = (None,) * (ln_h.ndim - 1)
        a0 = self.a0[(slice(None), *extra)]
        a1 = self.a1[(slice(None), *extra)]
        rows = self._table.rows[(slice(None), *extra)]
        A = a0 + a1 * ln_h
        # The smaller of W and 1 - W, read where it is small (A <= 0), keeps full precision.
        small = self._table(-np.abs(A), rows)
        low = A <= 0
        return np.where(low, small, 1.0 - small), np.where(low, 1.0 - small, small)


def amdahl(f, speed, unautomated=None):
    """M = 1 / ((1 - f) + f / v); ``unautomated`` is 1 - f when the caller has it more precisely."""
    f = np.asarray(f, dtype=float)
    u = 1.0 - f if unautomated is None else np.asarray(unautomated, dtype=float)
    return 1.0 / (u + f / np.asarray(speed, dtype=float))


def amdahl_bound(f_max, speed):
    """The multiplier Amdahl's law approaches as f -> f_max (below 1 / (1 - f_max))."""
    return amdahl(f_max, speed)


def h80_equivalent_minutes(minutes, level, slope):
    """The 80% horizon at which the success curve puts ``level`` % success at ``minutes``:
    a 50% threshold of L minutes is reached when h80 = L * 2^(ln 4 / b) (b < 0)."""
    minutes = np.asarray(minutes, dtype=float)
    if level == HORIZON_LEVEL:
        return minutes * np.ones_like(np.asarray(slope, dtype=float))
    p = level / 100.0
    logit = math.log(p / (1 - p))
    # p(L) = sigma(ln4 + b log2(L/h)) = q  <=>  log2 h = log2 L - (logit q - ln 4) / b
    return minutes * np.exp2(-(logit - LOGIT_80) / np.asarray(slope, dtype=float))
