"""The shopper's list of visits: what is still to do, and what was sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote_plus

from sqlalchemy import case

from shopper.domain.workflow import OPEN, Status
from shopper.extensions import db
from shopper.models import Assignment, Store, User
from shopper.services.assignments import list_statement

SENT_SHOWN = 20


@dataclass(frozen=True)
class MyVisits:
    """A shopper's assignments: returned first then soonest due, and the latest sent ones."""

    to_do: list[Assignment]
    sent: list[Assignment]
    today: date


def my_visits(user: User, today: date | None = None) -> MyVisits:
    """The person's open assignments (returned on top, then by last day) and recent sent ones."""
    returned_first = case((Assignment.status == Status.RETURNED, 0), else_=1)
    to_do = db.session.execute(
        list_statement(user)
        .where(Assignment.status.in_(list(OPEN)))
        .order_by(None)
        .order_by(returned_first, Assignment.last_day, Assignment.id)
    ).scalars()
    sent = db.session.execute(
        list_statement(user)
        .where(Assignment.status.in_([Status.SUBMITTED, Status.APPROVED]))
        .order_by(None)
        .order_by(Assignment.last_day.desc(), Assignment.id.desc())
        .limit(SENT_SHOWN)
    ).scalars()
    return MyVisits(list(to_do), list(sent), today or date.today())


def maps_url(store: Store) -> str:
    """A link that opens the phone's maps app at the store.

    ``https://maps.google.com/?q=`` rather than ``geo:``: iOS Safari does not
    open ``geo:`` links at all, while this address opens the Google Maps app on
    Android (and on iOS when installed) and the map in the browser otherwise.
    """
    lines = [line.strip() for line in store.address.splitlines() if line.strip()]
    if store.city and store.city not in store.address:
        lines.append(store.city)
    return "https://maps.google.com/?q=" + quote_plus(", ".join(lines) or store.name)
