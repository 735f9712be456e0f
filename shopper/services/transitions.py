"""Status changes as compare-and-set: checked against the workflow and written in one statement.

Every service moves an assignment through ``move`` or ``move_many``: the new
status comes from ``shopper.domain.workflow``'s table, and the UPDATE only
matches while the status is still the one the request read. Of two requests
racing, exactly one matches; the other gets ``Conflict`` and its transaction is
rolled back, so it changes nothing. The UPDATE also holds the row (PostgreSQL's
row lock, SQLite's single writer) until the change commits, so whatever the
service reads after ``move`` is current: read what the change depends on after it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update

from shopper.domain.i18n import N_
from shopper.domain.workflow import (
    Action,
    IllegalTransition,
    Status,
    allowed,
    label,
    next_status,
)
from shopper.extensions import db
from shopper.models import Assignment, utcnow
from shopper.services.errors import Conflict

# With ``retry``, a racing change that leaves the action allowed (the phone's
# first draft saved while the report is submitted) is retried from the new
# status, a few times at most.
ATTEMPTS = 3


def _refused(status: str) -> Conflict:
    return Conflict(IllegalTransition.message, {"status": label(status)})


def move(
    assignment: Assignment, action: Action, *, retry: bool = False, **expected: object
) -> Status:
    """Move one assignment by ``action``; its new status, or Conflict (rolled back).

    ``expected`` adds column values the row must still have (e.g. its shopper).
    Without ``retry``, losing the race is a Conflict even when the new status
    would allow the action: the person decided on a state that is gone.
    The assignment's attributes are reloaded afterwards, under the row's lock.
    """
    for _ in range(ATTEMPTS if retry else 1):
        old = assignment.status
        try:
            new = next_status(old, action)
        except IllegalTransition:
            db.session.rollback()
            raise _refused(old) from None
        claimed = db.session.execute(
            update(Assignment)
            .where(
                Assignment.id == assignment.id,
                Assignment.status == old,
                *(getattr(Assignment, name) == value for name, value in expected.items()),
            )
            .values(status=new, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed == 1:
            db.session.expire(assignment)
            return new
        # Another request moved it first: start again from what it left.
        db.session.rollback()
        if not allowed(assignment.status, action):
            break
    raise _refused(assignment.status)


def report_locked(assignment: Assignment) -> Conflict:
    """The answer to a change of a report its status no longer lets the shopper change."""
    return Conflict(
        N_("This report cannot be changed now: its status is %(status)s."),
        {"status": label(assignment.status)},
    )


def hold(assignment: Assignment, statuses: frozenset[Status], **expected: object) -> None:
    """Hold the assignment while its status stays in ``statuses``, or Conflict (rolled back).

    For changes that keep the status but depend on it (a photo added to a report
    the shopper may still change): one conditional UPDATE checks the status and
    takes the row (PostgreSQL's row lock, SQLite's single writer) until commit,
    so a submission racing it waits, and what is read afterwards is current.
    """
    claimed = db.session.execute(
        update(Assignment)
        .where(
            Assignment.id == assignment.id,
            Assignment.status.in_(statuses),
            *(getattr(Assignment, name) == value for name, value in expected.items()),
        )
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise report_locked(assignment)
    db.session.expire(assignment)


def move_many(assignments: Sequence[Assignment], action: Action) -> list[Assignment]:
    """Move every assignment by ``action``, or none: the ones that could not be moved.

    When that list is not empty nothing changed (the transaction is rolled
    back). The rows are locked in id order first (PostgreSQL), so that two
    requests moving overlapping sets cannot deadlock.
    """
    ids = sorted({a.id for a in assignments})
    if db.engine.dialect.name != "sqlite":
        db.session.execute(
            select(Assignment.id)
            .where(Assignment.id.in_(ids))
            .order_by(Assignment.id)
            .with_for_update()
        )
    by_status: dict[str, list[int]] = {}
    for assignment in assignments:
        by_status.setdefault(assignment.status, []).append(assignment.id)
    claimed = 0
    if all(allowed(status, action) for status in by_status):
        for old, chosen in by_status.items():
            claimed += db.session.execute(
                update(Assignment)
                .where(Assignment.id.in_(chosen), Assignment.status == old)
                .values(status=next_status(old, action), updated_at=utcnow())
                .execution_options(synchronize_session=False)
            ).rowcount
    if claimed != len(ids):
        db.session.rollback()  # expires them: their statuses are read again below
        return [a for a in assignments if not allowed(a.status, action)] or list(assignments)
    for assignment in assignments:
        db.session.expire(assignment)
    return []
