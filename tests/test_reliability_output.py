"""Output that cannot be written is an error: a full disk or a closed pipe gives one line on
stderr and a non-zero exit, for every command. And the machine's time zone never changes a byte
of what a command prints.

Before: `query --format csv > file` on a full disk wrote 4,096 of ~900 KB with exit 0, and
`cite --format json > /dev/full` returned 0.
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import signal
import subprocess
import sys

import pytest

from horizon.config import PROJECT_DIR
from tests.conftest import run_cli

HORIZON = [sys.executable, "-c", "from horizon.cli import main; main()"]
EMBEDDED = PROJECT_DIR / "data" / "metr"
EPOCH = "1772366400"

# Every command, with arguments that succeed (and print) on the prepared store.
COMMANDS = {
    "update": ["update", "--offline"],
    "ingest": ["ingest", str(EMBEDDED / "metr_headline_1_1_2026-01-30.csv")],
    "formats": ["formats"],
    "models": ["models"],
    "query": ["query", "latest_horizons", "--format", "csv"],
    "fit": ["fit", "--bootstrap", "10", "--quiet"],
    "trend": ["trend"],
    "forecast": ["forecast"],
    "cite": ["cite", "--format", "json"],
    "report": ["report", "--no-export", "--json"],
    "snapshots list": ["snapshots", "list"],
    "snapshots retract": ["snapshots", "retract", "1", "--why", "a test"],
}


def _env(tmp_path) -> dict[str, str]:
    return {"SOURCE_DATE_EPOCH": EPOCH, "HORIZON_OFFLINE": "1", "HORIZON_REPORTS": str(tmp_path / "reports")}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A store where every command has something to print: headlines, runs, a fit, trends."""
    directory = tmp_path_factory.mktemp("prepared")
    db = str(directory / "h.duckdb")
    env = _env(directory)
    for args in (["ingest", str(EMBEDDED / "metr_headline_1_1_2026-02-22.csv"), str(EMBEDDED / "metr_runs_2025-03.csv")],
                 ["fit", "--bootstrap", "10", "--quiet"], ["trend"]):
        result = run_cli("--db", db, *args, env=env)
        assert result.exit_code == 0, result.output
    return directory / "h.duckdb"


class FullDisk(io.StringIO):
    """Standard output on a full disk: every write fails with ENOSPC."""

    def write(self, text):
        raise OSError(errno.ENOSPC, "No space left on device")


def _main(args: list[str], stdout, monkeypatch, capsys) -> tuple[int, str]:
    """Run horizon's real entry point in-process (as the console script does) with ``stdout``."""
    from horizon.cli import main

    monkeypatch.setattr(sys, "argv", ["horizon", *args])
    previous = signal.getsignal(signal.SIGTERM)
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdout", stdout)
    try:
        with pytest.raises(SystemExit) as done:
            main()
    finally:
        signal.signal(signal.SIGTERM, previous)
    return done.value.code, capsys.readouterr().err


def _quick_update_and_report(monkeypatch, tmp_path):
    """update and report print little after a lot of work that other tests cover; here only
    their printing matters, so the work is replaced by a finished result."""
    from horizon import update
    from horizon.report import site

    result = update.UpdateResult((), "skipped (HORIZON_OFFLINE is set): using the embedded data in data/",
                                 {"tables": {"snapshots": 2}, "latest_headline": None},
                                 {"fit": {"status": "unchanged", "fit_id": 1}, "trend": {"status": "skipped", "reason": "x"},
                                  "report": {"status": "written", "out_dir": str(tmp_path), "pages": 6}})
    monkeypatch.setattr(update, "run_update", lambda *args, **kwargs: result)
    monkeypatch.setattr(site, "build_site", lambda *args, **kwargs: site.SiteResult(tmp_path, [], [], []))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_reports_a_full_disk_in_one_line_and_exits_non_zero(name, prepared, tmp_path, monkeypatch, capsys):
    db = tmp_path / "h.duckdb"
    shutil.copy(prepared, db)
    for key, value in _env(tmp_path).items():
        monkeypatch.setenv(key, value)
    if name in ("update", "report"):
        _quick_update_and_report(monkeypatch, tmp_path)
    code, err = _main(["--db", str(db), *COMMANDS[name]], FullDisk(), monkeypatch, capsys)
    assert (code, err) == (1, "horizon: cannot write the output: No space left on device\n")


@pytest.mark.parametrize("args", [["cite", "--format", "json"], ["query", "latest_horizons", "--format", "csv"],
                                  ["snapshots", "list", "--json"], ["formats"]])
def test_output_to_dev_full_is_an_error_for_real(args, prepared, tmp_path):
    # The issue's own repro: a real process, stdout on /dev/full (writes buffered until exit).
    if not os.path.exists("/dev/full"):
        pytest.skip("this machine has no /dev/full")
    with open("/dev/full", "w") as full:
        result = subprocess.run([*HORIZON, "--db", str(prepared), *args], stdout=full, stderr=subprocess.PIPE,
                                text=True, env={**os.environ, **_env(tmp_path)}, timeout=120)
    assert (result.returncode, result.stderr) == (1, "horizon: cannot write the output: No space left on device\n")


def test_a_closed_pipe_is_a_one_line_error(prepared, tmp_path):
    # `horizon query ... | head -c 0`: the reader has gone before horizon writes.
    process = subprocess.Popen([*HORIZON, "--db", str(prepared), "query", "latest_horizons"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, **_env(tmp_path)})
    process.stdout.close()
    err = process.stderr.read()
    assert process.wait(timeout=120) == 1
    assert err == "horizon: cannot write the output: Broken pipe\n"


def test_time_zone_never_changes_a_byte_of_output(prepared, tmp_path):
    # Stored times are UTC and every DuckDB session runs in UTC, whatever TZ says.
    outputs = {}
    for tz in ("America/New_York", "Asia/Kolkata"):  # neither is UTC; one is off by half an hour
        db = tmp_path / f"{tz.replace('/', '_')}.duckdb"
        shutil.copy(prepared, db)
        env = {**os.environ, **_env(tmp_path), "TZ": tz}
        script = [["ingest", str(EMBEDDED / "metr_headline_1_1_2026-01-30.csv")], ["snapshots", "list", "--json"],
                  ["query", "SELECT snapshot_id, retrieved_at, now() > TIMESTAMP '2000-01-01' AS later,"
                   " CAST(TIMESTAMPTZ '2026-03-01 12:00:00+00' AS VARCHAR) AS t FROM snapshots", "--format", "csv"],
                  ["cite", "--format", "json"]]
        outputs[tz] = [subprocess.run([*HORIZON, "--db", str(db), *args], capture_output=True, text=True, env=env,
                                      timeout=120).stdout.replace(str(db), "DB") for args in script]
    assert outputs["Asia/Kolkata"][2].splitlines()[1].endswith(",2026-03-01 12:00:00+00")
    assert outputs["America/New_York"] == outputs["Asia/Kolkata"]
