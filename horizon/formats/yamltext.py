"""Reading YAML safely, with errors that name the line."""

from __future__ import annotations

from typing import Any

import yaml

from horizon.errors import InputError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a safe loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}" if mark else None
        problem = exc.problem or "malformed"
        raise InputError(source, where, f"expected valid YAML ({problem})") from None
    except yaml.YAMLError as exc:
        raise InputError(source, None, f"expected valid YAML ({exc})") from None
