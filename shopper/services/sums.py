"""Checking and rebuilding the kept sums from the approved visits (after a restore, after a bug).

The sums are recomputed with the definition approval uses (each visit's
``aggregates.contribution``, added up by ``Totals.plus`` and
``DetailSums.add``), and compared with what is kept: the monthly totals, the
monthly section and question sums, and the running sums of every store up to
each month. A sum that is missing counts as zero, so a month emptied by a
withdrawn approval matches; floats match to a few parts in a billion,
whatever the order they were added in.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, select, union

from shopper.domain.i18n import N_
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
from shopper.services import aggregates
from shopper.services.aggregates import (
    DetailSums,
    Totals,
    details_row,
    month_of,
    months_between,
    totals_row,
)
from shopper.services.errors import NotFound

Key = tuple[date, int]  # (month, store id)


@dataclass(frozen=True)
class Difference:
    """One kept figure that is not what the approved visits add up to."""

    checklist: str
    store: str
    month: date
    what: str
    kept: object
    recomputed: object

    def __str__(self) -> str:
        return (
            f"{self.checklist} · store {self.store} · {self.month:%Y-%m} · {self.what}: "
            f"kept {_show(self.kept)}, recomputed {_show(self.recomputed)}"
        )


@dataclass
class Report:
    """What a check (or a rebuild) found: every sum compared and the ones that differ."""

    compared: int = 0
    differences: list[Difference] = field(default_factory=list)


@dataclass
class _Sums:
    """A checklist's sums, kept or recomputed."""

    totals: dict[Key, Totals] = field(default_factory=dict)
    details: dict[Key, DetailSums] = field(default_factory=dict)
    running: dict[Key, DetailSums] = field(default_factory=dict)


