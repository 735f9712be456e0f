"""``GET /healthz``: anyone may ask; 200 while the database answers, 503 when it does not."""

from __future__ import annotations

import pytest

from shopper import create_app
from tests.conftest import settings
from tests.support.processes import free_port


def test_healthz_answers_ok_to_anyone_without_sign_in(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="5 per minute")
def test_healthz_is_never_rate_limited(client) -> None:
    # The same limit on every view: a page runs out of it, the health check never does.
    pages = [client.get("/sign-in").status_code for _ in range(8)]
    assert pages.count(429) == 3
    for _ in range(50):
        assert client.get("/healthz").status_code == 200
    assert client.head("/healthz").status_code == 200


def test_healthz_answers_ok_to_a_signed_in_person_too(client, auth) -> None:
    auth.sign_in_as("shopper")
    assert client.get("/healthz").json == {"status": "ok"}


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def test_healthz_says_unavailable_with_503_when_the_database_cannot_answer(
    backend, tmp_path
) -> None:
    if backend == "sqlite":
        # A file in a folder that does not exist: SQLite cannot open it.
        url = f"sqlite:///{tmp_path / 'missing' / 'folder' / 'shopper.sqlite3'}"
    else:
        # Nothing listens on this port.
        url = f"postgresql+psycopg://shopper@127.0.0.1:{free_port()}/shopper?connect_timeout=2"
    app = create_app(settings(url, tmp_path / "instance"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable"}
