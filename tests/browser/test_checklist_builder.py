"""A coordinator builds a checklist in the browser, publishes it, edits it, publishes again.

The app is served for real on a free port (SQLite and PostgreSQL) and driven
through Chromium on a laptop-sized screen; the builder saves as they type.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page, expect

from tests.support.web import PASSWORD, make_user

EMAIL = "coordinator@test.example"
QUESTION_DEFAULTS = {"guidance": "", "standard": "", "required": True, "allow_na": False}


@pytest.fixture
def tab(laptop) -> Iterator[Page]:
    """A laptop-sized tab; the test fails on any uncaught script error in it."""
    page = laptop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == []


def screenshot(page: Page, path: Path, whole: bool = True) -> None:
    """The whole page from its top, or what the screen shows now."""
    if whole:
        page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=whole)


def sign_in(page: Page, base: str, email: str) -> None:
    """Sign in through the page, as the coordinator would."""
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/coordinator")


def create_checklist(page: Page, base: str, code: str, title: str, description: str = "") -> None:
    """Fill the new-checklist page; it hands over to the builder."""
    page.goto(f"{base}/checklists/new")
    page.get_by_label("Code").fill(code)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Language of the questions").select_option(label="English")
    page.get_by_label("Description").fill(description)
    page.get_by_role("button", name="Create checklist").click()
    page.wait_for_url(f"{base}/checklists/{code}/draft")


def field(page: Page, path: str) -> Locator:
    """The builder's input for one key of the document."""
    return page.locator(f'#builder-root [data-path="{path}"]')


def expect_saved(page: Page) -> None:
    """Wait until the status line says every change is on the server."""
    expect(page.locator("#builder-status")).to_have_text("All changes saved", timeout=10_000)


def add_question(page: Page, section: int) -> None:
    page.locator(f'[data-path="sections[{section}]"]').get_by_role(
        "button", name="Add question"
    ).click()


def preview_total(page: Page) -> list[str]:
    """The numbers in the preview's total line, whatever its wording."""
    total = page.locator("#builder-preview .preview-total")
    expect(total).to_be_visible()
    return re.findall(r"\d+(?:[.,]\d+)?", total.inner_text())


def problems(page: Page) -> Locator:
    return page.locator("#builder-problems-list li")


