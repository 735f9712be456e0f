"""flask-smorest wired to our conventions: our error envelope, our JSON reader, one document.

The schemas in ``shopper/api/schemas.py`` are the contract: webargs validates
requests with them, the views' answers are dumped through them, and apispec
writes ``/api/v1/openapi.json`` from them. flask-smorest's own error bodies and
documentation pages are switched off: errors leave through ``shopper/errors.py``
like every other error of the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import flask_smorest
from flask import Flask, current_app
from flask_babel import gettext
from marshmallow import ValidationError
from webargs import core
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from shopper.access import EVERYONE, PUBLIC
from shopper.api.pagination import BadQuery
from shopper.api.schemas import ErrorSchema
from shopper.domain.i18n import N_
from shopper.request_limits import LARGEST_ID, DatabaseInteger
from shopper.services.errors import Invalid

PREFIX = "/api/v1"
READ_AS_JSON = N_("Send the body as JSON with Content-Type: application/json.")
NOT_JSON = N_("The body is not valid JSON.")
ONE_FIELD = N_("%(field)s: %(problem)s")
CHECK_FIELDS = N_("Check these fields: %(fields)s.")
# marshmallow's own words, marked here for the translators; _flatten translates them.
SCHEMA_MESSAGES = (
    N_("Missing data for required field."),
    N_("Unknown field."),
    N_("Field may not be null."),
    N_("Invalid input type."),
    N_("Not a valid string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Not a valid boolean."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
)


def _flatten(messages: object, path: str = "") -> dict[str, str]:
    """Marshmallow's nested messages as ``{"items[0].briefing": "…"}``."""
    if isinstance(messages, Mapping):
        flat: dict[str, str] = {}
        for key, inner in messages.items():
            if key == "_schema":
                step = path
            elif isinstance(key, int):
                step = f"{path}[{key}]"
            else:
                step = f"{path}.{key}" if path else str(key)
            flat.update(_flatten(inner, step))
        return flat
    if (
        isinstance(messages, list | tuple)
        and messages
        and all(isinstance(m, str) for m in messages)
    ):
        return {path or "body": " ".join(gettext(message) for message in messages)}
    if isinstance(messages, list | tuple):
        flat = {}
        for inner in messages:
            flat.update(_flatten(inner, path))
        return flat
    return {path or "body": str(messages)}


class Parser(FlaskParser):
    """webargs reading the body through the app's JSON (depth and NUL limits), erring in our envelope."""

    def _raw_load_json(self, req: Any) -> object:
        if not req.get_data(cache=True):
            return core.missing
        if not req.is_json:
            raise BadQuery(READ_AS_JSON)
        body = req.get_json(silent=True)
        if body is None:
            raise BadQuery(NOT_JSON)
        return body

    def load_files(self, req: Any, schema: Any) -> Any:
        """A multipart form: its files and its fields together."""
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)

    def handle_error(
        self,
        error: ValidationError,
        req: Any,
        schema: Any,
        *,
        error_status_code: int | None = None,
        error_headers: Any = None,
    ) -> None:
        """A query that cannot be read is a 400; a body that breaks its schema a 422."""
        messages = error.messages
        if isinstance(messages, Mapping) and set(messages) <= {"json", "query", "files"}:
            messages = {k: v for location in messages.values() for k, v in location.items()}
        fields = _flatten(messages)
        if error_status_code == 400:
            name, message = next(iter(fields.items()))
            raise BadQuery(message, fields={name: "invalid"})
        if len(fields) == 1:
            name, message = next(iter(fields.items()))
            raise Invalid(ONE_FIELD, {"field": name, "problem": message}, fields=fields)
        raise Invalid(CHECK_FIELDS, {"fields": ", ".join(fields)}, fields=fields)


class ShopperApi(flask_smorest.Api):
    """The API extension without its own error handler (``shopper.errors`` answers every error)."""

    ERROR_SCHEMA = ErrorSchema
    # No catch-all "default" answer: every status an operation gives is declared.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        pass


FAILURES = {
    400: "Malformed: not JSON, or a query parameter that cannot be read",
    404: "Absent, or not yours to see",
    409: "Not in a state that allows this",
    413: "Too large",
    422: "Breaks a rule; each bad field named in fields",
}


class Blueprint(flask_smorest.Blueprint):
    """An API blueprint that reads bodies and queries with our parser, and declares its errors."""

    ARGUMENTS_PARSER = Parser()

    def arguments(self, schema: Any, *, location: str = "json", **kwargs: Any) -> Any:
        """Read ``location`` with ``schema``: a bad query is a 400, a bad body 400 or 422."""
        if location == "query":
            kwargs.setdefault("error_status_code", 400)
            return super().arguments(schema, location=location, **kwargs)
        read = super().arguments(schema, location=location, **kwargs)

        def decorate(view: Any) -> Any:
            return self.fails(400)(read(view))

        return decorate

    def fails(self, *statuses: int) -> Any:
        """Declare the error answers (in our envelope) a view may give besides 401/403."""

        def decorate(view: Any) -> Any:
            for status in statuses:
                view = self.alt_response(status, schema=ErrorSchema, description=FAILURES[status])(
                    view
                )
            return view

        return decorate


