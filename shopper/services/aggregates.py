"""Keeps the sums of approved visits: added on approval, taken back on withdrawal.

Two kinds, both per checklist and store: the sums of each month
(``StoreMonth*``), and for sections and questions the running sums up to each
month (``StoreRunning*``), so that a comparison over many months reads two
rows per store and question instead of one per month.

The running sums are dense: every series (checklist, store, code) has a row
for each month from its first one to the checklist's horizon, the newest month
of its monthly sums. A visit in a month past the horizon first carries every
series forward to that month.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Table, and_, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from shopper.extensions import db
from shopper.models import (
    Checklist,
    StoreMonthQuestion,
    StoreMonthSection,
    StoreMonthTotal,
    StoreRunningQuestion,
    StoreRunningSection,
    Visit,
)

# (table, the code column, the summed columns)
RUNNING: tuple[tuple[Table, str, tuple[str, ...]], ...] = (
    (StoreRunningSection.__table__, "section_code", ("score_sum", "score_count")),
    (
        StoreRunningQuestion.__table__,
        "question_code",
        ("earned", "possible", "counted", "fails"),
    ),
)


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


def horizon(checklist_id: int) -> date | None:
    """The newest month with sums of this checklist (its running sums reach it)."""
    return db.session.execute(
        select(func.max(StoreMonthTotal.month)).where(StoreMonthTotal.checklist_id == checklist_id)
    ).scalar()


def _carry_forward(checklist_id: int, until: date, old_horizon: date | None) -> None:
    """Copy every running series' row of the horizon into each month up to ``until``."""
    if old_horizon is None:
        return
    for table, code, names in RUNNING:
        columns = ["checklist_id", "store_id", code, *names]
        month = old_horizon
        while month < until:
            following = next_month(month)
            source = select(
                *(table.c[name] for name in columns),
                bindparam("following", following, type_=table.c.month.type),
            ).where(table.c.checklist_id == checklist_id, table.c.month == month)
            db.session.execute(insert(table).from_select([*columns, "month"], source))
            month = following


def _add_running(
    checklist_id: int,
    store_id: int,
    month: date,
    last_month: date,
    table: Table,
    code_column: str,
    deltas: dict[str, dict[str, float]],
) -> None:
    """Add ``deltas`` (code → column → amount) to a store's series from ``month`` on."""
    if not deltas:
        return
    code = table.c[code_column]
    series = and_(table.c.checklist_id == checklist_id, table.c.store_id == store_id)
    starts = dict(
        db.session.execute(
            select(code, func.min(table.c.month))
            .where(series, code.in_(list(deltas)))
            .group_by(code)
        ).all()
    )
    names = list(next(iter(deltas.values())))
    db.session.execute(
        update(table)
        .where(series, code == bindparam("b_code"), table.c.month >= month)
        .values({name: table.c[name] + bindparam(f"b_{name}") for name in names}),
        [
            {"b_code": key, **{f"b_{name}": amount for name, amount in values.items()}}
            for key, values in deltas.items()
        ],
    )
    rows = []
    for key, values in deltas.items():
        start = starts.get(key)
        if isinstance(start, str):  # SQLite hands back dates of aggregates as text
            start = date.fromisoformat(start)
        # Months before the series began (or all, for a new one) start from these amounts.
        end = previous_month(start) if start is not None else last_month
        rows.extend(
            {"checklist_id": checklist_id, "store_id": store_id, code_column: key, "month": m}
            | values
            for m in months_between(month, end)
        )
    if rows:
        db.session.execute(insert(table), rows)


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


def apply_visit(visit: Visit, sign: int) -> None:
    """Add (``sign=1``) or take back (``sign=-1``) one approved visit's figures."""
    assignment = visit.assignment
    # One approval at a time per checklist: the running sums of one visit
    # depend on the rows another could be adding (PostgreSQL; SQLite has one writer).
    db.session.execute(
        select(Checklist.id).where(Checklist.id == assignment.checklist_id).with_for_update()
    )
    month = month_of(visit.visited_on)
    old_horizon = horizon(assignment.checklist_id)
    last_month = max(month, old_horizon) if old_horizon else month
    if old_horizon is not None and month > old_horizon:
        _carry_forward(assignment.checklist_id, month, old_horizon)
    key = {
        "checklist_id": assignment.checklist_id,
        "month": month,
        "store_id": assignment.store_id,
    }
    has_overall = visit.overall is not None
    _upsert(
        StoreMonthTotal,
        ["checklist_id", "month", "store_id"],
        [
            {
                **key,
                "visits": sign,
                "overall_sum": sign * (visit.overall or 0.0),
                "overall_count": sign * int(has_overall),
                "critical_failures": sign * int(visit.critical_failure),
            }
        ],
        ["visits", "overall_sum", "overall_count", "critical_failures"],
    )
    sections = {
        s.section_code: {"score_sum": sign * s.score, "score_count": sign}
        for s in visit.section_scores
        if s.score is not None
    }
    questions = {
        q.question_code: {
            "earned": sign * (q.earned or 0.0),
            "possible": sign * q.possible,
            "counted": sign,
            "fails": sign * int((q.earned or 0.0) < q.possible),
        }
        for q in visit.question_scores
        if q.counted
    }
    _upsert(
        StoreMonthSection,
        ["checklist_id", "month", "store_id", "section_code"],
        [{**key, "section_code": code, **sums} for code, sums in sections.items()],
        ["score_sum", "score_count"],
    )
    _upsert(
        StoreMonthQuestion,
        ["checklist_id", "month", "store_id", "question_code"],
        [{**key, "question_code": code, **sums} for code, sums in questions.items()],
        ["earned", "possible", "counted", "fails"],
    )
    for table, code_column, deltas in (
        (StoreRunningSection.__table__, "section_code", sections),
        (StoreRunningQuestion.__table__, "question_code", questions),
    ):
        _add_running(
            assignment.checklist_id,
            assignment.store_id,
            month,
            last_month,
            table,
            code_column,
            deltas,
        )
