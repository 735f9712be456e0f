"""Whether the app can do its work: today, whether the database answers."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from shopper.extensions import db


def database_answers() -> bool:
    """True when a fresh connection to the database runs ``SELECT 1``."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True
