"""Keeps the monthly sums of approved visits: added on approval, taken back on withdrawal."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from shopper.extensions import db
from shopper.models import StoreMonthQuestion, StoreMonthSection, StoreMonthTotal, Visit


def month_of(day: date) -> date:
    """The first day of ``day``'s month: the key of the monthly sums."""
    return day.replace(day=1)


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
    key = {
        "checklist_id": assignment.checklist_id,
        "month": month_of(visit.visited_on),
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
    _upsert(
        StoreMonthSection,
        ["checklist_id", "month", "store_id", "section_code"],
        [
            {
                **key,
                "section_code": s.section_code,
                "score_sum": sign * s.score,
                "score_count": sign,
            }
            for s in visit.section_scores
            if s.score is not None
        ],
        ["score_sum", "score_count"],
    )
    _upsert(
        StoreMonthQuestion,
        ["checklist_id", "month", "store_id", "question_code"],
        [
            {
                **key,
                "question_code": q.question_code,
                "earned": sign * (q.earned or 0.0),
                "possible": sign * q.possible,
                "counted": sign,
                "fails": sign * int((q.earned or 0.0) < q.possible),
            }
            for q in visit.question_scores
            if q.counted
        ],
        ["earned", "possible", "counted", "fails"],
    )
