"""Every role's main pages run under the Content-Security-Policy without a single violation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect

from tests.factories import assign
from tests.support.comparison import make_history
from tests.support.web import PASSWORD

QUERY = "checklist=worked&first_day=2026-10-01&last_day=2026-10-31"
# Recorded before any script of the page runs; Playwright's init scripts are not
# subject to the page's policy.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


class Watched:
    """A page whose CSP violations, as events and as console messages, are collected."""

    def __init__(self, context: BrowserContext, base: str, who: str) -> None:
        context.add_init_script(LISTEN)
        self.base = base
        self.who = who
        self.page = context.new_page()
        self.console: list[str] = []
        self.page.on("console", self._console)
        self.seen: dict[str, list[str]] = {}

    def _console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            self.console.append(text)

    def visit(self, path: str) -> Page:
        """Open ``path``, let its scripts run, and note what the policy refused there."""
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        self.note(path)
        return self.page

    def note(self, label: str) -> None:
        """Keep the violations reported on the page shown now."""
        self.seen[f"{self.who}: {label}"] = self.page.evaluate("window.__violations") + self.console
        self.console = []

    def sign_in(self, email: str) -> None:
        """Sign in through the form."""
        self.visit("/sign-in")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state("networkidle")
        self.note("after sign-in")


@pytest.fixture
def history(app, client, auth):
    """Approved visits to compare, a visit waiting for review, an open assignment."""
    made = make_history(app, client, auth)
    today = date.today()
    made["open"] = assign(app, "s@test.example", store="D", first_day=today, last_day=today)
    return made


def test_the_policy_listener_sees_a_refused_inline_script(
    app: Flask, live_server: str, laptop
) -> None:
    watched = Watched(laptop, live_server, "anyone")
    page = watched.visit("/sign-in")
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.ran = true"; document.body.append(s); }"""
    )
    page.wait_for_timeout(200)
    watched.note("injected")
    assert page.evaluate("window.ran") is None
    assert any("script-src" in v for v in watched.seen["anyone: injected"]), watched.seen


def test_no_page_of_any_role_breaks_the_content_security_policy(
    app: Flask, history, live_server: str, laptop, browser, artifacts: Path
) -> None:
    unapproved = history["ids"][7]
    owner = Watched(laptop, live_server, "owner")
    owner.sign_in("o@test.example")
    for path in (
        "/",
        f"/reports/comparison?{QUERY}",
        f"/reports/stores/A?{QUERY}",
        "/checklists",
        "/checklists/worked",
        "/stores",
        "/account",
    ):
        owner.visit(path)
    expect(owner.page.locator("body")).to_be_visible()

    coordinator_context = browser.new_context(viewport={"width": 1366, "height": 820})
    coordinator = Watched(coordinator_context, live_server, "coordinator")
    coordinator.sign_in("coordinator@test.example")
    for path in (
        "/",
        "/assignments",
        "/assignments/new",
        f"/assignments/{history['open']}",
        "/review",
        f"/review/{unapproved}",
        f"/reports/comparison?{QUERY}",
        "/stores",
        "/stores/new",
        "/people",
        "/account",
    ):
        coordinator.visit(path)
    page = coordinator.visit(f"/reports/comparison?{QUERY}")
    meters = page.locator("meter.bar")
    expect(meters.first).to_be_visible()
    page.screenshot(path=str(artifacts / "csp-comparison-bars.png"), full_page=True)
    # The builder, with its live preview of a draft.
    page = coordinator.visit("/checklists/worked")
    page.get_by_role("button", name="Edit").click()
    page.wait_for_load_state("networkidle")
    coordinator.note("builder")
    # A new person's invitation link, with the copy buttons of its script.
    page = coordinator.visit("/people/new")
    page.get_by_label("Email").fill("new@test.example")
    page.get_by_label("Name").fill("New Person")
    page.get_by_role("button", name="Add and make the link").click()
    page.wait_for_load_state("networkidle")
    page.locator("[data-copy]").first.click()
    expect(page.locator("#copy-status")).not_to_be_empty()  # the script ran
    coordinator.note("invitation links")
    coordinator_context.close()

    phone_context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    shopper = Watched(phone_context, live_server, "shopper")
    shopper.sign_in("s@test.example")
    shopper.visit("/")
    page = shopper.visit(f"/visits/{history['open']}")
    expect(page.locator("#field-data")).to_have_count(1)
    page.reload()
    page.wait_for_load_state("networkidle")
    shopper.note("visit page, served by the service worker")
    shopper.visit("/account")
    phone_context.close()

    signed_out_context = browser.new_context()
    signed_out = Watched(signed_out_context, live_server, "signed out")
    signed_out.visit("/sign-in")
    signed_out.visit("/no-such-page")
    signed_out_context.close()

    everything = {**owner.seen, **coordinator.seen, **shopper.seen, **signed_out.seen}
    assert len(everything) >= 28
    assert {label: found for label, found in everything.items() if found} == {}
