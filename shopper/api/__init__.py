"""The JSON API, version 1, described by /api/v1/openapi.json."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from shopper.api import (  # noqa: E402,F401  (they attach to bp)
    assignments,
    auth,
    checklists,
    people,
    reports,
    routes,
    stores,
)
