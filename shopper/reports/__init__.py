"""Comparison pages and their downloads."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from shopper.reports import routes  # noqa: E402,F401
