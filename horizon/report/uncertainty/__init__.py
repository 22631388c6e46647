"""Uncertainty on the site: the coverage study, the break test's sensitivity, forecasts with both
intervals in words, and the warnings that belong beside a headline number.

Each part is a ``Section`` (HTML fragment + the rows of its table for downloads), read-only from
the store, built only with ``horizon.report.markup``; ``*_section`` functions return just the HTML.
"""

from horizon.report.uncertainty.common import Section
from horizon.report.uncertainty.coverage import coverage, coverage_rows, coverage_section

__all__ = ["Section", "coverage", "coverage_rows", "coverage_section"]
