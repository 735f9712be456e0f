"""What a request may carry: ids the database can hold, JSON nested at most 32 levels, no NUL."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext
from werkzeug.routing import IntegerConverter

from shopper.domain import json_text
from shopper.domain.i18n import N_
from shopper.services.errors import Invalid, ServiceError

# Every id and version number is an INTEGER column (32 bits on PostgreSQL).
LARGEST_ID = 2**31 - 1
# The message the services give for the same fault, so a field reads alike everywhere.
UNSTORABLE = N_("%(field)s contains control characters.")


def is_database_id(value: object) -> bool:
    """True for a whole number (an int, or ASCII digits) an id column can hold."""
    if isinstance(value, str):
        return (
            value.isascii()
            and value.isdigit()
            and len(value) <= len(str(LARGEST_ID))
            and 0 < int(value) <= LARGEST_ID
        )
    return type(value) is int and 0 < value <= LARGEST_ID


class DatabaseInteger(IntegerConverter):
    """``<int:...>`` that never hands a view a number an INTEGER column cannot hold."""

    def to_python(self, value: str) -> int:
        """The number, or 0 past ``LARGEST_ID``: no row has id 0, so the view answers as for
        any unknown id (404, or 401 before sign-in)."""
        number = int(value)
        return number if number <= LARGEST_ID else 0


class BadRequest(ServiceError):
    """A request no use case can read."""

    status = 400
    code = "bad_request"


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing bodies nested too deeply (400) or with unstorable text (422)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Decode a request body, or raise the error that says what to fix."""
        try:
            return json_text.loads(s)
        except json_text.TooDeep:
            raise BadRequest(
                N_("The body is nested too deeply: at most %(max)d levels of arrays and objects."),
                {"max": json_text.MAX_DEPTH},
            ) from None
        except json_text.Unstorable as error:
            said = gettext(UNSTORABLE, field=error.field)
            raise Invalid(UNSTORABLE, {"field": error.field}, {error.field: said}) from None


def refuse_nul() -> None:
    """Refuse a NUL in the path, the query or a form field: PostgreSQL cannot store or compare it."""
    fields = [request.args]
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        fields.append(request.form)
    for name, values in [("path", [request.path])] + [
        pair for field in fields for pair in field.lists()
    ]:
        if any("\x00" in text for text in (name, *values)):
            name = name.replace("\x00", "\\u0000")
            raise BadRequest(UNSTORABLE, {"field": name}, {name: gettext(UNSTORABLE, field=name)})


def init_app(app: Flask) -> None:
    """Install the bounded ``int`` converter, JSON decoder and NUL check (before any route)."""
    app.url_map.converters["int"] = DatabaseInteger
    app.json = BoundedJSONProvider(app)
    app.before_request(refuse_nul)
