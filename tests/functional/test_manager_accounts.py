"""Store managers are linked to their stores wherever people are made: the command line,
the users file, the API and the people pages. A manager without stores, or with a store
that does not exist, is refused and nothing is saved."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from shopper.extensions import db
from shopper.models import User
from tests.factories import make_store
from tests.support.web import csrf_token, make_user


def _stores_of(app, email: str) -> list[str] | None:
    """The codes of the person's stores, or None when there is no such person."""
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        return None if user is None else [store.code for store in user.stores]


@pytest.fixture
def stores(app):
    make_store(app, "IST-01")
    make_store(app, "IST-02")
    make_store(app, "ANK-01", "Central")
    return app


def test_the_command_makes_a_manager_of_the_stores_given(stores, runner):
    result = runner.invoke(
        args=[
            "user",
            "create",
            "m@test.example",
            "--name",
            "Mehmet",
            "--role",
            "manager",
            "--stores",
            "IST-01 ist-02",
            "--password",
            "correct horse battery",
        ]  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Created manager m@test.example.\nStores: IST-01 IST-02\n"
    assert _stores_of(stores, "m@test.example") == ["IST-01", "IST-02"]


@pytest.mark.parametrize(
    ("role", "codes", "message"),
    [
        ("manager", "", "A store manager needs at least one store: give the store codes."),
        ("manager", "IST-01 NOPE-9 NOPE-8", "There is no store NOPE-9, NOPE-8."),
        ("shopper", "IST-01", "Only a store manager is linked to stores."),
    ],
)
def test_the_command_refuses_a_manager_without_real_stores(stores, runner, role, codes, message):
    result = runner.invoke(
        args=["user", "create", "m@test.example", "--name", "M", "--role", role, "--stores", codes]
    )
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"
    assert _stores_of(stores, "m@test.example") is None


def _upload(client, content: bytes):
    page = client.get("/people/import")
    boundary, body = encode_multipart(
        {"csrf_token": csrf_token(page), "file": FileStorage(io.BytesIO(content), "people.csv")}
    )
    return client.post(
        "/people/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_the_users_file_links_managers_to_the_stores_column(stores, client, auth):
    auth.sign_in_as("coordinator")
    content = (
        b"email,name,role,language,stores\n"
        b"m1@test.example,Mina,manager,tr,IST-01 IST-02\n"
        b"m2@test.example,Mats,manager,sv,ANK-01\n"
        b"s@test.example,Sara,shopper,en,\n"
    )
    response = _upload(client, content)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _stores_of(stores, "m1@test.example") == ["IST-01", "IST-02"]
    assert _stores_of(stores, "m2@test.example") == ["ANK-01"]
    assert _stores_of(stores, "s@test.example") == []


def test_a_users_file_with_a_bad_stores_cell_saves_nobody(stores, client, auth):
    auth.sign_in_as("coordinator")
    content = (
        b"email,name,role,stores\n"
        b"m1@test.example,Mina,manager,IST-01\n"
        b"m2@test.example,Mats,manager,\n"
        b"m3@test.example,Mia,manager,IST-09\n"
        b"s@test.example,Sara,shopper,IST-01\n"
    )
    response = _upload(client, content)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A store manager needs at least one store: give the store codes." in html
    assert "There is no store IST-09." in html
    assert "Only a store manager is linked to stores." in html
    for email in ("m1", "m2", "m3", "s"):
        assert _stores_of(stores, f"{email}@test.example") is None


def test_the_api_makes_a_manager_and_answers_their_stores(stores, client, auth):
    email = auth.sign_in_as("coordinator")
    headers = auth.api_token(email)
    body = {"email": "m@test.example", "name": "M", "role": "manager", "stores": ["ANK-01"]}
    created = client.post("/api/v1/users", json=body, headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["stores"] == ["ANK-01"]
    assert client.get("/api/v1/users/m@test.example", headers=headers).json["stores"] == ["ANK-01"]
    assert client.get("/api/v1/me", headers=headers).json["stores"] == []
    for number, (bad, message) in enumerate(
        [
            ({"stores": []}, "A store manager needs at least one store: give the store codes."),
            ({"stores": ["NOPE"]}, "There is no store NOPE."),
            ({"stores": "IST-01"}, None),
            ({"stores": 7}, "Give the store codes as a list."),
            ({"role": "owner", "stores": ["IST-01"]}, "Only a store manager is linked to stores."),
        ]
    ):
        answer = client.post(
            "/api/v1/users",
            json={**body, "email": f"n{number}@test.example", **bad},
            headers=headers,
        )
        if message is None:  # one code as text is read as the list of it
            assert answer.status_code == 201
            assert answer.json["stores"] == ["IST-01"]
            continue
        assert answer.status_code == 422, bad
        assert answer.json["error"]["fields"]["stores"] == message
        assert _stores_of(stores, f"n{number}@test.example") is None


def test_a_coordinator_chooses_a_managers_stores_on_the_pages(stores, client, auth):
    auth.sign_in_as("coordinator")
    page = client.get("/people/new")
    assert '<option value="IST-02">IST-02 · Store IST-02</option>' in page.get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "email": "m@test.example", "name": "M"}
    refused = client.post("/people/new", data={**data, "role": "manager", "language": "en"})
    assert refused.status_code == 422
    assert "A store manager needs at least one store" in refused.get_data(as_text=True)
    added = client.post(
        "/people/new",
        data={**data, "role": "manager", "language": "en", "stores": ["IST-01", "ANK-01"]},
    )
    assert added.status_code == 200
    assert _stores_of(stores, "m@test.example") == ["ANK-01", "IST-01"]
    with stores.app_context():
        user_id = db.session.execute(
            select(User.id).where(User.email == "m@test.example")
        ).scalar_one()
    person = client.get(f"/people/{user_id}")
    html = person.get_data(as_text=True)
    assert '<option selected value="IST-01">' in html
    assert '<option value="IST-02">' in html
    token = csrf_token(person)
    saved = client.post(f"/people/{user_id}/stores", data={"csrf_token": token, "stores": "IST-02"})
    assert saved.status_code == 302
    assert _stores_of(stores, "m@test.example") == ["IST-02"]
    emptied = client.post(f"/people/{user_id}/stores", data={"csrf_token": token})
    assert emptied.status_code == 302
    assert _stores_of(stores, "m@test.example") == ["IST-02"]
    shown = client.get(f"/people/{user_id}").get_data(as_text=True)
    assert "A store manager needs at least one store" in shown
    listing = client.get("/people?role=manager").get_data(as_text=True)
    assert '<span class="hint">IST-02</span>' in listing


def test_a_shoppers_page_offers_no_stores(stores, client, auth):
    auth.sign_in_as("coordinator")
    user_id = make_user(stores, "shopper", "s@test.example")
    assert 'id="stores"' not in client.get(f"/people/{user_id}").get_data(as_text=True)
