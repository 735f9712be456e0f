"""Which rows a person may see, beyond their role: a shopper sees only their own work."""

from __future__ import annotations

from shopper.models import Checklist, Role, User


def may_read_checklist(user: User, checklist: Checklist) -> bool:
    """Coordinators and owners read every checklist; a shopper only those assigned to them.

    Shoppers have no assignments until assignments exist, so for now they read none.
    """
    return user.role in (Role.COORDINATOR, Role.OWNER)
