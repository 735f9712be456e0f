"""Coordinators assign visits in the browser, import them, and review reports."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from shopper.extensions import db
from shopper.models import Assignment, Photo, User
from shopper.services import demo
from tests.factories import VISIT_A, VISIT_B, assign, import_checklist, make_store, visit_body
from tests.support.web import PASSWORD, csrf_token, make_user


@pytest.fixture
def chain(app, auth):
    """A coordinator signed in, three Marmara stores, one Sverige store, three shoppers."""
    for code in ("IST-01", "IST-02", "ANK-01"):
        make_store(app, code, "Marmara")
    make_store(app, "STO-01", "Sverige")
    for name in ("ayse", "erik", "somchai"):
        make_user(app, "shopper", f"{name}@test.example", name=name.title())
    import_checklist(app)
    auth.sign_in_as("coordinator", "coordinator@test.example")
    return app


def _window() -> dict[str, str]:
    return {
        "first_day": date.today().isoformat(),
        "last_day": (date.today() + timedelta(days=7)).isoformat(),
    }


def _assign_region(client, shoppers, step, plan=None):
    page = client.get("/assignments/new")
    data = {
        "csrf_token": csrf_token(page),
        "checklist": "worked",
        "region": "Marmara",
        "shoppers": shoppers,
        "briefing": "Ask about a refund.",
        "step": step,
        **_window(),
        **(plan or {}),
    }
    return client.post("/assignments/new", data=data)


def test_coordinator_assigns_a_whole_region_spreading_the_shoppers(chain, client) -> None:
    shoppers = ["ayse@test.example", "erik@test.example"]
    planned = _assign_region(client, shoppers, "plan").get_data(as_text=True)
    plan = dict(
        re.findall(
            r'name="(plan-[A-Z0-9-]+)">.*?<option value="([^"]+)"[^>]*selected', planned, re.S
        )
    )
    assert sorted(plan) == ["plan-ANK-01", "plan-IST-01", "plan-IST-02"]
    assert sorted(plan.values()) == ["ayse@test.example", "ayse@test.example", "erik@test.example"]
    plan["plan-IST-02"] = "somchai@test.example"  # the coordinator changes one store's shopper
    created = _assign_region(client, shoppers, "create", plan)
    assert created.status_code == 302
    with chain.app_context():
        rows = {
            a.store.code: a.shopper.email
            for a in db.session.execute(db.select(Assignment)).scalars()
        }
    assert rows == {key.removeprefix("plan-"): value for key, value in plan.items()}

    # The next round: nobody gets the store they were just given.
    replanned = _assign_region(client, shoppers, "plan").get_data(as_text=True)
    second = dict(
        re.findall(
            r'name="plan-([A-Z0-9-]+)">.*?<option value="([^"]+)"[^>]*selected', replanned, re.S
        )
    )
    for store, shopper in second.items():
        assert shopper != rows[store] or rows[store] not in shoppers


def test_assigning_needs_stores_and_a_shopper(chain, client) -> None:
    page = client.get("/assignments/new")
    response = client.post(
        "/assignments/new",
        data={"csrf_token": csrf_token(page), "checklist": "worked", "step": "plan", **_window()},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose at least one shopper." in html


CSV_OK = (
    "store,checklist,shopper,first_day,last_day,briefing\n"
    "IST-01,worked,ayse@test.example,2026-12-01,2026-12-10,Ask for a refund\n"
    "STO-01,worked,erik@test.example,2026-12-01,2026-12-10,\n"
)


def _import(client, content: str):
    page = client.get("/assignments/import")
    return client.post(
        "/assignments/import",
        data={
            "csrf_token": csrf_token(page),
            "file": (io.BytesIO(content.encode("utf-8-sig")), "a.csv"),
        },
        content_type="multipart/form-data",
    )


def test_assignments_csv_imports_once_and_reimport_changes_nothing(chain, client) -> None:
    first = _import(client, CSV_OK)
    assert first.status_code == 302
    assert "Assignments created: 2; already there: 0." in client.get("/assignments").get_data(
        as_text=True
    )
    _import(client, CSV_OK)
    assert "Assignments created: 0; already there: 2." in client.get("/assignments").get_data(
        as_text=True
    )
    exported = client.get("/assignments/export.csv").get_data(as_text=True).splitlines()
    assert exported[0] == "store,checklist,shopper,first_day,last_day,briefing,status"
    assert (
        "IST-01,worked,ayse@test.example,2026-12-01,2026-12-10,Ask for a refund,assigned"
        in exported
    )


def test_a_bad_assignments_file_lists_every_problem_and_imports_nothing(chain, client) -> None:
    bad = CSV_OK + (
        "NOPE,worked,ayse@test.example,2026-12-01,2026-12-10,\n"
        "IST-02,worked,coordinator@test.example,2026-12-10,2026-12-01,\n"
    )
    response = _import(client, bad)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Line 4, <code>store</code>: No store has the code NOPE." in html
    assert "Line 5, <code>shopper</code>: coordinator@test.example is not a shopper." in html
    assert "Line 5, <code>last_day</code>: The last day is before the first day." in html
    with chain.app_context():
        assert db.session.execute(db.select(db.func.count(Assignment.id))).scalar_one() == 0


def test_detail_page_reassigns_cancels_and_shows_the_trail(chain, client) -> None:
    assignment = assign(chain, "ayse@test.example")
    page = client.get(f"/assignments/{assignment}")
    html = page.get_data(as_text=True)
    assert "Ask about returning a gift without a receipt." in html
    client.post(
        f"/assignments/{assignment}/reassign",
        data={"csrf_token": csrf_token(page), "reassign-shopper": "erik@test.example"},
    )
    client.post(
        f"/assignments/{assignment}/cancel",
        data={"csrf_token": csrf_token(page), "cancel-note": "Store closed for works"},
    )
    html = client.get(f"/assignments/{assignment}").get_data(as_text=True)
    assert "Cancelled" in html
    assert (
        "gave the visit to another shopper" in html
        and "<bdi>ayse@test.example</bdi> → <bdi>erik@test.example</bdi>" in html
    )
    assert "cancelled the assignment" in html and "Store closed for works" in html
    assert "Cancel this assignment" not in html
    # An Urdu reader's trail points the other way: from the right to the left.
    with chain.app_context():
        db.session.execute(
            db.update(User).where(User.email == "coordinator@test.example").values(language="ur")
        )
        db.session.commit()
    html = client.get(f"/assignments/{assignment}").get_data(as_text=True)
    assert "<bdi>ayse@test.example</bdi> ← <bdi>erik@test.example</bdi>" in html


def _submitted(chain, client_api, auth, values, store="IST-01"):
    assignment = assign(chain, "ayse@test.example", store=store)
    headers = auth.api_token("ayse@test.example")
    visit = client_api.post(
        f"/api/v1/assignments/{assignment}/visit/submit",
        json=visit_body(values, f"c{assignment}"),
        headers=headers,
    ).json
    return assignment, visit["id"]


def test_review_page_shows_the_whole_report_and_returns_with_a_note(chain, client, auth) -> None:
    assignment, visit_id = _submitted(chain, chain.test_client(), auth, VISIT_B)
    page = client.get(f"/review/{visit_id}")
    html = page.get_data(as_text=True)
    assert "0.0%" in html  # overall after the critical rule
    assert "Critical failure: the score is 50.0% before the critical rule" in html
    assert "87.5%" not in html and "50.0%" in html  # welcome section
    assert "5 on 1–5" in html
    assert "10:05–10:25" in html
    no_note = client.post(
        f"/review/{visit_id}",
        data={"csrf_token": csrf_token(page), "decision": "return", "note": ""},
    )
    assert no_note.status_code == 422
    assert "Write a note telling the shopper what to fix." in no_note.get_data(as_text=True)
    returned = client.post(
        f"/review/{visit_id}",
        data={"csrf_token": csrf_token(page), "decision": "return", "note": "Check Q1 again"},
    )
    assert returned.location == "/review"
    trail = client.get(f"/assignments/{assignment}").get_data(as_text=True)
    assert "returned the report" in trail and "Check Q1 again" in trail


def test_queue_is_oldest_first_and_approves_many_at_once(chain, client, auth) -> None:
    api = chain.test_client()
    _, first = _submitted(chain, api, auth, VISIT_A, "IST-01")
    _, second = _submitted(chain, api, auth, VISIT_B, "IST-02")
    queue = client.get("/review").get_data(as_text=True)
    assert queue.index(f'value="{first}"') < queue.index(f'value="{second}"')
    assert "78.0%" in queue
    client.post(
        "/review/approve",
        data={"csrf_token": csrf_token(client.get("/review")), "visit": [str(first), str(second)]},
    )
    after = client.get("/review").get_data(as_text=True)
    assert "2 reports approved." in after
    assert "No reports are waiting for review." in after


def test_coordinator_home_shows_what_needs_attention(chain, client, auth) -> None:
    assign(
        chain,
        "erik@test.example",
        store="STO-01",
        first_day=date.today() - timedelta(days=9),
        last_day=date.today() - timedelta(days=1),
    )
    _submitted(chain, chain.test_client(), auth, VISIT_A)
    html = client.get("/coordinator").get_data(as_text=True)
    assert "1 report waiting for review" in html
    assert "1 overdue visit" in html and "Store STO-01" in html


def test_shoppers_and_owners_cannot_reach_assignment_or_review_pages(chain, client, auth) -> None:
    assignment, visit_id = _submitted(chain, chain.test_client(), auth, VISIT_A)
    auth.sign_out()
    for role, email in (("shopper", "ayse@test.example"), ("owner", "owner@test.example")):
        if role == "owner":
            make_user(chain, "owner", email)
        auth.sign_in(email)
        for path in ("/assignments", "/assignments/new", f"/assignments/{assignment}", "/review"):
            assert client.get(path).status_code == 403, (role, path)
        page = client.get("/account")
        assert (
            client.post(
                f"/review/{visit_id}", data={"csrf_token": csrf_token(page), "decision": "approve"}
            ).status_code
            == 403
        )
        assert (
            client.post(
                f"/assignments/{assignment}/cancel", data={"csrf_token": csrf_token(page)}
            ).status_code
            == 403
        )
        auth.sign_out()


def test_a_photo_question_answered_by_photos_does_not_read_not_answered(app, client, auth):
    with app.app_context():
        demo.load_demo(app.instance_path, PASSWORD)
        photo = db.session.execute(select(Photo).order_by(Photo.id)).scalars().first()
        visit_id, code = photo.visit_id, photo.question_code
    auth.sign_in("coordinator@demo.example", PASSWORD)
    html = client.get(f"/review/{visit_id}").get_data(as_text=True)
    answer = re.search(rf'<article[^>]*id="answer-{code}".*?</article>', html, re.S).group(0)
    assert "<img" in answer
    assert "Not answered" not in answer
