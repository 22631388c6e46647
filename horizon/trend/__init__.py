"""Frontier trends of time horizons: doubling times with intervals, alternative forms,
backtests, threshold forecasts and citations.

Pure statistics live in ``frontier``, ``exponential``, ``intervals``, ``forms``, ``backtest``,
``forecast`` and ``analysis``; ``store`` reads and writes the trend tables; ``api`` ties them
to the store (the functions the CLI, `horizon update` and the report call); ``cite`` turns a
stored trend into a sentence. Nothing here imports plotting code.
"""

# Imported on first use: the report only needs horizon.trend.thresholds, and importing the
# statistics (numpy, scipy) up front would slow every report build.
_EXPORTS = {
    "TrendResult": "analysis", "TrendSpec": "analysis", "analyse": "analysis",
    "DefaultTrends": "api", "ForecastRun": "api", "TrendRun": "api",
    "run_default_trends": "api", "run_forecast": "api", "run_trend": "api",
}


def __getattr__(name):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(f"horizon.trend.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'horizon.trend' has no attribute {name!r}")


__all__ = [
    "DefaultTrends",
    "ForecastRun",
    "TrendResult",
    "TrendRun",
    "TrendSpec",
    "analyse",
    "run_default_trends",
    "run_forecast",
    "run_trend",
]
