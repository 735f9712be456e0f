"""The whole round, in real browsers: a coordinator on a laptop assigns a checklist to
a region, a shopper on a phone submits, the coordinator returns it with a note, the
shopper fixes and resubmits, the coordinator approves."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from shopper.extensions import db
from shopper.models import Assignment
from shopper.services import audit
from tests.factories import import_checklist, make_store
from tests.support.web import PASSWORD, make_user

COORDINATOR = "coordinator@test.example"
SHOPPER = "ayse@test.example"
SEND_TIMEOUT = 30_000


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _statuses(app: Flask) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(select(Assignment)).scalars()
        return {a.store.code: a.status for a in rows}


def test_assign_a_region_submit_return_fix_resubmit_approve(
    app: Flask,
    live_server: str,
    laptop,
    phone,
    artifacts: Path,
) -> None:
    base = live_server
    make_user(app, "coordinator", COORDINATOR)
    make_user(app, "shopper", SHOPPER, name="Ayşe Yılmaz")
    for code in ("IST-01", "IST-02", "ANK-01"):
        make_store(app, code, "Marmara", address=f"Address of {code}")
    make_store(app, "STO-01", "Sverige")
    import_checklist(app)

    # The coordinator assigns the checklist to the whole Marmara region.
    desk = laptop.new_page()
    _sign_in(desk, base, COORDINATOR)
    desk.goto(f"{base}/assignments/new")
    desk.get_by_label("Checklist").select_option("worked")
    desk.get_by_label("Whole region").select_option("Marmara")
    desk.get_by_label("Ayşe Yılmaz").check()
    desk.get_by_label("Briefing").fill("Ask for a refund without a receipt.")
    desk.get_by_role("button", name="Plan the visits").click()
    expect(desk.locator("#plan tbody tr")).to_have_count(3)
    # Each store's shopper menu is a full-size control, not a tiny native one.
    menu = desk.locator("#plan select").first.bounding_box()
    assert menu["height"] >= 44 and menu["width"] >= 190
    expect(desk.get_by_text("Every active store of this region gets a visit.")).to_be_visible()
    desk.screenshot(path=str(artifacts / "flow-1-plan.png"), full_page=True)
    desk.get_by_role("button", name="Create 3 assignments").click()
    expect(desk.get_by_text("3 visits assigned.")).to_be_visible()
    assert _statuses(app) == {"ANK-01": "assigned", "IST-01": "assigned", "IST-02": "assigned"}

    # The shopper fills one visit on the phone and sends it.
    mobile = phone.new_page()
    _sign_in(mobile, base, SHOPPER)
    expect(mobile.locator(".visit-item")).to_have_count(3)
    mobile.locator(".visit-link").first.tap()
    expect(mobile.locator("#report-body")).to_be_enabled()
    mobile.get_by_role("button", name="Fill in today's date").tap()
    mobile.get_by_label("Time in", exact=True).fill("10:05")
    mobile.get_by_label("Time out", exact=True).fill("10:40")
    for code, value in (("q1", "no"), ("q2", "4"), ("q3", "b")):
        mobile.locator(f'label:has(> input[name="a-{code}"][value="{value}"])').tap()
    mobile.locator("#send-report").tap()
    expect(mobile.locator("#sync-status")).to_have_text("Sent", timeout=SEND_TIMEOUT)
    mobile.screenshot(path=str(artifacts / "flow-2-sent.png"))
    submitted = next(code for code, s in _statuses(app).items() if s == "submitted")

    # The coordinator returns it with a note.
    desk.goto(f"{base}/review")
    desk.locator("table a").first.click()
    expect(desk.locator(".overall strong")).to_have_text("0.0%")  # q1 is critical
    # The decision stays in view at the bottom of the window, however long the report.
    decide = desk.locator("#decide")
    expect(decide).to_be_in_viewport()
    desk.locator("#answer-q1").get_by_label("Ask the shopper to change this").check()
    # Returning without a note: the error shows beside the note, in view, the tick kept.
    desk.get_by_role("button", name="Return to the shopper").click()
    expect(decide.locator(".error")).to_have_text("Write a note telling the shopper what to fix.")
    expect(decide.locator(".error")).to_be_in_viewport()
    expect(desk.get_by_label("Note to the shopper")).to_be_focused()
    expect(
        desk.locator("#answer-q1").get_by_label("Ask the shopper to change this")
    ).to_be_checked()
    desk.screenshot(path=str(artifacts / "flow-3a-return-without-note.png"))
    desk.get_by_label("Note to the shopper").fill("Q1: were you really not greeted? Check again.")
    desk.get_by_role("button", name="Return to the shopper").click()
    expect(desk.get_by_text("No reports are waiting for review.")).to_be_visible()
    assert _statuses(app)[submitted] == "returned"

    # The shopper sees the note on top, fixes the answer and sends again.
    mobile.goto(f"{base}/shopper")
    first = mobile.locator(".visit-item").first
    expect(first).to_contain_text("Q1: were you really not greeted? Check again.")
    mobile.screenshot(path=str(artifacts / "flow-3-returned.png"))
    first.locator(".visit-link").tap()
    expect(mobile.locator("#report-body")).to_be_enabled()
    # The question the coordinator named: listed under the note, one tap away, marked.
    named = mobile.locator(".to-change-list a")
    expect(named).to_have_count(1)
    named.tap()
    expect(mobile.locator("#a-q1-card")).to_have_class(re.compile(r"\bto-change\b"))
    expect(mobile.locator("#a-q1-card")).to_be_in_viewport()
    expect(mobile.locator("#a-q1-card .to-change-note")).to_be_visible()
    expect(mobile.locator(".form-question.to-change")).to_have_count(1)
    mobile.screenshot(path=str(artifacts / "flow-3b-named-question.png"))
    mobile.locator('label:has(> input[name="a-q1"][value="yes"])').tap()
    mobile.locator("#send-report").tap()
    expect(mobile.locator("#sync-status")).to_have_text("Sent", timeout=SEND_TIMEOUT)
    assert _statuses(app)[submitted] == "submitted"

    # The coordinator approves it.
    desk.goto(f"{base}/review")
    desk.locator("table a").first.click()
    expect(desk.locator(".overall strong")).to_have_text("78.0%")  # visit A of scoring.md
    desk.get_by_role("button", name="Approve").click()
    expect(desk.get_by_text("No reports are waiting for review.")).to_be_visible()
    desk.screenshot(path=str(artifacts / "flow-4-approved.png"), full_page=True)

    with app.app_context():
        assignment = db.session.execute(
            select(Assignment).where(Assignment.status == "approved")
        ).scalar_one()
        assert [e.action for e in audit.trail(assignment)] == [
            "created",
            "submitted",
            "returned",
            "submitted",
            "approved",
        ]
        assert assignment.visit.overall == 78.0
