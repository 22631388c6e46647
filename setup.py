"""Ship the project's data/ and queries/ inside the package.

They live at the top of the repository (where people edit and review them) and are copied to
horizon/data and horizon/queries when a wheel is built; horizon finds them there through
importlib.resources, and in a source checkout beside the package (horizon/resources.py).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("data", "queries")


class BuildPyWithResources(build_py):
    def run(self):
        super().run()
        root = Path(__file__).resolve().parent
        for name in SHIPPED:
            target = Path(self.build_lib) / "horizon" / name
            shutil.rmtree(target, ignore_errors=True)   # a file removed since the last build goes too
            self.copy_tree(str(root / name), str(target))


setup(cmdclass={"build_py": BuildPyWithResources})
