"""Mystery shoppers stay anonymous to stores: no answer a store manager can get names them.

A shopper with a name, an email and an id found nowhere else visits store A
(her report returned with a note naming her, sent again, approved, with a
photo whose EXIF carries her name) and store B. The manager of store A then
opens every route of ``tests/support/authorization.py`` a manager may reach
(pages, JSON, PDFs with their text extracted, CSV, XLSX unzipped) and none
holds her name, email or id. The manager of A finds nothing of store B's.
"""

from __future__ import annotations

import copy
import io
import zipfile
from datetime import date, timedelta

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select, update

from shopper.domain.follow_up import ActionStatus
from shopper.extensions import db
from shopper.models import Assignment, Role, Store, StoreAction, User, Visit
from shopper.services import accounts, assignments, photos, reviews, visits
from shopper.services.assignments import AssignmentInput
from tests.factories import WORKED_EXAMPLE, import_checklist, jpeg, make_store, visit_body
from tests.support.authorization import EXPECTED, Outcome, Side, expected
from tests.support.web import PASSWORD, make_user

NAME = "Zeynep Shopperova"
EMAIL = "zeynep.unique@example.com"
SHOPPER_ID = 987654  # an id no other row has, so finding it means finding her
MANAGER = "manager-a@test.example"
COORDINATOR = "coordinator@test.example"
TRACES = (NAME, "Zeynep", "Shopperova", EMAIL, "zeynep.unique", str(SHOPPER_ID), "shopper_id")
# The worked example's checklist, with photos allowed on q1, and every answer.
CHECKLIST = copy.deepcopy(WORKED_EXAMPLE)
CHECKLIST["sections"][0]["questions"][0]["photo"] = "optional"
VALUES = {"q1": "yes", "q2": 4, "q3": "b", "q4": 7}


def _visit(app, store: str, client_id: str) -> tuple[int, int, int]:
    """Her approved visit at ``store`` (first given to another shopper, returned once with
    a note naming her): the visit's, its photo's and its assignment's ids."""
    today = date.today()
    with app.app_context():
        coordinator = accounts.get_user(COORDINATOR)
        shopper = accounts.get_user(EMAIL)
        (assignment,) = assignments.create_assignments(
            [
                AssignmentInput(
                    store,
                    "worked",
                    "other@test.example",
                    (today - timedelta(days=2)).isoformat(),
                    (today + timedelta(days=5)).isoformat(),
                    f"{NAME}: ask for the manager by name.",
                )
            ],
            coordinator,
        )
        assignments.reassign(assignment, EMAIL, coordinator)
        answers = visits.parse_visit_input(visit_body(VALUES, client_id=client_id))
        visit = visits.save_draft(db.session.get(Assignment, assignment.id), shopper, answers)
        exif = Image.Exif()
        exif[0x013B] = NAME  # Artist
        exif[0x8298] = EMAIL  # Copyright
        photo = photos.add_photo(visit, shopper, "q1", io.BytesIO(jpeg(64, 48, exif=exif)))
        visits.submit(db.session.get(Assignment, assignment.id), shopper, answers)
        reviews.return_to_shopper(
            db.session.get(Visit, visit.id), coordinator, f"{NAME}, look at q2 again."
        )
        visits.submit(db.session.get(Assignment, assignment.id), shopper, answers)
        reviews.approve(db.session.get(Visit, visit.id), coordinator, f"Thanks {NAME}")
        return visit.id, photo.id, assignment.id


