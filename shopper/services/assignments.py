"""Assignments: create one or many, spread shoppers, cancel, reassign, edit, list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from shopper.domain import policy
from shopper.domain.audit import AuditAction
from shopper.domain.i18n import N_, N_plural
from shopper.domain.workflow import Action, Status
from shopper.extensions import db
from shopper.models import Assignment, Checklist, Role, Store, User
from shopper.services import audit, scope, transitions
from shopper.services.csv_files import read_csv, write_csv
from shopper.services.errors import Invalid, NotFound

MAX_BRIEFING = 4000
MAX_CANCEL_NOTE = 1000
MAX_BATCH = 5000


@dataclass(frozen=True)
class AssignmentInput:
    """One assignment as given by a form, a CSV row or the API (codes and email)."""

    store: object
    checklist: object
    shopper: object
    first_day: object
    last_day: object
    briefing: object = ""


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


class _Lookup:
    """Loads the stores, checklists and shoppers a batch names, in three queries."""

    def __init__(self, items: list[AssignmentInput]) -> None:
        def texts(name: str) -> set[str]:
            return {getattr(i, name).strip() for i in items if isinstance(getattr(i, name), str)}

        self.stores = {
            s.code: s
            for s in db.session.execute(
                select(Store).where(Store.code.in_(texts("store")))
            ).scalars()
        }
        self.checklists = {
            c.code: c
            for c in db.session.execute(
                select(Checklist)
                .where(Checklist.code.in_(texts("checklist")))
                .options(selectinload(Checklist.versions))
            ).scalars()
        }
        emails = {email.lower() for email in texts("shopper")}
        self.shoppers = {
            u.email: u
            for u in db.session.execute(select(User).where(User.email.in_(emails))).scalars()
        }


Report = Callable[..., None]


def _check(item: AssignmentInput, lookup: _Lookup, problem: Report) -> dict:
    """Check one input; report each problem as ``problem(field, msgid, **params)``."""
    store = lookup.stores.get(item.store.strip()) if isinstance(item.store, str) else None
    if store is None:
        problem("store", N_("No store has the code %(code)s."), code=item.store)
    elif not store.active:
        problem("store", N_("Store %(code)s is deactivated."), code=store.code)
    checklist = (
        lookup.checklists.get(item.checklist.strip()) if isinstance(item.checklist, str) else None
    )
    if checklist is None:
        problem("checklist", N_("No checklist has the code %(code)s."), code=item.checklist)
    elif checklist.archived:
        problem("checklist", N_("Checklist %(code)s is archived."), code=checklist.code)
    elif checklist.latest_published is None:
        problem(
            "checklist", N_("Checklist %(code)s has no published version."), code=checklist.code
        )
    shopper = (
        lookup.shoppers.get(item.shopper.strip().lower()) if isinstance(item.shopper, str) else None
    )
    if shopper is None:
        problem("shopper", N_("No person has the email %(email)s."), email=item.shopper)
    elif shopper.role != Role.SHOPPER:
        problem("shopper", N_("%(email)s is not a shopper."), email=shopper.email)
    elif not shopper.active:
        problem("shopper", N_("%(email)s is deactivated."), email=shopper.email)
    first_day, last_day = _date(item.first_day), _date(item.last_day)
    if first_day is None:
        problem("first_day", N_("Give the first day as YYYY-MM-DD."))
    if last_day is None:
        problem("last_day", N_("Give the last day as YYYY-MM-DD."))
    if first_day and last_day and last_day < first_day:
        problem("last_day", N_("The last day is before the first day."))
    briefing = item.briefing if item.briefing is not None else ""
    if not isinstance(briefing, str):
        problem("briefing", N_("The briefing must be text."))
    elif len(briefing) > MAX_BRIEFING:
        problem(
            "briefing", N_("The briefing is longer than %(count)d characters."), count=MAX_BRIEFING
        )
    return {
        "store": store,
        "checklist": checklist,
        "shopper": shopper,
        "first_day": first_day,
        "last_day": last_day,
        "briefing": briefing if isinstance(briefing, str) else "",
    }


def create_assignments(
    items: list[AssignmentInput], actor: User, field_prefix: str = "items"
) -> list[Assignment]:
    """Create every assignment or none; problems are keyed ``items[i].field``."""
    if not items:
        raise Invalid(N_("Give at least one assignment."))
    if len(items) > MAX_BATCH:
        raise Invalid(N_("At most %(count)d assignments at once."), {"count": MAX_BATCH})
    lookup = _Lookup(items)
    errors: dict[str, str] = {}

    def collector(prefix: str) -> Report:
        def problem(field: str, message: str, **params: object) -> None:
            errors[prefix + field] = gettext(message, **params)

        return problem

    checked = [
        _check(item, lookup, collector(f"{field_prefix}[{index}]." if field_prefix else ""))
        for index, item in enumerate(items)
    ]
    if errors:
        raise Invalid(
            N_plural(
                "Nothing was assigned: %(num)d problem to fix.",
                "Nothing was assigned: %(num)d problems to fix.",
            ),
            {"num": len(errors)},
            fields=errors,
        )
    created = _create(checked, actor)
    db.session.commit()
    return created


def _create(checked: list[dict], actor: User) -> list[Assignment]:
    created = []
    for values in checked:
        assignment = Assignment(
            checklist=values["checklist"],
            version=values["checklist"].latest_published,
            store=values["store"],
            shopper=values["shopper"],
            first_day=values["first_day"],
            last_day=values["last_day"],
            briefing=values["briefing"],
            status=Status.ASSIGNED,
            created_by_id=actor.id,
        )
        db.session.add(assignment)
        created.append(assignment)
    db.session.flush()
    for assignment in created:
        audit.record(assignment, actor, AuditAction.CREATED, details=_summary(assignment))
    return created


CSV_COLUMNS = ("store", "checklist", "shopper", "first_day", "last_day")


@dataclass(frozen=True)
class ImportSummary:
    """What an assignments file did."""

    created: int
    unchanged: int


def import_csv(raw: bytes, actor: User) -> ImportSummary:
    """Create the assignments of a CSV file, all or none; rows already assigned are skipped.

    A row is the same as an existing assignment (so re-importing changes
    nothing) when store, checklist, shopper and window are equal and it is
    not cancelled.
    """
    table = read_csv(raw, CSV_COLUMNS, optional=("briefing",))
    items = [
        AssignmentInput(
            row.values["store"],
            row.values["checklist"],
            row.values["shopper"],
            row.values["first_day"],
            row.values["last_day"],
            row.values.get("briefing", ""),
        )
        for row in table.rows
    ]
    if len(items) > MAX_BATCH:
        raise Invalid(N_("At most %(count)d assignments at once."), {"count": MAX_BATCH})
    lookup = _Lookup(items)
    checked = []
    for row, item in zip(table.rows, items, strict=True):

        def problem(field: str, message: str, /, line: int = row.line, **params: object) -> None:
            table.errors.add(line, field, message, **params)

        checked.append(_check(item, lookup, problem))
    table.errors.raise_if_any()
    existing = _existing_keys(checked)
    fresh, seen = [], set()
    for values in checked:
        key = _key(values)
        if key in existing or key in seen:
            continue
        seen.add(key)
        fresh.append(values)
    _create(fresh, actor)
    db.session.commit()
    return ImportSummary(created=len(fresh), unchanged=len(checked) - len(fresh))


def _key(values: dict) -> tuple:
    return (
        values["store"].id,
        values["checklist"].id,
        values["shopper"].id,
        values["first_day"],
        values["last_day"],
    )


def _existing_keys(checked: list[dict]) -> set[tuple]:
    store_ids = {values["store"].id for values in checked}
    rows = db.session.execute(
        select(
            Assignment.store_id,
            Assignment.checklist_id,
            Assignment.shopper_id,
            Assignment.first_day,
            Assignment.last_day,
        ).where(Assignment.store_id.in_(store_ids), Assignment.status != Status.CANCELLED)
    ).all()
    return {tuple(row) for row in rows}


def export_csv(statement: Select[Any]) -> str:
    """Assignments as a CSV file in the import format (plus status)."""
    rows = db.session.execute(statement).scalars()
    return write_csv(
        [*CSV_COLUMNS, "briefing", "status"],
        (
            [
                a.store.code,
                a.checklist.code,
                a.shopper.email,
                a.first_day.isoformat(),
                a.last_day.isoformat(),
                a.briefing,
                a.status,
            ]
            for a in rows
        ),
    )


def _summary(assignment: Assignment) -> dict[str, Any]:
    return {
        "store": assignment.store.code,
        "checklist": assignment.checklist.code,
        "version": assignment.version.number,
        "shopper": assignment.shopper.email,
        "first_day": assignment.first_day.isoformat(),
        "last_day": assignment.last_day.isoformat(),
    }


def spread_shoppers(store_codes: list[str], shopper_emails: list[str]) -> dict[str, str]:
    """Give each store one of the shoppers, evenly, never the one who visited it last.

    Each store goes to the least-loaded chosen shopper who was not the last to
    be assigned that store; with a single shopper, repeats cannot be avoided.
    """
    if not shopper_emails:
        raise Invalid(N_("Choose at least one shopper."), fields={"shoppers": "required"})
    emails = [email.lower() for email in shopper_emails]
    last_shopper = _last_shopper_per_store(store_codes)
    load: Counter[str] = Counter({email: 0 for email in emails})
    chosen: dict[str, str] = {}
    for code in store_codes:
        candidates = [e for e in emails if e != last_shopper.get(code)] or emails
        pick = min(candidates, key=lambda e: (load[e], emails.index(e)))
        chosen[code] = pick
        load[pick] += 1
    return chosen


def _last_shopper_per_store(store_codes: list[str]) -> dict[str, str]:
    """The shopper of each store's most recent assignment (cancelled ones aside)."""
    rows = db.session.execute(
        select(Store.code, User.email, Assignment.last_day, Assignment.id)
        .join(Assignment.store)
        .join(Assignment.shopper)
        .where(Store.code.in_(store_codes), Assignment.status != Status.CANCELLED)
        .order_by(Assignment.last_day, Assignment.id)
    ).all()
    return {code: email for code, email, _, _ in rows}


