"""What one file may hold: memory and time are bounded by the work, not by the file's size.

Before: a 62 MB YAML took 86 s and 5.6 GB before being refused, and a 13 MB run file with
8,000 agents made `update` take 117 s and 6.1 GB. Now each is refused at once, naming the
limit, the line where it was passed and what the file held by then.
"""

from __future__ import annotations

import json
import time

import pytest

from horizon.errors import InputError
from horizon.formats import base
from horizon.ingest import parse_bytes
from tests.conftest import db_counts, run_cli


def _runs(agents: int, tasks: int, per_pair: int = 1) -> bytes:
    lines = [json.dumps({"run_id": f"r{a}-{t}-{k}", "task_id": f"t{t}", "task_family": f"f{t}", "alias": f"agent {a}",
                         "human_minutes": 5, "score_binarized": k % 2})
             for a in range(agents) for t in range(tasks) for k in range(per_pair)]
    return ("\n".join(lines) + "\n").encode()


def test_a_run_file_with_thousands_of_agents_is_refused_at_the_first_agent_over_the_limit(tmp_path):
    path = tmp_path / "agents.jsonl"
    path.write_bytes(_runs(8_000, 1))
    db = tmp_path / "h.duckdb"
    before = db_counts(db)
    started = time.monotonic()
    result = run_cli("--db", str(db), "ingest", str(path))
    assert time.monotonic() - started < 10  # before: 117 s through update, 6.1 GB
    assert result.stderr == (f"horizon: {path}: line {base.MAX_AGENTS + 1}: expected at most {base.MAX_AGENTS:,} agents"
                             f" in one file, got {base.MAX_AGENTS + 1:,} by this line\n")
    assert result.exit_code == 1 and db_counts(db) == before


def test_a_yaml_larger_than_the_markup_limit_is_refused_before_it_is_parsed(tmp_path):
    entry = "  model_{i}:\n    release_date: 2024-01-01\n    metrics:\n      p50_horizon_length: {{estimate: 3.5}}\n"
    text = "benchmark_name: METR-Horizon-v1.1\nresults:\n" + "".join(entry.format(i=i) for i in range(40_000))
    assert len(text) > base.MAX_MARKUP_BYTES
    started = time.monotonic()
    with pytest.raises(InputError) as err:
        parse_bytes(text.encode(), "big.yaml")
    assert time.monotonic() - started < 2  # before: 86 s and 5.6 GB for 62 MB
    assert str(err.value) == f"big.yaml: expected a YAML file of at most {base.MAX_MARKUP_BYTES:,} bytes, got {len(text):,}"


@pytest.mark.parametrize(("limit", "agents", "tasks", "per_pair", "what", "line"), [
    ("MAX_RUNS", 2, 3, 2, "runs", 11),
    ("MAX_AGENTS", 6, 1, 1, "agents", 6),
    ("MAX_TASKS", 1, 6, 1, "tasks", 6),
    ("MAX_AGENT_TASKS", 3, 3, 1, "agent-task pairs", 6),
])
def test_each_run_level_limit_is_counted_as_the_file_is_read(limit, agents, tasks, per_pair, what, line, monkeypatch):
    monkeypatch.setattr(base, limit, 5 if limit != "MAX_RUNS" else 10)
    allowed = getattr(base, limit)
    with pytest.raises(InputError) as err:
        parse_bytes(_runs(agents, tasks, per_pair), "r.jsonl")
    assert str(err.value) == f"r.jsonl: line {line}: expected at most {allowed:,} {what} in one file, got {allowed + 1:,} by this line"


def test_a_csv_table_longer_than_the_row_limit_is_refused_at_that_row(monkeypatch):
    monkeypatch.setattr(base, "MAX_TABLE_ROWS", 3)
    text = ("model,horizon,slope,benchmark,score,release_date\n"
            + "".join(f"m{i},60,0.5,aime,0.5,2024-01-01\n" for i in range(5)))
    with pytest.raises(InputError) as err:
        parse_bytes(text.encode(), "all_data.csv", fmt="cross_domain_all_data")
    assert str(err.value) == "all_data.csv: line 5: expected at most 3 rows in one table"


def test_the_published_files_are_far_inside_every_limit():
    from tests.conftest import METR, VINTAGE

    parsed = parse_bytes((METR / "all_runs_2025-03.jsonl").read_bytes(), "all_runs.jsonl")
    runs = parsed.tables["runs"]
    assert len(runs) * 20 < base.MAX_RUNS
    assert len({r["source_model"] for r in runs}) * 20 < base.MAX_AGENTS
    assert len({(r["source_model"], r["task_id"]) for r in runs}) * 20 < base.MAX_AGENT_TASKS
    assert max(p.stat().st_size for p in VINTAGE.values()) * 50 < base.MAX_MARKUP_BYTES
