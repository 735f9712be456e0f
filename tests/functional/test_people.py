"""Coordinators add shoppers, coordinators and owners, hand out invitation links, deactivate."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from shopper.extensions import db
from shopper.models import Assignment, Invitation, Store, User
from shopper.services import accounts, checklists
from tests.functional.test_stores import _any_csrf, _row_errors
from tests.support.checklists import CHECKLIST_FILES, load
from tests.support.web import PASSWORD, csrf_token, make_user

_LINK = re.compile(r'value="(http://localhost/invitation/[^"]+)" readonly')

PEOPLE_CSV = (
    "email,name,role,language\n"
    "Ayse@Example.com,Ayşe Yılmaz,shopper,tr\n"
    "erik@example.com,Erik Åström,shopper,sv\n"
    "somchai@example.com,สมชาย ใจดี,coordinator,th\n"
    "imran@example.com,عمران خان,owner,ur\n"
    "new@example.com,Nora New,shopper,\n"
).encode()


def _upload(client, content: bytes):
    page = client.get("/people/import")
    boundary, body = encode_multipart(
        {"csrf_token": csrf_token(page), "file": FileStorage(io.BytesIO(content), "people.csv")}
    )
    return client.post(
        "/people/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def _add(client, **fields):
    page = client.get("/people/new")
    data = {"csrf_token": csrf_token(page), "language": "en", "role": "shopper", **fields}
    return client.post("/people/new", data=data)


def _meta_csrf(page) -> str:
    """The CSRF token of a page's meta tag (the list's row buttons carry the same)."""
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', page.get_data(as_text=True))[1]


def _links(response) -> list[str]:
    return _LINK.findall(response.get_data(as_text=True))


def _people(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(db.select(User).order_by(User.email)).scalars()
        return [(u.email, u.name, u.role, u.language, u.active) for u in rows]


def _person_id(app, email: str) -> int:
    with app.app_context():
        return accounts.get_user(email).id


def _accept(client, link: str, password: str = "a long new password"):
    path = link.removeprefix("http://localhost")
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(
        path, data={"csrf_token": csrf_token(page), "password": password, "confirm": password}
    )


# Adding people on the page -------------------------------------------------


def test_coordinator_adds_a_shopper_and_passes_on_a_one_time_link(app, client, auth):
    auth.sign_in_as("coordinator")
    response = _add(client, email=" Lena@Example.COM ", name=" Lena Lind ", language="sv")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "Copy these links now: they are shown only this once." in page
    assert "Each link works once and is valid for 7 days." in page
    assert 'data-copy="link-1" hidden>Copy' in page
    assert (
        '<label class="visually-hidden" for="link-1">Invitation link for Lena Lind</label>' in page
    )
    [link] = _links(response)
    assert ("lena@example.com", "Lena Lind", "shopper", "sv", True) in _people(app)

    # The link is not shown again anywhere.
    assert link not in client.get("/people").get_data(as_text=True)
    other = app.test_client()
    assert _accept(other, link).location == "/"
    assert other.get("/shopper").status_code == 200
    assert other.get(link.removeprefix("http://localhost")).status_code == 404


@pytest.mark.config(INVITATION_DAYS=3)
def test_the_page_says_how_long_links_last(app, client, auth):
    auth.sign_in_as("coordinator")
    page = _add(client, email="x@example.com", name="X").get_data(as_text=True)
    assert "Each link works once and is valid for 3 days." in page


def test_adding_a_person_twice_or_with_a_bad_email_is_refused_at_the_field(app, client, auth):
    auth.sign_in_as("coordinator")
    _add(client, email="lena@example.com", name="Lena")
    again = _add(client, email="LENA@example.com", name="Lena Again")
    assert again.status_code == 409
    assert (
        '<p class="error" id="email-error">A person with the email lena@example.com exists already.</p>'
        in again.get_data(as_text=True)
    )
    bad = _add(client, email="not-an-email", name="X")
    assert bad.status_code == 422
    assert "not-an-email is not a valid email address." in bad.get_data(as_text=True)
    empty = _add(client, email="", name="")
    assert empty.status_code == 400
    assert [row[0] for row in _people(app)] == ["coordinator@test.example", "lena@example.com"]


def test_the_form_offers_the_three_roles_and_five_languages(client, auth):
    auth.sign_in_as("coordinator")
    page = client.get("/people/new").get_data(as_text=True)
    for role in ("Shopper", "Coordinator", "Owner"):
        assert f">{role}</option>" in page
    assert '<option lang="ur" value="ur">اردو</option>' in page


# Importing a users file ----------------------------------------------------


def test_a_users_file_adds_everyone_with_links_and_a_second_import_changes_nothing(
    app, client, auth
):
    auth.sign_in_as("coordinator")
    response = _upload(client, PEOPLE_CSV)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    links = _links(response)
    assert len(links) == 5 and len(set(links)) == 5
    page = response.get_data(as_text=True)
    for name in ("Ayşe Yılmaz", "Erik Åström", "สมชาย ใจดี", "عمران خان"):
        assert name in page
    assert "data-copy-all hidden>Copy all links" in page
    assert _people(app) == [
        ("ayse@example.com", "Ayşe Yılmaz", "shopper", "tr", True),
        ("coordinator@test.example", "Coordinator Person", "coordinator", "en", True),
        ("erik@example.com", "Erik Åström", "shopper", "sv", True),
        ("imran@example.com", "عمران خان", "owner", "ur", True),
        ("new@example.com", "Nora New", "shopper", "en", True),
        ("somchai@example.com", "สมชาย ใจดี", "coordinator", "th", True),
    ]
    with app.app_context():
        assert all(
            u.password_hash is None
            for u in db.session.execute(
                db.select(User).where(User.email != "coordinator@test.example")
            ).scalars()
        )

    before = _people(app)
    again = _upload(client, PEOPLE_CSV)
    assert again.status_code == 200
    assert _links(again) == []
    text = html.unescape(again.get_data(as_text=True))
    assert "Nobody new was added." in text
    assert "5 people in the file are here already and were left as they are:" in text
    assert _people(app) == before
    # The first links still work: re-importing made no new ones.
    assert _accept(app.test_client(), links[0]).status_code == 302


def test_a_users_file_changes_nobody_who_is_there_already(app, client, auth):
    auth.sign_in_as("coordinator")
    make_user(app, "shopper", "erik@example.com", name="Erik")
    response = _upload(client, b"email,role,name\nerik@example.com,coordinator,Erik E\n")
    assert _links(response) == []
    assert ("erik@example.com", "Erik", "shopper", "en", True) in _people(app)


def test_a_bad_users_file_adds_nobody_and_lists_every_problem(app, client, auth):
    auth.sign_in_as("coordinator")
    content = (
        "name,email,role,language\n"
        "Ayşe,ayse@example.com,boss,tr\n"
        "No Email,,shopper,en\n"
        "Erik,erik@,shopper,xx\n"
        ",blank@example.com,owner,\n"
        "Ayşe Again,AYSE@example.com,shopper,tr\n"
        "Fine,fine@example.com,Shopper,TR\n"
    ).encode()
    response = _upload(client, content)
    assert response.status_code == 422
    assert "Nobody was added." in response.get_data(as_text=True)
    assert _row_errors(response) == [
        (2, "role", "boss is not a role; use owner, coordinator, shopper or manager."),
        (3, "email", "An email address is required."),
        (4, "email", "erik@ is not a valid email address."),
        (4, "language", "xx is not a supported language; use one of en, tr, sv, th, ur."),
        (5, "name", "A name is required."),
        (6, "email", "The email ayse@example.com is on line 2 already."),
    ]
    assert [row[0] for row in _people(app)] == ["coordinator@test.example"]


def test_a_password_column_is_refused(app, client, auth):
    auth.sign_in_as("coordinator")
    response = _upload(client, b"email,name,role,password\nx@example.com,X,shopper,secret123456\n")
    assert response.status_code == 422
    assert _row_errors(response) == [
        (
            1,
            "password",
            "Unknown column password (column 4); the columns are email, name, role, language, stores.",
        )
    ]
    assert [row[0] for row in _people(app)] == ["coordinator@test.example"]


# Deactivating, reactivating, new links -------------------------------------


def _with_a_past_assignment(app, shopper_email: str) -> int:
    """A store, a checklist and an assignment of the shopper: the history to keep."""
    with app.app_context():
        checklist = checklists.import_document(load(CHECKLIST_FILES[-1]), None)
        store = Store(code="IST-01", name="Kadıköy", region="Marmara", city="", address="")
        db.session.add(store)
        assignment = Assignment(
            checklist=checklist.checklist,
            version=checklist.version,
            store=store,
            shopper=accounts.get_user(shopper_email),
            first_day=date.today() - timedelta(days=30),
            last_day=date.today() - timedelta(days=20),
            briefing="",
            status="approved",
        )
        db.session.add(assignment)
        db.session.commit()
        return assignment.id


def test_a_deactivated_shopper_is_signed_out_everywhere_and_keeps_their_history(app, client, auth):
    make_user(app, "shopper", "ayse@example.com", name="Ayşe")
    assignment_id = _with_a_past_assignment(app, "ayse@example.com")
    phone = app.test_client()
    from tests.support.web import AuthActions

    AuthActions(phone, app).sign_in("ayse@example.com")
    assert phone.get("/shopper").status_code == 200
    token = auth.api_token("ayse@example.com")

    auth.sign_in_as("coordinator")
    ayse = _person_id(app, "ayse@example.com")
    listing = client.get("/people")
    response = client.post(f"/people/{ayse}/deactivate", data={"csrf_token": _meta_csrf(listing)})
    assert response.status_code == 302
    listing = client.get("/people?active=no")
    assert "Ayşe is deactivated and can no longer sign in. Their reports stay." in html.unescape(
        listing.get_data(as_text=True)
    )
    assert ("ayse@example.com", "Ayşe", "shopper", "en", False) in _people(app)

    assert phone.get("/shopper").status_code == 302
    assert client.get("/api/v1/me", headers=token).status_code == 401
    assert AuthActions(app.test_client(), app).sign_in("ayse@example.com").status_code == 200
    with app.app_context():
        kept = db.session.get(Assignment, assignment_id)
        assert (kept.shopper.email, kept.status) == ("ayse@example.com", "approved")

    listing = client.get("/people?active=no")
    client.post(f"/people/{ayse}/activate", data={"csrf_token": _meta_csrf(listing)})
    assert ("ayse@example.com", "Ayşe", "shopper", "en", True) in _people(app)
    # Back with the password they had.
    assert (
        AuthActions(app.test_client(), app).sign_in("ayse@example.com", PASSWORD).status_code == 302
    )


def test_the_people_list_shows_state_and_filters(app, client, auth):
    auth.sign_in_as("coordinator")
    make_user(app, "shopper", "set@example.com", name="Has Password")
    _add(client, email="pending@example.com", name="Pending Person")
    make_user(app, "owner", "gone@example.com", name="Gone Owner")
    with app.app_context():
        accounts.get_user("gone@example.com").active = False
        db.session.commit()

    def names(query: str) -> list[str]:
        page = client.get("/people" + query).get_data(as_text=True)
        return re.findall(r"<td><bdi>([^<]+)</bdi></td>", page)

    assert names("") == ["Coordinator Person", "Has Password", "Pending Person"]
    assert names("?active=all") == [
        "Coordinator Person",
        "Gone Owner",
        "Has Password",
        "Pending Person",
    ]
    assert names("?active=no") == ["Gone Owner"]
    assert names("?role=shopper") == ["Has Password", "Pending Person"]
    assert names("?q=PENDING") == ["Pending Person"]
    page = client.get("/people").get_data(as_text=True)
    assert '<span class="badge">Invited</span>' in page
    # Nobody can deactivate themselves: there is no button on their own row.
    own = _person_id(app, "coordinator@test.example")
    assert f"/people/{own}/deactivate" not in page
    assert "Nobody matches these filters." in client.get("/people?q=zzz").get_data(as_text=True)


def test_a_coordinator_cannot_deactivate_themselves(app, client, auth):
    auth.sign_in_as("coordinator")
    own = _person_id(app, "coordinator@test.example")
    listing = client.get("/people")
    response = client.post(
        f"/people/{own}/deactivate", data={"csrf_token": _meta_csrf(listing)}, follow_redirects=True
    )
    assert "You cannot deactivate yourself; ask another coordinator." in response.get_data(
        as_text=True
    )
    assert client.get("/coordinator").status_code == 200
    headers = auth.api_token("coordinator@test.example")
    refused = client.post("/api/v1/users/coordinator@test.example/deactivate", headers=headers)
    assert refused.status_code == 422
    assert refused.json["error"]["message"] == (
        "You cannot deactivate yourself; ask another coordinator."
    )


def test_a_new_link_replaces_the_old_one_and_deactivation_ends_open_links(app, client, auth):
    auth.sign_in_as("coordinator")
    [first] = _links(_add(client, email="p@example.com", name="P"))
    person = _person_id(app, "p@example.com")
    listing = client.get("/people")
    renewed = client.post(f"/people/{person}/invite", data={"csrf_token": _meta_csrf(listing)})
    [second] = _links(renewed)
    reader = app.test_client()
    assert reader.get(first.removeprefix("http://localhost")).status_code == 404
    assert reader.get(second.removeprefix("http://localhost")).status_code == 200

    client.post(f"/people/{person}/deactivate", data={"csrf_token": _meta_csrf(listing)})
    assert reader.get(second.removeprefix("http://localhost")).status_code == 404
    refused = client.post(
        f"/people/{person}/invite", data={"csrf_token": _meta_csrf(listing)}, follow_redirects=True
    )
    assert "p@example.com is deactivated; activate them before sending a new link." in (
        refused.get_data(as_text=True)
    )
    client.post(f"/people/{person}/activate", data={"csrf_token": _meta_csrf(listing)})
    # Reactivating does not bring back links made before.
    assert reader.get(second.removeprefix("http://localhost")).status_code == 404
    with app.app_context():
        open_links = db.session.execute(
            db.select(Invitation).where(Invitation.used_at.is_(None))
        ).all()
        assert open_links == []
    assert (
        client.post("/people/999999/invite", data={"csrf_token": _meta_csrf(listing)}).status_code
        == 404
    )


def test_the_people_list_runs_the_same_queries_for_3_or_30_people(app, client, auth, count_queries):
    auth.sign_in_as("coordinator")
    for n in range(2):
        make_user(app, "shopper", f"s{n}@example.com", password=None)
    with count_queries() as few:
        assert client.get("/people?active=all").status_code == 200
    for n in range(2, 29):
        make_user(app, "shopper", f"s{n}@example.com", password=None)
    with count_queries() as many:
        page = client.get("/people?active=all")
    assert page.get_data(as_text=True).count("</tr>") == 31
    assert len(many) == len(few)


# Who may do what -----------------------------------------------------------

PAGES = ["/people", "/people/new", "/people/import"]


@pytest.mark.parametrize("role", ["owner", "shopper"])
def test_owners_and_shoppers_reach_none_of_the_people_pages_or_endpoints(app, client, auth, role):
    make_user(app, "shopper", "target@example.com")
    target = _person_id(app, "target@example.com")
    email = auth.sign_in_as(role)
    token = _any_csrf(client, "/account")
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    for path in [
        "/people/new",
        "/people/import",
        f"/people/{target}/deactivate",
        f"/people/{target}/activate",
        f"/people/{target}/invite",
    ]:
        response = client.post(
            path,
            data={"csrf_token": token, "email": "x@example.com", "name": "X", "role": "owner"},
        )
        assert response.status_code == 403, path
    headers = auth.api_token(email)
    assert client.get("/api/v1/users", headers=headers).status_code == 403
    assert client.get("/api/v1/users/target@example.com", headers=headers).status_code == 403
    body = {"email": "x@example.com", "name": "X", "role": "owner"}
    assert client.post("/api/v1/users", json=body, headers=headers).status_code == 403
    for action in ("deactivate", "activate", "invite"):
        response = client.post(f"/api/v1/users/target@example.com/{action}", headers=headers)
        assert response.status_code == 403, action
        assert response.json["error"]["code"] == "forbidden"
    assert [row[0] for row in _people(app)] == [f"{role}@test.example", "target@example.com"]
    assert 'href="/people"' not in client.get("/").get_data(as_text=True)


# The API -------------------------------------------------------------------


def _coordinator_api(app, auth) -> dict[str, str]:
    make_user(app, "coordinator", "c@test.example", name="Cem")
    return auth.api_token("c@test.example")


def test_api_adds_a_person_with_a_one_time_invitation_link(app, client, auth):
    headers = _coordinator_api(app, auth)
    body = {"email": "Ayse@Example.com", "name": "Ayşe Yılmaz", "role": "shopper", "language": "tr"}
    created = client.post("/api/v1/users", json=body, headers=headers)
    assert created.status_code == 201
    assert created.headers["Cache-Control"] == "no-store"
    answer = created.json
    link = answer.pop("invitation_url")
    expires = answer.pop("invitation_expires_at")
    assert answer == {
        "email": "ayse@example.com",
        "name": "Ayşe Yılmaz",
        "role": "shopper",
        "language": "tr",
        "stores": [],
        "active": True,
        "password_set": False,
    }
    assert link.startswith("http://localhost/invitation/")
    assert expires.endswith("+00:00")
    phone = app.test_client()
    assert _accept(phone, link).status_code == 302
    assert phone.get(link.removeprefix("http://localhost")).status_code == 404
    assert client.get("/api/v1/users/ayse@example.com", headers=headers).json["password_set"]

    again = client.post("/api/v1/users", json=body, headers=headers)
    assert again.status_code == 409
    assert again.json["error"]["message"] == (
        "A person with the email ayse@example.com exists already."
    )
    assert set(again.json["error"]["fields"]) == {"email"}
    no_language = {"email": "o@example.com", "name": "Olle", "role": "owner"}
    assert client.post("/api/v1/users", json=no_language, headers=headers).json["language"] == "en"


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"email": "x@example.com", "name": 5, "role": "shopper"}, {"name": "A name is required."}),
        (
            {"email": "x@example.com", "name": "X", "role": "boss"},
            {"role": "boss is not a role; use owner, coordinator, shopper or manager."},
        ),
        (
            {"email": "x@example.com", "name": "X", "role": "shopper", "language": "xx"},
            {"language": "xx is not a supported language; use one of en, tr, sv, th, ur."},
        ),
        (
            {"email": "nope", "name": "X", "role": "shopper"},
            {"email": "nope is not a valid email address."},
        ),
        (
            {"email": "x@example.com", "name": "X", "role": "shopper", "password": "secret"},
            {"password": "password is not a field of a person."},
        ),
        (
            {"email": ["x"], "name": {"a": 1}, "role": ["shopper"], "language": 7},
            {"email": None, "name": None, "role": None, "language": None},
        ),
        ({}, {"email": None, "name": None, "role": None}),
        (
            {"email": "x@example.com", "name": "x" * 201, "role": "shopper"},
            {"name": "The name is longer than 200 characters."},
        ),
        (
            {"email": "x@example.com", "name": "Nul\u0000", "role": "shopper"},
            {"name": "name contains control characters."},
        ),
    ],
    ids=[
        "name a number",
        "unknown role",
        "unknown language",
        "bad email",
        "a password",
        "all wrong types",
        "empty",
        "long name",
        "nul byte",
    ],
)
def test_api_bad_fields_are_named_and_nobody_is_added(app, client, auth, body, fields):
    headers = _coordinator_api(app, auth)
    response = client.post("/api/v1/users", json=body, headers=headers)
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == set(fields)
    for field, message in fields.items():
        if message is not None:
            assert error["fields"][field] == message
    assert client.get("/api/v1/users", headers=headers).json["total"] == 1


@pytest.mark.parametrize("body", [[], "x@example.com", 3])
def test_api_a_body_that_is_not_an_object_is_a_422(app, client, auth, body):
    headers = _coordinator_api(app, auth)
    response = client.post("/api/v1/users", json=body, headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["message"] == "The body must be a JSON object."


def test_api_lists_people_by_role_and_deactivates_and_reactivates(app, client, auth):
    headers = _coordinator_api(app, auth)
    make_user(app, "shopper", "ayse@example.com", name="Ayşe")
    make_user(app, "shopper", "erik@example.com", name="Erik")
    make_user(app, "owner", "olivia@example.com", name="Olivia")
    listing = client.get("/api/v1/users?role=shopper&per_page=1", headers=headers).json
    assert listing == {
        "items": [
            {
                "email": "ayse@example.com",
                "name": "Ayşe",
                "role": "shopper",
                "language": "en",
                "stores": [],
                "active": True,
                "password_set": True,
            }
        ],
        "page": 1,
        "per_page": 1,
        "total": 2,
    }
    bad = client.get("/api/v1/users?role=boss", headers=headers)
    assert bad.status_code == 400
    assert set(bad.json["error"]["fields"]) == {"role"}

    off = client.post("/api/v1/users/Erik@Example.com/deactivate", headers=headers)
    assert off.status_code == 200
    assert off.json["active"] is False
    assert (
        client.post("/api/v1/users/erik@example.com/deactivate", headers=headers).status_code == 200
    )

    def emails(query: str) -> list[str]:
        return [
            u["email"] for u in client.get("/api/v1/users" + query, headers=headers).json["items"]
        ]

    assert emails("?active=no") == ["erik@example.com"]
    assert emails("?active=yes&role=shopper") == ["ayse@example.com"]
    assert emails("") == [
        "ayse@example.com",
        "c@test.example",
        "erik@example.com",
        "olivia@example.com",
    ]
    refused = client.post("/api/v1/users/erik@example.com/invite", headers=headers)
    assert refused.status_code == 409
    on = client.post("/api/v1/users/erik@example.com/activate", headers=headers)
    assert on.json["active"] is True
    invited = client.post("/api/v1/users/erik@example.com/invite", headers=headers)
    assert invited.status_code == 200
    assert invited.json["invitation_url"].startswith("http://localhost/invitation/")
    missing = client.post("/api/v1/users/nobody@example.com/deactivate", headers=headers)
    assert missing.status_code == 404
    assert missing.json["error"]["message"] == "No person with the email nobody@example.com."
