"""A shopper reports a visit on a phone, with and without a connection.

The app is served for real on a free port (SQLite and PostgreSQL) and driven
through Chromium as a 390×844 touch phone. What the server holds is checked in
the database, not only on the page: the page could claim "sent" while the
server saw nothing.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, Route, expect
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select

from shopper.domain.scoring import score_visit
from shopper.extensions import db
from shopper.i18n import format_pct
from shopper.models import Assignment, Photo, User, Visit
from shopper.services import audit, reviews
from shopper.services.checklists import parse_version
from tests.conftest import FIXTURES
from tests.factories import assign, import_checklist, jpeg, make_store
from tests.support.web import PASSWORD, make_user

SHOPPER = "ayse@test.example"
COORDINATOR = "coordinator@test.example"
CHECKLIST = json.loads((FIXTURES / "store-service.en.json").read_text("utf-8"))
PAGE_BUDGET = 100_000
# Every answer of a complete visit to the store-service checklist (the receipt is a photo).
ANSWERS = {
    "greeted": "yes",
    "courtesy": 4,
    "store-clean": "yes",
    "repeated-need": "no",
    "anticipated": "asked",
    "knowledge": 5,
    "return-policy": "yes",
    "empathy": "na",
    "wait-minutes": 4,
    "feedback-asked": "no",
    "thanked": "yes",
    "staff-description": "Tall, name badge Ali, green jacket",
}
SEND_TIMEOUT = 30_000


@dataclass
class World:
    base: str
    assignment: int
    receipt: Path


@pytest.fixture
def world(app: Flask, live_server: str, tmp_path: Path) -> World:
    """A coordinator, the shopper Ayşe, a store with an address, one assignment, a receipt photo."""
    make_user(app, "coordinator", COORDINATOR)
    make_user(app, "shopper", SHOPPER, name="Ayşe Yılmaz")
    make_store(app, name="Kadıköy Çarşı", address="Moda Cd. 42\nKadıköy", city="Istanbul")
    import_checklist(app, CHECKLIST)
    receipt = tmp_path / "receipt.jpg"
    receipt.write_bytes(jpeg(2400, 3200))
    return World(live_server, assign(app, SHOPPER, checklist=CHECKLIST["code"]), receipt)


@pytest.fixture
def tab(phone: BrowserContext) -> Iterator[Page]:
    """A phone tab; the test fails on any script error in it (failed requests aside)."""
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    assert errors == []


def shot(page: Page, artifacts: Path, name: str, whole: bool = False) -> None:
    """What the phone's screen shows now (or the whole page)."""
    page.screenshot(path=str(artifacts / f"field-{name}.png"), full_page=whole)


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email").fill(SHOPPER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").tap()
    page.wait_for_url(f"{base}/shopper")


def open_visit(page: Page, world: World) -> None:
    """From the list, tap the visit; wait until the page works and is kept for offline use."""
    page.locator(".visit-link").first.tap()
    page.wait_for_url(f"{world.base}/visits/{world.assignment}")
    expect(page.locator("#report-body")).to_be_enabled()
    expect(page.locator("html")).to_have_attribute("data-offline", "ready", timeout=15_000)


def choose(page: Page, code: str, value: object) -> None:
    page.locator(f'label:has(> input[name="a-{code}"][value="{value}"])').tap()


def answer(page: Page, code: str, value: object) -> None:
    """Answer one question as a thumb would."""
    field = page.locator(f'[name="a-{code}"]')
    kind = field.first.get_attribute("type")
    if kind == "radio":
        choose(page, code, value)
    else:
        field.fill(str(value))


def fill_times(page: Page) -> None:
    page.get_by_role("button", name="Fill in today's date").tap()
    page.get_by_label("Time in", exact=True).fill("10:05")
    page.get_by_label("Time out", exact=True).fill("10:40")


def expect_photo_sent(page: Page) -> None:
    """The receipt shows as uploaded: on the server, no longer waiting on the phone."""
    expect(page.locator("#a-receipt-photos li:not(.pending) img")).to_have_count(1, timeout=15_000)
    expect(page.locator("#a-receipt-photos .pending")).to_have_count(0)


def sync_status(page: Page):
    return page.locator("#sync-status")


