"""Store follow-up action endpoints: list, open, read, respond, verify."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import wraps
from typing import Any

from flask import jsonify
from flask_login import current_user
from sqlalchemy import select

from shopper.access import roles
from shopper.api import bp, schemas
from shopper.api.pagination import paginate
from shopper.domain import follow_up
from shopper.domain.i18n import N_
from shopper.extensions import db
from shopper.models import Role, Store, StoreAction, Visit
from shopper.request_limits import is_database_id
from shopper.services import actions, scope
from shopper.services.errors import Invalid

ActionPage = schemas.page_of(schemas.Action, "ActionPage")


def outcome_json(outcome: actions.Outcome) -> dict[str, object]:
    """A later visit's result for the action's question."""
    return {
        "visit_id": outcome.visit_id,
        "visited_on": outcome.visited_on.isoformat() if outcome.visited_on else None,
        "result": "held" if outcome.held else "failed_again",
    }


def action_json(
    action: StoreAction, found: Iterable[actions.Outcome] = (), today: date | None = None
) -> dict[str, object]:
    """An action as the API answers it, with its history and later results.

    Events name coordinators and managers only (shoppers never act on actions),
    and nothing in it names the shopper whose visit it came from.
    """
    found = list(found)
    return {
        "id": action.id,
        "store": action.store.code,
        "store_name": action.store.name,
        "title": action.title,
        "details": action.details,
        "standard": action.standard,
        "status": action.status,
        "due_on": action.due_on.isoformat(),
        "overdue": follow_up.is_overdue(action.status, action.due_on, today or date.today()),
        "visit_id": action.visit_id,
        "question": action.question_code,
        "created_at": action.created_at.isoformat(),
        "events": [
            {
                "at": event.at.isoformat(),
                "who": event.actor.name if event.actor else None,
                "step": event.step,
                "status": event.status,
                "note": event.note,
            }
            for event in action.events
        ],
        "outcomes": [outcome_json(outcome) for outcome in found],
        "stands_out": actions.stands_out(action, found),
    }


def found_first(view: Callable[..., object]) -> Callable[..., object]:
    """Look up the action of the path before the body is read: one the person may not
    see is a 404 whatever the body says (as for assignments and visits)."""

    @wraps(view)
    def looked_up(*args: object, **kwargs: Any) -> object:
        kwargs["action"] = actions.get(current_user, kwargs.pop("action_id"))
        return view(*args, **kwargs)

    return looked_up


def _one(action: StoreAction) -> dict[str, object]:
    return action_json(action, actions.outcomes([action]).get(action.id, []))


def _store(code: object) -> Store:
    if not isinstance(code, str) or not code.strip():
        raise Invalid(N_("Choose the store the action is for."), fields={"store": "required"})
    store = db.session.execute(select(Store).where(Store.code == code.strip())).scalar()
    if store is None:
        raise Invalid(
            N_("There is no store with the code %(code)s."),
            {"code": code.strip()},
            fields={"store": "unknown"},
        )
    return store


def _visit(visit_id: object) -> Visit | None:
    if visit_id is None:
        return None
    visit = None
    if is_database_id(visit_id):
        visit = db.session.execute(
            scope.visible_to(current_user, select(Visit).where(Visit.id == int(visit_id)))
        ).scalar()
    if visit is None:
        raise Invalid(
            N_("There is no visit %(id)s."), {"id": visit_id}, fields={"visit_id": "unknown"}
        )
    return visit


def _due_on(value: object) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(
            N_("Give %(name)s as YYYY-MM-DD."), {"name": "due_on"}, {"due_on": "date"}
        ) from None


@bp.get("/actions")
@roles(Role.COORDINATOR, Role.OWNER, Role.MANAGER)
@bp.arguments(schemas.ActionQuery, location="query")
@bp.response(200, ActionPage)
def list_actions(query: dict[str, Any]) -> object:
    """Actions: all for coordinators and owners, a manager's stores' for a manager;
    unfinished ones first, then by due date (also ``?region=`` and ``?overdue=yes``)."""
    filters = actions.ActionFilters(
        store=(query.get("store") or "").strip(),
        region=(query.get("region") or "").strip(),
        status=query.get("status") or "",
        overdue=query.get("overdue") == "yes",
    )
    today = date.today()
    page = paginate(actions.list_statement(current_user, filters, today), lambda a: a)
    found = actions.outcomes(page["items"])
    page["items"] = [action_json(a, found.get(a.id, []), today) for a in page["items"]]
    return page


@bp.post("/actions")
@roles(Role.COORDINATOR)
@bp.arguments(schemas.NewAction)
@bp.response(201, schemas.Action, description="Created")
@bp.fails(409, 422)
def create_action(body: dict[str, Any]) -> object:
    """Open an action for a store: freely, or about a visit's answer (``visit_id``, ``question``)."""
    action = actions.open_action(
        current_user,
        store=_store(body.get("store")),
        title=body.get("title"),
        details=body.get("details"),
        due_on=_due_on(body.get("due_on")),
        visit=_visit(body.get("visit_id")),
        question=(body.get("question") or "").strip() or None,
    )
    return jsonify(_one(action)), 201


@bp.get("/actions/<int:action_id>")
@roles(Role.COORDINATOR, Role.OWNER, Role.MANAGER)
@bp.response(200, schemas.Action)
@bp.fails(404)
def get_action(action_id: int) -> object:
    """One action with its events and the later visits' results for its question."""
    return _one(actions.get(current_user, action_id))


@bp.post("/actions/<int:action_id>/respond")
@roles(Role.COORDINATOR, Role.MANAGER)
@found_first
@bp.arguments(schemas.RespondBody)
@bp.response(200, schemas.Action)
@bp.fails(404, 409, 422)
def respond_action(body: dict[str, Any], action: StoreAction) -> object:
    """The store says what it did: ``open`` → ``done``; any other status is a 409."""
    action_id = action.id
    actions.respond(action, current_user, body.get("note"))
    return _one(actions.get(current_user, action_id))


@bp.post("/actions/<int:action_id>/verify")
@roles(Role.COORDINATOR)
@found_first
@bp.arguments(schemas.VerifyBody)
@bp.response(200, schemas.Action)
@bp.fails(404, 409, 422)
def verify_action(body: dict[str, Any], action: StoreAction) -> object:
    """Close a done action, or reopen it with a note; any other status is a 409."""
    action_id = action.id
    actions.verify(action, current_user, body.get("decision"), body.get("note"))
    return _one(actions.get(current_user, action_id))
