"""kill -9, SIGTERM and Ctrl-C at many moments of `horizon ingest` and `horizon update`.

After any of them the store opens, every block reads back, and it holds either what it held
before or the whole result: each step is one transaction, so no half-written snapshot or fit
is ever seen. A later `horizon update` completes what an interrupted one began. The timings
are fractions of an uninterrupted run measured in the same test, so they cover start-up,
reading, parsing, the write and (for update) the fit, trend and report on any machine.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from horizon import cli
from horizon.config import PROJECT_DIR
from horizon.store import connect
from tests.conftest import METR, VINTAGES, copy_of_updated, table_counts

HORIZON = [sys.executable, "-c", "from horizon.cli import main; main()"]
INGEST = [*map(str, VINTAGES), str(METR / "all_runs_2025-03.jsonl"), str(METR / "release_dates_9dfcdf4.yaml")]


def _env(tmp_path) -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": "1772366400", "HORIZON_OFFLINE": "1",
            "HORIZON_REPORTS": str(tmp_path / "reports")}


def _counts(db) -> dict[str, int]:
    """Row counts after a full check: connect() reads every block before it opens for writing."""
    con = connect(db)
    try:
        return table_counts(con)
    finally:
        con.close()


def _run(db, args, env) -> float:
    started = time.monotonic()
    result = subprocess.run([*HORIZON, "--db", str(db), *args], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return time.monotonic() - started


def _has_open(pid: int, path) -> bool:
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") == str(path) for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def _interrupted(db, args, env, after_s: float, sig: int, *, from_open: bool = False) -> subprocess.CompletedProcess:
    """Run a command and send it ``sig`` ``after_s`` seconds after it started or, with
    ``from_open``, after it opened the store (so the signal lands in the write, not start-up)."""
    process = subprocess.Popen([*HORIZON, "--db", str(db), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env)
    if from_open:
        deadline = time.monotonic() + 120
        while not _has_open(process.pid, db) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
    time.sleep(after_s)
    process.send_signal(sig)
    out, err = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to see when the store is opened")
TERMINATED = f"horizon: {cli.TERMINATED}\n"
INTERRUPTED = f"horizon: {cli.INTERRUPTED}\n"


@pytest.fixture(scope="module")
def ingest_states(tmp_path_factory):
    """A store before the ingest (one earlier snapshot), the same store after it, and how long
    the uninterrupted ingest took."""
    directory = tmp_path_factory.mktemp("ingest")
    before = directory / "before.duckdb"
    env = _env(directory)
    _run(before, ["ingest", str(PROJECT_DIR / "data" / "metr" / "metr_headline_1_0.csv")], env)
    after = directory / "after.duckdb"
    shutil.copy(before, after)
    took = _run(after, ["ingest", *INGEST], env)
    return before, _counts(before), _counts(after), took


# SIGKILL at fractions of the uninterrupted run (start-up, reading, parsing, writing, commit);
# SIGTERM and Ctrl-C at delays after the store is opened, where the write happens.
KILL_FRACTIONS = (0.35, 0.6, 0.8, 0.95)
SIGNAL_DELAYS = (0.0, 0.02, 0.1)


@pytest.mark.parametrize("fraction", KILL_FRACTIONS)
def test_ingest_killed_at_any_moment_leaves_the_store_as_before_or_complete(fraction, ingest_states, tmp_path):
    before_path, before, after, took = ingest_states
    db = tmp_path / "h.duckdb"
    shutil.copy(before_path, db)
    result = _interrupted(db, ["ingest", *INGEST], _env(tmp_path), took * fraction, signal.SIGKILL)
    counts = _counts(db)
    assert counts in (before, after), {t: (before[t], counts[t], after[t]) for t in counts if counts[t] != before[t]}
    assert result.returncode in (0, -signal.SIGKILL)


@needs_proc
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "ctrl-c"])
def test_sigterm_or_ctrl_c_during_the_write_rolls_back_and_says_so_in_one_line(sig, ingest_states, tmp_path):
    # Before: Ctrl-C gave a traceback (DuckDB turns it into its own exception inside a query).
    before_path, before, after, _ = ingest_states
    for delay in SIGNAL_DELAYS:
        db = tmp_path / f"h{delay}.duckdb"
        shutil.copy(before_path, db)
        result = _interrupted(db, ["ingest", *INGEST], _env(tmp_path), delay, sig, from_open=True)
        counts = _counts(db)
        if result.returncode == 0:  # finished before the signal came
            assert counts == after
            continue
        assert (result.returncode, result.stderr) == ((143, TERMINATED) if sig == signal.SIGTERM else (130, INTERRUPTED))
        assert counts == before


def _fitted_states(tmp_path_factory, name: str, args: list[str]):
    directory = tmp_path_factory.mktemp(name)
    before = directory / "before.duckdb"
    env = _env(directory)
    _run(before, ["ingest", str(PROJECT_DIR / "data" / "metr" / "metr_headline_1_1_2026-02-22.csv"),
                  str(PROJECT_DIR / "data" / "metr" / "metr_runs_2025-03.csv")], env)
    if name == "trend":
        _run(before, ["fit", "--bootstrap", "100", "--quiet"], env)
    after = directory / "after.duckdb"
    shutil.copy(before, after)
    took = _run(after, args, env)
    return before, _counts(before), _counts(after), took


FIT = ["fit", "--bootstrap", "300", "--quiet"]
TREND = ["trend", "--from-runs"]


@pytest.fixture(scope="module")
def fit_states(tmp_path_factory):
    return _fitted_states(tmp_path_factory, "fit", FIT)


@pytest.fixture(scope="module")
def trend_states(tmp_path_factory):
    return _fitted_states(tmp_path_factory, "trend", TREND)


STEP_TIMINGS = [(signal.SIGKILL, 0.75), (signal.SIGTERM, 0.3)]


@needs_proc
@pytest.mark.parametrize("step", ["fit", "trend"])
@pytest.mark.parametrize(("sig", "fraction"), STEP_TIMINGS, ids=[f"{s.name}-{f}" for s, f in STEP_TIMINGS])
def test_fit_and_trend_killed_at_any_moment_leave_the_store_as_before_or_complete(step, sig, fraction, request, tmp_path):
    before_path, before, after, took = request.getfixturevalue(f"{step}_states")
    db = tmp_path / "h.duckdb"
    shutil.copy(before_path, db)
    args = FIT if step == "fit" else TREND
    if sig == signal.SIGTERM:  # while it computes, store open
        result = _interrupted(db, args, _env(tmp_path), fraction, sig, from_open=True)
    else:
        result = _interrupted(db, args, _env(tmp_path), took * fraction, sig)
    counts = _counts(db)
    assert counts in (before, after), {t: (before[t], counts[t], after[t]) for t in counts if counts[t] != before[t]}
    if result.returncode == 143:
        # Before its commit the step is rolled back; a signal just after it finds the step whole.
        assert result.stderr == TERMINATED
    else:
        assert result.returncode in (0, -sig), result.stderr


@pytest.fixture(scope="module")
def update_reference(updated, tmp_path_factory):
    """An uninterrupted `horizon update` on a fresh store (the shared one, same clock and
    settings): the counts and citation it ends with."""
    db = copy_of_updated(updated, tmp_path_factory.mktemp("update"))   # counting opens it for writing
    return _counts(db), updated[2]["stages"]["trend"]["citation"], None


@needs_proc
@pytest.mark.slow
def test_update_killed_midway_leaves_a_whole_store_that_the_next_update_completes(update_reference, tmp_path):
    # Update is several steps (ingest, fit, trend, report), each one transaction: killed in the
    # middle, the store holds the steps that finished, and the next update does the rest.
    complete, citation, _ = update_reference
    db = tmp_path / "h.duckdb"
    env = _env(tmp_path)
    killed = _interrupted(db, ["update"], env, 1.0, signal.SIGKILL, from_open=True)
    assert killed.returncode == -signal.SIGKILL, "update finished within a second of opening the store"
    _counts(db)  # opens, and every block reads back
    result = subprocess.run([*HORIZON, "--db", str(db), "update", "--json"], capture_output=True, text=True, env=env,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["stages"]["trend"]["citation"] == citation
    assert _counts(db) == complete
