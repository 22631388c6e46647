"""README's Python API examples run as written (doctest) on a store after `horizon update`."""

from __future__ import annotations

import doctest
import os
import re
import shutil

import pytest

from horizon.config import PROJECT_DIR


def _examples() -> str:
    text = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    return "\n".join(re.findall(r"```pycon\n(.*?)```", section, flags=re.S))


def test_readme_has_python_examples_with_output():
    examples = doctest.DocTestParser().get_examples(_examples())
    assert len(examples) >= 10 and sum(bool(e.want) for e in examples) >= 5


def test_readme_python_examples_print_what_readme_shows(updated, tmp_path):
    root, _, _ = updated
    shutil.copy(root / "h.duckdb", tmp_path / "horizon.duckdb")
    test = doctest.DocTestParser().get_doctest(_examples(), {}, "README.md#python-api", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        failed, attempted = runner.run(test, out=lambda text: pytest.fail(text, pytrace=False))
    finally:
        os.chdir(here)
    assert failed == 0 and attempted > 0
