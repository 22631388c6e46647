"""Alternative trend shapes fitted to the same points as the exponential.

Every form is a curve y(u) for y = ln(horizon minutes) and u = days since a reference day
(the last point used, so parameters describe the trend where the data ends):

- exponential:       y = a + b u
- piecewise:         y = a + b1 u + (b2 - b1) max(u - c, 0)   continuous in log space, break c
- superexponential:  y = a - (ln 2 / g) ln(1 - g u / D)   instantaneous doubling time
                     D(u) = D - g u shrinks linearly, which makes each doubling a constant
                     fraction f = 1 - exp(-g) shorter than the one before (g < 0: longer)
- saturating:        y = U - ln(1 + exp(U - a - b u))     logistic growth of the horizon
                     itself: exponential early, levelling off at exp(U) minutes

Each fit reports its residual sum of squares and information criteria on the same points, so
forms are compared like for like.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from horizon.errors import HorizonError
from horizon.trend.exponential import LN2

FORMS = ("exponential", "piecewise", "superexponential", "saturating")
N_PARAMS = {"exponential": 2, "piecewise": 4, "superexponential": 3, "saturating": 3}
MIN_SEGMENT_POINTS = 3
BREAK_GRID_DAYS = 7.0
# Ceiling of the saturating form above the highest point, in ln units: e^20 times higher is
# no ceiling at all, and bounding it keeps the fit from running off to infinity.
SATURATING_MAX_HEADROOM = 20.0
# A fitted ceiling this close (ln units) to that bound counts as on it: when the points do not
# bend, the least-squares surface is flat in the ceiling and the optimiser stops anywhere near
# the bound (0.05-0.07 below it on the METR 80% points), not exactly on it.
SATURATING_BOUND_TOLERANCE = 1.0


@dataclass(frozen=True)
class FormFit:
    form: str
    params: tuple[float, ...]   # exponential (a, b); piecewise (a, b1, b2, c); superexponential
                                # (a, D, g); saturating (a, b, U); u measured from x_ref
    x_ref: float
    n: int
    sse: float

    @property
    def k(self) -> int:
        """Parameters counted by the information criteria (curve parameters + residual sd)."""
        return N_PARAMS[self.form] + 1

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

    def predict(self, x) -> np.ndarray:
        return curve(self.form, self.params, np.asarray(x, dtype=float) - self.x_ref)

    def doubling_days_at(self, x: float) -> float:
        """Instantaneous doubling time at day ``x`` (ln 2 over the slope of ln horizon)."""
        u = float(x) - self.x_ref
        rate = slope_at(self.form, self.params, u)
        return LN2 / rate if rate > 0 else math.inf

    def day_reaching(self, y_target: float) -> float:
        """Day number at which the curve first reaches ln-horizon ``y_target`` (inf if never)."""
        return self.x_ref + u_reaching(self.form, self.params, y_target)

    def named_params(self) -> dict[str, float]:
        names = {
            "exponential": ("a", "b"),
            "piecewise": ("a", "b1", "b2", "c"),
            "superexponential": ("a", "D", "g"),
            "saturating": ("a", "b", "U"),
        }[self.form]
        out = dict(zip(names, self.params))
        out["x_ref"] = self.x_ref
        if self.form == "superexponential":
            out["fraction_shorter_per_doubling"] = 1 - math.exp(-self.params[2])
        return out


def _log_ratio(z: np.ndarray) -> np.ndarray:
    """-ln(1 - z) / z, continuous at z = 0 (value 1)."""
    z = np.asarray(z, dtype=float)
    small = np.abs(z) < 1e-8
    safe = np.where(small, 0.5, z)
    return np.where(small, 1 + z / 2, -np.log1p(-safe) / safe)


def curve(form: str, p, u: np.ndarray) -> np.ndarray:
    if form == "exponential":
        return p[0] + p[1] * u
    if form == "piecewise":
        return p[0] + p[1] * u + (p[2] - p[1]) * np.maximum(u - p[3], 0.0)
    if form == "superexponential":
        a, d, g = p
        z = g * u / d
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(z < 1, a + LN2 * (u / d) * _log_ratio(z), np.inf)
    if form == "saturating":
        a, b, top = p
        return top - np.logaddexp(0.0, top - a - b * u)
    raise HorizonError(f"unknown trend form {form!r}: expected one of {', '.join(FORMS)}")


def slope_at(form: str, p, u: float) -> float:
    return float(slopes_at(form, np.asarray(p, dtype=float)[None, :], u)[0])


def u_reaching(form: str, p, y: float) -> float:
    return float(u_reaching_rows(form, np.asarray(p, dtype=float)[None, :], y)[0])


def _columns(P) -> list[np.ndarray]:
    P = np.asarray(P, dtype=float)
    return [P[:, i] for i in range(P.shape[1])]


def slopes_at(form: str, P, u: float) -> np.ndarray:
    """Slope of ln horizon at ``u`` for every row of parameters P (bootstrap draws at once)."""
    cols = _columns(P)
    if form == "exponential":
        return cols[1].copy()
    if form == "piecewise":
        return np.where(u >= cols[3], cols[2], cols[1])
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        if form == "superexponential":
            _, d, g = cols
            left = d - g * u
            return np.where(left > 0, LN2 / left, np.inf)
        a, b, top = cols
        z = top - a - b * u
        return np.where(z > -700, b / (1 + np.exp(-z)), 0.0)


def doubling_days_at(form: str, P, u: float) -> np.ndarray:
    """Instantaneous doubling time at ``u`` for every row of P (inf where not growing)."""
    rate = slopes_at(form, P, u)
    with np.errstate(divide="ignore", over="ignore"):
        return np.where(rate > 0, LN2 / np.where(rate > 0, rate, 1.0), np.inf)


def u_reaching_rows(form: str, P, y: float) -> np.ndarray:
    """u at which each row's curve first reaches ln-horizon ``y`` (inf if never)."""
    cols = _columns(P)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        if form == "exponential":
            a, b = cols
            return np.where(b > 0, (y - a) / b, np.inf)
        if form == "piecewise":
            a, b1, b2, c = cols
            y_c = a + b1 * c
            before = np.where(b1 > 0, (y - a) / b1, np.where(y == y_c, c, -np.inf))
            after = np.where(b2 > 0, c + (y - y_c) / b2, np.inf)
            return np.where(y <= y_c, before, after)
        if form == "superexponential":
            a, d, g = cols
            # Solve 1 - g u / d = exp(-g (y - a) / ln 2): finite for g > 0 (before the
            # singularity). When exp overflows (g < 0: each doubling slower than the last) the
            # target is reached so far out that it is not within any meaningful date.
            e = np.expm1(-g * (y - a) / LN2)
            solved = np.where(np.isfinite(e), -d * e / np.where(g == 0, 1.0, g), np.inf)
            return np.where(np.abs(g) < 1e-12, (y - a) * d / LN2, solved)
        a, b, top = cols
        reach = (top - a - np.log(np.expm1(top - y))) / b
        return np.where((y >= top) | (b <= 0), np.inf, reach)


