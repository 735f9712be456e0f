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
# Past any real list, and small enough that the OFFSET fits every database.
MAX_PAGE = 1_000_000


class BadQuery(ServiceError):
    """A query string parameter that cannot be read."""

    status = 400
    code = "bad_request"


def _positive_int(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    # isdigit alone takes "²"; a digit cap keeps int() cheap on absurd input.
    valid = raw.isascii() and raw.isdigit() and len(raw) <= len(str(maximum))
    if not valid or not 1 <= int(raw) <= maximum:
        raise BadQuery(
            N_("%(name)s must be a whole number from 1 to %(maximum)d."),
            {"name": name, "maximum": maximum},
            fields={name: "invalid"},
        )
    return int(raw)


def requested_page() -> int:
    """The ``page`` query parameter (1 when absent); a 400 when it is not 1 to MAX_PAGE."""
    return _positive_int("page", 1, MAX_PAGE)


def paginate(statement: Select[Any], serialise: Callable[[Any], dict[str, object]]) -> dict:
    """Run ``statement`` for the requested page and answer the list envelope."""
    page = requested_page()
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
