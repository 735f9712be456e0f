"""The page at /api/docs: the OpenAPI document, rendered for people by the app itself."""

from __future__ import annotations

from flask import Blueprint, render_template

from shopper.access import public
from shopper.api.spec import operations_for_people

docs_bp = Blueprint("api_docs", __name__, url_prefix="/api")


@docs_bp.get("/docs")
@public
def api_docs() -> str:
    """Every operation of /api/v1/openapi.json: who may call it, what it takes and answers."""
    return render_template("api/docs.html", operations=operations_for_people())