@pytest.fixture
def world(app):
    """Stores A (IST-01) and B (IST-02), her approved visits at both, a manager of A."""
    make_user(app, "coordinator", COORDINATOR)
    make_user(app, "shopper", "other@test.example", name="Other Person")
    make_user(app, "shopper", EMAIL, name=NAME)
    with app.app_context():
        db.session.execute(update(User).where(User.email == EMAIL).values(id=SHOPPER_ID))
        db.session.commit()
    make_store(app, "IST-01", "Marmara")
    make_store(app, "IST-02", "Marmara")
    import_checklist(app, CHECKLIST)
    sides = {
        Side.OWN: _visit(app, "IST-01", "zeynep-phone-a"),
        Side.OTHER: _visit(app, "IST-02", "zeynep-phone-b"),
    }
    make_user(app, "manager", MANAGER, stores=["IST-01"])
    with app.app_context():
        store = db.session.execute(select(Store).where(Store.code == "IST-01")).scalar_one()
        db.session.add(
            StoreAction(
                store_id=store.id,
                title="Greet every customer",
                status=ActionStatus.OPEN,
                due_on=date.today() + timedelta(days=14),
                visit_id=sides[Side.OWN][0],
                question_code="q1",
            )
        )
        db.session.commit()
        action_ids = {Side.OWN: db.session.execute(select(StoreAction.id)).scalar_one()}
        manager = accounts.get_user(MANAGER)
        issued = accounts.create_token(manager, "test")
        token = {"id": issued.token.id, "secret": issued.secret}
    return {"sides": sides, "actions": action_ids, "token": token}


def _query(store: str | None = None) -> str:
    """A comparison query of this month (``store``: one store's)."""
    today = date.today()
    query = f"checklist=worked&first_day={today.replace(day=1)}&last_day={today}"
    return f"{query}&store={store}" if store else query


def _fill(path: str, world: dict, side: Side) -> str:
    """The table's ``/path/{argument}`` filled with ``side``'s objects."""
    visit_id, photo_id, assignment_id = world["sides"][side]
    values = {
        "visit_id": visit_id,
        "photo_id": photo_id,
        "assignment_id": assignment_id,
        "action_id": world["actions"].get(side, 0),
        "code": "IST-01" if side is Side.OWN else "IST-02",
        "token_id": world["token"]["id"],
        "user_id": SHOPPER_ID,
        "email": EMAIL,
        "secret": "no-such-invitation",
        "filename": "css/app.css",
    }
    filled = path
    for name, value in values.items():
        filled = filled.replace("{" + name + "}", str(value))
    assert "{" not in filled, f"the anonymity test has no object for {path}"
    return filled


def _text(body: bytes, content_type: str) -> str:
    """Everything a reader could find in a response: PDF text and metadata, XLSX cells."""
    if content_type.startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(body))
        pages = "\n".join(page.extract_text() or "" for page in reader.pages)
        return pages + "\n" + str(dict(reader.metadata or {}))
    if "spreadsheetml" in content_type:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    if content_type.startswith("image/"):
        return body.decode("latin-1")
    return body.decode("utf-8", "replace")


def _manager_gets() -> list[str]:
    """Every GET route of the table a manager may reach (on their own store's objects)."""
    return sorted(
        path
        for (method, path), rule in EXPECTED.items()
        if method == "GET"
        and not rule.public
        and expected(rule, Role.MANAGER, Side.OWN) is Outcome.ALLOWED
    )


def test_the_table_lets_a_manager_read_the_routes_this_test_reads():
    paths = _manager_gets()
    for path in ("/manager", "/review/{visit_id}", "/api/v1/visits/{visit_id}"):
        assert path in paths
    assert "/api/v1/comparison.xlsx" in paths and "/reports/comparison.pdf" in paths


