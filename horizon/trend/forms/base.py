"""What every trend shape provides, and the fitted results they return.

A shape is a curve y(u) of y = ln(horizon minutes) against u = days since a reference day (the
last point used, so parameters describe the trend where the data ends). Each shape is one
``Form`` subclass: its parameter names, curve, slope, the day it reaches a level, its point
fit, its refit of many replicates at once, and what makes its fit meaningless (a status).
All array methods take parameter rows ``P`` (replicates x parameters) and work on every row
at once; the one-row conveniences live on ``FormFit``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from horizon.errors import HorizonError
from horizon.trend.rules import LN2, doubling_days
from horizon.trend.status import Status

_REGISTRY: dict[str, Form] = {}


class NotConverged(HorizonError):
    """A shape's least-squares search stopped without an optimum."""


def rows(P) -> np.ndarray:
    return np.atleast_2d(np.asarray(P, dtype=float))


class Form:
    name: ClassVar[str]
    param_names: ClassVar[tuple[str, ...]]
    formula: ClassVar[str]          # the curve in words, for method notes
    # Trailing parameters found by a search rather than by least squares (the piecewise break
    # date): linearised inference holds them fixed (horizon.trend.delta).
    fixed_params: ClassVar[int] = 0
    # Parameters that are positive by definition (a replicate outside is discarded).
    positive_params: ClassVar[tuple[int, ...]] = ()

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if "name" in cls.__dict__:
            _REGISTRY[cls.name] = cls()

    @property
    def n_params(self) -> int:
        return len(self.param_names)

    @property
    def min_points(self) -> int:
        """Fewest points it is fitted to: one more than its parameters, so a residual is left."""
        return self.n_params + 1

    # --- the curve, for parameter rows ---------------------------------------------------------

    def curve(self, P, u) -> np.ndarray:
        """ln minutes at each u (columns) for every parameter row (rows)."""
        raise NotImplementedError

    def slope(self, P, u: float) -> np.ndarray:
        """d ln(minutes) / d day at u, for every parameter row."""
        raise NotImplementedError

    def reach(self, P, y: float | np.ndarray) -> np.ndarray:
        """u at which each row's curve first reaches ln-minutes ``y`` (one for all rows, or one per row; inf: never)."""
        raise NotImplementedError

    def doubling(self, P, u: float) -> np.ndarray:
        """Instantaneous doubling time at u of every row (inf where not growing)."""
        from horizon.trend.rules import doubling_days_of

        return doubling_days_of(self.slope(P, u))

    # --- fitting --------------------------------------------------------------------------------

    def fit(self, x, y, x_ref: float | None = None, start=None) -> FormFit:
        """Least-squares fit to (x days, y = ln minutes); raises HorizonError if it cannot."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        if x.size < self.min_points:
            raise HorizonError(f"{self.name} trend needs at least {self.min_points} points, got {x.size}")
        x_ref = float(x.max()) if x_ref is None else float(x_ref)
        params = tuple(float(v) for v in self._fit(x - x_ref, y, start))
        sse = float(np.sum((y - self.curve(np.array([params]), x - x_ref)[0]) ** 2))
        if not math.isfinite(sse):
            raise NotConverged(f"{self.name} fit did not converge")
        return FormFit(self.name, params, x_ref, int(x.size), sse)

    def _fit(self, u: np.ndarray, y: np.ndarray, start) -> tuple[float, ...]:
        raise NotImplementedError

    def refit(self, fit: FormFit, x, Y) -> FormDraws:
        """Refit every row of Y (replicates x points, NaN = missing) near ``fit``."""
        raise NotImplementedError

    def status(self, fit: FormFit, x, y) -> Status | None:
        """Why this fit means nothing (a parameter on a bound, a shape the points do not
        support), or None when it stands. Growth and plausibility are checked by the caller."""
        return None

    def derived(self, params) -> dict[str, float]:
        """Quantities a reader wants besides the parameters (e.g. the saturating ceiling)."""
        return {}

    def detail(self, fit: FormFit) -> str | None:
        """What the shape adds to the exponential, in words (e.g. the break date)."""
        return None

    def break_date(self, fit: FormFit):
        """The date the trend changes pace, for shapes that have one (else None)."""
        return None


class CurvedForm(Form):
    """A curve refitted to many replicates at once by batched Levenberg-Marquardt
    (``horizon.trend.batch``), its second parameter kept positive by fitting its log."""

    positive_params = (1,)

    def refit(self, fit: FormFit, x, Y) -> FormDraws:
        from horizon.trend.batch import refit_rows

        return refit_rows(fit, x, Y)

    def batch_starts(self, base: np.ndarray, ymax: np.ndarray) -> list[np.ndarray]:
        raise NotImplementedError

    def jacobian(self, P: np.ndarray, u: np.ndarray, ymax: np.ndarray) -> np.ndarray:
        """d curve / d theta for every parameter row (theta: the parameters, the second as its log)."""
        raise NotImplementedError

    def to_theta(self, P: np.ndarray) -> np.ndarray:
        T = P.copy()
        T[:, 1] = np.log(P[:, 1])
        return T

    def from_theta(self, T: np.ndarray, ymax: np.ndarray) -> np.ndarray:
        P = T.copy()
        P[:, 1] = np.exp(np.clip(T[:, 1], -700, 700))
        return P


@dataclass(frozen=True)
class FormFit:
    form: str
    params: tuple[float, ...]   # in the order of the form's param_names; u measured from x_ref
    x_ref: float
    n: int
    sse: float

    @property
    def shape(self) -> Form:
        return _REGISTRY[self.form]

    @property
    def k(self) -> int:
        """Parameters counted by the information criteria (curve parameters + residual sd)."""
        return self.shape.n_params + 1

    @property
    def loglik(self) -> float:
        s2 = max(self.sse / self.n, 1e-300)
        return -0.5 * self.n * (math.log(2 * math.pi * s2) + 1)

    @property
    def aic(self) -> float:
        return -2 * self.loglik + 2 * self.k

    @property
    def bic(self) -> float:
        return -2 * self.loglik + self.k * math.log(self.n)

    @property
    def residual_sd(self) -> float:
        """sqrt(SSE / (n - parameters)): the scatter of points about the curve."""
        df = self.n - self.shape.n_params
        return math.sqrt(self.sse / df) if df > 0 else math.nan

    def predict(self, x) -> np.ndarray:
        return self.shape.curve(np.array([self.params]), np.asarray(x, dtype=float) - self.x_ref)[0]

    def slope_at(self, x: float) -> float:
        return float(self.shape.slope(np.array([self.params]), float(x) - self.x_ref)[0])

    def doubling_days_at(self, x: float) -> float:
        """Instantaneous doubling time at day ``x`` (ln 2 over the slope of ln horizon)."""
        return doubling_days(self.slope_at(x))

    def day_reaching(self, y_target: float) -> float:
        """Day number at which the curve first reaches ln-horizon ``y_target`` (inf if never)."""
        return self.x_ref + float(self.shape.reach(np.array([self.params]), y_target)[0])

    def named_params(self) -> dict[str, float]:
        out = dict(zip(self.shape.param_names, self.params))
        out["x_ref"] = self.x_ref
        out.update(self.shape.derived(self.params))
        return out


@dataclass(frozen=True)
class FormDraws:
    """Replicate fits of one form (rows of parameters), e.g. from a bootstrap."""

    form: str
    params: np.ndarray      # replicates x parameters
    x_ref: float
    n_failed: int

    def doubling_at_end(self) -> np.ndarray:
        """Instantaneous doubling time at x_ref (the last point) of every replicate."""
        return _REGISTRY[self.form].doubling(self.params, 0.0)

    def reach_days(self, y_target: float | np.ndarray) -> np.ndarray:
        """Day number at which every replicate's curve reaches ``y_target`` (inf: never)."""
        return self.x_ref + _REGISTRY[self.form].reach(self.params, y_target)


def log_ratio(z) -> np.ndarray:
    """-ln(1 - z) / z, continuous at z = 0 (value 1)."""
    z = np.asarray(z, dtype=float)
    small = np.abs(z) < 1e-8
    safe = np.where(small, 0.5, z)
    return np.where(small, 1 + z / 2, -np.log1p(-safe) / safe)


__all__ = ["LN2", "CurvedForm", "Form", "FormDraws", "FormFit", "NotConverged", "log_ratio", "rows"]
