"""Build hook: a wheel carries ``templates/`` (kept at the repository root) as ``shopper/templates``.

Package data cannot name files outside the package, and ``templates/`` stays at the
root of the checkout. So ``build_py`` copies it into the built package, where
``shopper.create_app`` looks first; an editable install or a checkout has no
``shopper/templates`` and reads the root folder instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithTemplates(build_py):
    """``build_py`` that also puts ``templates/`` inside the built ``shopper`` package."""

    def run(self) -> None:
        """Build the packages, then copy the templates beside them."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "shopper" / "templates"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(ROOT / "templates", target)


setup(cmdclass={"build_py": BuildWithTemplates})
