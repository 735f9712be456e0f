"""The flask commands, in exactly the shapes the README promises."""

from __future__ import annotations

from shopper.extensions import db
from shopper.models import User


def test_user_create_with_password(app, runner, client, auth) -> None:
    result = runner.invoke(
        args=[
            "user",
            "create",
            "Sara@Test.example",
            "--name",
            "Sara Svensson",
            "--role",
            "coordinator",
            "--password",
            "long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created coordinator sara@test.example." in result.output
    assert "invitation" not in result.output.lower()
    assert auth.sign_in("sara@test.example", "long enough password").status_code == 302


def test_user_create_without_password_prints_a_working_invitation_link(app, runner, client) -> None:
    result = runner.invoke(
        args=["user", "create", "new@test.example", "--name", "New", "--role", "shopper"]
    )
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("http://127.0.0.1:5000/invitation/")
    path = link.removeprefix("http://127.0.0.1:5000")
    assert client.get(path).status_code == 200


def test_user_create_refuses_bad_input_clearly(runner) -> None:
    bad_role = runner.invoke(
        args=["user", "create", "a@test.example", "--name", "A", "--role", "boss"]
    )
    assert bad_role.exit_code == 2
    assert "'boss' is not one of 'owner', 'coordinator', 'shopper'" in bad_role.output
    bad_email = runner.invoke(
        args=["user", "create", "not-an-email", "--name", "A", "--role", "owner"]
    )
    assert bad_email.exit_code == 1
    assert "not-an-email is not a valid email address." in bad_email.output
    short = runner.invoke(
        args=[
            "user",
            "create",
            "a@test.example",
            "--name",
            "A",
            "--role",
            "owner",
            "--password",
            "short",
        ]
    )
    assert "at least 10 characters" in short.output
    runner.invoke(args=["user", "create", "b@test.example", "--name", "B", "--role", "owner"])
    again = runner.invoke(
        args=["user", "create", "B@test.example", "--name", "B", "--role", "owner"]
    )
    assert again.exit_code == 1
    assert "A person with the email b@test.example exists already." in again.output


def test_user_token_prints_the_token_as_the_last_line(app, runner, client) -> None:
    runner.invoke(args=["user", "create", "o@test.example", "--name", "O", "--role", "owner"])
    result = runner.invoke(args=["user", "token", "o@test.example"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.json["email"] == "o@test.example"
    with app.app_context():
        stored = db.session.execute(db.select(User)).scalar_one().tokens[0]
        assert token not in (stored.token_hash, stored.prefix)


def test_user_token_for_an_unknown_person(runner) -> None:
    result = runner.invoke(args=["user", "token", "ghost@test.example"])
    assert result.exit_code == 1
    assert "No person with the email ghost@test.example." in result.output


def test_demo_load_is_idempotent_and_keeps_the_logins(app, runner, auth) -> None:
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Demo loaded: 5 new people." in first.output
    logins = runner.invoke(args=["demo", "logins"]).output
    second = runner.invoke(args=["demo", "load"])
    assert "Demo loaded: 0 new people." in second.output
    assert runner.invoke(args=["demo", "logins"]).output == logins
    with app.app_context():
        roles = sorted(db.session.execute(db.select(User.role)).scalars())
    assert roles == ["coordinator", "owner", "shopper", "shopper", "shopper"]
    for line in logins.strip().splitlines():
        role, email, password = line.split()
        response = auth.sign_in(email, password)
        assert response.status_code == 302, line
        auth.sign_out()


def test_demo_load_if_empty_leaves_a_used_database_alone(runner) -> None:
    runner.invoke(args=["user", "create", "o@test.example", "--name", "O", "--role", "owner"])
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "was not loaded again" in result.output
    assert "No demo logins" in runner.invoke(args=["demo", "logins"]).output


def test_user_create_refuses_a_name_too_long_or_with_a_nul(runner) -> None:
    for name in ("N" * 201, "Bad\x00Name"):
        result = runner.invoke(
            args=["user", "create", "n@test.example", "--name", name, "--role", "owner"]
        )
        assert result.exit_code == 1
        assert "A name is at most 200 characters of text." in result.output


def test_demo_load_with_a_short_password_says_why_and_adds_nobody(app, runner) -> None:
    result = runner.invoke(args=["demo", "load", "--password", "short"])
    assert result.exit_code == 1
    assert "Error: " in result.output and "Traceback" not in result.output
    with app.app_context():
        assert db.session.execute(db.select(User)).first() is None


def test_user_token_with_a_name_over_100_characters_is_refused(runner) -> None:
    runner.invoke(args=["user", "create", "o@test.example", "--name", "O", "--role", "owner"])
    refused = runner.invoke(args=["user", "token", "o@test.example", "--name", "n" * 101])
    assert refused.exit_code == 1
    assert "The token name is longer than 100 characters." in refused.output
    made = runner.invoke(args=["user", "token", "o@test.example", "--name", "n" * 100])
    assert made.exit_code == 0 and made.output.splitlines()[-1].startswith("shp_")
