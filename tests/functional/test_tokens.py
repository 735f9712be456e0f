"""Personal API tokens: made with a name and shown once, listed, revoked by their
owner or a coordinator, and revoked all at once by a new password or deactivation."""

from __future__ import annotations

import html
import json
import re
import urllib.error
import urllib.request

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from shopper.extensions import db
from shopper.models import ApiToken, User
from shopper.services import accounts
from shopper.services.errors import Invalid, NotFound
from tests.support.web import PASSWORD, csrf_token, make_user

NEW_TOKEN = re.compile(r'id="new-token">([^<]+)<')


def text(response: TestResponse) -> str:
    """The page as a person reads it (entities decoded)."""
    return html.unescape(response.get_data(as_text=True))


def make_token(client: FlaskClient, name: str) -> TestResponse:
    """Fill the new-token form on the account page and send it."""
    page = client.get("/account")
    return client.post("/account/tokens", data={"csrf_token": csrf_token(page), "token-name": name})


def secret_of(response: TestResponse) -> str:
    """The new token, as the page shows it this once."""
    match = NEW_TOKEN.search(response.get_data(as_text=True))
    assert match, "the page shows no new token"
    return match.group(1)


def me(app: Flask, secret: str) -> int:
    """The status of GET /api/v1/me with the token, from a client without cookies."""
    return (
        app.test_client()
        .get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        .status_code
    )


def tokens_of(app: Flask, email: str) -> list[tuple[int, str]]:
    """(id, name) of the person's tokens, oldest first."""
    with app.app_context():
        return [(token.id, token.name) for token in accounts.list_tokens(accounts.get_user(email))]


def issue(app: Flask, email: str, name: str) -> str:
    """A token made through the service, as a script's owner would have."""
    with app.app_context():
        return accounts.create_token(accounts.get_user(email), name).secret


def revoke_own(client: FlaskClient, token_id: int) -> TestResponse:
    """Press Revoke on the account page."""
    page = client.get("/account")
    return client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(page)})


def revoke_as_coordinator(client: FlaskClient, user_id: int, token_id: int) -> TestResponse:
    """Press Revoke on a person's page (the CSRF token comes from the account page)."""
    page = client.get("/account")
    return client.post(
        f"/people/{user_id}/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(page)}
    )


def change_password(client: FlaskClient, new: str = "a brand new password") -> TestResponse:
    """Fill the password form on the account page."""
    page = client.get("/account")
    return client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(page),
            "pw-current_password": PASSWORD,
            "pw-password": new,
            "pw-confirm": new,
        },
        follow_redirects=True,
    )


# Making a token


def test_a_new_token_is_shown_once_in_full_and_listed_by_name(app, client, auth) -> None:
    auth.sign_in_as("shopper")
    made = make_token(client, "  phone   sync  ")
    assert made.status_code == 200
    assert made.headers["Cache-Control"] == "no-store"
    page = text(made)
    secret = secret_of(made)
    assert secret.startswith("shp_") and len(secret) == 47
    assert "Your new token “phone sync”:" in page
    assert "It will not be shown again" in page
    assert "one tap selects all of it" in page
    # Not in a flash: the session cookie carries nothing of it.
    assert secret not in (
        client.get_cookie("session").value if client.get_cookie("session") else ""
    )

    assert me(app, secret) == 200
    listed = text(client.get("/account"))
    assert secret not in listed
    assert "phone sync" in listed
    assert f"<code>{secret[:10]}…</code>" in listed
    assert listed.count(secret[:10]) == 1
    assert tokens_of(app, "shopper@test.example") == [
        (tokens_of(app, "shopper@test.example")[0][0], "phone sync")
    ]


def test_the_list_says_never_until_a_token_is_used(app, client, auth) -> None:
    auth.sign_in_as("coordinator")
    secret = secret_of(make_token(client, "stores import"))
    section = text(client.get("/account")).split('id="tokens"')[1]
    assert "<dt>Last used</dt><dd>never</dd>" in section
    assert me(app, secret) == 200
    section = text(client.get("/account")).split('id="tokens"')[1]
    assert "<dt>Last used</dt><dd>never</dd>" not in section
    with app.app_context():
        assert accounts.get_user("coordinator@test.example").tokens[0].last_used_at is not None


def test_a_token_name_is_required_and_at_most_100_characters(app, client, auth) -> None:
    auth.sign_in_as("shopper")
    empty = make_token(client, "   ")
    assert empty.status_code == 400
    assert "A token name is required." in text(empty)
    too_long = make_token(client, "n" * 101)
    assert too_long.status_code == 400
    assert "The token name is longer than 100 characters." in text(too_long)
    control = make_token(client, "tab\x07bell")
    assert control.status_code == 422
    assert "The token name may hold only text." in text(control)
    assert NEW_TOKEN.search(control.get_data(as_text=True)) is None
    assert tokens_of(app, "shopper@test.example") == []
    assert make_token(client, "n" * 100).status_code == 200


