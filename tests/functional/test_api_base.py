"""API conventions: bearer tokens or session plus CSRF header, JSON errors, pagination."""

from __future__ import annotations

import pytest
from flask import Flask

from shopper.api.pagination import paginate
from shopper.extensions import db
from shopper.models import User
from shopper.services.errors import ServiceError
from tests.support.web import make_user


def test_me_with_a_bearer_token(app, client, auth) -> None:
    make_user(app, "owner", "o@test.example", name="Özlem Öztürk", language="tr")
    response = client.get("/api/v1/me", headers=auth.api_token("o@test.example"))
    assert response.status_code == 200
    assert response.json == {
        "email": "o@test.example",
        "name": "Özlem Öztürk",
        "role": "owner",
        "language": "tr",
        "stores": [],
    }


def test_me_with_the_browser_session(client, auth) -> None:
    auth.sign_in_as("shopper")
    assert client.get("/api/v1/me").json["role"] == "shopper"


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer ", "Bearer shp_" + "x" * 43])
def test_a_bad_token_is_401_even_with_a_session(client, auth, header) -> None:
    auth.sign_in_as("shopper")
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_no_credentials_is_401_json(client) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert set(response.json["error"]) == {"code", "message"}


def test_a_token_of_a_deactivated_person_stops_working(app, client, auth) -> None:
    make_user(app, "coordinator", "c@test.example")
    headers = auth.api_token("c@test.example")
    with app.app_context():
        db.session.execute(db.select(User)).scalar_one().active = False
        db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_tokens_do_not_open_the_web_pages(app, client, auth) -> None:
    make_user(app, "coordinator", "c@test.example")
    response = client.get("/coordinator", headers=auth.api_token("c@test.example"))
    assert response.status_code == 302


def test_unknown_api_path_is_a_json_404(client) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_a_token_made_on_the_account_page_works_and_can_be_deleted(app, client, auth) -> None:
    from tests.support.web import csrf_token

    auth.sign_in_as("coordinator")
    page = client.get("/account")
    made = client.post(
        "/account/tokens", data={"csrf_token": csrf_token(page), "token-name": "import script"}
    )
    html = made.get_data(as_text=True)
    assert "import script" in html
    secret = html.split('id="new-token">')[1].split("<")[0]
    other = app.test_client()
    assert other.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    # Shown once: the account page does not show it again.
    assert secret not in client.get("/account").get_data(as_text=True)

    with app.app_context():
        token_id = db.session.execute(db.select(User)).scalar_one().tokens[0].id
    page = client.get("/account")
    client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(page)})
    assert other.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_person_cannot_delete_another_persons_token(app, client, auth) -> None:
    from tests.support.web import csrf_token

    make_user(app, "owner", "o@test.example")
    headers = auth.api_token("o@test.example")
    with app.app_context():
        token_id = (
            db.session.execute(db.select(User).where(User.email == "o@test.example"))
            .scalar_one()
            .tokens[0]
            .id
        )
    auth.sign_in_as("coordinator")
    page = client.get("/account")
    response = client.post(
        f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 404
    assert client.get("/api/v1/me", headers=headers).json["email"] == "o@test.example"


def _people_page(app: Flask, query: str) -> dict:
    with app.test_request_context("/api/v1/x?" + query):
        return paginate(db.select(User).order_by(User.email), lambda user: {"email": user.email})


def test_lists_are_paginated(app) -> None:
    for number in range(5):
        make_user(app, "shopper", f"s{number}@test.example", password=None)
    page = _people_page(app, "page=2&per_page=2")
    assert page == {
        "items": [{"email": "s2@test.example"}, {"email": "s3@test.example"}],
        "page": 2,
        "per_page": 2,
        "total": 5,
    }
    assert _people_page(app, "")["per_page"] == 50


@pytest.mark.parametrize("query", ["page=0", "page=x", "per_page=201", "per_page=-1"])
def test_bad_pagination_is_a_clear_400(app, query) -> None:
    with pytest.raises(ServiceError) as raised:
        _people_page(app, query)
    assert raised.value.status == 400
    assert "must be a whole number" in str(raised.value)


def test_openapi_document_describes_every_api_route(app, client) -> None:
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    described = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
    }
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = rule.rule.removeprefix("/api/v1")
        for converter in ("int:", "string:", "path:"):
            path = path.replace("<" + converter, "<")
        path = path.replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routed.add((path, method))
    assert described == routed
