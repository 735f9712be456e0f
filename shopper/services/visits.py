"""Visits: the shopper saves drafts and submits; scores are computed once, on submission."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from shopper.domain import policy
from shopper.domain.answers import MAX_COMMENT, normalise_value, validate_answers
from shopper.domain.audit import AuditAction
from shopper.domain.i18n import N_, N_plural
from shopper.domain.scoring import score_visit
from shopper.domain.workflow import Action, Status, allowed
from shopper.extensions import db
from shopper.models import (
    Assignment,
    Photo,
    User,
    Visit,
    VisitQuestionScore,
    VisitSectionScore,
    utcnow,
)
from shopper.services import audit, scope, transitions
from shopper.services.checklists import parse_version
from shopper.services.errors import Conflict, Invalid, NotFound

_CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True)
class VisitInput:
    """What a shopper's phone (or a script) sends for a visit."""

    client_id: str | None = None
    visited_on: date | None = None
    time_in: time | None = None
    time_out: time | None = None
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)


def parse_visit_input(body: object) -> VisitInput:
    """Check the shape of a visit body; every problem is keyed by its field."""
    if not isinstance(body, dict):
        raise Invalid(N_("The visit must be a JSON object."))
    errors: dict[str, str] = {}
    client_id = body.get("client_id")
    if client_id is not None and not (
        isinstance(client_id, str) and _CLIENT_ID.fullmatch(client_id)
    ):
        errors["client_id"] = gettext("Use 1 to 64 letters, digits, - or _.")
        client_id = None
    visited_on = body.get("visited_on")
    if visited_on is not None:
        try:
            visited_on = date.fromisoformat(visited_on) if isinstance(visited_on, str) else None
        except ValueError:
            visited_on = None
        if visited_on is None:
            errors["visited_on"] = gettext("Give the date as YYYY-MM-DD.")
    times = {}
    for name in ("time_in", "time_out"):
        value = body.get(name)
        times[name] = None
        if value is None or value == "":
            continue
        match = _TIME.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            errors[name] = gettext("Give the time as HH:MM.")
        else:
            times[name] = time(int(match.group(1)), int(match.group(2)))
    answers: dict[str, dict[str, Any]] = {}
    raw_answers = body.get("answers", {})
    if not isinstance(raw_answers, dict):
        errors["answers"] = gettext("answers must be an object keyed by question code.")
        raw_answers = {}
    for code, answer in raw_answers.items():
        key = f"answers.{code}"
        if not isinstance(answer, dict) or set(answer) - {"value", "comment"}:
            errors[key] = gettext('Each answer is an object with "value" and "comment".')
            continue
        comment = answer.get("comment", "")
        if comment is None:
            comment = ""
        if not isinstance(comment, str) or len(comment) > MAX_COMMENT:
            errors[key] = gettext(
                "The comment must be text of at most %(count)d characters.", count=MAX_COMMENT
            )
            continue
        answers[code] = {"value": answer.get("value"), "comment": comment}
    if errors:
        raise Invalid(
            N_plural("The visit has %(num)d problem.", "The visit has %(num)d problems."),
            {"num": len(errors)},
            errors,
        )
    return VisitInput(client_id, visited_on, times["time_in"], times["time_out"], answers)


def _photo_counts(visit: Visit | None) -> dict[str, int]:
    if visit is None or visit.id is None:
        return {}
    rows = db.session.execute(
        select(Photo.question_code, func.count())
        .where(Photo.visit_id == visit.id)
        .group_by(Photo.question_code)
    ).all()
    return dict(rows)


def _checked_answers(
    assignment: Assignment, visit_input: VisitInput, visit: Visit | None, complete: bool
) -> dict[str, dict[str, Any]]:
    """Validate the answers against the assignment's checklist version; canonical values out."""
    checklist = parse_version(assignment.version)
    values = {code: answer["value"] for code, answer in visit_input.answers.items()}
    problems = validate_answers(checklist, values, _photo_counts(visit), complete=complete)
    errors = {key: gettext(problem.message, **problem.params) for key, problem in problems.items()}
    if complete:
        errors.update(_visit_fields_missing(visit_input))
    if errors:
        raise Invalid(
            N_plural(
                "The report has %(num)d problem to fix.", "The report has %(num)d problems to fix."
            ),
            {"num": len(errors)},
            errors,
        )
    answers = {}
    for code, answer in visit_input.answers.items():
        value = answer["value"]
        if value is None and not answer["comment"]:
            continue
        question = checklist.question(code)
        answers[code] = {
            "value": normalise_value(question, value) if value is not None else None,
            "comment": answer["comment"],
        }
    return answers


