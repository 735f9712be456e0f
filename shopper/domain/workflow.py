"""The one place an assignment's status may change: a table of allowed transitions.

An assignment starts ``assigned``. The shopper's first saved draft makes it
``draft``; submitting makes it ``submitted``; the coordinator approves it or
returns it to the shopper (``returned``), who fixes and submits it again.
Only approved visits count in comparisons. Approval can be withdrawn.
"""

from __future__ import annotations

from enum import StrEnum

from shopper.domain.i18n import N_, Msgid


class Status(StrEnum):
    """The statuses of an assignment, exactly as the API names them."""

    ASSIGNED = "assigned"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    CANCELLED = "cancelled"


class Action(StrEnum):
    """What people do to an assignment."""

    SAVE_DRAFT = "save_draft"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    WITHDRAW_APPROVAL = "withdraw_approval"
    CANCEL = "cancel"
    REASSIGN = "reassign"
    EDIT = "edit"


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.ASSIGNED, Action.SAVE_DRAFT): Status.DRAFT,
    (Status.DRAFT, Action.SAVE_DRAFT): Status.DRAFT,
    # A returned report stays "returned" while the shopper fixes it.
    (Status.RETURNED, Action.SAVE_DRAFT): Status.RETURNED,
    (Status.ASSIGNED, Action.SUBMIT): Status.SUBMITTED,
    (Status.DRAFT, Action.SUBMIT): Status.SUBMITTED,
    (Status.RETURNED, Action.SUBMIT): Status.SUBMITTED,
    (Status.SUBMITTED, Action.APPROVE): Status.APPROVED,
    (Status.SUBMITTED, Action.RETURN): Status.RETURNED,
    (Status.APPROVED, Action.WITHDRAW_APPROVAL): Status.SUBMITTED,
    # Only work nobody has submitted yet may be cancelled, reassigned or edited.
    (Status.ASSIGNED, Action.CANCEL): Status.CANCELLED,
    (Status.DRAFT, Action.CANCEL): Status.CANCELLED,
    (Status.ASSIGNED, Action.REASSIGN): Status.ASSIGNED,
    (Status.DRAFT, Action.REASSIGN): Status.ASSIGNED,
    (Status.ASSIGNED, Action.EDIT): Status.ASSIGNED,
    (Status.DRAFT, Action.EDIT): Status.DRAFT,
}

# How each status reads to people (the template macro and error messages use these).
LABELS: dict[Status, Msgid] = {
    Status.ASSIGNED: Msgid(N_("Assigned")),
    Status.DRAFT: Msgid(N_("Draft")),
    Status.SUBMITTED: Msgid(N_("Waiting for review")),
    Status.RETURNED: Msgid(N_("Returned")),
    Status.APPROVED: Msgid(N_("Approved")),
    Status.CANCELLED: Msgid(N_("Cancelled")),
}


def label(status: str) -> Msgid:
    """The marked label of ``status``, to translate where it is shown."""
    return LABELS[Status(status)]


# The shopper's "to do" and the statuses whose report they may still change.
OPEN = frozenset({Status.ASSIGNED, Status.DRAFT, Status.RETURNED})
EDITABLE_BY_SHOPPER = OPEN


class IllegalTransition(Exception):
    """An action the status does not allow; nothing was changed."""

    message = N_("This cannot be done: the assignment's status is %(status)s.")

    def __init__(self, status: Status, action: Action) -> None:
        super().__init__(f"{action} is not allowed when {status}")
        self.status = status
        self.action = action


def allowed(status: str, action: Action) -> bool:
    """True when ``action`` may be taken on an assignment in ``status``."""
    return (Status(status), action) in TRANSITIONS


def next_status(status: str, action: Action) -> Status:
    """The status after ``action``, or IllegalTransition."""
    try:
        return TRANSITIONS[(Status(status), action)]
    except KeyError:
        raise IllegalTransition(Status(status), action) from None
