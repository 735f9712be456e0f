"""The periodic comparison report by email (``flask --app wsgi report send``, from cron).

Each active owner gets the chain's comparison PDF of the period, a manager of one
store that store's own report, a manager of several the PDF of their stores (their
rows against the chain's figures; no other store is named), each in the person's
language and exactly as they would download it. People who turned report emails
off on their account page get nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from shopper.domain.comparison import Comparison
from shopper.domain.i18n import N_
from shopper.extensions import db
from shopper.models import Role, User
from shopper.services import comparisons, mail, notifications
from shopper.services.checklists import get_checklist
from shopper.services.comparisons import ComparisonQuery
from shopper.services.errors import Invalid

PERIODS = ("last-month", "this-month", "last-quarter")


def period(name: str, today: date) -> tuple[date, date]:
    """The first and last day of a named period, seen from ``today``."""
    first_this_month = today.replace(day=1)
    if name == "this-month":
        next_month = (first_this_month + timedelta(days=32)).replace(day=1)
        return first_this_month, next_month - timedelta(days=1)
    if name == "last-month":
        last = first_this_month - timedelta(days=1)
        return last.replace(day=1), last
    if name == "last-quarter":
        this_quarter = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        last = this_quarter - timedelta(days=1)
        return last.replace(month=(last.month - 1) // 3 * 3 + 1, day=1), last
    raise Invalid(
        N_("%(period)s is not a period; use %(periods)s."),
        {"period": name, "periods": ", ".join(PERIODS)},
        fields={"period": "unknown"},
    )


@dataclass(frozen=True)
class Delivery:
    """Who was sent what: ``sent`` False when it failed, None when skipped (opted out)."""

    user: User
    stores: tuple[str, ...]
    filename: str
    sent: bool | None


def recipients() -> list[User]:
    """Active owners and managers, by email."""
    return list(
        db.session.execute(
            select(User)
            .where(User.active.is_(True), User.role.in_([Role.OWNER, Role.MANAGER]))
            .order_by(User.email)
        ).scalars()
    )


def _pdf(
    comparison: Comparison, query: ComparisonQuery, user: User, store: str | None = None
) -> bytes:
    """The PDF ``user`` would download: the same figures, targets and follow-up part."""
    from shopper.reports.downloads import comparison_pdf

    return comparison_pdf(
        comparison, query, reader=user, locale=user.language, store=store, details=False
    )


def _filename(code: str, first_day: date, last_day: date, stores: tuple[str, ...]) -> str:
    what = "-".join((code, *stores))
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in what)
    return f"comparison-{safe}-{first_day}-{last_day}.pdf"


def _letter(user: User, comparison: Comparison, stores: tuple[str, ...]) -> tuple[str, str]:
    period_text = _(
        "%(first)s – %(last)s",
        first=format_date(comparison.first_day, "medium"),
        last=format_date(comparison.last_day, "medium"),
    )
    subject = _(
        "Store comparison: %(title)s, %(period)s", title=comparison.title, period=period_text
    )
    if stores:
        about = _(
            "The report of your stores %(stores)s against the chain for %(period)s is attached.",
            stores=", ".join(stores),
            period=period_text,
        )
    else:
        about = _("The comparison of the stores for %(period)s is attached.", period=period_text)
    body = notifications.letter(
        notifications.greeting(user),
        about,
        _("You can turn these emails off on your account page:"),
        notifications.external_url("auth.account"),
        notifications.signature(),
    )
    return subject, body


def send_reports(code: str, first_day: date, last_day: date) -> list[Delivery]:
    """Email the period's comparison PDF to every owner and manager who wants it."""
    if not mail.configured():
        raise mail.MailNotConfigured(
            "No SMTP server is set: set SHOPPER_MAIL_SERVER (see README, Email)."
        )
    checklist = get_checklist(code)
    query = ComparisonQuery(checklist.code, first_day, last_day)
    # Built once per language (the checklist's texts follow the reader), PDF'd once for owners.
    built: dict[str, Comparison] = {}
    chain_pdfs: dict[str, bytes] = {}
    deliveries = []
    for user in recipients():
        stores = tuple(store.code for store in user.stores) if user.role == Role.MANAGER else ()
        filename = _filename(checklist.code, first_day, last_day, stores)
        if not user.report_emails or (user.role == Role.MANAGER and not stores):
            deliveries.append(Delivery(user, stores, "", None))
            continue
        with notifications.speaking_to(user):
            if user.language not in built:
                built[user.language] = comparisons.build(query)
            comparison = built[user.language]
            if len(stores) == 1:
                # A store's manager gets their store's own report: its score against the
                # chain and target, where it lost points, its open actions.
                comparison = comparisons.for_reader_pdf(comparison, user, stores[0])
                body = _pdf(comparison, query, user, stores[0])
            elif stores:
                # As every page and file shows it to them (api.md, "Roles"): their
                # stores; the chain's, regions' and competitors' figures stay.
                comparison = comparisons.for_reader(comparison, user)
                body = _pdf(comparison, query, user)
            else:
                if user.language not in chain_pdfs:
                    chain_pdfs[user.language] = _pdf(comparison, query, user)
                body = chain_pdfs[user.language]
            subject, text = _letter(user, comparison, stores)
            message = mail.message(
                user.email, subject, text, [mail.Attachment(filename, body)], to_name=user.name
            )
        deliveries.append(Delivery(user, stores, filename, mail.deliver(message)))
    return deliveries
