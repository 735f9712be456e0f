"""Build hook: a wheel carries ``templates/`` (kept at the repository root) as ``shopper/templates``,
and the interface catalogues compiled (``.mo`` files are never committed).

Package data cannot name files outside the package, and ``templates/`` stays at the
root of the checkout. So ``build_py`` copies it into the built package, where
``shopper.create_app`` looks first; an editable install or a checkout has no
``shopper/templates`` and reads the root folder instead.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def _catalogues_module():
    """``shopper/catalogues.py`` loaded by path: importing ``shopper`` needs Flask, a build does not."""
    spec = importlib.util.spec_from_file_location(
        "_shopper_catalogues", ROOT / "shopper" / "catalogues.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithTemplates(build_py):
    """``build_py`` that also puts ``templates/`` inside the built ``shopper`` package
    and compiles each ``translations/<lang>/LC_MESSAGES/messages.po`` beside itself."""

    def run(self) -> None:
        """Build the packages, then copy the templates and compile the catalogues beside them."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        _catalogues_module().compile_all(
            ROOT / "shopper" / "translations",
            Path(self.build_lib) / "shopper" / "translations",
            only_stale=False,
        )
        target = Path(self.build_lib) / "shopper" / "templates"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(ROOT / "templates", target)


setup(cmdclass={"build_py": BuildWithTemplates})
