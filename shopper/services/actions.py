"""Store follow-up actions: opened by a coordinator or by an approval, answered by
the store's manager, verified by a coordinator.

Every status change is one compare-and-set UPDATE (the status must still be the
one the person saw), recorded with an event in the same transaction: of two
people acting at once, one wins and the other gets ``Conflict``. The database
holds at most one unfinished action per store and checklist question (a
partial unique index), so two approvals at once never open the same one twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from shopper.domain import follow_up
from shopper.domain.checklist_format import parse_checklist
from shopper.domain.follow_up import ActionStatus, ActionStep
from shopper.domain.i18n import N_
from shopper.domain.policy import Person
from shopper.domain.workflow import Status
from shopper.extensions import db
from shopper.models import (
    ActionEvent,
    Assignment,
    Role,
    Store,
    StoreAction,
    User,
    Visit,
    VisitQuestionScore,
    utcnow,
)
from shopper.models.action import manager_stores
from shopper.services import mail, notifications
from shopper.services.errors import Conflict, Invalid, NotFound
from shopper.services.scope import visible_to

MAX_TITLE = 300
MAX_TEXT = 4000


def _text(value: str | None, field: str, limit: int, required: bool, missing: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Invalid(missing, fields={field: "required"})
    if len(value) > limit:
        raise Invalid(
            N_("The %(field)s is longer than %(count)d characters."),
            {"field": field, "count": limit},
            fields={field: "too_long"},
        )
    return value


def _event(action: StoreAction, actor: User | None, step: ActionStep, note: str = "") -> None:
    action.events.append(
        ActionEvent(
            actor_id=actor.id if actor else None,
            step=step,
            status=action.status,
            note=note,
            at=utcnow(),
        )
    )


def question_of(visit: Visit, code: str) -> tuple[str, str]:
    """The text and standard of question ``code`` in the visit's checklist version, or Invalid."""
    return _question(visit, code)


def _question(visit: Visit, code: str) -> tuple[str, str]:
    """The text and standard of question ``code`` in the visit's checklist version."""
    checklist = parse_checklist(visit.assignment.version.document)
    try:
        question = checklist.question(code)
    except KeyError:
        raise Invalid(
            N_("The checklist of this visit has no question %(code)s."),
            {"code": code},
            fields={"question": "unknown"},
        ) from None
    return question.text, question.standard or question.guidance


def _insert(action: StoreAction) -> bool:
    """Add ``action`` in a savepoint; False when an unfinished one for its question exists."""
    try:
        with db.session.begin_nested():
            db.session.add(action)
            db.session.flush()
    except IntegrityError:
        return False
    return True


def open_action(
    actor: User,
    *,
    store: Store,
    title: str | None,
    details: str | None,
    due_on: date | None,
    visit: Visit | None = None,
    question: str | None = None,
) -> StoreAction:
    """Open an action by hand (a coordinator): freely, or about a visit's answer.

    A question needs its visit, and the visit must be of the same store. While an
    action for that store and question is open or done, another is refused. The due
    date may not have passed. The stores' managers are mailed once it is saved.
    """
    if due_on is None:
        raise Invalid(
            N_("Choose the day the store must fix this by."), fields={"due_on": "required"}
        )
    if follow_up.due_date_passed(due_on, date.today()):
        raise Invalid(
            N_("That day has passed: choose today or a later day."), fields={"due_on": "past"}
        )
    if visit is not None and visit.assignment.store_id != store.id:
        raise Invalid(
            N_("That visit was not made at store %(code)s."),
            {"code": store.code},
            fields={"visit_id": "other_store"},
        )
    if question and visit is None:
        raise Invalid(
            N_("An action about a question needs the visit it was answered in."),
            fields={"visit_id": "required"},
        )
    standard = ""
    default_title = ""
    if question and visit is not None:
        default_title, standard = _question(visit, question)
    title = _text(
        title or default_title, "title", MAX_TITLE, True, N_("Say what the store must fix.")
    )
    details = _text(details, "details", MAX_TEXT, False, "")
    action = StoreAction(
        store_id=store.id,
        title=title,
        details=details,
        status=ActionStatus.OPEN,
        due_on=due_on,
        visit_id=visit.id if visit else None,
        checklist_id=visit.assignment.checklist_id if visit and question else None,
        question_code=question or None,
        standard=standard,
        created_by_id=actor.id,
    )
    _event(action, actor, ActionStep.OPEN, details)
    if not _insert(action):
        db.session.rollback()
        raise Conflict(
            N_("An action for this question at store %(code)s is already open."),
            {"code": store.code},
        )
    db.session.commit()
    announce([action])
    return action


