"""What each role sees in the menu, role names as people read them, and what templates
may ask of the access policy and the workflow (never a role or status name of their own)."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _
from flask_login import current_user

from shopper import anonymity
from shopper.domain import follow_up, policy
from shopper.domain.answers import MAX_COMMENT, MAX_SCALE_BUTTON_SPAN, MAX_TEXT_ANSWER
from shopper.domain.audit import AuditAction
from shopper.domain.workflow import LABELS, Status
from shopper.models import Role


def nav_items(role: str) -> list[tuple[str, str]]:
    """(endpoint, label) pairs of the main menu for ``role``."""
    items = {
        Role.OWNER: [
            ("reports.comparison", _("Comparison")),
            ("actions.index", _("Actions")),
            ("checklists.index", _("Checklists")),
            ("stores.index", _("Stores")),
        ],
        Role.COORDINATOR: [
            ("main.coordinator_home", _("Home")),
            ("assignments.index", _("Assignments")),
            ("visits.review_queue", _("Review")),
            ("reports.comparison", _("Comparison")),
            ("actions.index", _("Actions")),
            ("checklists.index", _("Checklists")),
            ("stores.index", _("Stores")),
            ("people.index", _("People")),
        ],
        Role.SHOPPER: [("main.shopper_home", _("My visits"))],
        Role.MANAGER: [
            ("main.manager_home", _("My stores")),
            ("actions.index", _("Actions")),
            ("reports.comparison", _("Comparison")),
        ],
    }
    return items[Role(role)]


def role_label(role: str) -> str:
    """The role's name in the person's language."""
    return {
        Role.OWNER: _("Owner"),
        Role.COORDINATOR: _("Coordinator"),
        Role.SHOPPER: _("Shopper"),
        Role.MANAGER: _("Store manager"),
    }[Role(role)]


def capabilities() -> dict[str, policy.Capabilities]:
    """``can``: what the signed-in person may do, for every template (``can.manage_stores``)."""
    person = current_user if current_user.is_authenticated else None
    return {"can": policy.capabilities(person)}


def init_app(app: Flask) -> None:
    """Give templates the menu, role names, capability flags, statuses and the policy's tests."""
    app.jinja_env.globals.update(
        nav_items=nav_items,
        role_label=role_label,
        Status=Status,
        status_labels=LABELS,
        AuditAction=AuditAction,
        is_overdue=policy.is_overdue,
        is_due_today=policy.is_due_today,
        scores_visible=policy.scores_visible,
        may_review=policy.may_review,
        ActionStatus=follow_up.ActionStatus,
        action_labels=follow_up.LABELS,
        action_step_labels=follow_up.STEP_LABELS,
        question_held=follow_up.question_held,
        person_name=anonymity.person_name,
        limits={
            "text_answer": MAX_TEXT_ANSWER,
            "comment": MAX_COMMENT,
            "scale_button_span": MAX_SCALE_BUTTON_SPAN,
        },
    )
    app.context_processor(capabilities)