def stores_of_region(region: str) -> list[str]:
    """The codes of the active stores of a region."""
    return list(
        db.session.execute(
            select(Store.code)
            .where(Store.region == region, Store.active.is_(True))
            .order_by(Store.code)
        ).scalars()
    )


def regions() -> list[str]:
    """Every region that has an active store."""
    return list(
        db.session.execute(
            select(Store.region)
            .where(Store.active.is_(True), Store.region != "")
            .distinct()
            .order_by(Store.region)
        ).scalars()
    )


def get_assignment(assignment_id: int, user: User) -> Assignment:
    """The assignment, if this person may see it; a shopper sees only their own (else 404)."""
    assignment = db.session.execute(
        scope.visible_to(user, select(Assignment).where(Assignment.id == assignment_id))
    ).scalar_one_or_none()
    if assignment is None:
        raise NotFound(N_("There is no assignment %(id)s."), {"id": assignment_id})
    return assignment


def cancel(assignment: Assignment, actor: User, note: str = "") -> None:
    """Cancel an assignment nobody has submitted yet."""
    if len(note) > MAX_CANCEL_NOTE:
        raise Invalid(
            N_("The reason is longer than %(count)d characters."),
            {"count": MAX_CANCEL_NOTE},
            fields={"note": "too_long"},
        )
    transitions.move(assignment, Action.CANCEL)
    audit.record(assignment, actor, AuditAction.CANCELLED, note)
    db.session.commit()