# A visit lasts at least a minute: a time out equal to the time in (two taps on "Now") is
# refused as well as one before it.
MIN_VISIT_MINUTES = 1
# A visit may be dated this many days after the server's today (a time zone ahead of it).
MAX_DAYS_AHEAD = 1
TIME_ORDER = N_("The time out must be after the time in.")


def _visit_fields_missing(visit_input: VisitInput) -> dict[str, str]:
    errors = {}
    if visit_input.visited_on is None:
        errors["visited_on"] = gettext("Give the date of the visit.")
    elif visit_input.visited_on > date.today() + timedelta(days=MAX_DAYS_AHEAD):
        errors["visited_on"] = gettext("The visit date is in the future.")
    if visit_input.time_in is None:
        errors["time_in"] = gettext("Give the time you went in.")
    if visit_input.time_out is None:
        errors["time_out"] = gettext("Give the time you came out.")
    if (
        visit_input.time_in is not None
        and visit_input.time_out is not None
        and _minutes(visit_input.time_out) - _minutes(visit_input.time_in) < MIN_VISIT_MINUTES
    ):
        errors["time_out"] = gettext(TIME_ORDER)
    return errors


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def visit_rules() -> dict[str, object]:
    """The visit-date and visit-time rules as the phone applies them while the shopper types."""
    return {
        "min_minutes": MIN_VISIT_MINUTES,
        "days_ahead": MAX_DAYS_AHEAD,
        "time_order": gettext(TIME_ORDER),
    }


def _own_assignment(assignment: Assignment, user: User) -> None:
    if not policy.is_own_work(user, assignment):
        raise NotFound(N_("There is no assignment %(id)s."), {"id": assignment.id})


def _claim(assignment: Assignment, user: User, action: Action) -> None:
    """Move the shopper's assignment by ``action`` while it is still theirs (409 if not).

    The phone saves drafts on its own: a draft saved meanwhile does not stop the next step.
    """
    try:
        transitions.move(assignment, action, retry=True, shopper_id=user.id)
    except Conflict:
        raise transitions.report_locked(assignment) from None


def save_draft(assignment: Assignment, user: User, visit_input: VisitInput) -> Visit:
    """Keep the shopper's work so far; incomplete answers are fine, wrong ones are not."""
    _own_assignment(assignment, user)
    if not allowed(assignment.status, Action.SAVE_DRAFT):
        raise transitions.report_locked(assignment)
    answers = _checked_answers(assignment, visit_input, assignment.visit, complete=False)
    # Claimed first: of two first saves racing, one makes the visit, the other
    # (after it) finds it; a save racing a submission never undoes it.
    _claim(assignment, user, Action.SAVE_DRAFT)
    visit = assignment.visit
    if visit is None:
        visit = Visit(assignment=assignment, answers={})
        db.session.add(visit)
    else:
        db.session.refresh(visit)
    visit.client_id = visit_input.client_id or visit.client_id
    visit.visited_on = visit_input.visited_on
    visit.time_in = visit_input.time_in
    visit.time_out = visit_input.time_out
    visit.answers = answers
    visit.saved_at = utcnow()
    db.session.commit()
    return visit


def submit(assignment: Assignment, user: User, visit_input: VisitInput) -> tuple[Visit, bool]:
    """Submit the report once: score it and store the scores. Returns (visit, newly submitted).

    The same ``client_id`` sent again (a double tap, a retry after a timeout)
    answers the visit already submitted and changes nothing.
    """
    _own_assignment(assignment, user)
    if _already_submitted(assignment, assignment.visit, visit_input):
        return assignment.visit, False
    if not allowed(assignment.status, Action.SUBMIT):
        raise transitions.report_locked(assignment)
    answers = _checked_answers(assignment, visit_input, assignment.visit, complete=True)
    # Claim the submission: of two requests racing (a double tap), exactly one
    # moves the status; the other sees it moved.
    previous = assignment.status
    try:
        _claim(assignment, user, Action.SUBMIT)
    except Conflict:
        if _already_submitted(assignment, assignment.visit, visit_input):
            return assignment.visit, False
        raise
    visit = assignment.visit
    if visit is None:
        visit = Visit(assignment=assignment)
        db.session.add(visit)
    else:
        db.session.refresh(visit)
    now = utcnow()
    visit.client_id = visit_input.client_id
    visit.visited_on = visit_input.visited_on
    visit.time_in = visit_input.time_in
    visit.time_out = visit_input.time_out
    visit.answers = answers
    visit.saved_at = now
    visit.submitted_at = now
    visit.submitted_late = now.date() > assignment.last_day
    _store_scores(visit, assignment, answers)
    db.session.flush()
    audit.record(
        assignment,
        user,
        AuditAction.SUBMITTED,
        details={"resubmission": previous == Status.RETURNED},
    )
    db.session.commit()
    return visit, True


