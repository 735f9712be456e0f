"""Checklist pages: list, create, import, builder, versions, export, archive."""

from flask import Blueprint

bp = Blueprint("checklists", __name__, url_prefix="/checklists")

from shopper.checklists import routes  # noqa: E402,F401
