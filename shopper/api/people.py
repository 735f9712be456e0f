"""People endpoints: list, add with a one-time invitation link, deactivate, activate, re-invite."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, url_for
from flask_login import current_user

from shopper.access import roles
from shopper.api import bp, schemas
from shopper.api.pagination import paginate
from shopper.api.routes import user_json
from shopper.models import Role, User
from shopper.services import notifications, people
from shopper.services.people import Invited, PersonFilters

PersonPage = schemas.page_of(schemas.Person, "PersonPage")
_FLAGS = {"yes": True, "no": False}


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
    """An answer that carries a link's secret: no cache may keep it (and, with SMTP
    set up, the person gets the link by email too; a failure is logged)."""
    notifications.invitations([invited])
    response = jsonify(invited_json(invited))
    response.headers["Cache-Control"] = "no-store"
    return response, status


@bp.get("/users")
@roles(Role.COORDINATOR)
@bp.arguments(schemas.PeopleQuery, location="query")
@bp.response(200, PersonPage)
def list_users(query: dict[str, Any]) -> object:
    """People by name, filtered by ``role``, ``active`` and ``q``."""
    filters = PersonFilters(
        q=query.get("q", ""),
        role=query.get("role", ""),
        active=_FLAGS.get(query.get("active", "")),
    )
    return paginate(people.select_people(filters), person_json)


@bp.post("/users")
@roles(Role.COORDINATOR)
@bp.arguments(schemas.NewPerson)
@bp.response(201, schemas.InvitedPerson, description="Created, with the invitation link")
@bp.fails(409, 422)
def create_user(body: dict[str, Any]) -> object:
    """Add a person; the answer carries their one-time invitation link."""
    return _answer_once(people.add_person(body, _days()), 201)


@bp.get("/users/<email>")
@roles(Role.COORDINATOR)
@bp.response(200, schemas.Person)
@bp.fails(404)
def get_user(email: str) -> object:
    """One person."""
    return person_json(people.get_person(email))


@bp.post("/users/<email>/deactivate")
@roles(Role.COORDINATOR)
@bp.response(200, schemas.Person)
@bp.fails(404, 422)
def deactivate_user(email: str) -> object:
    """Stop a person signing in (not oneself); their reports stay."""
    person = people.get_person(email)
    people.deactivate(person, current_user)
    return person_json(person)


@bp.post("/users/<email>/activate")
@roles(Role.COORDINATOR)
@bp.response(200, schemas.Person)
@bp.fails(404)
def activate_user(email: str) -> object:
    """Let a deactivated person sign in again."""
    person = people.get_person(email)
    people.activate(person)
    return person_json(person)


@bp.post("/users/<email>/invite")
@roles(Role.COORDINATOR)
@bp.response(200, schemas.InvitedPerson)
@bp.fails(404, 409)
def invite_user(email: str) -> object:
    """A new one-time invitation link; the person's earlier links stop working."""
    return _answer_once(people.reinvite(people.get_person(email), _days()), 200)
