"""Review: coordinators approve submitted reports or return them to the shopper with a note."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shopper.domain.i18n import N_
from shopper.domain.workflow import Action, IllegalTransition, allowed, next_status
from shopper.extensions import db
from shopper.models import Assignment, User, Visit, utcnow
from shopper.services import aggregates, audit
from shopper.services.errors import Conflict, Invalid, NotFound

MAX_NOTE = 4000


def queue() -> list[Visit]:
    """Submitted reports waiting for review, oldest submission first."""
    return list(
        db.session.execute(
            select(Visit)
            .join(Visit.assignment)
            .where(Assignment.status == "submitted")
            .options(
                selectinload(Visit.assignment).selectinload(Assignment.store),
                selectinload(Visit.assignment).selectinload(Assignment.shopper),
                selectinload(Visit.assignment).selectinload(Assignment.checklist),
            )
            .order_by(Visit.submitted_at, Visit.id)
        ).scalars()
    )


def _move(visit: Visit, action: Action) -> None:
    assignment = visit.assignment
    try:
        assignment.status = next_status(assignment.status, action)
    except IllegalTransition as error:
        raise Conflict(error.message, {"status": assignment.status}) from error


def approve(visit: Visit, actor: User, note: str = "") -> None:
    """Approve a submitted report: from now on it counts in comparisons."""
    _move(visit, Action.APPROVE)
    aggregates.apply_visit(visit, +1)
    visit.review_note = note.strip()
    visit.reviewed_at = utcnow()
    visit.reviewed_by_id = actor.id
    audit.record(visit.assignment, actor, "approved", note.strip())
    db.session.commit()


def return_to_shopper(visit: Visit, actor: User, note: str) -> None:
    """Send a submitted report back to its shopper with a note saying what to fix."""
    note = (note or "").strip()
    if not note:
        raise Invalid(
            N_("Write a note telling the shopper what to fix."), fields={"note": "required"}
        )
    if len(note) > MAX_NOTE:
        raise Invalid(N_("The note is longer than %(count)d characters."), {"count": MAX_NOTE})
    _move(visit, Action.RETURN)
    visit.review_note = note
    visit.reviewed_at = utcnow()
    visit.reviewed_by_id = actor.id
    audit.record(visit.assignment, actor, "returned", note)
    db.session.commit()


def withdraw_approval(visit: Visit, actor: User, note: str = "") -> None:
    """Take an approval back: the report waits for review again and stops counting."""
    _move(visit, Action.WITHDRAW_APPROVAL)
    aggregates.apply_visit(visit, -1)
    audit.record(visit.assignment, actor, "approval_withdrawn", note.strip())
    db.session.commit()


def approve_many(visit_ids: list[int], actor: User) -> int:
    """Approve several submitted reports at once: all of them, or none when one cannot be."""
    if not visit_ids:
        raise Invalid(N_("Choose at least one report to approve."))
    visits = list(
        db.session.execute(
            select(Visit)
            .where(Visit.id.in_(set(visit_ids)))
            .options(
                selectinload(Visit.assignment),
                selectinload(Visit.section_scores),
                selectinload(Visit.question_scores),
            )
        ).scalars()
    )
    if len(visits) != len(set(visit_ids)):
        raise NotFound(N_("Some of the chosen reports do not exist."))
    blocked = [v.id for v in visits if not allowed(v.assignment.status, Action.APPROVE)]
    if blocked:
        raise Conflict(
            N_("Nothing was approved: reports %(ids)s are not waiting for review any more."),
            {"ids": ", ".join(map(str, sorted(blocked)))},
        )
    now = utcnow()
    for visit in visits:
        visit.assignment.status = next_status(visit.assignment.status, Action.APPROVE)
        aggregates.apply_visit(visit, +1)
        visit.review_note = ""
        visit.reviewed_at = now
        visit.reviewed_by_id = actor.id
        audit.record(visit.assignment, actor, "approved")
    db.session.commit()
    return len(visits)
