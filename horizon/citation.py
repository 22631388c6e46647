"""Citations of stored results: one record, rendered as a sentence, BibTeX, CSL-JSON or JSON.

Every citation credits the data's publisher (METR, Anthropic, OpenAI, ...) as the author of the
data, with the publisher's own web address, and names horizon as the tool that computed the
number. The sentence a reader copies says the finding in plain words first; how horizon got it
(method, fit id, snapshot hashes) follows in brackets. Keys are stable: the same finding from the
same published version gets the same BibTeX key whichever fit computed it.

The trend, indicator and scenario packages each build a ``Citation`` from their stored rows;
this module only renders.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

FORMATS = ("text", "bibtex", "csl-json", "json")
TOOL = "horizon"

# Who published data found at a web address: the author a citation credits. A host not listed
# here is credited by its own name.
PUBLISHERS_BY_HOST = {
    "metr.org": "METR",
    "github.com/metr": "METR",
    "anthropic.com": "Anthropic",
    "openai.com": "OpenAI",
    "epoch.ai": "Epoch AI",
    "github.com/epoch-research": "Epoch AI",
}


@dataclass(frozen=True)
class Source:
    """One published data set behind a number."""

    publisher: str              # who made and published the data: the author of the data
    title: str                  # what they published, with its version
    url: str | None             # where it is published on the web (never a local path)
    issued: date | None         # the publisher's version date, where known
    accessed: date              # when horizon retrieved it
    sha256: str                 # of the bytes horizon read


@dataclass(frozen=True)
class Citation:
    kind: str                   # trend, indicator, scenario
    key: str                    # stable BibTeX key
    title: str
    claim: str                  # the finding in plain words: what a reader quotes
    provenance: str             # how horizon computed it (method, fit, snapshots)
    sources: tuple[Source, ...]
    tool_version: str
    fit_id: int
    created: date
    facts: dict[str, Any] = field(default_factory=dict)   # the numbers, for JSON

    @property
    def publishers(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for s in self.sources:
            seen.setdefault(s.publisher, None)
        return tuple(seen)

    @property
    def year(self) -> int:
        issued = [s.issued for s in self.sources if s.issued]
        return max(issued).year if issued else self.created.year


# Publishers' own labels for their data, and the page that publishes it: how a file read from a
# local copy is still credited to its publisher, with the publisher's address (never the path).
PUBLISHERS_BY_LABEL = (
    ("METR-Horizon", "METR", "https://metr.org/time-horizons"),
    ("METR", "METR", "https://metr.org/"),
    ("Epoch", "Epoch AI", "https://epoch.ai/data"),
)


def publication_page(label: str | None) -> str | None:
    """The publisher's page for data labelled ``label`` (e.g. METR-Horizon-v1.1), if known."""
    for prefix, _, page in PUBLISHERS_BY_LABEL:
        if (label or "").startswith(prefix):
            return page
    return None


def publisher_of(url: str | None, fallback: str) -> str:
    """The publisher credited for data at ``url`` (see PUBLISHERS_BY_HOST), else for the data's
    label (PUBLISHERS_BY_LABEL), else ``fallback`` itself."""
    m = re.match(r"https?://([^/?#]+)(/[^/?#]*)?", url or "", re.IGNORECASE)
    if not m:
        for prefix, name, _ in PUBLISHERS_BY_LABEL:
            if fallback.startswith(prefix):
                return name
        return fallback
    host = m.group(1).lower().removeprefix("www.").removeprefix("www-cdn.")
    first = (m.group(2) or "").lower()
    for known, name in PUBLISHERS_BY_HOST.items():
        if known == host + first or known == host or host.endswith("." + known):
            return name
    return host


def stable_key(*parts: str) -> str:
    """A BibTeX key from the parts that identify a finding: ASCII letters, digits and '-'."""
    text = "-".join(p for p in parts if p)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "horizon"


_LATEX = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "$": r"\$", "&": r"\&", "#": r"\#",
    "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
}
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX))


def latex_escape(text: str) -> str:
    """Text as LaTeX reads it literally (BibTeX fields go through LaTeX)."""
    return _LATEX_RE.sub(lambda m: _LATEX[m.group(0)], text)


def sentence(c: Citation) -> str:
    return f"{c.claim} [{c.provenance}]"


def _note(c: Citation) -> str:
    """The finding, then that horizon computed it and how (the provenance names horizon's
    version and the fit)."""
    return f"{c.claim} Computed with {c.provenance}."


def _urls(c: Citation) -> list[str]:
    return list(dict.fromkeys(s.url for s in c.sources if s.url))


def bibtex(c: Citation) -> str:
    """One @misc entry: the publishers are the authors (braced, so BibTeX keeps each name
    whole); horizon and its fit are in the note, after the finding."""
    authors = " and ".join("{" + latex_escape(p) + "}" for p in c.publishers) or "{" + TOOL + "}"
    urls = _urls(c)
    fields = [
        ("author", authors),
        ("title", "{" + latex_escape(c.title) + "}"),
        ("year", str(c.year)),
    ]
    if urls:
        fields.append(("url", urls[0]))
        fields.append(("howpublished", r"\url{" + urls[0] + "}"))
    accessed = max(s.accessed for s in c.sources) if c.sources else c.created
    fields.append(("urldate", accessed.isoformat()))
    fields.append(("note", latex_escape(_note(c))))
    body = ",\n".join(f"  {name} = {{{value}}}" if name not in ("year",) else f"  {name} = {value}"
                      for name, value in fields)
    return f"@misc{{{c.key},\n{body}\n}}"


def _date_parts(d: date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[d.year, d.month, d.day]]}


def csl_json(c: Citation) -> list[dict[str, Any]]:
    """CSL-JSON (what Zotero, pandoc and citeproc read): a list with one dataset item."""
    item: dict[str, Any] = {
        "id": c.key,
        "type": "dataset",
        "title": c.title,
        "author": [{"literal": p} for p in c.publishers],
        "note": _note(c),
        "medium": f"{TOOL} {c.tool_version}",
    }
    issued = [s.issued for s in c.sources if s.issued]
    item["issued"] = _date_parts(max(issued) if issued else c.created)
    if c.sources:
        item["accessed"] = _date_parts(max(s.accessed for s in c.sources))
    if urls := _urls(c):
        item["URL"] = urls[0]
    if c.publishers:
        item["publisher"] = ", ".join(c.publishers)
    return [item]


def document(c: Citation) -> dict[str, Any]:
    """The JSON document of `horizon cite --json`: every rendering and the facts behind it."""
    return {
        "kind": c.kind,
        "key": c.key,
        "title": c.title,
        "claim": c.claim,
        "provenance": c.provenance,
        "sentence": sentence(c),
        "bibtex": bibtex(c),
        "csl_json": csl_json(c),
        "sources": [
            {"publisher": s.publisher, "title": s.title, "url": s.url,
             "issued": s.issued.isoformat() if s.issued else None, "accessed": s.accessed.isoformat(),
             "sha256": s.sha256}
            for s in c.sources
        ],
        "fit_id": c.fit_id,
        "horizon_version": c.tool_version,
        "created_at": c.created.isoformat(),
        **c.facts,
    }


def render(c: Citation, fmt: str) -> str | dict | list:
    """``text`` and ``bibtex`` give text; ``csl-json`` and ``json`` give a JSON value."""
    if fmt == "text":
        return sentence(c)
    if fmt == "bibtex":
        return bibtex(c)
    if fmt == "csl-json":
        return csl_json(c)
    if fmt == "json":
        return document(c)
    raise ValueError(f"citation format {fmt!r}: expected one of {', '.join(FORMATS)}")
