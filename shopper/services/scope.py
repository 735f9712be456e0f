"""The access policy as queries: narrow a statement to the rows a person may see.

Every service that loads assignments, visits, photos, checklists, checklist
versions, stores or follow-up actions for a person passes its statement through
``visible_to``, so the rules of ``shopper.domain.policy`` hold for lists and for
single objects alike (an object outside the scope is simply not found: 404,
never a hint that it exists).
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, exists, false, select

from shopper.domain.policy import READ_EVERYTHING, SHOWN_TO_STORES, Person
from shopper.domain.roles import Role
from shopper.domain.workflow import Status
from shopper.models import (
    Assignment,
    Checklist,
    ChecklistVersion,
    Photo,
    Store,
    StoreAction,
    Visit,
    manager_stores,
)

Statement = TypeVar("Statement", bound=Select[Any])


def managed_store_ids(person: Person) -> Select[Any]:
    """The ids of the stores ``person`` manages, as a subquery."""
    return select(manager_stores.c.store_id).where(manager_stores.c.user_id == person.id)


def _own_assignments(person: Person) -> Any:
    """The condition on Assignment rows this person (shopper or manager) may see."""
    if person.role == Role.SHOPPER:
        return Assignment.shopper_id == person.id
    return Assignment.store_id.in_(managed_store_ids(person)) & Assignment.status.in_(
        SHOWN_TO_STORES
    )


def _checklist_in_use(person: Person) -> Any:
    """True for a checklist the shopper is assigned, or used at the manager's stores."""
    if person.role == Role.SHOPPER:
        mine = Assignment.shopper_id == person.id
    else:
        mine = Assignment.store_id.in_(managed_store_ids(person))
    return exists().where(
        Assignment.checklist_id == Checklist.id, mine, Assignment.status != Status.CANCELLED
    )


def visible_to(person: Person, statement: Statement) -> Statement:
    """``statement`` narrowed to what ``person`` may see, by the entity it selects.

    Coordinators and owners see every row of these kinds. A shopper sees their
    own assignments, visits and photos, the published versions of the
    checklists they are assigned and the stores they visit; no actions. A store
    manager sees their stores, those stores' approved visits and their photos,
    the published versions of the checklists used there, and those stores'
    actions. Anyone else sees nothing.
    """
    if person.role in READ_EVERYTHING:
        return statement
    entity = statement.column_descriptions[0]["entity"]
    if person.role not in (Role.SHOPPER, Role.MANAGER):
        return statement.where(false())
    own = _own_assignments(person)
    if entity is Assignment:
        return statement.where(own)
    if entity is Visit:
        return statement.where(Visit.assignment_id.in_(select(Assignment.id).where(own)))
    if entity is Photo:
        return statement.where(
            Photo.visit_id.in_(
                select(Visit.id).join(Assignment, Visit.assignment_id == Assignment.id).where(own)
            )
        )
    if entity is Checklist:
        return statement.where(_checklist_in_use(person))
    if entity is ChecklistVersion:
        return statement.where(
            ChecklistVersion.published_at.is_not(None),
            ChecklistVersion.checklist_id.in_(
                select(Checklist.id).where(_checklist_in_use(person))
            ),
        )
    if entity is Store:
        if person.role == Role.SHOPPER:
            return statement.where(Store.id.in_(select(Assignment.store_id).where(own)))
        return statement.where(Store.id.in_(managed_store_ids(person)))
    if entity is StoreAction:
        if person.role == Role.SHOPPER:
            return statement.where(false())
        return statement.where(StoreAction.store_id.in_(managed_store_ids(person)))
    raise TypeError(f"no visibility rule for {entity!r}")
