"""The wheel is the product: built, installed in a fresh environment and run from an empty
directory, it must find its data, queries, thresholds and migrations by itself."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from horizon.config import PROJECT_DIR

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed; its dependencies come from the test environment
    (a path entry, not an install), so the test needs no network and takes seconds."""
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(root / "dist"),
         str(PROJECT_DIR)],
        check=True, capture_output=True,
    )
    (wheel,) = (root / "dist").glob("horizon-*.whl")
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    site = Path(subprocess.run(
        [str(env_dir / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip())
    # Only the dependencies: .pth lines add a directory without running its own .pth files, so
    # the editable install of the checkout under test stays invisible in there.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"), "install", "-q", "--no-deps",
         str(wheel)],
        check=True, capture_output=True,
    )
    return env_dir / "bin"


def run(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HORIZON_")}
    env.update(HORIZON_OFFLINE="1", SOURCE_DATE_EPOCH="1772366400", HORIZON_CACHE=str(cwd / "cache"))
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_wheel_carries_the_data_queries_and_migrations(installed):
    import zipfile

    (wheel,) = (installed.parent.parent / "dist").glob("horizon-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ("horizon/data/sources.toml", "horizon/data/models.toml", "horizon/data/thresholds.toml",
                 "horizon/queries/latest_horizons.sql", "horizon/migrations/0001_store.sql", "horizon/__main__.py"):
        assert path in names
    shipped = {p.relative_to(PROJECT_DIR).as_posix() for p in (PROJECT_DIR / "data").rglob("*") if p.is_file()}
    assert {f"horizon/{p}" for p in shipped} <= names


def test_installed_wheel_runs_update_in_an_empty_directory(installed, tmp_path):
    result = run(installed, tmp_path, installed / "horizon", "update")
    assert result.returncode == 0, result.stderr
    assert "using the embedded data in data/" in result.stdout
    assert (tmp_path / "horizon.duckdb").is_file()
    assert (tmp_path / "reports" / "site" / "index.html").is_file()
    listed = run(installed, tmp_path, installed / "horizon", "query", "--list")
    assert listed.returncode == 0 and "latest_horizons" in listed.stdout
    forecast = run(installed, tmp_path, installed / "horizon", "forecast", "--threshold", "work-month-50")
    assert forecast.returncode == 0, forecast.stderr
    assert "work-month-50" in forecast.stdout


def test_python_dash_m_horizon_is_the_horizon_command(installed, tmp_path):
    result = run(installed, tmp_path, installed / "python", "-m", "horizon", "--version")
    assert result.returncode == 0 and result.stdout.startswith("horizon, version ")
