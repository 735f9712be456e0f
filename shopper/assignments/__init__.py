"""Assignment pages: list, assign to many stores, import, detail with the audit trail."""

from flask import Blueprint

bp = Blueprint("assignments", __name__, url_prefix="/assignments")

from shopper.assignments import routes  # noqa: E402,F401
