"""Email: what arrives at a real SMTP server (aiosmtpd, started by the suite)."""

from __future__ import annotations

import io
import re
import threading
from datetime import date, timedelta

import pytest
from flask_babel import force_locale, format_date
from pypdf import PdfReader
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from shopper.domain.workflow import Status
from shopper.extensions import db
from shopper.models import Assignment, Role, Store, StoreAction, User, Visit
from shopper.services import accounts, actions, mail, report_mail, reviews, visits
from tests.factories import VISIT_A, VISIT_B, assign, import_checklist, make_store, visit_body
from tests.support.mail import Mailbox, free_port
from tests.support.web import csrf_token, make_user

_LINK = re.compile(r'value="(http://localhost/invitation/[^"]+)" readonly')


def test_nothing_is_sent_without_a_server(app, smtp_server):
    smtp_server.box.clear()
    with app.app_context():
        assert mail.configured() is False
        message = mail.message("a@test.example", "Hello", "Body")
        assert mail.deliver(message) is None
        with pytest.raises(mail.MailNotConfigured):
            mail.send(message)
    assert smtp_server.box.messages == []


def test_a_message_with_a_pdf_arrives_as_sent(app, smtp: Mailbox):
    with app.app_context():
        assert mail.configured() is True
        message = mail.message(
            "ayse@test.example",
            "Mağaza raporu – Kasım",
            "Merhaba Ayşe,\nrapor ekte.",
            [mail.Attachment("report.pdf", b"%PDF-1.4 test")],
            to_name="Ayşe Yılmaz",
        )
        mail.send(message)
    [received] = smtp.wait(1)
    assert received.envelope_to == ("ayse@test.example",)
    assert received.subject == "Mağaza raporu – Kasım"
    assert received.to == "Ayşe Yılmaz <ayse@test.example>"
    assert received.raw["From"] == "shop@test"
    assert received.body == "Merhaba Ayşe,\nrapor ekte.\n"
    assert received.attachments == {"report.pdf": b"%PDF-1.4 test"}


def test_a_server_out_of_reach_is_logged_not_raised(app, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=5)
    with app.app_context():
        message = mail.message("a@test.example", "Hello", "Body")
        assert mail.deliver(message) is False
        with pytest.raises(mail.MailFailed):
            mail.send(message)
    assert "Sending to a@test.example failed" in caplog.text


# Invitations ----------------------------------------------------------------


def _add_person(client, **fields):
    page = client.get("/people/new")
    data = {"csrf_token": csrf_token(page), "role": Role.SHOPPER.value, **fields}
    return client.post("/people/new", data=data)


def test_an_invitation_goes_out_by_email_in_the_persons_language(app, client, auth, smtp):
    auth.sign_in_as(Role.COORDINATOR)
    response = _add_person(client, email="ayse@test.example", name="Ayşe Yılmaz", language="tr")
    page = response.get_data(as_text=True)
    [link] = _LINK.findall(page)  # still shown, as without mail
    assert "The invitation link was also sent by email." in page
    [received] = smtp.wait(1)
    assert received.envelope_to == ("ayse@test.example",)
    assert received.to == "Ayşe Yılmaz <ayse@test.example>"
    assert received.subject == "Shopper davetiniz"  # in Turkish, her language
    assert link in received.body.splitlines()
    # Dates in Turkish: the link's last day, written as a Turkish reader reads it.
    with app.app_context():
        invited = db.session.execute(select(User).where(User.email == "ayse@test.example"))
        assert invited.scalar_one().language == "tr"
    assert re.search(
        r"\d{1,2} (Ocak|Şubat|Mart|Nisan|Mayıs|Haziran|Temmuz|Ağustos|Eylül|Ekim|Kasım|Aralık)"
        r" \d{4}",
        received.body,
    ), received.body


def test_an_invitation_without_a_server_is_only_shown(app, client, auth, smtp_server):
    smtp_server.box.clear()
    auth.sign_in_as(Role.COORDINATOR)
    page = _add_person(client, email="erik@test.example", name="Erik", language="sv")
    assert len(_LINK.findall(page.get_data(as_text=True))) == 1
    assert "sent by email" not in page.get_data(as_text=True)
    assert smtp_server.box.messages == []


