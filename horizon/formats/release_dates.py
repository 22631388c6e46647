"""Model release dates published by METR as YAML.

Two shapes:

- ``metr_release_dates``: ``date:`` mapping model name -> date (METR eval-analysis-public
  ``release_dates.yaml``, and the copy in METR cross-domain-horizon).
- ``cross_domain_model_info``: ``model_info: <key>: {release_date, aliases: [...]}`` from
  cross-domain-horizon; every alias is another spelling of the same model, so it gets a row too.

We walk the composed YAML nodes rather than the constructed objects: node text keeps the file's
own spelling of every name (``no`` or ``1.5`` stay strings) and each node knows its line, so
errors can point at it. Duplicate spellings with the same date collapse into one row (the
published files have a few: cross-domain release_dates.yaml lists gpt_4_0613 twice, and
model_info.yaml states one entry's release_date twice); a key repeated with a different value
(two dates, two different model_info entries, two top-level ``date:`` sections) is an error. In model_info a
``release_date: unknown`` entry says the publisher does not know the date: it yields no rows.
"""

from __future__ import annotations

import re
from datetime import date

import yaml

from horizon.errors import InputError
from horizon.formats.base import Parsed, a_date, check_markup_size, record_release_date, text_field
from horizon.formats.yamltext import yaml_error

KINDS = ["metr_release_dates", "cross_domain_model_info"]
_TOP_KEY = {"metr_release_dates": "date", "cross_domain_model_info": "model_info"}
_LABEL = {
    "metr_release_dates": "METR model release dates",
    "cross_domain_model_info": "METR cross-domain model info",
}
_CITATION = {
    "metr_release_dates": "METR, release_dates.yaml, https://github.com/METR/eval-analysis-public",
    "cross_domain_model_info": (
        "METR, cross-domain-horizon, https://github.com/METR/cross-domain-horizon"
    ),
}
_UNKNOWN = "unknown"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FIRST_KEY = re.compile(r"^([A-Za-z_]+):\s*(#.*)?$")


def _first_key(text: str) -> str | None:
    """The first top-level key, skipping comments, blank lines and a document marker."""
    for line in text.lstrip("\ufeff").splitlines()[:50]:
        if not line.strip() or line.startswith("#") or line.strip() == "---":
            continue
        m = _FIRST_KEY.match(line)
        return m.group(1) if m else None
    return None


def sniff(text: str, name: str) -> bool:
    head = text[:200_000]
    if re.search(r"^(results|doubling_time_in_days):", head, re.MULTILINE):
        return False  # METR headline YAML, not ours
    return _first_key(head) in _TOP_KEY.values()


def kind_of(text: str, name: str) -> str | None:
    """Which of KINDS this content is, from its first top-level key."""
    key = _first_key(text[:200_000])
    return next((k for k, top in _TOP_KEY.items() if top == key), None)


def _compose(text: str, source: str) -> yaml.Node | None:
    check_markup_size(text, source, "YAML")
    text = text.lstrip("\ufeff")
    try:
        return yaml.compose(text, Loader=_Loader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, text, source) from None


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _name(node: yaml.Node, source: str, path: str) -> str:
    where = f"line {_line(node)}, key {path}"
    if not isinstance(node, yaml.ScalarNode):
        raise InputError(source, where, "expected a model name, got a nested structure")
    return text_field(node.value, source, where).strip()


def _date(node: yaml.Node, source: str, where: str) -> date:
    if not isinstance(node, yaml.ScalarNode):
        raise InputError(source, where, "expected a date like 2025-08-07, got a nested structure")
    return a_date(node.value, source, where)


