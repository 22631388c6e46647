"""Linearised (delta-method) inference for a fitted trend form, with Student t quantiles.

Near its optimum a curve is close to linear in its parameters, so the parameters are roughly
normal with covariance s^2 (J'J)^-1 (J: the curve's derivatives at the points, s^2: SSE over
n minus the parameters), and any smooth function of them (the slope at the last point, the
curve at a new date) has variance g' Cov g. The piecewise break date is held fixed (its
uncertainty is not in the covariance). This is what the curved forms' intervals, the
backtests' prediction intervals and the curved forms' forecast replicates use; for the
exponential it is exactly OLS, and the coverage tests check the curved forms on simulated data.
"""

from __future__ import annotations

import math

import numpy as np

from horizon.trend.forms import FormDraws, FormFit


def free_params(fit: FormFit) -> int:
    """Parameters the linearisation varies (a shape's searched ones, e.g. the break, are fixed)."""
    return fit.shape.n_params - fit.shape.fixed_params


def df(fit: FormFit) -> int:
    return max(fit.n - fit.shape.n_params, 1)


def _numeric_gradient(fn, p: np.ndarray, free: int) -> np.ndarray:
    """d fn / d params (first ``free`` parameters) by central differences; fn maps parameter
    rows to values (rows x anything)."""
    h = 1e-6 * np.maximum(1.0, np.abs(p[:free]))
    up = np.tile(p, (free, 1))
    dn = up.copy()
    up[np.arange(free), np.arange(free)] += h
    dn[np.arange(free), np.arange(free)] -= h
    with np.errstate(invalid="ignore", over="ignore"):
        diff = (fn(up) - fn(dn)) / (2 * h.reshape((free,) + (1,) * (np.ndim(fn(p[None])) - 1)))
    return np.moveaxis(diff, 0, -1)


def jacobian(fit: FormFit, u: np.ndarray) -> np.ndarray:
    """d curve / d params at u (points x free parameters)."""
    return _numeric_gradient(lambda P: fit.shape.curve(P, u), np.asarray(fit.params, dtype=float),
                             free_params(fit))


def covariance(fit: FormFit, x) -> np.ndarray:
    """s^2 (J'J)^-1 of the free parameters, J at the fitted points."""
    J = jacobian(fit, np.asarray(x, dtype=float) - fit.x_ref)
    return fit.sse / df(fit) * np.linalg.pinv(J.T @ J)


def slope_interval(fit: FormFit, x, level: float) -> tuple[float, float]:
    """t interval of the slope of ln(horizon) at the last point (u = 0)."""
    from scipy.special import stdtrit

    p = np.asarray(fit.params, dtype=float)
    g = _numeric_gradient(lambda P: fit.shape.slope(P, 0.0), p, free_params(fit))
    se = math.sqrt(max(float(g @ covariance(fit, x) @ g), 0.0))
    slope = float(fit.shape.slope(p[None, :], 0.0)[0])
    t = float(stdtrit(df(fit), 0.5 + level / 2))
    return slope - t * se, slope + t * se


def prediction_bands(fit: FormFit, x_train, x_new, levels) -> tuple[np.ndarray, dict[float, np.ndarray]]:
    """Curve at x_new and the half-widths of the prediction intervals of a new point there."""
    from scipy.special import stdtrit

    u_new = np.asarray(x_new, dtype=float) - fit.x_ref
    G = jacobian(fit, u_new)
    var = fit.sse / df(fit) + np.einsum("ij,jk,ik->i", G, covariance(fit, x_train), G)
    pred = fit.predict(np.asarray(x_new, dtype=float))
    return pred, {q: stdtrit(df(fit), 0.5 + q / 2) * np.sqrt(var) for q in levels}


def draws(fit: FormFit, x, n: int, seed: int) -> FormDraws:
    """Parameter replicates from the linearised sampling distribution (multivariate t with
    n - parameters degrees of freedom), for forecasts of the curved forms."""
    rng = np.random.default_rng(seed)
    free = free_params(fit)
    cov = covariance(fit, x)
    w, v = np.linalg.eigh((cov + cov.T) / 2)
    root = v * np.sqrt(np.clip(w, 0.0, None))
    z = rng.standard_normal((n, free)) @ root.T
    scale = np.sqrt(df(fit) / rng.chisquare(df(fit), size=n))[:, None]
    P = np.tile(np.asarray(fit.params, dtype=float), (n, 1))
    P[:, :free] += z * scale
    ok = np.all(np.isfinite(P), axis=1)
    for i in fit.shape.positive_params:
        ok &= P[:, i] > 0
    return FormDraws(fit.form, P[ok], fit.x_ref, int((~ok).sum()))