def publish(page: Page, base: str, code: str, number: int) -> None:
    asked: list[str] = []

    def accept(dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(f"{base}/checklists/{code}")
    expect(page.locator(".flash-success")).to_have_text(f"Version {number} is published.")
    assert asked == [
        "Publish this version? New assignments will use it, and it cannot be changed"
        " afterwards (changes make a new version)."
    ]


def export(page: Page, base: str, code: str, number: int) -> dict:
    response = page.request.get(f"{base}/checklists/{code}/versions/{number}/export")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def test_coordinator_builds_publishes_and_edits_a_checklist(
    live_server: str, tab: Page, app: Flask, artifacts
) -> None:
    base, page = live_server, tab
    make_user(app, "coordinator", EMAIL)
    sign_in(page, base, EMAIL)
    create_checklist(page, base, "quick-check", "Quick check", "From the door to the till.")

    # A new checklist: one untitled section and no questions yet.
    expect(field(page, "code")).to_have_value("quick-check")
    expect(field(page, "code")).to_have_attribute("readonly", "")
    expect(field(page, "title")).to_have_value("Quick check")
    # Nothing typed yet: no problem is shown, only how many are left.
    expect(problems(page)).to_have_count(0)
    expect(page.locator("#builder-problems-pending")).to_have_text(
        "Still to finish before publishing: 2. Each shows beside its field as you fill in"
        " the checklist."
    )
    expect(page.locator(".b-problem")).to_have_count(0)
    expect(page.locator("#builder-preview .preview-title")).to_have_text("Quick check")
    # On a laptop the phone-sized preview sits beside the editor.
    editor = page.locator(".builder-editor").bounding_box()
    phone = page.locator("#builder-preview").bounding_box()
    assert phone["x"] >= editor["x"] + editor["width"]
    assert 360 <= phone["width"] <= 400
    screenshot(page, artifacts / "builder-empty.png")

    field(page, "sections[0].title").fill("Welcome")

    add_question(page, 0)
    greeted = "sections[0].questions[0]"
    expect(field(page, f"{greeted}.text")).to_be_focused()
    expect(field(page, f"{greeted}.code")).to_have_value("question-1")
    expect(field(page, f"{greeted}.type")).to_have_value("yes_no")
    field(page, f"{greeted}.text").fill("Were you greeted within 30 seconds?")
    field(page, f"{greeted}.points").fill("10")
    field(page, f"{greeted}.critical").check()

    add_question(page, 0)
    courtesy = "sections[0].questions[1]"
    field(page, f"{courtesy}.type").select_option("scale")
    expect(field(page, f"{courtesy}.critical")).to_have_count(0)
    field(page, f"{courtesy}.text").fill("How courteous was the staff?")
    field(page, f"{courtesy}.min").fill("1")
    field(page, f"{courtesy}.max").fill("5")
    field(page, f"{courtesy}.points").fill("5")

    add_question(page, 0)
    offer = "sections[0].questions[2]"
    field(page, f"{offer}.type").select_option("choice")
    expect(field(page, f"{offer}.points")).to_have_count(0)
    expect(field(page, f"{offer}.options[1].code")).to_have_value("option-2")
    page.locator(f'[data-path="{offer}"]').get_by_role("button", name="Add option").click()
    expect(field(page, f"{offer}.options[2].label")).to_be_focused()
    field(page, f"{offer}.text").fill("What did the staff offer?")
    for k, (label, points) in enumerate(
        [("Help and a product", "5"), ("Help only", "2"), ("Nothing", "0")]
    ):
        field(page, f"{offer}.options[{k}].label").fill(label)
        field(page, f"{offer}.options[{k}].points").fill(points)

    expect_saved(page)
    expect(problems(page)).to_have_count(0)
    expect(page.locator("#builder-problems-none")).to_be_visible()
    expect(page.locator("#builder-total")).to_have_text("Maximum 20 points in total")
    preview = page.locator("#builder-preview")
    for text in [
        "Welcome",
        "Were you greeted within 30 seconds?",
        "How courteous was the staff?",
        "What did the staff offer?",
        "Help and a product",
        "Help only",
        "Nothing",
    ]:
        expect(preview).to_contain_text(text)
    expect(preview.locator(".badge-critical")).to_have_count(1)
    assert preview_total(page) == ["20"]
    screenshot(page, artifacts / "builder-filled.png")

    publish(page, base, "quick-check", 1)

    # Editing makes draft version 2; version 1 stays as it was.
    page.get_by_role("button", name="Edit").click()
    page.wait_for_url(f"{base}/checklists/quick-check/draft")
    expect(page.get_by_text("Draft version 2")).to_be_visible()
    expect(field(page, f"{greeted}.text")).to_have_value("Were you greeted within 30 seconds?")
    field(page, f"{greeted}.text").fill("Were you greeted within 10 seconds?")
    field(page, f"{greeted}.points").fill("15")
    expect_saved(page)
    expect(preview).to_contain_text("Were you greeted within 10 seconds?")
    assert preview_total(page) == ["25"]
    screenshot(page, artifacts / "builder-v2.png")

    # Publishing straight after typing sends the pending change first.
    field(page, "description").fill("From the door to the till, and back.")
    expect(page.locator("#builder-status")).to_have_text("Saving…")
    publish(page, base, "quick-check", 2)

    version_1 = {
        "format": "shopper-checklist/1",
        "code": "quick-check",
        "title": "Quick check",
        "language": "en",
        "description": "From the door to the till.",
        "critical_zeroes_score": True,
        "sections": [
            {
                "code": "section-1",
                "title": "Welcome",
                "questions": [
                    {
                        "code": "question-1",
                        "type": "yes_no",
                        "text": "Were you greeted within 30 seconds?",
                        **QUESTION_DEFAULTS,
                        "points": 10,
                        "good_answer": "yes",
                        "critical": True,
                        "photo": "none",
                    },
                    {
                        "code": "question-2",
                        "type": "scale",
                        "text": "How courteous was the staff?",
                        **QUESTION_DEFAULTS,
                        "min": 1,
                        "max": 5,
                        "points": 5,
                        "critical": False,
                        "photo": "none",
                    },
                    {
                        "code": "question-3",
                        "type": "choice",
                        "text": "What did the staff offer?",
                        **QUESTION_DEFAULTS,
                        "options": [
                            {"code": "option-1", "label": "Help and a product", "points": 5},
                            {"code": "option-2", "label": "Help only", "points": 2},
                            {"code": "option-3", "label": "Nothing", "points": 0},
                        ],
                        "critical": False,
                        "photo": "none",
                    },
                ],
            }
        ],
        # formats.md: a document without translations exports an empty object.
        "translations": {},
    }
    assert export(page, base, "quick-check", 1) == version_1
    version_2 = copy.deepcopy(version_1)
    version_2["description"] = "From the door to the till, and back."
    version_2["sections"][0]["questions"][0].update(
        text="Were you greeted within 10 seconds?", points=15
    )
    assert export(page, base, "quick-check", 2) == version_2


def test_a_problem_points_at_its_input_and_publishing_is_refused(
    live_server: str, tab: Page, app: Flask, artifacts
) -> None:
    base, page = live_server, tab
    make_user(app, "coordinator", EMAIL)
    sign_in(page, base, EMAIL)
    create_checklist(page, base, "scale-check", "Scale check")

    field(page, "sections[0].title").fill("Courtesy")
    add_question(page, 0)
    question = "sections[0].questions[0]"
    field(page, f"{question}.type").select_option("scale")
    field(page, f"{question}.text").fill("How courteous was the staff?")
    field(page, f"{question}.points").fill("5")
    field(page, f"{question}.min").fill("5")
    field(page, f"{question}.max").fill("3")
    expect_saved(page)

    message = "Section 1 › Question 1 › Highest value: must be greater than the lowest value (5)"
    expect(problems(page)).to_have_text([message])
    maximum = field(page, f"{question}.max")
    expect(maximum).to_have_attribute("aria-invalid", "true")
    expect(field(page, f"{question}.min")).not_to_have_attribute("aria-invalid", "true")
    field(page, "title").focus()
    page.get_by_role("button", name=message).click()
    expect(maximum).to_be_focused()
    screenshot(page, artifacts / "builder-problems.png", whole=False)

    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(f"{base}/checklists/scale-check/draft/publish")
    expect(page.locator(".flash-error")).to_have_text(
        "Not published: fix the problems listed first."
    )
    expect(problems(page)).to_have_text([message])
    expect(field(page, f"{question}.max")).to_have_attribute("aria-invalid", "true")
    assert page.request.get(f"{base}/api/v1/checklists/scale-check").status == 404

    # Fixing the input clears the problem.
    field(page, f"{question}.max").fill("7")
    expect_saved(page)
    expect(problems(page)).to_have_count(0)
    expect(field(page, f"{question}.max")).not_to_have_attribute("aria-invalid", "true")


def test_changing_a_question_type_drops_what_no_longer_applies(
    live_server: str, tab: Page, app: Flask
) -> None:
    base, page = live_server, tab
    make_user(app, "coordinator", EMAIL)
    sign_in(page, base, EMAIL)
    create_checklist(page, base, "type-check", "Type check")
    field(page, "sections[0].title").fill("Till")
    add_question(page, 0)
    question = "sections[0].questions[0]"
    field(page, f"{question}.text").fill("Was the till clean?")
    field(page, f"{question}.points").fill("4")
    field(page, f"{question}.critical").check()
    field(page, f"{question}.type").select_option("scale")
    expect(field(page, f"{question}.type")).to_be_focused()
    field(page, f"{question}.type").select_option("choice")
    expect_saved(page)

    draft = export(page, base, "type-check", 1)
    assert draft["sections"][0]["questions"] == [
        {
            "code": "question-1",
            "type": "choice",
            "text": "Was the till clean?",
            "options": [
                {"code": "option-1", "label": "", "points": 0},
                {"code": "option-2", "label": "", "points": 0},
            ],
        }
    ]
    expect(problems(page)).to_have_text(
        [
            "Section 1 › Question 1 › Option 1 › Label: must not be empty",
            "Section 1 › Question 1 › Option 2 › Label: must not be empty",
        ]
    )

    # Sections and questions move with the keyboard; the focus follows.
    page.locator("#builder-root").get_by_role("button", name="Add section").click()
    expect(field(page, "sections[1].title")).to_be_focused()
    page.keyboard.type("Door")
    move_down = page.get_by_role("button", name="Move question 1 down")
    move_down.focus()
    page.keyboard.press("Enter")
    expect(field(page, "sections[1].questions[0].text")).to_have_value("Was the till clean?")
    expect(page.get_by_role("button", name="Move question 1 up")).to_be_focused()
    page.get_by_role("button", name="Move section 2 up").click()
    expect(field(page, "sections[0].title")).to_have_value("Door")
    expect_saved(page)
    draft = export(page, base, "type-check", 1)
    assert [
        (s["code"], s["title"], [q["code"] for q in s["questions"]]) for s in draft["sections"]
    ] == [
        ("section-2", "Door", ["question-1"]),
        ("section-1", "Till", []),
    ]


def test_a_lost_connection_is_retried_and_the_changes_are_kept(
    live_server: str, laptop, tab: Page, app: Flask
) -> None:
    base, page = live_server, tab
    make_user(app, "coordinator", EMAIL)
    sign_in(page, base, EMAIL)
    create_checklist(page, base, "offline-check", "Offline check")

    laptop.set_offline(True)
    field(page, "sections[0].title").fill("Written offline")
    expect(page.locator("#builder-status")).to_have_text("Not saved — retrying", timeout=10_000)
    kept = page.evaluate("localStorage.getItem('shopper-builder:offline-check:1')")
    assert '"Written offline"' in kept
    laptop.set_offline(False)
    expect_saved(page)
    assert page.evaluate("localStorage.getItem('shopper-builder:offline-check:1')") is None
    draft = export(page, base, "offline-check", 1)
    assert draft["sections"][0]["title"] == "Written offline"


def test_a_translation_is_written_beside_its_source_and_saved_with_the_draft(
    live_server: str, tab: Page, app: Flask, artifacts
) -> None:
    base, page = live_server, tab
    make_user(app, "coordinator", EMAIL)
    sign_in(page, base, EMAIL)
    create_checklist(page, base, "two-tongues", "Store visit", "From the door to the till.")
    field(page, "sections[0].title").fill("Welcome")
    add_question(page, 0)
    question = "sections[0].questions[0]"
    field(page, f"{question}.text").fill("Were you greeted?")
    field(page, f"{question}.points").fill("10")
    expect_saved(page)

    picker = page.get_by_label("Translate into")
    # Title, description, section title and question text: four texts to translate.
    expect(picker.locator("option")).to_have_text(
        [
            "Choose a language",
            "Türkçe: 4 texts missing",
            "Svenska: 4 texts missing",
            "ไทย: 4 texts missing",
            "اردو: 4 texts missing",
        ]
    )
    picker.select_option("tr")
    rows = page.locator("#builder-translation-rows .b-translation")
    expect(rows).to_have_count(4)
    expect(rows.nth(3)).to_contain_text("Source: Were you greeted?")
    page.get_by_label("Checklist title", exact=True).fill("Mağaza ziyareti")
    page.get_by_label("Section 1 › Question 1 › Question").fill("Karşılandınız mı?")
    expect(picker.locator("option:checked")).to_have_text("Türkçe: 2 texts missing")
    expect_saved(page)
    screenshot(page, artifacts / "builder-translation-tr.png")

    draft = export(page, base, "two-tongues", 1)
    assert draft["translations"] == {
        "tr": {
            "title": "Mağaza ziyareti",
            "questions": {"question-1": {"text": "Karşılandınız mı?"}},
        }
    }
    # Emptied again: the key goes, and readers get the source text.
    page.get_by_label("Checklist title", exact=True).fill("")
    expect_saved(page)
    assert export(page, base, "two-tongues", 1)["translations"] == {
        "tr": {"questions": {"question-1": {"text": "Karşılandınız mı?"}}}
    }
