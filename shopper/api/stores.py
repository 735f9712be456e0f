"""Store endpoints: list (with the stores page's filters), create, update."""

from __future__ import annotations

from typing import Any

from flask import request

from shopper.access import roles
from shopper.api import bp, schemas
from shopper.api.pagination import paginate
from shopper.models import Role, Store
from shopper.services import stores

StorePage = schemas.page_of(schemas.Store, "StorePage")


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


@bp.get("/stores")
@roles(Role.COORDINATOR, Role.OWNER)
@bp.arguments(schemas.StoreQuery, location="query")
@bp.response(200, StorePage)
def list_stores(query: dict[str, Any]) -> object:
    """Stores by code, filtered as on the stores page: active ones unless ``active=all|no``."""
    return paginate(stores.select_stores(stores.parse_filters(request.args)), store_json)


@bp.post("/stores")
@roles(Role.COORDINATOR)
@bp.arguments(schemas.NewStore)
@bp.response(201, schemas.Store, description="Created")
@bp.fails(409, 422)
def create_store(body: dict[str, Any]) -> object:
    """Add a store; 409 when the code exists."""
    return store_json(stores.create_store(body))


@bp.get("/stores/<code>")
@roles(Role.COORDINATOR, Role.OWNER)
@bp.response(200, schemas.Store)
@bp.fails(404)
def get_store(code: str) -> object:
    """One store."""
    return store_json(stores.get_store(code))


@bp.put("/stores/<code>")
@roles(Role.COORDINATOR)
@bp.arguments(schemas.StoreChanges)
@bp.response(200, schemas.Store)
@bp.fails(404, 409, 422)
def update_store(body: dict[str, Any], code: str) -> object:
    """Change a store's fields; the ones left out keep their value, the code never changes."""
    store = stores.get_store(code)
    return store_json(stores.update_store(store, body))
