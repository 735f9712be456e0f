"""The shopper's phone pages: the report page, its service worker, its assets."""

from flask import Blueprint

bp = Blueprint("field", __name__)

from shopper.field import routes  # noqa: E402,F401
