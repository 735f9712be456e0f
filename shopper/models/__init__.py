"""Typed SQLAlchemy models, one module per concept."""

from shopper.models.base import Base, utcnow
from shopper.models.checklist import Checklist, ChecklistVersion
from shopper.models.user import ApiToken, Invitation, Role, User

__all__ = [
    "ApiToken",
    "Base",
    "Checklist",
    "ChecklistVersion",
    "Invitation",
    "Role",
    "User",
    "utcnow",
]
