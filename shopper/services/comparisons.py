"""Comparisons: gather the sums of approved visits from the database, let the domain compute.

Whole months come from the sums kept on approval (``shopper.services.aggregates``):
one month from its monthly sums, several from the difference of two rows of
running sums; the days of a period outside whole months are summed from the
visits themselves. The cost grows with stores × questions, not with history.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Select, and_, case, func, select

from shopper.domain import comparison as rules
from shopper.domain import targets as target_rules
from shopper.domain.comparison import (
    QUESTION,
    SECTION,
    Comparison,
    Details,
    QuestionInfo,
    QuestionSums,
    SectionInfo,
    SectionSums,
    StoreInfo,
    StoreSums,
    TrendPoint,
)
from shopper.domain.i18n import N_
from shopper.domain.policy import Person
from shopper.domain.workflow import Status
from shopper.extensions import db
from shopper.models import (
    Assignment,
    Checklist,
    Store,
    StoreMonthDetail,
    StoreMonthTotal,
    StoreRunningDetail,
    Visit,
    VisitQuestionScore,
    VisitSectionScore,
)
from shopper.services import aggregates, checklists, scope
from shopper.services.checklists import get_checklist
from shopper.services.errors import Invalid, NotFound

MAX_PERIOD_DAYS = 366 * 10
# Far enough from year 1 and 9999 that the previous period and the trend stay real dates.
FIRST_DAY_ALLOWED = date(1900, 1, 1)
LAST_DAY_ALLOWED = date(2999, 12, 31)
TREND_MONTHS = 12


@dataclass(frozen=True)
class ComparisonQuery:
    """What to compare: one checklist, a period, a region or the whole chain, competitors."""

    checklist: str
    first_day: date
    last_day: date
    region: str | None = None
    competitors: bool = True
    compare: str = rules.PREVIOUS


def parse_query(args: dict[str, str]) -> ComparisonQuery:
    """Read the query of a page or the API, with a clear error per bad field."""
    errors = {}
    checklist = (args.get("checklist") or "").strip()
    if not checklist:
        errors["checklist"] = "required"
    days = {}
    for name in ("first_day", "last_day"):
        try:
            days[name] = date.fromisoformat(args.get(name) or "")
        except ValueError:
            errors[name] = "YYYY-MM-DD"
    competitors = (args.get("competitors") or "include").strip()
    if competitors not in ("include", "exclude"):
        errors["competitors"] = "include|exclude"
    compare = (args.get("compare") or rules.PREVIOUS).strip()
    if compare not in rules.COMPARE_WITH:
        errors["compare"] = "|".join(rules.COMPARE_WITH)
    if set(errors) == {"compare"}:
        raise Invalid(
            N_(
                "compare is previous (the period before) or last_year (the same period a year earlier)."
            ),
            fields=errors,
        )
    if errors:
        raise Invalid(
            N_(
                "Give checklist, first_day and last_day (YYYY-MM-DD); competitors is include or exclude."
            ),
            fields=errors,
        )
    for name, day in days.items():
        if not FIRST_DAY_ALLOWED <= day <= LAST_DAY_ALLOWED:
            raise Invalid(
                N_("Dates must lie between %(first)s and %(last)s."),
                {"first": FIRST_DAY_ALLOWED.isoformat(), "last": LAST_DAY_ALLOWED.isoformat()},
                fields={name: "range"},
            )
    if days["last_day"] < days["first_day"]:
        raise Invalid(N_("The last day is before the first day."), fields={"last_day": "order"})
    if (days["last_day"] - days["first_day"]).days > MAX_PERIOD_DAYS:
        raise Invalid(N_("A period may be at most ten years long."), fields={"last_day": "range"})
    return ComparisonQuery(
        checklist,
        days["first_day"],
        days["last_day"],
        (args.get("region") or "").strip() or None,
        competitors == "include",
        compare,
    )


def split_period(
    first_day: date, last_day: date
) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """The whole months inside a period (first and last month), and the edge day ranges."""
    first_month = (
        first_day if first_day.day == 1 else aggregates.month_end(first_day) + timedelta(days=1)
    )
    last_month_end = (
        last_day
        if last_day == aggregates.month_end(last_day)
        else last_day.replace(day=1) - timedelta(days=1)
    )
    if first_month > last_month_end:
        return None, [(first_day, last_day)]
    edges = []
    if first_day < first_month:
        edges.append((first_day, first_month - timedelta(days=1)))
    if last_month_end < last_day:
        edges.append((last_month_end + timedelta(days=1), last_day))
    return (first_month, last_month_end.replace(day=1)), edges


@dataclass(frozen=True)
class Layout:
    """Where each store's and each code's sums go in a period's arrays."""

    stores: dict[int, int]  # store id → row
    sections: dict[str, int]  # section code → column
    questions: dict[str, int]  # question code → column


