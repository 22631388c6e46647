"""`horizon report` in the real world: killed at any moment, signalled, run twice at once, run
with a strict umask, or pointed at a directory it cannot use.

The site at the output path is always exactly the old one or exactly the new one (every file's
bytes compared), no child process outlives the command, and nothing is left beside the site
but its lock file. Two fixed stores, A and B, give two different sites; the "old" site is
A's, the interrupted build is B's.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest
from test_report_data import fixture_store

from horizon import cli

HORIZON = [sys.executable, "-c", "from horizon.cli import main; main()"]
needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc to find child processes")
TERMINATED = f"horizon: {cli.TERMINATED}\n"
INTERRUPTED = f"horizon: {cli.INTERRUPTED}\n"


def manifest(directory: Path) -> dict[str, str]:
    """Every entry under ``directory``: files by sha256 of their bytes, directories as 'dir'."""
    found = {}
    for path in sorted(directory.rglob("*")):
        rel = path.relative_to(directory).as_posix()
        found[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def beside(out: Path) -> list[str]:
    """What else is in the site's parent directory: the lock file is all there may be."""
    return sorted(p.name for p in out.parent.iterdir() if p.name not in (out.name, f".{out.name}.lock"))


def processes_with(marker: str) -> list[int]:
    """Live processes whose environment carries ``marker`` (the command and its children)."""
    found = []
    needle = f"HORIZON_TEST_RUN={marker}".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if needle not in Path(f"/proc/{entry}/environ").read_bytes().split(b"\0"):
                continue
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            found.append(int(entry))
    return found


