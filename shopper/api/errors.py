"""The JSON error body of the API: ``{"error": {"code", "message", "fields"}}``."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Response, jsonify

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
}


def error_response(
    status: int, message: str, code: str | None = None, fields: Mapping[str, str] | None = None
) -> tuple[Response, int]:
    """A JSON error answer with the given status."""
    body: dict[str, object] = {"code": code or HTTP_CODES.get(status, "error"), "message": message}
    if fields:
        body["fields"] = dict(fields)
    response = jsonify({"error": body})
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="shopper"'
    return response, status
