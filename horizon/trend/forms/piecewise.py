"""Piecewise linear in ln(horizon): two doubling times joined at an estimated break date.

y = a + b1 u + (b2 - b1) max(u - c, 0): continuous, slope b1 before the break c and b2 after.
Given c the fit is linear, so the break is found by a grid search (a week apart, at least
``MIN_SEGMENT_POINTS`` points on each side) refined between neighbouring grid points.
"""

from __future__ import annotations

import numpy as np

from horizon.errors import HorizonError
from horizon.trend import ols
from horizon.trend.forms.base import Form, FormDraws, FormFit, rows

MIN_SEGMENT_POINTS = 3
BREAK_GRID_DAYS = 7.0


def hinge_design(u: np.ndarray, c: float) -> np.ndarray:
    return np.column_stack([np.ones_like(u), u, np.maximum(u - c, 0.0)])


def break_candidates(u, min_points: int = MIN_SEGMENT_POINTS, step: float = BREAK_GRID_DAYS) -> np.ndarray:
    """Candidate break days (u units), a week apart: from the ``min_points``-th point's day up
    to, not including, the ``min_points``-th last, so each segment keeps ``min_points`` points."""
    us = np.sort(np.asarray(u, dtype=float))
    if us.size < 2 * min_points:
        return np.array([])
    lo, hi = us[min_points - 1], us[-min_points]
    if hi <= lo:
        return np.array([])
    grid = np.arange(lo, hi, step)
    grid = grid[(grid >= lo) & (grid < hi)]
    return grid if grid.size else np.array([lo])


def hinge_sse(u: np.ndarray, Y, cands: np.ndarray) -> np.ndarray:
    """SSE of the continuous hinge fit at each candidate break (columns), for every row of Y."""
    u = np.asarray(u, dtype=float)
    designs = np.stack([hinge_design(u, c) for c in np.atleast_1d(cands)])
    return np.maximum(ols.sse_by_design(designs, rows(Y)), 0.0)


class Piecewise(Form):
    name = "piecewise"
    param_names = ("a", "b1", "b2", "c")
    formula = "y = a + b1 u + (b2 - b1) max(u - c, 0)"
    fixed_params = 1        # the break date c

    @property
    def min_points(self) -> int:
        return 2 * MIN_SEGMENT_POINTS

    def curve(self, P, u) -> np.ndarray:
        P = rows(P)
        u = np.asarray(u, dtype=float)[None, :]
        return P[:, 0:1] + P[:, 1:2] * u + (P[:, 2:3] - P[:, 1:2]) * np.maximum(u - P[:, 3:4], 0.0)

    def slope(self, P, u: float) -> np.ndarray:
        P = rows(P)
        return np.where(u >= P[:, 3], P[:, 2], P[:, 1])

    def reach(self, P, y: float | np.ndarray) -> np.ndarray:
        P = rows(P)
        a, b1, b2, c = P.T
        y_c = a + b1 * c
        with np.errstate(divide="ignore", invalid="ignore"):
            before = np.where(b1 > 0, (y - a) / np.where(b1 > 0, b1, 1.0), np.where(y == y_c, c, -np.inf))
            after = np.where(b2 > 0, c + (y - y_c) / np.where(b2 > 0, b2, 1.0), np.inf)
        return np.where(y <= y_c, before, after)

    def _fit(self, u, y, start):
        from scipy.optimize import minimize_scalar

        cands = break_candidates(u)
        if cands.size == 0:
            raise HorizonError(f"piecewise trend needs at least {MIN_SEGMENT_POINTS} points on each side of a break")
        sse = hinge_sse(u, y, cands)[0]
        j = int(np.argmin(sse))
        lo = cands[max(j - 1, 0)]
        hi = cands[min(j + 1, cands.size - 1)]
        best_c = cands[j]
        if hi > lo:
            res = minimize_scalar(
                lambda c: float(hinge_sse(u, y, np.array([c]))[0, 0]),
                bounds=(lo, hi), method="bounded", options={"xatol": 0.01},
            )
            if res.fun < sse[j]:
                best_c = float(res.x)
        a, b1, db = ols.fit(hinge_design(u, best_c), y).coef[0]
        return a, b1, b1 + db, best_c

    def break_date(self, fit: FormFit):
        from horizon.trend.rules import date_from_day

        return date_from_day(fit.x_ref + fit.params[3])

    def detail(self, fit: FormFit) -> str | None:
        return f"break {self.break_date(fit).isoformat()}"

    def refit(self, fit: FormFit, x, Y) -> FormDraws:
        """Grid search only (no refinement), all rows at once; rows with missing points are
        refitted one by one."""
        Y = rows(Y)
        u = np.asarray(x, dtype=float) - fit.x_ref
        complete = np.all(np.isfinite(Y), axis=1)
        out = np.full((Y.shape[0], 4), np.nan)
        cands = break_candidates(u)
        if complete.any() and cands.size:
            Yc = Y[complete]
            best = np.argmin(hinge_sse(u, Yc, cands), axis=1)
            block = np.empty((Yc.shape[0], 4))
            for j in np.unique(best):
                sel = best == j
                coef = ols.fit(hinge_design(u, cands[j]), Yc[sel]).coef
                block[sel] = np.column_stack([coef[:, 0], coef[:, 1], coef[:, 1] + coef[:, 2],
                                              np.full(sel.sum(), cands[j])])
            out[complete] = block
        for i in np.flatnonzero(~complete):
            ok = np.isfinite(Y[i])
            try:
                out[i] = self.fit(np.asarray(x, dtype=float)[ok], Y[i, ok], x_ref=fit.x_ref).params
            except HorizonError:
                continue
        good = np.all(np.isfinite(out), axis=1)
        return FormDraws(self.name, out[good], fit.x_ref, int((~good).sum()))
