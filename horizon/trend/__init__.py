"""Frontier trends of time horizons: doubling times with intervals, alternative forms,
backtests, threshold forecasts and citations.

Pure statistics live in ``frontier``, ``exponential``, ``intervals``, ``forms``, ``backtest``,
``forecast`` and ``analysis``; ``store`` reads and writes the trend tables; ``api`` ties them
to the store (the functions the CLI, `horizon update` and the report call); ``cite`` turns a
stored trend into a sentence. Nothing here imports plotting code.
"""

from horizon.trend.analysis import TrendResult, TrendSpec, analyse
from horizon.trend.api import DefaultTrends, ForecastRun, TrendRun, run_default_trends, run_forecast, run_trend

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
