"""The layering the design promises: statistics never import plotting or the report."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["horizon.fit.api", "horizon.trend.api", "horizon.trend.cite", "horizon.update"])
def test_fitting_and_trend_code_never_import_plotting_or_the_report(module):
    code = (
        f"import sys, json, {module}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('altair', 'vl_convert')"
        " or m.startswith('horizon.report'))))"
    )
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert loaded == []


def test_the_command_line_starts_without_heavy_libraries():
    code = ("import sys, json\nfrom horizon.cli import cli, register_commands\nregister_commands()\n"
            "print(json.dumps(sorted(m for m in ('polars', 'numpy', 'scipy', 'statsmodels', 'altair') if m in sys.modules)))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert loaded == []
