"""The exponential trend: a straight line in ln(horizon), a constant doubling time."""

from __future__ import annotations

import numpy as np

from horizon.errors import HorizonError
from horizon.trend import ols
from horizon.trend.forms.base import Form, FormDraws, FormFit, rows


class Exponential(Form):
    name = "exponential"
    param_names = ("a", "b")
    formula = "y = a + b u"

    @property
    def min_points(self) -> int:
        return 3

    def curve(self, P, u) -> np.ndarray:
        P = rows(P)
        return P[:, 0:1] + P[:, 1:2] * np.asarray(u, dtype=float)[None, :]

    def slope(self, P, u: float) -> np.ndarray:
        return rows(P)[:, 1].copy()

    def reach(self, P, y: float | np.ndarray) -> np.ndarray:
        P = rows(P)
        a, b = P[:, 0], P[:, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(b > 0, (y - a) / np.where(b > 0, b, 1.0), np.inf)

    def _fit(self, u, y, start):
        if np.ptp(u) == 0:
            raise HorizonError("a trend needs points released on at least two different dates")
        if np.ptp(y) == 0:
            # Every horizon equal: the line is flat exactly, not up to rounding (which would
            # read as a doubling every 10^16 days).
            return float(y[0]), 0.0
        line = ols.lines(u, y)
        return float(line.intercept[0]), float(line.slope[0])

    def refit(self, fit: FormFit, x, Y) -> FormDraws:
        Y = rows(Y)
        line = ols.lines(np.asarray(x, dtype=float) - fit.x_ref, Y, mask=np.isfinite(Y))
        ok = (line.n >= self.min_points) & np.isfinite(line.slope)
        params = np.column_stack([line.intercept, line.slope])[ok]
        return FormDraws(self.name, params, fit.x_ref, int((~ok).sum()))
