"""Frontier trends of time horizons: doubling times with calibrated intervals, alternative forms,
the break test, backtests, threshold forecasts and citations.

Pure statistics: ``rules`` (the domain rules with one home each: ceiling, days, doubling from
slope, version order), ``points``, ``frontier``, ``ols`` (the one least-squares routine, and
statsmodels for inference), ``forms`` (one class per trend shape), ``batch`` (refitting many
replicates at once), ``delta`` (linearised inference), ``intervals`` (the exponential's
intervals), ``calibration`` (the coverage study that chose the default interval), ``breaks``,
``backtest``, ``forecast``, ``publisher`` (checking a publisher's figures) and ``analysis``.
``store`` reads trend inputs and writes results; ``stored`` reads results back as typed records
(no numpy); ``canonical`` finds the trend the headline quotes; ``api`` ties them to the store
(what the CLI, `horizon update` and the report call); ``cite`` turns a stored trend into a
sentence. Nothing here imports plotting code.
"""

# Imported on first use: the report only needs horizon.trend.thresholds and the light readers,
# and importing the statistics (numpy, scipy, statsmodels) up front would slow every build.
_EXPORTS = {
    "TrendResult": "analysis", "TrendSpec": "analysis", "analyse": "analysis",
    "DefaultTrends": "api", "ForecastRun": "api", "TrendRun": "api",
    "run_default_trends": "api", "run_forecast": "api", "run_trend": "api",
    "canonical_trend": "canonical", "canonical_trend_fit_id": "canonical", "shown_ceiling_minutes": "canonical",
    "coverage_study": "calibration",
    "interval_coverage": "stored", "load_break_test": "stored", "load_stored_trend": "stored",
}


def __getattr__(name):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(f"horizon.trend.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'horizon.trend' has no attribute {name!r}")


__all__ = sorted(_EXPORTS)
