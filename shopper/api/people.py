"""People endpoints: list, add with a one-time invitation link, deactivate, activate, re-invite."""

from __future__ import annotations

from flask import current_app, jsonify, request, url_for
from flask_login import current_user

from shopper.access import roles
from shopper.api import bp
from shopper.api.body import json_body_of_request
from shopper.api.openapi import PAGE_PARAMETERS, USER, describe, error, json_body, page_of, ref
from shopper.api.pagination import BadQuery, paginate
from shopper.api.routes import user_json
from shopper.api.stores import yes_no_query
from shopper.domain.i18n import N_
from shopper.models import Role, User
from shopper.services import people
from shopper.services.errors import Invalid
from shopper.services.people import Invited, PersonFilters


def person_json(user: User) -> dict[str, object]:
    """A person as coordinators see them: the public fields, and whether they can sign in."""
    return {
        **user_json(user),
        "active": user.active,
        "password_set": user.password_hash is not None,
    }


def invited_json(invited: Invited) -> dict[str, object]:
    """A person with their new one-time invitation link (answered once, never again)."""
    return {
        **person_json(invited.user),
        "invitation_url": url_for("auth.invitation", secret=invited.secret, _external=True),
        "invitation_expires_at": invited.expires_at.isoformat(),
    }


def _days() -> int:
    return current_app.config["INVITATION_DAYS"]


def _answer_once(invited: Invited, status: int) -> object:
    """An answer that carries a link's secret: no cache may keep it."""
    response = jsonify(invited_json(invited))
    response.headers["Cache-Control"] = "no-store"
    return response, status


@bp.get("/users")
@roles(Role.COORDINATOR)
def list_users() -> object:
    """People by name, filtered by ``role``, ``active`` and ``q``."""
    role = request.args.get("role", "").strip().lower()
    if role and role not in set(Role):
        raise BadQuery(
            N_("%(name)s must be one of %(values)s."),
            {"name": "role", "values": ", ".join(Role)},
            fields={"role": "invalid"},
        )
    filters = PersonFilters(
        q=request.args.get("q", ""),
        role=role,
        active=yes_no_query("active", ("yes", "no", "all")),
    )
    return jsonify(paginate(people.select_people(filters), person_json))


@bp.post("/users")
@roles(Role.COORDINATOR)
def create_user() -> object:
    """Add a person; the answer carries their one-time invitation link."""
    body = json_body_of_request()
    if not isinstance(body, dict):
        raise Invalid(N_("The body must be a JSON object."), fields={"body": "object"})
    return _answer_once(people.add_person(body, _days()), 201)


@bp.get("/users/<email>")
@roles(Role.COORDINATOR)
def get_user(email: str) -> object:
    """One person."""
    return jsonify(person_json(people.get_person(email)))


@bp.post("/users/<email>/deactivate")
@roles(Role.COORDINATOR)
def deactivate_user(email: str) -> object:
    """Stop a person signing in (not oneself); their reports stay."""
    person = people.get_person(email)
    people.deactivate(person, current_user)
    return jsonify(person_json(person))


@bp.post("/users/<email>/activate")
@roles(Role.COORDINATOR)
def activate_user(email: str) -> object:
    """Let a deactivated person sign in again."""
    person = people.get_person(email)
    people.activate(person)
    return jsonify(person_json(person))


@bp.post("/users/<email>/invite")
@roles(Role.COORDINATOR)
def invite_user(email: str) -> object:
    """A new one-time invitation link; the person's earlier links stop working."""
    return _answer_once(people.reinvite(people.get_person(email), _days()), 200)


EMAIL = {"name": "email", "in": "path", "required": True, "schema": {"type": "string"}}
PERSON = {
    "type": "object",
    "required": [*USER["required"], "active", "password_set"],
    "properties": {
        **USER["properties"],
        "active": {"type": "boolean", "description": "False: deactivated, cannot sign in."},
        "password_set": {
            "type": "boolean",
            "description": "False until the person has used an invitation link.",
        },
    },
}
INVITED = {
    "allOf": [ref("Person")],
    "type": "object",
    "required": ["invitation_url", "invitation_expires_at"],
    "properties": {
        "invitation_url": {
            "type": "string",
            "format": "uri",
            "description": "One-time link to choose a password; answered only this once.",
        },
        "invitation_expires_at": {"type": "string", "format": "date-time"},
    },
}
NEW_PERSON = {
    "type": "object",
    "required": ["email", "name", "role"],
    "additionalProperties": False,
    "properties": {
        **USER["properties"],
        "language": {**USER["properties"]["language"], "default": "en"},
    },
}
_COMMON_ERRORS = {"401": error("No or bad credentials"), "403": error("Role not allowed")}


def _person_action(summary: str, operation_id: str, answer: dict, *errors: tuple) -> dict:
    return {
        "post": {
            "summary": summary,
            "operationId": operation_id,
            "parameters": [EMAIL],
            "responses": {
                "200": json_body(answer),
                "404": error("No such person"),
                **{status: error(text) for status, text in errors},
                **_COMMON_ERRORS,
            },
        }
    }


describe(
    {
        "/users": {
            "get": {
                "summary": "List people",
                "operationId": "listUsers",
                "parameters": [
                    *PAGE_PARAMETERS,
                    {
                        "name": "role",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["owner", "coordinator", "shopper"]},
                    },
                    {
                        "name": "active",
                        "in": "query",
                        "description": "Absent: everyone.",
                        "schema": {"type": "string", "enum": ["yes", "no", "all"]},
                    },
                    {
                        "name": "q",
                        "in": "query",
                        "description": "Text in the name or email.",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": json_body(page_of(ref("Person"))),
                    "400": error("A bad filter or page"),
                    **_COMMON_ERRORS,
                },
            },
            "post": {
                "summary": "Add a person and make their one-time invitation link",
                "operationId": "createUser",
                "requestBody": {"required": True, **json_body(ref("NewPerson"))},
                "responses": {
                    "201": json_body(ref("InvitedPerson"), "Created"),
                    "400": error("Not JSON"),
                    "409": error("The email exists"),
                    "422": error("Breaks a rule; each bad field named in fields"),
                    **_COMMON_ERRORS,
                },
            },
        },
        "/users/{email}": {
            "get": {
                "summary": "One person",
                "operationId": "getUser",
                "parameters": [EMAIL],
                "responses": {
                    "200": json_body(ref("Person")),
                    "404": error("No such person"),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/users/{email}/deactivate": _person_action(
            "Deactivate a person (not oneself); their reports stay",
            "deactivateUser",
            ref("Person"),
            ("422", "Deactivating oneself"),
        ),
        "/users/{email}/activate": _person_action(
            "Let a deactivated person sign in again", "activateUser", ref("Person")
        ),
        "/users/{email}/invite": _person_action(
            "A new one-time invitation link (earlier links stop working)",
            "inviteUser",
            ref("InvitedPerson"),
            ("409", "The person is deactivated"),
        ),
    },
    {"Person": PERSON, "InvitedPerson": INVITED, "NewPerson": NEW_PERSON},
)
