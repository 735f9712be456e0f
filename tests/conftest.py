"""Fixtures: the app on SQLite and on PostgreSQL, a client, a CLI runner, sign-in actions.

Every test that takes ``app`` (or what depends on it) runs twice: once on
SQLite, once on a real PostgreSQL server the suite starts itself. The schema is
made by the real migrations, once per database, and emptied after each test.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text
from werkzeug.serving import make_server

from shopper import create_app
from shopper.devtools import postgres, redis
from shopper.extensions import db
from tests.support import queries
from tests.support.mail import Mailbox, SmtpServer
from tests.support.web import AuthActions

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
ARTIFACTS = REPO / "tests" / "artifacts"
REQUIRE_ALL = os.environ.get("SHOPPER_TEST_REQUIRE_ALL") == "1"

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def unavailable(reason: str) -> None:
    """Skip, except in CI where everything must run."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (SHOPPER_TEST_REQUIRE_ALL=1: nothing may be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.PostgresServer | None]:
    """A PostgreSQL server of the suite's own, or None when it cannot start here."""
    if os.environ.get("SHOPPER_TEST_POSTGRES_URL"):
        yield None
        return
    try:
        server = postgres.start_server()
    except (RuntimeError, OSError) as error:
        server = None
        reason = str(error)
    else:
        reason = ""
    if server is None:
        yield None
        os.environ.setdefault("SHOPPER_TEST_POSTGRES_MISSING", reason)
        return
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis server of the suite's own (``SHOPPER_TEST_REDIS_URL`` names another)."""
    if os.environ.get("SHOPPER_TEST_REDIS_URL"):
        yield os.environ["SHOPPER_TEST_REDIS_URL"]
        return
    try:
        server = redis.start_server()
    except (RuntimeError, OSError) as error:
        unavailable(f"Redis cannot start here: {error}")
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free 127.0.0.1 port, for the whole session."""
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def smtp(app: Flask, smtp_server: SmtpServer) -> Mailbox:
    """The app sends its mail to the suite's SMTP server; the mailbox starts empty."""
    smtp_server.box.clear()
    app.config.update(smtp_server.box.settings)
    return smtp_server.box


def settings(database_url: str, instance: Path, **extra: object) -> dict[str, object]:
    """The configuration of a test app."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test secret key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance),
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "RATELIMIT_ENABLED": False,
        **extra,
    }


def _migrate(database_url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    app = create_app(settings(database_url, instance))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty database of each backend with the migrated schema."""
    base = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        url = f"sqlite:///{base / 'test.sqlite3'}"
    else:
        url = os.environ.get("SHOPPER_TEST_POSTGRES_URL")
        if not url:
            server = request.getfixturevalue("postgres_server")
            if server is None:
                unavailable(
                    "PostgreSQL cannot start here: "
                    + os.environ.get("SHOPPER_TEST_POSTGRES_MISSING", "unknown reason")
                )
            url = server.create_database("shopper_test")
    _migrate(url, base / "instance")
    return url


def empty_all_tables() -> None:
    """Delete every row, children first, so the next test starts from nothing."""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The application on a clean database (``@pytest.mark.config(...)`` adds settings)."""
    marker = request.node.get_closest_marker("config")
    extra = marker.kwargs if marker else {}
    app = create_app(settings(database_url, tmp_path / "instance", **extra))
    yield app
    with app.app_context():
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser without JavaScript."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Runs the ``flask`` commands."""
    return app.test_cli_runner()


@pytest.fixture
def auth(client: FlaskClient, app: Flask) -> AuthActions:
    """Make people and sign them in, as a user would."""
    return AuthActions(client, app)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], AbstractContextManager[list[str]]]:
    """``with count_queries() as statements:`` collects the SQL statements run in the block."""
    return lambda: queries.count_queries(app)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served by a thread on a free 127.0.0.1 port; yields its base URL.

    On the way out it refuses new requests (a browser may still send one on a
    kept-alive connection) and waits for those in flight, so the next test's
    clean-up never meets a request holding rows (PostgreSQL: a deadlock).
    """
    guarded = _InFlight(app)
    server = make_server("127.0.0.1", 0, guarded, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        guarded.close(timeout=30)
        thread.join(timeout=10)
        server.server_close()


class _InFlight:
    """A WSGI wrapper that counts the requests being answered and can stop taking new ones."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.active = 0
        self.closing = False
        self.changed = threading.Condition()

    def __call__(self, environ: dict, start_response: Callable) -> object:
        with self.changed:
            if self.closing:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"The test server is stopping."]
            self.active += 1
        try:
            # Read the whole answer here, so its database work ends inside the count.
            body = self.app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                if hasattr(body, "close"):
                    body.close()
        finally:
            with self.changed:
                self.active -= 1
                self.changed.notify_all()

    def close(self, timeout: float) -> None:
        """Refuse new requests and wait for those in flight."""
        with self.changed:
            self.closing = True
            self.changed.wait_for(lambda: self.active == 0, timeout=timeout)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where tests keep screenshots and rendered pages for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
