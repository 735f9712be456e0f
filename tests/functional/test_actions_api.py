"""Follow-up actions over the API: a coordinator opens, the store's manager responds,
the coordinator closes or reopens; each sees what their role allows, and of two
moves at once exactly one wins."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from shopper.extensions import db
from shopper.models import Assignment, Store, StoreAction, User, Visit
from shopper.services import reviews, visits
from tests.factories import VISIT_A, VISIT_B, assign, import_checklist, make_store, visit_body
from tests.support.web import make_user

DUE = (date.today() + timedelta(days=7)).isoformat()


def make_manager(app, email: str, *codes: str) -> None:
    """A store manager of the stores ``codes``."""
    make_user(app, "manager", email, name="Mona Manager")
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == email)).scalar_one()
        user.stores = list(db.session.execute(select(Store).where(Store.code.in_(codes))).scalars())
        db.session.commit()


def approved_visit(app, values=VISIT_B, store="IST-01") -> int:
    """A visit submitted by the shopper and approved by the coordinator; its id."""
    assignment_id = assign(app, "ayse@test.example", store=store)
    with app.app_context():
        shopper = db.session.execute(
            select(User).where(User.email == "ayse@test.example")
        ).scalar_one()
        coordinator = db.session.execute(
            select(User).where(User.email == "coordinator@test.example")
        ).scalar_one()
        visit, _ = visits.submit(
            db.session.get(Assignment, assignment_id),
            shopper,
            visits.parse_visit_input(visit_body(values, f"c{assignment_id}")),
        )
        reviews.approve(db.session.get(Visit, visit.id), coordinator)
        return visit.id


@pytest.fixture
def world(app, auth):
    make_user(app, "coordinator", "coordinator@test.example")
    make_user(app, "owner", "owner@test.example")
    make_user(app, "shopper", "ayse@test.example", name="Ayşe Shopper")
    make_store(app)
    make_store(app, "IST-02")
    make_store(app, "ANK-01", region="Anatolia")
    import_checklist(app)
    make_manager(app, "mona@test.example", "IST-01")
    make_manager(app, "kaan@test.example", "IST-02")
    return {
        "coordinator": auth.api_token("coordinator@test.example"),
        "owner": auth.api_token("owner@test.example"),
        "shopper": auth.api_token("ayse@test.example"),
        "mona": auth.api_token("mona@test.example"),
        "kaan": auth.api_token("kaan@test.example"),
    }


def _open(client, world, **body):
    return client.post(
        "/api/v1/actions",
        json={"store": "IST-01", "title": "Fix the door", "due_on": DUE, **body},
        headers=world["coordinator"],
    )


def test_coordinator_opens_an_action_and_reads_it_with_its_history(client, world):
    created = _open(client, world, details="It squeaks")
    assert created.status_code == 201, created.json
    action = created.json
    assert {k: action[k] for k in ("store", "title", "details", "status", "due_on")} == {
        "store": "IST-01",
        "title": "Fix the door",
        "details": "It squeaks",
        "status": "open",
        "due_on": DUE,
    }
    assert (action["visit_id"], action["question"], action["overdue"]) == (None, None, False)
    assert [(e["who"], e["step"], e["status"], e["note"]) for e in action["events"]] == [
        ("Coordinator Person", "open", "open", "It squeaks")
    ]
    read = client.get(f"/api/v1/actions/{action['id']}", headers=world["owner"])
    assert read.status_code == 200
    assert read.json["events"] == action["events"]
    assert read.json["outcomes"] == []


def test_an_action_about_a_visits_answer_takes_the_questions_text(client, world, app):
    visit_id = approved_visit(app, VISIT_A)
    created = _open(client, world, title="", visit_id=visit_id, question="q2")
    assert created.status_code == 201, created.json
    assert (created.json["title"], created.json["visit_id"], created.json["question"]) == (
        "Q2",
        visit_id,
        "q2",
    )
    again = _open(client, world, visit_id=visit_id, question="q2")
    assert again.status_code == 409
    assert again.json["error"]["code"] == "conflict"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"store": "NOPE-9"}, "store"),
        ({"due_on": "next week"}, "due_on"),
        ({"due_on": "2020-01-31"}, "due_on"),  # a day long gone
        ({"title": "   "}, "title"),
        ({"visit_id": 999999}, "visit_id"),
        ({"question": "q1"}, "visit_id"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, world, body, field):
    answer = _open(client, world, **body)
    assert answer.status_code == 422, answer.json
    assert field in answer.json["error"]["fields"]
    assert answer.json["error"]["message"]


def test_malformed_bodies_are_refused_with_a_message(client, world):
    extra = _open(client, world, colour="red")
    assert extra.status_code in (400, 422)
    assert extra.json["error"]["message"]
    no_store = client.post("/api/v1/actions", json={"due_on": DUE}, headers=world["coordinator"])
    assert no_store.status_code in (400, 422)
    bad_status = client.get("/api/v1/actions?status=lost", headers=world["coordinator"])
    assert bad_status.status_code == 400


def test_the_loop_respond_reopen_respond_close_with_409_for_wrong_moves(client, world):
    action_id = _open(client, world).json["id"]
    url = f"/api/v1/actions/{action_id}"
    close_early = client.post(
        f"{url}/verify", json={"decision": "close"}, headers=world["coordinator"]
    )
    assert close_early.status_code == 409
    empty = client.post(f"{url}/respond", json={"note": "  "}, headers=world["mona"])
    assert empty.status_code == 422
    done = client.post(f"{url}/respond", json={"note": "Oiled the hinge"}, headers=world["mona"])
    assert done.status_code == 200, done.json
    assert done.json["status"] == "done"
    twice = client.post(f"{url}/respond", json={"note": "Again"}, headers=world["mona"])
    assert twice.status_code == 409
    no_reason = client.post(
        f"{url}/verify", json={"decision": "reopen"}, headers=world["coordinator"]
    )
    assert no_reason.status_code == 422
    unknown = client.post(f"{url}/verify", json={"decision": "maybe"}, headers=world["coordinator"])
    assert unknown.status_code == 422
    reopened = client.post(
        f"{url}/verify",
        json={"decision": "reopen", "note": "Still squeaks"},
        headers=world["coordinator"],
    )
    assert (reopened.json["status"], reopened.json["stands_out"]) == ("open", True)
    client.post(f"{url}/respond", json={"note": "New hinge"}, headers=world["mona"])
    closed = client.post(f"{url}/verify", json={"decision": "close"}, headers=world["coordinator"])
    assert closed.status_code == 200
    assert [(e["who"], e["step"], e["status"], e["note"]) for e in closed.json["events"]] == [
        ("Coordinator Person", "open", "open", ""),
        ("Mona Manager", "respond", "done", "Oiled the hinge"),
        ("Coordinator Person", "reopen", "open", "Still squeaks"),
        ("Mona Manager", "respond", "done", "New hinge"),
        ("Coordinator Person", "close", "closed", ""),
    ]
    after = client.post(f"{url}/respond", json={"note": "x"}, headers=world["mona"])
    assert after.status_code == 409


def test_managers_see_and_answer_their_own_stores_actions_only(client, world):
    mine = _open(client, world).json["id"]
    theirs = _open(client, world, store="IST-02", title="Clean the window").json["id"]
    listing = client.get("/api/v1/actions", headers=world["mona"]).json
    assert (listing["total"], [a["id"] for a in listing["items"]]) == (1, [mine])
    assert client.get(f"/api/v1/actions/{theirs}", headers=world["mona"]).status_code == 404
    other = client.post(
        f"/api/v1/actions/{theirs}/respond", json={"note": "x"}, headers=world["mona"]
    )
    assert other.status_code == 404
    verify = client.post(
        f"/api/v1/actions/{mine}/verify", json={"decision": "close"}, headers=world["mona"]
    )
    assert verify.status_code == 403
    assert client.post("/api/v1/actions", json={}, headers=world["mona"]).status_code == 403
    assert client.get("/api/v1/actions", headers=world["shopper"]).status_code == 403
    owner_respond = client.post(
        f"/api/v1/actions/{mine}/respond", json={"note": "x"}, headers=world["owner"]
    )
    assert owner_respond.status_code == 403


def test_the_list_is_paginated_filtered_and_due_first(app, client, world):
    later = (date.today() + timedelta(days=20)).isoformat()
    sooner = (date.today() + timedelta(days=2)).isoformat()
    first = _open(client, world, title="Later", due_on=later).json["id"]
    second = _open(client, world, title="Sooner", due_on=sooner).json["id"]
    third = _open(client, world, store="IST-02", title="Other").json["id"]
    client.post(f"/api/v1/actions/{second}/respond", json={"note": "Done"}, headers=world["mona"])
    everything = client.get("/api/v1/actions?per_page=2", headers=world["coordinator"]).json
    assert (everything["total"], everything["page"], everything["per_page"]) == (3, 1, 2)
    assert [a["id"] for a in everything["items"]] == [second, third]
    page_two = client.get("/api/v1/actions?per_page=2&page=2", headers=world["coordinator"]).json
    assert [a["id"] for a in page_two["items"]] == [first]
    by_store = client.get("/api/v1/actions?store=IST-01", headers=world["owner"]).json
    assert [a["id"] for a in by_store["items"]] == [second, first]
    done = client.get("/api/v1/actions?status=done", headers=world["coordinator"]).json
    assert [a["id"] for a in done["items"]] == [second]
    far = _open(client, world, store="ANK-01", title="Far").json["id"]
    with app.app_context():  # its due date passed since it was opened
        db.session.get(StoreAction, far).due_on = date(2020, 1, 31)
        db.session.commit()
    anatolia = client.get("/api/v1/actions?region=Anatolia", headers=world["owner"]).json
    assert [a["id"] for a in anatolia["items"]] == [far]
    overdue = client.get("/api/v1/actions?overdue=yes", headers=world["owner"]).json
    assert [(a["id"], a["overdue"]) for a in overdue["items"]] == [(far, True)]


def test_an_approval_with_a_critical_failure_shows_in_the_managers_list(client, world, app):
    approved_visit(app, VISIT_B)
    (action,) = client.get("/api/v1/actions", headers=world["mona"]).json["items"]
    assert (action["title"], action["question"], action["events"][0]["who"]) == ("Q1", "q1", None)
    assert action["due_on"] == (date.today() + timedelta(days=14)).isoformat()
    assert "Ayşe" not in str(action) and "ayse@" not in str(action)


def test_outcomes_say_whether_the_fix_held_in_later_visits(client, world, app):
    first = approved_visit(app, VISIT_B)
    (action,) = client.get("/api/v1/actions", headers=world["coordinator"]).json["items"]
    assert action["visit_id"] == first
    assert action["outcomes"] == []
    held = approved_visit(app, VISIT_A)
    failed = approved_visit(app, VISIT_B)
    approved_visit(app, VISIT_B, store="IST-02")  # another store says nothing of this one
    today = date.today().isoformat()
    read = client.get(f"/api/v1/actions/{action['id']}", headers=world["mona"]).json
    assert read["outcomes"] == [
        {"visit_id": held, "visited_on": today, "result": "held"},
        {"visit_id": failed, "visited_on": today, "result": "failed_again"},
    ]
    assert read["stands_out"] is True


def _race(app, client, world, moves):
    """Send ``moves`` (path, body, token) at once; the status codes."""
    barrier = threading.Barrier(len(moves))
    codes: list[int] = []

    def send(path, body, headers):
        own = app.test_client()
        barrier.wait()
        codes.append(own.post(path, json=body, headers=headers).status_code)

    threads = [threading.Thread(target=send, args=move) for move in moves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(codes)


def test_two_responses_at_once_one_wins(app, client, world):
    action_id = _open(client, world).json["id"]
    path = f"/api/v1/actions/{action_id}/respond"
    codes = _race(
        app,
        client,
        world,
        [
            (path, {"note": "Mona did it"}, world["mona"]),
            (path, {"note": "Me too"}, world["coordinator"]),
        ],
    )
    assert codes == [200, 409]
    events = client.get(f"/api/v1/actions/{action_id}", headers=world["owner"]).json["events"]
    assert [e["step"] for e in events] == ["open", "respond"]


def test_close_and_reopen_at_once_one_wins(app, client, world):
    action_id = _open(client, world).json["id"]
    client.post(
        f"/api/v1/actions/{action_id}/respond", json={"note": "Done"}, headers=world["mona"]
    )
    path = f"/api/v1/actions/{action_id}/verify"
    codes = _race(
        app,
        client,
        world,
        [
            (path, {"decision": "close"}, world["coordinator"]),
            (path, {"decision": "reopen", "note": "No"}, world["coordinator"]),
        ],
    )
    assert codes == [200, 409]
    read = client.get(f"/api/v1/actions/{action_id}", headers=world["owner"]).json
    assert [e["step"] for e in read["events"]][:2] == ["open", "respond"]
    assert len(read["events"]) == 3
    assert read["status"] == {"close": "closed", "reopen": "open"}[read["events"][2]["step"]]
