"""Keeps the sums of approved visits: added on approval, taken back on withdrawal.

Per checklist and store: the totals of each month (``StoreMonthTotal``), its
section and question sums (``StoreMonthDetail``), and the running section and
question sums up to each month (``StoreRunningDetail``), so that a comparison
over many months reads two rows per store instead of one per month.

The running sums are dense: every store's series has a row for each month
from its first one to the checklist's horizon, the newest month of its
monthly sums. A visit in a month past the horizon first carries every series
forward to that month.

What one approved visit adds to them is ``contribution``, the one
definition of a sum: approval adds it, ``shopper.services.sums`` recomputes
the kept sums with it, the synthetic chain writes it in bulk.

Section and question sums are packed per row (``pack``/``unpack``): code →
``SectionSums`` (Σ score, count) and code → ``QuestionSums`` (Σ earned,
Σ possible, counted, fails), as the sorted codes followed by their fields as
little-endian doubles, so that a report reads the rows of a whole chain into
one array without a Python object per number (``add_packed``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

import numpy as np
import orjson
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from shopper.domain.comparison import CodeSums, QuestionSums, SectionSums, add_sums
from shopper.extensions import db
from shopper.models import (
    Checklist,
    StoreMonthDetail,
    StoreMonthTotal,
    StoreRunningDetail,
    Visit,
)

Sums = Mapping[str, Sequence[float]]  # code → sums, all of one width


_DOUBLES = np.dtype("<f8")


def pack(sums: Sums) -> bytes:
    """code → sums (of one width) as bytes: nothing for no sums, else

    the length of the header (4 bytes, little-endian), the header (the sorted
    codes as a JSON list, padded with spaces so that the numbers start on a
    multiple of 8), then the sums code by code as little-endian doubles,
    exactly as they are.
    """
    if not sums:
        return b""
    codes = sorted(sums)
    header = orjson.dumps(codes)
    header += b" " * (-(len(header) + 4) % 8)
    values = np.array([sums[code] for code in codes], dtype=_DOUBLES)
    return len(header).to_bytes(4, "little") + header + values.tobytes()


def _split(packed: bytes) -> tuple[bytes, bytes]:
    """``pack``'s header and numbers."""
    size = int.from_bytes(packed[:4], "little")
    return packed[4 : 4 + size], packed[4 + size :]


def unpack(packed: bytes | None) -> dict[str, list[float]]:
    """code → sums from ``pack``'s bytes, as lists (counts come back as floats)."""
    if not packed:
        return {}
    header, numbers = _split(packed)
    codes = orjson.loads(header)
    values = np.frombuffer(numbers, dtype=_DOUBLES).reshape(len(codes), -1)
    return dict(zip(codes, values.tolist(), strict=True))


def unpack_as(packed: bytes | None, kind: type[CodeSums]) -> dict[str, CodeSums]:
    """code → sums from ``pack``'s bytes, each a ``kind`` (ValueError if the widths differ)."""
    sums = unpack(packed)
    width = len(kind._fields)
    if sums and len(next(iter(sums.values()))) != width:  # ``pack`` keeps one width per row
        raise ValueError(f"The packed sums are not {kind.__name__}s ({width} fields each).")
    return {code: kind._make(values) for code, values in sums.items()}


def add_packed(
    into: np.ndarray,
    rows: Iterable[tuple[int, bytes | None]],
    columns: Mapping[str, int],
    sign: int = 1,
) -> None:
    """Add (or take away) packed sums into ``into``, an array of rows × columns × sums.

    ``rows`` gives each packed value with its row (at most once per row);
    ``columns`` the column of each code (codes not in it are skipped). All
    the numbers are read as one array and placed at once; per row, only its
    header is looked at (and decoded once per distinct set of codes).
    """
    places: dict[bytes, np.ndarray] = {}  # header → column of each code, -1 if none
    found_rows, found_places, numbers = [], [], []
    for row, packed in rows:
        if not packed:
            continue
        header, row_numbers = _split(packed)
        place = places.get(header)
        if place is None:
            codes = orjson.loads(header)
            place = places[header] = np.array([columns.get(c, -1) for c in codes], dtype=np.intp)
        found_rows.append(row)
        found_places.append(place)
        numbers.append(row_numbers)
    if not numbers:
        return
    _, width, fields = into.shape
    values = np.frombuffer(b"".join(numbers), dtype=_DOUBLES).reshape(-1, fields)
    column = np.concatenate(found_places)
    # One index per (row, column) cell of the rows × columns plane: the fastest placement.
    cell = np.repeat(found_rows, [len(place) for place in found_places]) * width + column
    known = column >= 0
    if not known.all():
        cell, values = cell[known], values[known]
    plane = into.reshape(-1, fields)  # a view: changing it changes ``into``
    if sign == 1:
        plane[cell] += values
    else:
        plane[cell] -= values


