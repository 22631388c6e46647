"""Parsers for every published format horizon reads, and detection from content.

Each parser module defines ``KIND`` (its name, used by ``--input-format``), ``sniff(text, name)``
(does this content look like mine?) and ``parse(text, source) -> Parsed``. Parsers are pure:
they read text and return rows; the ingest layer resolves model names, stamps the snapshot
and writes everything in one transaction.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from horizon.errors import InputError
from horizon.formats.base import Parsed

# Order matters: the first parser whose sniff() accepts the content wins, so specific formats
# come before general ones.
PARSER_MODULES = [
    "horizon.formats.indicators",  # before embedded: it reads its own "# horizon embedded" kinds
    "horizon.formats.embedded",
    "horizon.formats.metr_yaml",
    "horizon.formats.metr_runs",
    "horizon.formats.release_dates",
    "horizon.formats.cross_domain",
    "horizon.formats.epoch",
]


def parsers() -> list[ModuleType]:
    found = []
    for name in PARSER_MODULES:
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return found


def module_kinds(module: ModuleType) -> list[str]:
    return list(module.KINDS) if hasattr(module, "KINDS") else [module.KIND]


def kinds() -> list[str]:
    return [kind for m in parsers() for kind in module_kinds(m)]


def parser_for(kind: str) -> ModuleType:
    for m in parsers():
        if kind in module_kinds(m):
            return m
    raise InputError("--input-format", None, f"expected one of {', '.join(kinds())}, got {kind!r}")


def detect(text: str, name: str, source: str) -> ModuleType:
    for m in parsers():
        if m.sniff(text, name):
            return m
    raise InputError(
        source,
        None,
        "expected a known format (" + ", ".join(kinds()) + "); could not tell which this is"
        " (use --input-format to say)",
    )


__all__ = ["Parsed", "detect", "kinds", "parser_for", "parsers"]
