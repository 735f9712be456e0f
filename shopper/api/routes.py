"""API endpoints about the signed-in person."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from shopper.access import public, signed_in
from shopper.api import bp
from shopper.api.openapi import openapi_document


def user_json(user: object) -> dict[str, object]:
    """The public fields of a person."""
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "language": user.language,
    }


@bp.get("/me")
@signed_in
def me() -> object:
    """The signed-in person."""
    return jsonify(user_json(current_user))


@bp.get("/openapi.json")
@public
def openapi() -> object:
    """The OpenAPI 3 document of this API."""
    return jsonify(openapi_document())
