"""Trend shapes fitted to the same points as the exponential, one class per shape.

``FORMS`` maps each name to its shape (in the order tables list them); adding a shape is one
new module with a ``Form`` subclass, imported here. Every fit reports its residual sum of
squares and information criteria on the same points, so shapes are compared like for like.
"""

from __future__ import annotations

from horizon.trend.forms import exponential, piecewise, saturating, superexponential
from horizon.trend.forms.base import _REGISTRY, Form, FormDraws, FormFit, NotConverged

_ORDER = (exponential.Exponential, piecewise.Piecewise, superexponential.Superexponential, saturating.Saturating)
FORMS: dict[str, Form] = {cls.name: _REGISTRY[cls.name] for cls in _ORDER}
FORM_NAMES: tuple[str, ...] = tuple(FORMS)


def shape(name: str) -> Form:
    """The shape called ``name``; a one-line error naming the shapes there are otherwise."""
    from horizon.errors import HorizonError

    try:
        return FORMS[name]
    except KeyError:
        raise HorizonError(f"unknown trend form {name!r}: expected one of {', '.join(FORMS)}") from None


def fit_form(name: str, x, y, x_ref: float | None = None, start=None) -> FormFit:
    return shape(name).fit(x, y, x_ref=x_ref, start=start)


def stored_curve(name: str, params: dict[str, float], days):
    """The curve of a stored fit (its named params and x_ref, as trend_fits.params holds them)
    at day numbers ``days``; None when the form or a parameter is unknown."""
    import numpy as np

    form = FORMS.get(name)
    if form is None or "x_ref" not in params or any(k not in params for k in form.param_names):
        return None
    p = np.array([[float(params[k]) for k in form.param_names]])
    return form.curve(p, np.asarray(days, dtype=float) - float(params["x_ref"]))[0]


__all__ = ["FORMS", "FORM_NAMES", "Form", "FormDraws", "FormFit", "NotConverged", "fit_form", "shape", "stored_curve"]
