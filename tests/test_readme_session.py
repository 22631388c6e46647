"""README's session runs as written: every `$ horizon ...` line in its console blocks, in order,
on a fresh directory after the two set-up commands, prints what README shows.

README may leave lines out (a line "..." stands for any number of lines), but every line it
shows must be printed, in that order, and a command README shows failing ("horizon: ..." on
stderr) must fail. The clock is fixed with SOURCE_DATE_EPOCH, as README says.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from horizon.config import PROJECT_DIR
from tests.conftest import SHARED

pytestmark = pytest.mark.slow

README = PROJECT_DIR / "README.md"
EPOCH = "1772366400"   # 2026-03-01 12:00 UTC, the clock README's session was printed with


def sessions() -> list[tuple[str, list[str]]]:
    """(command, the lines README shows it printing) for every `$ horizon` line, in order."""
    text = README.read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        current = None
        lines = iter(block.splitlines())
        for line in lines:
            if line.startswith("$ "):
                current = None
                while line.endswith("\\"):   # a command continued on "> " lines
                    line = line[:-1] + next(lines).removeprefix(">").lstrip()
                # horizon itself, and the shell lines that make a file for it (printf ... > f).
                if line.startswith(("$ horizon ", "$ printf ")):
                    current = (line[2:], [])
                    found.append(current)
            elif current is not None:
                current[1].append(line)
    return found


def _shown_in_order(shown: list[str], printed: list[str]) -> str | None:
    """None when every shown line (but "...") appears in ``printed`` in order; else the first
    line that does not."""
    at = 0
    for line in shown:
        if line.strip() in ("...", ""):
            continue
        while at < len(printed) and printed[at].rstrip() != line.rstrip():
            at += 1
        if at == len(printed):
            return line
        at += 1
    return None


def test_readme_shows_a_session_to_run():
    commands = [c for c, _ in sessions() if c.startswith("horizon ")]
    assert commands[0] == "horizon update" and len(commands) > 10


def test_every_command_in_the_readme_session_prints_what_the_readme_shows(tmp_path):
    # ../shared/data resolves as in a checkout beside the shared data.
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "shared").symlink_to(SHARED.parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HORIZON_")}
    env.update(SOURCE_DATE_EPOCH=EPOCH, HORIZON_OFFLINE="1", HORIZON_CACHE=str(tmp_path / "cache"), TZ="UTC")
    # README's reader is in the checkout, where data/ is the embedded data they may edit: a copy.
    shutil.copytree(PROJECT_DIR / "data", work / "data")
    env["HORIZON_DATA"] = "data"
    # `horizon` on PATH is this checkout's, so lines with pipes run in the shell as written.
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "horizon").write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m horizon "$@"\n')
    (shim / "horizon").chmod(0o755)
    env["PATH"] = f"{shim}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(PROJECT_DIR)
    failures = []
    for command, shown in sessions():
        if command.startswith("printf "):
            subprocess.run(command, shell=True, cwd=work, env=env, check=True)
            continue
        run = subprocess.run(["bash", "-c", command], cwd=work, env=env, capture_output=True,
                             text=True, timeout=600)
        printed = (run.stdout + run.stderr).splitlines()
        expects_failure = any(line.startswith("horizon: ") and not line.startswith("horizon: warning")
                              for line in shown)
        if (run.returncode != 0) != expects_failure:
            failures.append(f"$ {command}: exit {run.returncode}\n{run.stderr[-400:]}")
            continue
        missing = _shown_in_order(shown, printed)
        if missing is not None:
            failures.append(f"$ {command}: README shows {missing!r}, not printed (got {len(printed)} lines)")
    assert not failures, "\n".join(failures)
    assert (work / "reports" / "site" / "index.html").is_file()


def test_the_checker_would_catch_a_line_the_command_does_not_print():
    assert _shown_in_order(["a", "...", "c"], ["a", "b", "c"]) is None
    assert _shown_in_order(["a", "c", "b"], ["a", "b", "c"]) == "b"
    assert _shown_in_order(["z"], ["a"]) == "z"


def test_a_command_continued_over_lines_is_one_command(monkeypatch, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("```console\n$ printf 'a' \\\n>   'b' > f\n$ horizon x\nout\n```\n")
    monkeypatch.setattr(sys.modules[__name__], "README", readme)
    assert sessions() == [("printf 'a' 'b' > f", []), ("horizon x", ["out"])]


def test_readme_names_the_two_set_up_commands():
    text = README.read_text(encoding="utf-8")
    assert "$ make update" in text and "$ make test" in text
    assert Path(PROJECT_DIR / "Makefile").read_text().count("update:") == 1
