"""Scenario parameters: every one with a default, a range and a citation (data/scenarios.toml).

The set of parameters is the model's (``ModelParams``): the file gives each a value, and the
file, ``--params FILE`` and ``--param k=v`` can only set known names, to numbers inside the
range the file states. Parsing is pure (a parsed TOML document in, frozen records out);
``horizon.scenarios.files`` reads the files. A bad entry is one line naming the file, the key
and what was expected.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from horizon.errors import InputError

SCALES = ("linear", "log")
_REQUIRED = {"default", "range", "cite"}
_OPTIONAL = {"scale", "unit", "label", "source"}


@dataclass(frozen=True)
class ModelParams:
    """The model's parameters, by name. Floats, or arrays of one value per draw."""

    task_median_hours: Any        # median length of AI R&D work (human-expert hours), lognormal
    task_spread: Any              # standard deviation of ln(task length)
    f_max: Any                    # share of AI R&D work of the kinds any benchmark shows AI doing
    ai_speed: Any                 # v: AI speed on automated work, multiple of a human's
    parallelisation_penalty: Any  # lambda: research output grows as (research input)^lambda
    software_returns: Any         # r: returns to software R&D (explosive and expanding pie)
    plateau_returns: Any          # r below 1 (plateau)
    plateau_ceiling_hours: Any    # effective ceiling of the 80% horizon (plateau), hours
    reinstatement_rate: Any       # n: new non-automatable work per unit of automated work (pie)


NAMES = tuple(f.name for f in fields(ModelParams))

# Hard limits of the model, whatever a file's range says: outside them an equation means nothing.
# (low, high, low inclusive, high inclusive, in words)
DOMAIN = {
    "task_median_hours": (0.0, math.inf, False, False, "a positive number of hours"),
    "task_spread": (0.0, math.inf, False, False, "a positive number"),
    "f_max": (0.0, 1.0, False, True, "a share above 0 and at most 1"),
    "ai_speed": (1.0, math.inf, True, False, "a speed of at least 1 (AI at least as fast as a human)"),
    "parallelisation_penalty": (0.0, 1.0, False, True, "an exponent above 0 and at most 1"),
    "software_returns": (0.0, math.inf, False, False, "a positive number"),
    "plateau_returns": (0.0, math.inf, False, False, "a positive number"),
    "plateau_ceiling_hours": (0.0, math.inf, False, False, "a positive number of hours"),
    "reinstatement_rate": (0.0, math.inf, True, False, "a number 0 or more"),
}


@dataclass(frozen=True)
class ParamSpec:
    name: str
    default: float
    low: float
    high: float
    scale: str          # how parameter draws cover the range: linear (uniform) or log (log-uniform)
    unit: str
    label: str
    cite: str
    source: str


@dataclass(frozen=True)
class ParameterSet:
    """The specs from the file and the values in force (defaults, then overrides, in order)."""

    specs: tuple[ParamSpec, ...]
    values: tuple[tuple[str, float], ...]
    origin: str                                         # the parameter file, as given
    overrides: tuple[tuple[str, float, str], ...] = ()  # (name, value, where it came from)

    def spec(self, name: str) -> ParamSpec:
        for s in self.specs:
            if s.name == name:
                return s
        raise KeyError(name)

    def value(self, name: str) -> float:
        return dict(self.values)[name]

    def model(self) -> ModelParams:
        return ModelParams(**dict(self.values))

    def as_params(self) -> dict[str, Any]:
        """What a fit records: every value in force, and which ones were overridden where."""
        return {
            "values": dict(self.values),
            "file": self.origin,
            "overrides": [{"name": n, "value": v, "from": w} for n, v, w in self.overrides],
        }


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _in_domain(name: str, value: float) -> bool:
    lo, hi, lo_in, hi_in, _ = DOMAIN[name]
    return (value >= lo if lo_in else value > lo) and (value <= hi if hi_in else value < hi)


