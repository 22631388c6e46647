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
    if form == "exponential":
        return float(p[1])
    if form == "piecewise":
        return float(p[2] if u >= p[3] else p[1])
    if form == "superexponential":
        a, d, g = p
        left = d - g * u
        return LN2 / left if left > 0 else math.inf
    a, b, top = p
    z = top - a - b * u
    return float(b / (1 + math.exp(-z))) if z > -700 else 0.0


def u_reaching(form: str, p, y: float) -> float:
    if form == "exponential":
        return (y - p[0]) / p[1] if p[1] > 0 else math.inf
    if form == "piecewise":
        a, b1, b2, c = p
        y_c = a + b1 * c
        if y <= y_c:
            return (y - a) / b1 if b1 > 0 else (c if y == y_c else -math.inf)
        return c + (y - y_c) / b2 if b2 > 0 else math.inf
    if form == "superexponential":
        a, d, g = (float(v) for v in p)
        if abs(g) < 1e-12:
            return (y - a) * d / LN2
        # Solve 1 - g u / d = exp(-g (y - a) / ln 2): finite for g > 0 (before the singularity).
        try:
            return -d * math.expm1(-g * (y - a) / LN2) / g
        except OverflowError:
            # Only for g < 0 (each doubling slower than the last): the target is reached so far
            # out that it cannot be represented, i.e. not within any meaningful date.
            return math.inf
    a, b, top = p
    if y >= top or b <= 0:
        return math.inf
    return (top - a - math.log(math.expm1(top - y))) / b


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


def _from_theta(form: str, T: np.ndarray, lo_top: float, hi_top: float) -> np.ndarray:
    P = T.copy()
    P[:, 1] = np.exp(np.clip(T[:, 1], -700, 700))
    if form == "saturating":
        P[:, 2] = np.clip(T[:, 2], lo_top, hi_top)
    return P


def _batch_sse(form, P, u, Y, W):
    cols = [P[:, i : i + 1] for i in range(P.shape[1])]
    with np.errstate(all="ignore"):
        R = np.where(W > 0, curve(form, cols, u[None, :]) - np.nan_to_num(Y), 0.0)
        sse = np.sum(R**2, axis=1)
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
    W = np.isfinite(Y).astype(float)
    ymax = np.max(np.where(W > 0, Y, -np.inf), axis=1)
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
    best_p, best_sse = None, None
    for start in starts:
        P, sse = _lm(fit.form, start, u, Y, W, ymax, iters)
        if best_p is None:
            best_p, best_sse = P, sse
        else:
            take = sse < best_sse
            best_p = np.where(take[:, None], P, best_p)
            best_sse = np.where(take, sse, best_sse)
    ok = np.isfinite(best_sse) & (W.sum(1) > N_PARAMS[fit.form])
    return best_p, ok


def _lm(form, start, u, Y, W, ymax, iters):
    lo_top = ymax - 5.0
    hi_top = ymax + SATURATING_MAX_HEADROOM
    B, k = start.shape
    P = _from_theta(form, _to_theta(form, start), lo_top, hi_top)
    T = _to_theta(form, P)
    R, sse = _batch_sse(form, P, u, Y, W)
    lam = np.full(B, 1e-3)
    eps = 1e-6
    for _ in range(iters):
        J = np.empty((B, u.size, k))
        for i in range(k):
            Tp = T.copy()
            h = eps * np.maximum(1.0, np.abs(T[:, i]))
            Tp[:, i] += h
            Rp, _ = _batch_sse(form, _from_theta(form, Tp, lo_top, hi_top), u, Y, W)
            J[:, :, i] = (Rp - R) / h[:, None]
        J = np.nan_to_num(J)
        A = np.einsum("bni,bnj->bij", J, J)
        g = np.einsum("bni,bn->bi", J, R)
        diag = np.einsum("bii->bi", A)
        A_damped = A + (lam[:, None] * np.maximum(diag, 1e-12))[:, :, None] * np.eye(k)[None]
        A_damped += 1e-12 * np.eye(k)[None]
        step = -np.linalg.solve(A_damped, g[:, :, None])[:, :, 0]
        P_new = _from_theta(form, T + step, lo_top, hi_top)
        T_new = _to_theta(form, P_new)
        R_new, sse_new = _batch_sse(form, P_new, u, Y, W)
        better = sse_new < sse
        gain = np.where(better, (sse - sse_new) / np.maximum(sse, 1e-300), 0.0)
        T = np.where(better[:, None], T_new, T)
        R = np.where(better[:, None], R_new, R)
        sse = np.where(better, sse_new, sse)
        lam = np.where(better, lam / 3, lam * 4)
        if np.all((better & (gain < 1e-10)) | (~better & (lam > 1e8))):
            break
    return _from_theta(form, T, lo_top, hi_top), sse


def wild_rows(fit: FormFit, x, y, n: int, seed: int) -> np.ndarray:
    """Wild-bootstrap responses around a fitted form (Rademacher signs on its residuals)."""
    x = np.asarray(x, dtype=float)
    fitted = fit.predict(x)
    res = np.asarray(y, dtype=float) - fitted
    rng = np.random.default_rng(seed)
    return fitted + res * rng.choice(np.array([-1.0, 1.0]), size=(n, x.size))
