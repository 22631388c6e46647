"""Saturating: logistic growth of the horizon itself, exponential early and levelling off.

y = U - ln(1 + exp(U - a - b u)): far below the ceiling exp(U) minutes this is the straight
line a + b u; the ceiling U is what the shape adds. As U grows without bound the curve becomes
the exponential, so the ceiling is identified only if the points pull the fit away from it.
"""

from __future__ import annotations

import math

import numpy as np

from horizon.trend.forms.base import CurvedForm, FormFit, NotConverged, rows
from horizon.trend.status import NOT_IDENTIFIED, Status

# Ceiling of the saturating form above the highest point, in ln units: e^20 times higher is
# no ceiling at all, and bounding it keeps the fit from running off to infinity.
MAX_HEADROOM = 20.0
MIN_HEADROOM = -5.0
# Identification: the 95% profile-likelihood interval of the ceiling must be bounded above,
# i.e. the fit with a ceiling must beat the exponential (the ceiling at infinity) by an F test
# of one extra parameter at this level. An interior optimum alone is not enough: about half of
# purely exponential data sets of METR's size have one somewhere.
IDENTIFICATION_LEVEL = 0.95
CEILING_AT_BOUND = (
    f"ceiling not identified: the fitted ceiling sits at the upper bound the fit allows (e^{MAX_HEADROOM:g} times"
    " the highest point), so the curve is the exponential in disguise; no interval and no forecasts of its own"
)


class Saturating(CurvedForm):
    name = "saturating"
    param_names = ("a", "b", "U")
    formula = "y = U - ln(1 + exp(U - a - b u))"

    def curve(self, P, u) -> np.ndarray:
        P = rows(P)
        s = P[:, 2:3] - P[:, 0:1] - P[:, 1:2] * np.asarray(u, dtype=float)[None, :]
        return P[:, 2:3] - np.logaddexp(0.0, s)

    def slope(self, P, u: float) -> np.ndarray:
        P = rows(P)
        a, b, top = P.T
        z = top - a - b * u
        with np.errstate(over="ignore"):
            return np.where(z > -700, b / (1 + np.exp(-z)), 0.0)

    def reach(self, P, y: float | np.ndarray) -> np.ndarray:
        P = rows(P)
        a, b, top = P.T
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            reach = (top - a - np.log(np.expm1(top - y))) / b
        return np.where((y >= top) | (b <= 0), np.inf, reach)

    @staticmethod
    def _bounds(ymax):
        return [-np.inf, 1e-7, ymax + MIN_HEADROOM], [np.inf, 1.0, ymax + MAX_HEADROOM]

    def _fit(self, u, y, start):
        from scipy.optimize import least_squares

        from horizon.trend import ols

        ymax = float(np.max(y))
        if start is None:
            line = ols.lines(u, y)
            a, b = float(line.intercept[0]), max(float(line.slope[0]), 1e-4)
            starts = [(a, b, ymax + 2.0), (a, b, ymax + 0.5), (a, b, ymax + 8.0)]
        else:
            starts = [tuple(start)]
        lo, hi = self._bounds(ymax)

        def resid(theta):
            return self.curve(theta[None, :], u)[0] - y

        best = None
        for s in starts:
            s = np.clip(np.asarray(s, dtype=float), np.array(lo) + 1e-9, np.array(hi) - 1e-9)
            res = least_squares(resid, s, method="trf", bounds=(lo, hi), x_scale=[1.0, 1e-3, 1.0])
            if res.status > 0 and np.isfinite(res.cost) and (best is None or res.cost < best.cost):
                best = res
        if best is None:
            raise NotConverged(f"{self.name} fit did not converge")
        return tuple(float(v) for v in best.x)

    def ceiling_test(self, fit: FormFit, x, y) -> float:
        """p-value of the F test of the ceiling against the exponential on the same points
        (1 extra parameter): small when the points bend."""
        from scipy.special import fdtrc

        from horizon.trend.forms import FORMS

        exp = FORMS["exponential"].fit(x, y, x_ref=fit.x_ref)
        df = fit.n - self.n_params
        if df <= 0 or fit.sse <= 0:
            return 0.0 if exp.sse > fit.sse else 1.0
        f_stat = max(exp.sse - fit.sse, 0.0) / (fit.sse / df)
        return float(fdtrc(1, df, f_stat))

    def status(self, fit: FormFit, x, y) -> Status | None:
        ymax = float(np.max(np.asarray(y, dtype=float)))
        lo, hi = self._bounds(ymax)
        _, b, top = fit.params
        if top >= hi[2] - 1.0:
            # When the points do not bend, the least-squares surface is flat in the ceiling and
            # the optimiser stops anywhere near the bound (0.05-0.07 below it on METR's 80%
            # points), not exactly on it.
            return Status(NOT_IDENTIFIED, CEILING_AT_BOUND)
        if top <= lo[2] + 1e-6 or b <= lo[1] * (1 + 1e-3) or b >= hi[1] * (1 - 1e-3):
            return Status(NOT_IDENTIFIED, "not identified: a parameter of the saturating fit sits on the bound the"
                                          " fit allows, so its ceiling means nothing")
        p = self.ceiling_test(fit, x, y)
        if p > 1 - IDENTIFICATION_LEVEL:
            return Status(NOT_IDENTIFIED, "ceiling not identified: the points do not bend enough to bound it (the"
                                          f" {IDENTIFICATION_LEVEL:.0%} profile interval of the ceiling is unbounded above;"
                                          f" F test against the exponential p = {p:.2f}), so the curve is the"
                                          " exponential in disguise; no interval and no forecasts of its own")
        return None

    def derived(self, params) -> dict[str, float]:
        return {"ceiling_minutes": math.exp(params[2])}

    def detail(self, fit: FormFit) -> str | None:
        return f"ceiling {self.derived(fit.params)['ceiling_minutes'] / 60:.3g} h"

    # --- batched refits (horizon.trend.batch) ----------------------------------------------------

    def batch_starts(self, base: np.ndarray, ymax: np.ndarray) -> list[np.ndarray]:
        """The point fit, plus ceilings just above each replicate's highest point: from a far
        ceiling the curve is flat in U and a local search cannot find a bend."""
        out = [base]
        for head in (0.5, 2.0):
            s = base.copy()
            s[:, 2] = ymax + head
            out.append(s)
        return out

    def from_theta(self, T: np.ndarray, ymax: np.ndarray) -> np.ndarray:
        P = super().from_theta(T, ymax)
        P[:, 2] = np.clip(T[:, 2], ymax + MIN_HEADROOM, ymax + MAX_HEADROOM)
        return P

    def jacobian(self, P: np.ndarray, u: np.ndarray, ymax: np.ndarray) -> np.ndarray:
        """d curve / d (a, ln b, U) for every row, analytic."""
        J = np.empty((P.shape[0], u.size, 3))
        s = P[:, 2:3] - P[:, 0:1] - P[:, 1:2] * u[None, :]
        sig = 0.5 * (1.0 + np.tanh(0.5 * s))     # logistic(s), without overflow
        J[:, :, 0] = sig
        J[:, :, 1] = P[:, 1:2] * u[None, :] * sig
        # A ceiling held at its upper bound cannot move up: no slope in that direction.
        J[:, :, 2] = np.where((P[:, 2] < ymax + MAX_HEADROOM)[:, None], 1.0 - sig, 0.0)
        return J
