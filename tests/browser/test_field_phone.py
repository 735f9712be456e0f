"""The shopper's phone, second pass (issue 17): what a 390×844 thumb meets on the report page.

Honest progress, the visit times checked as they are typed, every control 44 px tall,
the briefing folded after the first opening with jumps to the next unanswered question,
a sent report that no longer looks editable, and an icon on every page.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from shopper.extensions import db
from shopper.models import Assignment
from shopper.services import demo
from tests.browser import test_field_visit as visit_tests
from tests.browser.test_field_visit import (
    CHECKLIST,
    SEND_TIMEOUT,
    World,
    answer_everything_but_the_photo,
    open_visit,
    shot,
    sign_in,
    sync_status,
)
from tests.support.web import PASSWORD

# The visit tests' Ayşe, store, assignment and receipt, and their phone tab that fails on script errors.
world = visit_tests.world
tab = visit_tests.tab

SCREEN = 844
TAP = 44
REQUIRED = 3 + sum(
    1
    for section in CHECKLIST["sections"]
    for q in section["questions"]
    if q.get("required", True) or q.get("photo") == "required"
)
TOTAL = 3 + sum(len(section["questions"]) for section in CHECKLIST["sections"])

# Every control on the page, or for a hidden native input (radio, checkbox, file) the label a
# thumb actually taps; its height in CSS pixels.
SMALL_CONTROLS = """() => {
  const small = [];
  for (const el of document.querySelectorAll("button, a[href], summary, input, select, textarea")) {
    let box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (el.type === "hidden" || box.width === 0 || style.visibility === "hidden") continue;
    if (box.width <= 1 || style.opacity === "0") {
      const label = el.closest("label");
      if (!label) continue;
      box = label.getBoundingClientRect();
    }
    if (box.height < 44) small.push((el.id || el.name || el.textContent.trim()).slice(0, 40) + " " + box.height);
  }
  return small;
}"""


def test_progress_counts_the_visit_times_and_a_wrong_time_out_is_said_at_once(
    world: World, tab: Page, artifacts: Path
) -> None:
    page = tab
    sign_in(page, world.base)
    open_visit(page, world)
    progress = page.locator("#progress-text")
    # The date and the two times are items like the questions: they count in the total.
    expect(progress).to_have_text(f"0 of {TOTAL} answered · Still required: {REQUIRED}")

    page.get_by_label("Time in", exact=True).fill("10:40")
    page.get_by_label("Time out", exact=True).fill("10:40")
    error = page.locator("#time_out-error")
    expect(error).to_be_visible()
    expect(error).to_have_text("The time out must be after the time in.")
    expect(page.locator("#time_out-field")).to_have_class("field invalid")
    # Filled but wrong is not done: 1 of the items, and the time out still required.
    expect(progress).to_have_text(f"1 of {TOTAL} answered · Still required: {REQUIRED - 1}")
    page.locator("#time_out-field").scroll_into_view_if_needed()
    shot(page, artifacts, "phone-time-order")

    page.get_by_label("Time out", exact=True).fill("10:05")
    expect(error).to_have_text("The time out must be after the time in.")
    page.get_by_label("Time out", exact=True).fill("10:41")
    expect(error).to_be_hidden()
    expect(progress).to_have_text(f"2 of {TOTAL} answered · Still required: {REQUIRED - 2}")


def test_every_control_on_the_report_page_is_at_least_44_px_tall(
    world: World, tab: Page, artifacts: Path
) -> None:
    page = tab
    sign_in(page, world.base)
    open_visit(page, world)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.set_input_files('[name="a-receipt-photo"]', str(world.receipt))
    expect(page.locator("#a-receipt-photos button")).to_have_count(1, timeout=15_000)
    assert page.evaluate(SMALL_CONTROLS) == []
    # The list of problems that Send shows is made of links too.
    page.locator("#send-report").tap()
    expect(page.locator("#problems li a").first).to_be_visible()
    assert page.evaluate(SMALL_CONTROLS) == []
    page.locator("#a-greeted-card").scroll_into_view_if_needed()
    shot(page, artifacts, "phone-controls")


def page_bottom(page: Page, selector: str) -> float:
    """How far down the page (not the screen) the element ends."""
    return page.evaluate(
        "s => document.querySelector(s).getBoundingClientRect().bottom + window.scrollY", selector
    )


def test_a_new_shopper_on_the_demo_reaches_the_first_answer_within_one_screen(
    app: Flask, live_server: str, phone: BrowserContext, artifacts: Path
) -> None:
    with app.app_context():
        demo.load_demo(app.instance_path, PASSWORD)
        assignment = (
            db.session.execute(
                select(Assignment).where(Assignment.status == "assigned").order_by(Assignment.id)
            )
            .scalars()
            .first()
        )
        email, assignment_id = assignment.shopper.email, assignment.id
    page = phone.new_page()
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").tap()
    page.wait_for_url(f"{live_server}/shopper")
    page.goto(f"{live_server}/visits/{assignment_id}")
    expect(page.locator("#report-body")).to_be_enabled()
    # The first opening shows what to observe, once.
    expect(page.locator("#observe")).to_have_attribute("open", "")
    shot(page, artifacts, "phone-demo-1-first-opening")
    bar = page.locator(".report-bar").bounding_box()
    print(f"\nfirst answer (briefing open): {page_bottom(page, '#visited_on'):.0f} px down")
    # Open, it is long: one tap on the bar, always in sight, goes to the first answer.
    page.locator("#next-unanswered").tap()
    expect(page.locator("#visited_on-field")).to_be_focused()
    expect(page.locator("#visited_on")).to_be_in_viewport()
    shot(page, artifacts, "phone-demo-1b-first-answer")

    page.reload()
    expect(page.locator("#report-body")).to_be_enabled()
    expect(page.locator("#observe")).not_to_have_attribute("open", "")
    bottom = page_bottom(page, "#visited_on")
    print(f"first answer (briefing folded): {bottom:.0f} px down; bar {bar['height']:.0f} px")
    assert bottom <= 2 * SCREEN - bar["height"], "more than one screen of scrolling"
    shot(page, artifacts, "phone-demo-2-folded")

    # The bar's jump: to the first thing not done, then back to the top.
    page.locator("#next-unanswered").tap()
    expect(page.locator("#visited_on-field")).to_be_focused()
    expect(page.locator("#visited_on-field")).to_be_in_viewport()
    page.get_by_role("button", name="Fill in today's date").tap()
    page.get_by_label("Time in", exact=True).fill("10:05")
    page.get_by_label("Time out", exact=True).fill("10:40")
    page.locator("#next-unanswered").tap()
    first_question = page.locator(".form-question").first
    expect(first_question).to_be_focused()
    expect(first_question).to_be_in_viewport()
    shot(page, artifacts, "phone-demo-3-next-unanswered")
    page.locator("#to-top").tap()
    page.wait_for_function("window.scrollY === 0")
    assert missing == [], missing


def test_a_report_sent_from_offline_looks_sent_and_nothing_stays_editable(
    app: Flask, world: World, tab: Page, phone: BrowserContext, artifacts: Path
) -> None:
    page = tab
    answer_everything_but_the_photo(page, world)
    phone.set_offline(True)
    page.set_input_files('[name="a-receipt-photo"]', str(world.receipt))
    state = page.locator("#a-receipt-photos .photo-state")
    expect(state).to_have_text("Waiting to upload")
    page.locator("#send-report").tap()
    expect(page.locator("#submission-status")).to_contain_text("Waiting to send")
    # Still offline after Send: the photo waits, it is not "Uploading…".
    page.wait_for_timeout(1500)
    expect(state).to_have_text("Waiting to upload")
    expect(page.locator("#a-receipt-photos button")).to_be_disabled()
    # On its way: no faded "Send the report" left to tap.
    expect(page.locator("#send-report")).to_be_hidden()
    # Scrolled to the end, the banner's last line sits above the sticky bar.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    banner = page.locator("#submission-status").bounding_box()
    bar = page.locator(".report-bar").bounding_box()
    assert banner["y"] + banner["height"] <= bar["y"], (banner, bar)
    shot(page, artifacts, "phone-offline-waiting")

    phone.set_offline(False)
    expect(sync_status(page)).to_have_text("Sent", timeout=SEND_TIMEOUT)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    shot(page, artifacts, "phone-sent")
    # Sent: nothing left that looks as if it could be changed or sent again.
    form = page.locator("#report")
    expect(page.locator("#send-report")).to_be_hidden()
    expect(form.locator("#a-receipt-photos button")).to_be_hidden()
    for control in form.locator("button, input, textarea").all():
        if control.is_visible():
            expect(control).to_be_disabled()
    for button in form.locator(".photo-button, .with-button button").all():
        expect(button).to_be_hidden()
    expect(page.get_by_role("link", name="Back to my visits")).to_be_visible()
