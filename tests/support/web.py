"""Acting on pages as a person would: read the CSRF token, fill forms, sign in."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from shopper.extensions import db
from shopper.models import Role, Store, User
from shopper.services import accounts

PASSWORD = "correct horse battery"
# The store a test's manager runs when the test names none (a manager has one at least).
MANAGER_STORE = "MGR-01"
_CSRF = re.compile(r'name="(?:[\w-]+-)?csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(page: TestResponse) -> str:
    """The CSRF token of the first form on ``page``."""
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def make_user(
    app: Flask, role: str, email: str | None = None, password: str | None = PASSWORD, **extra
) -> User:
    """Create a person through the accounts service (a manager: of ``MANAGER_STORE`` unless
    ``stores=[...]`` names theirs)."""
    email = email or f"{role}@test.example"
    with app.app_context():
        if role == Role.MANAGER and "stores" not in extra:
            if db.session.execute(select(Store).where(Store.code == MANAGER_STORE)).first() is None:
                db.session.add(Store(code=MANAGER_STORE, name="Managed store", region="Region"))
                db.session.commit()
            extra["stores"] = [MANAGER_STORE]
        user = accounts.create_user(
            email, extra.pop("name", role.title() + " Person"), role, password=password, **extra
        )
        return user.id


class AuthActions:
    """Sign-in helpers so a test reads like what a person does."""

    def __init__(self, client: FlaskClient, app: Flask) -> None:
        self.client = client
        self.app = app

    def sign_in(self, email: str, password: str = PASSWORD, remember: bool = False) -> TestResponse:
        """Open the sign-in page, fill it and send it."""
        page = self.client.get("/sign-in")
        data = {"csrf_token": csrf_token(page), "email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self.client.post("/sign-in", data=data)

    def sign_in_as(self, role: str, email: str | None = None) -> str:
        """Create a person of ``role`` and sign them in; return their email."""
        email = email or f"{role}@test.example"
        make_user(self.app, role, email)
        response = self.sign_in(email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return email

    def sign_out(self) -> TestResponse:
        """Press the sign-out button."""
        page = self.client.get("/account")
        return self.client.post("/sign-out", data={"csrf_token": csrf_token(page)})

    def api_token(self, email: str) -> dict[str, str]:
        """A bearer-token header for the person."""
        with self.app.app_context():
            user = accounts.get_user(email)
            issued = accounts.create_token(user, accounts.unused_token_name(user, "test"))
        return {"Authorization": f"Bearer {issued.secret}"}
