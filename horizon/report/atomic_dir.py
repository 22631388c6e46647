"""Replace a whole directory at once, so that readers (and a later build) only ever see a
complete old site or a complete new one.

A build writes into a fresh sibling ``.<name>.new-<random>`` and then swaps it with the
target in one step: on Linux with ``renameat2(RENAME_EXCHANGE)``, which exchanges two paths
atomically, so the target never stops existing; elsewhere, or on a file system without it,
with two renames (old aside, new in), where a crash between them leaves the old site at
``.<name>.old-<random>`` and no site for the next build to replace (the next build brings the
old one back first). The target stays a real directory (not a symlink to a versioned
directory), so web servers, rsync and upload actions see what they saw before.

Builds into one directory hold an exclusive ``flock`` on ``.<name>.lock`` beside it for their
whole run: a second build waits for the first (up to ``LOCK_WAIT_S``) and then replaces its
result, so both succeed and the last one wins. Holding the lock also means any
``.<name>.new-*`` or ``.<name>.old-*`` found is a leftover of a killed build: it is removed.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from horizon.errors import HorizonError

LOCK_WAIT_S = 600.0
FILE_MODE = 0o644  # world-readable: a web server running as another user can serve the site
DIR_MODE = 0o755
# An existing directory is replaced only when it is empty or holds a site (these files).
SITE_MARKERS = ("index.html", "assets/site.css")

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _names(target: Path) -> tuple[str, str, str]:
    return f".{target.name}.lock", f".{target.name}.new-", f".{target.name}.old-"


def _lock(path: Path, on_wait: Callable[[str], None] | None) -> int:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as exc:
        raise HorizonError(f"{path.parent}: cannot write the report site there: {exc.strerror}") from None
    try:
        deadline = time.monotonic() + LOCK_WAIT_S
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise HorizonError(f"{path}: another report build still holds this lock after"
                                       f" {LOCK_WAIT_S:.0f} s; nothing was written") from None
                if not told and on_wait is not None:
                    on_wait(f"waiting for another report build into the same directory ({path} is locked)")
                    told = True
                time.sleep(0.05)
    except BaseException:
        os.close(fd)
        raise


def _is_replaceable(target: Path) -> bool:
    try:
        if not any(target.iterdir()):
            return True
    except OSError:
        return False
    return all((target / marker).is_file() for marker in SITE_MARKERS)


def _clear_leftovers(parent: Path, target: Path) -> None:
    """Called with the lock held: no build is running, so every staging directory is a leftover."""
    _, new_prefix, old_prefix = _names(target)
    olds = sorted(p for p in parent.iterdir() if p.name.startswith(old_prefix))
    if olds and not os.path.lexists(target):
        # Killed between the two renames of the fallback swap: the old site comes back first.
        os.rename(olds.pop(), target)
    for p in sorted(parent.iterdir()):
        if p.name.startswith((new_prefix, old_prefix)) and p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step with renameat2; False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False  # a C library without renameat2 (glibc < 2.28)
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False  # kernel or file system without RENAME_EXCHANGE
    raise OSError(err, os.strerror(err), str(b))


def _swap_in(new: Path, target: Path, old_prefix: str, swap: Callable[[Path, Path], bool]) -> Path | None:
    """Put ``new`` at ``target``; returns where the previous site now is (to delete), if any."""
    if not os.path.lexists(target):
        os.rename(new, target)
        return None
    if swap(new, target):
        return new
    aside = Path(tempfile.mkdtemp(prefix=old_prefix, dir=target.parent))
    os.rename(target, aside)  # onto the empty directory mkdtemp made
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(aside, target)
        raise
    return aside


def _set_modes(root: Path) -> None:
    """0644 for files and 0755 for directories, whatever the umask or the cache's modes."""
    os.chmod(root, DIR_MODE)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            os.chmod(os.path.join(dirpath, name), DIR_MODE)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), FILE_MODE)


@dataclass(frozen=True)
class Staging:
    site: Path      # fill this; it becomes the target
    scratch: Path   # work files that must not end up in the site; removed at the end


@contextmanager
def replaced(target: Path, *, on_wait: Callable[[str], None] | None = None,
             swap: Callable[[Path, Path], bool] = exchange) -> Iterator[Staging]:
    """Yield fresh directories to fill; when the block ends normally ``site`` becomes ``target``.

    If the block raises (or the process is killed) ``target`` keeps what it held before and
    the fresh directories are removed (by the next build, after a kill).
    """
    target = Path(os.path.realpath(target))  # a symlinked site directory: replace where it points
    parent = target.parent
    if parent == target:
        raise HorizonError(f"{target}: the file system root cannot be the report site; choose a new or empty directory")
    if os.path.lexists(target) and not target.is_dir():
        raise HorizonError(f"{target}: expected a directory for the report site, found a file")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HorizonError(f"{exc.filename or parent}: cannot create the directory for the report site:"
                           f" {exc.strerror}") from None
    lock_name, new_prefix, old_prefix = _names(target)
    lock = _lock(parent / lock_name, on_wait)
    try:
        _clear_leftovers(parent, target)
        if target.is_dir() and not _is_replaceable(target):
            raise HorizonError(f"{target}: not empty and not a horizon report site (no {' or '.join(SITE_MARKERS)});"
                               " refusing to replace it: choose a new or empty directory")
        made: list[Path] = []
        previous = None
        try:
            try:
                for _ in range(2):
                    made.append(Path(tempfile.mkdtemp(prefix=new_prefix, dir=parent)))
            except OSError as exc:
                raise HorizonError(f"{parent}: cannot write the report site there: {exc.strerror}") from None
            stage = Staging(site=made[0], scratch=made[1])
            yield stage
            _set_modes(stage.site)
            previous = _swap_in(stage.site, target, old_prefix, swap)
        finally:
            for leftover in (*made, previous):
                if leftover is not None and leftover != target:
                    shutil.rmtree(leftover, ignore_errors=True)
    finally:
        os.close(lock)
