"""Who may reach which view: the one decorator every view declares, and sign-in loading.

Every view is wrapped by ``roles(...)`` or ``public``; ``tests/functional/
test_access.py`` walks the URL map and fails on a view that declares neither.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Flask, abort, request
from flask_babel import gettext
from flask_login import LoginManager, current_user
from sqlalchemy import select

from shopper.domain.i18n import N_
from shopper.models import Role, User

View = TypeVar("View", bound=Callable[..., object])
PUBLIC: frozenset[str] = frozenset({"*"})
EVERYONE: frozenset[str] = frozenset(Role)


def is_api_request() -> bool:
    """True for requests to the JSON API, which answer errors as JSON."""
    return request.path.startswith("/api/")


def public(view: View) -> View:
    """Declare a view open to everyone, signed in or not."""
    view.access = PUBLIC  # type: ignore[attr-defined]
    return view


def roles(*allowed: Role) -> Callable[[View], View]:
    """Declare the roles that reach a view; others get 403, the signed-out 401/sign-in."""
    allowed_set = frozenset(Role(role) for role in allowed)
    if not allowed_set:
        raise ValueError("roles() needs at least one role")

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: object, **kwargs: object) -> object:
            if not current_user.is_authenticated:
                from shopper.extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in allowed_set:
                abort(403)
            return view(*args, **kwargs)

        guarded.access = allowed_set  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def signed_in(view: View) -> View:
    """Declare a view open to every signed-in person, whatever their role."""
    return roles(*EVERYONE)(view)


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header: None without one, "" if empty."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or ""


def init_app(app: Flask, login_manager: LoginManager) -> None:
    """Wire Flask-Login: session users, bearer-token users on the API, the 401 answer."""
    from shopper.extensions import db

    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = N_("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = gettext
    # "strong" would sign out people whose phone changes network mid-visit.
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        user_id, _, version = session_id.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.session.execute(select(User).where(User.id == int(user_id))).scalar_one_or_none()
        # A deactivated person's open sessions end on their next request.
        if user is None or not user.active or user.auth_version != int(version):
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized() -> object:
        if is_api_request():
            abort(401)
        from flask import flash, redirect, url_for

        flash(gettext("Please sign in to open this page."), "info")
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
