"""The flask commands, in exactly the shapes the README promises."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from shopper.domain.audit import AuditAction
from shopper.domain.checklist_format import missing_texts, parse_checklist
from shopper.domain.workflow import Status
from shopper.extensions import db
from shopper.models import (
    Assignment,
    Checklist,
    ChecklistVersion,
    Role,
    Store,
    StoreAction,
    User,
    Visit,
)
from shopper.services import audit
from shopper.services.demo import _months_before


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
    assert "Demo loaded: 8 new people." in first.output
    logins = runner.invoke(args=["demo", "logins"]).output
    second = runner.invoke(args=["demo", "load"])
    assert "Demo loaded: 0 new people." in second.output
    assert runner.invoke(args=["demo", "logins"]).output == logins
    with app.app_context():
        roles = sorted(db.session.execute(db.select(User.role)).scalars())
    assert roles == [Role.COORDINATOR, Role.MANAGER, Role.OWNER] + [Role.SHOPPER] * 5
    for line in logins.strip().splitlines():
        role, email, password = line.split()
        response = auth.sign_in(email, password)
        assert response.status_code == 302, line
        auth.sign_out()


# The demo's chain: each country's stores and the language its shopper reads.
DEMO_COUNTRIES = {
    "tr": {"IST-01", "IST-02", "ANK-01"},
    "sv": {"STO-01", "GBG-01"},
    "th": {"BKK-01", "CNX-01"},
    "ur": {"LHE-01", "KHI-01"},
}


def test_the_demo_is_one_chain_in_four_countries_on_one_checklist(app, runner) -> None:
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    months = _months_before(date.today(), 6)
    with app.app_context():
        # One checklist, readable in all five languages with nothing missing.
        [checklist] = db.session.execute(select(Checklist)).scalars().all()
        assert checklist.code == "store-service"
        version = db.session.execute(select(ChecklistVersion)).scalar_one()
        document = parse_checklist(version.document)
        assert document.language == "en"
        assert sorted(document.translations) == ["sv", "th", "tr", "ur"]
        assert [missing_texts(document, lang) for lang in ("tr", "sv", "th", "ur")] == [0] * 4

        people = {u.email: u for u in db.session.execute(select(User)).scalars()}
        assert people["owner@demo.example"].language == "tr"
        assert people["coordinator@demo.example"].language == "sv"
        manager = people["murat@demo.example"]
        assert (manager.role, manager.language) == (Role.MANAGER, "tr")
        assert [store.code for store in manager.stores] == ["IST-01"]

        stores = {s.code: s for s in db.session.execute(select(Store)).scalars()}
        assert set(stores) == set().union(*DEMO_COUNTRIES.values()) | {"CMP-01"}
        assert stores["CMP-01"].competitor
        visits = db.session.execute(select(Assignment)).scalars().all()
        for language, codes in DEMO_COUNTRIES.items():
            for code in codes:
                approved = [
                    a for a in visits if a.store.code == code and a.status == Status.APPROVED
                ]
                # One approved visit in each of the last six months, by a shopper of its language.
                assert sorted(a.visit.visited_on.replace(day=1) for a in approved) == months, code
                assert {a.shopper.language for a in approved} == {language}, code

        # This month's work: the Thai and Urdu shoppers have visits to make.
        open_work = Counter(
            (a.shopper.email, a.status) for a in visits if a.first_day not in months
        )
        assert open_work[("somchai@demo.example", Status.ASSIGNED)] == 2
        assert open_work[("fatima@demo.example", Status.ASSIGNED)] == 2
        assert open_work[("sam@demo.example", Status.ASSIGNED)] == 1
        statuses = Counter(a.status for a in visits)
        assert (statuses[Status.SUBMITTED], statuses[Status.RETURNED]) == (1, 1)


def test_the_demo_history_says_what_its_reports_say(app, runner) -> None:
    """Issue 17: a report "submitted 12/1 6:00 PM" whose history said "12/2 07:08"."""
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        assignments = db.session.execute(select(Assignment)).scalars().all()
        checked = 0
        for assignment in assignments:
            visit = assignment.visit
            at = {event.action: event.at for event in audit.trail(assignment)}
            assert at[AuditAction.CREATED] == assignment.created_at
            if visit is None or visit.submitted_at is None:
                continue
            assert at[AuditAction.CREATED] < visit.submitted_at
            assert at[AuditAction.SUBMITTED] == visit.submitted_at
            assert visit.submitted_at.date() == visit.visited_on
            if assignment.status in (Status.APPROVED, Status.RETURNED):
                decided = at[AuditAction(assignment.status)]
                assert decided == visit.reviewed_at
                assert visit.submitted_at < decided
            checked += 1
        assert checked == 6 * 10 + 2
        # The actions its approvals opened are dated by those approvals too.
        for action in db.session.execute(select(StoreAction)).scalars():
            assert action.created_at == db.session.get(Visit, action.visit_id).reviewed_at
            assert [event.at for event in action.events] == [action.created_at]


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
