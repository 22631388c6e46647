"""The four dynamics the CSET workshop report describes, as small classes with one interface.

Every scenario turns the bridge's work-weighted success W(h) into an automatable share f, and
f and the AI speed v into the research multiplier M = 1 / ((1 - f) + f / v). Amdahl's camp
keeps the fitted trend of h; the other three feed research effort back into the horizon's
growth with one law (x = ln(h / h_s), tau = days since the start date t_s, g0 the trend's
growth rate per day, h_b(t) the fitted trend itself):

    d ln h / dt = g0 (M / M_s)^lambda (h / h_b)^(-beta) C(h),   beta = lambda / r

- (M / M_s)^lambda: research input, relative to the start date, with the parallelisation
  penalty lambda (Davidson's takeoff model). Normalised by M_s, every scenario leaves the start
  date on the fitted trend: g0 was measured with the AI help of its own time.
- (h / h_b)^(-beta): ideas get harder (Jones's semi-endogenous form dS/S ~ R^lambda S^-beta).
  The baseline's own growing inputs keep it on the trend; progress beyond the trend is not
  matched by them. r = lambda / beta are the returns to software R&D.
- In the feedback scenarios the AI research workforce that fixed compute runs grows with
  capability: v = v0 h / h_s (Eth & Davidson 2025). With f -> 1 and r > 1 the exponent of h
  is lambda - beta > 0: finite-time blow-up.
- C(h) is 1, or 1 - ln(h / h_s) / ln(h_c / h_s) below an effective ceiling h_c (plateau).

Pure: arrays in, arrays out; parameters come as ``ModelParams`` with one value per draw.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from horizon.scenarios.bridge import Bridge, amdahl
from horizon.scenarios.params import ModelParams


@dataclass(frozen=True)
class DrawSet:
    """One row per draw (row 0: the central run): the trend and the parameters it runs with."""

    g0: np.ndarray           # growth rate of ln h80 per day (the trend's slope)
    ln_h_start: np.ndarray   # ln of the 80% horizon (minutes) at the start date
    slope: np.ndarray        # success-curve slope b per doubling of task length (< 0)
    params: ModelParams      # arrays of shape (n,)

    @property
    def n(self) -> int:
        return int(self.g0.size)

    def bridge(self) -> Bridge:
        return Bridge(self.params.task_median_hours, self.params.task_spread, self.slope)


def column(values, like: np.ndarray) -> np.ndarray:
    """Per-draw values (n,) shaped to broadcast against ``like`` ((n,) or (n, k))."""
    values = np.asarray(values, dtype=float)
    return values.reshape(values.shape + (1,) * (np.ndim(like) - 1))


COMMON_EQUATIONS = (
    "p(L) = σ(ln 4 + b·log₂(L / h))  — METR's success curve around the 80% horizon h; b < 0 per doubling of task length",
    "ln L ~ Normal(ln m, s²)  — AI R&D work spread over task lengths L (human-expert time)",
    "W(h) = E[p(L)]  — the work-weighted success at horizon h",
    "M = 1 / ((1 − f) + f / v)  — Amdahl's law: automated work runs v times faster, the rest at human speed",
)
FEEDBACK_EQUATION = "d ln h / dt = g₀ · (M / M_s)^λ · (h / h_b(t))^(−β) · C(h),  β = λ / r"


class Scenario(ABC):
    """One camp's dynamics. Subclasses say how f, v, the returns and the ceiling are set."""

    name: ClassVar[str]
    title: ClassVar[str]
    camp: ClassVar[str]          # the camp's view, as the CSET report puts it
    feedback: ClassVar[bool] = True
    parameters: ClassVar[tuple[str, ...]]   # the parameters its equations read

    @abstractmethod
    def shares(self, W: np.ndarray, W_c: np.ndarray, p: ModelParams) -> tuple[np.ndarray, np.ndarray]:
        """(f, 1 - f) from the work-weighted success W and its complement W_c = 1 - W."""

    @abstractmethod
    def share_limit(self, p: ModelParams) -> np.ndarray:
        """f as the horizon grows without bound."""

    def speed(self, x: np.ndarray, p: ModelParams) -> np.ndarray:
        """AI speed v on automated work at x = ln(h / h_s): grows with capability under feedback."""
        v0 = column(p.ai_speed, x)
        return v0 * np.exp(x) if self.feedback else v0 * np.ones_like(x)

    def returns(self, p: ModelParams) -> np.ndarray:
        return np.asarray(p.software_returns, dtype=float)

    def ceiling(self, d: DrawSet) -> np.ndarray | None:
        """X_c = ln(h_c / h_s) per draw, or None without a ceiling."""
        return None

    @abstractmethod
    def bound(self, d: DrawSet, bridge: Bridge) -> np.ndarray:
        """The supremum of M along the scenario's path, per draw (inf when unbounded)."""

    def blows_up(self, p: ModelParams) -> np.ndarray:
        """Whether the horizon reaches infinity in finite time, per draw."""
        return np.zeros(np.shape(p.ai_speed), dtype=bool)

    @abstractmethod
    def equations(self) -> tuple[str, ...]:
        """The scenario's own equations, as printed on the page."""

    def _at(self, x: np.ndarray, d: DrawSet, bridge: Bridge):
        x = np.asarray(x, dtype=float)
        finite = np.isfinite(x)
        xs = np.where(finite, x, 0.0)
        W, W_c = bridge.work_success(column(d.ln_h_start, xs) + xs)
        f, u = self.shares(W, W_c, d.params)
        return x, finite, xs, f, u

    def state(self, x: np.ndarray, d: DrawSet, bridge: Bridge) -> tuple[np.ndarray, np.ndarray]:
        """(f, M) at x = ln(h / h_s) (shape (n,) or (n, k)); x = +inf gives the limits."""
        x, finite, xs, f, u = self._at(x, d, bridge)
        m = amdahl(f, self.speed(xs, d.params), u)
        if not finite.all():
            f = np.where(finite, f, np.broadcast_to(column(self.share_limit(d.params), x), x.shape))
            m = np.where(finite, m, np.broadcast_to(column(self.bound(d, bridge), x), x.shape))
        return f, m

    def multiplier(self, x: np.ndarray, d: DrawSet, bridge: Bridge) -> np.ndarray:
        """M at x = ln(h / h_s) (shape (n,) or (n, k)); x may be +inf (the limit)."""
        return self.state(x, d, bridge)[1]

    def automatable(self, x: np.ndarray, d: DrawSet, bridge: Bridge) -> np.ndarray:
        """f at x (shape (n,) or (n, k)); +inf gives the limit."""
        return self.state(x, d, bridge)[0]


