"""Which rows a person may see, beyond their role: a shopper sees only their own work."""

from __future__ import annotations

from sqlalchemy import select

from shopper.extensions import db
from shopper.models import Assignment, Checklist, Role, User


def may_read_checklist(user: User, checklist: Checklist) -> bool:
    """Coordinators and owners read every checklist; a shopper those they have assignments on."""
    if user.role in (Role.COORDINATOR, Role.OWNER):
        return True
    return (
        db.session.execute(
            select(Assignment.id)
            .where(
                Assignment.checklist_id == checklist.id,
                Assignment.shopper_id == user.id,
                Assignment.status != "cancelled",
            )
            .limit(1)
        ).first()
        is not None
    )
