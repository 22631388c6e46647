"""Refitting a curved trend form to many replicates at once (batched Levenberg-Marquardt).

One scipy least_squares call per replicate costs milliseconds; a thousand replicates of a
3-parameter curve on a dozen points are better solved as batches of 3x3 systems. The form
supplies its curve, its analytic Jacobian in unconstrained coordinates (theta) and its starts;
this module supplies the iteration, which every curved form shares.
"""

from __future__ import annotations

import numpy as np

from horizon.trend.forms.base import CurvedForm, FormDraws, FormFit


def refit_rows(fit: FormFit, x, Y, iters: int = 200) -> FormDraws:
    """Refit ``fit.form`` to every row of Y (NaN = missing point) from a few starts each;
    the best start per replicate wins. A replicate with no more points than parameters, or
    no finite optimum, is counted as failed."""
    shape = fit.shape
    if not isinstance(shape, CurvedForm):
        raise TypeError(f"{fit.form}: only a curved form is refitted in batches")
    u = np.asarray(x, dtype=float) - fit.x_ref
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    W = np.isfinite(Y)
    Y0 = np.where(W, Y, 0.0)
    ymax = np.max(np.where(W, Y, -np.inf), axis=1)
    base = np.tile(np.asarray(fit.params, dtype=float), (Y.shape[0], 1))
    starts = shape.batch_starts(base, ymax)
    # All starts in one batch (rows are independent): the slow tail of each start is then
    # iterated together instead of one start after another.
    n_starts, n_rows = len(starts), Y.shape[0]
    P, sse = levenberg_marquardt(
        shape, np.concatenate(starts), u, np.tile(Y0, (n_starts, 1)), np.tile(W, (n_starts, 1)),
        np.tile(ymax, n_starts), iters,
    )
    P = P.reshape(n_starts, n_rows, -1)
    sse = sse.reshape(n_starts, n_rows)
    pick = np.argmin(sse, axis=0)     # the earliest start wins a tie
    idx = np.arange(n_rows)
    best_p, best_sse = P[pick, idx], sse[pick, idx]
    ok = np.isfinite(best_sse) & (W.sum(1) > shape.n_params)
    return FormDraws(fit.form, best_p[ok], fit.x_ref, int((~ok).sum()))


def _residuals(shape, P, u, Y0, W):
    """Residuals (0 at missing points) and SSE of every row; inf SSE outside the domain."""
    with np.errstate(invalid="ignore", over="ignore"):
        R = np.where(W, shape.curve(P, u) - Y0, 0.0)
        sse = np.einsum("ij,ij->i", R, R)
    sse[~np.isfinite(sse)] = np.inf
    return R, sse


def levenberg_marquardt(shape, start, u, Y0, W, ymax, iters):
    """Batched Levenberg-Marquardt in theta coordinates; each replicate stops on its own.

    A replicate is done once a step improves its SSE by less than 1e-10 (relative), or its
    damping has grown past 1e8 without an improvement; only unfinished replicates are
    iterated, so a few slow ones do not keep a thousand finished ones busy.
    """
    B, k = start.shape
    P = shape.from_theta(shape.to_theta(start), ymax)
    T = shape.to_theta(P)
    R, sse = _residuals(shape, P, u, Y0, W)
    lam = np.full(B, 1e-3)
    eye = np.eye(k)
    active = np.arange(B)
    P_a, R_a = P, R
    every_point = bool(W.all())
    for _ in range(iters):
        W_a = W[active]
        ymax_a = ymax[active]
        J = shape.jacobian(P_a, u, ymax_a)
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
        P_new = shape.from_theta(T[active] + step, ymax_a)
        R_new, sse_new = _residuals(shape, P_new, u, Y0[active], W_a)
        sse_old = sse[active]
        better = sse_new < sse_old
        gain = np.where(better, (sse_old - sse_new) / np.maximum(sse_old, 1e-300), 0.0)
        moved = active[better]
        T[moved] = shape.to_theta(P_new[better])
        R[moved] = R_new[better]
        sse[moved] = sse_new[better]
        lam_a = np.where(better, lam_a / 3, lam_a * 4)
        lam[active] = lam_a
        done = (better & (gain < 1e-10)) | (~better & (lam_a > 1e8))
        if done.all():
            break
        active = active[~done]
        # The next Jacobian is taken where each replicate now stands.
        P_a = shape.from_theta(T[active], ymax[active])
        R_a = R[active]
    return shape.from_theta(T, ymax), sse
