"""Store endpoints: list (with filters), create, update."""

from __future__ import annotations

from flask import jsonify, request

from shopper.access import roles
from shopper.api import bp
from shopper.api.body import json_body_of_request
from shopper.api.openapi import PAGE_PARAMETERS, describe, error, json_body, page_of, ref
from shopper.api.pagination import BadQuery, paginate
from shopper.domain.i18n import N_
from shopper.models import Role, Store
from shopper.services import stores
from shopper.services.errors import Invalid
from shopper.services.stores import StoreFilters

_FLAGS = {"yes": True, "no": False}


def store_json(store: Store) -> dict[str, object]:
    """A store as the API answers it."""
    return {
        "code": store.code,
        "name": store.name,
        "region": store.region,
        "city": store.city,
        "address": store.address,
        "competitor": store.competitor,
        "active": store.active,
    }


def yes_no_query(name: str, allowed: tuple[str, ...]) -> bool | None:
    """A yes/no query parameter; absent (or ``all``) means no filter."""
    raw = request.args.get(name, "").strip().lower()
    if raw == "":
        return None
    if raw not in allowed:
        raise BadQuery(
            N_("%(name)s must be one of %(values)s."),
            {"name": name, "values": ", ".join(allowed)},
            fields={name: "invalid"},
        )
    return _FLAGS.get(raw)


def _object_body() -> dict[str, object]:
    body = json_body_of_request()
    if not isinstance(body, dict):
        raise Invalid(N_("The body must be a JSON object."), fields={"body": "object"})
    return body


@bp.get("/stores")
@roles(Role.COORDINATOR, Role.OWNER)
def list_stores() -> object:
    """Stores by code, filtered by ``region``, ``competitor``, ``q`` and ``active``."""
    filters = StoreFilters(
        q=request.args.get("q", ""),
        region=request.args.get("region", ""),
        competitor=yes_no_query("competitor", ("yes", "no")),
        active=yes_no_query("active", ("yes", "no", "all")),
    )
    return jsonify(paginate(stores.select_stores(filters), store_json))


@bp.post("/stores")
@roles(Role.COORDINATOR)
def create_store() -> object:
    """Add a store; 409 when the code exists."""
    return jsonify(store_json(stores.create_store(_object_body()))), 201


@bp.get("/stores/<code>")
@roles(Role.COORDINATOR, Role.OWNER)
def get_store(code: str) -> object:
    """One store."""
    return jsonify(store_json(stores.get_store(code)))


@bp.put("/stores/<code>")
@roles(Role.COORDINATOR)
def update_store(code: str) -> object:
    """Change a store's fields; the ones left out keep their value, the code never changes."""
    body = _object_body()
    store = stores.get_store(code)
    return jsonify(store_json(stores.update_store(store, body)))


CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
FLAG = {"type": "string", "enum": ["yes", "no"]}
STORE_PROPERTIES = {
    "code": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"},
    "name": {"type": "string", "maxLength": stores.MAX_NAME},
    "region": {"type": "string", "maxLength": stores.MAX_REGION},
    "city": {"type": "string", "maxLength": stores.MAX_CITY},
    "address": {"type": "string", "maxLength": stores.MAX_ADDRESS},
    "competitor": {
        "type": "boolean",
        "description": "A store of another business, visited for benchmarking "
        '("yes"/"no" are taken too, as in the stores CSV).',
    },
    "active": {"type": "boolean", "description": "Deactivated stores get no new visits."},
}
_COMMON_ERRORS = {"401": error("No or bad credentials"), "403": error("Role not allowed")}

describe(
    {
        "/stores": {
            "get": {
                "summary": "List stores",
                "operationId": "listStores",
                "parameters": [
                    *PAGE_PARAMETERS,
                    {"name": "region", "in": "query", "schema": {"type": "string"}},
                    {"name": "competitor", "in": "query", "schema": FLAG},
                    {
                        "name": "q",
                        "in": "query",
                        "description": "Text in the code, name, region, city or address.",
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "active",
                        "in": "query",
                        "description": "Absent: every store.",
                        "schema": {"type": "string", "enum": ["yes", "no", "all"]},
                    },
                ],
                "responses": {
                    "200": json_body(page_of(ref("Store"))),
                    "400": error("A bad filter or page"),
                    **_COMMON_ERRORS,
                },
            },
            "post": {
                "summary": "Add a store",
                "operationId": "createStore",
                "requestBody": {"required": True, **json_body(ref("NewStore"))},
                "responses": {
                    "201": json_body(ref("Store"), "Created"),
                    "400": error("Not JSON"),
                    "409": error("The code exists"),
                    "422": error("Breaks a rule; each bad field named in fields"),
                    **_COMMON_ERRORS,
                },
            },
        },
        "/stores/{code}": {
            "get": {
                "summary": "One store",
                "operationId": "getStore",
                "parameters": [CODE],
                "responses": {
                    "200": json_body(ref("Store")),
                    "404": error("No such store"),
                    **_COMMON_ERRORS,
                },
            },
            "put": {
                "summary": "Change a store (fields left out keep their value; the code stays)",
                "operationId": "updateStore",
                "parameters": [CODE],
                "requestBody": {"required": True, **json_body(ref("StoreChanges"))},
                "responses": {
                    "200": json_body(ref("Store")),
                    "400": error("Not JSON"),
                    "404": error("No such store"),
                    "422": error("Breaks a rule; each bad field named in fields"),
                    **_COMMON_ERRORS,
                },
            },
        },
    },
    {
        "Store": {
            "type": "object",
            "required": list(STORE_PROPERTIES),
            "properties": STORE_PROPERTIES,
        },
        "NewStore": {
            "type": "object",
            "required": ["code", "name"],
            "additionalProperties": False,
            "properties": STORE_PROPERTIES,
        },
        "StoreChanges": {
            "type": "object",
            "additionalProperties": False,
            "properties": STORE_PROPERTIES,
        },
    },
)
