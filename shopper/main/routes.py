"""The landing pages: every role starts on its own home."""

from __future__ import annotations

from datetime import date

from flask import current_app, redirect, render_template, url_for
from flask_login import current_user

from shopper.access import roles, signed_in
from shopper.field.client import client_config
from shopper.field.my_visits import my_visits
from shopper.main import bp
from shopper.models import Role
from shopper.services import assignments, my_stores, reviews, visits

HOME_ENDPOINTS = {
    Role.OWNER: "main.owner_home",
    Role.COORDINATOR: "main.coordinator_home",
    Role.SHOPPER: "main.shopper_home",
    Role.MANAGER: "main.manager_home",
}


@bp.get("/")
@signed_in
def home() -> object:
    """Send each person to their role's home page."""
    return redirect(url_for(HOME_ENDPOINTS[Role(current_user.role)]))


@bp.get("/owner")
@roles(Role.OWNER)
def owner_home() -> str:
    """The owner's home: the comparison itself, last month by default."""
    return redirect(url_for("reports.comparison"))


@bp.get("/coordinator")
@roles(Role.COORDINATOR)
def coordinator_home() -> str:
    """The coordinator's home: what needs attention now."""
    return render_template(
        "main/coordinator_home.html",
        counts=assignments.status_counts(),
        attention=assignments.needing_attention(date.today()),
        waiting=reviews.queue(),
    )


@bp.get("/shopper")
@roles(Role.SHOPPER)
def shopper_home() -> str:
    """The shopper's home: their visits, returned ones on top, then the soonest due."""
    return render_template(
        "main/shopper_home.html", visits=my_visits(current_user), config=client_config()
    )


@bp.get("/manager")
@roles(Role.MANAGER)
def manager_home() -> str:
    """The store manager's home: their stores' latest results, open actions, approved visits."""
    return render_template(
        "main/manager_home.html",
        standings=my_stores.standings(current_user, date.today()),
        visits=visits.approved_for(current_user, limit=20),
        has_pdf="reports.comparison_pdf" in current_app.view_functions,
    )
