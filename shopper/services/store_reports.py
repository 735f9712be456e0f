"""What the comparison PDF needs beyond the comparison: store pages, targets, the chain's change.

``details`` reads, for the stores of a report, their approved visits of the
period: the dates, the questions where points were lost with the shoppers'
comments (never who wrote them), critical failures, the thumbnails of photos
of failed items, and the open actions the reader may see. A handful of
queries for any number of stores, each with the stores' ids in one list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import case, func, select

from shopper.domain import comparison as rules
from shopper.domain.comparison import Comparison
from shopper.domain.follow_up import ActionStatus
from shopper.domain.i18n import N_
from shopper.domain.policy import Person
from shopper.domain.store_report import (
    LostPoints,
    OpenAction,
    PhotoThumb,
    StoreDetail,
    Targets,
    lost_points_order,
)
from shopper.domain.workflow import Status
from shopper.extensions import db
from shopper.models import (
    Assignment,
    Checklist,
    Photo,
    Store,
    StoreAction,
    Visit,
    VisitQuestionScore,
)
from shopper.services import actions
from shopper.services.comparisons import ComparisonQuery, period_sums
from shopper.services.errors import Invalid, NotFound
from shopper.services.photos import stored_files

DETAILS = ("stores",)
# At most this many photos and comments per question on a store's page.
MAX_PHOTOS_PER_STORE = 6
MAX_COMMENTS_PER_QUESTION = 5


@dataclass(frozen=True)
class ReportOptions:
    """What the PDF adds to the comparison: one store's own report, or a section per store."""

    store: str | None = None
    details: str | None = None


def parse_options(args: Mapping[str, str], *, pdf: bool) -> ReportOptions:
    """``store=CODE`` and ``details=stores`` of a comparison query, checked.

    ``details`` exists for the PDF only; an unknown store is NotFound (the
    store must exist, visited or not).
    """
    store = (args.get("store") or "").strip() or None
    details = (args.get("details") or "").strip() or None
    if details is not None:
        if not pdf:
            raise Invalid(N_("details=stores is for the PDF only."), fields={"details": "pdf_only"})
        if details not in DETAILS:
            raise Invalid(N_("details must be stores."), fields={"details": "stores"})
    if store is not None:
        found = db.session.execute(select(Store.id).where(Store.code == store)).scalar()
        if found is None:
            raise NotFound(N_("There is no store %(code)s."), {"code": store})
    return ReportOptions(store, details)


def targets(comparison: Comparison) -> Targets:
    """The comparison's targets when it carries them, else the checklist's as they are now."""
    carried = getattr(comparison, "targets", None)
    if carried is not None:
        return Targets.of(carried)
    saved = db.session.execute(
        select(Checklist.targets).where(Checklist.code == comparison.checklist)
    ).scalar()
    return Targets.of(saved)


def chain_change(query: ComparisonQuery, comparison: Comparison) -> float | None:
    """The chain score less the previous period's, in points (scoring.md: "the same for
    the chain"), or the comparison's own figure when it carries one."""
    carried = getattr(comparison, "chain_change", None)
    if carried is not None or comparison.chain_score is None:
        return carried
    checklist_id = db.session.execute(
        select(Checklist.id).where(Checklist.code == comparison.checklist)
    ).scalar_one()
    previous = period_sums(
        checklist_id, comparison.previous_first_day, comparison.previous_last_day
    )
    statement = select(Store.id).where(Store.competitor.is_(False))
    if query.region:
        statement = statement.where(Store.region == query.region)
    own = set(db.session.execute(statement).scalars())
    before = rules.mean(
        sums.score
        for store_id, sums in previous.totals.items()
        if store_id in own and sums.score is not None
    )
    return None if before is None else comparison.chain_score - before