def _show(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def _same(kept: Any, recomputed: Any) -> bool:
    if kept is None or recomputed is None:
        return kept is recomputed
    if isinstance(kept, list | tuple):
        return len(kept) == len(recomputed) and all(map(_same, kept, recomputed))
    return math.isclose(kept, recomputed, rel_tol=1e-9, abs_tol=1e-6)


def checklists(code: str | None = None) -> list[Checklist]:
    """The checklists to look at: the one with ``code``, or all (NotFound for an unknown code)."""
    statement = select(Checklist).order_by(Checklist.code)
    if code is not None:
        statement = statement.where(Checklist.code == code)
    found = list(db.session.execute(statement).scalars())
    if code is not None and not found:
        raise NotFound(N_("There is no checklist %(code)s."), {"code": code})
    return found


# Stores compared (or rebuilt) per pass: memory stays bounded whatever the chain's size.
STORES_PER_PASS = 50


def _grouped(rows: Iterable[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.visit_id].append(row)
    return grouped


def _approved(checklist_id: int) -> tuple[Any, ...]:
    return (Assignment.checklist_id == checklist_id, Assignment.status == Status.APPROVED)


def _month(value: date | str | None) -> date | None:
    """A month as a date (SQLite hands back dates of aggregates as text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _horizons(checklist_id: int) -> tuple[date | None, date | None]:
    """The newest month of the kept sums, and of the approved visits."""
    newest_visit = db.session.execute(
        select(func.max(Visit.visited_on)).join(Visit.assignment).where(*_approved(checklist_id))
    ).scalar()
    newest_visit = _month(newest_visit)
    return (
        _month(aggregates.horizon(checklist_id)),
        month_of(newest_visit) if newest_visit else None,
    )


def _store_passes(checklist_id: int) -> list[list[int]]:
    """The stores with kept sums or approved visits of the checklist, a pass's worth each."""
    with_sums = [
        select(model.store_id).where(model.checklist_id == checklist_id)
        for model in (StoreMonthTotal, StoreMonthDetail, StoreRunningDetail)
    ]
    with_visits = select(Assignment.store_id).where(*_approved(checklist_id))
    ids = sorted(set(db.session.execute(union(*with_sums, with_visits)).scalars()))
    return [ids[i : i + STORES_PER_PASS] for i in range(0, len(ids), STORES_PER_PASS)]


def recompute(checklist_id: int, store_ids: list[int], horizon: date | None) -> _Sums:
    """These stores' sums as their approved visits add up, by approval's own definitions.

    Running sums reach ``horizon``.
    """
    approved = (*_approved(checklist_id), Assignment.store_id.in_(store_ids))
    visits = db.session.execute(
        select(
            Visit.id, Visit.visited_on, Visit.overall, Visit.critical_failure, Assignment.store_id
        )
        .join(Visit.assignment)
        .where(*approved)
    ).all()
    sections = _grouped(
        db.session.execute(
            select(
                VisitSectionScore.visit_id, VisitSectionScore.section_code, VisitSectionScore.score
            )
            .join(VisitSectionScore.visit)
            .join(Visit.assignment)
            .where(*approved)
        )
    )
    questions = _grouped(
        db.session.execute(
            select(
                VisitQuestionScore.visit_id,
                VisitQuestionScore.question_code,
                VisitQuestionScore.counted,
                VisitQuestionScore.earned,
                VisitQuestionScore.possible,
            )
            .join(VisitQuestionScore.visit)
            .join(Visit.assignment)
            .where(*approved)
        )
    )
    result = _Sums()
    for visit in visits:
        share = aggregates.contribution(
            visit.visited_on,
            visit.overall,
            visit.critical_failure,
            sections.get(visit.id, []),
            questions.get(visit.id, []),
        )
        key = (share.month, visit.store_id)
        result.totals[key] = result.totals.get(key, Totals()).plus(share.totals)
        result.details.setdefault(key, DetailSums()).add(share.details)
    if horizon is not None:
        _running(result, horizon)
    return result


def _running(result: _Sums, horizon: date) -> None:
    """Fill in each store's running sums from its first month to ``horizon``."""
    by_store: dict[int, dict[date, DetailSums]] = defaultdict(dict)
    for (month, store_id), sums in result.details.items():
        by_store[store_id][month] = sums
    for store_id, months in by_store.items():
        running = DetailSums()
        for month in months_between(min(months), horizon):
            if month in months:
                running.add(months[month])
            result.running[(month, store_id)] = running.copy()


def kept(checklist_id: int, store_ids: list[int]) -> _Sums:
    """These stores' sums of the checklist as they are kept."""
    result = _Sums()
    for row in db.session.execute(
        select(StoreMonthTotal).where(
            StoreMonthTotal.checklist_id == checklist_id, StoreMonthTotal.store_id.in_(store_ids)
        )
    ).scalars():
        result.totals[(row.month, row.store_id)] = Totals(
            **{name: getattr(row, name) for name in aggregates.TOTALS}
        )
    for model, into in ((StoreMonthDetail, result.details), (StoreRunningDetail, result.running)):
        for row in db.session.execute(
            select(model.month, model.store_id, model.sections, model.questions).where(
                model.checklist_id == checklist_id, model.store_id.in_(store_ids)
            )
        ):
            into[(row.month, row.store_id)] = DetailSums.unpacked(row.sections, row.questions)
    return result


def _cumulative(running: dict[Key, DetailSums]) -> Any:
    """The running sums at any (month, store): nothing before a store's series, its last after."""
    series: dict[int, tuple[date, date]] = {}
    for month, store_id in running:
        first, last = series.get(store_id, (month, month))
        series[store_id] = (min(first, month), max(last, month))

    def at(key: Key) -> DetailSums:
        month, store_id = key
        if key in running:
            return running[key]
        first, last = series.get(store_id, (None, None))
        if first is None or month < first:
            return DetailSums()
        return running[(last, store_id)]

    return at


def compare(checklist: Checklist) -> Report:
    """Every kept sum of the checklist against its recomputation: the differences.

    Running sums are compared up to the newest month of either, a missing row
    counting as nothing.
    """
    newest = [month for month in _horizons(checklist.id) if month is not None]
    report = Report()
    for store_ids in _store_passes(checklist.id):
        _compare(checklist, store_ids, max(newest) if newest else None, report)
    return report


def _compare(
    checklist: Checklist, store_ids: list[int], reach: date | None, report: Report
) -> None:
    have, want = kept(checklist.id, store_ids), recompute(checklist.id, store_ids, reach)
    stores = dict(
        db.session.execute(select(Store.id, Store.code).where(Store.id.in_(store_ids))).all()
    )

    def differ(key: Key, what: str, kept_value: object, recomputed_value: object) -> None:
        report.compared += 1
        if not _same(kept_value, recomputed_value):
            month, store_id = key
            report.differences.append(
                Difference(
                    checklist.code,
                    stores.get(store_id, str(store_id)),
                    month,
                    what,
                    kept_value,
                    recomputed_value,
                )
            )

    zero = Totals()
    for key in sorted(have.totals.keys() | want.totals.keys()):
        for name in aggregates.TOTALS:
            differ(
                key,
                f"monthly {name.replace('_', ' ')}",
                getattr(have.totals.get(key, zero), name),
                getattr(want.totals.get(key, zero), name),
            )

    def packed(label: str, key: Key, have_sums: DetailSums, want_sums: DetailSums) -> None:
        for part, mine, theirs in (
            ("section", have_sums.sections, want_sums.sections),
            ("question", have_sums.questions, want_sums.questions),
        ):
            for code in sorted(mine.keys() | theirs.keys()):
                differ(key, f"{label} {part} {code}", mine.get(code), theirs.get(code))

    nothing = DetailSums()
    for key in sorted(have.details.keys() | want.details.keys()):
        packed("monthly", key, have.details.get(key, nothing), want.details.get(key, nothing))
    at = _cumulative(want.running)
    for key in sorted(have.running.keys() | want.running.keys()):
        packed("running", key, have.running.get(key, nothing), at(key))


def check(code: str | None = None) -> Report:
    """Compare every kept sum (of one checklist, or all) with the approved visits.

    Read in one snapshot of the database, so that approvals made meanwhile
    cannot show as differences.
    """
    db.session.rollback()
    _snapshot()
    try:
        report = Report()
        for checklist in checklists(code):
            found = compare(checklist)
            report.compared += found.compared
            report.differences += found.differences
        return report
    finally:
        db.session.rollback()


def _snapshot() -> None:
    """Begin a transaction that reads one consistent state of the database."""
    if db.engine.dialect.name == "sqlite":
        db.session.connection().connection.driver_connection.execute("BEGIN")
    else:
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def rebuild(code: str | None = None) -> dict[str, Report]:
    """Rebuild the kept sums from the approved visits; per checklist, what differed.

    One transaction per checklist, holding the lock approvals take, so that an
    approval racing the rebuild is counted exactly once: before (the rebuild
    reads it) or after (it adds to the rebuilt sums). A checklist whose sums
    match is left untouched.
    """
    changed = {}
    for checklist in checklists(code):
        checklist_id = checklist.id
        db.session.commit()
        aggregates.lock_checklist(checklist_id)
        checklist = db.session.get(Checklist, checklist_id)
        found = compare(checklist)
        if found.differences:
            _write(checklist_id)
        db.session.commit()
        changed[checklist.code] = found
    return changed


def _write(checklist_id: int) -> None:
    """Replace the checklist's kept sums with their recomputation, a pass of stores at a time."""
    for model in (StoreMonthTotal, StoreMonthDetail, StoreRunningDetail):
        db.session.execute(delete(model).where(model.checklist_id == checklist_id))
    _, horizon = _horizons(checklist_id)
    for store_ids in _store_passes(checklist_id):
        sums = recompute(checklist_id, store_ids, horizon)
        for model, rows in (
            (
                StoreMonthTotal,
                [totals_row(checklist_id, m, s, totals) for (m, s), totals in sums.totals.items()],
            ),
            (
                StoreMonthDetail,
                [details_row(checklist_id, m, s, d) for (m, s), d in sums.details.items()],
            ),
            (
                StoreRunningDetail,
                [details_row(checklist_id, m, s, d) for (m, s), d in sums.running.items()],
            ),
        ):
            if rows:
                db.session.execute(insert(model), rows)
