"""What a request may carry: ids the database can hold, JSON nested at most 32 levels."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from shopper.domain import json_text
from shopper.domain.i18n import N_
from shopper.services.errors import ServiceError

# Every id and version number is an INTEGER column (32 bits on PostgreSQL).
LARGEST_ID = 2**31 - 1


class DatabaseInteger(IntegerConverter):
    """``<int:...>`` bounded to what an INTEGER column holds: larger numbers find nothing (404)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


class NestedTooDeeply(ServiceError):
    """A JSON body nested deeper than the bound."""

    status = 400
    code = "bad_request"


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing bodies nested deeper than ``json_text.MAX_DEPTH``."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Decode a request body; a 400 when it is nested too deeply."""
        try:
            return json_text.loads(s)
        except json_text.TooDeep:
            raise NestedTooDeeply(
                N_("The body is nested too deeply: at most %(max)d levels of arrays and objects."),
                {"max": json_text.MAX_DEPTH},
            ) from None


def init_app(app: Flask) -> None:
    """Install the bounded ``int`` converter and JSON decoder (before any route is added)."""
    app.url_map.converters["int"] = DatabaseInteger
    app.json = BoundedJSONProvider(app)
