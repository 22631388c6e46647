"""Weighted, L2-penalised logistic regression of success on log2(task minutes), many at once.

Each problem minimises

    C * sum_t [ S_t * softplus(-eta_t) + F_t * softplus(eta_t) ] + b1**2 / 2,   eta_t = b0 + b1 * x_t

where S_t and F_t are the weighted successes and failures at task length x_t. With per-run
weights that sum to one this is scikit-learn's ``LogisticRegression(C=C)`` (which METR uses):
aggregating runs to (task, outcome) changes nothing because x is the same for every run of a
task. The intercept is not penalised.

Problems are rows of (problems, tasks) arrays and are solved together by Newton's method with
step halving, so thousands of bootstrap replicates cost a few array passes per iteration. Two
parameters means the Newton system is a closed-form 2x2 solve.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from horizon.errors import HorizonError

# Newton converges quadratically: once a step is below this (relative to the coefficients'
# size) the next one would be ~1e-14, so the step is taken and the row is done.
FINAL_STEP = 1e-7
# A Newton decrement (predicted objective decrease x 2) below this means the row is in Newton's
# quadratic region (the logistic loss is self-concordant-like), so the full step is taken
# without evaluating the objective; larger ones are checked and halved if they overshoot.
SAFE_DECREMENT = 1e-4
MAX_ITERATIONS = 100
MAX_HALVINGS = 60


@dataclass(frozen=True)
class LogisticFits:
    """Coefficients per problem; NaN where there was nothing to fit (see ``usable``)."""

    beta0: np.ndarray
    beta1: np.ndarray
    usable: np.ndarray  # both outcomes present with positive weight
    converged: np.ndarray
    iterations: int


def _linear(b0, b1, xrows, out):
    """eta = b0 + b1 * x for every row, as one (rows, 2) @ (2, tasks) product into ``out``."""
    return np.matmul(np.stack([b0, b1], axis=1), xrows, out=out)


def _derivatives(b0, b1, xrows, w, xpow, buf, buf2):
    """sum W p, sum W p x  and  sum v, sum v x, sum v x^2 with v = W p (1-p), per row.

    ``buf`` and ``buf2`` are scratch arrays shaped like ``w``: reusing them avoids allocating
    (and page-faulting) fresh arrays on every Newton iteration.
    """
    p = _linear(b0, b1, xrows, buf)
    np.negative(p, out=p)
    with np.errstate(over="ignore"):
        np.exp(p, out=p)  # exp(-eta); inf where eta < -709, which gives p = 0 exactly
    p += 1.0
    np.reciprocal(p, out=p)
    wp = np.multiply(w, p, out=buf2)
    first = wp @ xpow[:, :2]
    p -= 1.0
    wp *= p  # W p (p - 1) = -v
    second = -(wp @ xpow)
    return first, second


def _loss(b0, b1, xrows, w, C, buf, buf2):
    """C * sum_t W_t softplus(eta_t): the objective before its linear and penalty terms."""
    eta = _linear(b0, b1, xrows, buf)
    e = np.abs(eta, out=buf2)
    np.negative(e, out=e)
    np.exp(e, out=e)
    np.log1p(e, out=e)
    np.maximum(eta, 0.0, out=eta)
    e += eta
    e *= w
    return C * e.sum(axis=1)


def fit_logistic(
    x: np.ndarray,
    successes: np.ndarray,
    failures: np.ndarray,
    C: float,
    start: tuple[np.ndarray, np.ndarray] | None = None,
) -> LogisticFits:
    """Fit every row of ``successes``/``failures`` (problems x tasks) against task lengths ``x``.

    ``start`` gives initial (b0, b1) per row (a good start, e.g. the full-data fit for bootstrap
    replicates, saves iterations; the optimum does not depend on it). Rows with no weighted
    success or no weighted failure have no finite optimum (the intercept runs off to infinity):
    they are returned as NaN with ``usable`` False, never fitted.
    """
    if not (isinstance(C, (int, float)) and C > 0 and math.isfinite(C)):
        raise HorizonError(f"C: expected a positive regularisation strength, got {C!r}")
    x = np.asarray(x, dtype=float)
    ws = np.asarray(successes, dtype=float)
    wf = np.asarray(failures, dtype=float)
    n_problems = ws.shape[0]
    xpow = np.stack([np.ones_like(x), x, x * x], axis=1)

    s0 = ws.sum(axis=1)
    usable = (s0 > 0) & (wf.sum(axis=1) > 0)
    beta0 = np.full(n_problems, np.nan)
    beta1 = np.full(n_problems, np.nan)
    converged = np.zeros(n_problems, dtype=bool)
    if start is None:
        b0 = np.zeros(n_problems)
        b1 = np.zeros(n_problems)
    else:
        b0 = np.array(np.broadcast_to(start[0], (n_problems,)), dtype=float)
        b1 = np.array(np.broadcast_to(start[1], (n_problems,)), dtype=float)
        bad = ~(np.isfinite(b0) & np.isfinite(b1))
        b0[bad] = 0.0
        b1[bad] = 0.0

    rows = np.flatnonzero(usable)
    all_rows = rows.size == n_problems
    w = ws + wf if all_rows else (ws + wf)[rows]
    s1 = (ws if all_rows else ws[rows]) @ x
    s0 = s0[rows]
    b0 = b0[rows]
    b1 = b1[rows]
    objective = np.full(rows.size, np.nan)  # known only where a line search needed it
    xrows = np.stack([np.ones_like(x), x])
    buf = np.empty_like(w)
    buf2 = np.empty_like(w)
    first, second = _derivatives(b0, b1, xrows, w, xpow, buf, buf2)

    def objective_at(t0, t1, idx):
        n = idx.size
        loss = _loss(t0, t1, xrows, w[idx], C, buf[:n], buf2[:n])
        return loss - C * (t0 * s0[idx] + t1 * s1[idx]) + 0.5 * t1 * t1

    iterations = 0
    while rows.size and iterations < MAX_ITERATIONS:
        iterations += 1
        g0 = C * (first[:, 0] - s0)
        g1 = C * (first[:, 1] - s1) + b1
        h00 = C * second[:, 0]
        h01 = C * second[:, 1]
        h11 = C * second[:, 2] + 1.0
        det = h00 * h11 - h01 * h01
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            d0 = -(h11 * g0 - h01 * g1) / det
            d1 = -(h00 * g1 - h01 * g0) / det
        # A singular Hessian (every fitted probability saturated) falls back to gradient descent.
        flat = ~(np.isfinite(d0) & np.isfinite(d1))
        d0[flat] = -g0[flat] / max(C, 1.0)
        d1[flat] = -g1[flat] / max(C, 1.0)
        decrement = -(g0 * d0 + g1 * d1)
        scale = 1.0 + np.maximum(np.abs(b0), np.abs(b1))
        final = (np.maximum(np.abs(d0), np.abs(d1)) <= FINAL_STEP * scale) & ~flat

        # Rows far from the optimum: halve the step until the objective does not increase.
        step = np.ones_like(b0)
        pending = np.flatnonzero(((decrement > SAFE_DECREMENT) | flat) & ~final)
        stuck = np.zeros(rows.size, dtype=bool)
        trial = np.full(rows.size, np.nan)  # objective at the new point, where computed
        if pending.size:
            unknown = pending[np.isnan(objective[pending])]
            if unknown.size:
                objective[unknown] = objective_at(b0[unknown], b1[unknown], unknown)
            for _ in range(MAX_HALVINGS):
                t0 = b0[pending] + step[pending] * d0[pending]
                t1 = b1[pending] + step[pending] * d1[pending]
                value = objective_at(t0, t1, pending)
                ok = value <= objective[pending] + 1e-12 * np.abs(objective[pending])
                trial[pending[ok]] = value[ok]
                pending = pending[~ok]
                if not pending.size:
                    break
                step[pending] *= 0.5
            # No decrease even for a tiny step: the row is at its optimum to machine precision.
            stuck[pending] = True
            step[pending] = 0.0
        objective = trial
        b0 = b0 + step * d0
        b1 = b1 + step * d1

        finished = final | stuck
        if finished.any():
            idx = rows[finished]
            beta0[idx], beta1[idx] = b0[finished], b1[finished]
            converged[idx] = True
            keep = ~finished
            rows = rows[keep]
            b0, b1, objective = b0[keep], b1[keep], objective[keep]
            w, s0, s1 = w[keep], s0[keep], s1[keep]
        if rows.size:
            n = rows.size
            first, second = _derivatives(b0, b1, xrows, w, xpow, buf[:n], buf2[:n])
    if rows.size:  # out of iterations: report the last coefficients, flagged not converged
        beta0[rows], beta1[rows] = b0, b1
    return LogisticFits(beta0, beta1, usable, converged, iterations)


def logit_of_level(level_percent: float) -> float:
    """logit(q) for a success level in percent, computed as METR computes it (q / (1 - q))."""
    q = level_percent / 100.0
    return math.log(q / (1.0 - q))


def log2_horizon(beta0: np.ndarray, beta1: np.ndarray, level_percent: float) -> np.ndarray:
    """log2 of the task length (minutes) where the fitted success probability is ``level``.

    Defined only for a falling curve (b1 < 0): with b1 >= 0 success does not fall with task
    length, so "the length at which it drops to q" does not exist. NaN there.
    """
    logit = logit_of_level(level_percent)
    beta0 = np.asarray(beta0, dtype=float)
    beta1 = np.asarray(beta1, dtype=float)
    falling = beta1 < 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (logit - beta0) / beta1
    return np.where(falling, out, np.nan)


def horizon_minutes(beta0: np.ndarray, beta1: np.ndarray, level_percent: float) -> np.ndarray:
    """Task length in minutes at success level ``level_percent``; NaN where none is finite.

    A length that over- or underflows a double (beyond 2**±1023 minutes) is NaN too: it is not a
    measurement, and reporting it as 0 or infinity would read as one.
    """
    with np.errstate(over="ignore", under="ignore"):
        h = np.exp2(log2_horizon(beta0, beta1, level_percent))
    return np.where(np.isfinite(h) & (h > 0), h, np.nan)


def check_level(level: float) -> float:
    if not (isinstance(level, (int, float)) and 0 < level < 100):
        raise HorizonError(f"level: expected a success level in percent between 0 and 100 (exclusive), got {level!r}")
    return float(level)