def stored(app: Flask, assignment_id: int) -> dict:
    """What the server holds for the assignment: visits, photos, status, submission events."""
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        visits = list(
            db.session.execute(select(Visit).where(Visit.assignment_id == assignment_id)).scalars()
        )
        photos = list(db.session.execute(select(Photo.question_code)).scalars())
        return {
            "status": assignment.status,
            "visits": len(visits),
            "answers": {c: a["value"] for c, a in visits[0].answers.items()} if visits else {},
            "comments": {c: a["comment"] for c, a in visits[0].answers.items() if a["comment"]}
            if visits
            else {},
            "client_id": visits[0].client_id if visits else None,
            "photos": photos,
            "submitted": [e.action for e in audit.trail(assignment)].count("submitted"),
        }


def answer_everything_but_the_photo(page: Page, world: World) -> None:
    """Ayşe signs in, opens the visit and answers every question; the server has the draft."""
    sign_in(page, world.base)
    open_visit(page, world)
    fill_times(page)
    for code, value in ANSWERS.items():
        answer(page, code, value)
    expect(sync_status(page)).to_have_text("Saved", timeout=10_000)


def test_shopper_fills_and_sends_a_complete_visit_with_a_photo(
    app: Flask, world: World, tab: Page, phone: BrowserContext, artifacts: Path
) -> None:
    page = tab
    sign_in(page, world.base)
    expect(page.locator(".visit-item")).to_have_count(1)
    expect(page.locator(".visit-item")).to_contain_text("Kadıköy Çarşı")
    expect(page.locator(".visit-item .maps-link")).to_have_attribute(
        "href", "https://maps.google.com/?q=Moda+Cd.+42%2C+Kad%C4%B1k%C3%B6y%2C+Istanbul"
    )
    shot(page, artifacts, "1-list")

    # The first load of the report page, in full: HTML, CSS and JS as they come over the
    # wire (compressed, as a phone asks for them), against the budget; unpacked beside.
    loaded: list[str] = []
    page.on(
        "request",
        lambda r: (
            loaded.append(r.url)
            if r.resource_type in ("document", "stylesheet", "script")
            else None
        ),
    )
    open_visit(page, world)
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in phone.cookies())
    sent: dict[str, tuple[int, str | None]] = {}
    for url in dict.fromkeys(loaded):
        asked = urllib.request.Request(
            url, headers={"Accept-Encoding": "br, gzip", "Cookie": cookie}
        )
        with urllib.request.urlopen(asked) as reply:
            sent[url] = (len(reply.read()), reply.headers.get("Content-Encoding"))
    unpacked = {url: len(phone.request.get(url).body()) for url in sent}
    total = sum(size for size, _ in sent.values())
    print(f"\nreport page first load: {total} bytes sent, {sum(unpacked.values())} unpacked")
    for url, (size, encoding) in sent.items():
        print(f"  {size:>7} {unpacked[url]:>7} {encoding}  {url.removeprefix(world.base)}")
    assert {encoding for _, encoding in sent.values()} == {"br"}
    assert total < PAGE_BUDGET

    # Before going in: the briefing, the address for the maps app, what to observe.
    expect(page.locator(".briefing")).to_have_text("Ask about returning a gift without a receipt.")
    expect(page.locator("#observe")).to_contain_text(
        CHECKLIST["sections"][0]["questions"][0]["guidance"]
    )
    shot(page, artifacts, "2-briefing")

    fill_times(page)
    for code, value in ANSWERS.items():
        answer(page, code, value)
    page.locator("#a-greeted-card summary", has_text="Add a comment").tap()
    page.get_by_label("Comment on: Were you greeted").fill("Greeted by Ali at the door")
    page.set_input_files('[name="a-receipt-photo"]', str(world.receipt))
    expect(page.locator("#a-receipt-photos img")).to_have_count(1)
    expect(page.locator("#progress-text")).to_have_text(
        "16 of 16 answered · Everything required is answered"
    )
    # The photo was shrunk on the phone before it went: 1600 px on its longest side.
    expect_photo_sent(page)
    with app.app_context():
        photo = db.session.execute(select(Photo)).scalar_one()
        assert (photo.width, photo.height) == (1200, 1600)
    shot(page, artifacts, "3-filled")

    page.locator("#send-report").tap()
    expect(sync_status(page)).to_have_text("Sent", timeout=SEND_TIMEOUT)
    expect(page.locator("#submission-status")).to_have_text(
        "Sent. Your report is waiting for review."
    )
    shot(page, artifacts, "4-sent")

    held = stored(app, world.assignment)
    assert held["status"] == "submitted"
    assert held["visits"] == 1 and held["submitted"] == 1
    assert held["answers"] == ANSWERS
    assert held["comments"] == {"greeted": "Greeted by Ali at the door"}
    assert held["photos"] == ["receipt"]
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment)
        visit = assignment.visit
        expected = score_visit(parse_version(assignment.version), ANSWERS)
        assert visit.overall == expected.overall
        assert visit.earned == expected.earned and visit.possible == expected.possible
        assert visit.critical_failure is expected.critical_failure is False
        assert {s.section_code: s.score for s in visit.section_scores} == {
            code: s.score for code, s in expected.sections.items()
        }
        coordinator = db.session.execute(select(User).where(User.email == COORDINATOR)).scalar_one()
        reviews.approve(visit, coordinator, "Clear and complete, thank you.")
        with app.test_request_context():
            overall = format_pct(expected.overall)

    # Approved: read-only, with the scores.
    page.goto(f"{world.base}/visits/{world.assignment}")
    expect(page.locator(".overall strong")).to_have_text(overall)
    expect(page.locator("#report")).to_have_count(0)
    expect(page.locator(".report-section").first).to_contain_text("Welcome")
    shot(page, artifacts, "5-approved", whole=True)


