"""Signing in and out, invitations, the account page."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from shopper.auth import routes  # noqa: E402,F401
