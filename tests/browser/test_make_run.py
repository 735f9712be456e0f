"""`make run` on a fresh instance: it migrates, loads the demo, prints the logins, serves.

Each demo person then signs in on a phone and lands on their own home page.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, unavailable
from tests.support.processes import free_port, serving

# The owner's home is last month's comparison of the demo's visits.
HOMES = {"owner": "/reports/comparison", "coordinator": "/coordinator", "shopper": "/shopper"}
LOGIN_LINE = re.compile(r"^(owner|coordinator|shopper)\s+(\S+@\S+)\s+(\S+)$", re.M)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def make_run(request, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`make run` in a subprocess; yields its base URL and what it printed so far."""
    env = {**os.environ, "SHOPPER_INSTANCE_PATH": str(tmp_path / "instance")}
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres_server")
        if server is None:
            unavailable("PostgreSQL cannot start here")
        env["SHOPPER_SQLALCHEMY_DATABASE_URI"] = server.create_database(
            f"make_run_{os.getpid()}_{int(time.time() * 1000)}"
        )
    port = free_port()
    log = tmp_path / "make-run.log"
    with serving(["make", "--no-print-directory", "run", f"PORT={port}"], REPO, env, log, port):
        yield f"http://127.0.0.1:{port}", log.read_text()


def test_make_run_serves_and_lets_each_demo_person_in(make_run, phone, artifacts, request) -> None:
    base, printed = make_run
    logins = LOGIN_LINE.findall(printed)
    # The store manager's login is printed too; a manager's pages come with issue 16.
    assert sorted(role for role, _, _ in logins) == ["coordinator", "owner"] + ["shopper"] * 5, (
        printed
    )
    assert re.search(r"^manager\s+murat@demo\.example\s+\S+$", printed, re.M), printed
    backend = request.node.callspec.params["make_run"]

    page = phone.new_page()
    for role, email, password in logins:
        page.goto(base + "/")
        assert page.url.startswith(base + "/sign-in")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(re.escape(base + HOMES[role]) + r"(\?.*)?$"))
        assert page.locator("h1").is_visible()
        if role == "owner":
            # A newcomer sees a full comparison at once: the chain's stores in four
            # countries and the competitor, ranked on one checklist.
            assert page.locator("#ranking tbody tr").count() == 10
        # One-handed on a phone: nothing wider than the screen, and the menu is
        # one line that scrolls sideways with the current page in sight.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator(".topbar").bounding_box()["height"] < 120
        current = page.locator(".nav [aria-current=page]").bounding_box()
        assert current is not None and 0 <= current["x"] <= 390 - current["width"]
        page.screenshot(path=str(artifacts / f"make-run-{backend}-{email.split('@')[0]}.png"))
        # Each demo person reads their own language: the button is found by its form.
        page.locator("form.sign-out button").click()
        page.wait_for_url(base + "/sign-in")


def test_wrong_password_in_the_browser_says_so_without_hints(make_run, phone, artifacts) -> None:
    base, _ = make_run
    page = phone.new_page()
    page.goto(base + "/sign-in")
    page.screenshot(path=str(artifacts / "sign-in-phone.png"))
    page.get_by_label("Email").fill("owner@demo.example")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    assert alert.inner_text() == "The email or the password is not right."
    page.screenshot(path=str(artifacts / "sign-in-wrong-password-phone.png"))
