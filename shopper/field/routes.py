"""The shopper's report page, the service worker that keeps it offline, and a fresh CSRF token."""

from __future__ import annotations

import json
from pathlib import Path

from flask import current_app, jsonify, make_response, render_template, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from shopper.access import public, roles
from shopper.api.assignments import assignment_json, visit_json
from shopper.domain import policy
from shopper.domain.checklist_format import to_document
from shopper.domain.workflow import EDITABLE_BY_SHOPPER
from shopper.field import bp
from shopper.field.assets import WORKER_SCRIPTS, asset_url, precache_urls, worker_version
from shopper.field.client import api_addresses, client_config, report_rules
from shopper.field.my_visits import maps_url
from shopper.models import Role
from shopper.services import assignments, visits
from shopper.services.checklists import parse_version

bp.add_app_template_global(asset_url, "field_asset")
bp.add_app_template_global(maps_url, "maps_url")


@bp.get("/visits/<int:assignment_id>")
@roles(Role.SHOPPER)
def visit(assignment_id: int) -> object:
    """One assignment on the phone: briefing, what to observe, and the report to fill or read."""
    assignment = assignments.get_assignment(assignment_id, current_user)
    checklist = parse_version(assignment.version)
    report = assignment.visit
    # The sent report is read back once it is submitted (its scores once approved, by the
    # template); a returned one is being fixed in the form, with no scores (the policy's rule).
    shown = report is not None and policy.scores_visible(assignment)
    editable = assignment.status in EDITABLE_BY_SHOPPER
    payload = {
        **client_config(),
        "assignment": assignment_json(assignment),
        "checklist": {**to_document(checklist), "version": assignment.version.number},
        "needs": report_rules(checklist),
        "visit": visit_json(report) if report is not None else None,
        "editable": editable,
    }
    response = make_response(
        render_template(
            "field/visit.html",
            assignment=assignment,
            checklist=checklist,
            visit=report,
            sections=visits.report_view(report) if shown else [],
            editable=editable,
            payload=payload,
        )
    )
    # The service worker keeps its own copy for offline use; the browser must ask each time.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/visits/session")
@roles(Role.SHOPPER)
def session_token() -> object:
    """A fresh CSRF token for a page that was opened from the phone's cache."""
    response = jsonify({"csrf_token": generate_csrf(), "user": current_user.id})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/sw.js")
@public
def service_worker() -> object:
    """The service worker, served from the root so its scope covers the shopper's pages."""
    source = Path(current_app.static_folder or "", "js", "field", "sw.js").read_text("utf-8")
    settings = {
        "version": worker_version(),
        "assets": precache_urls(),
        "home": url_for("main.shopper_home"),
        "visit_page": url_for("field.visit", assignment_id=0)[:-1],
        "sign_out": url_for("auth.sign_out"),
        "photos": url_for("api.photo_file", photo_id=0)[:-1],
        "scripts": [asset_url(name) for name in WORKER_SCRIPTS],
        **api_addresses(),
    }
    response = make_response(f"const SETTINGS = {json.dumps(settings)};\n{source}")
    response.headers["Content-Type"] = "application/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/favicon.ico")
@public
def favicon() -> object:
    """The app's small icon, for browsers that ask for /favicon.ico whatever the page links."""
    icon = Path(current_app.static_folder or "", "img", "favicon.svg").read_bytes()
    response = make_response(icon)
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
