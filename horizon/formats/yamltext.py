"""Reading YAML safely, with errors that name the line.

The loader refuses what a plain safe load lets through silently: a key given twice in one
mapping (the last would win, hiding the first), and scalars Python cannot hold (a date like
2024-02-30, an int with more digits than ``int()`` accepts), which PyYAML reports as a bare
ValueError without a line.
"""

from __future__ import annotations

from typing import Any

import yaml

from horizon.errors import InputError
from horizon.formats.base import check_markup_size, reason

# libyaml's C loader when PyYAML was built with it (mypy cannot check a base chosen at run time)
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE = "tag:yaml.org,2002:merge"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Refused(Exception):
    """Raised inside the loader; load_yaml turns it into an InputError naming the file."""

    def __init__(self, line: int, expected: str):
        super().__init__(expected)
        self.line = line
        self.expected = expected


class _StrictLoader(_Base):  # type: ignore[misc, valid-type]
    """A safe loader that refuses duplicate keys and names the line of unreadable scalars."""

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except ValueError as exc:
            # Only scalars raise ValueError here; outer nodes see _Refused, not ValueError.
            line = node.start_mark.line + 1
            value = node.value if isinstance(node, yaml.ScalarNode) else ""
            if len(value) > 40:
                value = value[:20] + "..."
            if node.tag == _TIMESTAMP:
                expected = f"expected a date like 2025-08-07, got {value!r} ({exc})"
            else:
                expected = f"expected a readable value, got {value!r} ({reason(exc)})"
            raise _Refused(line, expected) from None

    def construct_mapping(self, node, deep=False):
        # Keys are compared as constructed values and as text: 1 and "1" are different YAML
        # keys but become the same model name (source_model is text).
        seen_value: dict[Any, int] = {}
        seen_text: dict[str, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                continue
            key = self.construct_object(key_node, deep=deep)
            text = str(key)
            line = key_node.start_mark.line + 1
            first = seen_text.get(text)
            if first is None:
                try:
                    first = seen_value.get(key)
                except TypeError:  # unhashable: the base constructor reports it
                    first = None
            if first is not None:
                raise _Refused(line, f"expected unique keys, got {text!r} again (first on line {first})")
            seen_text[text] = line
            try:
                seen_value[key] = line
            except TypeError:
                pass
        return super().construct_mapping(node, deep=deep)


def yaml_error(exc: yaml.YAMLError, text: str, source: str) -> InputError:
    """One line for anything PyYAML refuses, with the line it points at."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}" if mark else None
        return InputError(source, where, f"expected valid YAML ({exc.problem or 'malformed'})")
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow in a stream
        line = text[: exc.position].count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return InputError(source, f"line {line}", f"expected valid YAML (character U+{code:04X} is not allowed)")
    return InputError(source, None, f"expected valid YAML ({reason(exc)})")


def load_yaml(text: str, source: str) -> Any:
    check_markup_size(text, source, "YAML")
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a safe loader)
    except _Refused as exc:
        raise InputError(source, f"line {exc.line}", exc.expected) from None
    except yaml.YAMLError as exc:
        raise yaml_error(exc, text, source) from None
    except (ValueError, OverflowError) as exc:  # any other constructor failure: still one line
        raise InputError(source, None, f"expected valid YAML ({reason(exc)})") from None

