"""A small chain with a known history: the visits behind the comparison tests.

Five stores (C a competitor, D never visited), two checklist versions, visits
in September, October and November 2026, one of them left unapproved.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from shopper.extensions import db
from shopper.models import StoreMonthDetail, StoreRunningDetail
from shopper.services.aggregates import unpack
from tests.factories import WORKED_EXAMPLE, assign, import_checklist, make_store
from tests.support.web import make_user

V2 = copy.deepcopy(WORKED_EXAMPLE)
V2["sections"][0]["questions"][1]["points"] = 20  # q2 weighs more in version 2
V2["sections"][0]["questions"].append(
    {"code": "q5", "type": "yes_no", "text": "Q5 (new in v2)", "points": 5, "allow_na": True}
)
V2["sections"][1]["title"] = "Checkout (v2)"

# (store, version, visited_on, answers, approved)
VISITS = [
    ("A", 1, "2026-09-10", {"q1": "yes", "q2": 4, "q3": "b", "q4": 7}, True),  # previous period
    ("A", 1, "2026-10-03", {"q1": "yes", "q2": 4, "q3": "b", "q4": 7}, True),
    ("A", 2, "2026-10-20", {"q1": "no", "q2": 5, "q3": "na", "q5": "yes"}, True),  # critical
    ("B", 1, "2026-10-04", {"q1": "yes", "q2": 4, "q3": "b"}, True),
    ("B", 2, "2026-10-21", {"q1": "no", "q2": 5, "q3": "na", "q5": "yes"}, True),  # tie with A
    ("C", 2, "2026-10-15", {"q1": "yes", "q2": 2, "q3": "a", "q5": "na"}, True),  # competitor
    ("E", 2, "2026-10-30", {"q1": "yes", "q2": 3, "q3": "c", "q5": "no"}, True),
    ("E", 2, "2026-10-31", {"q1": "yes", "q2": 5, "q3": "a", "q5": "yes"}, False),  # not approved
    ("E", 2, "2026-11-05", {"q1": "yes", "q2": 1, "q3": "a", "q5": "yes"}, True),  # next month
    ("B", 1, "2026-09-28", {"q1": "yes", "q2": 1, "q3": "c"}, True),  # previous period
]
STORES = {  # code: (region, competitor)
    "A": ("North", False),
    "B": ("North", False),
    "C": ("North", True),
    "D": ("South", False),  # never visited
    "E": ("South", False),
}


def make_history(app, client, auth) -> dict:
    """The visits above, made through the API and reviewed."""
    make_user(app, "coordinator", "coordinator@test.example")
    make_user(app, "shopper", "s@test.example")
    make_user(app, "owner", "o@test.example")
    for code, (region, competitor) in STORES.items():
        make_store(app, code, region, competitor=competitor)
    coordinator = auth.api_token("coordinator@test.example")
    shopper = auth.api_token("s@test.example")
    import_checklist(app)
    ids = {}
    for version in (1, 2):
        if version == 2:
            client.post("/api/v1/checklists", json=V2, headers=coordinator)
        for index, (store, v, day, answers, approved) in enumerate(VISITS):
            if v != version:
                continue
            visited = date.fromisoformat(day)
            assignment = assign(
                app, "s@test.example", store=store, first_day=visited, last_day=visited
            )
            body = {
                "client_id": f"v{index}",
                "visited_on": day,
                "time_in": "10:00",
                "time_out": "10:30",
                "answers": {code: {"value": value} for code, value in answers.items()},
            }
            visit = client.post(
                f"/api/v1/assignments/{assignment}/visit/submit", json=body, headers=shopper
            )
            assert visit.status_code == 200, visit.json
            ids[index] = visit.json["id"]
            if approved:
                client.post(
                    f"/api/v1/visits/{visit.json['id']}/review",
                    json={"decision": "approve"},
                    headers=coordinator,
                )
    return {"owner": auth.api_token("o@test.example"), "coordinator": coordinator, "ids": ids}


def packed_sums() -> dict[str, list[tuple]]:
    """Every row of the monthly and running section and question sums, without ids.

    Floats to 9 decimals; the packed sums unpacked, so that the same sums in
    another order of keys are equal.
    """
    found = {}
    for model in (StoreMonthDetail, StoreRunningDetail):
        found[model.__tablename__] = sorted(
            (
                row.checklist_id,
                str(row.month),
                row.store_id,
                sorted(
                    (part, code, [round(v, 9) for v in values])
                    for part, packed in (("s", row.sections), ("q", row.questions))
                    for code, values in unpack(packed).items()
                ),
            )
            for row in db.session.execute(select(model)).scalars()
        )
    return found


def migrate_down_and_up(revision: str = "0004", between: Callable[[], None] | None = None) -> None:
    """Downgrade to ``revision`` and upgrade again: the sums as the migrations rebuild them.

    ``between`` runs at ``revision``, to look at the tables as they were then.
    """
    db.session.remove()  # no open transaction may hold the tables the migration drops
    downgrade(revision=revision)
    try:
        if between is not None:
            between()
            db.session.remove()
        upgrade()
    finally:
        upgrade()  # whatever happens, the next tests find the whole schema
