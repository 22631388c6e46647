"""Backtests: how each trend form would have predicted agents released after a cut-off.

Rolling origin: for every cut-off (the release date of each used point from the
``min_train``-th on) fit each form to the points released strictly before it and predict all
points released on or after it. Errors are in ln(horizon) units; prediction intervals are the
linearised (delta-method) ones, s^2 (1 + g (J'J)^-1 g') with Student t quantiles, the same
recipe for every form (the piecewise break date is held fixed).

Caveat stated in every output: the points are the estimates as published in this snapshot,
not as they stood at the cut-off date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from horizon.errors import HorizonError
from horizon.trend.delta import prediction_bands
from horizon.trend.forms import FORM_NAMES, shape
from horizon.trend.rules import calendar_date

MIN_TRAIN = 6
BACKTEST_METHOD = (
    "rolling origin: fit on agents released before each cut-off, predict every later agent;"
    " errors in ln(horizon); delta-method prediction intervals with t quantiles"
)


@dataclass(frozen=True)
class Prediction:
    form: str
    cutoff: date
    n_train: int
    model_id: str
    release_date: date
    observed: float      # ln minutes
    predicted: float
    lo80: float
    hi80: float
    lo95: float
    hi95: float

    @property
    def error(self) -> float:
        return self.observed - self.predicted


@dataclass(frozen=True)
class BacktestSummary:
    form: str
    n_cutoffs: int
    n_predictions: int
    mean_abs_log_error: float
    rmse_log: float
    mean_log_error: float      # observed minus predicted: positive = the form predicted too low
    median_abs_log_error: float
    n_infinite: int            # predictions past the form's singularity (superexponential)
    coverage80: float
    coverage95: float


def backtest(points, forms=FORM_NAMES, min_train: int = MIN_TRAIN):
    """Rolling-origin backtest over ``points`` (Point objects already selected for the trend).

    Returns (predictions, summaries). Every form is scored on the same cut-offs; a form that
    cannot be fitted at a cut-off (too few points for its shape) is skipped there and the
    count of cut-offs in its summary says so.
    """
    pts = sorted(points, key=lambda p: (p.release_date, p.model_id))
    x = np.array([p.x for p in pts])
    y = np.log(np.array([p.estimate for p in pts]))
    cut_days = sorted({p.x for p in pts[min_train:]})
    preds: list[Prediction] = []
    for form in forms:
        for c in cut_days:
            train = x < c
            test = ~train
            if train.sum() < min_train or test.sum() == 0:
                continue
            try:
                f = shape(form).fit(x[train], y[train])
            except HorizonError:
                continue
            mu, half = prediction_bands(f, x[train], x[test], (0.80, 0.95))
            cutoff = calendar_date(c)
            for i, idx in enumerate(np.flatnonzero(test)):
                preds.append(
                    Prediction(
                        form, cutoff, int(train.sum()), pts[idx].model_id, pts[idx].release_date,
                        float(y[idx]), float(mu[i]),
                        float(mu[i] - half[0.80][i]), float(mu[i] + half[0.80][i]),
                        float(mu[i] - half[0.95][i]), float(mu[i] + half[0.95][i]),
                    )
                )
    return tuple(preds), tuple(summarise(preds, form) for form in forms)


def summarise(preds, form: str) -> BacktestSummary:
    mine = [p for p in preds if p.form == form]
    if not mine:
        nan = math.nan
        return BacktestSummary(form, 0, 0, nan, nan, nan, nan, 0, nan, nan)
    err = np.array([p.error for p in mine])
    cov80 = np.mean([p.lo80 <= p.observed <= p.hi80 for p in mine])
    cov95 = np.mean([p.lo95 <= p.observed <= p.hi95 for p in mine])
    return BacktestSummary(
        form,
        len({p.cutoff for p in mine}),
        len(mine),
        float(np.mean(np.abs(err))),
        float(np.sqrt(np.mean(err**2))),
        float(np.mean(err)),
        float(np.median(np.abs(err))),
        int(np.sum(~np.isfinite(err))),
        float(cov80),
        float(cov95),
    )