def test_no_answer_a_manager_gets_names_or_identifies_the_shopper(app, client, auth, world):
    auth.sign_in(MANAGER, PASSWORD)
    headers = {"Authorization": f"Bearer {world['token']['secret']}"}
    read = []
    for path in _manager_gets():
        url = _fill(path, world, Side.OWN)
        queries = [_query(), _query("IST-01")] if "comparison" in path else [_query()]
        for query in queries:
            response = client.get(
                f"{url}?{query}",
                headers=headers if "/api/" in url else {},
                follow_redirects=True,
            )
            assert response.status_code == 200, (url, query, response.status_code)
            text = _text(response.get_data(), response.content_type)
            response.close()
            found = [trace for trace in TRACES if trace.lower() in text.lower()]
            assert found == [], (url, query, found)
            read.append((path, response.content_type.split(";")[0]))
    kinds = {kind for _, kind in read}
    assert {"text/html", "application/json", "application/pdf", "text/csv", "image/jpeg"} <= kinds
    assert any("spreadsheetml" in kind for kind in kinds)
    # The report is there, only without her: the page, the JSON, the photo and the PDF.
    visit_id, photo_id, _ = world["sides"][Side.OWN]
    page = client.get(f"/review/{visit_id}").get_data(as_text=True)
    assert "A mystery shopper sent the report" in page
    assert f"/api/v1/photos/{photo_id}" in page
    visit = client.get(f"/api/v1/visits/{visit_id}", headers=headers).json
    assert visit["status"] == "approved"
    assert (visit["client_id"], visit["review_note"]) == (None, "")
    assert [p["id"] for p in visit["photos"]] == [photo_id]
    pdf = PdfReader(io.BytesIO(client.get(f"/review/{visit_id}/report.pdf").get_data()))
    assert "A mystery shopper" in "".join(page.extract_text() for page in pdf.pages)


def test_a_coordinator_still_reads_who_made_the_visit(app, client, auth, world):
    auth.sign_in(COORDINATOR, PASSWORD)
    visit_id, _, _ = world["sides"][Side.OWN]
    page = client.get(f"/review/{visit_id}").get_data(as_text=True)
    assert NAME in page and f"{NAME}, look at q2 again." in page
    assert f"{NAME} sent the report" in page
    headers = {"Authorization": f"Bearer {accounts_token(app, COORDINATOR)}"}
    assert client.get(f"/api/v1/visits/{visit_id}", headers=headers).json["client_id"] == (
        "zeynep-phone-a"
    )


def accounts_token(app, email: str) -> str:
    with app.app_context():
        return accounts.create_token(accounts.get_user(email), "check").secret


def test_the_manager_of_store_a_finds_nothing_of_store_b(app, client, auth, world):
    auth.sign_in(MANAGER, PASSWORD)
    headers = {"Authorization": f"Bearer {world['token']['secret']}"}
    visit_id, photo_id, assignment_id = world["sides"][Side.OTHER]
    not_found = [
        f"/review/{visit_id}",
        f"/review/{visit_id}/report.pdf",
        f"/api/v1/visits/{visit_id}",
        f"/api/v1/photos/{photo_id}",
        f"/api/v1/photos/{photo_id}?size=thumb",
        f"/reports/stores/IST-02?{_query()}",
        f"/reports/comparison.pdf?{_query('IST-02')}",
        f"/reports/comparison.csv?{_query('IST-02')}",
        f"/api/v1/comparison?{_query('IST-02')}",
        f"/api/v1/comparison.pdf?{_query('IST-02')}",
        f"/api/v1/comparison.xlsx?{_query('IST-02')}",
    ]
    for url in not_found:
        response = client.get(url, headers=headers if url.startswith("/api/") else {})
        response.close()
        assert response.status_code == 404, url
    forbidden = [
        f"/assignments/{assignment_id}",
        f"/api/v1/assignments/{assignment_id}",
        "/api/v1/assignments",
        "/review",
        "/stores",
        "/api/v1/stores",
        f"/people/{SHOPPER_ID}",
        f"/api/v1/users/{EMAIL}",
        "/checklists",
    ]
    for url in forbidden:
        response = client.get(url, headers=headers if url.startswith("/api/") else {})
        assert response.status_code == 403, url
    refused_writes = [
        f"/api/v1/visits/{world['sides'][Side.OWN][0]}/review",
        "/api/v1/assignments",
        "/api/v1/stores",
    ]
    for url in refused_writes:
        assert client.post(url, json={}, headers=headers).status_code == 403, url
    # Their own store's comparison lists their store, and the chain's figures stay whole.
    document = client.get(f"/api/v1/comparison?{_query()}", headers=headers).json
    assert [s["code"] for s in document["stores"]] == ["IST-01"]
    assert document["chain"]["visits"] == 2