def test_a_server_out_of_reach_leaves_the_person_made_and_says_so(app, client, auth):
    auth.sign_in_as(Role.COORDINATOR)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=5)
    response = _add_person(client, email="lena@test.example", name="Lena", language="sv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(_LINK.findall(page)) == 1
    assert "1 invitation email could not be sent: copy the link below to the person." in page
    with app.app_context():
        assert db.session.execute(
            select(User.id).where(User.email == "lena@test.example")
        ).scalar_one()


def test_the_api_and_the_command_email_the_link_too(app, client, auth, smtp, runner):
    make_user(app, Role.SHOPPER, "old@test.example")
    with app.app_context():
        token = accounts.create_token(
            db.session.get(User, make_user(app, Role.COORDINATOR, "c@test.example")), "t"
        ).secret
    answer = client.post(
        "/api/v1/users/old@test.example/invite", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200
    result = runner.invoke(args=["user", "invite", "old@test.example"])
    assert result.exit_code == 0, result.output
    api_mail, cli_mail = smtp.wait(2)
    assert answer.json["invitation_url"] in api_mail.body.splitlines()
    cli_link = result.stdout.strip().splitlines()[-1]
    assert cli_link.startswith("http://127.0.0.1:5000/invitation/")
    assert cli_link in cli_mail.body.splitlines()
    assert [m.envelope_to for m in (api_mail, cli_mail)] == [("old@test.example",)] * 2


def test_a_users_file_mails_every_new_person_their_own_link(app, client, auth, smtp):
    auth.sign_in_as(Role.COORDINATOR)
    page = client.get("/people/import")
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf_token(page),
            "file": FileStorage(
                io.BytesIO(
                    "email,name,role,language\n"
                    "a@test.example,Ayşe,shopper,tr\n"
                    "b@test.example,Björn,shopper,sv\n"
                    "c@test.example,Chai,owner,th\n".encode()
                ),
                "people.csv",
            ),
        }
    )
    response = client.post(
        "/people/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    page = response.get_data(as_text=True)
    assert "3 invitation links were also sent by email." in page
    links = _LINK.findall(page)
    received = smtp.wait(3)
    assert [m.envelope_to for m in received] == [
        ("a@test.example",),
        ("b@test.example",),
        ("c@test.example",),
    ]
    for link, message in zip(links, received, strict=True):
        assert link in message.body.splitlines()


def test_many_messages_to_a_server_out_of_reach_fail_at_once(app, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=5)
    with app.app_context():
        messages = [mail.message(f"{n}@test.example", "Hello", "Body") for n in range(3)]
        assert mail.deliver_all(messages) == [False, False, False]
    assert caplog.text.count("The SMTP server cannot be reached") == 1


# Returned reports ------------------------------------------------------------


@pytest.fixture
def submitted(app):
    """A shopper (Swedish) whose report of IST-01 waits for review; the assignment id."""
    make_user(app, Role.COORDINATOR, "coordinator@test.example")
    make_user(app, Role.SHOPPER, "erik@test.example", name="Erik Åström", language="sv")
    make_store(app, "IST-01", name="Beyoğlu")
    import_checklist(app)
    assignment_id = assign(app, "erik@test.example")
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        visits.submit(
            assignment,
            assignment.shopper,
            visits.parse_visit_input(visit_body({"q1": "yes", "q2": 4, "q3": "b"})),
        )
        return assignment_id, assignment.visit.id


def _return(client, visit_id: int, note: str):
    review = client.get(f"/review/{visit_id}")
    return client.post(
        f"/review/{visit_id}",
        data={"csrf_token": csrf_token(review), "decision": "return", "note": note},
    )


def test_a_returned_report_reaches_the_shopper_with_the_note_and_link(
    app, client, auth, smtp, submitted
):
    assignment_id, visit_id = submitted
    auth.sign_in("coordinator@test.example")
    response = _return(client, visit_id, "Which till was it?")
    assert response.status_code == 302
    [received] = smtp.wait(1)
    assert received.envelope_to == ("erik@test.example",)
    assert received.subject == "Din rapport för IST-01 · Beyoğlu har skickats tillbaka"
    lines = received.body.splitlines()
    assert "Which till was it?" in lines
    assert f"http://localhost/visits/{assignment_id}" in lines


def test_a_report_returned_through_the_api_is_mailed_too(app, client, smtp, submitted):
    _, visit_id = submitted
    with app.app_context():
        coordinator = db.session.execute(select(User).where(User.role == Role.COORDINATOR))
        token = accounts.create_token(coordinator.scalar_one(), "t").secret
    answer = client.post(
        f"/api/v1/visits/{visit_id}/review",
        json={"decision": "return", "note": "The receipt photo is missing.", "questions": ["q2"]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.json
    [received] = smtp.wait(1)
    assert received.envelope_to == ("erik@test.example",)
    lines = received.body.splitlines()
    assert "The receipt photo is missing." in lines
    assert lines[lines.index("Frågor att ändra:") + 1] == "- Q2"  # Erik reads Swedish


def test_a_failed_email_does_not_stop_the_return(app, client, auth, submitted):
    assignment_id, visit_id = submitted
    auth.sign_in("coordinator@test.example")
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=5)
    response = _return(client, visit_id, "Which till was it?")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "The email to the shopper could not be sent; the report is returned all the same." in (
        page
    )
    with app.app_context():
        assert db.session.get(Assignment, assignment_id).status == Status.RETURNED


# The comparison report by email ------------------------------------------------


@pytest.fixture
def chain(app):
    """Two stores with an approved visit each this month; two owners, one who opted out,
    a coordinator, and a Swedish manager of IST-02."""
    make_user(app, Role.COORDINATOR, "coordinator@test.example")
    make_user(app, Role.SHOPPER, "erik@test.example")
    make_user(app, Role.OWNER, "olivia@test.example", name="Olivia", language="en")
    make_user(app, Role.OWNER, "oya@test.example", name="Oya", language="tr")
    make_user(app, Role.OWNER, "otto@test.example", name="Otto")
    make_user(app, Role.MANAGER, "maja@test.example", name="Maja", language="sv")
    make_store(app, "IST-01", name="Beyoğlu", region="Marmara")
    make_store(app, "IZM-01", name="Alsancak", region="Ege")
    import_checklist(app)
    with app.app_context():
        maja = db.session.execute(select(User).where(User.email == "maja@test.example"))
        maja = maja.scalar_one()
        maja.stores = [db.session.execute(select(Store).where(Store.code == "IZM-01")).scalar_one()]
        otto = db.session.execute(select(User).where(User.email == "otto@test.example"))
        otto.scalar_one().report_emails = False
        db.session.commit()
    for store, values in (("IST-01", VISIT_A), ("IZM-01", {"q1": "yes", "q2": 5, "q3": "a"})):
        assignment_id = assign(app, "erik@test.example", store=store)
        with app.app_context():
            assignment = db.session.get(Assignment, assignment_id)
            visit, _ = visits.submit(
                assignment,
                assignment.shopper,
                visits.parse_visit_input(visit_body(values, f"c{assignment_id}")),
            )
            coordinator = db.session.execute(select(User).where(User.role == Role.COORDINATOR))
            reviews.approve(visit, coordinator.scalar_one())
    return app


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_report_send_mails_each_owner_and_manager_their_pdf(chain, runner, smtp):
    from shopper.services import targets
    from shopper.services.checklists import get_checklist

    with chain.app_context():
        targets.set_targets(get_checklist("worked"), {"overall": 80})
    first, last = report_mail.period("this-month", date.today())
    result = runner.invoke(
        args=["report", "send", "--checklist", "worked", "--period", "this-month"]
    )
    assert result.exit_code == 0, result.output
    name = f"comparison-worked-{first}-{last}.pdf"
    manager_name = f"comparison-worked-IZM-01-{first}-{last}.pdf"
    assert result.output.splitlines() == [
        f"sent    maja@test.example (manager, sv): {manager_name}",
        f"sent    olivia@test.example (owner, en): {name}",
        "skipped otto@test.example (owner, en): report emails off",
        f"sent    oya@test.example (owner, tr): {name}",
        f"worked {first} – {last}: 3 sent, 0 failed.",
    ]
    received = {m.envelope_to[0]: m for m in smtp.wait(3)}
    assert sorted(received) == ["maja@test.example", "olivia@test.example", "oya@test.example"]
    with chain.test_request_context():
        with force_locale("en"):
            english = f"{format_date(first, 'medium')} – {format_date(last, 'medium')}"
        with force_locale("tr"):
            turkish = f"{format_date(first, 'medium')} – {format_date(last, 'medium')}"
    assert received["olivia@test.example"].subject == (
        f"Store comparison: Worked example, {english}"
    )
    assert turkish in received["oya@test.example"].subject
    assert "http://127.0.0.1:5000/account" in received["oya@test.example"].body.splitlines()

    owner_pdf = received["olivia@test.example"].attachments[name]
    turkish_pdf = received["oya@test.example"].attachments[name]
    manager_pdf = received["maja@test.example"].attachments[manager_name]
    for content in (owner_pdf, turkish_pdf, manager_pdf):
        assert content.startswith(b"%PDF")
    owner_text = _pdf_text(owner_pdf)
    assert "IST-01" in owner_text and "IZM-01" in owner_text
    assert "Store comparison" in owner_text
    # The mailed PDF is the one the owner downloads: the target and the follow-up part.
    assert "(Target 80.0%)" in owner_text and "No target set" not in owner_text
    assert "Follow-up actions" in owner_text
    assert "Mağaza karşılaştırması" in _pdf_text(turkish_pdf)
    manager_text = _pdf_text(manager_pdf)
    # The manager of one store gets that store's own report, in Swedish.
    assert "Butiksrapport" in manager_text and "IZM-01" in manager_text
    assert "IST-01" not in manager_text and "Beyoğlu" not in manager_text


def test_report_emails_turned_off_on_the_account_page(chain, client, auth, runner, smtp):
    auth.sign_in("olivia@test.example")
    page = client.get("/account")
    checked = '<input checked id="report-report_emails" name="report-report_emails"'
    assert checked in page.get_data(as_text=True)
    response = client.post("/account/report-emails", data={"report-csrf_token": csrf_token(page)})
    assert response.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert "You will no longer get the comparison report by email." in page
    assert '<input id="report-report_emails" name="report-report_emails"' in page
    result = runner.invoke(
        args=[
            "report",
            "send",
            "--checklist",
            "worked",
            "--first-day",
            "2020-01-01",
            "--last-day",
            str(date.today()),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "skipped olivia@test.example (owner, en): report emails off" in result.output
    assert sorted(m.envelope_to[0] for m in smtp.wait(2)) == [
        "maja@test.example",
        "oya@test.example",
    ]
    # And on again.
    page = client.get("/account")
    client.post(
        "/account/report-emails",
        data={"report-csrf_token": csrf_token(page), "report-report_emails": "y"},
    )
    with chain.app_context():
        olivia = db.session.execute(select(User).where(User.email == "olivia@test.example"))
        assert olivia.scalar_one().report_emails is True


def test_the_account_page_offers_report_emails_only_to_those_who_get_them(chain, client, auth):
    auth.sign_in("coordinator@test.example")
    assert "Report by email" not in client.get("/account").get_data(as_text=True)


def test_report_send_refuses_an_unknown_checklist_or_no_server(chain, runner, smtp_server):
    result = runner.invoke(
        args=["report", "send", "--checklist", "worked", "--period", "last-month"]
    )
    assert result.exit_code == 1
    assert "No SMTP server is set: set SHOPPER_MAIL_SERVER (see README, Email)." in result.output
    chain.config.update(smtp_server.box.settings)
    result = runner.invoke(args=["report", "send", "--checklist", "nope", "--period", "last-month"])
    assert result.exit_code == 1
    assert "There is no checklist with the code nope." in result.output
    result = runner.invoke(args=["report", "send", "--checklist", "worked"])
    assert result.exit_code == 2
    assert "Give --period, or --first-day and --last-day." in result.output


def test_named_periods():
    assert report_mail.period("last-month", date(2026, 3, 15)) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    assert report_mail.period("last-month", date(2026, 1, 1)) == (
        date(2025, 12, 1),
        date(2025, 12, 31),
    )
    assert report_mail.period("this-month", date(2024, 2, 29)) == (
        date(2024, 2, 1),
        date(2024, 2, 29),
    )
    assert report_mail.period("last-quarter", date(2026, 5, 2)) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    assert report_mail.period("last-quarter", date(2026, 1, 31)) == (
        date(2025, 10, 1),
        date(2025, 12, 31),
    )


# Store actions ----------------------------------------------------------------


@pytest.fixture
def stores_with_managers(app):
    """IST-01 run by Maja (Swedish), IST-02 by Mehmet; a shopper's report of IST-01 that
    fails the critical question waits for review."""
    make_user(app, Role.COORDINATOR, "coordinator@test.example")
    make_user(app, Role.SHOPPER, "erik@test.example")
    make_user(app, Role.MANAGER, "maja@test.example", name="Maja", language="sv")
    make_user(app, Role.MANAGER, "mehmet@test.example", name="Mehmet", language="tr")
    make_store(app, "IST-01", name="Beyoğlu")
    make_store(app, "IST-02", name="Kadıköy")
    import_checklist(app)
    with app.app_context():
        for email, code in (("maja@test.example", "IST-01"), ("mehmet@test.example", "IST-02")):
            user = db.session.execute(select(User).where(User.email == email)).scalar_one()
            user.stores = [db.session.execute(select(Store).where(Store.code == code)).scalar_one()]
        db.session.commit()
    assignment_id = assign(app, "erik@test.example", store="IST-01")
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        visit, _ = visits.submit(
            assignment, assignment.shopper, visits.parse_visit_input(visit_body(VISIT_B))
        )
        return visit.id


def _approve_on_the_page(client, visit_id: int):
    review = client.get(f"/review/{visit_id}")
    return client.post(
        f"/review/{visit_id}", data={"csrf_token": csrf_token(review), "decision": "approve"}
    )


def test_an_action_opened_by_an_approval_is_mailed_to_the_stores_manager(
    app, client, auth, smtp, stores_with_managers
):
    auth.sign_in("coordinator@test.example")
    assert _approve_on_the_page(client, stores_with_managers).status_code == 302
    [received] = smtp.wait(1)
    assert received.envelope_to == ("maja@test.example",)
    assert received.subject == "Ny åtgärd för IST-01: Q1"  # Maja reads Swedish
    due = date.today() + timedelta(days=14)
    with app.test_request_context(), force_locale("sv"):
        swedish_due = format_date(due, "long")
    body = received.body.splitlines()
    assert "Butik: IST-01 · Beyoğlu" in body
    assert f"Sista dag: {swedish_due}" in body
    # Shoppers stay anonymous to stores.
    assert "erik" not in received.body.lower()


def test_a_failed_action_email_leaves_the_approval_and_the_action(
    app, client, auth, stores_with_managers
):
    auth.sign_in("coordinator@test.example")
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=5)
    assert _approve_on_the_page(client, stores_with_managers).status_code == 302
    with app.app_context():
        visit = db.session.get(Visit, stores_with_managers)
        assert visit.assignment.status == Status.APPROVED
        assert db.session.execute(select(func.count()).select_from(StoreAction)).scalar() == 1


def _open(app, store: str, due_on: date, title: str) -> int:
    with app.app_context():
        coordinator = db.session.execute(
            select(User).where(User.role == Role.COORDINATOR)
        ).scalar_one()
        store_row = db.session.execute(select(Store).where(Store.code == store)).scalar_one()
        return actions.open_action(
            coordinator, store=store_row, title=title, details="", due_on=due_on
        ).id


def test_an_action_opened_by_hand_is_mailed_once(app, client, auth, smtp, stores_with_managers):
    """On the page and through the API alike, the store's manager gets one email."""
    auth.sign_in("coordinator@test.example")
    page = client.get("/actions/new")
    due = (date.today() + timedelta(days=7)).isoformat()
    opened = client.post(
        "/actions/new",
        data={"csrf_token": csrf_token(page), "store": "IST-01", "title": "Mop", "due_on": due},
    )
    assert opened.status_code == 302
    api = client.post(
        "/api/v1/actions",
        json={"store": "IST-02", "title": "Dust", "due_on": due},
        headers=auth.api_token("coordinator@test.example"),
    )
    assert api.status_code == 201
    received = smtp.wait(3, timeout=3)  # a second copy of either would arrive by now
    assert sorted(m.envelope_to for m in received) == [
        ("maja@test.example",),
        ("mehmet@test.example",),
    ]


def test_actions_remind_mails_once_per_action_due_within_three_days(
    app, runner, smtp, stores_with_managers
):
    today = date.today()
    soon = _open(app, "IST-01", today + timedelta(days=2), "Clean the fitting rooms")
    _open(app, "IST-01", today + timedelta(days=4), "Not yet")
    _open(app, "IST-01", today - timedelta(days=1), "Overdue already")
    due_today = _open(app, "IST-02", today, "Price labels")
    done = _open(app, "IST-02", today + timedelta(days=1), "Done already")
    with app.app_context():
        manager = db.session.execute(
            select(User).where(User.email == "mehmet@test.example")
        ).scalar_one()
        actions.respond(db.session.get(StoreAction, done), manager, "Fixed")
    assert len(smtp.wait(5)) == 5  # one message per opened action
    smtp.clear()

    result = runner.invoke(args=["actions", "remind"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"reminded mehmet@test.example: action {due_today} at IST-02, due {today}",
        f"reminded maja@test.example: action {soon} at IST-01, due {today + timedelta(days=2)}",
        "2 reminders sent, 0 failed.",
    ]
    received = {m.envelope_to[0]: m for m in smtp.wait(2)}
    assert len(smtp.messages) == 2
    assert "Clean the fitting rooms" in received["maja@test.example"].subject
    assert "Price labels (IST-02)" in received["mehmet@test.example"].subject

    again = runner.invoke(args=["actions", "remind"])
    assert again.output.splitlines() == ["0 reminders sent, 0 failed."]
    assert len(smtp.messages) == 2


def test_two_reminder_runs_at_once_mail_each_action_once(app, smtp, stores_with_managers):
    today = date.today()
    for day in range(3):
        _open(app, "IST-01", today + timedelta(days=day), f"Fix {day}")
    smtp.wait(3)
    smtp.clear()
    barrier = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                counts.append(sum(r.sent for r in actions.remind(today)))
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(counts) == 3
    assert sorted(m.subject.split(": ", 1)[1] for m in smtp.wait(3)) == [
        "Fix 0 (IST-01)",
        "Fix 1 (IST-01)",
        "Fix 2 (IST-01)",
    ]
    assert len(smtp.messages) == 3
    with app.app_context():
        assert (
            db.session.execute(
                select(func.count())
                .select_from(StoreAction)
                .where(StoreAction.reminded_at.is_(None))
            ).scalar()
            == 0
        )


def test_actions_remind_without_a_server_says_so(app, runner, smtp_server):
    result = runner.invoke(args=["actions", "remind"])
    assert result.exit_code == 1
    assert "No SMTP server is set" in result.output


def test_a_reminder_that_could_not_be_sent_is_tried_again(app, runner, smtp, stores_with_managers):
    action_id = _open(app, "IST-01", date.today() + timedelta(days=1), "Mop the floor")
    smtp.wait(1)
    smtp.clear()
    port = smtp.port
    app.config.update(MAIL_PORT=free_port(), MAIL_TIMEOUT=5)
    failed = runner.invoke(args=["actions", "remind"])
    assert failed.exit_code == 1
    assert failed.output.splitlines()[-1] == "0 reminders sent, 1 failed."
    with app.app_context():
        assert db.session.get(StoreAction, action_id).reminded_at is None
    app.config.update(MAIL_PORT=port)
    again = runner.invoke(args=["actions", "remind"])
    assert again.exit_code == 0, again.output
    assert [m.envelope_to for m in smtp.wait(1)] == [("maja@test.example",)]
    with app.app_context():
        assert db.session.get(StoreAction, action_id).reminded_at is not None
