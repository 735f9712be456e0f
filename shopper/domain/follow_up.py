"""Store follow-up: the actions a store must take after a visit, and how they move.

An action opens (by hand, or by itself when an approved visit failed a critical
question), the store's manager says what was done (``done``), and a coordinator
verifies it: ``closed``, or back to ``open`` with a note. Any other move is
refused. Like assignments, actions change status only through this table.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from shopper.domain.i18n import N_, Msgid


class ActionStatus(StrEnum):
    """The statuses of an action, exactly as the API names them."""

    OPEN = "open"
    DONE = "done"
    CLOSED = "closed"


class ActionStep(StrEnum):
    """What people do to an action; also the kinds of its history events."""

    OPEN = "open"
    RESPOND = "respond"
    CLOSE = "close"
    REOPEN = "reopen"
    # Not a move: a change of title, details or due date by a coordinator.
    EDIT = "edit"


TRANSITIONS: dict[tuple[ActionStatus, ActionStep], ActionStatus] = {
    (ActionStatus.OPEN, ActionStep.RESPOND): ActionStatus.DONE,
    (ActionStatus.DONE, ActionStep.CLOSE): ActionStatus.CLOSED,
    (ActionStatus.DONE, ActionStep.REOPEN): ActionStatus.OPEN,
}

# An action for a store and question still in one of these blocks another for them.
UNFINISHED = frozenset({ActionStatus.OPEN, ActionStatus.DONE})

# How long a store has to fix what an approved visit's critical failure showed.
DUE_AFTER_APPROVAL = timedelta(days=14)
# A manager is reminded once when an open action's due date is this close.
REMIND_BEFORE_DUE = timedelta(days=3)
# A due date opened by hand may be this far before the server's today: a coordinator
# west of it (UTC) may still be on the day before.
DUE_DATE_SLACK = timedelta(days=1)


def due_date_passed(due_on: date, today: date) -> bool:
    """Whether an action opened ``today`` with ``due_on`` would be due in the past."""
    return due_on < today - DUE_DATE_SLACK


LABELS: dict[ActionStatus, Msgid] = {
    ActionStatus.OPEN: Msgid(N_("Open")),
    ActionStatus.DONE: Msgid(N_("Done, to verify")),
    ActionStatus.CLOSED: Msgid(N_("Closed")),
}

STEP_LABELS: dict[ActionStep, Msgid] = {
    ActionStep.OPEN: Msgid(N_("Opened")),
    ActionStep.RESPOND: Msgid(N_("Marked done")),
    ActionStep.CLOSE: Msgid(N_("Verified and closed")),
    ActionStep.REOPEN: Msgid(N_("Reopened")),
    ActionStep.EDIT: Msgid(N_("Changed")),
}


class ActionStepRefused(Exception):
    """A step the action's status does not allow."""

    message = N_("This action cannot be changed that way now: its status is %(status)s.")


def label(status: str) -> Msgid:
    """The marked label of an action status."""
    return LABELS[ActionStatus(status)]


def next_status(status: str, step: ActionStep) -> ActionStatus:
    """The status ``step`` leads to from ``status``, or ActionStepRefused."""
    try:
        return TRANSITIONS[(ActionStatus(status), step)]
    except (KeyError, ValueError):
        raise ActionStepRefused(status) from None


def allowed(status: str, step: ActionStep) -> bool:
    """Whether ``step`` may be taken from ``status``."""
    return (ActionStatus(status), step) in TRANSITIONS


def is_overdue(status: str, due_on: date, today: date) -> bool:
    """An action still open after its due date (a done one waits for the coordinator)."""
    return status == ActionStatus.OPEN and due_on < today


def needs_reminder(status: str, due_on: date, today: date) -> bool:
    """An open action whose due date is near enough for the manager's reminder."""
    return status == ActionStatus.OPEN and today <= due_on <= today + REMIND_BEFORE_DUE


def closed_in_time(status: str, due_on: date, done_on: date | None) -> bool:
    """A closed action whose store said it was done by its due date."""
    return status == ActionStatus.CLOSED and done_on is not None and done_on <= due_on


def question_held(
    counted: bool, earned: float | None, possible: float, critical_failed: bool
) -> bool | None:
    """Whether a later visit's answer to an action's question kept the standard.

    A critical failure, or an answer that earned none of its points, failed again;
    any other counted answer held. None for an answer not counted (not applicable).
    """
    if critical_failed:
        return False
    if not counted or possible <= 0:
        return None
    return bool(earned)
