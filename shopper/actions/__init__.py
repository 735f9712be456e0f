"""Store follow-up action pages: the list, one action with its forms, opening one."""

from flask import Blueprint

bp = Blueprint("actions", __name__, url_prefix="/actions")

from shopper.actions import routes  # noqa: E402,F401
