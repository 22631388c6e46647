"""Uncertainty on the site: the coverage study, the break test's sensitivity, forecasts with both
intervals in words, and the caveats that belong beside a headline number.

Each builder returns a ``Section``: an HTML fragment (built only with ``horizon.report.markup``,
every stored string escaped) plus the rows of its table, which ``Section.files()`` writes as
CSV and JSON for ``Page.files`` and ``Section.links()`` links to. Everything is read-only from
the store; a store without the data gives a one-line note, never an exception. The
``*_section`` functions return just the HTML, the ``*_rows`` functions just the rows.
"""

from horizon.report.uncertainty.breaks import break_test, break_test_rows, break_test_section
from horizon.report.uncertainty.caveats import (
    publisher_check,
    publisher_check_section,
    warnings,
    warnings_rows,
    warnings_section,
)
from horizon.report.uncertainty.common import Section
from horizon.report.uncertainty.coverage import coverage, coverage_rows, coverage_section
from horizon.report.uncertainty.forecasts import forecast, forecast_rows, forecast_section
from horizon.report.uncertainty.headline import doubling_interval, doubling_interval_section

__all__ = [
    "Section",
    "break_test",
    "break_test_rows",
    "break_test_section",
    "coverage",
    "coverage_rows",
    "coverage_section",
    "doubling_interval",
    "doubling_interval_section",
    "forecast",
    "forecast_rows",
    "forecast_section",
    "publisher_check",
    "publisher_check_section",
    "warnings",
    "warnings_rows",
    "warnings_section",
]