def parse_parameters(doc: Mapping[str, Any], origin: str) -> ParameterSet:
    """Check a parsed parameter file: every model parameter once, each entry complete."""
    missing = [n for n in NAMES if n not in doc]
    if missing:
        raise InputError(origin, missing[0], f"missing: every model parameter needs an entry ({', '.join(missing)})")
    unknown = [k for k in doc if k not in NAMES]
    if unknown:
        raise InputError(origin, unknown[0], f"unknown parameter; expected one of {', '.join(NAMES)}")
    specs = []
    for name in NAMES:
        entry = doc[name]
        if not isinstance(entry, Mapping):
            raise InputError(origin, name, "expected a table with default, range and cite")
        gone = sorted(_REQUIRED - entry.keys())
        if gone:
            raise InputError(origin, name, f"missing {', '.join(gone)}")
        extra = sorted(entry.keys() - _REQUIRED - _OPTIONAL)
        if extra:
            raise InputError(origin, f"{name}.{extra[0]}", f"unknown field; expected {', '.join(sorted(_REQUIRED | _OPTIONAL))}")
        default = _number(entry["default"])
        if default is None:
            raise InputError(origin, f"{name}.default", f"expected a finite number, got {entry['default']!r}")
        rng = entry["range"]
        bounds = [_number(v) for v in rng] if isinstance(rng, list) else []
        low, high = bounds if len(bounds) == 2 else (None, None)
        if low is None or high is None or not low <= high:
            raise InputError(origin, f"{name}.range", f"expected [low, high], two finite numbers with low <= high, got {rng!r}")
        for where, v in (("range", low), ("range", high), ("default", default)):
            if not _in_domain(name, v):
                raise InputError(origin, f"{name}.{where}", f"expected {DOMAIN[name][4]}, got {v:g}")
        if not low <= default <= high:
            raise InputError(origin, f"{name}.default", f"expected a value inside its range [{low:g}, {high:g}], got {default:g}")
        scale = entry.get("scale", "linear")
        if scale not in SCALES:
            raise InputError(origin, f"{name}.scale", f"expected one of {', '.join(SCALES)}, got {scale!r}")
        if scale == "log" and low <= 0:
            raise InputError(origin, f"{name}.scale", "log scale needs a range above 0")
        texts = {}
        for key in ("cite", "unit", "label", "source"):
            v = entry.get(key, "")
            if not isinstance(v, str) or (key == "cite" and not v.strip()):
                raise InputError(origin, f"{name}.{key}", "expected non-empty text" if key == "cite" else "expected text")
            texts[key] = v.strip()
        specs.append(ParamSpec(name, default, low, high, scale, texts["unit"], texts["label"] or name, texts["cite"], texts["source"]))
    return ParameterSet(tuple(specs), tuple((s.name, s.default) for s in specs), origin)


def override(params: ParameterSet, name: str, raw: Any, where: str) -> ParameterSet:
    """``params`` with ``name`` set to ``raw`` (a number, or text that reads as one)."""
    if name not in NAMES:
        raise InputError(where, name or "(empty)", f"unknown parameter; expected one of {', '.join(NAMES)}")
    value = _number(raw)
    if value is None and isinstance(raw, str):
        try:
            value = _number(float(raw))
        except ValueError:
            value = None
    if value is None:
        raise InputError(where, name, f"expected a finite number, got {raw!r}")
    spec = params.spec(name)
    if not spec.low <= value <= spec.high:
        raise InputError(
            where, name,
            f"expected a value inside the range [{spec.low:g}, {spec.high:g}] that {params.origin} states"
            f" (widen the range there, with its reason, to go further), got {value:g}",
        )
    values = tuple((n, value if n == name else v) for n, v in params.values)
    return replace(params, values=values, overrides=params.overrides + ((name, value, where),))


def parse_assignment(text: str) -> tuple[str, str]:
    """``k=v`` from the command line."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise InputError("--param", text, "expected NAME=VALUE, e.g. software_returns=1.5")
    return name.strip(), value.strip()


def apply_overrides(params: ParameterSet, doc: Mapping[str, Any], where: str) -> ParameterSet:
    """Overrides from a TOML file of ``name = value`` lines."""
    for name, raw in doc.items():
        if isinstance(raw, Mapping):
            raise InputError(where, name, "expected name = value (a number), not a table")
        params = override(params, name, raw, where)
    return params


def draw_parameters(params: ParameterSet, n: int, rng: np.random.Generator) -> ModelParams:
    """``n`` draws of every parameter over its stated range (uniform, or log-uniform when the
    file says ``scale = "log"``), in the fixed order of ``NAMES`` so a seed gives the same draws."""
    out = {}
    for spec in params.specs:
        u = rng.random(n)
        if spec.low == spec.high:
            out[spec.name] = np.full(n, spec.low)
        elif spec.scale == "log":
            out[spec.name] = np.exp(math.log(spec.low) + u * (math.log(spec.high) - math.log(spec.low)))
        else:
            out[spec.name] = spec.low + u * (spec.high - spec.low)
    return ModelParams(**out)


def fixed_parameters(params: ParameterSet, n: int) -> ModelParams:
    """The values in force, repeated for ``n`` draws."""
    return ModelParams(**{name: np.full(n, value, dtype=float) for name, value in params.values})


def stack(central: ModelParams, draws: ModelParams) -> ModelParams:
    """One ModelParams whose first row is ``central`` and the rest ``draws``."""
    return ModelParams(**{
        name: np.concatenate([np.atleast_1d(np.asarray(getattr(central, name), dtype=float)),
                              np.asarray(getattr(draws, name), dtype=float)])
        for name in NAMES
    })
