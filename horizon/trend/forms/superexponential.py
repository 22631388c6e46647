"""Superexponential: each doubling takes a constant fraction less time than the last.

y = a - (ln 2 / g) ln(1 - g u / D): the instantaneous doubling time D(u) = D - g u shrinks
linearly, which makes each doubling a constant fraction f = 1 - exp(-g) shorter than the one
before (g < 0: longer). D is the doubling time at the last point (u = 0).
"""

from __future__ import annotations

import math

import numpy as np

from horizon.trend import ols
from horizon.trend.forms.base import LN2, CurvedForm, FormFit, NotConverged, log_ratio, rows
from horizon.trend.status import NOT_IDENTIFIED, Status

# The doubling time at the last point may not exceed this many days (about 2,700 years): a
# fit that runs there has found no growth to describe, and the bound keeps it finite.
MAX_DOUBLING_DAYS = 1e6
# A parameter this close (relative, in the fit's coordinates) to its bound counts as on it.
BOUND_TOLERANCE = 1e-3


class Superexponential(CurvedForm):
    name = "superexponential"
    param_names = ("a", "D", "g")
    formula = "y = a - (ln 2 / g) ln(1 - g u / D)"

    def curve(self, P, u) -> np.ndarray:
        P = rows(P)
        u = np.asarray(u, dtype=float)
        # Trial steps can be wild (D near 0): overflow there just means an infinite SSE.
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            ud = u[None, :] / P[:, 1:2]
            z = P[:, 2:3] * ud
            inside = z < 1
            return np.where(inside, P[:, 0:1] + LN2 * ud * log_ratio(np.where(inside, z, 0.0)), np.inf)

    def slope(self, P, u: float) -> np.ndarray:
        P = rows(P)
        left = P[:, 1] - P[:, 2] * u
        with np.errstate(divide="ignore"):
            return np.where(left > 0, LN2 / np.where(left > 0, left, 1.0), np.inf)

    def reach(self, P, y: float | np.ndarray) -> np.ndarray:
        P = rows(P)
        a, d, g = P.T
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            # Solve 1 - g u / d = exp(-g (y - a) / ln 2): finite for g > 0 (before the
            # singularity). When exp overflows (g < 0: each doubling slower than the last) the
            # target is reached so far out that it is not within any meaningful date.
            e = np.expm1(-g * (y - a) / LN2)
            solved = np.where(np.isfinite(e), -d * e / np.where(g == 0, 1.0, g), np.inf)
            return np.where(np.abs(g) < 1e-12, (y - a) * d / LN2, solved)

    def _bounds(self, u):
        span = float(np.ptp(u)) or 1.0
        return np.array([-np.inf, -np.inf, -span]), np.array([np.inf, math.log(MAX_DOUBLING_DAYS), span])

    def _fit(self, u, y, start):
        from scipy.optimize import least_squares

        warm = start is not None
        if start is None:
            line = ols.lines(u, y)
            slope = float(line.slope[0])
            start = (float(line.intercept[0]), LN2 / slope if slope > 0 else 365.0, 0.0)
        a0, d0, g0 = start
        lo, hi = self._bounds(u)

        def resid(theta):
            a, log_d, g = theta
            pred = self.curve(np.array([[a, math.exp(log_d), g]]), u)[0]
            r = pred - y
            # Outside the curve's domain (past a singularity) a large smooth penalty steers back.
            return np.where(np.isfinite(r), r, 1e3)

        best = None
        # A warm start (bootstrap refits) is near the answer; a cold one tries both curvatures.
        g_starts = (g0,) if warm else (g0, 0.05, -0.05)
        for g_start in g_starts:
            # Start strictly inside the bounds: a nearly flat line's doubling time (ln 2 over a
            # tiny slope) can lie beyond the largest the fit allows.
            theta0 = np.clip(np.array([a0, math.log(max(d0, 1.0)), g_start]), lo + 1e-9, hi - 1e-9)
            res = least_squares(resid, theta0, method="trf", x_scale=[1.0, 1.0, 0.1], bounds=(lo, hi))
            if res.status > 0 and np.isfinite(res.cost) and (best is None or res.cost < best.cost):
                best = res
        if best is None:
            raise NotConverged(f"{self.name} fit did not converge")
        a, log_d, g = best.x
        return a, math.exp(log_d), g

    def status(self, fit: FormFit, x, y) -> Status | None:
        lo, hi = self._bounds(np.asarray(x, dtype=float) - fit.x_ref)
        _, d, g = fit.params
        if math.log(d) >= hi[1] - BOUND_TOLERANCE:
            return Status(NOT_IDENTIFIED, "not identified: the doubling time at the last point ran to the largest"
                                          f" the fit allows (about {MAX_DOUBLING_DAYS / 365.25:,.0f} years): the points"
                                          " show no growth for this shape to describe")
        if abs(g) >= hi[2] * (1 - BOUND_TOLERANCE):
            return Status(NOT_IDENTIFIED, "not identified: the change of the doubling time from one doubling to"
                                          " the next ran to the bound the fit allows, so its value means nothing")
        return None

    def derived(self, params) -> dict[str, float]:
        return {"fraction_shorter_per_doubling": 1 - math.exp(-params[2])}

    def detail(self, fit: FormFit) -> str | None:
        f = self.derived(fit.params)["fraction_shorter_per_doubling"]
        return f"each doubling {100 * abs(f):.1f}% {'shorter' if f >= 0 else 'longer'} than the last"

    # --- batched refits (horizon.trend.batch) ----------------------------------------------------

    def batch_starts(self, base: np.ndarray, ymax: np.ndarray) -> list[np.ndarray]:
        flat = base.copy()
        flat[:, 2] = 0.0
        return [base, flat]

    def jacobian(self, P: np.ndarray, u: np.ndarray, ymax: np.ndarray) -> np.ndarray:
        """d curve / d (a, ln D, g) for every row, analytic: one curve evaluation per iteration.

        y = a + (ln2 / g) w with w = -ln(1 - z) = ln D - ln q, z = g u / D, q = D - g u > 0:
        dy/dlnD = -ln2 u / q and dy/dg = (ln2 / g)(u / q - w / g), written with q and ln q so
        that they stay finite when D is tiny; near z = 0, dy/dg = ln2 (u/D)^2 (1/2 + 2z/3 +
        3z^2/4 + ...) avoids the cancellation.
        """
        J = np.empty((P.shape[0], u.size, 3))
        d, g = P[:, 1:2], P[:, 2:3]
        uu = u[None, :]
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            q = d - g * uu
            ud = uu / d
            z = g * ud
            small = np.abs(z) < 1e-4
            gs = np.where(small, 1.0, g)
            w = np.log(d) - np.log(q)
            J[:, :, 0] = 1.0
            J[:, :, 1] = -LN2 * uu / q
            J[:, :, 2] = np.where(
                small, LN2 * ud * ud * (0.5 + z * (2.0 / 3.0 + 0.75 * z)), LN2 / gs * (uu / q - w / gs)
            )
        return J