def test_a_name_is_unique_per_person_in_any_letter_case(app, client, auth) -> None:
    make_user(app, "shopper", "other@test.example")
    issue(app, "other@test.example", "Phone")
    auth.sign_in_as("shopper")
    assert make_token(client, "Phone").status_code == 200  # another person's name is free
    again = make_token(client, "PHONE")
    assert again.status_code == 409
    assert "There is a token named “PHONE” already; choose another name." in text(again)
    assert NEW_TOKEN.search(again.get_data(as_text=True)) is None
    assert [name for _, name in tokens_of(app, "shopper@test.example")] == ["Phone"]


def test_a_person_has_at_most_20_tokens(app, client, auth) -> None:
    auth.sign_in_as("shopper")
    for number in range(accounts.MAX_TOKENS):
        issue(app, "shopper@test.example", f"script {number}")
    page = text(client.get("/account"))
    assert (
        "You have 20 API tokens, the most one person may have: "
        "revoke one you no longer use to make another." in page
    )
    assert 'name="token-name"' not in page
    refused = make_token(client, "one more")
    assert refused.status_code == 409
    assert "shopper@test.example has 20 API tokens, the most one person may have" in text(refused)
    assert len(tokens_of(app, "shopper@test.example")) == 20

    revoke_own(client, tokens_of(app, "shopper@test.example")[0][0])
    assert make_token(client, "one more").status_code == 200


def test_the_token_list_fits_a_phone(client, auth) -> None:
    auth.sign_in_as("shopper")
    make_token(client, "phone")
    section = client.get("/account").get_data(as_text=True).split('id="tokens"')[1]
    # A list, not a table that would scroll sideways on a phone.
    assert '<ul class="token-list">' in section and "<table" not in section


# Revoking one's own