def no_survivors(marker: str, within: float = 3.0) -> list[int]:
    deadline = time.monotonic() + within
    while (alive := processes_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return alive


class Stores:
    def __init__(self, root: Path):
        self.root = root
        self.dbs = {}
        for name in ("A", "B"):
            con, config = fixture_store(root / name)
            if name == "B":  # a different store: other model names, so other pages and charts
                con.execute("UPDATE models SET display_name = display_name || ' (B)'")
            con.close()
            self.dbs[name] = config.db_path
            self.data_dir = config.data_dir

    def env(self, cache: Path, marker: str = "") -> dict[str, str]:
        return {**os.environ, "HORIZON_DATA": str(self.data_dir), "HORIZON_CACHE": str(cache),
                "SOURCE_DATE_EPOCH": "1772366400", "HORIZON_OFFLINE": "1", "HORIZON_TEST_RUN": marker}

    def command(self, name: str, out: Path) -> list[str]:
        return [*HORIZON, "--db", str(self.dbs[name]), "report", "--out", str(out)]

    def run(self, name: str, out: Path, cache: Path) -> subprocess.CompletedProcess:
        return subprocess.run(self.command(name, out), capture_output=True, text=True, env=self.env(cache), timeout=300)

    def start(self, name: str, out: Path, cache: Path, marker: str) -> subprocess.Popen:
        return subprocess.Popen(self.command(name, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=self.env(cache, marker))


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """The two stores, each one's site built uninterrupted, a cache that holds the bundle and
    A's charts but none of B's (a build of B draws charts in its export worker), and one that
    holds both (a build of B copies everything from it)."""
    root = tmp_path_factory.mktemp("report")
    s = Stores(root)
    s.cache = root / "cache-a"
    done = s.run("A", root / "ref-A" / "site", s.cache)
    assert done.returncode == 0, done.stderr
    s.warm_cache = root / "cache-ab"
    shutil.copytree(s.cache, s.warm_cache)
    done = s.run("B", root / "ref-B" / "site", s.warm_cache)
    assert done.returncode == 0, done.stderr
    s.old = manifest(root / "ref-A" / "site")
    s.new = manifest(root / "ref-B" / "site")
    assert s.old != s.new and any(k.endswith(".png") for k in s.new)
    return s


def old_site(stores, tmp_path, *, warm: bool = False) -> tuple[Path, Path]:
    """A copy of A's site at tmp_path/reports/site and a private copy of the A-filled cache
    (``warm``: the cache that holds B's charts too)."""
    out = tmp_path / "reports" / "site"
    shutil.copytree(stores.root / "ref-A" / "site", out)
    cache = tmp_path / "cache"
    shutil.copytree(stores.warm_cache if warm else stores.cache, cache)
    return out, cache


def wait_for_children(process: subprocess.Popen, marker: str, count: int, within: float = 60.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and process.poll() is None:
        if len([p for p in processes_with(marker) if p != process.pid]) >= count:
            return True
        time.sleep(0.01)
    return False


# --- kill -9 at many moments --------------------------------------------------------------

def staged_files(out: Path) -> int:
    count = 0
    for staged in out.parent.glob(f".{out.name}.new-*"):
        for _, _, files in os.walk(staged):
            count += len(files)
    return count


def site_state(out: Path) -> tuple:
    """What a reader of ``out`` could notice changing: the directory itself and every file's
    identity, size and modification time."""
    try:
        entries = [(p.as_posix(), p.stat().st_ino, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(out.rglob("*"))]
        return out.stat().st_ino, tuple(entries)
    except OSError:
        return ("changing",)


def kill_at(process: subprocess.Popen, out: Path, event: str, value: float, total_files: int) -> None:
    """SIGKILL ``process`` at a moment of its build: ``value`` seconds after it started
    ("after"); once its staging directories (the site and scratch) hold ``value`` times as
    many files as the site ("staged"); or ``value`` seconds after the site at ``out`` first
    changes in any way ("changed": the swap, or, in a build that writes in place, its first
    write). A "staged" kill comes at the first change of ``out`` at the latest."""
    started = time.monotonic()
    before = site_state(out)
    while process.poll() is None and time.monotonic() - started < 120:
        if event == "after":
            if time.monotonic() - started >= value:
                break
        elif event == "staged" and staged_files(out) >= value * total_files:
            break
        elif site_state(out) != before:
            if event == "changed":
                time.sleep(value)
            break
        time.sleep(0.002)  # leave the CPU to the build
    process.kill()
    process.communicate(timeout=60)


# Moments spread over a build of B over A's site: fractions of an uninterrupted build's time;
# the staging directory filling up (its pages, the bundle and exported images, with the cache
# holding B's charts or with the worker drawing them); and the first change at the output
# path and just after it (while the old site is removed).
KILL_POINTS = (
    [("warm", "fraction", f) for f in (0.3, 0.6, 0.8, 0.9, 1.0)]
    + [("warm", "staged", f) for f in (0.0, 0.2, 0.4, 0.6, 0.8, 0.95, 1.0)]
    + [("warm", "changed", t) for t in (0.0, 0.002, 0.02)]
    + [("cold", "staged", f) for f in (0.3, 0.7, 1.0)]
    + [("cold", "changed", 0.0)]
)


@needs_proc
def test_kill_9_at_any_moment_leaves_exactly_the_old_or_the_new_site_and_no_process(stores, tmp_path):
    out, cache = old_site(stores, tmp_path / "timing", warm=True)
    started = time.monotonic()
    assert stores.run("B", out, cache).returncode == 0
    took = time.monotonic() - started
    outcomes = []
    for n, (cache_kind, event, value) in enumerate(KILL_POINTS):
        out, cache = old_site(stores, tmp_path / f"k{n}", warm=cache_kind == "warm")
        marker = uuid.uuid4().hex
        process = stores.start("B", out, cache, marker)
        if event == "fraction":
            event, value = "after", took * value
        kill_at(process, out, event, value, sum(1 for v in stores.new.values() if v != "dir"))
        found = manifest(out) if out.is_dir() else None
        outcome = "old" if found == stores.old else "new" if found == stores.new else "MIXED" if found else "MISSING"
        outcomes.append((cache_kind, event, round(value, 3), outcome, process.returncode, no_survivors(marker)))
    bad = [o for o in outcomes if o[3] not in ("old", "new") or o[5]]
    assert bad == [], outcomes
    assert {o[3] for o in outcomes} == {"old", "new"}, f"the kills missed the swap: {outcomes}"

    # The next build cleans up what the killed one left and keeps nothing of it: from store A
    # (after a killed build of B) it gives exactly A's site.
    for n in (10,):
        out = tmp_path / f"k{n}" / "reports" / "site"
        done = stores.run("A", out, tmp_path / f"k{n}" / "cache")
        assert done.returncode == 0, done.stderr
        assert manifest(out) == stores.old and beside(out) == []


@needs_proc
@pytest.mark.parametrize(("sig", "code", "message"), [(signal.SIGTERM, 143, TERMINATED), (signal.SIGINT, 130, INTERRUPTED)],
                         ids=["SIGTERM", "SIGINT"])
def test_sigterm_or_sigint_stops_the_children_keeps_the_old_site_and_says_so_in_one_line(sig, code, message, stores,
                                                                                          tmp_path):
    out, cache = old_site(stores, tmp_path)
    marker = uuid.uuid4().hex
    process = stores.start("B", out, cache, marker)
    assert wait_for_children(process, marker, 1), "the export worker never started"
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (code, message)
    assert no_survivors(marker) == []
    assert manifest(out) == stores.old and beside(out) == []


@needs_proc
def test_kill_9_of_the_parent_takes_the_bundle_child_and_the_export_worker_with_it(stores, tmp_path):
    out, _ = old_site(stores, tmp_path)
    marker = uuid.uuid4().hex
    process = stores.start("B", out, tmp_path / "empty-cache", marker)  # no bundle cached: a bundle child runs
    assert wait_for_children(process, marker, 2), "the bundle child and export worker never ran together"
    process.kill()
    process.communicate(timeout=60)
    assert no_survivors(marker) == []
    assert manifest(out) == stores.old


# --- concurrent builds, permissions, stale and damaged files ------------------------------

def test_two_builds_into_one_directory_both_succeed_and_leave_one_whole_site(stores, tmp_path):
    out, cache = old_site(stores, tmp_path, warm=True)
    first = stores.start("B", out, cache, "")
    second = stores.start("A", out, cache, "")
    results = [p.communicate(timeout=300) + (p.returncode,) for p in (first, second)]
    assert [r[2] for r in results] == [0, 0], results
    assert manifest(out) in (stores.old, stores.new)
    assert beside(out) == []


def test_a_build_waits_for_the_one_holding_the_lock_and_says_so_once(stores, tmp_path):
    import fcntl

    out, cache = old_site(stores, tmp_path, warm=True)
    lock = os.open(out.parent / ".site.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)  # another build is running
    try:
        process = stores.start("B", out, cache, "")
        first_line = process.stderr.readline()
        assert first_line.startswith("horizon: waiting for another report build into the same directory")
        time.sleep(0.5)
        assert process.poll() is None and manifest(out) == stores.old
    finally:
        os.close(lock)
    _, err = process.communicate(timeout=300)
    assert (process.returncode, err) == (0, "")
    assert manifest(out) == stores.new and beside(out) == []


def test_every_file_is_world_readable_whatever_the_umask_and_the_cache_modes(stores, tmp_path):
    out, cache = old_site(stores, tmp_path, warm=True)
    for path in cache.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    done = subprocess.run(["sh", "-c", 'umask 077; exec "$@"', "sh", *stores.command("B", out)],
                          capture_output=True, text=True, env=stores.env(cache), timeout=300)
    assert done.returncode == 0, done.stderr
    modes = {p.relative_to(out).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [out, *out.rglob("*")]}
    assert modes["assets/vega-bundle.js"] == 0o644
    assert {m for p, m in modes.items() if (out / p).is_file()} == {0o644}
    assert {m for p, m in modes.items() if (out / p).is_dir()} == {0o755}


def test_damaged_files_and_strays_in_the_old_site_are_not_kept(stores, tmp_path):
    out, cache = old_site(stores, tmp_path)
    (out / "charts" / "overview-p50.svg").write_text("<svg>damaged", encoding="utf-8")
    (out / "assets" / "vega-bundle.js").write_bytes(b"")
    (out / "charts" / "gone.png").write_bytes(b"x")
    (out / "assets" / "vega-bundle.js.tmp").write_bytes(b"half")
    done = stores.run("A", out, cache)
    assert done.returncode == 0, done.stderr
    assert manifest(out) == stores.old


def test_leftovers_of_killed_builds_beside_the_site_are_removed_by_the_next(stores, tmp_path):
    out, cache = old_site(stores, tmp_path, warm=True)
    for name in (".site.new-abc123", ".site.old-def456"):
        (out.parent / name / "charts").mkdir(parents=True)
        (out.parent / name / "charts" / "x.svg").write_text("<svg/>", encoding="utf-8")
    done = stores.run("B", out, cache)
    assert done.returncode == 0, done.stderr
    assert manifest(out) == stores.new and beside(out) == []


# --- directories it cannot use ------------------------------------------------------------

def test_out_path_that_is_a_file_is_a_one_line_error_and_the_file_is_untouched(stores, tmp_path):
    target = tmp_path / "site"
    target.write_text("mine", encoding="utf-8")
    done = stores.run("A", target, tmp_path / "cache")
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "expected a directory" in done.stderr
    assert target.read_text(encoding="utf-8") == "mine" and sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_directory_that_is_not_a_site_is_never_replaced(stores, tmp_path):
    target = tmp_path / "documents"
    target.mkdir()
    (target / "thesis.tex").write_text("years of work", encoding="utf-8")
    done = stores.run("A", target, tmp_path / "cache")
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "not a horizon report site" in done.stderr
    assert manifest(target) == {"thesis.tex": hashlib.sha256(b"years of work").hexdigest()}


def _can_mount_tmpfs() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True)
    return probe.returncode == 0


needs_tmpfs = pytest.mark.skipif(not _can_mount_tmpfs(), reason="cannot mount a private tmpfs here (unshare -rm denied)")

# Runs inside a private mount namespace: mounts a tmpfs, puts the old site there, runs the
# report into it, and prints what it saw (the mount is gone once the namespace ends).
IN_TMPFS = textwrap.dedent("""
    import hashlib, json, os, shutil, subprocess, sys
    from pathlib import Path
    mnt, ref, size, readonly = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4] == "ro"
    command = json.loads(sys.argv[5])
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)], check=True)
    shutil.copytree(ref, mnt / "site")
    if readonly:
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
    done = subprocess.run(command + ["--out", str(mnt / "site")], capture_output=True, text=True)
    found = {p.relative_to(mnt / "site").as_posix(): "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted((mnt / "site").rglob("*"))}
    print(json.dumps({"code": done.returncode, "err": done.stderr, "site": found,
                      "beside": sorted(p.name for p in mnt.iterdir())}))
""")


def _in_tmpfs(stores, tmp_path, size: str, mode: str) -> dict:
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    shutil.copytree(stores.warm_cache, tmp_path / "cache")  # everything cached: it fails on writing, not drawing
    command = [*HORIZON, "--db", str(stores.dbs["B"]), "report"]
    done = subprocess.run(["unshare", "-rm", sys.executable, "-c", IN_TMPFS, str(mnt), str(stores.root / "ref-A" / "site"),
                           size, mode, json.dumps(command)],
                          capture_output=True, text=True, env=stores.env(tmp_path / "cache"), timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@needs_tmpfs
def test_full_disk_is_a_one_line_error_and_the_old_site_stays_whole(stores, tmp_path):
    size = sum(p.stat().st_size for p in (stores.root / "ref-A" / "site").rglob("*") if p.is_file())
    seen = _in_tmpfs(stores, tmp_path, f"{size * 3 // 2 // 1024}k", "rw")
    assert seen["code"] == 1 and seen["err"].count("\n") == 1, seen["err"]
    assert "No space left on device" in seen["err"] and ".site.new-" not in seen["err"]
    assert seen["site"] == stores.old and seen["beside"] in (["site"], [".site.lock", "site"])


@needs_tmpfs
def test_read_only_output_directory_is_a_one_line_error_and_nothing_changes(stores, tmp_path):
    seen = _in_tmpfs(stores, tmp_path, "8m", "ro")
    assert seen["code"] == 1 and seen["err"].count("\n") == 1, seen["err"]
    assert "Read-only file system" in seen["err"] and "Traceback" not in seen["err"]
    assert seen["site"] == stores.old and seen["beside"] == ["site"]


# --- the swap itself, without renameat2 ---------------------------------------------------

def test_fallback_swap_without_renameat2_gives_the_new_site_and_restores_the_old_after_a_crash(tmp_path):
    from horizon.report import atomic_dir

    target = tmp_path / "site"
    target.mkdir()
    for name, text in (("index.html", "old"), ("assets/site.css", "old")):
        (target / name).parent.mkdir(exist_ok=True)
        (target / name).write_text(text, encoding="utf-8")
    with atomic_dir.replaced(target, swap=lambda a, b: False) as staging:
        (staging.site / "index.html").write_text("new", encoding="utf-8")
        (staging.site / "assets").mkdir()
        (staging.site / "assets" / "site.css").write_text("new", encoding="utf-8")
    assert manifest(target) == manifest(staging.site.parent / "site") and (target / "index.html").read_text() == "new"
    assert beside(target) == []
    # A crash between the fallback's two renames leaves the old site aside and none in place:
    # the next build puts it back before anything else, so a failed build still leaves a site.
    os.rename(target, tmp_path / ".site.old-crashed")
    with pytest.raises(RuntimeError), atomic_dir.replaced(target, swap=lambda a, b: False):
        raise RuntimeError("build failed")
    assert (target / "index.html").read_text() == "new" and beside(target) == []
