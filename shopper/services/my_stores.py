"""A store manager's stores at a glance: each one's latest results and open actions.

For each store the manager runs, the month of its latest approved visit is
compared with the whole chain (``comparisons.build``): the store's score and
rank, the chain's and its region's scores, the checklist's target, and the
store's open and overdue actions (``actions.counts_by_store``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from shopper.domain.comparison import Comparison
from shopper.domain.policy import Person
from shopper.domain.workflow import Status
from shopper.extensions import db
from shopper.models import Assignment, Checklist, Store, Visit
from shopper.services import actions, aggregates, comparisons, scope
from shopper.services.comparisons import ComparisonQuery


@dataclass(frozen=True)
class StoreStanding:
    """One store's latest month against the chain, its region and the target."""

    store: Store
    checklist: str | None  # the code of the checklist of its latest approved visit
    title: str
    first_day: date | None
    last_day: date | None
    score: float | None
    rank: int | None
    ranked: int  # how many stores have a rank that month
    visits: int
    chain: float | None
    region: float | None
    target: float | None
    open_actions: int
    overdue_actions: int

    @property
    def below_target(self) -> bool:
        """True when the store has a score and the checklist a target it misses."""
        return self.score is not None and self.target is not None and self.score < self.target

    def query(self) -> dict[str, str]:
        """The comparison query of this month, for links to the store's pages and files."""
        if self.checklist is None or self.first_day is None or self.last_day is None:
            return {}
        return {
            "checklist": self.checklist,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
        }


def _latest_visits(person: Person) -> dict[int, tuple[str, date]]:
    """Per store of the manager: the checklist code and day of its latest approved visit."""
    latest = (
        select(Assignment.store_id, func.max(Visit.visited_on).label("day"))
        .join(Visit, Visit.assignment_id == Assignment.id)
        .where(Assignment.status == Status.APPROVED, Visit.visited_on.is_not(None))
        .group_by(Assignment.store_id)
        .subquery()
    )
    rows = db.session.execute(
        scope.visible_to(
            person,
            select(Assignment.store_id, Checklist.code, Visit.visited_on)
            .join(Visit, Visit.assignment_id == Assignment.id)
            .join(Checklist, Checklist.id == Assignment.checklist_id)
            .join(
                latest,
                (latest.c.store_id == Assignment.store_id) & (latest.c.day == Visit.visited_on),
            )
            .where(Assignment.status == Status.APPROVED)
            .order_by(Visit.id),
        )
    )
    return {store_id: (code, day) for store_id, code, day in rows}


def _target(checklist: Checklist) -> float | None:
    value = (checklist.targets or {}).get("overall")
    return float(value) if isinstance(value, int | float) else None


def standings(person: Person, today: date) -> list[StoreStanding]:
    """The manager's stores, by code, each with its latest month's results and actions."""
    stores = list(
        db.session.execute(scope.visible_to(person, select(Store).order_by(Store.code))).scalars()
    )
    latest = _latest_visits(person)
    counts = actions.counts_by_store([store.id for store in stores], today)
    built: dict[tuple[str, date], tuple[Comparison, float | None]] = {}
    result = []
    for store in stores:
        count = counts.get(store.id, actions.StoreActionCounts())
        found = latest.get(store.id)
        if found is None:
            result.append(
                StoreStanding(
                    store,
                    None,
                    "",
                    None,
                    None,
                    None,
                    None,
                    0,
                    0,
                    None,
                    None,
                    None,
                    count.open,
                    count.overdue,
                )  # fmt: skip
            )
            continue
        code, day = found
        first_day = day.replace(day=1)
        if (code, first_day) not in built:
            checklist = db.session.execute(
                select(Checklist).where(Checklist.code == code)
            ).scalar_one()
            query = ComparisonQuery(code, first_day, aggregates.month_end(day))
            built[(code, first_day)] = (comparisons.build(query), _target(checklist))
        comparison, target = built[(code, first_day)]
        row = next((r for r in comparison.stores if r.store.code == store.code), None)
        region = next((r.score for r in comparison.regions if r.region == store.region), None)
        result.append(
            StoreStanding(
                store=store,
                checklist=code,
                title=comparison.title,
                first_day=comparison.first_day,
                last_day=comparison.last_day,
                score=row.score if row else None,
                rank=row.rank if row else None,
                ranked=sum(1 for r in comparison.stores if r.score is not None),
                visits=row.visits if row else 0,
                chain=comparison.chain_score,
                region=region,
                target=target,
                open_actions=count.open,
                overdue_actions=count.overdue,
            )
        )
    return result
