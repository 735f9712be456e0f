"""List pagination: ``?page=1&per_page=50`` (at most 200)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from sqlalchemy import Select, func, select

from shopper.domain.i18n import N_
from shopper.extensions import db
from shopper.services.errors import ServiceError

MAX_PER_PAGE = 200


class BadQuery(ServiceError):
    """A query string parameter that cannot be read."""

    status = 400
    code = "bad_request"


def _positive_int(name: str, default: int, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        limit = f"1 to {maximum}" if maximum else "1 or more"
        raise BadQuery(
            N_("%(name)s must be a whole number from %(limit)s."),
            {"name": name, "limit": limit},
            fields={name: "invalid"},
        )
    return int(raw)


def paginate(statement: Select[Any], serialise: Callable[[Any], dict[str, object]]) -> dict:
    """Run ``statement`` for the requested page and answer the list envelope."""
    page = _positive_int("page", 1)
    per_page = _positive_int("per_page", 50, MAX_PER_PAGE)
    total = db.session.execute(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    rows = db.session.execute(statement.limit(per_page).offset((page - 1) * per_page)).scalars()
    return {
        "items": [serialise(row) for row in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
    }
