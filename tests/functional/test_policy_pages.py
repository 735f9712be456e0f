"""The access policy's rules as people meet them on the pages: one answer everywhere.

What is overdue, and when scores are shown, is decided by ``shopper.domain.policy``;
the shopper's home, the coordinator's home, the phone's visit page and the
review page all show that one answer.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from shopper.extensions import db
from shopper.i18n import format_pct
from shopper.models import Assignment, User
from shopper.services import reviews, visits
from tests.factories import VISIT_A, assign, import_checklist, make_store, visit_body
from tests.support.web import make_user

AYSE = "ayse@test.example"
TODAY = date.today()
# The worked example's scores for VISIT_A: overall, then its two sections.
SCORES = (78.0, 87.5, 40.0)


@pytest.fixture
def world(app):
    """A coordinator, an owner, a shopper, four stores, the worked-example checklist."""
    make_user(app, "coordinator", "coordinator@test.example")
    make_user(app, "owner", "owner@test.example")
    make_user(app, "shopper", AYSE)
    for code, name in (("IST-01", "Beyoğlu"), ("IST-02", "Kadıköy"), ("IST-03", "Moda")):
        make_store(app, code, name=name)
    make_store(app, "IST-04", name="Şişli")
    import_checklist(app)
    return app


def _days(n: int) -> date:
    return TODAY + timedelta(days=n)


def _coordinator() -> User:
    return db.session.execute(
        select(User).where(User.email == "coordinator@test.example")
    ).scalar_one()


def _save_draft(app, assignment_id: int) -> None:
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        body = visit_body({"q1": "yes"})
        visits.save_draft(assignment, assignment.shopper, visits.parse_visit_input(body))


def _submit(app, assignment_id: int) -> None:
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        body = visit_body(VISIT_A)
        visits.submit(assignment, assignment.shopper, visits.parse_visit_input(body))


def _return(app, assignment_id: int) -> int:
    with app.app_context():
        visit = db.session.get(Assignment, assignment_id).visit
        reviews.return_to_shopper(visit, _coordinator(), "Which till was it?")
        return visit.id


def _item(html: str, assignment_id: int) -> str:
    """The shopper home's list item of one assignment."""
    match = re.search(
        rf'<li class="visit-item[^"]*" data-assignment="{assignment_id}">(.*?)</li>', html, re.S
    )
    assert match, f"assignment {assignment_id} is not listed"
    return match.group(1)


def _pdf_text(client, visit_id: int) -> str:
    response = client.get(f"/review/{visit_id}/report.pdf")
    assert response.status_code == 200
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def _scores(app) -> list[str]:
    with app.test_request_context():
        return [format_pct(score) for score in SCORES]


def test_overdue_means_not_yet_visited_after_the_last_day(world, client, auth) -> None:
    assigned_late = assign(world, AYSE, "IST-01", first_day=_days(-10), last_day=_days(-1))
    draft_late = assign(world, AYSE, "IST-02", first_day=_days(-10), last_day=_days(-1))
    returned_late = assign(world, AYSE, "IST-03", first_day=_days(-10), last_day=_days(-1))
    due_today = assign(world, AYSE, "IST-04", first_day=_days(-3), last_day=TODAY)
    in_time = assign(world, AYSE, "IST-01", first_day=_days(-3), last_day=_days(5))
    _save_draft(world, draft_late)
    _submit(world, returned_late)
    _return(world, returned_late)

    auth.sign_in(AYSE)
    home = client.get("/shopper").get_data(as_text=True)
    for overdue in (assigned_late, draft_late):
        assert "Overdue" in _item(home, overdue)
        assert "Last day today" not in _item(home, overdue)
    # Returned: the visit was made; it waits for the shopper's fix and says so, not "overdue".
    assert "Overdue" not in _item(home, returned_late)
    assert "Returned" in _item(home, returned_late)
    assert "Last day today" in _item(home, due_today)
    assert "Overdue" not in _item(home, due_today)
    assert "Overdue" not in _item(home, in_time)
    assert "Last day today" not in _item(home, in_time)

    # The coordinator's home counts the same visits as overdue, and the returned one apart.
    auth.sign_out()
    auth.sign_in("coordinator@test.example")
    attention = client.get("/coordinator").get_data(as_text=True)
    assert "2 overdue visits" in attention
    overdue_list, returned_list = re.findall(
        r'<ul class="attention-list">(.*?)</ul>', attention, re.S
    )
    assert sorted(int(i) for i in re.findall(r"/assignments/(\d+)", overdue_list)) == sorted(
        [assigned_late, draft_late]
    )
    assert re.findall(r"/assignments/(\d+)", returned_list) == [str(returned_late)]


def test_a_returned_report_shows_no_scores_on_the_phone(world, client, auth) -> None:
    assignment_id = assign(world, AYSE)
    _submit(world, assignment_id)
    _return(world, assignment_id)

    auth.sign_in(AYSE)
    html = client.get(f"/visits/{assignment_id}").get_data(as_text=True)
    assert "Returned by your coordinator" in html
    for score in _scores(world):
        assert score not in html
    assert "Overall score" not in html
    assert "of 10 points" not in html


def test_a_returned_report_shows_no_scores_on_the_review_page(world, client, auth) -> None:
    assignment_id = assign(world, AYSE)
    _submit(world, assignment_id)

    auth.sign_in("coordinator@test.example")
    with world.app_context():
        visit_id = db.session.get(Assignment, assignment_id).visit.id
    submitted = client.get(f"/review/{visit_id}").get_data(as_text=True)
    overall, *_ = _scores(world)
    assert f"<strong>{overall}</strong>" in submitted
    assert "of 10 points" in submitted
    in_pdf = _pdf_text(client, visit_id)
    assert "78.0%" in in_pdf and "19.5 / 25" in in_pdf and "10 / 10" in in_pdf

    _return(world, assignment_id)
    for person in ("coordinator@test.example", "owner@test.example"):
        auth.sign_out()
        auth.sign_in(person)
        returned = client.get(f"/review/{visit_id}").get_data(as_text=True)
        assert "Overall score" not in returned
        assert "of 10 points" not in returned
        for score in _scores(world):
            assert score not in returned
        # The answers themselves are still there to read.
        assert "4 on 1–5" in returned
        # Nobody decides on a returned report: the form is gone.
        assert 'id="decide"' not in returned
        # Nor does the report's PDF carry them.
        # Nor does the report's PDF carry them.
        in_pdf = _pdf_text(client, visit_id)
        assert "not scored" in in_pdf
        for figure in ("78.0%", "19.5 / 25", "87.5", "40.0", "10 / 10", "7.5 / 10"):
            assert figure not in in_pdf


def test_the_review_form_follows_the_policy_not_the_role_name(world, client, auth) -> None:
    assignment_id = assign(world, AYSE)
    _submit(world, assignment_id)
    with world.app_context():
        visit_id = db.session.get(Assignment, assignment_id).visit.id

    auth.sign_in("coordinator@test.example")
    page = client.get(f"/review/{visit_id}").get_data(as_text=True)
    assert 'id="decide"' in page
    assert 'href="/review"' in page  # back to the queue

    auth.sign_out()
    auth.sign_in("owner@test.example")
    page = client.get(f"/review/{visit_id}").get_data(as_text=True)
    assert 'id="decide"' not in page
    assert 'href="/review"' not in page