def reassign(assignment: Assignment, shopper_email: str, actor: User) -> None:
    """Give an unsubmitted assignment to another shopper; the old shopper's draft goes."""
    shopper = db.session.execute(
        select(User).where(User.email == shopper_email.strip().lower())
    ).scalar_one_or_none()
    if shopper is None or shopper.role != Role.SHOPPER or not shopper.active:
        raise Invalid(
            N_("%(email)s is not an active shopper."),
            {"email": shopper_email},
            fields={"shopper": "invalid"},
        )
    transitions.move(assignment, Action.REASSIGN, shopper_id=assignment.shopper_id)
    before = assignment.shopper.email
    if assignment.visit is not None:
        db.session.delete(assignment.visit)
    assignment.shopper = shopper
    audit.record(
        assignment, actor, AuditAction.REASSIGNED, details={"shopper": [before, shopper.email]}
    )
    db.session.commit()


def update(
    assignment: Assignment, first_day: date, last_day: date, briefing: str, actor: User
) -> None:
    """Change the window or the briefing of an assignment nobody has submitted yet."""
    if last_day < first_day:
        raise Invalid(N_("The last day is before the first day."), fields={"last_day": "order"})
    if len(briefing) > MAX_BRIEFING:
        raise Invalid(
            N_("The briefing is longer than %(count)d characters."),
            {"count": MAX_BRIEFING},
            fields={"briefing": "too_long"},
        )
    transitions.move(assignment, Action.EDIT)
    changes = {}
    for name, value in (("first_day", first_day), ("last_day", last_day), ("briefing", briefing)):
        old = getattr(assignment, name)
        if old != value:
            changes[name] = [str(old), str(value)] if name != "briefing" else ["…", "…"]
            setattr(assignment, name, value)
    if changes:
        audit.record(assignment, actor, AuditAction.CHANGED, details=changes)
    db.session.commit()


