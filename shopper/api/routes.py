"""API endpoints about the signed-in person."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from shopper.access import public, signed_in
from shopper.api import bp
from shopper.api.openapi import describe, error, json_body, openapi_document, ref


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


describe(
    {
        "/me": {
            "get": {
                "summary": "The signed-in person",
                "operationId": "getMe",
                "responses": {"200": json_body(ref("User")), "401": error("No or bad credentials")},
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "operationId": "getOpenApi",
                "security": [],
                "responses": {"200": json_body({"type": "object"})},
            }
        },
    }
)
