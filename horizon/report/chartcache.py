"""Chart specs kept between builds, so a rebuild from unchanged data need not run Altair.

Building a site's charts with Altair takes ~0.6 s, plus ~0.35 s to import it; reading a spec
back takes about a millisecond. Chart builders are pure (records in, spec out), so a spec is
stored under a hash of the builder's name, its arguments, the source of charts.py and the
Altair version: any change to the data, the chart code or Altair gives a new key. Arguments
that are not plain JSON are never cached. The spec is stored as JSON in its own key order and
read back as the same dict, so a cached chart gives the same bytes as a freshly built one.
Each entry's first line is the sha256 of the JSON after it: an entry that was damaged (even
into other valid JSON) is rebuilt, never used.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from horizon.report.cachefile import write_atomic

# Enough for several sites' worth of charts; older entries (by last use) are removed.
MAX_ENTRIES = 256
BUILDERS = frozenset({
    "horizon_chart", "success_curves", "vintage_chart", "doubling_chart", "domains_chart", "forms_chart",
    "backtest_chart",
})


class _NotPlain(Exception):
    pass


def _reject(value: Any) -> Any:
    raise _NotPlain(type(value).__name__)


def _code_identity() -> str:
    from importlib.metadata import version

    source = (Path(__file__).with_name("charts.py")).read_bytes()
    return hashlib.sha256(source + b"\0altair " + version("altair").encode()).hexdigest()


class ChartSpecs:
    """``specs.horizon_chart(...)`` etc.: the builders of horizon.report.charts, cached in ``directory``.

    ``directory=None`` builds every chart (no cache). The cache is best effort: a directory
    that cannot be read or written only makes the build slower.
    """

    def __init__(self, directory: Path | None = None):
        self.directory = directory
        self._code: str | None = None

    def __getattr__(self, name: str) -> Callable[..., dict[str, Any]]:
        if name not in BUILDERS:
            raise AttributeError(name)
        return lambda *args, **kwargs: self.build(name, *args, **kwargs)

    def _key(self, builder: str, args: tuple, kwargs: dict) -> str | None:
        try:
            call = json.dumps([builder, list(args), kwargs], default=_reject, ensure_ascii=False)
        except (_NotPlain, ValueError, TypeError):
            return None
        if self._code is None:
            self._code = _code_identity()
        return hashlib.sha256(f"{self._code}\0{call}".encode()).hexdigest()[:32]

    def build(self, builder: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        path: Path | None = None
        if self.directory is not None:
            key = self._key(builder, args, kwargs)
            if key:
                path = self.directory / f"{builder}-{key}.json"
        if path is not None:
            try:
                digest, _, text = path.read_text(encoding="utf-8").partition("\n")
                if digest == hashlib.sha256(text.encode("utf-8")).hexdigest():
                    spec = json.loads(text)
                    os.utime(path)  # last use, for pruning
                    return spec
            except (OSError, ValueError):
                pass  # not cached yet, or unreadable: build it
        from horizon.report import charts

        spec = getattr(charts, builder)(*args, **kwargs)
        if path is not None:
            self._store(path, spec)
        return spec

    def _store(self, path: Path, spec: dict[str, Any]) -> None:
        try:
            text = json.dumps(spec, ensure_ascii=False)
            entry = hashlib.sha256(text.encode("utf-8")).hexdigest() + "\n" + text
        except (TypeError, ValueError):
            return
        try:
            write_atomic(path, entry.encode("utf-8"))
            self._prune()
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower

    def _prune(self) -> None:
        from horizon.report.export import remove_stale_partials

        if self.directory is None:
            return
        remove_stale_partials(self.directory)
        entries = [p for p in self.directory.glob("*.json") if p.is_file()]
        if len(entries) <= MAX_ENTRIES:
            return
        entries.sort(key=lambda p: (p.stat().st_mtime, p.name))
        for p in entries[: len(entries) - MAX_ENTRIES]:
            p.unlink(missing_ok=True)