def test_revoking_a_token_refuses_it_on_the_api_at_once(app, client, auth, live_server) -> None:
    auth.sign_in_as("shopper")
    secret = secret_of(make_token(client, "phone"))
    keep = secret_of(make_token(client, "laptop"))

    def over_http(token: str) -> int:
        request = urllib.request.Request(
            live_server + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                assert json.load(response)["email"] == "shopper@test.example"
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    assert over_http(secret) == 200
    page = text(client.get("/account"))
    assert "Revoke “phone”? Scripts and apps using it are refused at once" in page
    revoked = revoke_own(client, tokens_of(app, "shopper@test.example")[0][0])
    assert revoked.status_code == 302 and revoked.location == "/account"
    assert "The token “phone” is revoked: scripts using it are refused from now on." in text(
        client.get("/account")
    )
    assert over_http(secret) == 401
    assert over_http(keep) == 200
    assert [name for _, name in tokens_of(app, "shopper@test.example")] == ["laptop"]


def test_revoking_needs_the_csrf_token(app, client, auth) -> None:
    auth.sign_in_as("shopper")
    secret = secret_of(make_token(client, "phone"))
    [(token_id, _)] = tokens_of(app, "shopper@test.example")
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 400
    assert me(app, secret) == 200


def test_nobody_revokes_another_persons_token_from_their_account_page(app, client, auth) -> None:
    make_user(app, "shopper", "ayse@test.example")
    secret = issue(app, "ayse@test.example", "phone")
    [(token_id, _)] = tokens_of(app, "ayse@test.example")
    for role in ("shopper", "owner", "coordinator"):
        auth.sign_in_as(role)
        assert revoke_own(client, token_id).status_code == 404, role
        auth.sign_out()
    assert me(app, secret) == 200


# A coordinator revokes anyone's


def test_a_coordinator_revokes_a_persons_token_on_their_page(app, client, auth) -> None:
    ayse = make_user(app, "shopper", "ayse@test.example", name="Ayşe Yılmaz")
    phone = issue(app, "ayse@test.example", "phone")
    laptop = issue(app, "ayse@test.example", "laptop")
    assert me(app, phone) == 200
    auth.sign_in_as("coordinator")

    people = text(client.get("/people"))
    assert f'href="/people/{ayse}"' in people
    page = client.get(f"/people/{ayse}")
    assert page.status_code == 200
    shown = text(page)
    assert "Ayşe Yılmaz" in shown and "phone" in shown and "laptop" in shown
    assert f"<code>{phone[:10]}…</code>" in shown
    assert phone not in shown
    token_id = tokens_of(app, "ayse@test.example")[0][0]
    assert f'action="/people/{ayse}/tokens/{token_id}/revoke"' in shown

    revoked = revoke_as_coordinator(client, ayse, token_id)
    assert revoked.status_code == 302 and revoked.location == f"/people/{ayse}"
    assert "The token “phone” of Ayşe Yılmaz is revoked" in text(client.get(f"/people/{ayse}"))
    assert me(app, phone) == 401
    assert me(app, laptop) == 200


def test_a_person_without_tokens_has_an_empty_list(app, client, auth) -> None:
    ayse = make_user(app, "shopper", "ayse@test.example", name="Ayşe")
    auth.sign_in_as("coordinator")
    assert "Ayşe has no API tokens." in text(client.get(f"/people/{ayse}"))
    assert client.get("/people/99999").status_code == 404


def test_a_token_id_under_another_person_is_not_found(app, client, auth) -> None:
    ayse = make_user(app, "shopper", "ayse@test.example")
    make_user(app, "shopper", "bora@test.example")
    secret = issue(app, "bora@test.example", "phone")
    [(bora_token, _)] = tokens_of(app, "bora@test.example")
    auth.sign_in_as("coordinator")
    assert revoke_as_coordinator(client, ayse, bora_token).status_code == 404
    assert revoke_as_coordinator(client, ayse, 99999).status_code == 404
    assert me(app, secret) == 200


def test_shoppers_and_owners_cannot_revoke_someone_elses_token(app, client, auth) -> None:
    coordinator = make_user(app, "coordinator", "c@test.example")
    secret = issue(app, "c@test.example", "reports")
    [(token_id, _)] = tokens_of(app, "c@test.example")
    for role in ("shopper", "owner"):
        auth.sign_in_as(role)
        assert client.get(f"/people/{coordinator}").status_code == 403, role
        assert revoke_as_coordinator(client, coordinator, token_id).status_code == 403, role
        auth.sign_out()
    assert me(app, secret) == 200


def test_the_policy_refuses_a_revocation_the_route_let_through(app) -> None:
    # The service asks the policy itself, whatever route calls it.
    make_user(app, "shopper", "s@test.example")
    make_user(app, "shopper", "t@test.example")
    issue(app, "t@test.example", "phone")
    [(token_id, _)] = tokens_of(app, "t@test.example")
    with app.app_context():
        shopper, owner = accounts.get_user("s@test.example"), accounts.get_user("t@test.example")
        with pytest.raises(NotFound, match="No such token."):
            accounts.revoke_token(shopper, owner, token_id)
    assert tokens_of(app, "t@test.example") == [(token_id, "phone")]


# What a new password and deactivation do


def test_changing_the_password_revokes_every_token(app, client, auth) -> None:
    auth.sign_in_as("shopper")
    first = secret_of(make_token(client, "phone"))
    second = secret_of(make_token(client, "laptop"))
    account = text(client.get("/account"))
    assert "Changing your password also revokes your 2 API tokens." in account
    assert me(app, first) == 200 and me(app, second) == 200

    changed = text(change_password(client))
    assert "Your password is changed. Other devices are signed out." in changed
    assert "2 API tokens were revoked with the old password; make new ones where needed." in changed
    assert me(app, first) == 401 and me(app, second) == 401
    assert tokens_of(app, "shopper@test.example") == []
    assert "Changing your password also revokes" not in changed
    assert "You have no API tokens." in changed


def test_one_token_is_counted_in_the_singular(app, client, auth) -> None:
    auth.sign_in_as("shopper")
    make_token(client, "phone")
    assert "Changing your password also revokes your 1 API token." in text(client.get("/account"))
    changed = text(change_password(client))
    assert "1 API token was revoked with the old password; make a new one where needed." in changed


def test_a_wrong_current_password_revokes_nothing(app, client, auth) -> None:
    auth.sign_in_as("shopper")
    secret = secret_of(make_token(client, "phone"))
    page = client.get("/account")
    refused = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(page),
            "pw-current_password": "not the password",
            "pw-password": "a brand new password",
            "pw-confirm": "a brand new password",
        },
    )
    assert refused.status_code == 400
    assert me(app, secret) == 200


