"""People pages: list, add one or many (CSV) with invitation links, deactivate, reactivate."""

from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/people")

from shopper.people import routes  # noqa: E402,F401
