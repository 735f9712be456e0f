"""How an API request is authenticated: a bearer token, or the session plus CSRF header."""

from __future__ import annotations

from flask import abort, current_app, g, request
from flask_login import current_user

from shopper.access import bearer_token
from shopper.api import bp
from shopper.extensions import csrf
from shopper.services import accounts

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The blueprint checks CSRF itself below: token requests need none.
csrf.exempt(bp)


@bp.before_request
def authenticate() -> None:
    """Use the bearer token when one is given; otherwise the session, with a CSRF header."""
    token = bearer_token()
    if token is not None:
        user = accounts.user_for_token(token) if token else None
        if user is None:
            abort(401)
        # Flask-Login's per-request cache: the token user wins over any cookie.
        current_app.login_manager._update_request_context_with_user(user)
        g.api_token_used = True
        return
    # Signed out: let the view answer 401 rather than a CSRF 400.
    if request.method not in SAFE_METHODS and current_user.is_authenticated:
        csrf.protect()
