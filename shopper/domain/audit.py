"""What the audit trail records: the names of the events on an assignment's trail.

These are not statuses (a trail also records ``created``, ``changed`` and
``reassigned``), although several read the same: each names what somebody did.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    """The events of an assignment's trail, as stored in ``AuditEvent.action``."""

    CREATED = "created"
    CHANGED = "changed"
    REASSIGNED = "reassigned"
    CANCELLED = "cancelled"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    APPROVAL_WITHDRAWN = "approval_withdrawn"
