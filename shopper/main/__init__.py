"""Each role's home page."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from shopper.main import health, routes  # noqa: E402,F401