def _capped(W, W_c, p):
    """f = f_max W and 1 - f = (1 - f_max) + f_max (1 - W)."""
    f_max = column(p.f_max, W)
    return f_max * W, (1.0 - f_max) + f_max * W_c


class Amdahl(Scenario):
    name = "amdahl"
    title = "Amdahl's law"
    camp = ("Some activities (proposing research directions, running data centres) cannot be automated; "
            "speeding up the rest leaves progress bounded by them.")
    feedback = False
    parameters = ("task_median_hours", "task_spread", "f_max", "ai_speed")

    def shares(self, W, W_c, p):
        return _capped(W, W_c, p)

    def share_limit(self, p):
        return np.asarray(p.f_max, dtype=float)

    def bound(self, d, bridge):
        return amdahl(d.params.f_max, d.params.ai_speed)

    def equations(self):
        return (
            "f = f_max · W(h),  v = v₀",
            "h(t) = the fitted 80% trend: no feedback on the horizon",
            "M → 1 / ((1 − f_max) + f_max / v₀) < 1 / (1 − f_max)",
        )


class Explosive(Scenario):
    name = "explosive"
    title = "explosive multiplier"
    camp = ("The automated share keeps rising; research productivity goes from 1.2x to 10x, 100x, 1000x of "
            "human-only R&D; gains compound and human involvement tends to zero.")
    parameters = ("task_median_hours", "task_spread", "ai_speed", "parallelisation_penalty", "software_returns")

    def shares(self, W, W_c, p):
        return W, W_c   # nothing stays beyond automation: f_max -> 1

    def share_limit(self, p):
        return np.ones(np.shape(p.ai_speed))

    def bound(self, d, bridge):
        return np.full(d.n, math.inf)

    def blows_up(self, p):
        # f -> 1 and v = v0 h / h_s make the growth rate grow as h^(lambda - beta): finite time iff r > 1.
        return np.asarray(p.software_returns, dtype=float) > 1.0

    def equations(self):
        return (
            "f = W(h)  (f_max → 1: human involvement tends to zero),  v = v₀ · h / h_s",
            FEEDBACK_EQUATION + ",  C = 1,  r = software returns",
            "as f → 1: d ln h / dt ∝ h^(λ − β); with r > 1 the horizon blows up at a finite date",
        )