@dataclass
class PeriodSums:
    """Each store's sums over a period.

    ``totals`` by store id; ``sections`` (stores × sections × the fields of
    ``SectionSums``) and ``questions`` (stores × questions × the fields of
    ``QuestionSums``) placed by a ``Layout``, None when only totals were asked for.
    """

    totals: dict[int, StoreSums]
    sections: np.ndarray | None = None
    questions: np.ndarray | None = None

    @classmethod
    def empty(cls, layout: Layout | None) -> PeriodSums:
        if layout is None:
            return cls({})
        stores = len(layout.stores)
        return cls(
            {},
            np.zeros((stores, len(layout.sections), len(SectionSums._fields))),
            np.zeros((stores, len(layout.questions), len(QuestionSums._fields))),
        )


def _store(sums: dict[int, StoreSums], store_id: int) -> StoreSums:
    """The store's sums in ``sums``, new and empty the first time."""
    store = sums.get(store_id)
    if store is None:
        store = sums[store_id] = StoreSums()
    return store


def _add_totals(sums: PeriodSums, rows: Iterable[Sequence[Any]], sign: int = 1) -> None:
    """Add (or take away) rows of (store id, visits, Σ overall, overall count, critical failures)."""
    for store_id, visits, overall_sum, overall_count, critical in rows:
        if visits:
            store = _store(sums.totals, store_id)
            store.visits += sign * int(visits)
            store.overall_sum += sign * float(overall_sum or 0.0)
            store.overall_count += sign * int(overall_count or 0)
            store.critical_failures += sign * int(critical or 0)


def _scatter(
    into: np.ndarray,
    stores: dict[int, int],
    columns: dict[str, int],
    rows: Iterable[Sequence[Any]],
) -> None:
    """Add rows of (store id, code, *sums in their fields' order) grouped in SQL into ``into``."""
    found = [
        (stores[store_id], columns[code], [float(value or 0.0) for value in values])
        for store_id, code, *values in rows
        if store_id in stores and code in columns
    ]
    if found:
        store_rows, code_columns, values = zip(*found, strict=True)
        np.add.at(into, (list(store_rows), list(code_columns)), np.array(values))


def _add_details(
    sums: PeriodSums, layout: Layout, rows: Iterable[Sequence[Any]], sign: int = 1
) -> None:
    """Add rows of (store id, packed section sums, packed question sums).

    The hot path of a report: one row per store, read into the arrays
    without a Python object per number (``aggregates.add_packed``).
    """
    placed = [
        (layout.stores[store_id], sections, questions)
        for store_id, sections, questions in rows
        if store_id in layout.stores
    ]
    aggregates.add_packed(
        sums.sections, [(row, packed) for row, packed, _ in placed], layout.sections, sign
    )
    aggregates.add_packed(
        sums.questions, [(row, packed) for row, _, packed in placed], layout.questions, sign
    )


