"""What each role sees in the menu, and role names as people read them."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _

from shopper.models import Role


def nav_items(role: str) -> list[tuple[str, str]]:
    """(endpoint, label) pairs of the main menu for ``role``."""
    items = {
        Role.OWNER: [
            ("reports.comparison", _("Comparison")),
            ("checklists.index", _("Checklists")),
            ("stores.index", _("Stores")),
        ],
        Role.COORDINATOR: [
            ("main.coordinator_home", _("Home")),
            ("assignments.index", _("Assignments")),
            ("visits.review_queue", _("Review")),
            ("reports.comparison", _("Comparison")),
            ("checklists.index", _("Checklists")),
            ("stores.index", _("Stores")),
            ("people.index", _("People")),
        ],
        Role.SHOPPER: [("main.shopper_home", _("My visits"))],
    }
    return items[Role(role)]


def role_label(role: str) -> str:
    """The role's name in the person's language."""
    return {
        Role.OWNER: _("Owner"),
        Role.COORDINATOR: _("Coordinator"),
        Role.SHOPPER: _("Shopper"),
    }[Role(role)]


def init_app(app: Flask) -> None:
    """Give templates the menu and role names."""
    app.jinja_env.globals.update(nav_items=nav_items, role_label=role_label)