def _already_submitted(
    assignment: Assignment, visit: Visit | None, visit_input: VisitInput
) -> bool:
    return (
        visit is not None
        and visit_input.client_id is not None
        and visit.client_id == visit_input.client_id
        and visit.submitted_at is not None
        and assignment.status in (Status.SUBMITTED, Status.APPROVED)
    )


def _store_scores(visit: Visit, assignment: Assignment, answers: dict[str, dict[str, Any]]) -> None:
    """Score with the engine and keep every figure; reports never recompute them."""
    result = score_visit(
        parse_version(assignment.version),
        {code: answer["value"] for code, answer in answers.items()},
    )
    visit.overall = result.overall
    visit.overall_before_critical = result.overall_before_critical
    visit.earned = result.earned
    visit.possible = result.possible
    visit.critical_failure = result.critical_failure
    # A resubmission replaces the rows: the old ones must be gone before the new
    # ones arrive, or the (visit, code) unique constraints would clash.
    visit.section_scores.clear()
    visit.question_scores.clear()
    db.session.flush()
    visit.section_scores = [VisitSectionScore(**row) for row in result.section_rows()]
    visit.question_scores = [VisitQuestionScore(**row) for row in result.question_rows()]


def get_visit(visit_id: int, user: User) -> Visit:
    """A visit this person may see: coordinators and owners all, a shopper only their own."""
    visit = db.session.execute(
        scope.visible_to(user, select(Visit).where(Visit.id == visit_id))
    ).scalar_one_or_none()
    if visit is None:
        raise NotFound(N_("There is no visit %(id)s."), {"id": visit_id})
    return visit


def may_read(person: User, visit_id: int | None) -> bool:
    """Whether ``person`` may open visit ``visit_id``'s report (as ``get_visit`` decides)."""
    if visit_id is None:
        return False
    found = db.session.execute(
        scope.visible_to(person, select(Visit.id).where(Visit.id == visit_id))
    ).first()
    return found is not None


def approved_for(person: User, limit: int = 20) -> list[Visit]:
    """The latest approved visits ``person`` may read (a manager: their stores'), newest first."""
    return list(
        db.session.execute(
            scope.visible_to(
                person,
                select(Visit)
                .join(Visit.assignment)
                .where(Assignment.status == Status.APPROVED)
                .options(selectinload(Visit.assignment).selectinload(Assignment.store))
                .order_by(Visit.visited_on.desc(), Visit.id.desc())
                .limit(limit),
            )
        ).scalars()
    )


def days_late(visit: Visit) -> int:
    """How many days after the window's last day the report was submitted (0 if in time)."""
    if visit.submitted_at is None:
        return 0
    return max(0, (visit.submitted_at.date() - visit.assignment.last_day).days)


def submitted_datetime(visit: Visit) -> datetime | None:
    """When the report was (last) submitted."""
    return visit.submitted_at


@dataclass(frozen=True)
class AnswerView:
    """One question of a report with its answer, photos and result, for display."""

    question: Any
    value: object
    comment: str
    photos: list[Photo]
    earned: float | None
    possible: float
    counted: bool
    critical_failed: bool


@dataclass(frozen=True)
class SectionView:
    """One section of a report with its score and answers."""

    code: str
    title: str
    score: float | None
    answers: list[AnswerView]


def report_view(visit: Visit) -> list[SectionView]:
    """The report as its checklist version orders it, with the stored scores beside answers.

    The scores are left out (``None``, not counted) while the policy hides them,
    as for a returned report.
    """
    checklist = parse_version(visit.assignment.version)
    shown = policy.scores_visible(visit.assignment)
    section_scores = {s.section_code: s.score for s in visit.section_scores} if shown else {}
    question_scores = {q.question_code: q for q in visit.question_scores} if shown else {}
    photos_by_question: dict[str, list[Photo]] = {}
    for photo in visit.photos:
        photos_by_question.setdefault(photo.question_code, []).append(photo)
    sections = []
    for section in checklist.sections:
        answers = []
        for question in section.questions:
            answer = visit.answers.get(question.code, {})
            scored = question_scores.get(question.code)
            answers.append(
                AnswerView(
                    question=question,
                    value=answer.get("value"),
                    comment=answer.get("comment", ""),
                    photos=photos_by_question.get(question.code, []),
                    earned=scored.earned if scored else None,
                    possible=scored.possible if scored else 0.0,
                    counted=scored.counted if scored else False,
                    critical_failed=scored.critical_failed if scored else False,
                )
            )
        sections.append(
            SectionView(section.code, section.title, section_scores.get(section.code), answers)
        )
    return sections
