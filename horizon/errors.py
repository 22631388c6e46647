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
