"""scripts/refresh.sh: one locked `horizon update`, then the site published to a directory."""

from __future__ import annotations

import fcntl
import filecmp
import json
import os
import shutil
import subprocess
import sys

import pytest

from horizon.config import PROJECT_DIR
from tests.conftest import copy_of_updated

SCRIPT = PROJECT_DIR / "scripts" / "refresh.sh"

pytestmark = pytest.mark.skipif(shutil.which("flock") is None or shutil.which("bash") is None,
                                reason="refresh.sh needs bash and flock (util-linux)")


def refresh(target, *args, env: dict):
    full = dict(os.environ) | env | {
        "HORIZON_CMD": f"{sys.executable} -m horizon",
        "PYTHONPATH": str(PROJECT_DIR) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    return subprocess.run(["bash", str(SCRIPT), str(target), *args], env=full, capture_output=True,
                          text=True, timeout=600, cwd=PROJECT_DIR)


def offline_env(updated, tmp_path) -> dict:
    _, env, _ = updated
    return env | {"HORIZON_DB": copy_of_updated(updated, tmp_path), "HORIZON_REPORTS": str(tmp_path / "reports")}


def test_an_offline_refresh_publishes_the_built_site_in_place_of_the_old_one(updated, tmp_path):
    target = tmp_path / "www" / "horizon"
    target.mkdir(parents=True)
    (target / "stale.html").write_text("a page the new site no longer has")
    env = offline_env(updated, tmp_path)
    result = refresh(target, "--json", env=env)
    assert result.returncode == 0, result.stderr
    # stdout is the update's JSON alone; the log is on stderr.
    assert json.loads(result.stdout)["changes"]["changed"] is False
    assert result.stderr.splitlines()[-1].endswith(f"to {target}")
    build = tmp_path / "reports" / "site"
    compared = filecmp.dircmp(build, target)
    assert (target / "index.html").is_file() and not (target / "stale.html").exists()
    assert compared.left_only == compared.right_only == compared.diff_files == []
    assert os.stat(target).st_mode & 0o755 == 0o755  # a web server running as another user can list it
    assert not [p for p in target.parent.iterdir() if ".new." in p.name or ".old." in p.name]


def test_a_second_refresh_while_one_holds_the_lock_is_refused_and_publishes_nothing(tmp_path):
    target = tmp_path / "site"
    lock = tmp_path / ".site.refresh.lock"
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the running refresh
        result = refresh(target, env={"HORIZON_DB": str(tmp_path / "h.duckdb")})
    assert result.returncode == 75
    assert result.stderr.count("\n") == 1 and "another refresh" in result.stderr and str(lock) in result.stderr
    assert not target.exists() and not (tmp_path / "h.duckdb").exists()


def test_a_failed_update_leaves_the_published_site_untouched(tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("yesterday's site")
    (tmp_path / "not-a-store.duckdb").write_text("not a database")
    result = refresh(target, env={"HORIZON_DB": str(tmp_path / "not-a-store.duckdb"), "HORIZON_OFFLINE": "1",
                                  "HORIZON_REPORTS": str(tmp_path / "reports")})
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].split(" ", 2)[2].startswith("failed: horizon update exited with status")
    assert (target / "index.html").read_text() == "yesterday's site"


def test_a_target_whose_parent_is_missing_is_one_line(tmp_path):
    result = refresh(tmp_path / "missing" / "site", env={})
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert f"{tmp_path / 'missing'}: no such directory" in result.stderr
