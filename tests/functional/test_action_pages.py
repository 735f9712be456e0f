"""Action pages: a coordinator opens an action from a failed answer, the store's manager
answers it on their list, the coordinator verifies; the comparison counts them."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from shopper.extensions import db
from shopper.models import StoreAction
from tests.factories import VISIT_A, VISIT_B, import_checklist, make_store
from tests.functional.test_actions_api import approved_visit, make_manager
from tests.support.web import csrf_token, make_user


@pytest.fixture
def world(app):
    make_user(app, "coordinator", "coordinator@test.example")
    make_user(app, "owner", "owner@test.example")
    make_user(app, "shopper", "ayse@test.example", name="Ayşe Shopper")
    make_store(app)
    make_store(app, "IST-02")
    make_store(app, "ANK-01", region="Anatolia")
    import_checklist(app)
    make_manager(app, "mona@test.example", "IST-01")
    return app


def _action(app, action_id: int) -> StoreAction:
    with app.app_context():
        action = db.session.get(StoreAction, action_id)
        return (action.status, [(e.step, e.note) for e in action.events])


def test_coordinator_opens_an_action_from_a_failed_answer(world, client, auth):
    visit_id = approved_visit(world, VISIT_A)
    auth.sign_in("coordinator@test.example")
    review = client.get(f"/review/{visit_id}").get_data(as_text=True)
    # VISIT_A answers q3 with "b" (2 of 5 points) and every other question in full: no link.
    assert review.count('class="action-link-small open-action"') == 0
    failed = approved_visit(world, {"q1": "yes", "q2": 1, "q3": "c", "q4": 7})
    review = client.get(f"/review/{failed}").get_data(as_text=True)
    links = re.findall(r'href="(/actions/new\?[^"]+)"', review)
    assert sorted(links) == sorted(
        [
            f"/actions/new?visit={failed}&amp;question=q2",
            f"/actions/new?visit={failed}&amp;question=q3",
        ]
    )
    page = client.get(f"/actions/new?visit={failed}&question=q3")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'value="Q3"' in text and 'selected value="IST-01"' in text
    due = (date.today() + timedelta(days=14)).isoformat()
    assert f'value="{due}"' in text
    sent = client.post(
        "/actions/new",
        data={
            "csrf_token": csrf_token(page),
            "store": "IST-01",
            "title": "Offer the gift wrap",
            "details": "",
            "due_on": due,
            "visit": str(failed),
            "question": "q3",
        },
    )
    assert sent.status_code == 302
    with world.app_context():
        action = db.session.execute(select(StoreAction)).scalar_one()
        assert (action.title, action.visit_id, action.question_code, action.due_on.isoformat()) == (
            "Offer the gift wrap",
            failed,
            "q3",
            due,
        )
    assert sent.location == f"/actions/{action.id}"


def test_a_bad_form_says_what_to_fix(world, client, auth):
    auth.sign_in("coordinator@test.example")
    page = client.get("/actions/new?store=IST-02")
    assert 'selected value="IST-02"' in page.get_data(as_text=True)
    sent = client.post(
        "/actions/new",
        data={"csrf_token": csrf_token(page), "store": "IST-02", "title": "  ", "due_on": ""},
    )
    assert sent.status_code == 400
    sent = client.post(
        "/actions/new",
        data={
            "csrf_token": csrf_token(page),
            "store": "IST-02",
            "title": " ",
            "due_on": "2030-01-01",
        },
    )
    assert sent.status_code == 422
    assert "Say what the store must fix." in sent.get_data(as_text=True)
    gone = client.post(
        "/actions/new",
        data={
            "csrf_token": csrf_token(page),
            "store": "IST-02",
            "title": "Fix the door",
            "due_on": (date.today() - timedelta(days=5)).isoformat(),
        },
    )
    assert gone.status_code == 422
    assert "That day has passed: choose today or a later day." in gone.get_data(as_text=True)
    with world.app_context():
        assert db.session.execute(select(StoreAction)).first() is None
    # The date field itself does not offer the days long gone.
    slack = (date.today() - timedelta(days=1)).isoformat()
    assert f'min="{slack}"' in client.get("/actions/new").get_data(as_text=True)
    assert client.get("/actions/new?visit=abc&question=q1").status_code == 404
    assert client.get("/actions/new?visit=99999&question=q1").status_code == 404


def test_the_manager_answers_and_the_coordinator_verifies_on_the_pages(world, client, auth):
    visit_id = approved_visit(world, VISIT_B)  # a critical failure opens the action by itself
    auth.sign_in("mona@test.example")
    listing = client.get("/actions").get_data(as_text=True)
    assert "Q1" in listing and "Ayşe" not in listing and "ayse@" not in listing
    page = client.get("/actions/1")
    text = page.get_data(as_text=True)
    assert "Mark as done" in text and "Close: it is fixed" not in text
    assert "automatically, on approval" in text
    # The manager opens the approved report the action came from, at the failed answer,
    # and still does not learn who the shopper was.
    link = f'href="/review/{visit_id}#answer-q1"'
    assert link in text
    report = client.get(f"/review/{visit_id}")
    assert report.status_code == 200
    assert "Ayşe" not in report.get_data(as_text=True)
    empty = client.post(
        "/actions/1/respond", data={"respond-csrf_token": csrf_token(page), "respond-note": ""}
    )
    assert empty.status_code == 400
    done = client.post(
        "/actions/1/respond",
        data={"respond-csrf_token": csrf_token(page), "respond-note": "Briefed the team"},
    )
    assert done.status_code == 302
    assert (
        client.post("/actions/1/verify", data={"verify-csrf_token": csrf_token(page)}).status_code
        == 403
    )
    auth.sign_out()
    auth.sign_in("coordinator@test.example")
    page = client.get("/actions/1")
    text = page.get_data(as_text=True)
    assert "Close: it is fixed" in text and "Mark as done" not in text
    no_note = client.post(
        "/actions/1/verify",
        data={"verify-csrf_token": csrf_token(page), "decision": "reopen", "verify-note": ""},
    )
    assert no_note.status_code == 422
    assert "Say why the action is reopened." in no_note.get_data(as_text=True)
    reopened = client.post(
        "/actions/1/verify",
        data={"verify-csrf_token": csrf_token(page), "decision": "reopen", "verify-note": "No"},
    )
    assert reopened.status_code == 302
    assert _action(world, 1) == (
        "open",
        [("open", ""), ("respond", "Briefed the team"), ("reopen", "No")],
    )
    text = client.get("/actions/1").get_data(as_text=True)
    assert "This action was reopened" in text
    listing = client.get("/actions").get_data(as_text=True)
    assert 'class="card action-item stands-out" id="action-1"' in listing
    assert "Needs attention" in listing
    late = client.post(
        "/actions/1/verify",
        data={"verify-csrf_token": csrf_token(page), "decision": "close", "verify-note": ""},
    )
    assert late.status_code == 302  # refused: it is open again; said in a message
    assert _action(world, 1)[0] == "open"


def test_filters_and_the_managers_own_stores(world, client, auth):
    approved_visit(world, VISIT_B)
    approved_visit(world, VISIT_B, store="IST-02")
    approved_visit(world, VISIT_B, store="ANK-01")
    auth.sign_in("owner@test.example")

    def titles(query: str) -> list[str]:
        text = client.get(f"/actions{query}").get_data(as_text=True)
        return re.findall(r'<span class="action-store">([A-Z]+-\d+)', text)

    assert titles("") == ["IST-01", "IST-02", "ANK-01"]  # all due the same day: oldest first
    assert titles("?region=Anatolia") == ["ANK-01"]
    assert titles("?store=IST-02") == ["IST-02"]
    assert titles("?status=done") == []
    assert titles("?overdue=y") == []
    with world.app_context():
        db.session.get(StoreAction, 2).due_on = date.today() - timedelta(days=1)
        db.session.commit()
    assert titles("?overdue=y") == ["IST-02"]
    assert titles("") == ["IST-02", "IST-01", "ANK-01"]  # what is due first comes first
    assert client.get("/actions?status=lost").status_code == 400
    auth.sign_out()
    auth.sign_in("mona@test.example")
    assert titles("") == ["IST-01"]
    assert client.get("/actions/2").status_code == 404


def test_the_comparison_counts_actions_for_those_who_read_them(world, client, auth):
    approved_visit(world, VISIT_B)
    approved_visit(world, VISIT_A, store="IST-02")
    auth.sign_in("coordinator@test.example")
    today = date.today()
    query = f"checklist=worked&first_day={today.replace(day=1)}&last_day={today}"
    text = client.get(f"/reports/comparison?{query}").get_data(as_text=True)
    assert '<a href="/actions?store=IST-01">1 open</a>' in text
    assert "/actions/new?store=IST-02" in text
    assert "Actions closed in time" in text


def test_the_comparison_pdf_ends_with_the_follow_up_actions(world, client, auth):
    approved_visit(world, VISIT_B)
    approved_visit(world, VISIT_B, store="ANK-01")
    with world.app_context():
        late = db.session.get(StoreAction, 2)
        late.due_on = date.today() - timedelta(days=1)
        db.session.commit()
    auth.sign_in("owner@test.example")
    today = date.today()
    first = today.replace(day=1) - timedelta(days=1)
    query = f"checklist=worked&first_day={first}&last_day={today}"
    answer = client.get(f"/reports/comparison.pdf?{query}")
    assert answer.status_code == 200
    pages = PdfReader(io.BytesIO(answer.data)).pages
    text = " ".join(page.extract_text() for page in pages)
    part = text[text.index("Follow-up actions") :]
    assert re.search(r"IST-01 · Store IST-01\s*1\s*0", part), part
    assert re.search(r"ANK-01 · Store ANK-01\s*1\s*1", part), part
    assert re.search(r"Anatolia\s*0\.0\s?%", part), part