def month_of(day: date) -> date:
    """The first day of ``day``'s month: the key of the monthly sums."""
    return day.replace(day=1)


def next_month(month: date) -> date:
    """The first day of the month after ``month``'s."""
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return next_month(day) - timedelta(days=1)


def previous_month(month: date) -> date:
    """The first day of the month before ``month``'s."""
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def months_between(first: date, last: date) -> list[date]:
    """First days of the months from ``first``'s to ``last``'s, both included."""
    months, month = [], month_of(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


class Totals(NamedTuple):
    """A store's monthly totals (``StoreMonthTotal``), or one visit's share of them."""

    visits: int = 0
    overall_sum: float = 0.0
    overall_count: int = 0
    critical_failures: int = 0

    def plus(self, other: Totals, sign: int = 1) -> Totals:
        """These totals with ``other`` added (or, with ``sign=-1``, taken away)."""
        return Totals(
            visits=self.visits + sign * other.visits,
            overall_sum=self.overall_sum + sign * other.overall_sum,
            overall_count=self.overall_count + sign * other.overall_count,
            critical_failures=self.critical_failures + sign * other.critical_failures,
        )


TOTALS = Totals._fields


@dataclass
class DetailSums:
    """Section and question sums by code: of one visit, of a store's month, or of its months so far."""

    sections: dict[str, SectionSums] = field(default_factory=dict)
    questions: dict[str, QuestionSums] = field(default_factory=dict)

    @classmethod
    def unpacked(cls, sections: bytes | None, questions: bytes | None) -> DetailSums:
        """The sums of a kept row, from its packed ``sections`` and ``questions``."""
        return cls(unpack_as(sections, SectionSums), unpack_as(questions, QuestionSums))

    def add(self, other: DetailSums, sign: int = 1) -> None:
        """Add ``other``'s sums (or, with ``sign=-1``, take them away), in place."""
        add_sums(self.sections, other.sections, sign)
        add_sums(self.questions, other.questions, sign)

    def copy(self) -> DetailSums:
        """Another object with the same sums (the sums themselves never change)."""
        return DetailSums(dict(self.sections), dict(self.questions))


@dataclass(frozen=True)
class Contribution:
    """What one approved visit adds to its store's sums: of its month, and running from it on."""

    month: date
    totals: Totals
    details: DetailSums


def contribution(
    visited_on: date,
    overall: float | None,
    critical_failure: bool,
    section_scores: Iterable[Any],
    question_scores: Iterable[Any],
) -> Contribution:
    """One approved visit's share of the kept sums: what a sum is, in one place.

    ``section_scores`` and ``question_scores`` are the visit's score rows
    (``VisitSectionScore``/``VisitQuestionScore`` or anything with their
    column names). Approval adds this (``apply_visit``), ``sums`` recomputes
    the kept sums with it, and the synthetic chain writes it in bulk.
    """
    sections = {
        s.section_code: SectionSums(score=s.score, count=1)
        for s in section_scores
        if s.score is not None
    }
    questions = {}
    for q in question_scores:
        if q.counted:
            earned = q.earned or 0.0
            questions[q.question_code] = QuestionSums(
                earned=earned, possible=q.possible, counted=1, fails=int(earned < q.possible)
            )
    return Contribution(
        month=month_of(visited_on),
        totals=Totals(
            visits=1,
            overall_sum=overall or 0.0,
            overall_count=int(overall is not None),
            critical_failures=int(critical_failure),
        ),
        details=DetailSums(sections, questions),
    )


def visit_contribution(visit: Visit) -> Contribution:
    """One visit's share of the kept sums, from its stored scores."""
    return contribution(
        visit.visited_on,
        visit.overall,
        visit.critical_failure,
        visit.section_scores,
        visit.question_scores,
    )


def totals_row(checklist_id: int, month: date, store_id: int, totals: Totals) -> dict[str, Any]:
    """A ``StoreMonthTotal`` row of these totals."""
    return {"checklist_id": checklist_id, "month": month, "store_id": store_id} | totals._asdict()


def details_row(
    checklist_id: int, month: date, store_id: int, details: DetailSums
) -> dict[str, Any]:
    """A ``StoreMonthDetail`` or ``StoreRunningDetail`` row of these sums, packed."""
    return {
        "checklist_id": checklist_id,
        "month": month,
        "store_id": store_id,
        "sections": pack(details.sections),
        "questions": pack(details.questions),
    }


def horizon(checklist_id: int) -> date | None:
    """The newest month with sums of this checklist (its running sums reach it)."""
    return db.session.execute(
        select(func.max(StoreMonthTotal.month)).where(StoreMonthTotal.checklist_id == checklist_id)
    ).scalar()


def _carry_forward(checklist_id: int, until: date, old_horizon: date | None) -> None:
    """Copy every store's running row of the horizon into each month up to ``until``."""
    if old_horizon is None:
        return
    table = StoreRunningDetail.__table__
    columns = ["checklist_id", "store_id", "sections", "questions"]
    month = old_horizon
    while month < until:
        following = next_month(month)
        source = select(
            *(table.c[name] for name in columns),
            bindparam("following", following, type_=table.c.month.type),
        ).where(table.c.checklist_id == checklist_id, table.c.month == month)
        db.session.execute(insert(table).from_select([*columns, "month"], source))
        month = following


def _add_details(
    checklist_id: int, store_id: int, month: date, details: DetailSums, sign: int
) -> None:
    """Add one visit's section and question sums to its store's month."""
    found = db.session.execute(
        select(StoreMonthDetail).where(
            StoreMonthDetail.checklist_id == checklist_id,
            StoreMonthDetail.month == month,
            StoreMonthDetail.store_id == store_id,
        )
    ).scalar_one_or_none()
    if found is None:
        found = StoreMonthDetail(**details_row(checklist_id, month, store_id, DetailSums()))
        db.session.add(found)
    mine = DetailSums.unpacked(found.sections, found.questions)
    mine.add(details, sign)
    found.sections, found.questions = pack(mine.sections), pack(mine.questions)
    db.session.flush()


def _add_running(
    checklist_id: int,
    store_id: int,
    month: date,
    last_month: date,
    details: DetailSums,
    sign: int,
) -> None:
    """Add one visit's sums to its store's running rows from ``month`` on.

    Months before the series began (all, for a new one) start from these sums alone.
    """
    table = StoreRunningDetail.__table__
    series = (table.c.checklist_id == checklist_id, table.c.store_id == store_id)
    rows = db.session.execute(
        select(table.c.id, table.c.sections, table.c.questions).where(
            *series, table.c.month >= month
        )
    ).all()
    changed = []
    for row in rows:
        mine = DetailSums.unpacked(row.sections, row.questions)
        mine.add(details, sign)
        changed.append(
            {"b_id": row.id, "b_sections": pack(mine.sections), "b_questions": pack(mine.questions)}
        )
    if changed:
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(sections=bindparam("b_sections"), questions=bindparam("b_questions")),
            changed,
        )
    start = db.session.execute(select(func.min(table.c.month)).where(*series)).scalar()
    if isinstance(start, str):  # SQLite hands back dates of aggregates as text
        start = date.fromisoformat(start)
    end = previous_month(start) if start is not None else last_month
    if end < month:
        return
    alone = DetailSums()
    alone.add(details, sign)
    db.session.execute(
        insert(table),
        [details_row(checklist_id, m, store_id, alone) for m in months_between(month, end)],
    )


