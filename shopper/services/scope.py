"""The access policy as queries: narrow a statement to the rows a person may see.

Every service that loads assignments, visits, photos, checklists or checklist
versions for a person passes its statement through ``visible_to``, so the rules
of ``shopper.domain.policy`` hold for lists and for single objects alike (an
object outside the scope is simply not found: 404, never a hint that it exists).
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, exists, false, select

from shopper.domain.policy import READ_EVERYTHING, Person
from shopper.domain.roles import Role
from shopper.domain.workflow import Status
from shopper.models import Assignment, Checklist, ChecklistVersion, Photo, Visit

Statement = TypeVar("Statement", bound=Select[Any])


def _assigned_checklist(person: Person) -> Any:
    """True for a checklist the shopper has a not-cancelled assignment on."""
    return exists().where(
        Assignment.checklist_id == Checklist.id,
        Assignment.shopper_id == person.id,
        Assignment.status != Status.CANCELLED,
    )


def visible_to(person: Person, statement: Statement) -> Statement:
    """``statement`` narrowed to what ``person`` may see, by the entity it selects.

    Coordinators and owners see every row of these kinds; a shopper their own
    assignments, their visits and photos, and the published versions of the
    checklists they are assigned; anyone else nothing.
    """
    if person.role in READ_EVERYTHING:
        return statement
    entity = statement.column_descriptions[0]["entity"]
    if person.role != Role.SHOPPER:
        return statement.where(false())
    if entity is Assignment:
        return statement.where(Assignment.shopper_id == person.id)
    if entity is Visit:
        return statement.where(
            Visit.assignment_id.in_(select(Assignment.id).where(Assignment.shopper_id == person.id))
        )
    if entity is Photo:
        return statement.where(
            Photo.visit_id.in_(
                select(Visit.id)
                .join(Assignment, Visit.assignment_id == Assignment.id)
                .where(Assignment.shopper_id == person.id)
            )
        )
    if entity is Checklist:
        return statement.where(_assigned_checklist(person))
    if entity is ChecklistVersion:
        return statement.where(
            ChecklistVersion.published_at.is_not(None),
            ChecklistVersion.checklist_id.in_(
                select(Checklist.id).where(_assigned_checklist(person))
            ),
        )
    raise TypeError(f"no visibility rule for {entity!r}")
