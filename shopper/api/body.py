"""Reading a JSON request body, with a clear 400 when it is not JSON."""

from __future__ import annotations

from flask import request

from shopper.api.pagination import BadQuery
from shopper.domain.i18n import N_


def json_body_of_request() -> object:
    """The decoded JSON body, or a 400 that says what is wrong."""
    if not request.is_json:
        raise BadQuery(N_("Send the body as JSON with Content-Type: application/json."))
    body = request.get_json(silent=True)
    if body is None:
        raise BadQuery(N_("The body is not valid JSON."))
    return body
