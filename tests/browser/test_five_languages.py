"""One checklist, five languages (issue 14): a shopper of each language fills a visit on a phone.

Each shopper is one of the demo's people, visiting one of their own country's demo stores
on the demo's one checklist. On a 390×844 phone whose browser speaks their language they
sign in, open the visit, read the checklist in their language, fill it, lose the
connection, send (the report waits), get the connection back and see it sent; the server
then holds it. The report in each language is kept as ``tests/artifacts/report-<lang>.png``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from shopper.domain.checklist_format import localized, parse_checklist
from shopper.domain.workflow import Status
from shopper.extensions import db
from shopper.models import Assignment, Role
from shopper.services import accounts, assignments, checklists, demo, stores
from shopper.services.assignments import AssignmentInput
from tests.browser.conftest import PHONE
from tests.browser.test_field_visit import SEND_TIMEOUT
from tests.factories import jpeg
from tests.support.web import PASSWORD, make_user

DOCUMENT = json.loads((demo.DEMO_DATA / "store-service.en.json").read_text("utf-8"))
CHECKLIST = parse_checklist(DOCUMENT)
LANGUAGES = ("en", "tr", "sv", "th", "ur")
# A complete visit to the checklist, in codes: the same whatever language it is read in.
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
}
# A word in Latin letters: on the Urdu page, a piece of the interface left in English.
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@dataclass
class Shopper:
    language: str
    email: str
    store: str
    assignment: int
    base: str
    receipt: Path


@pytest.fixture(params=LANGUAGES)
def shopper(request, app: Flask, live_server: str, tmp_path: Path) -> Shopper:
    """The demo's shopper of one language with a visit to make at one of their stores."""
    language = request.param
    person = next(p for p in demo.DEMO_PEOPLE if p.role == Role.SHOPPER and p.language == language)
    store = min(code for code, email in demo.DEMO_SHOPPER_OF_STORE.items() if email == person.email)
    make_user(app, Role.COORDINATOR, "coordinator@test.example")
    make_user(app, Role.SHOPPER, person.email, name=person.name, language=language)
    with app.app_context():
        stores.import_csv((demo.DEMO_DATA / "stores.csv").read_bytes())
        checklists.import_document(DOCUMENT, None)
        today = date.today()
        [made] = assignments.create_assignments(
            [
                AssignmentInput(
                    store,
                    DOCUMENT["code"],
                    person.email,
                    (today - timedelta(days=2)).isoformat(),
                    (today + timedelta(days=9)).isoformat(),
                    demo.EXCHANGE_BRIEFING[language],
                )
            ],
            accounts.find_user("coordinator@test.example"),
        )
        assignment = made.id
    receipt = tmp_path / "receipt.jpg"
    receipt.write_bytes(jpeg(1200, 1600))
    return Shopper(language, person.email, store, assignment, live_server, receipt)


@pytest.fixture
def phone_page(browser: Browser, shopper: Shopper):
    """A 390×844 touch phone whose browser asks for the shopper's language; fails on script errors."""
    context = browser.new_context(**PHONE, locale=shopper.language)
    page = context.new_page()
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
    context.close()
    assert errors == []


def checklist_texts(page: Page) -> dict[str, list[str]]:
    """The checklist's texts as the page shows them."""
    return {
        "sections": page.locator(".form-section > h3").all_inner_texts(),
        "questions": [
            re.sub(r"^\d+\.\s*", "", text).strip()
            for text in page.locator(".form-question > legend.q-text").all_inner_texts()
        ],
        "standards": [
            text.split(":", 1)[-1].strip() if ":" in text else text.strip()
            for text in page.locator(".form-question .standard").all_text_contents()
        ],
    }


def expected_texts(language: str) -> dict[str, list[str]]:
    """The checklist's texts in ``language``: its translation, the source for English."""
    read = localized(CHECKLIST, language)
    questions = [q for _, q in read.questions()]
    return {
        "sections": [section.title for section in read.sections],
        "questions": [q.text for q in questions],
        "standards": [q.standard for q in questions if q.standard],
    }


def english_words_left(page: Page) -> list[str]:
    """Latin-script words the reader sees on the page (typed values are not in innerText)."""
    return sorted(set(LATIN_WORD.findall(page.evaluate("document.body.innerText"))))


def answer(page: Page, code: str, value: object) -> None:
    """Answer one question as a thumb would: a tap on a choice, or typing."""
    field = page.locator(f'[name="a-{code}"]')
    if field.first.get_attribute("type") == "radio":
        page.locator(f'label:has(> input[name="a-{code}"][value="{value}"])').tap()
    else:
        field.fill(str(value))


def test_a_shopper_fills_and_sends_a_visit_in_their_language_on_a_phone(
    app: Flask, shopper: Shopper, phone_page: Page, artifacts: Path
) -> None:
    page = phone_page
    language = shopper.language
    page.goto(f"{shopper.base}/sign-in")
    # Before signing in, the browser's language chooses.
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.locator("#email").fill(shopper.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").tap()
    page.wait_for_url(f"{shopper.base}/shopper")

    page.locator(".visit-link").first.tap()
    page.wait_for_url(f"{shopper.base}/visits/{shopper.assignment}")
    expect(page.locator("#report-body")).to_be_enabled()
    expect(page.locator("html")).to_have_attribute("data-offline", "ready", timeout=15_000)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ur" else "ltr")
    # The coordinator's briefing and the one checklist, read in the shopper's language.
    expect(page.locator(".briefing")).to_have_text(demo.EXCHANGE_BRIEFING[language])
    assert checklist_texts(page) == expected_texts(language)

    page.locator('[data-now="visited_on"]').tap()
    page.locator("#time_in").fill("10:05")
    page.locator("#time_out").fill("10:40")
    for code, value in ANSWERS.items():
        answer(page, code, value)
    page.locator("#a-staff-description").fill(
        {
            "en": "Tall, badge Sam",
            "tr": "Uzun boylu, yaka kartı Deniz",
            "sv": "Lång, namnbricka Lina",
            "th": "ตัวสูง ป้ายชื่อ นิด",
            "ur": "لمبا قد، بیج پر نام علی",
        }[language]
    )
    page.set_input_files('[name="a-receipt-photo"]', str(shopper.receipt))
    expect(page.locator("#a-receipt-photos li:not(.pending) img")).to_have_count(1, timeout=15_000)

    # The signal goes at the till: Send keeps the report on the phone, waiting.
    page.context.set_offline(True)
    page.locator("#send-report").tap()
    expect(page.locator("#sync-status")).to_have_attribute("data-state", "waiting")
    expect(page.locator("#submission-status")).to_have_class(re.compile(r"\bsubmission-waiting\b"))
    with app.app_context():
        assert db.session.get(Assignment, shopper.assignment).status != Status.SUBMITTED
    page.locator(".form-question").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"report-{language}.png"))
    if language == "ur":
        # Right to left, and not one word of the interface left in English.
        assert english_words_left(page) == []

    page.context.set_offline(False)
    expect(page.locator("#sync-status")).to_have_attribute(
        "data-state", "sent", timeout=SEND_TIMEOUT
    )
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.screenshot(path=str(artifacts / f"report-{language}-sent.png"))
    if language == "ur":
        assert english_words_left(page) == []
    with app.app_context():
        assignment = db.session.get(Assignment, shopper.assignment)
        assert assignment.status == Status.SUBMITTED
        assert {code: a["value"] for code, a in assignment.visit.answers.items()} == {
            **ANSWERS,
            "staff-description": assignment.visit.answers["staff-description"]["value"],
        }
