"""SQLite runs in WAL mode, waits for a busy writer, and enforces foreign keys: on every connection."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import IntegrityError

from shopper import create_app
from shopper.extensions import db
from shopper.models import Visit
from tests.conftest import settings


def _pragmas(connection) -> tuple[str, int, int]:
    return (
        connection.exec_driver_sql("PRAGMA journal_mode").scalar(),
        connection.exec_driver_sql("PRAGMA busy_timeout").scalar(),
        connection.exec_driver_sql("PRAGMA foreign_keys").scalar(),
    )


def test_every_sqlite_connection_is_wal_with_a_busy_timeout_and_foreign_keys(tmp_path) -> None:
    app = create_app(settings(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path / "instance"))
    found = []
    with app.app_context():
        with db.engine.connect() as first, db.engine.connect() as second:
            found += [_pragmas(first), _pragmas(second)]

        def in_a_thread() -> None:
            with app.app_context(), db.engine.connect() as connection:
                found.append(_pragmas(connection))

        thread = threading.Thread(target=in_a_thread)
        thread.start()
        thread.join()
        db.engine.dispose()
    assert found == [("wal", 15_000, 1)] * 3


def test_a_row_pointing_nowhere_is_refused_on_both_databases(app) -> None:
    with app.app_context():
        db.session.add(Visit(assignment_id=987654, answers={}))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
