"""Review: coordinators approve submitted reports or return them to the shopper with a note."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shopper.domain.audit import AuditAction
from shopper.domain.i18n import N_
from shopper.domain.workflow import Action, Status
from shopper.extensions import db
from shopper.models import Assignment, User, Visit, utcnow
from shopper.services import actions, aggregates, audit, transitions
from shopper.services.errors import Conflict, Invalid, NotFound

MAX_NOTE = 4000


def queue() -> list[Visit]:
    """Submitted reports waiting for review, oldest submission first."""
    return list(
        db.session.execute(
            select(Visit)
            .join(Visit.assignment)
            .where(Assignment.status == Status.SUBMITTED)
            .options(
                selectinload(Visit.assignment).selectinload(Assignment.store),
                selectinload(Visit.assignment).selectinload(Assignment.shopper),
                selectinload(Visit.assignment).selectinload(Assignment.checklist),
            )
            .order_by(Visit.submitted_at, Visit.id)
        ).scalars()
    )


def _move(visit: Visit, action: Action) -> None:
    """Claim the transition (Conflict when another decision came first), then read afresh."""
    transitions.move(visit.assignment, action)
    db.session.expire(visit)  # its scores and review, as they are under the row's lock


def _note(note: str | None, required: bool = False) -> str:
    """A reviewer's note, trimmed; Invalid when missing (if required) or too long."""
    note = (note or "").strip()
    if required and not note:
        raise Invalid(
            N_("Write a note telling the shopper what to fix."), fields={"note": "required"}
        )
    if len(note) > MAX_NOTE:
        raise Invalid(
            N_("The note is longer than %(count)d characters."),
            {"count": MAX_NOTE},
            fields={"note": "too_long"},
        )
    return note


def approve(visit: Visit, actor: User, note: str = "") -> None:
    """Approve a submitted report: from now on it counts in comparisons, and each
    failed critical question opens an action for the store."""
    note = _note(note)
    _move(visit, Action.APPROVE)
    aggregates.apply_visit(visit, +1)
    visit.review_note = note
    visit.returned_questions = []
    visit.reviewed_at = utcnow()
    visit.reviewed_by_id = actor.id
    audit.record(visit.assignment, actor, AuditAction.APPROVED, note)
    opened = actions.open_for_critical_failures(visit, visit.reviewed_at)
    db.session.commit()
    actions.announce(opened)


def _named_questions(visit: Visit, codes: list[str] | tuple[str, ...]) -> list[str]:
    """The questions a returning coordinator points at: codes of the report's own
    checklist version, in its order; Invalid naming an unknown one."""
    known = [
        question["code"]
        for section in visit.assignment.version.document["sections"]
        for question in section["questions"]
    ]
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise Invalid(
            N_("The checklist of this report has no question %(code)s."),
            {"code": unknown[0]},
            fields={"questions": "unknown"},
        )
    return [code for code in known if code in codes]


def return_to_shopper(
    visit: Visit, actor: User, note: str, questions: list[str] | tuple[str, ...] = ()
) -> None:
    """Send a submitted report back to its shopper with a note saying what to fix and,
    if the coordinator named them, the questions to change (the phone leads to them)."""
    note = _note(note, required=True)
    named = _named_questions(visit, questions)
    _move(visit, Action.RETURN)
    visit.review_note = note
    visit.returned_questions = named
    visit.reviewed_at = utcnow()
    visit.reviewed_by_id = actor.id
    audit.record(visit.assignment, actor, AuditAction.RETURNED, note)
    db.session.commit()


def withdraw_approval(visit: Visit, actor: User, note: str = "") -> None:
    """Take an approval back: the report waits for review again and stops counting."""
    note = _note(note)
    _move(visit, Action.WITHDRAW_APPROVAL)
    aggregates.apply_visit(visit, -1)
    audit.record(visit.assignment, actor, AuditAction.APPROVAL_WITHDRAWN, note)
    db.session.commit()


# The reviewer's words, as the page's buttons and the API's ``decision`` send them.
DECISIONS = ("approve", "return", "withdraw")


def decide(
    visit: Visit,
    actor: User,
    decision: str | None,
    note: str = "",
    questions: list[str] | tuple[str, ...] = (),
) -> None:
    """Apply a reviewer's decision to a report: approve, return (with a note and the
    questions to fix) or withdraw."""
    if decision == "approve":
        approve(visit, actor, note)
    elif decision == "return":
        return_to_shopper(visit, actor, note, questions)
    elif decision == "withdraw":
        withdraw_approval(visit, actor, note)
    else:
        raise Invalid(
            N_('decision must be "approve", "return" or "withdraw".'),
            fields={"decision": "invalid"},
        )


def _load(visit_ids: set[int], scores: bool = False) -> list[Visit]:
    options = [selectinload(Visit.assignment)]
    if scores:
        options += [selectinload(Visit.section_scores), selectinload(Visit.question_scores)]
    return list(
        db.session.execute(
            select(Visit)
            .where(Visit.id.in_(visit_ids))
            .options(*options)
            .order_by(Visit.id)
            .execution_options(populate_existing=True)
        ).scalars()
    )


def approve_many(visit_ids: list[int], actor: User) -> int:
    """Approve several submitted reports at once: all of them, or none when one cannot be."""
    if not visit_ids:
        raise Invalid(N_("Choose at least one report to approve."))
    chosen = set(visit_ids)
    visits = _load(chosen)
    if len(visits) != len(chosen):
        raise NotFound(N_("Some of the chosen reports do not exist."))
    visit_of = {visit.assignment_id: visit.id for visit in visits}
    blocked = transitions.move_many([visit.assignment for visit in visits], Action.APPROVE)
    if blocked:
        raise Conflict(
            N_("Nothing was approved: reports %(ids)s are not waiting for review any more."),
            {"ids": ", ".join(map(str, sorted(visit_of[a.id] for a in blocked)))},
        )
    # Read under the rows' locks; one checklist after another, in the order every
    # approval takes their locks.
    visits = sorted(_load(chosen, scores=True), key=lambda v: (v.assignment.checklist_id, v.id))
    now = utcnow()
    opened = []
    for visit in visits:
        aggregates.apply_visit(visit, +1)
        visit.review_note = ""
        visit.returned_questions = []
        visit.reviewed_at = now
        visit.reviewed_by_id = actor.id
        audit.record(visit.assignment, actor, AuditAction.APPROVED)
        opened += actions.open_for_critical_failures(visit, now)
    db.session.commit()
    actions.announce(opened)
    return len(visits)