def details(
    comparison: Comparison,
    codes: Iterable[str],
    *,
    reader: Person,
    upload_folder: Path,
    today: date,
) -> dict[str, StoreDetail]:
    """Each store's page of the period, by store code (stores with no visit get an empty one)."""
    wanted = list(dict.fromkeys(codes))
    if not wanted:
        return {}
    stores = dict(
        db.session.execute(select(Store.code, Store.id).where(Store.code.in_(wanted))).all()
    )
    ids = {store_id: code for code, store_id in stores.items()}
    checklist_id = db.session.execute(
        select(Checklist.id).where(Checklist.code == comparison.checklist)
    ).scalar_one()
    period = (
        Assignment.checklist_id == checklist_id,
        Assignment.status == Status.APPROVED,
        Visit.visited_on.between(comparison.first_day, comparison.last_day),
        Assignment.store_id.in_(list(ids)),
    )
    visits = db.session.execute(
        select(Visit.id, Assignment.store_id, Visit.visited_on, Visit.answers)
        .join(Visit.assignment)
        .where(*period)
        .order_by(Visit.visited_on, Visit.id)
    ).all()
    visit_store = {visit_id: store_id for visit_id, store_id, _, _ in visits}
    visit_day = {visit_id: day for visit_id, _, day, _ in visits}
    answers = {visit_id: answers or {} for visit_id, _, _, answers in visits}
    dates: dict[int, list[date]] = defaultdict(list)
    for _visit_id, store_id, day, _ in visits:
        dates[store_id].append(day)

    sums = db.session.execute(
        select(
            Assignment.store_id,
            VisitQuestionScore.question_code,
            func.sum(VisitQuestionScore.earned),
            func.sum(VisitQuestionScore.possible),
            func.count(),
            func.sum(case((VisitQuestionScore.critical_failed, 1), else_=0)),
        )
        .join(VisitQuestionScore.visit)
        .join(Visit.assignment)
        .where(*period, VisitQuestionScore.counted.is_(True))
        .group_by(Assignment.store_id, VisitQuestionScore.question_code)
    ).all()
    failed = db.session.execute(
        select(VisitQuestionScore.visit_id, VisitQuestionScore.question_code)
        .join(VisitQuestionScore.visit)
        .join(Visit.assignment)
        .where(
            *period,
            VisitQuestionScore.counted.is_(True),
            VisitQuestionScore.earned < VisitQuestionScore.possible,
        )
        .order_by(Visit.visited_on, VisitQuestionScore.visit_id)
    ).all()
    comments: dict[tuple[int, str], list[tuple[date, str]]] = defaultdict(list)
    failed_pairs = set()
    for visit_id, code in failed:
        failed_pairs.add((visit_id, code))
        answer = answers.get(visit_id, {}).get(code)
        comment = answer.get("comment") if isinstance(answer, dict) else None
        if isinstance(comment, str) and comment.strip():
            comments[(visit_store[visit_id], code)].append((visit_day[visit_id], comment.strip()))
    lost: dict[int, list[LostPoints]] = defaultdict(list)
    for store_id, code, earned, possible, count, critical in sums:
        earned, possible = float(earned or 0.0), float(possible or 0.0)
        if possible - earned <= 1e-9:
            continue
        lost[store_id].append(
            LostPoints(
                code,
                earned,
                possible,
                int(count),
                int(critical or 0),
                tuple(comments.get((store_id, code), ())[:MAX_COMMENTS_PER_QUESTION]),
            )
        )

    photos: dict[int, list[PhotoThumb]] = defaultdict(list)
    if failed_pairs:
        rows = db.session.execute(
            select(Photo.visit_id, Photo.question_code, Photo.sha256)
            .where(Photo.visit_id.in_(list({visit_id for visit_id, _ in failed_pairs})))
            .order_by(Photo.visit_id, Photo.id)
        ).all()
        for visit_id, code, digest in rows:
            store_id = visit_store[visit_id]
            if (visit_id, code) not in failed_pairs or len(photos[store_id]) >= (
                MAX_PHOTOS_PER_STORE
            ):
                continue
            path = upload_folder / stored_files(digest)[1]
            if not path.exists():
                path = upload_folder / stored_files(digest)[0]
            if path.exists():
                photos[store_id].append(PhotoThumb(path, code, visit_day[visit_id]))

    open_actions: dict[int, list[OpenAction]] = defaultdict(list)
    for action in db.session.execute(
        actions.visible(reader)
        .where(StoreAction.store_id.in_(list(ids)), StoreAction.status == ActionStatus.OPEN)
        .order_by(StoreAction.due_on, StoreAction.id)
    ).scalars():
        open_actions[action.store_id].append(
            OpenAction(action.title, action.due_on, action.status, action.due_on < today)
        )

    return {
        code: StoreDetail(
            visit_dates=tuple(dates.get(store_id, ())),
            lost=tuple(lost_points_order(lost.get(store_id, []))),
            photos=tuple(photos.get(store_id, ())),
            actions=tuple(open_actions.get(store_id, ())),
        )
        for store_id, code in ids.items()
    }
