"""Integrating the feedback law, all draws at once (pure).

    dx/dtau = g0 (M(x) / M(0))^lambda exp(-beta (x - g0 tau)) C(x),   x = ln(h / h_s)

The growth rate is positive, so the path is integrated with the progress s as the independent
variable and the time tau(s) as the state: a blow-up is then a finite limit of tau as s grows,
not a rate that overflows, and every draw shares one grid of s. Without a ceiling x = s
(s up to 40: h = e^40 h_s, beyond every threshold); with a ceiling X_c the map
x = X_c (1 - e^-s) removes C's zero (dx/ds / C = X_c), so tau(s) stays smooth as h approaches
h_c (s up to 25: within e^-25 of the ceiling in ln h).

Method: scipy's DOP853 (explicit Runge-Kutta of order 8) with rtol 1e-9 and atol 1e-6 days,
read at 2,001 points of s. tests/test_scenarios_dynamics.py checks it against closed forms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

S_MAX_OPEN = 40.0
S_MAX_CEILING = 25.0
N_POINTS = 2001
RTOL = 1e-9
ATOL_DAYS = 1e-6


@dataclass(frozen=True)
class FeedbackPath:
    """tau (days since the start) along a uniform grid of the progress s, per draw (rows)."""

    s: np.ndarray                # (S,) uniform grid of the progress variable
    tau: np.ndarray              # (n, S): days since the start date, increasing along each row
    ceiling: np.ndarray | None   # X_c per draw (x = X_c (1 - e^-s)), or None (x = s)
    dtau_ds_end: np.ndarray      # (n,): dtau/ds at the end of the grid (for blow-up tails)
    flat: np.ndarray             # (n,) bool: at or above the ceiling from the start; h stays put

    @property
    def bounded(self) -> bool:
        """The path approaches a ceiling (its last point) rather than running off."""
        return self.ceiling is not None

    def x_of_s(self, s) -> np.ndarray:
        s = np.asarray(s, dtype=float)
        if self.ceiling is None:
            return s * np.ones((self.tau.shape[0],) + (1,) * (s.ndim - 1 if s.ndim else 0)) if s.ndim <= 1 else s
        xc = self.ceiling.reshape((-1,) + (1,) * (s.ndim - 1)) if s.ndim > 1 else self.ceiling
        return xc * -np.expm1(-s)

    @property
    def x(self) -> np.ndarray:
        """(n, S): ln(h / h_s) at each grid point."""
        if self.ceiling is None:
            return np.broadcast_to(self.s, self.tau.shape)
        return np.where(self.flat[:, None], 0.0, self.ceiling[:, None] * -np.expm1(-self.s)[None, :])

    def s_of_x(self, x) -> np.ndarray:
        """Progress at which each draw reaches x (n,); inf where the path never does."""
        x = np.asarray(x, dtype=float)
        if self.ceiling is None:
            return x
        with np.errstate(divide="ignore", invalid="ignore"):
            s = -np.log1p(-x / self.ceiling)
        return np.where((x < self.ceiling) & ~self.flat, s, np.inf)


def solve_feedback(
    g0: np.ndarray,
    lam: np.ndarray,
    beta: np.ndarray,
    log_mult_ratio: Callable[[np.ndarray], np.ndarray],
    ceiling: np.ndarray | None = None,
    s_max: float | None = None,
    n_points: int = N_POINTS,
) -> FeedbackPath:
    """``log_mult_ratio(x)`` gives ln(M(x) / M(0)) for every draw at x (shape (n,) or (n, S)).

    ``ceiling``: X_c per draw, or None. A draw with X_c <= 0 starts at or above its ceiling: its
    path is flat (``flat``) and never moves.
    """
    from scipy.integrate import solve_ivp

    g0 = np.asarray(g0, dtype=float)
    lam = np.asarray(lam, dtype=float)
    beta = np.asarray(beta, dtype=float)
    n = g0.size
    s_max = s_max if s_max is not None else (S_MAX_OPEN if ceiling is None else S_MAX_CEILING)
    s = np.linspace(0.0, s_max, n_points)
    if ceiling is None:
        flat = np.zeros(n, dtype=bool)
        xc = None
    else:
        xc = np.asarray(ceiling, dtype=float)
        flat = xc <= 0
        xc = np.where(flat, 1.0, xc)   # any positive value: flat rows are overwritten below

    def x_of(sv):
        return sv * np.ones(n) if xc is None else xc * -np.expm1(-sv)

    q = np.ones(n) if xc is None else xc

    def rate(sv, tau):
        x = x_of(sv)
        return q * np.exp(beta * (x - g0 * tau) - lam * log_mult_ratio(x)) / g0

    sol = solve_ivp(rate, (0.0, s_max), np.zeros(n), method="DOP853", t_eval=s, rtol=RTOL, atol=ATOL_DAYS)
    if sol.status != 0:
        from horizon.errors import HorizonError

        raise HorizonError(f"scenario integration failed: {sol.message}")
    tau = sol.y
    end = rate(s_max, tau[:, -1])
    if flat.any():
        tau[flat] = np.where(s[None, :] > 0, np.inf, 0.0)
        end = np.where(flat, 0.0, end)
    return FeedbackPath(s, tau, None if xc is None else np.where(flat, 0.0, xc), end, flat)


def x_at(path: FeedbackPath | None, g0: np.ndarray, tau: np.ndarray, blowup: np.ndarray | None = None) -> np.ndarray:
    """x = ln(h / h_s) per draw at days ``tau`` since the start ((n, k), or (k,) for all draws).

    Before the start every scenario follows the fitted trend (x = g0 tau); without a path (no
    feedback) so does the future. Past the end of a path: +inf after a blow-up, the ceiling on a
    bounded path, otherwise +inf (beyond the model's range, h > e^40 h_s).
    """
    g0 = np.asarray(g0, dtype=float)
    tau = np.asarray(tau, dtype=float)
    if tau.ndim == 1:
        tau = np.broadcast_to(tau, (g0.size, tau.size))
    trend = g0[:, None] * tau
    if path is None:
        return trend
    s_at = np.empty_like(trend)
    for i in range(g0.size):
        s_at[i] = np.interp(tau[i], path.tau[i], path.s) if not path.flat[i] else 0.0
    x = path.x_of_s(s_at)
    beyond = tau > path.tau[:, -1:]
    if beyond.any():
        if path.bounded:
            fill = np.broadcast_to(path.x[:, -1:], x.shape)
        else:
            fill = np.full(x.shape, np.inf)
        if blowup is not None:
            before_blowup = np.isfinite(blowup)[:, None] & (tau < blowup[:, None])
            fill = np.where(before_blowup, path.x[:, -1:], fill)
        x = np.where(beyond, fill, x)
    x = np.where(path.flat[:, None] & (tau >= 0), 0.0, x)
    return np.where(tau < 0, trend, x)


def tau_at(path: FeedbackPath | None, g0: np.ndarray, x_target: np.ndarray, blowup: np.ndarray | None = None) -> np.ndarray:
    """Days since the start at which each draw first reaches x_target (n,): inf if never; after
    the end of a blowing-up path, its blow-up time."""
    g0 = np.asarray(g0, dtype=float)
    x_target = np.asarray(x_target, dtype=float)
    with np.errstate(invalid="ignore"):
        trend = np.where(np.isfinite(x_target), x_target / g0, x_target)
    if path is None:
        return trend
    s = path.s_of_x(np.where(np.isfinite(x_target), np.maximum(x_target, 0.0), np.inf))
    step = path.s[1] - path.s[0]
    inside = np.isfinite(s) & (s <= path.s[-1])
    pos = np.where(inside, s / step, 0.0)
    j = np.minimum(pos.astype(np.int64), path.s.size - 2)
    frac = pos - j
    rows = np.arange(g0.size)
    with np.errstate(invalid="ignore"):   # flat rows hold inf; they are replaced below
        tau = path.tau[rows, j] + frac * (path.tau[rows, j + 1] - path.tau[rows, j])
    after = np.inf if blowup is None else np.where(np.isfinite(blowup), blowup, np.inf)
    out = np.where(inside, tau, after)
    out = np.where(path.flat, np.inf, out)
    return np.where(x_target <= 0, trend, out)
