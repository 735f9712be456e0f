"""Store pages: list, create, edit, deactivate, CSV import and export."""

from flask import Blueprint

bp = Blueprint("stores", __name__, url_prefix="/stores")

from shopper.stores import routes  # noqa: E402,F401