def open_for_critical_failures(visit: Visit, approved_at: datetime) -> list[StoreAction]:
    """The actions an approval opens by itself, one per failed critical question.

    Call inside the approval's transaction, after its status change; a question
    with an unfinished action at the store gets no second one. The caller commits.
    """
    failed = [score.question_code for score in visit.question_scores if score.critical_failed]
    if not failed:
        return []
    checklist = parse_checklist(visit.assignment.version.document)
    due_on = approved_at.date() + follow_up.DUE_AFTER_APPROVAL
    opened = []
    for code in failed:
        question = checklist.question(code)
        action = StoreAction(
            store_id=visit.assignment.store_id,
            title=question.text[:MAX_TITLE],
            details="",
            status=ActionStatus.OPEN,
            due_on=due_on,
            visit_id=visit.id,
            checklist_id=visit.assignment.checklist_id,
            question_code=code,
            standard=question.standard or question.guidance,
            created_by_id=None,
            created_at=approved_at,
        )
        _event(action, None, ActionStep.OPEN)
        if _insert(action):
            opened.append(action)
    return opened


def _step(action: StoreAction, actor: User, step: ActionStep, note: str) -> None:
    """Move ``action`` by ``step`` if its status still allows it, with its event; commits."""
    old = action.status
    try:
        new = follow_up.next_status(old, step)
    except follow_up.ActionStepRefused:
        db.session.rollback()
        raise Conflict(
            follow_up.ActionStepRefused.message, {"status": follow_up.label(old)}
        ) from None
    now = utcnow()
    values: dict[str, object] = {"status": new, "updated_at": now}
    if step == ActionStep.RESPOND:
        values["done_at"] = now
    if step == ActionStep.CLOSE:
        values["closed_at"] = now
    claimed = db.session.execute(
        update(StoreAction)
        .where(StoreAction.id == action.id, StoreAction.status == old)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise Conflict(
            follow_up.ActionStepRefused.message, {"status": follow_up.label(action.status)}
        )
    db.session.expire(action)
    db.session.add(
        ActionEvent(
            action_id=action.id, actor_id=actor.id, step=step, status=new, note=note, at=now
        )
    )
    db.session.commit()


def respond(action: StoreAction, actor: User, note: str | None) -> None:
    """The store says what it did: ``open`` → ``done``."""
    note = _text(note, "note", MAX_TEXT, True, N_("Say what the store did."))
    _step(action, actor, ActionStep.RESPOND, note)


def verify(action: StoreAction, actor: User, decision: str | None, note: str | None = "") -> None:
    """A coordinator checks what the store did: close it, or reopen it with a note."""
    if decision == "close":
        _step(action, actor, ActionStep.CLOSE, _text(note, "note", MAX_TEXT, False, ""))
    elif decision == "reopen":
        note = _text(note, "note", MAX_TEXT, True, N_("Say why the action is reopened."))
        _step(action, actor, ActionStep.REOPEN, note)
    else:
        raise Invalid(N_('decision must be "close" or "reopen".'), fields={"decision": "invalid"})


def visible(person: Person) -> Select[tuple[StoreAction]]:
    """The actions ``person`` may see, with what their lists show loaded."""
    return visible_to(
        person,
        select(StoreAction).options(
            selectinload(StoreAction.store),
            selectinload(StoreAction.events).selectinload(ActionEvent.actor),
        ),
    )


@dataclass(frozen=True)
class ActionFilters:
    """What an action list is narrowed to; empty values narrow nothing."""

    store: str = ""
    region: str = ""
    status: str = ""
    overdue: bool = False


def parse_status(value: str | None) -> str:
    """An action status from a query string ("" for any), or Invalid."""
    value = (value or "").strip()
    if value and value not in set(ActionStatus):
        raise Invalid(
            N_("status must be one of %(statuses)s."),
            {"statuses": ", ".join(ActionStatus)},
            fields={"status": "invalid"},
        )
    return value


def list_statement(
    person: Person, filters: ActionFilters, today: date
) -> Select[tuple[StoreAction]]:
    """The actions ``person`` may see, narrowed by ``filters``: unfinished ones first,
    then what is due first (a manager's list reads as their to-do list)."""
    statement = visible(person)
    if filters.store or filters.region:
        statement = statement.join(Store, Store.id == StoreAction.store_id)
    if filters.store:
        statement = statement.where(Store.code == filters.store)
    if filters.region:
        statement = statement.where(Store.region == filters.region)
    if filters.status:
        statement = statement.where(StoreAction.status == filters.status)
    if filters.overdue:
        statement = statement.where(
            StoreAction.status == ActionStatus.OPEN, StoreAction.due_on < today
        )
    finished_last = case((StoreAction.status == ActionStatus.CLOSED, 1), else_=0)
    return statement.order_by(finished_last, StoreAction.due_on, StoreAction.id)


def get(person: Person, action_id: int) -> StoreAction:
    """One action ``person`` may see, or NotFound."""
    action = db.session.execute(visible(person).where(StoreAction.id == action_id)).scalar()
    if action is None:
        raise NotFound(N_("There is no such action."))
    return action


def managers_of(store_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active managers of each store, by email."""
    ids = list(set(store_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(manager_stores.c.store_id, User)
        .join(User, User.id == manager_stores.c.user_id)
        .where(
            manager_stores.c.store_id.in_(ids),
            User.role == Role.MANAGER,
            User.active.is_(True),
        )
        .order_by(User.email)
    ).all()
    managers: dict[int, list[User]] = {}
    for store_id, user in rows:
        managers.setdefault(store_id, []).append(user)
    return managers


def announce(opened: Iterable[StoreAction]) -> int:
    """Email the stores' managers about newly opened actions, when SMTP is set up.

    Call after the commit that opened them: a failed email is logged and never
    undoes the action. Returns how many messages went out.
    """
    opened = list(opened)
    if not opened or not mail.configured():
        return 0
    managers = managers_of(action.store_id for action in opened)
    sent = 0
    for action in opened:
        for manager in managers.get(action.store_id, []):
            sent += notifications.action_opened(action, manager) is True
    return sent


@dataclass(frozen=True)
class Reminder:
    """One reminder: the action, the manager, and whether the email went out."""

    action: StoreAction
    manager: User
    sent: bool


def _claim_reminder(action_id: int, now: datetime) -> bool:
    """Mark the action reminded, if no other run did first (one conditional UPDATE)."""
    claimed = db.session.execute(
        update(StoreAction)
        .where(
            StoreAction.id == action_id,
            StoreAction.reminded_at.is_(None),
            StoreAction.status == ActionStatus.OPEN,
        )
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def remind(today: date) -> list[Reminder]:
    """Email the managers of each open action whose due date is near (once per action).

    Each action is claimed by setting ``reminded_at`` in one conditional UPDATE
    and committed before any mail goes out, so two runs at once never remind
    twice. When every email of an action failed, the claim is taken back so that
    the next run tries again. Actions of stores without a manager wait.
    """
    if not mail.configured():
        raise mail.MailNotConfigured(
            "No SMTP server is set: set SHOPPER_MAIL_SERVER (see README, Email)."
        )
    candidates = list(
        db.session.execute(
            select(StoreAction)
            .where(
                StoreAction.status == ActionStatus.OPEN,
                StoreAction.reminded_at.is_(None),
                StoreAction.due_on.between(today, today + follow_up.REMIND_BEFORE_DUE),
            )
            .options(selectinload(StoreAction.store))
            .order_by(StoreAction.due_on, StoreAction.id)
        ).scalars()
    )
    managers = managers_of(action.store_id for action in candidates)
    reminders = []
    for action in candidates:
        people = managers.get(action.store_id, [])
        if not people or not follow_up.needs_reminder(action.status, action.due_on, today):
            continue
        now = utcnow()
        if not _claim_reminder(action.id, now):
            continue
        results = [
            Reminder(action, manager, bool(notifications.action_due(action, manager)))
            for manager in people
        ]
        if not any(result.sent for result in results):
            db.session.execute(
                update(StoreAction)
                .where(StoreAction.id == action.id, StoreAction.reminded_at == now)
                .values(reminded_at=None)
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
        reminders += results
    return reminders


@dataclass(frozen=True)
class StoreActionCounts:
    """A store's actions as the comparison shows them."""

    open: int = 0
    overdue: int = 0


def counts_by_store(store_ids: Iterable[int], today: date) -> dict[int, StoreActionCounts]:
    """Open (not yet done) and overdue actions per store, for the stores given."""
    ids = list(store_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            StoreAction.store_id,
            func.count(),
            func.count().filter(StoreAction.due_on < today),
        )
        .where(StoreAction.store_id.in_(ids), StoreAction.status == ActionStatus.OPEN)
        .group_by(StoreAction.store_id)
    )
    return {store_id: StoreActionCounts(opened, late) for store_id, opened, late in rows}


def counts_by_store_code(codes: Iterable[str], today: date) -> dict[str, StoreActionCounts]:
    """``counts_by_store`` keyed by store code (the comparison names stores by code)."""
    ids = {
        store_id: code
        for store_id, code in db.session.execute(
            select(Store.id, Store.code).where(Store.code.in_(list(codes)))
        )
    }
    return {ids[store_id]: counts for store_id, counts in counts_by_store(ids, today).items()}


def closed_in_time_by_region(first_day: date, last_day: date) -> dict[str, float | None]:
    """Per region, the share (percent) of actions due in the period that were closed and
    whose store said they were done by the due date; None where none were due."""
    rows = db.session.execute(
        select(Store.region, StoreAction.status, StoreAction.due_on, StoreAction.done_at)
        .join(Store, Store.id == StoreAction.store_id)
        .where(StoreAction.due_on.between(first_day, last_day), Store.competitor.is_(False))
    )
    due: dict[str, int] = {}
    in_time: dict[str, int] = {}
    for region, status, due_on, done_at in rows:
        due[region] = due.get(region, 0) + 1
        done_on = done_at.date() if done_at else None
        if follow_up.closed_in_time(status, due_on, done_on):
            in_time[region] = in_time.get(region, 0) + 1
    return {region: 100.0 * in_time.get(region, 0) / count for region, count in due.items()}


@dataclass(frozen=True)
class Outcome:
    """A later approved visit's answer to an action's question: whether the fix held."""

    visit_id: int
    visited_on: date | None
    held: bool


def outcomes(found: Iterable[StoreAction]) -> dict[int, list[Outcome]]:
    """Per action about a question, that question's result in the store's approved
    visits made since the action opened (oldest first), in one query."""
    about = {a.id: a for a in found if a.question_code and a.checklist_id}
    if not about:
        return {}
    rows = db.session.execute(
        select(
            StoreAction.id,
            Visit.id,
            Visit.visited_on,
            VisitQuestionScore.counted,
            VisitQuestionScore.earned,
            VisitQuestionScore.possible,
            VisitQuestionScore.critical_failed,
        )
        .join(
            Assignment,
            (Assignment.store_id == StoreAction.store_id)
            & (Assignment.checklist_id == StoreAction.checklist_id),
        )
        .join(Visit, Visit.assignment_id == Assignment.id)
        .join(
            VisitQuestionScore,
            (VisitQuestionScore.visit_id == Visit.id)
            & (VisitQuestionScore.question_code == StoreAction.question_code),
        )
        .where(
            StoreAction.id.in_(list(about)),
            Assignment.status == Status.APPROVED,
            Visit.id != func.coalesce(StoreAction.visit_id, 0),
        )
        .order_by(StoreAction.id, Visit.visited_on, Visit.id)
    )
    found_outcomes: dict[int, list[Outcome]] = {}
    for action_id, visit_id, visited_on, counted, earned, possible, critical in rows:
        opened_on = about[action_id].created_at.date()
        if visited_on is None or visited_on < opened_on:
            continue  # made before the action: it says nothing of the fix
        held = follow_up.question_held(counted, earned, possible, critical)
        if held is not None:
            found_outcomes.setdefault(action_id, []).append(Outcome(visit_id, visited_on, held))
    return found_outcomes


def was_reopened(action: StoreAction) -> bool:
    """Whether a coordinator ever sent the action back (its events are loaded)."""
    return any(event.step == ActionStep.REOPEN for event in action.events)


def stands_out(action: StoreAction, found: list[Outcome]) -> bool:
    """A reopened action, or one whose question failed again in a later visit."""
    return was_reopened(action) or any(not outcome.held for outcome in found)


def filter_choices(person: Person) -> tuple[list[tuple[str, str]], list[str]]:
    """The stores (code, name) and regions ``person`` may pick in the list's filters."""
    stores = db.session.execute(visible_to(person, select(Store).order_by(Store.code))).scalars()
    found = [(store.code, store.name, store.region) for store in stores]
    regions = sorted({region for _, _, region in found if region})
    return [(code, name) for code, name, _ in found], regions


def stores_to_act_on() -> list[Store]:
    """The stores an action may be opened for: the business's own active stores."""
    return list(
        db.session.execute(
            select(Store)
            .where(Store.active.is_(True), Store.competitor.is_(False))
            .order_by(Store.code)
        ).scalars()
    )