def test_shopper_loses_the_connection_and_the_report_is_sent_once_when_it_returns(
    app: Flask, world: World, tab: Page, phone: BrowserContext, artifacts: Path
) -> None:
    page = tab
    sign_in(page, world.base)
    open_visit(page, world)
    fill_times(page)
    answer(page, "greeted", "yes")
    answer(page, "courtesy", 4)
    expect(sync_status(page)).to_have_text("Saved", timeout=10_000)
    assert stored(app, world.assignment)["answers"] == {"greeted": "yes", "courtesy": 4}

    # The signal goes in the middle of the store.
    phone.set_offline(True)
    answer(page, "store-clean", "no")
    answer(page, "repeated-need", "no")
    page.locator("#a-store-clean-card summary", has_text="Add a comment").tap()
    page.get_by_label("Comment on: Was the sales floor").fill("Boxes in the aisle")
    expect(sync_status(page)).to_contain_text("No connection", timeout=10_000)
    shot(page, artifacts, "offline-1-filling")

    # The phone reloads the page (or the browser was killed): the worker serves it, the draft is there.
    page.reload()
    expect(page.locator("#report-body")).to_be_enabled()
    expect(page.locator('[name="a-store-clean"][value="no"]')).to_be_checked()
    expect(page.locator('[name="a-repeated-need"][value="no"]')).to_be_checked()
    expect(page.locator('[name="a-courtesy"][value="4"]')).to_be_checked()
    expect(page.locator("#a-store-clean-comment")).to_have_value("Boxes in the aisle")
    expect(page.locator("#time_out")).to_have_value("10:40")

    # Typed and reloaded at once, before any pause: every keystroke is kept.
    comment = page.locator("#a-store-clean-comment")
    if not comment.is_visible():
        page.locator("#a-store-clean-card summary", has_text="Add a comment").tap()
    comment.press_sequentially(", twice")
    page.reload()
    expect(page.locator("#report-body")).to_be_enabled()
    expect(page.locator("#a-store-clean-comment")).to_have_value("Boxes in the aisle, twice")

    for code, value in ANSWERS.items():
        if code not in ("greeted", "courtesy", "store-clean", "repeated-need"):
            answer(page, code, value)
    page.set_input_files('[name="a-receipt-photo"]', str(world.receipt))
    expect(page.locator("#a-receipt-photos .photo-state")).to_have_text("Waiting to upload")
    page.locator("#send-report").tap()
    expect(sync_status(page)).to_have_text("Waiting to send")
    expect(page.locator("#submission-status")).to_contain_text("Waiting to send")
    shot(page, artifacts, "offline-2-waiting")

    # Nothing reached the server meanwhile: still the draft of before the cut.
    held = stored(app, world.assignment)
    assert held["status"] == "draft" and held["submitted"] == 0 and held["photos"] == []
    assert held["answers"] == {"greeted": "yes", "courtesy": 4}

    # Closed and opened again, still offline: the submission is still waiting.
    page.reload()
    expect(sync_status(page)).to_have_text("Waiting to send")
    expect(page.locator('[name="a-greeted"]').first).to_be_disabled()
    expect(page.locator("#send-report")).to_be_disabled()

    phone.set_offline(False)
    expect(sync_status(page)).to_have_text("Sent", timeout=SEND_TIMEOUT)
    shot(page, artifacts, "offline-3-sent")

    held = stored(app, world.assignment)
    assert held["status"] == "submitted"
    assert held["visits"] == 1 and held["submitted"] == 1
    assert held["answers"] == {**ANSWERS, "store-clean": "no"}
    assert held["comments"] == {"store-clean": "Boxes in the aisle, twice"}
    assert held["photos"] == ["receipt"]


