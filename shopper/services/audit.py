"""The audit trail: who created, changed, submitted, returned or approved what, and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shopper.domain.audit import AuditAction
from shopper.extensions import db
from shopper.models import Assignment, AuditEvent, User


def record(
    assignment: Assignment,
    actor: User | None,
    action: AuditAction,
    note: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """Add an event to the assignment's trail; it is committed with the change it records."""
    if assignment.id is None:
        db.session.flush()
    db.session.add(
        AuditEvent(
            assignment_id=assignment.id,
            actor_id=actor.id if actor is not None else None,
            action=action,
            note=note,
            details=details or {},
        )
    )


def trail(assignment: Assignment) -> list[AuditEvent]:
    """The assignment's events, oldest first, with who did them."""
    return list(
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.assignment_id == assignment.id)
            .options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.at, AuditEvent.id)
        ).scalars()
    )
