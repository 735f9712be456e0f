"""API endpoints about the signed-in person, and the API's own document."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from shopper.access import public, signed_in
from shopper.api import bp, schemas
from shopper.api.spec import openapi_document


def user_json(user: object) -> dict[str, object]:
    """The public fields of a person."""
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "language": user.language,
        "stores": [store.code for store in user.stores],
    }


@bp.get("/me")
@signed_in
@bp.response(200, schemas.User)
def me() -> object:
    """The signed-in person."""
    return user_json(current_user)


@bp.get("/openapi.json")
@public
@bp.response(200, {"type": "object"}, description="The OpenAPI 3 document")
def openapi() -> object:
    """This document."""
    return jsonify(openapi_document())
