"""The follow-up loop, in real browsers: a visit with a critical failure is approved on
the coordinator's laptop; the store's manager finds the action on a phone and says what
was done; the coordinator verifies it; the store's next approved visit shows on the
action as "Held"."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from shopper.extensions import db
from shopper.models import Assignment, StoreAction, User
from shopper.services import visits
from tests.factories import VISIT_A, VISIT_B, assign, import_checklist, make_store, visit_body
from tests.functional.test_actions_api import make_manager
from tests.support.web import PASSWORD, make_user

COORDINATOR = "coordinator@test.example"
SHOPPER = "ayse@test.example"
MANAGER = "mona@test.example"
TAP = 44  # the least height of anything a finger presses, in CSS pixels


def _sign_in(page: Page, base: str, email: str, next_page: str = "") -> None:
    page.goto(f"{base}/sign-in" + (f"?next={next_page}" if next_page else ""))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _submitted_visit(app: Flask, values: dict, client_id: str) -> int:
    """The shopper's visit at IST-01, submitted (through the service the phone's API uses)."""
    assignment_id = assign(app, SHOPPER)
    with app.app_context():
        shopper = db.session.execute(select(User).where(User.email == SHOPPER)).scalar_one()
        visit, _ = visits.submit(
            db.session.get(Assignment, assignment_id),
            shopper,
            visits.parse_visit_input(visit_body(values, client_id)),
        )
        return visit.id


def _approve_on_the_review_page(desk: Page, base: str, visit_id: int) -> None:
    desk.goto(f"{base}/review/{visit_id}")
    desk.get_by_role("button", name="Approve").click()
    expect(desk.get_by_text("No reports are waiting for review.")).to_be_visible()


def _action(app: Flask) -> tuple[str, list[str]]:
    with app.app_context():
        action = db.session.execute(select(StoreAction)).scalar_one()
        return action.status, [event.step for event in action.events]


def _assert_tappable(page: Page, selector: str) -> None:
    for box in (
        page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())
    ):
        assert box is not None and box["height"] >= TAP - 0.5, (selector, box)


def test_a_critical_failure_becomes_an_action_the_store_fixes_and_the_next_visit_holds(
    app: Flask, live_server: str, laptop, phone, artifacts: Path
) -> None:
    base = live_server
    make_user(app, "coordinator", COORDINATOR)
    make_user(app, "shopper", SHOPPER, name="Ayşe Yılmaz")
    make_store(app, "IST-01", "Marmara")
    make_store(app, "IST-02", "Marmara")
    import_checklist(app)
    make_manager(app, MANAGER, "IST-01")

    # The coordinator approves a visit whose critical question (Q1) failed.
    first = _submitted_visit(app, VISIT_B, "phone-1")
    desk = laptop.new_page()
    _sign_in(desk, base, COORDINATOR)
    _approve_on_the_review_page(desk, base, first)
    assert _action(app) == ("open", ["open"])

    # The store's manager finds it on the phone, due first, and says what was done.
    mobile = phone.new_page()
    _sign_in(mobile, base, MANAGER, "/actions")
    item = mobile.locator(".action-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Q1")
    expect(item).to_contain_text("IST-01")
    expect(item).not_to_contain_text("Ayşe")
    _assert_tappable(mobile, ".action-link")
    _assert_tappable(mobile, ".filters select, .filters button")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    mobile.screenshot(path=str(artifacts / "action-loop-1-manager-list.png"), full_page=True)
    mobile.locator(".action-link").tap()
    expect(mobile.get_by_role("heading", name="Q1")).to_be_visible()
    mobile.get_by_label("What was done").fill("Every cashier now greets within 10 seconds.")
    _assert_tappable(mobile, "#respond button")
    mobile.get_by_role("button", name="Mark as done").tap()
    expect(
        mobile.get_by_text("Thank you: the coordinator will verify what was done.")
    ).to_be_visible()
    expect(mobile.get_by_role("button", name="Mark as done")).to_have_count(0)
    mobile.screenshot(path=str(artifacts / "action-loop-2-manager-done.png"), full_page=True)
    assert _action(app) == ("done", ["open", "respond"])

    # The coordinator verifies it on the laptop.
    desk.goto(f"{base}/actions")
    desk.locator(".action-link").first.click()
    expect(desk.locator(".action-history")).to_contain_text(
        "Every cashier now greets within 10 seconds."
    )
    desk.get_by_role("button", name="Close: it is fixed").click()
    expect(desk.get_by_text("The action is closed.")).to_be_visible()
    assert _action(app) == ("closed", ["open", "respond", "close"])
    desk.screenshot(path=str(artifacts / "action-loop-3-coordinator-closed.png"), full_page=True)

    # The store's next visit is approved; its answer to Q1 shows on the action.
    second = _submitted_visit(app, VISIT_A, "phone-2")
    _approve_on_the_review_page(desk, base, second)
    mobile.reload()
    outcome = mobile.locator(".action-held")
    expect(outcome).to_contain_text("Held")
    expect(mobile.locator(".outcome-held")).to_have_count(1)
    mobile.screenshot(path=str(artifacts / "action-loop-4-held.png"), full_page=True)
    mobile.goto(f"{base}/actions")
    expect(mobile.locator(".action-item .outcome-held")).to_have_count(1)