def list_statement(
    user: User,
    status: str | None = None,
    store: str | None = None,
    shopper: str | None = None,
    checklist: str | None = None,
) -> Select[Any]:
    """The assignments this person may see, filtered, soonest due first, loaded for lists."""
    statement = scope.visible_to(
        user, list_statement_all().join(Assignment.store).join(Assignment.shopper)
    )
    if status:
        statement = statement.where(Assignment.status == status)
    if store:
        statement = statement.where(Store.code == store)
    if shopper:
        statement = statement.where(User.email == shopper.strip().lower())
    if checklist:
        statement = statement.join(Assignment.checklist).where(Checklist.code == checklist)
    return statement


def assignable_checklists() -> list[Checklist]:
    """Checklists with a published version that are not archived, by title."""
    return [
        checklist
        for checklist in db.session.execute(
            select(Checklist)
            .where(Checklist.archived_at.is_(None))
            .options(selectinload(Checklist.versions))
            .order_by(Checklist.title)
        ).scalars()
        if checklist.latest_published is not None
    ]


def active_stores() -> list[Store]:
    """Every active store, by region then code."""
    return list(
        db.session.execute(
            select(Store).where(Store.active.is_(True)).order_by(Store.region, Store.code)
        ).scalars()
    )


def active_shoppers() -> list[User]:
    """Every active shopper, by name."""
    return list(
        db.session.execute(
            select(User).where(User.role == Role.SHOPPER, User.active.is_(True)).order_by(User.name)
        ).scalars()
    )


def status_counts() -> dict[str, int]:
    """How many assignments are in each status."""
    rows = db.session.execute(
        select(Assignment.status, func.count()).group_by(Assignment.status)
    ).all()
    counts = {status.value: 0 for status in Status}
    counts.update(dict(rows))
    return counts


def needing_attention(today: date) -> dict[str, list[Assignment]]:
    """What a coordinator should look at now: overdue work and returned reports.

    Overdue is ``policy.is_overdue`` said in SQL: not yet visited, last day passed.
    """
    base = list_statement_all()
    overdue = db.session.execute(
        base.where(
            Assignment.status.in_(sorted(policy.NOT_YET_VISITED)), Assignment.last_day < today
        )
    ).scalars()
    returned = db.session.execute(base.where(Assignment.status == Status.RETURNED)).scalars()
    return {"overdue": list(overdue), "returned": list(returned)}


def list_statement_all() -> Select[Any]:
    """Every assignment, loaded for lists, soonest due first."""
    return (
        select(Assignment)
        .options(
            selectinload(Assignment.store),
            selectinload(Assignment.shopper),
            selectinload(Assignment.checklist),
            selectinload(Assignment.version),
            selectinload(Assignment.visit),
        )
        .order_by(Assignment.last_day, Assignment.id)
    )
