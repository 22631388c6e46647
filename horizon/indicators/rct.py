"""METR's 2025 developer RCT: the effect of allowing AI on the time an issue takes.

The estimator METR states (Becker et al. 2025, s2.3 and appendix D; their regression.py):
- total time = initial implementation + post-review time; a missing post-review time (12% of
  issues) is imputed as the mean post-review time of the issue's own arm;
- OLS of ln(total time) on the AI-allowed indicator and ln(the developer's own forecast of the
  time without AI, made before randomisation);
- effect = exp(beta) - 1, the ratio of expected times minus one; its 95% interval is exp of
  beta -+ 1.96 classical (non-robust) standard errors, minus one.
Published: +19% (95% CI 1.3% to 39.5%). tests/test_indicators_rct.py reproduces it from the
per-issue file and measures the interval's coverage on simulated trials.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Z975 = 1.959963984540054
METHOD = ("OLS of ln(initial + post-review minutes) on AI allowed and ln(forecast minutes without AI);"
          " missing post-review times imputed by their arm's mean; exp(beta) - 1 with a normal 95% interval"
          " from non-robust standard errors (METR's stated estimator)")


@dataclass(frozen=True)
class Issue:
    ai_allowed: bool
    forecast_no_ai: float
    initial: float
    post_review: float | None


@dataclass(frozen=True)
class RctEstimate:
    effect: float           # exp(beta) - 1: +0.19 means issues took 19% longer with AI allowed
    ci_low: float
    ci_high: float
    beta: float
    se: float
    n_issues: int
    n_ai: int
    n_imputed: int
    method: str = METHOD


def estimate(issues: list[Issue]) -> RctEstimate:
    if len(issues) < 4 or len({i.ai_allowed for i in issues}) < 2:
        raise ValueError("an RCT estimate needs issues in both arms (at least 4 in all)")
    means = {}
    for arm in (False, True):
        observed = [i.post_review for i in issues if i.ai_allowed == arm and i.post_review is not None]
        means[arm] = sum(observed) / len(observed) if observed else 0.0
    total = np.array([i.initial + (i.post_review if i.post_review is not None else means[i.ai_allowed])
                      for i in issues], dtype=float)
    ai = np.array([1.0 if i.ai_allowed else 0.0 for i in issues])
    forecast = np.array([i.forecast_no_ai for i in issues], dtype=float)
    X = np.column_stack([np.ones_like(ai), ai, np.log(forecast)])
    y = np.log(total)
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    n, k = X.shape
    s2 = float(resid @ resid) / (n - k)
    cov = s2 * np.linalg.inv(X.T @ X)
    b, se = float(beta[1]), math.sqrt(float(cov[1, 1]))
    return RctEstimate(
        effect=math.expm1(b), ci_low=math.expm1(b - Z975 * se), ci_high=math.expm1(b + Z975 * se), beta=b, se=se,
        n_issues=n, n_ai=int(ai.sum()), n_imputed=sum(i.post_review is None for i in issues),
    )
