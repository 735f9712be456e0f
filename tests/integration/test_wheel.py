"""A wheel built from the checkout, installed in a fresh virtualenv, serves on its own.

Nothing of the checkout may help: the source is copied aside, the wheel is
built there, installed into a new virtualenv (no system site-packages), and run
with its working directory outside the repository and no ``PYTHONPATH``.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from markupsafe import escape

from tests.conftest import REPO
from tests.support.processes import free_port, serving

pytestmark = pytest.mark.slow

PASSWORD = "wheel-demo-password"
LOGIN_LINE = re.compile(r"^(owner|coordinator|shopper)\s+(\S+@\S+)\s+(\S+)$", re.M)
SCRIPT_SRC = re.compile(r'<script[^>]*\ssrc="([^"]+)"')
LEFT_BEHIND = (
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "instance",
    "artifacts",
    "__pycache__",
)
CSRF = re.compile(r'name="(?:[\w-]+-)?csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Installed:
    """A fresh virtualenv with the wheel installed, and a folder outside the repository."""

    venv: Path
    outside: Path

    def env(self) -> dict[str, str]:
        """The environment of a user who installed the wheel: nothing pointing at the checkout."""
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env["PATH"] = f"{self.venv / 'bin'}:{env.get('PATH', '')}"
        env["SHOPPER_INSTANCE_PATH"] = str(self.outside / "instance")
        return env

    def run(self, *command: str) -> str:
        """Run a program of the virtualenv outside the repository; return what it printed."""
        done = subprocess.run(
            [str(self.venv / "bin" / command[0]), *command[1:]],
            cwd=self.outside,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


def _source_copy(target: Path) -> None:
    """Copy the files git knows (committed or not ignored), as a fresh clone would have them."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout.split(b"\0")
    except (OSError, subprocess.CalledProcessError):
        # Not a git checkout (an unpacked tarball): everything but what builds leave behind.
        shutil.copytree(
            REPO, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*LEFT_BEHIND)
        )
        return
    for name in filter(None, (item.decode() for item in listed)):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _package_files(folder: Path) -> set[str]:
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the wheel and install it into a new virtualenv, once per session."""
    base = tmp_path_factory.mktemp("wheel")
    source, wheels, venv, outside = (base / n for n in ("source", "dist", "venv", "outside"))
    _source_copy(source)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), "."],
        cwd=source,
        check=True,
        timeout=600,
    )
    (wheel,) = wheels.glob("shopper-*.whl")
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        cwd=base,
        check=True,
        timeout=900,
    )
    outside.mkdir()
    return Installed(venv, outside)


@pytest.fixture
def served(installed: Installed) -> Iterator[tuple[str, str]]:
    """Migrate, load the demo and start gunicorn as an installed user would; yield URL and logins."""
    shutil.rmtree(installed.outside / "instance", ignore_errors=True)
    installed.run("flask", "--app", "shopper:create_app", "db", "upgrade")
    installed.run("flask", "--app", "shopper:create_app", "demo", "load", "--password", PASSWORD)
    logins = installed.run("flask", "--app", "shopper:create_app", "demo", "logins")
    port = free_port()
    command = [
        str(installed.venv / "bin" / "gunicorn"),
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "shopper:create_app()",
    ]
    log = installed.outside / "gunicorn.log"
    with serving(command, installed.outside, installed.env(), log, port):
        yield f"http://127.0.0.1:{port}", logins


class Browser:
    """Cookies kept between requests, forms sent as a browser sends them."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str, bytes]:
        """Status, final URL and body of a GET (redirects followed)."""
        try:
            with self.opener.open(urllib.parse.urljoin(self.base, path), timeout=120) as reply:
                return reply.status, reply.url, reply.read()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read()

    def sign_in(self, email: str) -> str:
        """Sign in through the form; return the URL landed on."""
        status, _, page = self.get("/sign-in")
        assert status == 200
        token = CSRF.search(page.decode()).group(1)
        form = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
        with self.opener.open(self.base + "/sign-in", form.encode(), timeout=60) as reply:
            return reply.url


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Installed) -> None:
    where = installed.run("python", "-c", "import shopper; print(shopper.__file__)").strip()
    assert Path(where).is_relative_to(installed.venv), where
    assert not Path(where).is_relative_to(REPO), where


def test_the_wheel_carries_every_template_static_file_migration_and_demo_file(
    installed: Installed,
) -> None:
    where = installed.run("python", "-c", "import shopper; print(shopper.__file__)").strip()
    package = Path(where).parent
    assert _package_files(package / "templates") == _package_files(REPO / "templates")
    for folder in ("static", "migrations", "demo_data", "translations"):
        assert _package_files(package / folder) >= _package_files(REPO / "shopper" / folder), folder
    # Each catalogue is compiled into the wheel (the checkout commits no .mo).
    catalogues = sorted(REPO.glob("shopper/translations/*/LC_MESSAGES/messages.po"))
    assert len(catalogues) >= 4, catalogues
    for po_file in catalogues:
        compiled = package / po_file.relative_to(REPO / "shopper").with_suffix(".mo")
        assert compiled.is_file() and compiled.stat().st_size > 1000, compiled


def test_an_installed_wheel_serves_sign_in_phone_report_and_pdf(served) -> None:
    base, logins = served
    people = {role: email for role, email, _ in LOGIN_LINE.findall(logins)}
    assert set(people) == {"owner", "coordinator", "shopper"}, logins

    anyone = Browser(base)
    status, _, page = anyone.get("/sign-in")
    assert status == 200 and b"csrf_token" in page
    turkish = Browser(base)
    turkish.opener.addheaders = [("Accept-Language", "tr-TR,tr;q=0.9")]
    status, _, page = turkish.get("/sign-in")
    with (REPO / "shopper/translations/tr/LC_MESSAGES/messages.po").open("rb") as handle:
        sign_in = read_po(handle, locale="tr")["Sign in"].string
    assert status == 200 and sign_in and sign_in != "Sign in"
    assert escape(sign_in).encode() in page and b'<html lang="tr"' in page

    shopper = Browser(base)
    assert shopper.sign_in(people["shopper"]).endswith("/shopper")
    _, _, home = shopper.get("/shopper")
    visit_path = re.search(r'href="(/visits/\d+)"', home.decode()).group(1)
    status, _, report = shopper.get(visit_path)
    assert status == 200
    scripts = SCRIPT_SRC.findall(report.decode())
    assert any("/js/field/" in src for src in scripts), scripts
    for src in scripts:
        assert shopper.get(src.replace("&amp;", "&"))[0] == 200, src
    status, _, worker = shopper.get("/sw.js")
    assert status == 200 and b"const SETTINGS" in worker
    for asset in re.findall(r'"(/static/[^"]+)"', worker.decode()):
        assert shopper.get(asset)[0] == 200, asset

    owner = Browser(base)
    owner.sign_in(people["owner"])
    status, url, comparison = owner.get("/reports/comparison")
    assert status == 200, comparison[:2000]
    pdf_link = re.search(r'href="([^"]*comparison\.pdf[^"]*)"', comparison.decode()).group(1)
    status, _, pdf = owner.get(pdf_link.replace("&amp;", "&"))
    assert status == 200 and pdf.startswith(b"%PDF"), pdf[:200]