def test_a_double_tap_and_a_retried_request_make_one_report(
    app: Flask, world: World, tab: Page, phone: BrowserContext, artifacts: Path
) -> None:
    page = tab
    answer_everything_but_the_photo(page, world)

    # The photo reaches the server but its answer is lost: the retry finds it there.
    # Requests are watched on the whole phone: the retry may come from the page or its worker.
    uploads: list[str] = []
    phone.on("request", lambda r: uploads.append(r.method) if r.url.endswith("/photos") else None)

    def lose_the_photo_answer(route: Route) -> None:
        route.fetch()
        route.abort("connectionreset")
        phone.unroute("**/photos", lose_the_photo_answer)

    phone.route("**/photos", lose_the_photo_answer)
    page.set_input_files('[name="a-receipt-photo"]', str(world.receipt))
    expect_photo_sent(page)
    assert uploads == ["POST"]
    assert stored(app, world.assignment)["photos"] == ["receipt"]

    sent: list[dict] = []
    phone.on(
        "request",
        lambda r: sent.append(r.post_data_json) if r.url.endswith("/visit/submit") else None,
    )
    answered = {"first": False}

    def lose_the_first_answer(route: Route) -> None:
        # The server receives and stores the submission; the phone never hears back.
        if not answered["first"]:
            answered["first"] = True
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()

    phone.route("**/visit/submit", lose_the_first_answer)
    page.locator("#send-report").dblclick()
    expect(sync_status(page)).to_have_text("Sent", timeout=SEND_TIMEOUT)
    shot(page, artifacts, "double-tap-sent")

    # One request for the double tap, one retry after the lost answer: the same client_id.
    assert len(sent) == 2
    assert sent[0] == sent[1]
    client_id = sent[0]["client_id"]
    held = stored(app, world.assignment)
    assert held["visits"] == 1 and held["submitted"] == 1
    assert held["client_id"] == client_id

    # A third try of the very same request changes nothing either.
    again = page.evaluate(
        """async (body) => {
            const token = document.querySelector('meta[name="csrf-token"]').content;
            const response = await fetch(location.pathname.replace(/^\\/visits\\/(\\d+)$/,
                '/api/v1/assignments/$1/visit/submit'), {
              method: "POST", body: JSON.stringify(body),
              headers: {"Content-Type": "application/json", "X-CSRFToken": token}});
            return {status: response.status, visit: await response.json()};
        }""",
        sent[0],
    )
    assert again["status"] == 200
    assert again["visit"]["client_id"] == client_id
    assert stored(app, world.assignment)["submitted"] == 1


def test_a_missing_required_photo_blocks_sending_and_is_shown(
    app: Flask, world: World, tab: Page, artifacts: Path
) -> None:
    page = tab
    sign_in(page, world.base)
    open_visit(page, world)
    fill_times(page)
    for code, value in ANSWERS.items():
        answer(page, code, value)
    expect(page.locator("#progress-text")).to_have_text("15 of 16 answered · Still required: 1")
    submits: list[str] = []
    page.on("request", lambda r: submits.append(r.url) if r.url.endswith("/submit") else None)

    page.locator("#send-report").tap()
    problems = page.locator("#problems li")
    expect(problems).to_have_text(["Photo of the receipt: a photo is required"])
    card = page.locator("#a-receipt-card")
    expect(card).to_be_in_viewport()
    expect(card).to_be_focused()
    expect(card).to_have_class("question form-question invalid")
    expect(page.locator("#a-receipt-error")).to_have_text("a photo is required")
    expect(page.locator("#send-report")).to_be_enabled()
    shot(page, artifacts, "missing-photo")
    assert submits == []
    assert stored(app, world.assignment)["status"] in ("assigned", "draft")

    # The server's own refusal (here: a rule the phone could not know) is listed the same way.
    page.set_input_files('[name="a-receipt-photo"]', str(world.receipt))
    expect_photo_sent(page)
    # Answered for the whole phone: the page or its service worker may be the one sending.
    page.context.route(
        "**/visit/submit",
        lambda route: route.fulfill(
            status=422,
            json={
                "error": {
                    "code": "invalid",
                    "message": "The report has 1 problem to fix.",
                    "fields": {"answers.thanked": "an answer is required"},
                }
            },
        ),
    )
    page.locator("#send-report").tap()
    expect(problems).to_have_text(["Were you thanked when leaving?: an answer is required"])
    expect(page.locator("#a-thanked-card")).to_be_in_viewport()
    expect(page.locator("#report-body")).to_be_enabled()
    expect(sync_status(page)).to_have_text("Not sent: fix the items listed below, then send again.")
    shot(page, artifacts, "server-refused")
    assert stored(app, world.assignment)["submitted"] == 0