def init_app(app: Flask, blueprint: Blueprint) -> None:
    """Register the API blueprint and build its document from the schemas."""
    app.config.setdefault("API_TITLE", "Shopper API")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    api = ShopperApi(
        app,
        spec_kwargs={
            "components": {
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer"},
                    "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                }
            },
            "security": [{"bearer": []}, {"session": []}],
        },
    )
    api.register_converter(
        DatabaseInteger, lambda converter: {"type": "integer", "minimum": 1, "maximum": LARGEST_ID}
    )
    api.register_blueprint(blueprint)
    app.extensions["shopper-api"] = api


ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3 document, paths relative to the server ``/api/v1``.

    Who may call each operation comes from its ``roles(...)`` declaration (the
    one the view is guarded by): ``x-roles``, and the 401/403 it may answer.
    """
    api: ShopperApi = current_app.extensions["shopper-api"]
    document = api.spec.to_dict()
    access: dict[tuple[str, str], frozenset[str]] = {}
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            view = current_app.view_functions[rule.endpoint]
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                access[(rule.rule, method.lower())] = getattr(view, "access", frozenset())
    paths = {}
    for path, operations in document.get("paths", {}).items():
        flask_rule = path.replace("{", "<").replace("}", ">")
        # Path parameters on each operation: every operation reads whole on its own.
        shared = operations.pop("parameters", [])
        for method, operation in operations.items():
            operation["parameters"] = [*shared, *operation.get("parameters", [])]
            if not operation["parameters"]:
                del operation["parameters"]
            allowed = next(
                (
                    who
                    for (rule, verb), who in access.items()
                    if verb == method and _same_path(rule, flask_rule)
                ),
                frozenset(),
            )
            responses = operation.setdefault("responses", {})
            # shopper.request_limits refuses a NUL in any path, query or form, before any view.
            responses.setdefault("400", _error("A NUL character in the path, query or form"))
            if allowed == PUBLIC:
                operation["security"] = []
                operation["x-roles"] = ["public"]
            else:
                operation["x-roles"] = sorted(allowed)
                responses.setdefault("401", _error("No or bad credentials"))
                if allowed != EVERYONE:
                    responses.setdefault("403", _error("Your role may not do this"))
        paths[path.removeprefix(PREFIX)] = operations
    document["paths"] = dict(sorted(paths.items()))
    document["servers"] = [{"url": PREFIX}]
    return document


def _same_path(rule: str, documented: str) -> bool:
    """Whether a Flask rule (``<int:visit_id>``) is the documented path (``<visit_id>``)."""
    for converter in ("int:", "string:", "path:"):
        rule = rule.replace("<" + converter, "<")
    return rule == documented


def _resolve(document: dict[str, Any], node: Any) -> Any:
    """``node`` with a ``$ref`` replaced by what it points to."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _type_of(document: dict[str, Any], schema: dict[str, Any]) -> str:
    """A short type for people: ``string (date) | null``, ``[integer]``, ``a | b``."""
    schema = _resolve(document, schema)
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf", []) + schema.get("oneOf", [])
        return " | ".join(_type_of(document, option) for option in options)
    kinds = schema.get("type", "any")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    shown = []
    for kind in kinds:
        if kind == "array":
            kind = f"[{_type_of(document, schema.get('items', {}))}]"
        elif kind != "null" and "enum" in schema:
            kind = " | ".join(str(value) for value in schema["enum"] if value is not None)
        elif kind != "null" and "format" in schema:
            kind = f"{kind} ({schema['format']})"
        shown.append(kind)
    return " | ".join(shown)


def _fields(document: dict[str, Any], schema: Any, prefix: str = "", depth: int = 0) -> list[dict]:
    """The fields of a JSON schema as rows: name, type, required, description."""
    schema = _resolve(document, schema or {})
    rows: list[dict] = []
    for option in schema.get("oneOf", []):
        rows += _fields(document, option, prefix, depth)
    required = set(schema.get("required", []))
    for name, field in schema.get("properties", {}).items():
        field = _resolve(document, field)
        rows.append(
            {
                "name": prefix + name,
                "type": _type_of(document, field),
                "required": name in required,
                "description": field.get("description", ""),
            }
        )
        is_list = field.get("type") == "array"
        inner = _resolve(document, field.get("items", {})) if is_list else field
        if "anyOf" in inner:  # a nested object that may be null
            inner = _resolve(document, inner["anyOf"][0])
        if depth < 2 and inner.get("properties"):
            suffix = "[]." if is_list else "."
            rows += _fields(document, inner, prefix + name + suffix, depth + 1)
    return rows


def operations_for_people() -> list[dict[str, Any]]:
    """Each operation of the document, flattened for the /api/docs page."""
    document = openapi_document()
    server = document["servers"][0]["url"]
    rows = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            body = operation.get("requestBody", {}).get("content", {})
            responses = []
            for status, response in sorted(operation.get("responses", {}).items()):
                response = _resolve(document, response)
                content = response.get("content", {})
                media, schema = next(iter(content.items()), (None, {}))
                responses.append(
                    {
                        "status": status,
                        "description": response.get("description", ""),
                        "media": media,
                        "fields": _fields(document, (schema or {}).get("schema")),
                    }
                )
            rows.append(
                {
                    "id": f"{method}-{path}",
                    "method": method.upper(),
                    "path": server + path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "roles": operation.get("x-roles", []),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "in": parameter["in"],
                            "required": parameter.get("required", False),
                            "type": _type_of(document, parameter.get("schema", {})),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in map(
                            lambda p: _resolve(document, p), operation.get("parameters", [])
                        )
                    ],
                    "body_media": next(iter(body), None),
                    "body": _fields(document, next(iter(body.values()), {}).get("schema")),
                    "responses": responses,
                }
            )
    return rows