def test_a_password_set_from_an_invitation_link_revokes_every_token(app, client) -> None:
    make_user(app, "shopper", "s@test.example")
    secret = issue(app, "s@test.example", "phone")
    with app.app_context():
        link = accounts.invite(accounts.get_user("s@test.example"), days=7).secret
    page = client.get(f"/invitation/{link}")
    accepted = client.post(
        f"/invitation/{link}",
        data={
            "csrf_token": csrf_token(page),
            "password": "my own password",
            "confirm": "my own password",
        },
        follow_redirects=True,
    )
    assert accepted.status_code == 200
    assert "1 API token was revoked with the old password; make a new one where needed." in text(
        accepted
    )
    assert me(app, secret) == 401


def test_a_short_password_from_an_invitation_revokes_nothing(app) -> None:
    make_user(app, "shopper", "s@test.example")
    secret = issue(app, "s@test.example", "phone")
    with app.app_context():
        link = accounts.invite(accounts.get_user("s@test.example"), days=7).secret
        with pytest.raises(Invalid):
            accounts.accept_invitation(link, "short")
        db.session.rollback()
        # The link is still good, and the token still works.
        assert accounts.open_invitation(link).used_at is None
    assert me(app, secret) == 200


def test_deactivation_revokes_tokens_and_activation_does_not_bring_them_back(
    app, client, auth
) -> None:
    ayse = make_user(app, "shopper", "ayse@test.example")
    secret = issue(app, "ayse@test.example", "phone")
    auth.sign_in_as("coordinator")
    page = client.get("/account")
    client.post(f"/people/{ayse}/deactivate", data={"csrf_token": csrf_token(page)})
    assert me(app, secret) == 401
    assert tokens_of(app, "ayse@test.example") == []
    client.post(f"/people/{ayse}/activate", data={"csrf_token": csrf_token(page)})
    with app.app_context():
        assert accounts.get_user("ayse@test.example").active
    assert me(app, secret) == 401


def test_a_signed_in_session_is_not_a_token(app, client, auth) -> None:
    # Revoking every token leaves the person's own browser session alone.
    auth.sign_in_as("shopper")
    make_token(client, "phone")
    revoke_own(client, tokens_of(app, "shopper@test.example")[0][0])
    assert client.get("/api/v1/me").json["email"] == "shopper@test.example"


# The command line


def test_the_command_line_makes_lists_and_revokes_tokens(app, runner) -> None:
    make_user(app, "owner", "o@test.example")
    first = runner.invoke(args=["user", "token", "o@test.example"])
    second = runner.invoke(args=["user", "token", "o@test.example"])
    named = runner.invoke(args=["user", "token", "o@test.example", "--name", "nightly export"])
    for result in (first, second, named):
        assert result.exit_code == 0, result.output
    assert first.output.splitlines()[0].startswith("API token “command line” for o@test.example")
    assert "“command line 2”" in second.output
    secret = named.output.strip().splitlines()[-1]
    assert me(app, secret) == 200

    taken = runner.invoke(args=["user", "token", "o@test.example", "--name", "Nightly Export"])
    assert taken.exit_code == 1
    assert "There is a token named “Nightly Export” already; choose another name." in taken.output

    listed = runner.invoke(args=["user", "tokens", "o@test.example"])
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert [line.split("\t")[0] for line in lines] == [
        "command line",
        "command line 2",
        "nightly export",
    ]
    assert lines[2].split("\t")[1] == secret[:10] + "…"
    assert lines[2].split("\t")[3].startswith("last used 20")
    assert lines[0].endswith("last used never")
    assert secret not in listed.output

    revoked = runner.invoke(args=["user", "revoke-token", "o@test.example", "NIGHTLY export"])
    assert revoked.exit_code == 0, revoked.output
    assert "Revoked the token “nightly export” of o@test.example." in revoked.output
    assert me(app, secret) == 401
    missing = runner.invoke(args=["user", "revoke-token", "o@test.example", "nightly export"])
    assert missing.exit_code == 1
    assert "o@test.example has no token named “nightly export”." in missing.output


def test_the_command_line_for_someone_without_tokens(app, runner) -> None:
    make_user(app, "owner", "o@test.example")
    assert runner.invoke(args=["user", "tokens", "o@test.example"]).output == (
        "o@test.example has no API tokens.\n"
    )
    unknown = runner.invoke(args=["user", "tokens", "ghost@test.example"])
    assert unknown.exit_code == 1
    assert "No person with the email ghost@test.example." in unknown.output


def test_only_the_hash_of_a_token_is_kept(app, client, auth) -> None:
    auth.sign_in_as("shopper")
    secret = secret_of(make_token(client, "phone"))
    with app.app_context():
        stored = db.session.execute(db.select(ApiToken)).scalar_one()
        assert secret not in (stored.token_hash, stored.prefix, stored.name)
        assert stored.prefix == secret[:10]
        assert db.session.get(User, stored.user_id).email == "shopper@test.example"