class Plateau(Scenario):
    name = "plateau"
    title = "plateau"
    camp = ("Automation rises, but output per unit of input is too low to compound; capability levels off early.")
    parameters = ("task_median_hours", "task_spread", "f_max", "ai_speed", "parallelisation_penalty", "plateau_returns",
                  "plateau_ceiling_hours")

    def shares(self, W, W_c, p):
        return _capped(W, W_c, p)

    def share_limit(self, p):
        return np.asarray(p.f_max, dtype=float)

    def returns(self, p):
        return np.asarray(p.plateau_returns, dtype=float)

    def ceiling(self, d):
        return np.log(np.asarray(d.params.plateau_ceiling_hours, dtype=float) * 60.0) - d.ln_h_start

    def bound(self, d, bridge):
        xc = self.ceiling(d)
        # A start at or above the ceiling stays there (see solve.ceiling_reached).
        return self.multiplier(np.maximum(xc, 0.0), d, bridge)

    def equations(self):
        return (
            "f = f_max · W(h),  v = v₀ · h / h_s",
            FEEDBACK_EQUATION + ",  r = plateau returns < 1",
            "C(h) = 1 − ln(h / h_s) / ln(h_c / h_s): growth stops at the effective ceiling h_c",
        )


class ExpandingPie(Scenario):
    name = "expanding_pie"
    title = "expanding pie"
    camp = ("As AI automates activities, people keep finding new contributions that progress needs and AI "
            "cannot yet make; progress can be fast, but humans stay central.")
    parameters = ("task_median_hours", "task_spread", "f_max", "ai_speed", "parallelisation_penalty", "software_returns",
                  "reinstatement_rate")

    def shares(self, W, W_c, p):
        a, u = _capped(W, W_c, p)
        n = column(p.reinstatement_rate, W)
        return a / (1.0 + n * a), (u + n * a) / (1.0 + n * a)

    def share_limit(self, p):
        f_max = np.asarray(p.f_max, dtype=float)
        return f_max / (1.0 + np.asarray(p.reinstatement_rate, dtype=float) * f_max)

    def bound(self, d, bridge):
        # v grows without bound with h, so M -> 1 / (1 - f_inf).
        return 1.0 / (1.0 - self.share_limit(d.params))

    def equations(self):
        return (
            "new non-automatable work appears at rate n per unit of automated work: "
            "f = f_max·W / (1 + n·f_max·W) → f_max / (1 + n·f_max) < 1",
            "v = v₀ · h / h_s,  " + FEEDBACK_EQUATION + ",  C = 1",
            "M → 1 / (1 − f_max / (1 + n·f_max)): fast, but bounded; humans stay central",
        )


SCENARIOS: tuple[Scenario, ...] = (Amdahl(), Explosive(), Plateau(), ExpandingPie())


def scenario(name: str) -> Scenario:
    for s in SCENARIOS:
        if s.name == name:
            return s
    from horizon.errors import unknown_name

    raise unknown_name("scenario", name, [s.name for s in SCENARIOS])