def test_the_list_and_an_opened_visit_open_without_a_connection(
    app: Flask, world: World, tab: Page, phone: BrowserContext, artifacts: Path
) -> None:
    page = tab
    sign_in(page, world.base)
    expect(page.locator("html")).to_have_attribute("data-offline", "ready", timeout=15_000)
    open_visit(page, world)

    phone.set_offline(True)
    page.goto(f"{world.base}/shopper")
    expect(page.get_by_role("heading", name="My visits")).to_be_visible()
    expect(page.locator(".visit-item")).to_contain_text("Kadıköy Çarşı")
    shot(page, artifacts, "offline-list")

    page.locator(".visit-link").first.tap()
    page.wait_for_url(f"{world.base}/visits/{world.assignment}")
    expect(page.locator("h1")).to_have_text("Kadıköy Çarşı")
    expect(page.locator(".briefing")).to_have_text("Ask about returning a gift without a receipt.")
    expect(page.locator("#report-body")).to_be_enabled()
    expect(page.locator("#a-greeted-card legend")).to_contain_text(
        "Were you greeted within 30 seconds of entering?"
    )
    answer(page, "greeted", "yes")
    expect(sync_status(page)).to_contain_text("No connection")
    shot(page, artifacts, "offline-visit")

    # Signing out empties the phone's copy of the pages: the next person sees nothing of them.
    phone.set_offline(False)
    expect(sync_status(page)).to_have_text("Saved", timeout=SEND_TIMEOUT)
    page.get_by_role("button", name="Sign out").tap()
    page.wait_for_url(f"{world.base}/sign-in")
    phone.set_offline(True)
    with pytest.raises(PlaywrightError):
        page.goto(f"{world.base}/shopper")


def queue_a_report_offline(page: Page, phone: BrowserContext, world: World) -> None:
    """Ayşe signs in, fills the whole report and sends it with no connection: it waits on the phone."""
    answer_everything_but_the_photo(page, world)
    phone.set_offline(True)
    page.set_input_files('[name="a-receipt-photo"]', str(world.receipt))
    expect(page.locator("#a-receipt-photos .photo-state")).to_have_text("Waiting to upload")
    page.locator("#send-report").tap()
    expect(sync_status(page)).to_have_text("Waiting to send")


def show(locator) -> None:
    """Scroll the element to the middle of the screen, clear of the bar at the bottom."""
    locator.evaluate("(e) => e.scrollIntoView({block: 'center'})")


def sync_tags(page: Page) -> list[str]:
    """The Background Sync tags the page's service worker registration holds."""
    return page.evaluate("navigator.serviceWorker.ready.then((r) => r.sync.getTags())")


