"""The pages tell their scripts the domain's statuses, limits and rules, exactly.

The scripts in shopper/static/js hold no copy of them (tests/unit/test_script_copies.py);
these tests pin that what the pages embed is what the server itself checks with.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from shopper.domain import checklist_format as fmt
from shopper.domain.answers import MAX_PHOTOS_PER_QUESTION, NA, validate_answers
from shopper.domain.workflow import EDITABLE_BY_SHOPPER, Status
from shopper.extensions import db
from shopper.models import Assignment
from shopper.services import visits
from shopper.services.errors import Invalid
from tests.factories import assign, import_checklist, make_store
from tests.support.web import csrf_token, make_user

AYSE = "ayse@test.example"

# Every way a question may or may not need an answer and a photo.
PHOTOS = {
    "format": fmt.FORMAT,
    "code": "photos",
    "title": "Photos",
    "sections": [
        {
            "code": "all",
            "title": "All",
            "questions": [
                {"code": "plain", "type": "yes_no", "text": "Plain", "points": 1},
                {"code": "optional", "type": "scale", "text": "S", "min": 1, "max": 3, "points": 1, "required": False},
                {"code": "with-photo", "type": "choice", "text": "C", "photo": "required",
                 "options": [{"code": "a", "label": "A", "points": 1}, {"code": "b", "label": "B", "points": 0}]},
                {"code": "optional-photo", "type": "number", "text": "N", "required": False, "photo": "required"},
                {"code": "text", "type": "text", "text": "T", "photo": "optional"},
                {"code": "snap", "type": "photo", "text": "P", "photo": "optional"},
                {"code": "maybe-snap", "type": "photo", "text": "P", "required": False, "photo": "optional"},
                {"code": "must-snap", "type": "photo", "text": "P", "required": False, "photo": "required"},
            ],
        }
    ],
}  # fmt: skip
VALID = {"plain": "yes", "optional": 2, "with-photo": "a", "optional-photo": 3, "text": "ok"}


def _embedded(html: str, element_id: str) -> dict:
    match = re.search(
        rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S
    )
    assert match, f"the page embeds no {element_id}"
    return json.loads(match.group(1))


def _as_json(value: object) -> object:
    return json.loads(json.dumps(value))


@pytest.fixture
def shopper_page(app, client, auth):
    """A shopper signed in, with an assignment on the PHOTOS checklist: (app, assignment id)."""
    make_user(app, "coordinator", "coordinator@test.example")
    make_user(app, "shopper", AYSE)
    make_store(app, "IST-01")
    import_checklist(app, PHOTOS)
    assignment_id = assign(app, AYSE, checklist="photos")
    auth.sign_in(AYSE)
    return assignment_id


def test_phone_pages_get_the_workflow_statuses(client, shopper_page) -> None:
    home = _embedded(client.get("/shopper").get_data(as_text=True), "field-data")
    visit = _embedded(client.get(f"/visits/{shopper_page}").get_data(as_text=True), "field-data")
    expected = {
        "editable": sorted(EDITABLE_BY_SHOPPER),
        "sent": Status.SUBMITTED,
        "cancelled": Status.CANCELLED,
    }
    assert home["statuses"] == visit["statuses"] == expected
    # report.js treats every status that is not editable as a report that is done.
    assert set(Status) - EDITABLE_BY_SHOPPER == {
        Status.SUBMITTED,
        Status.APPROVED,
        Status.CANCELLED,
    }


def test_the_visit_page_gets_the_answer_limits_and_visit_rules(app, client, shopper_page) -> None:
    payload = _embedded(client.get(f"/visits/{shopper_page}").get_data(as_text=True), "field-data")
    assert payload["max_photos"] == MAX_PHOTOS_PER_QUESTION
    assert payload["na"] == NA
    assert payload["visit_rules"]["min_minutes"] == visits.MIN_VISIT_MINUTES
    assert payload["visit_rules"]["days_ahead"] == visits.MAX_DAYS_AHEAD
    # The latest visit date the page allows is the latest the server takes on submission.
    latest = date.today() + timedelta(days=payload["visit_rules"]["days_ahead"])
    for day, refused in ((latest, False), (latest + timedelta(days=1), True)):
        body = {"visited_on": day.isoformat(), "time_in": "10:00", "time_out": "10:20"}
        with app.test_request_context():  # the refusal's messages are translated
            assignment = db.session.get(Assignment, shopper_page)
            with pytest.raises(Invalid) as refusal:  # the answers are missing, whatever the date
                visits.submit(assignment, assignment.shopper, visits.parse_visit_input(body))
        assert ("visited_on" in refusal.value.fields) is refused


def test_the_visit_page_says_which_questions_need_an_answer_or_a_photo(client, shopper_page):
    payload = _embedded(client.get(f"/visits/{shopper_page}").get_data(as_text=True), "field-data")
    checklist = fmt.parse_checklist(PHOTOS)

    # What the server refuses a complete report for: nothing given, then every value given.
    def refused(answers: dict, message: str) -> list[str]:
        problems = validate_answers(checklist, answers, {}, complete=True)
        return [
            key.split(".", 1)[1] for key, problem in problems.items() if problem.message == message
        ]

    assert payload["needs"]["answer"] == refused({}, "an answer is required")
    assert payload["needs"]["photo"] == refused(VALID, "a photo is required")
    assert payload["needs"] == {
        "answer": ["plain", "with-photo", "text"],
        "photo": ["with-photo", "optional-photo", "snap", "must-snap"],
    }


def test_the_builder_gets_the_format_limits_keys_and_defaults(app, client, auth) -> None:
    auth.sign_in_as("coordinator")
    page = client.get("/checklists/new")
    client.post(
        "/checklists/new",
        data={"csrf_token": csrf_token(page), "code": "kasa", "title": "Kasa", "language": "tr"},
    )
    config = _embedded(
        client.get("/checklists/kasa/draft").get_data(as_text=True), "builder-config"
    )
    assert config["limits"] == {
        "code": fmt.MAX_CODE,
        "title": fmt.MAX_TITLE,
        "text": fmt.MAX_TEXT,
        "guidance": fmt.MAX_GUIDANCE,
        "standard": fmt.MAX_STANDARD,
        "description": fmt.MAX_DESCRIPTION,
        "label": fmt.MAX_LABEL,
        "unit": fmt.MAX_UNIT,
        "points": fmt.MAX_POINTS,
        "min_options": fmt.MIN_OPTIONS,
    }
    assert config["question_types"] == list(fmt.QUESTION_TYPES)
    assert config["photo_modes"] == list(fmt.PHOTO_MODES)
    assert config["good_answers"] == list(fmt.GOOD_ANSWERS)
    keys = config["keys"]
    assert keys["checklist"] == list(fmt.CHECKLIST_KEYS)
    assert keys["section"] == list(fmt.SECTION_KEYS)
    assert keys["option"] == list(fmt.OPTION_KEYS)
    assert set(keys["types"]) == set(fmt.QUESTION_TYPES)
    assert keys["types"] == _as_json(fmt.TYPE_KEYS)
    # Common and type-specific keys together are every key of a question, once.
    every = keys["question"] + [key for keys in keys["types"].values() for key in keys]
    assert sorted(set(every)) == sorted(fmt.QUESTION_KEYS)
    assert len(keys["question"]) + len({k for ks in keys["types"].values() for k in ks}) == len(
        fmt.QUESTION_KEYS
    )


def test_the_builder_defaults_are_what_the_server_reads_for_a_missing_key(client, auth) -> None:
    auth.sign_in_as("coordinator")
    page = client.get("/checklists/new")
    client.post(
        "/checklists/new",
        data={"csrf_token": csrf_token(page), "code": "kasa", "title": "Kasa", "language": "en"},
    )
    defaults = _embedded(
        client.get("/checklists/kasa/draft").get_data(as_text=True), "builder-config"
    )["defaults"]
    question = {"code": "q", "type": "yes_no", "text": "Q", "points": 1}
    document = {"format": fmt.FORMAT, "code": "c", "title": "C"}
    read = fmt.parse_checklist(
        {**document, "sections": [{"code": "s", "title": "S", "questions": [question]}]}
    )
    assert defaults["checklist"] == {key: getattr(read, key) for key in defaults["checklist"]}
    assert set(defaults["checklist"]) == {"language", "description", "critical_zeroes_score"}
    assert defaults["question"] == {
        key: getattr(read.sections[0].questions[0], key) for key in defaults["question"]
    }
    assert {"required", "allow_na", "critical", "photo", "good_answer"} <= set(defaults["question"])
