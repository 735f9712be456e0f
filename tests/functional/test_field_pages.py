"""The shopper's phone pages as the server renders them: the list, one visit, the worker."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from flask_babel import format_date
from sqlalchemy import select

from shopper.domain.checklist_format import parse_checklist, to_document
from shopper.extensions import db
from shopper.i18n import format_pct
from shopper.models import Assignment, User
from shopper.services import assignments, reviews, visits
from tests.factories import (
    VISIT_A,
    WORKED_EXAMPLE,
    assign,
    import_checklist,
    make_store,
    visit_body,
)
from tests.support.web import make_user

AYSE = "ayse@test.example"
ERIK = "erik@test.example"
TODAY = date.today()


@pytest.fixture
def world(app):
    """A coordinator, two shoppers, three stores, the worked-example checklist."""
    make_user(app, "coordinator", "coordinator@test.example")
    make_user(app, "owner", "owner@test.example")
    make_user(app, "shopper", AYSE)
    make_user(app, "shopper", ERIK)
    make_store(app, "IST-01", name="Beyoğlu", address="İstiklal Cd. 12\nBeyoğlu", city="Istanbul")
    make_store(app, "IST-02", name="Kadıköy", address="Moda Cd. 42", city="Istanbul")
    make_store(app, "IST-03", name="Moda", address="Bahariye Cd. 3", city="Istanbul")
    import_checklist(app)
    return app


def _days(n: int) -> date:
    return TODAY + timedelta(days=n)


def _submit(app, assignment_id: int, values: dict = VISIT_A) -> None:
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        visits.submit(assignment, assignment.shopper, visits.parse_visit_input(visit_body(values)))


def _coordinator() -> User:
    return db.session.execute(
        select(User).where(User.email == "coordinator@test.example")
    ).scalar_one()


def _review(app, assignment_id: int, decision: str, note: str = "") -> None:
    with app.app_context():
        visit = db.session.get(Assignment, assignment_id).visit
        if decision == "return":
            reviews.return_to_shopper(visit, _coordinator(), note)
        else:
            reviews.approve(visit, _coordinator(), note)


def _payload(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="field-data">(.*?)</script>', html, re.S)
    assert match, "the page embeds no data"
    return json.loads(match.group(1))


def _ids(section_html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-assignment="(\d+)"', section_html)]


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_shopper_sees_returned_visits_first_then_the_soonest_due(world, client, auth) -> None:
    later = assign(world, AYSE, "IST-01", last_day=_days(10))
    soon = assign(world, AYSE, "IST-02", last_day=_days(2))
    returned = assign(world, AYSE, "IST-03", last_day=_days(5))
    sent = assign(world, AYSE, "IST-01", last_day=_days(1))
    assign(world, ERIK, "IST-02", last_day=_days(1))
    _submit(world, returned)
    _review(world, returned, "return", "The receipt photo is blurred; take it again.")
    _submit(world, sent)

    auth.sign_in(AYSE)
    html = client.get("/shopper").get_data(as_text=True)

    to_do = _section(html, "to-do-heading")
    assert _ids(to_do) == [returned, soon, later]
    assert "The receipt photo is blurred; take it again." in to_do
    assert to_do.count("The receipt photo is blurred") == 1
    assert _ids(_section(html, "sent-heading")) == [sent]
    # Each row: the store, its address as a maps link, the window, the status; a plain link.
    assert f'href="/visits/{soon}"' in to_do
    assert "https://maps.google.com/?q=Moda+Cd.+42%2C+Istanbul" in to_do
    with world.test_request_context():
        window = f"Visit between {format_date(_days(-3), 'medium')} and {format_date(_days(2), 'medium')}"
    assert window in to_do
    assert "Returned" in to_do and "Assigned" in to_do
    assert "Waiting for review" in _section(html, "sent-heading")


def test_shopper_list_loads_in_a_fixed_number_of_queries(
    world, client, auth, count_queries
) -> None:
    auth.sign_in(AYSE)

    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/shopper").status_code == 200
        return len(statements)

    assign(world, AYSE, "IST-01")
    _submit(world, assign(world, AYSE, "IST-02"))
    one_each = queries()
    for code in ("IST-02", "IST-03", "IST-01"):
        assign(world, AYSE, code)
        _submit(world, assign(world, AYSE, code))
    assert queries() == one_each


def test_a_shopper_cannot_open_another_shoppers_visit(world, client, auth) -> None:
    theirs = assign(world, ERIK)
    auth.sign_in(AYSE)
    assert client.get(f"/visits/{theirs}").status_code == 404
    assert client.get("/visits/99999").status_code == 404


@pytest.mark.parametrize("role", ["coordinator", "owner"])
def test_coordinators_and_owners_do_not_get_the_shopper_page(world, client, auth, role) -> None:
    visit = assign(world, AYSE)
    auth.sign_in(f"{role}@test.example")
    assert client.get(f"/visits/{visit}").status_code == 403


def test_signed_out_visitor_is_sent_to_sign_in(world, client) -> None:
    visit = assign(world, AYSE)
    response = client.get(f"/visits/{visit}")
    assert response.status_code == 302
    assert response.location == f"/sign-in?next=/visits/{visit}"


def test_the_visit_page_embeds_the_checklist_and_the_draft(world, client, auth) -> None:
    assignment_id = assign(world, AYSE)
    auth.sign_in(AYSE)
    with world.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        visits.save_draft(
            assignment,
            assignment.shopper,
            visits.parse_visit_input({"answers": {"q1": {"value": "yes", "comment": "At once"}}}),
        )
    response = client.get(f"/visits/{assignment_id}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    html = response.get_data(as_text=True)
    payload = _payload(html)
    assert payload["checklist"] == {**to_document(parse_checklist(WORKED_EXAMPLE)), "version": 1}
    assert payload["assignment"]["id"] == assignment_id
    assert payload["assignment"]["status"] == "draft"
    assert payload["visit"]["answers"] == {"q1": {"value": "yes", "comment": "At once"}}
    assert payload["editable"] is True
    with world.app_context():
        user_id = db.session.execute(select(User.id).where(User.email == AYSE)).scalar_one()
    assert payload["user"] == user_id
    # The briefing, the address as a maps link, and what to observe before going in.
    assert "Ask about returning a gift without a receipt." in html
    assert (
        'href="https://maps.google.com/?q=%C4%B0stiklal+Cd.+12%2C+Beyo%C4%9Flu%2C+Istanbul"' in html
    )
    assert 'id="observe"' in html
    # One fieldset per question, its legend the question; thumb-sized controls.
    assert '<legend class="q-text" id="a-q1-label">' in html
    assert html.count('name="a-q2"') == 5
    assert 'name="a-q3" value="na"' in html
    assert 'inputmode="decimal"' in html
    assert 'id="progress"' in html and 'max="7"' in html  # four questions, the date, two times
    # The scripts carry versioned URLs, so the worker may cache them for good.
    assert re.search(r'src="/static/js/field/report\.js\?v=[0-9a-f]{12}"', html)
    assert '<script type="application/json" id="field-strings">' in html


def test_a_returned_report_opens_editable_with_the_note(world, client, auth) -> None:
    assignment_id = assign(world, AYSE)
    _submit(world, assignment_id)
    _review(world, assignment_id, "return", "Which till was it?")
    auth.sign_in(AYSE)
    html = client.get(f"/visits/{assignment_id}").get_data(as_text=True)
    assert "Returned by your coordinator" in html
    assert "Which till was it?" in html
    assert 'id="report"' in html
    payload = _payload(html)
    assert payload["editable"] is True
    assert payload["visit"]["answers"]["q2"] == {"value": 4, "comment": ""}


def test_a_sent_report_is_read_only_without_scores(world, client, auth) -> None:
    assignment_id = assign(world, AYSE)
    _submit(world, assignment_id)
    auth.sign_in(AYSE)
    html = client.get(f"/visits/{assignment_id}").get_data(as_text=True)
    assert 'id="report"' not in html
    assert "Sent. Your report is waiting for review." in html
    assert "4 on 1–5" in html
    with world.test_request_context():
        for score in (78.0, 87.5, 40.0):
            assert format_pct(score) not in html
    assert "of 10 points" not in html
    assert _payload(html)["editable"] is False


def test_an_approved_report_shows_its_scores(world, client, auth) -> None:
    assignment_id = assign(world, AYSE)
    _submit(world, assignment_id)
    _review(world, assignment_id, "approve", "Thank you.")
    auth.sign_in(AYSE)
    html = client.get(f"/visits/{assignment_id}").get_data(as_text=True)
    assert 'id="report"' not in html
    with world.test_request_context():
        overall, welcome, checkout = (format_pct(s) for s in (78.0, 87.5, 40.0))
    assert f"<strong>{overall}</strong>" in html
    assert f'<span class="score">{welcome}</span>' in html
    assert f'<span class="score">{checkout}</span>' in html
    assert "Thank you." in html


def test_a_cancelled_visit_says_so(world, client, auth) -> None:
    assignment_id = assign(world, AYSE)
    with world.app_context():
        assignments.cancel(db.session.get(Assignment, assignment_id), _coordinator())
    auth.sign_in(AYSE)
    html = client.get(f"/visits/{assignment_id}").get_data(as_text=True)
    assert "This visit was cancelled." in html
    assert 'id="report"' not in html
    assert f'data-assignment="{assignment_id}"' not in client.get("/shopper").get_data(as_text=True)


def test_the_service_worker_is_served_from_the_root(world, client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/javascript; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-cache"
    source = response.get_data(as_text=True)
    settings = json.loads(re.match(r"const SETTINGS = (.*);\n", source).group(1))
    assert settings["home"] == "/shopper"
    assert settings["visit_page"] == "/visits/"
    assert "/static/css/app.css" in settings["assets"]
    for url in settings["assets"]:
        with client.get(url) as asset:
            assert asset.status_code == 200, url
    assert any(
        re.fullmatch(r"/static/js/field/report\.js\?v=[0-9a-f]{12}", u) for u in settings["assets"]
    )
    assert 'addEventListener("fetch"' in source


def test_the_service_worker_imports_the_queue_and_the_sender_of_the_pages(world, client) -> None:
    source = client.get("/sw.js").get_data(as_text=True)
    settings = json.loads(re.match(r"const SETTINGS = (.*);\n", source).group(1))
    names = [
        re.fullmatch(r"/static/js/field/(\w+)\.js\?v=[0-9a-f]{12}", u) for u in settings["scripts"]
    ]
    assert [n.group(1) for n in names if n] == ["store", "sender"]
    # The very URLs the pages load, so the worker and the pages run the same code.
    assert set(settings["scripts"]) <= set(settings["assets"])
    for url in settings["scripts"]:
        with client.get(url) as script:
            assert script.status_code == 200, url
    assert (settings["api"], settings["session"]) == ("/api/v1", "/visits/session")
    assert "importScripts.apply(self, SETTINGS.scripts)" in source
    assert 'addEventListener("sync"' in source


def test_a_page_opened_from_the_phone_cache_can_get_a_fresh_token(world, client, auth) -> None:
    auth.sign_in(AYSE)
    response = client.get("/visits/session")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert set(response.json) == {"csrf_token", "user"}


def test_urdu_shoppers_get_the_visit_page_right_to_left(world, client, auth) -> None:
    make_user(world, "shopper", "u@test.example", language="ur")
    assignment_id = assign(world, "u@test.example")
    auth.sign_in("u@test.example")
    html = client.get(f"/visits/{assignment_id}").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in html


def test_every_page_has_a_small_icon(client) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
    assert len(icon.data) < 1024 and icon.data.startswith(b"<svg")
    assert '<link rel="icon" href="/static/img/favicon.svg"' in client.get("/sign-in").get_data(
        as_text=True
    )
    with client.get("/static/img/favicon.svg") as linked:
        assert linked.status_code == 200 and linked.mimetype == "image/svg+xml"
