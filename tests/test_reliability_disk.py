"""A real full disk: a small tmpfs mounted in a private mount namespace (`unshare -m`), so
nothing outside the test sees it and it vanishes with the process. Skipped, with the reason,
where the machine does not allow mounting (no root, no user namespaces).

A store that cannot grow, a file that cannot be written and standard output on a full file
system each give one line and exit 1, and leave what was there as it was.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import METR, VINTAGE, run_cli

# Runs inside the namespace, with the tmpfs at argv[1]; prints one JSON document.
SCENARIO = r"""
import json, os, shutil, subprocess, sys
mnt, store, runs = sys.argv[1], sys.argv[2], sys.argv[3]
horizon = [sys.executable, "-c", "from horizon.cli import main; main()"]
env = {**os.environ, "SOURCE_DATE_EPOCH": "1772366400"}

def run(*args, stdout=subprocess.PIPE):
    r = subprocess.run([*horizon, *args], stdout=stdout, stderr=subprocess.PIPE, text=True, env=env, timeout=300)
    return {"code": r.returncode, "stdout": r.stdout if stdout == subprocess.PIPE else None, "stderr": r.stderr}

db = os.path.join(mnt, "h.duckdb")
shutil.copy(store, db)
out = {}
out["snapshots_before"] = run("--db", db, "query", "SELECT count(*) AS n FROM snapshots", "--format", "csv")["stdout"]
out["ingest"] = run("--db", db, "ingest", runs)                       # the store cannot grow enough
out["snapshots_after"] = run("--db", db, "query", "SELECT count(*) AS n FROM snapshots", "--format", "csv")["stdout"]

previous = os.path.join(mnt, "latest.csv")
with open(previous, "w") as f:
    f.write("previous\n")
filler = os.path.join(mnt, "filler")
with open(filler, "wb") as f:                                         # fill what is left
    try:
        while True:
            f.write(b"\0" * 65536)
            f.flush()
    except OSError:
        pass
out["query_out"] = run("--db", db, "query", "latest_horizons", "--format", "csv", "--out", previous)
out["previous"] = open(previous).read()
with open(os.path.join(mnt, "stdout.csv"), "w") as redirected:
    out["query_stdout"] = run("--db", db, "query", "latest_horizons", "--format", "csv", stdout=redirected)
out["files"] = sorted(os.listdir(mnt))

readonly = os.path.join(mnt, "..", "ro")                             # a second tmpfs, mounted read-only
os.makedirs(readonly, exist_ok=True)
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,ro", "tmpfs", readonly], check=True)
out["query_out_ro"] = run("--db", store, "query", "snapshots", "--format", "csv", "--out", os.path.join(readonly, "s.csv"))
out["report_ro"] = run("--db", store, "report", "--no-export", "--out", os.path.join(readonly, "site"))
print(json.dumps(out))
"""


def _namespace_command() -> list[str] | str:
    """The command that gives a private mount namespace, or why there is none."""
    unshare = shutil.which("unshare")
    if not unshare:
        return "no unshare(1) on this machine"
    for flags in (["-m"], ["-r", "-m"]):  # as root; else as an unprivileged user with a user namespace
        probe = subprocess.run([unshare, *flags, "--propagation", "private", "sh", "-c",
                                "d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs $d && umount $d && rmdir $d"],
                               capture_output=True, text=True)
        if probe.returncode == 0:
            return [unshare, *flags, "--propagation", "private"]
    return f"cannot mount a tmpfs here ({probe.stderr.strip() or 'unshare failed'})"


@pytest.fixture(scope="module")
def namespace():
    found = _namespace_command()
    if isinstance(found, str):
        pytest.skip(f"full-disk tests need a private tmpfs: {found}")
    return found


def test_a_full_disk_is_one_line_and_leaves_the_store_and_files_as_they_were(namespace, tmp_path):
    store = tmp_path / "h.duckdb"
    assert run_cli("--db", str(store), "ingest", str(VINTAGE["2026-02-22"]), env={"SOURCE_DATE_EPOCH": "1772366400"}).exit_code == 0
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    # Room for the store and a little more: not for the 3 MB of runs.
    size_kb = store.stat().st_size // 1024 + 400
    script = tmp_path / "scenario.py"
    script.write_text(SCENARIO, encoding="utf-8")
    result = subprocess.run(
        [*namespace, "sh", "-c", f'mount -t tmpfs -o size={size_kb}k tmpfs "$1" && exec "$2" "$3" "$1" "$4" "$5"', "sh",
         str(mnt), sys.executable, str(script), str(store), str(METR / "all_runs_2025-03.jsonl")],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    db = f"{mnt}/h.duckdb"
    assert out["ingest"]["code"] == 1 and out["ingest"]["stdout"] == ""
    assert out["ingest"]["stderr"].startswith(f"horizon: {db}: database error (")
    assert out["ingest"]["stderr"].endswith("No space left on device)\n") and out["ingest"]["stderr"].count("\n") == 1
    assert out["snapshots_after"] == out["snapshots_before"] == "n\n1\n"
    assert out["query_out"] == {"code": 1, "stdout": "",
                                "stderr": f"horizon: {mnt}/latest.csv: cannot write (No space left on device); left as it was\n"}
    assert out["previous"] == "previous\n"
    assert out["query_stdout"] == {"code": 1, "stdout": None,
                                   "stderr": "horizon: cannot write the output: No space left on device\n"}
    assert not [f for f in out["files"] if f.endswith(".tmp")]  # no half-written temporary file left behind
    ro = f"{mnt}/../ro"
    assert out["query_out_ro"] == {"code": 1, "stdout": "", "stderr": f"horizon: {ro}/s.csv: cannot write (Read-only file system)\n"}
    assert out["report_ro"]["code"] == 1 and out["report_ro"]["stdout"] == ""
    assert out["report_ro"]["stderr"].startswith("horizon: ") and out["report_ro"]["stderr"].count("\n") == 1
    assert "Read-only file system" in out["report_ro"]["stderr"]