def ceiling_at_bound(fit: FormFit, y) -> bool:
    """True when a saturating fit's ceiling sits on the artificial upper bound: the points show
    no levelling off, the ceiling is not identified and the curve is the exponential's."""
    if fit.form != "saturating":
        return False
    top = float(np.max(np.asarray(y, dtype=float))) + SATURATING_MAX_HEADROOM
    return fit.params[2] >= top - SATURATING_BOUND_TOLERANCE


# --- fitting ---------------------------------------------------------------------------------


def fit_form(form: str, x, y, x_ref: float | None = None, start=None) -> FormFit:
    """Least-squares fit of ``form`` to (x days, y = ln minutes); u is measured from x_ref."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if form not in FORMS:
        raise HorizonError(f"unknown trend form {form!r}: expected one of {', '.join(FORMS)}")
    need = N_PARAMS[form] + 1 if form != "piecewise" else 2 * MIN_SEGMENT_POINTS
    if x.size < need:
        raise HorizonError(f"{form} trend needs at least {need} points, got {x.size}")
    x_ref = float(x.max()) if x_ref is None else float(x_ref)
    u = x - x_ref
    if form == "exponential":
        b, a = np.polyfit(u, y, 1)
        params = (float(a), float(b))
    elif form == "piecewise":
        params = _fit_piecewise(u, y)
    elif form == "superexponential":
        params = _fit_superexponential(u, y, start)
    else:
        params = _fit_saturating(u, y, start)
    sse = float(np.sum((y - curve(form, params, u)) ** 2))
    return FormFit(form, tuple(float(v) for v in params), x_ref, int(x.size), sse)


def break_candidates(u: np.ndarray, min_points: int = MIN_SEGMENT_POINTS, step: float = BREAK_GRID_DAYS):
    """Break days (u units) leaving at least ``min_points`` points strictly on each side."""
    us = np.sort(u)
    if us.size < 2 * min_points:
        return np.array([])
    lo, hi = us[min_points - 1], us[-min_points]
    if hi <= lo:
        return np.array([])
    grid = np.arange(lo, hi, step)
    grid = grid[(grid >= lo) & (grid < hi)]
    return grid if grid.size else np.array([lo])


def hinge_sse(u: np.ndarray, Y: np.ndarray, cands: np.ndarray) -> np.ndarray:
    """SSE of the continuous hinge fit at each candidate break, for every row of Y."""
    Y = np.atleast_2d(Y)
    out = np.empty((Y.shape[0], cands.size))
    for j, c in enumerate(cands):
        X = np.column_stack([np.ones_like(u), u, np.maximum(u - c, 0.0)])
        q, _ = np.linalg.qr(X)
        r = Y - (Y @ q) @ q.T
        out[:, j] = np.einsum("ij,ij->i", r, r)
    return out


def _fit_piecewise(u, y):
    from scipy.optimize import minimize_scalar

    cands = break_candidates(u)
    if cands.size == 0:
        raise HorizonError(
            f"piecewise trend needs at least {MIN_SEGMENT_POINTS} points on each side of a break"
        )
    sse = hinge_sse(u, y[None, :], cands)[0]
    j = int(np.argmin(sse))
    lo = cands[max(j - 1, 0)]
    hi = cands[min(j + 1, cands.size - 1)]
    best_c = cands[j]
    if hi > lo:
        res = minimize_scalar(
            lambda c: float(hinge_sse(u, y[None, :], np.array([c]))[0, 0]),
            bounds=(lo, hi),
            method="bounded",
            options={"xatol": 0.01},
        )
        if res.fun < sse[j]:
            best_c = float(res.x)
    X = np.column_stack([np.ones_like(u), u, np.maximum(u - best_c, 0.0)])
    a, b1, db = np.linalg.lstsq(X, y, rcond=None)[0]
    return (a, b1, b1 + db, best_c)


def _fit_superexponential(u, y, start):
    from scipy.optimize import least_squares

    warm = start is not None
    if start is None:
        b, a = np.polyfit(u, y, 1)
        start = (a, LN2 / b if b > 0 else 365.0, 0.0)
    a0, d0, g0 = start
    span = float(np.ptp(u)) or 1.0

    def resid(theta):
        a, log_d, g = theta
        d = math.exp(log_d)
        pred = curve("superexponential", (a, d, g), u)
        r = pred - y
        # Outside the curve's domain (past a singularity) a large smooth penalty steers back.
        return np.where(np.isfinite(r), r, 1e3)

    best = None
    # A warm start (bootstrap refits) is near the answer; a cold one tries both curvatures.
    g_starts = (g0,) if warm else (g0, 0.05, -0.05)
    for g_start in g_starts:
        theta0 = np.array([a0, math.log(max(d0, 1.0)), g_start])
        try:
            res = least_squares(resid, theta0, method="trf", x_scale=[1.0, 1.0, 0.1],
                                bounds=([-np.inf, -np.inf, -span], [np.inf, np.log(1e6), span]))
        except ValueError:
            continue
        if best is None or res.cost < best.cost:
            best = res
    a, log_d, g = best.x
    return (a, math.exp(log_d), g)


def _fit_saturating(u, y, start):
    from scipy.optimize import least_squares

    ymax = float(np.max(y))
    if start is None:
        b, a = np.polyfit(u, y, 1)
        starts = [(a, max(b, 1e-4), ymax + 2.0), (a, max(b, 1e-4), ymax + 0.5),
                  (a, max(b, 1e-4), ymax + 8.0)]
    else:
        starts = [tuple(start)]
    lo = [-np.inf, 1e-7, ymax - 5.0]
    hi = [np.inf, 1.0, ymax + SATURATING_MAX_HEADROOM]

    def resid(theta):
        return curve("saturating", theta, u) - y

    best = None
    for s in starts:
        s = np.clip(np.asarray(s, dtype=float), np.array(lo) + 1e-9, np.array(hi) - 1e-9)
        res = least_squares(resid, s, method="trf", bounds=(lo, hi), x_scale=[1.0, 1e-3, 1.0])
        if best is None or res.cost < best.cost:
            best = res
    return tuple(float(v) for v in best.x)


# --- the break test --------------------------------------------------------------------------


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


def sup_f(u: np.ndarray, Y: np.ndarray, cands: np.ndarray) -> np.ndarray:
    Y = np.atleast_2d(Y)
    X0 = np.column_stack([np.ones_like(u), u])
    q0, _ = np.linalg.qr(X0)
    r0 = Y - (Y @ q0) @ q0.T
    sse0 = np.einsum("ij,ij->i", r0, r0)
    sse1 = hinge_sse(u, Y, cands).min(axis=1)
    df = u.size - 4
    return (sse0 - sse1) / np.maximum(sse1 / df, 1e-300)


def break_test(x, y, n_replicates: int = 999, seed: int = 0) -> BreakTest:
    """Is a break in the log-linear trend real? The break date is unknown under the null, so
    the usual F distribution does not apply (Davies' problem); the sup-F statistic is
    calibrated by simulating the fitted no-break line instead."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    u = x - x.max()
    cands = break_candidates(u)
    if cands.size == 0:
        raise HorizonError(
            f"break test needs at least {2 * MIN_SEGMENT_POINTS} points ({MIN_SEGMENT_POINTS} each side)"
        )
    stat = float(sup_f(u, y[None, :], cands)[0])
    b, a = np.polyfit(u, y, 1)
    fitted = a + b * u
    sigma = math.sqrt(float(np.sum((y - fitted) ** 2)) / (u.size - 2))
    rng = np.random.default_rng(seed)
    Y = fitted + sigma * rng.standard_normal((n_replicates, u.size))
    null = sup_f(u, Y, cands)
    p = (1 + int(np.sum(null >= stat))) / (n_replicates + 1)
    return BreakTest(stat, float(p), n_replicates)


# --- bootstrap of any form -------------------------------------------------------------------


@dataclass(frozen=True)
class FormDraws:
    form: str
    params: np.ndarray      # replicates x parameters
    x_ref: float
    n_failed: int


def refit_rows(fit: FormFit, x, Y) -> FormDraws:
    """Refit ``fit.form`` to each row of Y (NaN = missing point), warm-started at ``fit``."""
    x = np.asarray(x, dtype=float)
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    if fit.form in ("piecewise", "exponential") and np.all(np.isfinite(Y)):
        return FormDraws(fit.form, _linear_rows(fit, x, Y), fit.x_ref, 0)
    if fit.form in ("superexponential", "saturating"):
        params, ok = _batch_refit(fit, x, Y)
        return FormDraws(fit.form, params[ok], fit.x_ref, int((~ok).sum()))
    rows = []
    failed = 0
    for row in Y:
        ok = np.isfinite(row)
        try:
            if fit.form == "piecewise" or fit.form == "exponential":
                f = fit_form(fit.form, x[ok], row[ok], x_ref=fit.x_ref)
            else:
                f = fit_form(fit.form, x[ok], row[ok], x_ref=fit.x_ref, start=fit.params)
        except HorizonError:
            failed += 1
            continue
        rows.append(f.params)
    params = np.array(rows, dtype=float).reshape(-1, N_PARAMS[fit.form])
    return FormDraws(fit.form, params, fit.x_ref, failed)


def _linear_rows(fit: FormFit, x: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """All-rows-at-once refit of the forms that are linear given the break (grid search only)."""
    u = x - fit.x_ref
    if fit.form == "exponential":
        X = np.column_stack([np.ones_like(u), u])
        return Y @ np.linalg.pinv(X).T
    cands = break_candidates(u)
    best = np.argmin(hinge_sse(u, Y, cands), axis=1)
    out = np.empty((Y.shape[0], 4))
    for j in np.unique(best):
        rows = best == j
        X = np.column_stack([np.ones_like(u), u, np.maximum(u - cands[j], 0.0)])
        coef = Y[rows] @ np.linalg.pinv(X).T
        out[rows, 0] = coef[:, 0]
        out[rows, 1] = coef[:, 1]
        out[rows, 2] = coef[:, 1] + coef[:, 2]
        out[rows, 3] = cands[j]
    return out


def _to_theta(form: str, P: np.ndarray) -> np.ndarray:
    """Unconstrained coordinates: ln D (superexponential) and ln b (saturating) stay positive."""
    T = P.copy()
    T[:, 1] = np.log(P[:, 1])
    return T


def _from_theta(form: str, T: np.ndarray, lo_top: np.ndarray, hi_top: np.ndarray) -> np.ndarray:
    P = T.copy()
    P[:, 1] = np.exp(np.clip(T[:, 1], -700, 700))
    if form == "saturating":
        P[:, 2] = np.clip(T[:, 2], lo_top, hi_top)
    return P


def _rows_curve(form: str, P: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Curve of every row of parameters P at u (inf outside the superexponential's domain)."""
    if form == "superexponential":
        # Trial steps can be wild (D near 0): overflow there just means an infinite SSE.
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            ud = u[None, :] / P[:, 1:2]
            z = P[:, 2:3] * ud
            inside = z < 1
            return np.where(inside, P[:, 0:1] + LN2 * ud * _log_ratio(np.where(inside, z, 0.0)), np.inf)
    s = P[:, 2:3] - P[:, 0:1] - P[:, 1:2] * u[None, :]
    return P[:, 2:3] - np.logaddexp(0.0, s)


def _rows_jacobian(form: str, P: np.ndarray, u: np.ndarray, hi_top: np.ndarray) -> np.ndarray:
    """d curve / d theta for every row (theta has ln D or ln b in place of D or b).

    Analytic: one curve evaluation per iteration instead of one per parameter.
    """
    J = np.empty((P.shape[0], u.size, 3))
    if form == "superexponential":
        # y = a + (ln2 / g) w with w = -ln(1 - z) = ln D - ln q, z = g u / D, q = D - g u > 0:
        # dy/dlnD = -ln2 u / q and dy/dg = (ln2 / g)(u / q - w / g), written with q and ln q so
        # that they stay finite when D is tiny; near z = 0, dy/dg = ln2 (u/D)^2 (1/2 + 2z/3 +
        # 3z^2/4 + ...) avoids the cancellation.
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
    s = P[:, 2:3] - P[:, 0:1] - P[:, 1:2] * u[None, :]
    sig = 0.5 * (1.0 + np.tanh(0.5 * s))     # logistic(s), without overflow
    J[:, :, 0] = sig
    J[:, :, 1] = P[:, 1:2] * u[None, :] * sig
    # A ceiling held at its upper bound cannot move up: no slope in that direction.
    J[:, :, 2] = np.where((P[:, 2] < hi_top)[:, None], 1.0 - sig, 0.0)
    return J


def _rows_residuals(form, P, u, Y0, W):
    """Residuals (0 at missing points) and SSE of every row; inf SSE outside the domain."""
    with np.errstate(invalid="ignore"):
        R = np.where(W, _rows_curve(form, P, u) - Y0, 0.0)
        sse = np.einsum("ij,ij->i", R, R)
    sse[~np.isfinite(sse)] = np.inf
    return R, sse


def _batch_refit(fit: FormFit, x: np.ndarray, Y: np.ndarray, iters: int = 200):
    """Levenberg-Marquardt on every replicate at once, from a few starts; best per replicate.

    One scipy least_squares call per replicate costs milliseconds; a thousand replicates of a
    3-parameter curve on a dozen points are better solved as batches of 3x3 systems. Starts:
    the point fit, plus (saturating) ceilings just above each replicate's highest point,
    because from a far ceiling the curve is flat in U and a local search cannot find a bend.
    """
    u = x - fit.x_ref
    W = np.isfinite(Y)
    Y0 = np.where(W, Y, 0.0)
    ymax = np.max(np.where(W, Y, -np.inf), axis=1)
    base = np.tile(np.asarray(fit.params, dtype=float), (Y.shape[0], 1))
    starts = [base]
    if fit.form == "saturating":
        for head in (0.5, 2.0):
            s = base.copy()
            s[:, 2] = ymax + head
            starts.append(s)
    else:
        s = base.copy()
        s[:, 2] = 0.0
        starts.append(s)
    # All starts in one batch (rows are independent): the slow tail of each start is then
    # iterated together instead of one start after another.
    n_starts, n_rows = len(starts), Y.shape[0]
    P, sse = _lm(
        fit.form, np.concatenate(starts), u, np.tile(Y0, (n_starts, 1)), np.tile(W, (n_starts, 1)),
        np.tile(ymax, n_starts), iters,
    )
    P = P.reshape(n_starts, n_rows, -1)
    sse = sse.reshape(n_starts, n_rows)
    pick = np.argmin(sse, axis=0)     # the earliest start wins a tie
    rows = np.arange(n_rows)
    best_p, best_sse = P[pick, rows], sse[pick, rows]
    ok = np.isfinite(best_sse) & (W.sum(1) > N_PARAMS[fit.form])
    return best_p, ok


def _lm(form, start, u, Y0, W, ymax, iters):
    """Batched Levenberg-Marquardt in theta coordinates; each replicate stops on its own.

    A replicate is done once a step improves its SSE by less than 1e-10 (relative), or its
    damping has grown past 1e8 without an improvement; only unfinished replicates are
    iterated, so a few slow ones do not keep a thousand finished ones busy.
    """
    lo_top = ymax - 5.0
    hi_top = ymax + SATURATING_MAX_HEADROOM
    B, k = start.shape
    P = _from_theta(form, _to_theta(form, start), lo_top, hi_top)
    T = _to_theta(form, P)
    R, sse = _rows_residuals(form, P, u, Y0, W)
    lam = np.full(B, 1e-3)
    eye = np.eye(k)
    active = np.arange(B)
    P_a, R_a = P, R
    every_point = bool(W.all())
    for _ in range(iters):
        W_a = W[active]
        lo_a, hi_a = lo_top[active], hi_top[active]
        J = _rows_jacobian(form, P_a, u, hi_a)
        if not every_point:
            J[~W_a] = 0.0
        J = np.nan_to_num(J, copy=False)
        Jt = J.transpose(0, 2, 1)
        lam_a = lam[active]
        # A non-finite step leaves a replicate where it is (its SSE cannot improve).
        with np.errstate(invalid="ignore", over="ignore"):
            A = Jt @ J
            g = Jt @ R_a[:, :, None]
            diag = np.einsum("bii->bi", A)
            A += (lam_a[:, None] * np.maximum(diag, 1e-12))[:, :, None] * eye + 1e-12 * eye
            step = -np.linalg.solve(A, g)[:, :, 0]
        P_new = _from_theta(form, T[active] + step, lo_a, hi_a)
        R_new, sse_new = _rows_residuals(form, P_new, u, Y0[active], W_a)
        sse_old = sse[active]
        better = sse_new < sse_old
        gain = np.where(better, (sse_old - sse_new) / np.maximum(sse_old, 1e-300), 0.0)
        moved = active[better]
        T[moved] = _to_theta(form, P_new[better])
        R[moved] = R_new[better]
        sse[moved] = sse_new[better]
        lam_a = np.where(better, lam_a / 3, lam_a * 4)
        lam[active] = lam_a
        done = (better & (gain < 1e-10)) | (~better & (lam_a > 1e8))
        if done.all():
            break
        active = active[~done]
        # The next Jacobian is taken where each replicate now stands.
        P_a = _from_theta(form, T[active], lo_top[active], hi_top[active])
        R_a = R[active]
    return _from_theta(form, T, lo_top, hi_top), sse


def wild_rows(fit: FormFit, x, y, n: int, seed: int) -> np.ndarray:
    """Wild-bootstrap responses around a fitted form (Rademacher signs on its residuals)."""
    x = np.asarray(x, dtype=float)
    fitted = fit.predict(x)
    res = np.asarray(y, dtype=float) - fitted
    rng = np.random.default_rng(seed)
    return fitted + res * rng.choice(np.array([-1.0, 1.0]), size=(n, x.size))
