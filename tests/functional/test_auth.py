"""Signing in and out, remember me, passwords and invitation links."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shopper.extensions import db
from shopper.models import Invitation, utcnow
from shopper.services import accounts
from tests.support.web import PASSWORD, csrf_token, make_user

WRONG = "The email or the password is not right."


def test_sign_in_page_is_served(client) -> None:
    page = client.get("/sign-in")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<label for="email">Email</label>' in html
    assert 'autocomplete="current-password"' in html


def test_person_signs_in_with_email_in_any_case_and_lands_home(app, client, auth) -> None:
    make_user(app, "coordinator", "Cem@Test.example")
    response = auth.sign_in("CEM@test.EXAMPLE")
    assert response.status_code == 302
    assert response.location == "/"
    assert client.get("/", follow_redirects=True).request.path == "/coordinator"


def test_wrong_password_and_unknown_email_get_the_same_clear_message(app, client, auth) -> None:
    make_user(app, "shopper", "known@test.example")
    wrong_password = auth.sign_in("known@test.example", "not the password").get_data(as_text=True)
    unknown_email = auth.sign_in("nobody@test.example", "not the password").get_data(as_text=True)
    assert WRONG in wrong_password
    assert WRONG in unknown_email
    assert client.get("/shopper").status_code == 302


def test_deactivated_person_cannot_sign_in(app, auth) -> None:
    make_user(app, "shopper", "gone@test.example")
    with app.app_context():
        accounts.get_user("gone@test.example").active = False
        db.session.commit()
    assert WRONG in auth.sign_in("gone@test.example").get_data(as_text=True)


def test_sign_in_form_without_csrf_token_is_refused(app, client) -> None:
    make_user(app, "shopper", "s@test.example")
    response = client.post("/sign-in", data={"email": "s@test.example", "password": PASSWORD})
    assert response.status_code == 400
    assert "Reload the page and try again" in response.get_data(as_text=True)
    assert client.get("/shopper").status_code == 302


def test_after_sign_in_the_person_returns_to_the_page_they_asked_for(app, client) -> None:
    make_user(app, "owner", "o@test.example")
    asked = client.get("/account")
    assert asked.location == "/sign-in?next=/account"
    page = client.get(asked.location)
    response = client.post(
        asked.location,
        data={"csrf_token": csrf_token(page), "email": "o@test.example", "password": PASSWORD},
    )
    assert response.location == "/account"


def test_sign_in_never_redirects_to_another_site(app, client) -> None:
    make_user(app, "owner", "o@test.example")
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        page = client.get("/sign-in")
        response = client.post(
            "/sign-in?next=" + target,
            data={"csrf_token": csrf_token(page), "email": "o@test.example", "password": PASSWORD},
        )
        assert response.location == "/", target
        auth_client_sign_out(client)


def auth_client_sign_out(client) -> None:
    page = client.get("/account")
    client.post("/sign-out", data={"csrf_token": csrf_token(page)})


def test_sign_out_ends_the_session(client, auth) -> None:
    auth.sign_in_as("shopper")
    assert client.get("/shopper").status_code == 200
    response = auth.sign_out()
    assert response.location == "/sign-in"
    assert client.get("/shopper").status_code == 302


def test_sign_out_by_get_is_not_possible(client, auth) -> None:
    auth.sign_in_as("shopper")
    assert client.get("/sign-out").status_code == 405
    assert client.get("/shopper").status_code == 200


def test_remember_me_keeps_the_person_signed_in_after_the_browser_closes(app, client, auth) -> None:
    make_user(app, "shopper", "s@test.example")
    auth.sign_in("s@test.example", remember=True)
    remember = client.get_cookie("remember_token")
    assert remember is not None
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember.value)
    assert fresh.get("/shopper").status_code == 200


def test_without_remember_me_no_lasting_cookie_is_set(app, client, auth) -> None:
    make_user(app, "shopper", "s@test.example")
    auth.sign_in("s@test.example")
    assert client.get_cookie("remember_token") is None


def _change_password(client, current: str, new: str, confirm: str | None = None):
    page = client.get("/account")
    return client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(page),
            "pw-current_password": current,
            "pw-password": new,
            "pw-confirm": new if confirm is None else confirm,
        },
    )


def test_changing_the_password_signs_out_other_devices(app, client, auth) -> None:
    make_user(app, "coordinator", "c@test.example")
    other_device = app.test_client()
    from tests.support.web import AuthActions

    AuthActions(other_device, app).sign_in("c@test.example", remember=True)
    auth.sign_in("c@test.example")

    response = _change_password(client, PASSWORD, "a brand new password")
    assert response.status_code == 302
    assert client.get("/coordinator").status_code == 200
    assert other_device.get("/coordinator").status_code == 302
    auth.sign_out()
    assert auth.sign_in("c@test.example", "a brand new password").status_code == 302


def test_changing_the_password_checks_the_current_one_and_the_length(app, client, auth) -> None:
    auth.sign_in_as("shopper")
    wrong = _change_password(client, "not it", "a brand new password")
    assert wrong.status_code == 400
    assert "The current password is not right." in wrong.get_data(as_text=True)
    short = _change_password(client, PASSWORD, "short")
    assert "at least 10 characters" in short.get_data(as_text=True)
    mismatch = _change_password(client, PASSWORD, "a brand new password", "another one here")
    assert "The two passwords are not the same." in mismatch.get_data(as_text=True)


def _invite(app, email: str = "new@test.example") -> str:
    make_user(app, "shopper", email, password=None)
    with app.app_context():
        return accounts.invite(accounts.get_user(email), days=7).secret


def _accept(client, secret: str, password: str = "my own password"):
    page = client.get(f"/invitation/{secret}")
    assert page.status_code == 200
    return client.post(
        f"/invitation/{secret}",
        data={"csrf_token": csrf_token(page), "password": password, "confirm": password},
    )


def test_invited_person_sets_a_password_once_and_is_signed_in(app, client, auth) -> None:
    secret = _invite(app)
    response = _accept(client, secret)
    assert response.location == "/"
    assert client.get("/shopper").status_code == 200
    auth.sign_out()
    assert auth.sign_in("new@test.example", "my own password").status_code == 302
    assert client.get(f"/invitation/{secret}").status_code == 404


def test_expired_invitation_is_refused_with_a_clear_message(app, client) -> None:
    secret = _invite(app)
    with app.app_context():
        invitation = db.session.execute(db.select(Invitation)).scalar_one()
        invitation.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    page = client.get(f"/invitation/{secret}")
    assert page.status_code == 404
    assert "Ask your coordinator for a new one." in page.get_data(as_text=True)


def test_a_new_invitation_replaces_the_old_link(app, client) -> None:
    old = _invite(app)
    with app.app_context():
        new = accounts.invite(accounts.get_user("new@test.example"), days=7).secret
    assert client.get(f"/invitation/{old}").status_code == 404
    assert client.get(f"/invitation/{new}").status_code == 200


def test_person_without_password_cannot_sign_in_before_the_invitation(app, auth) -> None:
    _invite(app)
    assert WRONG in auth.sign_in("new@test.example", "anything at all").get_data(as_text=True)


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_sign_in_is_rate_limited(app, client) -> None:
    responses = []
    for number in range(12):
        page = client.get("/sign-in")
        # A new address each time: the per-address lock (test_sign_in_lock.py) stays out of it.
        email = f"x{number}@test.example"
        responses.append(
            client.post(
                "/sign-in",
                data={"csrf_token": csrf_token(page), "email": email, "password": "x"},
            )
        )
    assert [r.status_code for r in responses] == [200] * 10 + [429, 429]
    assert "Too many attempts" in responses[-1].get_data(as_text=True)


def test_deactivating_a_person_ends_their_open_session(app, client, auth) -> None:
    auth.sign_in_as("shopper")
    assert client.get("/shopper").status_code == 200
    with app.app_context():
        accounts.get_user("shopper@test.example").active = False
        db.session.commit()
    assert client.get("/shopper").status_code == 302
