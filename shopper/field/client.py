"""What the phone pages' scripts are told: who is signed in, where the API and pages are,
and the rules they apply while the shopper types. Every rule comes from the domain; the
scripts hold no copy of a status, a limit or a rule (tests/unit/test_script_copies.py).
"""

from __future__ import annotations

from flask import url_for
from flask_login import current_user

from shopper.domain.answers import MAX_PHOTOS_PER_QUESTION, NA, needs_answer, needs_photo
from shopper.domain.checklist_format import Checklist
from shopper.domain.workflow import EDITABLE_BY_SHOPPER, Status
from shopper.services.visits import visit_rules


def api_addresses() -> dict[str, str]:
    """Where the phone's queue is sent: the API root and the session (CSRF token) endpoint."""
    return {
        "api": url_for("api.list_assignments").rsplit("/", 1)[0],
        "session": url_for("field.session_token"),
    }


def statuses() -> dict[str, object]:
    """The workflow's statuses the scripts act on."""
    return {
        # The report may still be changed (any other status: it has been sent or cancelled).
        "editable": sorted(status.value for status in EDITABLE_BY_SHOPPER),
        # What a report is once sent, and a visit nobody makes any more.
        "sent": Status.SUBMITTED.value,
        "cancelled": Status.CANCELLED.value,
    }


def client_config() -> dict[str, object]:
    """Addresses, the signed-in person's id and shared rules, embedded as JSON in every phone page."""
    return {
        "user": current_user.id,
        **api_addresses(),
        "home": url_for("main.shopper_home"),
        "visit_page": url_for("field.visit", assignment_id=0)[:-1],
        "sign_in": url_for("auth.sign_in"),
        "worker": url_for("field.service_worker"),
        "max_photos": MAX_PHOTOS_PER_QUESTION,
        "na": NA,
        "statuses": statuses(),
        "visit_rules": visit_rules(),
    }


def report_rules(checklist: Checklist) -> dict[str, list[str]]:
    """The questions a complete report must answer, and those it must hold a photo for."""
    questions = [question for _, question in checklist.questions()]
    return {
        "answer": [question.code for question in questions if needs_answer(question)],
        "photo": [question.code for question in questions if needs_photo(question)],
    }
