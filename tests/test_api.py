"""The Python API gives analysts what the command line gives, as polars frames."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

import horizon
from horizon.errors import HorizonError
from tests.conftest import FIXED_NOW, VINTAGE, run_cli


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "api.duckdb"
    with horizon.open_store(path, write=True, now=FIXED_NOW) as store:
        store.ingest(VINTAGE["2026-02-22"], VINTAGE["2026-03-03"])
        store.trend()
    return path


def test_named_queries_come_back_as_frames_equal_to_the_command_lines_json(store_path):
    import json

    cli = json.loads(run_cli("--db", str(store_path), "query", "latest_horizons", "--json").stdout)
    with horizon.open_store(store_path) as store:
        frame = store.latest_horizons()
        assert isinstance(frame, pl.DataFrame) and frame.height > 0
        assert frame.columns == cli["columns"] and frame.height == len(cli["rows"])
        opus = frame.filter(pl.col("model_id") == "claude-opus-4-6")
        assert opus["p50_minutes"].to_list() == [pytest.approx(718.8, abs=0.1)]   # METR's corrected version


def test_a_trend_fitted_from_python_is_stored_and_citable_like_one_from_the_cli(store_path):
    with horizon.open_store(store_path) as store:
        trends = store.doubling_times().filter(pl.col("form") == "exponential")
        assert trends.height == 1
        cited = store.cite()
        assert cited.fit_id == trends["fit_id"][0]
        assert f"{trends['doubling_days'][0]:.1f} days" in cited.claim


def test_read_only_store_refuses_to_write(store_path):
    with horizon.open_store(store_path) as store, pytest.raises(HorizonError, match="opened read-only"):
        store.ingest(VINTAGE["2026-01-30"])


def test_trend_options_from_python_are_the_cli_options(store_path):
    with horizon.open_store(store_path, write=True, now=FIXED_NOW) as store:
        run = store.trend(horizon.TrendSpec(level=80, window_from=date(2024, 1, 1)))
        assert run.result.spec.level == 80 and all(p.release_date >= date(2024, 1, 1) for p in run.result.used)


def test_pure_statistics_are_exported_at_the_top():
    assert horizon.analyse.__module__ == "horizon.trend.analysis"
    assert horizon.fit_runs.__module__ == "horizon.fit.horizons"
