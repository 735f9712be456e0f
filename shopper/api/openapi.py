"""The OpenAPI 3 document served at ``/api/v1/openapi.json``.

Kept beside the endpoints and checked against them by the tests: each path here
is answered by a real route, and every route of the API is described here.
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}

USER = {
    "type": "object",
    "required": ["email", "name", "role", "language"],
    "properties": {
        "email": {"type": "string", "format": "email"},
        "name": {"type": "string"},
        "role": {"type": "string", "enum": ["owner", "coordinator", "shopper"]},
        "language": {"type": "string", "enum": ["en", "tr", "sv", "th", "ur"]},
    },
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi_document() -> dict[str, Any]:
    """The whole document, as a JSON-ready dict."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Shopper API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"session": []}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": {"Error": ERROR, "User": USER},
        },
        "paths": {
            "/me": {
                "get": {
                    "summary": "The signed-in person",
                    "operationId": "getMe",
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/User"}),
                        "401": _error("No or bad credentials"),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "getOpenApi",
                    "security": [],
                    "responses": {"200": _json({"type": "object"})},
                }
            },
        },
    }
