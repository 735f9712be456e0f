"""A coordinator sets targets on the checklist page; the owner sees who falls short."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import LAPTOP
from tests.support.comparison import make_history
from tests.support.web import PASSWORD

QUERY = "checklist=worked&first_day=2026-10-01&last_day=2026-10-31"


@pytest.fixture
def history(app, client, auth):
    """The visits of tests.support.comparison, made through the API and reviewed."""
    return make_history(app, client, auth)


def _signed_in(context, base: str, email: str):
    page = context.new_page()
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def test_targets_set_on_the_checklist_page_show_on_the_comparison(
    app: Flask, history, live_server: str, browser, laptop, phone, artifacts: Path
) -> None:
    page = _signed_in(laptop, live_server, "coordinator@test.example")
    page.goto(f"{live_server}/checklists/worked")
    page.get_by_label("Overall target, in percent").fill("150")
    page.get_by_role("button", name="Save the targets").click()
    expect(page.locator("#overall-error")).to_have_text(
        "Enter a number from 0 to 100, or leave it empty for no target."
    )
    page.locator("#targets").screenshot(path=str(artifacts / "targets-form-error.png"))
    page.get_by_label("Overall target, in percent").fill("50")
    page.get_by_label("Welcome").fill("60")
    page.get_by_label("Checkout (v2)").fill("40")
    page.get_by_role("button", name="Save the targets").click()
    expect(page.get_by_text("The targets are saved.")).to_be_visible()
    expect(page.get_by_label("Overall target, in percent")).to_have_value("50.0")
    page.locator("#targets").screenshot(path=str(artifacts / "targets-form.png"))

    owner_laptop = browser.new_context(**LAPTOP)
    owner = _signed_in(owner_laptop, live_server, "o@test.example")
    owner.goto(f"{live_server}/reports/comparison?{QUERY}")
    expect(owner.locator(".headline")).to_contain_text("1 of 3 stores meet the target")
    expect(owner.locator("svg.ranking-chart .target-line")).to_have_count(1)
    expect(owner.locator("svg.trend .target-line")).to_have_count(1)
    expect(owner.locator("#ranking .badge-below")).to_have_count(2)
    expect(owner.locator(".heatmap td.below-target")).to_have_count(3)
    owner.screenshot(path=str(artifacts / "comparison-targets-laptop.png"), full_page=True)
    owner_laptop.close()

    small = _signed_in(phone, live_server, "o@test.example")
    small.goto(f"{live_server}/reports/comparison?{QUERY}")
    expect(small.locator(".headline")).to_contain_text("1 of 3 stores meet the target")
    # Nothing wider than the phone: the charts scale down with the page.
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    small.screenshot(path=str(artifacts / "comparison-targets-phone.png"), full_page=True)
