"""How the app talks to its database: SQLite's settings on every connection."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

# Writers queue for up to this long before SQLite gives up with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 15_000


def _sqlite_settings(connection: Any, _record: object) -> None:
    """WAL (readers never wait for the writer), a busy timeout, foreign keys enforced."""
    cursor = connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def configure_engine(engine: Engine) -> None:
    """Give every new connection of a SQLite engine its settings (other databases: nothing)."""
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_settings):
        event.listen(engine, "connect", _sqlite_settings)


def init_app(app: Flask) -> None:
    """Configure the app's engines (call after ``db.init_app``)."""
    from shopper.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            configure_engine(engine)