def wait_for(check, page: Page, timeout: float = 30) -> None:
    """Poll ``check()`` until it is true; Playwright delivers events meanwhile (through ``page``)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(200)


def assert_sent_once(app: Flask, world: World) -> None:
    """The server holds the whole report once, with its one photo, submitted once."""
    held = stored(app, world.assignment)
    assert held["status"] == "submitted"
    assert held["visits"] == 1 and held["submitted"] == 1
    assert held["answers"] == ANSWERS and held["photos"] == ["receipt"]


def background_sync(phone: BrowserContext, base: str) -> Callable[[], None]:
    """A way to wake the app's service worker with its sync event, as the browser does once
    the connection returns, through DevTools in a blank tab of the phone."""
    devtools_tab = phone.new_page()
    devtools = phone.new_cdp_session(devtools_tab)
    registrations: dict[str, str] = {}
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.update(
            {r["scopeURL"]: r["registrationId"] for r in event["registrations"]}
        ),
    )
    devtools.send("ServiceWorker.enable")
    wait_for(lambda: f"{base}/" in registrations, devtools_tab, timeout=10)

    def dispatch() -> None:
        devtools.send(
            "ServiceWorker.dispatchSyncEvent",
            {
                "origin": base,
                "registrationId": registrations[f"{base}/"],
                "tag": "shopper-send",
                "lastChance": False,
            },
        )

    return dispatch


def test_a_queued_report_is_sent_by_the_service_worker_with_no_page_open(
    app: Flask, world: World, tab: Page, phone: BrowserContext, artifacts: Path
) -> None:
    page = tab
    queue_a_report_offline(page, phone, world)
    # This browser has Background Sync: the phone may really be put away.
    expect(page.locator("#submission-status")).to_have_text(
        "Waiting to send: your report is kept on this phone and goes out by itself when "
        "the connection returns. You may close this page."
    )
    assert sync_tags(page) == ["shopper-send"]
    show(page.locator("#submission-status"))
    shot(page, artifacts, "background-1-waiting")
    held = stored(app, world.assignment)
    assert held["submitted"] == 0 and held["photos"] == []

    # The shopper puts the phone away: no page of the app is open (DevTools sits in a blank tab).
    dispatch_sync = background_sync(phone, world.base)
    page.close()
    (blank,) = phone.pages
    assert blank.url == "about:blank"

    phone.set_offline(False)
    dispatch_sync()
    wait_for(lambda: stored(app, world.assignment)["status"] == "submitted", blank)
    # A second wake-up (the browser retries, or two events cross) sends nothing again.
    dispatch_sync()
    blank.wait_for_timeout(2000)
    assert_sent_once(app, world)

    # Opened again, the page knows it went and sends nothing more.
    page = phone.new_page()
    page.goto(f"{world.base}/visits/{world.assignment}")
    expect(page.locator(".flash-success")).to_have_text("Sent. Your report is waiting for review.")
    queue = page.evaluate(
        """() => Promise.all([ShopperField.sender.pending(), ShopperField.store.all("photos")])"""
    )
    assert queue == [[], []]
    shot(page, artifacts, "background-2-sent")
    assert_sent_once(app, world)


def test_without_background_sync_the_page_asks_to_be_kept_open(
    app: Flask, world: World, tab: Page, phone: BrowserContext, artifacts: Path
) -> None:
    page = tab
    # As in Safari and Firefox: no SyncManager.
    page.add_init_script("delete window.SyncManager;")
    queue_a_report_offline(page, phone, world)
    keep_open = (
        "Waiting to send: your report is kept on this phone. Keep this page open until it "
        "is sent; if you close it, it is sent the next time you open the app."
    )
    status = page.locator("#submission-status")
    expect(status).to_have_text(keep_open)
    expect(status).not_to_contain_text("You may close this page")
    assert sync_tags(page) == []
    show(status)
    shot(page, artifacts, "no-background-sync-waiting")

    # Opened again without a connection: the same truth.
    page.reload()
    expect(sync_status(page)).to_have_text("Waiting to send")
    expect(status).to_have_text(keep_open)

    # The open page sends it as soon as the connection returns.
    phone.set_offline(False)
    expect(sync_status(page)).to_have_text("Sent", timeout=SEND_TIMEOUT)
    assert_sent_once(app, world)


def test_the_page_and_its_worker_sending_at_once_make_one_report(
    app: Flask, world: World, tab: Page, phone: BrowserContext
) -> None:
    page = tab
    queue_a_report_offline(page, phone, world)
    dispatch_sync = background_sync(phone, world.base)
    uploads: list[str] = []
    phone.on("request", lambda r: uploads.append(r.method) if r.url.endswith("/photos") else None)

    # The connection returns: the open page ("online") and the woken worker both go for it.
    phone.set_offline(False)
    dispatch_sync()
    expect(sync_status(page)).to_have_text("Sent", timeout=SEND_TIMEOUT)
    page.wait_for_timeout(2000)
    assert uploads == ["POST"]
    assert_sent_once(app, world)
