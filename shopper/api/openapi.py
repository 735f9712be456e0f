"""The OpenAPI 3 document served at ``/api/v1/openapi.json``.

Kept beside the endpoints and checked against them by the tests: each path here
is answered by a real route, and every route of the API is described here.
"""

from __future__ import annotations

from typing import Any

from shopper.api.pagination import MAX_PAGE, MAX_PER_PAGE

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


PATHS: dict[str, dict[str, Any]] = {}
SCHEMAS: dict[str, dict[str, Any]] = {"Error": ERROR, "User": USER}


def describe(paths: dict[str, dict[str, Any]], schemas: dict[str, Any] | None = None) -> None:
    """Add the operations of one API module (called by the module when imported)."""
    for path, operations in paths.items():
        PATHS.setdefault(path, {}).update(operations)
    SCHEMAS.update(schemas or {})


def error(description: str) -> dict[str, Any]:
    """A response that carries the JSON error body."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def json_body(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    """A JSON response (or request body) with ``schema``."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def page_of(item: dict[str, Any]) -> dict[str, Any]:
    """The paginated list envelope around ``item``."""
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total"],
        "properties": {
            "items": {"type": "array", "items": item},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 200},
            "total": {"type": "integer", "minimum": 0},
        },
    }


PAGE_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    },
]


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
            "schemas": dict(SCHEMAS),
        },
        "paths": dict(sorted(PATHS.items())),
    }