def _rows(statement: Select) -> list[Sequence[Any]]:
    """The rows as the driver returns them: reports read tens of thousands of plain numbers.

    Only for numbers, strings and packed sums, which need none of
    SQLAlchemy's conversions (dates come back as text on SQLite). PostgreSQL
    sends them in its binary format: packed sums as they are, not as hex
    text to decode (half the time of reading a month of a chain's sums).
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        compiled = statement.compile(dialect=connection.dialect)
        with connection.connection.driver_connection.cursor(binary=True) as cursor:
            return cursor.execute(str(compiled), compiled.params).fetchall()
    result = connection.execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _approved_between(checklist_id: int, first: date, last: date) -> ColumnElement[bool]:
    return and_(
        Assignment.checklist_id == checklist_id,
        Assignment.status == Status.APPROVED,
        Visit.visited_on.between(first, last),
    )


def _raw_totals(checklist_id: int, first: date, last: date) -> Select:
    """Per store: visits, Σ overall, overall scores counted, critical failures of [first, last]."""
    return (
        select(
            Assignment.store_id,
            func.count(Visit.id),
            func.coalesce(func.sum(Visit.overall), 0.0),
            func.count(Visit.overall),
            func.sum(case((Visit.critical_failure, 1), else_=0)),
        )
        .join(Visit.assignment)
        .where(_approved_between(checklist_id, first, last))
        .group_by(Assignment.store_id)
    )


def _add_raw(
    sums: PeriodSums, checklist_id: int, first: date, last: date, layout: Layout | None
) -> None:
    """Add the sums of the approved visits of [first, last], grouped in SQL by store."""
    where = _approved_between(checklist_id, first, last)
    _add_totals(sums, _rows(_raw_totals(checklist_id, first, last)))
    if layout is None:
        return
    _scatter(
        sums.sections,
        layout.stores,
        layout.sections,
        _rows(
            select(
                Assignment.store_id,
                VisitSectionScore.section_code,
                *SectionSums(
                    score=func.sum(VisitSectionScore.score),
                    count=func.count(VisitSectionScore.score),
                ),
            )
            .join(VisitSectionScore.visit)
            .join(Visit.assignment)
            .where(where, VisitSectionScore.score.is_not(None))
            .group_by(Assignment.store_id, VisitSectionScore.section_code)
        ),
    )
    _scatter(
        sums.questions,
        layout.stores,
        layout.questions,
        _rows(
            select(
                Assignment.store_id,
                VisitQuestionScore.question_code,
                *QuestionSums(
                    earned=func.sum(VisitQuestionScore.earned),
                    possible=func.sum(VisitQuestionScore.possible),
                    counted=func.count(),
                    fails=func.sum(
                        case((VisitQuestionScore.earned < VisitQuestionScore.possible, 1), else_=0)
                    ),
                ),
            )
            .join(VisitQuestionScore.visit)
            .join(Visit.assignment)
            .where(where, VisitQuestionScore.counted.is_(True))
            .group_by(Assignment.store_id, VisitQuestionScore.question_code)
        ),
    )


def _add_months(
    sums: PeriodSums, checklist_id: int, first: date, last: date, layout: Layout | None
) -> None:
    """Add the stored monthly sums of the months from ``first`` to ``last`` (first days)."""
    _add_totals(
        sums,
        _rows(
            select(
                StoreMonthTotal.store_id,
                func.sum(StoreMonthTotal.visits),
                func.sum(StoreMonthTotal.overall_sum),
                func.sum(StoreMonthTotal.overall_count),
                func.sum(StoreMonthTotal.critical_failures),
            )
            .where(
                StoreMonthTotal.checklist_id == checklist_id,
                StoreMonthTotal.month.between(first, last),
            )
            .group_by(StoreMonthTotal.store_id)
        ),
    )
    if layout is None:
        return
    if first != last:
        _add_running(sums, layout, checklist_id, first, last)
        return
    # One month: its packed rows as they are, one per store.
    _add_details(
        sums,
        layout,
        _rows(
            select(
                StoreMonthDetail.store_id, StoreMonthDetail.sections, StoreMonthDetail.questions
            ).where(StoreMonthDetail.checklist_id == checklist_id, StoreMonthDetail.month == first)
        ),
    )


def _add_running(
    sums: PeriodSums, layout: Layout, checklist_id: int, first: date, last: date
) -> None:
    """Add the section and question sums of the months ``first``–``last`` from the running sums.

    Two rows per store whatever the number of months: the running sums at the
    last month (or the horizon, if no later month has sums) less those at the
    month before the first. Sums of points and scores that are exact in binary
    (whole points, halves, 87.5 %) stay exact through the difference; others
    (66.67 %) differ from a sum of the visits in the last bits only, as any
    other order of adding would.
    """
    newest = aggregates.horizon(checklist_id)
    if newest is None or newest < first:
        return

    def at(month: date) -> list[Sequence[Any]]:
        return _rows(
            select(
                StoreRunningDetail.store_id,
                StoreRunningDetail.sections,
                StoreRunningDetail.questions,
            ).where(
                StoreRunningDetail.checklist_id == checklist_id, StoreRunningDetail.month == month
            )
        )

    until = at(min(last, newest))
    _add_details(sums, layout, until)
    series = {store_id for store_id, _, _ in until}
    before = [
        (store_id, sections, questions)
        for store_id, sections, questions in at(aggregates.previous_month(first))
        if store_id in series
    ]
    _add_details(sums, layout, before, sign=-1)


def period_sums(
    checklist_id: int, first_day: date, last_day: date, layout: Layout | None = None
) -> PeriodSums:
    """Each store's sums over the approved visits of the period.

    With a ``layout``, the section and question sums too, placed by it;
    without, only visits, overall scores and critical failures (what the
    previous period's change needs).
    """
    sums = PeriodSums.empty(layout)
    months, edges = split_period(first_day, last_day)
    if months is not None:
        _add_months(sums, checklist_id, *months, layout)
    for first, last in edges:
        month, end = first.replace(day=1), aggregates.month_end(first)
        inside = (last - first).days + 1
        if layout is None and last <= end and inside > (end - month).days + 1 - inside:
            # Most of one month (the previous period of a 30-day month): its
            # stored totals less the few days outside, rather than reading a
            # month of visits. Totals only: a difference may differ from the
            # plain sum in the last bits, which must never break a tie of ranks.
            _add_months(sums, checklist_id, month, month, None)
            for outside in ((month, first - timedelta(days=1)), (last + timedelta(days=1), end)):
                if outside[0] <= outside[1]:
                    _add_totals(sums, _rows(_raw_totals(checklist_id, *outside)), sign=-1)
        else:
            _add_raw(sums, checklist_id, first, last, layout)
    if layout is not None:
        # A code no answer counts for has no sums (a difference may leave
        # a trace in the last bits of the others).
        sums.sections[sums.sections[..., SECTION.count] == 0] = 0.0
        sums.questions[sums.questions[..., QUESTION.counted] == 0] = 0.0
    return sums


def _trend(checklist_id: int, last_day: date, region: str | None) -> list[TrendPoint]:
    """The chain's and the competitors' score per month over the last 12 months.

    Each is the mean of the store scores of the month (a store's score being
    its Σ overall / visits scored), averaged in SQL: 24 numbers come back,
    not 24,000 rows.
    """
    last_month = last_day.replace(day=1)
    first_month = last_month
    for _ in range(TREND_MONTHS - 1):
        first_month = aggregates.previous_month(first_month)
    statement = (
        select(
            StoreMonthTotal.month,
            Store.competitor,
            func.avg(StoreMonthTotal.overall_sum / StoreMonthTotal.overall_count),
        )
        .join(Store, Store.id == StoreMonthTotal.store_id)
        .where(
            StoreMonthTotal.checklist_id == checklist_id,
            StoreMonthTotal.month.between(first_month, last_month),
            StoreMonthTotal.overall_count > 0,
        )
        .group_by(StoreMonthTotal.month, Store.competitor)
    )
    if region:
        statement = statement.where(Store.region == region)
    means: dict[tuple[date, bool], float] = {
        (month, bool(competitor)): float(score)
        for month, competitor, score in db.session.execute(statement)
    }
    points = []
    month = first_month
    while month <= last_month:
        points.append(TrendPoint(month, means.get((month, False)), means.get((month, True))))
        month = aggregates.next_month(month)
    return points


def checklist_structure(checklist: Checklist) -> tuple[list[SectionInfo], list[QuestionInfo]]:
    """Sections and questions of all published versions, matched by code, newest wording
    first, in the reader's language where the checklist is translated into it."""
    sections: dict[str, SectionInfo] = {}
    questions: dict[str, QuestionInfo] = {}
    for version in reversed(checklist.published_versions):
        document = checklists.parse_version(version)
        for section in document.sections:
            sections.setdefault(section.code, SectionInfo(section.code, section.title))
            for question in section.questions:
                if not question.scored:
                    continue
                questions.setdefault(
                    question.code,
                    QuestionInfo(
                        question.code,
                        section.code,
                        question.text,
                        question.standard,
                        question.type,
                    ),
                )
    return list(sections.values()), list(questions.values())


def _stores(region: str | None) -> tuple[dict[int, StoreInfo], set[int]]:
    """The stores (of the region) by id, and the ids of the active ones."""
    statement = select(
        Store.id, Store.code, Store.name, Store.region, Store.competitor, Store.active
    )
    if region:
        statement = statement.where(Store.region == region)
    stores, active = {}, set()
    for store_id, code, name, region_name, competitor, is_active in _rows(statement):
        stores[store_id] = StoreInfo(code, name, region_name, bool(competitor))
        if is_active:
            active.add(store_id)
    return stores, active


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a report makes its ~100,000 small objects.

    Also a decorator, for the views that build and render a report.

    They hold no cycles (reference counting frees them), but their number sets
    off full collections that cost a quarter of the time at chain scale. The
    collector is on again afterwards whatever happens (and never left off by
    a thread that found it off).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build(query: ComparisonQuery) -> Comparison:
    """The comparison of ``query``, every figure by spec/scoring.md."""
    with cycle_collector_paused():
        return _build(query)


def _build(query: ComparisonQuery) -> Comparison:
    checklist = get_checklist(query.checklist)
    sections, questions = checklist_structure(checklist)
    stores, active = _stores(query.region)
    layout = Layout(
        {store_id: row for row, store_id in enumerate(stores)},
        {s.code: column for column, s in enumerate(sections)},
        {q.code: column for column, q in enumerate(questions)},
    )
    current = period_sums(checklist.id, query.first_day, query.last_day, layout)
    previous = period_sums(
        checklist.id, *rules.previous_period(query.first_day, query.last_day, query.compare)
    )
    # Inactive stores show only for the periods they have visits in.
    shown = [
        info
        for store_id, info in stores.items()
        if store_id in active or store_id in current.totals
    ]
    return rules.compare(
        checklist=checklist.code,
        # In the reader's language, as its sections and questions.
        title=(
            checklists.version_title(checklist.latest_published)
            if checklist.latest_published is not None
            else checklist.title
        ),
        first_day=query.first_day,
        last_day=query.last_day,
        region=query.region,
        competitors_included=query.competitors,
        sections=sections,
        questions=questions,
        stores=shown,
        current={stores[i].code: s for i, s in current.totals.items() if i in stores},
        previous={stores[i].code: s for i, s in previous.totals.items() if i in stores},
        trend=_trend(checklist.id, query.last_day, query.region),
        details=Details(
            {stores[store_id].code: row for store_id, row in layout.stores.items()},
            current.sections,
            current.questions,
        ),
        compare_with=query.compare,
        targets=target_rules.from_stored(checklist.targets),
    )


def readable_store_codes(person: Person) -> set[str]:
    """The codes of the stores whose results ``person`` may read (a manager: their own)."""
    return set(db.session.execute(scope.visible_to(person, select(Store.code))).scalars())


def for_reader(comparison: Comparison, person: Person, store: str | None = None) -> Comparison:
    """``comparison`` as ``person`` may read it, in every format (api.md, "Roles").

    The stores listed are those the person may read (a store manager: their own
    stores); ``store`` (a code) lists that one store only. The chain's, regions',
    competitors' and questions' figures stay those of the whole chain. A store
    the person may not read is not found, as if it did not exist.
    """
    readable = readable_store_codes(person)
    code = (store or "").strip() or None
    if code is not None:
        if code not in readable:
            raise NotFound(N_("There is no store %(code)s."), {"code": code})
        readable = {code}
    listed = tuple(row for row in comparison.stores if row.store.code in readable)
    not_visited = tuple(info for info in comparison.not_visited if info.code in readable)
    if len(listed) == len(comparison.stores) and len(not_visited) == len(comparison.not_visited):
        return comparison
    return replace(comparison, stores=listed, not_visited=not_visited)


def for_reader_pdf(comparison: Comparison, person: Person, store: str | None = None) -> Comparison:
    """What a PDF is made of: one store's report (``store``) reads the whole chain's
    comparison once the store is known to be the reader's (its rank and the chain's
    figures need every store); otherwise the stores ``person`` may read."""
    readable = for_reader(comparison, person, store)
    return comparison if (store or "").strip() else readable
