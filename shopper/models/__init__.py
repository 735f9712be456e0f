"""Typed SQLAlchemy models, one module per concept."""

from shopper.domain.roles import Role
from shopper.models.action import ActionEvent, StoreAction, manager_stores
from shopper.models.aggregate import (
    StoreMonthDetail,
    StoreMonthTotal,
    StoreRunningDetail,
)
from shopper.models.assignment import (
    Assignment,
    AuditEvent,
    Photo,
    Visit,
    VisitQuestionScore,
    VisitSectionScore,
)
from shopper.models.base import Base, utcnow
from shopper.models.checklist import Checklist, ChecklistVersion
from shopper.models.store import Store
from shopper.models.user import ApiToken, Invitation, SignInFailures, User

__all__ = [
    "ActionEvent",
    "StoreAction",
    "manager_stores",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "Photo",
    "Store",
    "StoreMonthDetail",
    "StoreMonthTotal",
    "StoreRunningDetail",
    "Visit",
    "VisitQuestionScore",
    "VisitSectionScore",
    "Base",
    "Checklist",
    "ChecklistVersion",
    "Invitation",
    "Role",
    "SignInFailures",
    "User",
    "utcnow",
]
