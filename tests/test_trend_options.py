"""Options that make no sense are refused, in one line, before anything is fitted or stored."""

from __future__ import annotations

import math

import pytest

from horizon.errors import HorizonError
from horizon.store import connect
from horizon.trend.analysis import TrendSpec
from tests.conftest import VINTAGES, run_cli, table_counts

ENV = {"SOURCE_DATE_EPOCH": "1772366400"}  # 2026-03-01


@pytest.mark.parametrize("seed", [-1, 1.5, True, "3"])
def test_trend_spec_refuses_a_seed_that_is_not_a_whole_number_from_zero(seed):
    with pytest.raises(HorizonError, match=r"^seed: expected a whole number 0 or more, got"):
        TrendSpec(seed=seed)


@pytest.mark.parametrize("minutes", [math.nan, math.inf, -60.0, 0.0, "960"])
def test_trend_spec_refuses_a_ceiling_that_is_not_a_positive_finite_number(minutes):
    with pytest.raises(HorizonError, match=r"^ceiling: expected a positive finite number of minutes"):
        TrendSpec(ceiling_minutes=minutes)


def test_trend_spec_accepts_no_ceiling_and_seed_zero_but_not_zero_replicates():
    assert TrendSpec(ceiling_minutes=None, seed=0).ceiling_minutes is None
    assert TrendSpec(n_boot=1).n_boot == 1
    with pytest.raises(HorizonError, match="n_boot"):
        TrendSpec(n_boot=0)


@pytest.mark.parametrize("command", ["trend", "forecast"])
@pytest.mark.parametrize(
    "args, says",
    [
        (["--seed", "-1"], "'--seed': -1 is not in the range x>=0"),
        (["--ceiling-hours", "nan"], "'--ceiling-hours': expected a positive finite number of hours, got 'nan'"),
        (["--ceiling-hours", "inf"], "'--ceiling-hours': expected a positive finite number of hours, got 'inf'"),
        (["--ceiling-hours", "-1"], "'--ceiling-hours': expected a positive finite number of hours, got '-1'"),
    ],
    ids=["seed-1", "ceiling-nan", "ceiling-inf", "ceiling-neg"],
)
def test_bad_trend_options_are_refused_and_nothing_is_stored(tmp_path, ingested, command, args, says):
    db = ingested(tmp_path / "o.duckdb", VINTAGES[-1], env=ENV)
    con = connect(db)
    before = table_counts(con)
    con.close()
    result = run_cli("--db", str(db), command, *args, "--json", env=ENV)
    assert result.exit_code == 2
    assert says in result.stderr and "Traceback" not in result.output
    assert result.stdout == ""
    con = connect(db)
    assert table_counts(con) == before
    con.close()
