"""The JSON API, version 1, described by /api/v1/openapi.json (made from shopper/api/schemas.py)."""

from __future__ import annotations

from flask import Flask

from shopper.api.spec import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from shopper.api import (  # noqa: E402,F401  (they attach to bp)
    actions,
    assignments,
    auth,
    checklists,
    docs,
    people,
    reports,
    routes,
    stores,
)


def init_app(app: Flask) -> None:
    """Register the API and build its OpenAPI document."""
    from shopper.api import spec

    spec.init_app(app, bp)
    app.register_blueprint(docs.docs_bp)
