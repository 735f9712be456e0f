"""Every table's rows kept aside and put back: many requests against one world, each from the same start."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import Table, func, select, text

from shopper.extensions import db

Snapshot = dict[Table, list[dict[str, Any]]]


def take(app: Flask) -> Snapshot:
    """The rows of every table."""
    with app.app_context():
        return {
            table: [dict(row._mapping) for row in db.session.execute(table.select())]
            for table in db.metadata.sorted_tables
        }


def restore(app: Flask, snapshot: Snapshot) -> None:
    """Every table back to ``snapshot``: the rows it holds, no others (ids kept)."""
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        for table in db.metadata.sorted_tables:
            if snapshot[table]:
                db.session.execute(table.insert(), snapshot[table])
        if db.engine.dialect.name == "postgresql":
            # Rows came back with their ids: the next insert must not take one of them.
            for table in db.metadata.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement is not False:
                    highest = db.session.execute(select(func.max(table.c.id))).scalar()
                    db.session.execute(
                        text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :value, :used)"),
                        {"table": table.name, "value": highest or 1, "used": highest is not None},
                    )
        db.session.commit()