def _same(a: yaml.Node, b: yaml.Node) -> bool:
    """Whether two nodes say the same thing, as written (positions aside)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, yaml.ScalarNode):
        return a.value == b.value
    if len(a.value) != len(b.value):
        return False
    if isinstance(a, yaml.SequenceNode):
        return all(_same(x, y) for x, y in zip(a.value, b.value))
    return all(_same(k1, k2) and _same(v1, v2) for (k1, v1), (k2, v2) in zip(a.value, b.value))


def _refuse_conflicting_keys(mapping: yaml.MappingNode, source: str, path: str, skip: tuple[str, ...] = ()) -> None:
    """A key given twice with different values: the file contradicts itself, so refuse it
    rather than let the first or the last silently win. ``skip`` names keys whose repeats
    another check reports more precisely (two release dates)."""
    first: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in mapping.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.value in skip:
            continue
        earlier = first.setdefault(key_node.value, (key_node, value_node))
        if earlier[0] is not key_node and not _same(earlier[1], value_node):
            key = f"{path}.{key_node.value}" if path else key_node.value
            raise InputError(
                source, f"line {_line(key_node)}, key {key}",
                f"expected unique keys, got {key_node.value!r} again with a different value "
                f"(first on line {_line(earlier[0])})",
            )


def _section(root: yaml.Node | None, kind: str | None, source: str) -> tuple[str, yaml.MappingNode]:
    wanted = [kind] if kind else KINDS
    keys = " or ".join(f"'{_TOP_KEY[k]}:'" for k in wanted)
    expected = f"expected a YAML mapping with a top-level {keys} key"
    if root is None:
        raise InputError(source, None, f"{expected}, got an empty file")
    if not isinstance(root, yaml.MappingNode):
        raise InputError(source, f"line {_line(root)}", expected)
    _refuse_conflicting_keys(root, source, "")
    for key_node, value_node in root.value:
        for k in wanted:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == _TOP_KEY[k]:
                if not isinstance(value_node, yaml.MappingNode):
                    raise InputError(
                        source,
                        f"line {_line(key_node)}, key {key_node.value}",
                        "expected a mapping of model name to "
                        + ("release date" if k == "metr_release_dates" else "release_date and aliases"),
                    )
                return k, value_node
    raise InputError(source, None, expected)


def _dates(section: yaml.MappingNode, source: str) -> dict[str, date]:
    found: dict[str, date] = {}
    for key_node, value_node in section.value:
        name = _name(key_node, source, "date")
        where = f"line {_line(key_node)}, key date.{name}"
        record_release_date(found, name, _date(value_node, source, where), source, where)
    return found


def _model_info(section: yaml.MappingNode, source: str) -> dict[str, date]:
    found: dict[str, date] = {}
    _refuse_conflicting_keys(section, source, "model_info")
    for key_node, entry in section.value:
        name = _name(key_node, source, "model_info")
        path = f"model_info.{name}"
        if not isinstance(entry, yaml.MappingNode):
            raise InputError(
                source, f"line {_line(key_node)}, key {path}",
                "expected a mapping with release_date and optional aliases",
            )
        _refuse_conflicting_keys(entry, source, path, skip=("release_date",))
        day: date | None = None
        stated = False
        aliases: list[tuple[str, str]] = []
        for field_node, value_node in entry.value:
            field = field_node.value if isinstance(field_node, yaml.ScalarNode) else None
            where = f"line {_line(field_node)}, key {path}.{field}"
            if field == "release_date":
                if isinstance(value_node, yaml.ScalarNode) and value_node.value.strip().lower() == _UNKNOWN:
                    stated = True
                    continue
                this = _date(value_node, source, where)
                if day is not None and this != day:
                    raise InputError(
                        source, where, f"expected one release date for {name!r}, got {day} and {this}"
                    )
                day, stated = this, True
            elif field == "aliases":
                if not isinstance(value_node, yaml.SequenceNode):
                    raise InputError(source, where, "expected a list of alias names")
                for i, alias_node in enumerate(value_node.value):
                    alias_where = f"line {_line(alias_node)}, key {path}.aliases[{i}]"
                    aliases.append((_name(alias_node, source, f"{path}.aliases[{i}]"), alias_where))
        if not stated:
            raise InputError(
                source, f"line {_line(key_node)}, key {path}",
                "expected a release_date (a date, or 'unknown')",
            )
        if day is None:
            continue  # the publisher says it does not know: nothing to record
        record_release_date(found, name, day, source, f"line {_line(key_node)}, key {path}")
        for alias, alias_where in aliases:
            record_release_date(found, alias, day, source, alias_where)
    return found


def parse(text: str, source: str, kind: str | None = None) -> Parsed:
    if kind is not None and kind not in KINDS:
        raise InputError(source, None, f"expected one of {', '.join(KINDS)}, got {kind!r}")
    kind, section = _section(_compose(text, source), kind, source)
    found = _dates(section, source) if kind == "metr_release_dates" else _model_info(section, source)
    rows = [{"source_model": name, "release_date": day} for name, day in found.items()]
    return Parsed(
        kind=kind,
        tables={"release_dates": rows},
        publisher_label=_LABEL[kind],
        citation=_CITATION[kind],
        release_dates=dict(found),
    )
