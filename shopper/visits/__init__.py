"""Visit pages: the shopper's report, the review pages, photos."""

from flask import Blueprint

bp = Blueprint("visits", __name__)

from shopper.visits import routes  # noqa: E402,F401