def _upsert(model: type, keys: list[str], rows: list[dict[str, Any]], sums: list[str]) -> None:
    """Insert rows, or add their sums to the rows already there (one statement)."""
    if not rows:
        return
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(model).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: getattr(model, name) + getattr(statement.excluded, name) for name in sums},
    )
    db.session.execute(statement)


def lock_checklist(checklist_id: int) -> None:
    """Take the lock that approvals, withdrawals and rebuilds of a checklist's sums share.

    PostgreSQL: the checklist's row, FOR UPDATE. SQLite has one writer: a
    transaction that has written holds it already; one that has not begins
    with BEGIN IMMEDIATE, so that it holds it before it reads anything.
    """
    if db.engine.dialect.name == "sqlite":
        driver = db.session.connection().connection.driver_connection
        if not driver.in_transaction:
            driver.execute("BEGIN IMMEDIATE")
        return
    db.session.execute(select(Checklist.id).where(Checklist.id == checklist_id).with_for_update())


def apply_visit(visit: Visit, sign: int) -> None:
    """Add (``sign=1``) or take back (``sign=-1``) one approved visit's figures."""
    assignment = visit.assignment
    # One approval at a time per checklist: the running sums of one visit
    # depend on the rows another could be adding.
    lock_checklist(assignment.checklist_id)
    share = visit_contribution(visit)
    month = share.month
    old_horizon = horizon(assignment.checklist_id)
    last_month = max(month, old_horizon) if old_horizon else month
    if old_horizon is not None and month > old_horizon:
        _carry_forward(assignment.checklist_id, month, old_horizon)
    checklist_id, store_id = assignment.checklist_id, assignment.store_id
    _upsert(
        StoreMonthTotal,
        ["checklist_id", "month", "store_id"],
        [totals_row(checklist_id, month, store_id, Totals().plus(share.totals, sign))],
        list(TOTALS),
    )
    _add_details(checklist_id, store_id, month, share.details, sign)
    _add_running(checklist_id, store_id, month, last_month, share.details, sign)
