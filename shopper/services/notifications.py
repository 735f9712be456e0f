"""What the product tells people by email, each in their own language.

Every function here is called after the change it tells of is committed, and
answers as ``mail.deliver`` does: True sent, False failed (logged, the change
stands), None when no SMTP server is set. Links are absolute: in a request
they follow its host, from a command they start with ``BASE_URL``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from email.message import EmailMessage
from typing import TYPE_CHECKING

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from shopper.models import StoreAction, User, Visit
from shopper.services import mail

if TYPE_CHECKING:
    from shopper.services.people import Invited


@contextmanager
def speaking_to(user: User) -> Iterator[None]:
    """Texts, dates and checklists in ``user``'s language, with a request for URLs."""
    if has_request_context():
        with force_locale(user.language):
            yield
        return
    with (
        current_app.test_request_context(base_url=current_app.config["BASE_URL"]),
        force_locale(user.language),
    ):
        yield


def external_url(endpoint: str, **values: object) -> str:
    """An absolute link to ``endpoint`` (call inside ``speaking_to``)."""
    return url_for(endpoint, _external=True, **values)


def greeting(user: User) -> str:
    return _("Hello %(name)s,", name=user.name)


def signature() -> str:
    return _("This message was sent by Shopper; you cannot reply to it.")


def letter(*paragraphs: str) -> str:
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph) + "\n"


def _invitation_message(user: User, secret: str, expires_at: datetime) -> EmailMessage:
    with speaking_to(user):
        body = letter(
            greeting(user),
            _(
                "You are invited to Shopper. Open this link to choose your password; "
                "it works once, until %(date)s:",
                date=format_date(expires_at, "long"),
            ),
            external_url("auth.invitation", secret=secret),
            _("Your sign-in email is %(email)s.", email=user.email),
            signature(),
        )
        return mail.message(user.email, _("Your invitation to Shopper"), body, to_name=user.name)


def invitation(user: User, secret: str, expires_at: datetime) -> bool | None:
    """The person's one-time link to choose a password."""
    if not mail.configured():
        return None
    return mail.deliver(_invitation_message(user, secret, expires_at))


def invitations(invited: Iterable[Invited]) -> tuple[int, int]:
    """Send each ``people.Invited`` their link over one connection: (sent, failed)."""
    if not mail.configured():
        return 0, 0
    messages = [
        _invitation_message(person.user, person.secret, person.expires_at) for person in invited
    ]
    results = mail.deliver_all(messages) or []
    sent = sum(results)
    return sent, len(results) - sent


def _named_questions(visit: Visit) -> str:
    """The questions the coordinator named, in the reader's language ("" when none)."""
    codes = list(getattr(visit, "returned_questions", None) or [])
    if not codes:
        return ""
    from shopper.services.checklists import parse_version

    checklist = parse_version(visit.assignment.version)
    lines = [_("The questions to change:")]
    for code in codes:
        try:
            lines.append(f"- {checklist.question(code).text}")
        except KeyError:
            continue
    return "\n".join(lines)


def report_returned(visit: Visit) -> bool | None:
    """Tell the shopper their report came back, with the coordinator's note."""
    if not mail.configured():
        return None
    assignment = visit.assignment
    shopper = assignment.shopper
    with speaking_to(shopper):
        store = f"{assignment.store.code} · {assignment.store.name}"
        body = letter(
            greeting(shopper),
            _(
                "Your report of the visit to %(store)s was returned to you. "
                "The coordinator's note:",
                store=store,
            ),
            visit.review_note,
            _named_questions(visit),
            _("Open the report, change what the note asks and send it again:"),
            external_url("field.visit", assignment_id=assignment.id),
            signature(),
        )
        message = mail.message(
            shopper.email,
            _("Your report for %(store)s was returned", store=store),
            body,
            to_name=shopper.name,
        )
    return mail.deliver(message)


def _action_link(action: StoreAction) -> str:
    """The action's page where the app has one, else the home page."""
    views = current_app.view_functions
    for endpoint in ("actions.show", "actions.detail", "actions.action"):
        if endpoint in views:
            return external_url(endpoint, action_id=action.id)
    if "actions.index" in views:
        return external_url("actions.index")
    return external_url("main.home")


def _action_facts(action: StoreAction) -> list[str]:
    facts = [
        _("Store: %(store)s", store=f"{action.store.code} · {action.store.name}"),
        _("What to fix: %(title)s", title=action.title),
    ]
    if action.standard:
        facts.append(_("The standard: %(standard)s", standard=action.standard))
    if action.details:
        facts.append(action.details)
    facts.append(_("Due by: %(date)s", date=format_date(action.due_on, "long")))
    return facts


def action_opened(action: StoreAction, manager: User) -> bool | None:
    """Tell a store's manager that an action opened for their store."""
    if not mail.configured():
        return None
    with speaking_to(manager):
        body = letter(
            greeting(manager),
            _("An action was opened for your store:"),
            "\n".join(_action_facts(action)),
            _("Say what the store did once it is fixed:"),
            _action_link(action),
            signature(),
        )
        subject = _(
            "New action for %(store)s: %(title)s", store=action.store.code, title=action.title
        )
        message = mail.message(manager.email, subject, body, to_name=manager.name)
    return mail.deliver(message)


def action_due(action: StoreAction, manager: User) -> bool | None:
    """Remind a store's manager that an open action's due date is near."""
    if not mail.configured():
        return None
    with speaking_to(manager):
        body = letter(
            greeting(manager),
            _("This action for your store is still open and due soon:"),
            "\n".join(_action_facts(action)),
            _("Say what the store did once it is fixed:"),
            _action_link(action),
            signature(),
        )
        subject = _(
            "Due %(date)s: %(title)s (%(store)s)",
            date=format_date(action.due_on, "medium"),
            title=action.title,
            store=action.store.code,
        )
        message = mail.message(manager.email, subject, body, to_name=manager.name)
    return mail.deliver(message)
