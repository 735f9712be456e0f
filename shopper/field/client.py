"""What the phone pages' scripts are told: who is signed in and where the API and pages are."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user

from shopper.domain.answers import MAX_PHOTOS_PER_QUESTION
from shopper.services.visits import visit_rules


def api_addresses() -> dict[str, str]:
    """Where the phone's queue is sent: the API root and the session (CSRF token) endpoint."""
    return {
        "api": url_for("api.list_assignments").rsplit("/", 1)[0],
        "session": url_for("field.session_token"),
    }


def client_config() -> dict[str, object]:
    """Addresses, the signed-in person's id and shared limits, embedded as JSON in every phone page."""
    return {
        "user": current_user.id,
        **api_addresses(),
        "home": url_for("main.shopper_home"),
        "visit_page": url_for("field.visit", assignment_id=0)[:-1],
        "sign_in": url_for("auth.sign_in"),
        "worker": url_for("field.service_worker"),
        "max_photos": MAX_PHOTOS_PER_QUESTION,
        "visit_rules": visit_rules(),
    }
