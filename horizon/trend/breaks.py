"""Is there a break in the log-linear trend? The sup-F test with a simulated null.

The break date is unknown under the null, so the usual F distribution does not apply (Davies'
problem): the largest F over every allowed break date is compared with the same statistic
computed on data simulated from the fitted no-break line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from horizon.errors import HorizonError
from horizon.trend import ols
from horizon.trend.forms.piecewise import MIN_SEGMENT_POINTS, break_candidates, hinge_sse


@dataclass(frozen=True)
class BreakTest:
    statistic: float    # sup over candidate breaks of the F statistic for one extra slope
    p_value: float
    n_replicates: int
    method: str = (
        "sup-F test of a continuous break in the log-linear trend (break date unknown, at least"
        f" {MIN_SEGMENT_POINTS} points each side), p-value by parametric bootstrap under the"
        " no-break line with normal errors"
    )


def sup_f(u: np.ndarray, Y, cands: np.ndarray) -> np.ndarray:
    """The sup-F statistic of every row of Y."""
    Y = np.atleast_2d(Y)
    sse0 = ols.lines(u, Y).sse
    sse1 = hinge_sse(u, Y, cands).min(axis=1)
    df = u.size - 4
    return (sse0 - sse1) / np.maximum(sse1 / df, 1e-300)


def break_test(x, y, n_replicates: int = 999, seed: int = 0) -> BreakTest:
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    u = x - x.max()
    cands = break_candidates(u)
    if cands.size == 0:
        raise HorizonError(
            f"break test needs at least {2 * MIN_SEGMENT_POINTS} points ({MIN_SEGMENT_POINTS} each side)"
        )
    stat = float(sup_f(u, y, cands)[0])
    line = ols.lines(u, y)
    fitted = line.intercept[0] + line.slope[0] * u
    sigma = float(np.sqrt(line.sse[0] / (u.size - 2)))
    rng = np.random.default_rng(seed)
    Y = fitted + sigma * rng.standard_normal((n_replicates, u.size))
    null = sup_f(u, Y, cands)
    p = (1 + int(np.sum(null >= stat))) / (n_replicates + 1)
    return BreakTest(stat, float(p), n_replicates)
