"""Is there a break in the log-linear trend? The sup-F test, and how much to trust it.

The break date is unknown under the null, so the usual F distribution does not apply (Davies'
problem): the largest F over every allowed break date is compared with the same statistic
computed on data simulated from the fitted no-break line. Two nulls: normal errors with the
residual standard deviation, and a wild bootstrap of the residuals (Rademacher signs), which
assumes nothing about their distribution. With a dozen points one model can make a break:
the test is repeated with each model left out, and the largest p-value names the model the
result rests on. A break on the first or last date the grid allows is flagged too: the grid
stops there only because a segment needs three points.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from horizon.errors import HorizonError
from horizon.trend import ols
from horizon.trend.forms.piecewise import BREAK_GRID_DAYS, MIN_SEGMENT_POINTS, break_candidates, hinge_sse
from horizon.trend.rules import calendar_date, date_from_day

SIGNIFICANCE = 0.05
METHOD = (
    "sup-F test of a continuous break in the log-linear trend (break date unknown, at least"
    f" {MIN_SEGMENT_POINTS} points each side, dates {BREAK_GRID_DAYS:g} days apart); p-values by simulation"
    " from the no-break line, with normal errors and with wild-bootstrap (Rademacher) residuals; repeated"
    " with each model left out"
)


@dataclass(frozen=True)
class BreakTest:
    statistic: float           # sup over candidate breaks of the F statistic for one extra slope
    p_value: float             # null: the no-break line with normal errors
    p_value_wild: float        # null: the no-break line with wild-bootstrap residuals
    n_replicates: int
    break_date: date | None    # where the sup is attained (grid resolution)
    grid_first: date
    grid_last: date
    at_grid_edge: str | None   # "first" or "last" when the break is on an end of the grid
    leave_one_out: tuple[tuple[str, float], ...] = ()   # (model_id, p_value) per model left out
    method: str = METHOD

    @property
    def most_influential(self) -> tuple[str, float] | None:
        """The model whose removal raises the p-value the most, with that p-value."""
        return max(self.leave_one_out, key=lambda m: (m[1], m[0])) if self.leave_one_out else None

    @property
    def rests_on_one_model(self) -> bool | None:
        """True when the break is significant but not once one model is left out."""
        top = self.most_influential
        if top is None:
            return None
        return self.p_value < SIGNIFICANCE <= top[1]

    def summary(self, names: dict[str, str] | None = None) -> str:
        """The result in plain words (model ids, or ``names`` for them)."""
        names = names or {}
        where = f" on {self.break_date.isoformat()}" if self.break_date else ""
        verdict = "a break" if self.p_value < SIGNIFICANCE else "no clear break"
        parts = [f"Break test: {verdict}{where} (p = {self.p_value:.3f} with normal errors,"
                 f" {self.p_value_wild:.3f} with a wild-bootstrap null)."]
        top = self.most_influential
        if top is not None:
            who = names.get(top[0], top[0])
            if self.rests_on_one_model:
                parts.append(f"It rests on one model: without {who} p = {top[1]:.2f}.")
            else:
                parts.append(f"Leaving out any one model, p stays at or below {top[1]:.3f} (largest without {who}).")
        if self.at_grid_edge:
            which = "earliest" if self.at_grid_edge == "first" else "latest"
            parts.append(f"The break sits on the {which} date the test allows ({MIN_SEGMENT_POINTS} models on that"
                         " side), so the data cannot say it was not earlier or later.")
        return " ".join(parts)


def sup_f(u: np.ndarray, Y, cands: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sup-F statistic of every row of Y, and the candidate index attaining it."""
    Y = np.atleast_2d(Y)
    sse0 = ols.lines(u, Y).sse
    sse1 = hinge_sse(u, Y, cands)
    best = sse1.argmin(axis=1)
    df = u.size - 4
    return (sse0 - sse1[np.arange(Y.shape[0]), best]) / np.maximum(sse1[np.arange(Y.shape[0]), best] / df, 1e-300), best


def _p_values(u, y, cands, n_replicates, seed, wild: bool = True) -> tuple[float, float, float | None, int]:
    stat, best = sup_f(u, y, cands)
    line = ols.lines(u, y)
    fitted = line.intercept[0] + line.slope[0] * u
    res = y - fitted
    sigma = float(np.sqrt(line.sse[0] / (u.size - 2)))
    rng = np.random.default_rng(seed)
    normal = sup_f(u, fitted + sigma * rng.standard_normal((n_replicates, u.size)), cands)[0]
    p = (1 + int(np.sum(normal >= stat[0]))) / (n_replicates + 1)
    p_wild = None
    if wild:
        drawn = sup_f(u, fitted + res * rng.choice(np.array([-1.0, 1.0]), size=(n_replicates, u.size)), cands)[0]
        p_wild = (1 + int(np.sum(drawn >= stat[0]))) / (n_replicates + 1)
    return float(stat[0]), p, p_wild, int(best[0])


def break_test(x, y, n_replicates: int = 999, seed: int = 0, model_ids=None) -> BreakTest:
    """The sup-F break test of (x days, y = ln minutes); with ``model_ids`` (one per point),
    also with each model left out (when enough points remain)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    u = x - x.max()
    cands = break_candidates(u)
    if cands.size == 0:
        raise HorizonError(
            f"break test needs at least {2 * MIN_SEGMENT_POINTS} points ({MIN_SEGMENT_POINTS} each side)"
        )
    stat, p, p_wild, j = _p_values(u, y, cands, n_replicates, seed)
    assert p_wild is not None  # the wild bootstrap runs unless asked not to
    edge = "first" if j == 0 else ("last" if j == cands.size - 1 else None)
    loo = []
    if model_ids is not None and x.size - 1 >= 2 * MIN_SEGMENT_POINTS:
        for i, model in enumerate(model_ids):
            keep = np.arange(x.size) != i
            ui = x[keep] - x[keep].max()
            ci = break_candidates(ui)
            if ci.size:
                loo.append((model, _p_values(ui, y[keep], ci, n_replicates, seed, wild=False)[1]))
    x_last = float(x.max())
    return BreakTest(stat, p, p_wild, n_replicates, date_from_day(x_last + cands[j]),
                     calendar_date(x_last + cands[0]), calendar_date(x_last + cands[-1]), edge, tuple(loo))
