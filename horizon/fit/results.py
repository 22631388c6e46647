"""What a per-agent horizon fit takes and gives: options, and frozen results.

``FitOptions`` is everything that changes a result (recorded as the fit's parameters);
``RunHorizons`` is one fit of every agent in a runs snapshot, made of ``AgentHorizons`` (one
agent) and ``LevelHorizon`` (one success level of one agent). ``to_json`` is the document
`horizon fit --json` prints.

When there is no horizon (status ``no_finite_horizon``, estimate None, never 0), ``reason`` says
why:
- ``all_runs_failed`` / ``all_runs_succeeded``: the fit has no finite optimum; METR reports such
  an agent as 0, which reads as a measurement;
- ``success_does_not_fall_with_task_length``: the fitted slope is not negative, so "the length at
  which success drops to q" does not exist (METR keeps whatever 2^((logit q - b0)/b1) gives; on
  its own data this only happens in bootstrap replicates, about 1 in 350 for o1);
- ``fit_did_not_converge``;
- ``horizon_out_of_range``: the horizon over- or underflows a double.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from horizon.errors import HorizonError, NotFoundError
from horizon.fit.bootstrap import BOOTSTRAP_WEIGHTS
from horizon.fit.logistic import check_level
from horizon.fit.weights import check_weighting
from horizon.numbers import finite_or_none

KIND = "run_horizons"
# A METR-compatible fit is another estimator (lbfgs stopped early, METR's draws), so it is a
# kind of its own: readers of "the newest run-level fit" (trends, the report) never pick it up
# by accident; `horizon trend --run-fit ID` can still read it.
METR_KIND = "run_horizons_metr"
METHOD = "METR: weighted logistic regression of score_binarized on log2(human_minutes), L2 on slope"
INTERVAL = 95  # percent; the percentile interval METR publishes
COMPAT_MODES = ("metr",)
# METR's pipeline seeds replicate i with numpy's default_rng(42 + i).
METR_SEED = 42
DEFAULT_SEED = 0


@dataclass(frozen=True)
class FitOptions:
    """Everything that changes the result. Defaults are METR's choices, fitted exactly.

    ``compat="metr"`` reproduces METR's published pipeline instead: scikit-learn's lbfgs stopping
    rule and METR's own bootstrap draws (see ``horizon.fit.metr``). ``seed`` and
    ``bootstrap_weights`` default to the mode's own (0 and ``recompute``; METR: 42 and ``carry``).
    """

    levels: tuple[int, ...] = (50, 80)
    weighting: str = "invsqrt"
    C: float = 10.0
    n_bootstrap: int = 1000
    seed: int | None = None
    bootstrap_weights: str | None = None
    compat: str | None = None

    def __post_init__(self):
        if not self.levels:
            raise HorizonError("levels: expected at least one success level, e.g. 50")
        for level in self.levels:
            if isinstance(level, bool) or not isinstance(level, int):
                raise HorizonError(f"level: expected a whole percent such as 50 or 80, got {level!r}")
            check_level(level)
        if len(set(self.levels)) != len(self.levels):
            raise HorizonError(f"levels: expected distinct levels, got {list(self.levels)}")
        check_weighting(self.weighting)
        if isinstance(self.C, bool) or not isinstance(self.C, (int, float)) or not (0 < self.C < math.inf):
            raise HorizonError(f"C: expected a positive regularisation strength, got {self.C!r}")
        if isinstance(self.n_bootstrap, bool) or not isinstance(self.n_bootstrap, int) or self.n_bootstrap < 0:
            raise HorizonError(f"bootstrap: expected a number of replicates >= 0, got {self.n_bootstrap!r}")
        if self.compat is not None and self.compat not in COMPAT_MODES:
            raise HorizonError(f"compat: expected one of {', '.join(COMPAT_MODES)}, got {self.compat!r}")
        metr = self.compat == "metr"
        if self.seed is None:
            object.__setattr__(self, "seed", METR_SEED if metr else DEFAULT_SEED)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise HorizonError(f"seed: expected a non-negative integer, got {self.seed!r}")
        if self.bootstrap_weights is None:
            object.__setattr__(self, "bootstrap_weights", "carry" if metr else "recompute")
        if self.bootstrap_weights not in BOOTSTRAP_WEIGHTS:
            raise HorizonError(
                f"bootstrap weights: expected one of {', '.join(BOOTSTRAP_WEIGHTS)}, got {self.bootstrap_weights!r}"
            )
        if metr and self.bootstrap_weights != "carry":
            raise HorizonError(
                "bootstrap weights: --compat metr uses METR's own (carry: each resampled run keeps its"
                f" full-data weight), got {self.bootstrap_weights!r}"
            )

    @property
    def kind(self) -> str:
        return METR_KIND if self.compat == "metr" else KIND

    def params(self) -> dict[str, Any]:
        """The fit run's recorded parameters (the seed is recorded in its own column)."""
        params = {
            "method": METHOD,
            "levels": list(self.levels),
            "weighting": self.weighting,
            "C": float(self.C),
            "n_bootstrap": self.n_bootstrap,
            "bootstrap": "hierarchical: task_family, task_id, runs within task x agent",
            "bootstrap_weights": self.bootstrap_weights,
            "interval": INTERVAL,
        }
        if self.compat == "metr":
            from horizon.fit.metr import compat_params

            params.update(compat_params())
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, Any], seed: int | None) -> FitOptions:
        """The options a stored fit was made with (the inverse of ``params``)."""
        try:
            return cls(
                levels=tuple(int(v) for v in params["levels"]),
                weighting=params["weighting"],
                C=float(params["C"]),
                n_bootstrap=int(params["n_bootstrap"]),
                seed=seed,
                bootstrap_weights=params.get("bootstrap_weights"),
                compat=params.get("compat"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise HorizonError(f"stored fit parameters: expected those of a run-level fit, got {dict(params)} ({exc})") from None


@dataclass(frozen=True)
class LevelHorizon:
    level: int
    estimate: float | None  # minutes; None when there is no finite horizon
    ci_low: float | None
    ci_high: float | None
    n_nonfinite_replicates: int
    status: str  # ok | no_finite_horizon
    reason: str | None


@dataclass(frozen=True)
class AgentHorizons:
    source_model: str
    model_id: str
    release_date: date | None
    beta0: float | None
    beta1: float | None
    average_score: float
    n_runs: int
    n_tasks: int
    n_replicates: int
    horizons: tuple[LevelHorizon, ...]
    source_weight_max_abs_diff: float | None

    @property
    def release_date_missing(self) -> bool:
        return self.release_date is None

    @property
    def status(self) -> str:
        return "ok" if all(h.status == "ok" for h in self.horizons) else "no_finite_horizon"

    @property
    def reason(self) -> str | None:
        return next((h.reason for h in self.horizons if h.reason), None)

    @property
    def n_nonfinite_replicates(self) -> int:
        """Replicates without a finite horizon at some level (levels differ only by overflow)."""
        return max(h.n_nonfinite_replicates for h in self.horizons)

    def horizon(self, level: int) -> LevelHorizon:
        for h in self.horizons:
            if h.level == level:
                return h
        raise NotFoundError(f"level {level}: not fitted (levels: {[h.level for h in self.horizons]})")


@dataclass(frozen=True, eq=False)
class RunHorizons:
    """One fit of every agent. ``replicates`` is (replicates, agents, levels), NaN = no horizon.

    ``fit_id``, ``snapshot`` and ``reused`` are set once the fit is in the store (``reused``:
    an identical earlier fit was returned instead of storing a copy).
    """

    options: FitOptions
    agents: tuple[AgentHorizons, ...]
    replicates: np.ndarray
    weight_check: Mapping[str, float | None]  # max |file - ours| per weight column (None: absent)
    warnings: tuple[str, ...]
    snapshot: Mapping[str, Any] | None = None
    fit_id: int | None = None
    reused: bool = field(default=False)

    @property
    def kind(self) -> str:
        return self.options.kind

    def agent(self, source_model: str) -> AgentHorizons:
        for a in self.agents:
            if a.source_model == source_model:
                return a
        raise NotFoundError(f"agent {source_model!r}: not in this fit")

    def to_json(self) -> dict[str, Any]:
        """The document `horizon fit --json` prints."""
        return {
            "fit_id": self.fit_id,
            "kind": self.kind,
            "reused": self.reused,
            "snapshot": dict(self.snapshot) if self.snapshot else None,
            "params": self.options.params(),
            "seed": self.options.seed,
            "weight_check": dict(self.weight_check),
            "warnings": list(self.warnings),
            "agents": [_agent_json(a) for a in self.agents],
        }


def _agent_json(a: AgentHorizons) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "name": a.source_model,  # the agent's name as the runs file gives it
        "source_model": a.source_model,
        "model_id": a.model_id,
        "release_date": a.release_date.isoformat() if a.release_date else None,
        "release_date_missing": a.release_date_missing,
        "status": a.status,
        "reason": a.reason,
        "beta0": finite_or_none(a.beta0),
        "beta1": finite_or_none(a.beta1),
        "average_score": finite_or_none(a.average_score),
        "n_runs": a.n_runs,
        "n_tasks": a.n_tasks,
        "n_replicates": a.n_replicates,
        "n_nonfinite_replicates": a.n_nonfinite_replicates,
        "source_weight_max_abs_diff": finite_or_none(a.source_weight_max_abs_diff),
    }
    for h in a.horizons:
        doc[f"p{h.level}"] = {
            "estimate": finite_or_none(h.estimate),
            "ci_low": finite_or_none(h.ci_low),
            "ci_high": finite_or_none(h.ci_high),
            "n_nonfinite_replicates": h.n_nonfinite_replicates,
            "status": h.status,
            "reason": h.reason,
        }
    return doc


# The default options (frozen, so one shared instance is safe as a default argument).
DEFAULT_OPTIONS = FitOptions()
