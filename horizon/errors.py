"""Domain exceptions. The CLI turns each into one line on stderr and exit code 1."""

from __future__ import annotations


class HorizonError(Exception):
    """Base class: anything the user can fix, with a message that says how."""


class InputError(HorizonError):
    """A source file (or URL) is not what we expected.

    The message names the file, then the line or key, then what was expected, e.g.
    ``data/x.yaml: results.gpt_5.release_date: expected a date like 2025-08-07, got 'soon'``.
    """

    def __init__(self, source: str, where: str | None, expected: str):
        self.source = source
        self.where = where
        self.expected = expected
        parts = [source] + ([where] if where else []) + [expected]
        super().__init__(": ".join(parts))


class FetchError(HorizonError):
    """A URL could not be fetched (timeout, HTTP error, too large, bad scheme)."""


class NotFoundError(HorizonError):
    """A named thing (query, snapshot, model, fit) does not exist."""


class ConfigError(HorizonError):
    """A file in data/ (models.toml, sources.toml, thresholds.toml) is malformed."""


def unknown_name(what: str, name: str, known, where: str | None = None) -> NotFoundError:
    """"no threshold named 'work-mnth-50'; closest: work-month-50, work-month-80": the error for a
    name that is not there, with the nearest spellings (or every name, when there are few)."""
    import difflib

    known = sorted(set(known))
    lowered = {k.lower(): k for k in known}
    # Names that contain what was typed ("al4" -> anthropic_al4_plus), then near spellings.
    close = [k for k in known if name.lower() in k.lower()][:3] or [
        lowered[k] for k in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.5)]
    if close:
        hint = f"closest: {', '.join(close)}"
    elif len(known) <= 30:
        hint = f"expected one of: {', '.join(known) or 'none'}"
    else:
        hint = f"{len(known)} known; none close"
    return NotFoundError(f"{where + ': ' if where else ''}no {what} named {name!r}; {hint}")
