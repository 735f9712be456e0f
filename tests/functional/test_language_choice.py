"""Each person reads the interface in their own language; before sign-in, the browser's.

The catalogues here are made by the test, one per language, each string marked
with its language (``⟦tr:Sign out⟧``): the tests prove which catalogue the
choice reaches, whatever the real catalogues say.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from shopper.extensions import db
from shopper.services import accounts
from tests.support.catalogues import (
    TRANSLATED,
    app_reading,
    extract_template,
    write_pseudo_translations,
)
from tests.support.web import PASSWORD, AuthActions, csrf_token, make_user

NEW_PASSWORD = "a long enough password"
MARKED = re.compile(r"\u27e6(\w\w):")


@pytest.fixture(scope="module")
def tagged_translations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalogue for each interface language, every string tagged with its language."""
    folder = tmp_path_factory.mktemp("tagged")
    template = extract_template(folder / "messages.pot")
    for language in TRANSLATED:
        write_pseudo_translations(template, folder / "translations", language, f"{language}:")
    return folder / "translations"


@pytest.fixture
def tagged_app(database_url: str, tmp_path: Path, tagged_translations: Path) -> Iterator[Flask]:
    with app_reading(database_url, tmp_path / "instance", tagged_translations) as app:
        yield app


def spoken(client: FlaskClient, path: str, **headers: str) -> set[str]:
    """The languages whose catalogue wrote the page (none: English, the source)."""
    page = client.get(path, headers=headers, follow_redirects=True)
    assert page.status_code == 200, path
    return set(MARKED.findall(page.get_data(as_text=True)))


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    page = client.get("/sign-in")
    data = {"csrf_token": csrf_token(page), "email": email, "password": password}
    assert client.post("/sign-in", data=data).status_code == 302


def test_before_sign_in_the_browser_s_language_chooses(tagged_app: Flask) -> None:
    client = tagged_app.test_client()
    assert spoken(client, "/sign-in", **{"Accept-Language": "sv-SE,sv;q=0.9,en;q=0.5"}) == {"sv"}
    assert spoken(client, "/sign-in", **{"Accept-Language": "de-DE,th;q=0.8"}) == {"th"}
    assert spoken(client, "/sign-in", **{"Accept-Language": "de-DE,de;q=0.9"}) == set()
    assert spoken(client, "/sign-in") == set()
    page = client.get("/sign-in", headers={"Accept-Language": "ur-PK"}).get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in page and "\u27e6ur:" in page


def test_after_sign_in_the_person_s_language_wins_over_the_browser(tagged_app: Flask) -> None:
    make_user(tagged_app, "owner", "o@test.example", language="tr")
    make_user(tagged_app, "coordinator", "c@test.example")
    client = tagged_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    sign_in(client, "o@test.example")
    assert spoken(client, "/") == {"tr"}
    english = tagged_app.test_client()
    english.environ_base["HTTP_ACCEPT_LANGUAGE"] = "th"
    sign_in(english, "c@test.example")
    assert spoken(english, "/") == set()


def test_the_account_page_sets_the_language(tagged_app: Flask) -> None:
    client = tagged_app.test_client()
    AuthActions(client, tagged_app).sign_in_as("shopper")
    assert spoken(client, "/account") == set()
    for language in (*TRANSLATED, "en"):
        page = client.get("/account")
        response = client.post(
            "/account/language",
            data={"csrf_token": csrf_token(page), "lang-language": language},
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        assert spoken(client, "/account") == ({language} if language != "en" else set())


def test_the_users_file_sets_each_person_s_language(tagged_app: Flask) -> None:
    client = tagged_app.test_client()
    AuthActions(client, tagged_app).sign_in_as("coordinator")
    people = (
        "email,name,role,language\n"
        "ayse@example.com,Ayşe Yılmaz,shopper,tr\n"
        "imran@example.com,عمران خان,owner,ur\n"
        "nora@example.com,Nora New,shopper,\n"
    ).encode()
    page = client.get("/people/import")
    boundary, body = encode_multipart(
        {"csrf_token": csrf_token(page), "file": FileStorage(io.BytesIO(people), "people.csv")}
    )
    imported = client.post(
        "/people/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert imported.status_code == 200
    links = re.findall(r'value="http://localhost/invitation/([^"]+)" readonly', imported.text)
    assert len(links) == 3
    with tagged_app.app_context():
        for secret in links:
            accounts.accept_invitation(secret, NEW_PASSWORD)
        db.session.commit()
    for email, languages in (
        ("ayse@example.com", {"tr"}),
        ("imran@example.com", {"ur"}),
        ("nora@example.com", set()),
    ):
        reader = tagged_app.test_client()
        reader.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
        sign_in(reader, email, NEW_PASSWORD)
        assert spoken(reader, "/") == languages, email


def test_the_api_sets_the_language_and_answers_in_it(tagged_app: Flask) -> None:
    make_user(tagged_app, "coordinator", "c@test.example")
    client = tagged_app.test_client()
    headers = AuthActions(client, tagged_app).api_token("c@test.example")
    body = {"email": "somchai@example.com", "name": "Somchai", "role": "shopper", "language": "th"}
    created = client.post("/api/v1/users", json=body, headers=headers)
    assert created.status_code == 201, created.json
    secret = created.json["invitation_url"].rsplit("/", 1)[1]
    with tagged_app.app_context():
        accounts.accept_invitation(secret, NEW_PASSWORD)
        db.session.commit()
        somchai = AuthActions(client, tagged_app).api_token("somchai@example.com")
    assert client.get("/api/v1/me", headers=somchai).json["language"] == "th"
    refused = client.get("/api/v1/users", headers=somchai)
    assert refused.status_code == 403
    assert refused.json["error"]["message"].startswith("\u27e6th:"), refused.json
    wrong = client.post("/api/v1/users", json={**body, "language": "xx"}, headers=headers)
    assert wrong.status_code == 422 and wrong.json["error"]["fields"]["language"], wrong.json
