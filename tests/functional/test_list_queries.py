"""No list runs a query per row: every list page and list endpoint, with few rows and many.

Each list is read with 4 rows of everything (one assignment of each status for
each kind of list), then with 20: the number of SQL statements must not grow.
Every row has its own store, shopper and checklist, so a lazy load per row
cannot hide behind the session's identity map.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from shopper.domain.workflow import Status
from shopper.extensions import db
from shopper.models import Assignment, Role, Store, User, Visit
from shopper.services import accounts, actions, checklists, reviews, visits
from shopper.services.assignments import AssignmentInput, create_assignments
from tests.factories import visit_body
from tests.support import snapshots
from tests.support.web import PASSWORD, AuthActions

FEW, MANY = 4, 20
TODAY = date.today()
PERIOD = f"checklist=common&first_day={TODAY - timedelta(days=40)}&last_day={TODAY}"
SHOPPER = "shopper@test.example"


def _checklist(code: str) -> dict:
    return {
        "format": "shopper-checklist/1",
        "code": code,
        "title": f"Checklist {code}",
        "sections": [
            {
                "code": "welcome",
                "title": "Welcome",
                "questions": [{"code": "q1", "type": "yes_no", "text": "Greeted?", "points": 10}],
            }
        ],
    }


def _assignment(
    store: str, checklist: str, shopper: str, n: int, coordinator: User
) -> Visit | None:
    """One assignment, moved to a status by ``n``: assigned (overdue), submitted, approved, returned."""
    kind = n % 4
    first, last = (TODAY - timedelta(days=10), TODAY - timedelta(days=1))
    if kind:
        first, last = (TODAY - timedelta(days=3), TODAY + timedelta(days=7))
    assignment = create_assignments(
        [AssignmentInput(store, checklist, shopper, first.isoformat(), last.isoformat())],
        coordinator,
    )[0]
    if kind == 0:
        return None
    person = accounts.get_user(shopper)
    body = visits.parse_visit_input(visit_body({"q1": "yes" if n % 3 else "no"}, f"p-{n}"))
    visit, _ = visits.submit(db.session.get(Assignment, assignment.id), person, body)
    if kind == 2:
        reviews.approve(visit, coordinator)
    elif kind == 3:
        reviews.return_to_shopper(visit, coordinator, "Please add the time you left.")
    return visit


def _action(store: str, visit: Visit | None, n: int, coordinator: User) -> None:
    """A follow-up action at the store (about the visit's question when it was approved),
    answered by the store every other row, for the action lists."""
    approved = visit is not None and visit.assignment.status == Status.APPROVED
    action = actions.open_action(
        coordinator,
        store=db.session.execute(select(Store).where(Store.code == store)).scalar_one(),
        title=f"Fix {n}",
        details="",
        due_on=TODAY + timedelta(days=30),
        visit=visit if approved else None,
        question="q1" if approved else None,
    )
    action.due_on = TODAY + timedelta(days=n - 10)  # the first ones overdue by now
    db.session.commit()
    if n % 2:
        actions.respond(action, coordinator, "Done")


def grow(app: Flask, start: int, stop: int) -> None:
    """Rows ``start``…``stop - 1`` of everything each list shows."""
    with app.app_context():
        coordinator = accounts.get_user("coordinator@test.example")
        if start == 0:
            checklists.import_document(_checklist("common"), coordinator)
        for n in range(start, stop):
            code = f"S-{n:02}"
            db.session.add(Store(code=code, name=f"Store {n}", region=f"Region {n % 3}"))
            db.session.commit()
            checklists.import_document(_checklist(f"list-{n:02}"), coordinator)
            accounts.create_user(f"s{n:02}@test.example", f"Shopper {n}", Role.SHOPPER)
            # Someone else's work on its own store and checklist, for the coordinator's lists…
            _assignment(code, f"list-{n:02}", f"s{n:02}@test.example", n, coordinator)
            # … and the signed-in shopper's, on the common checklist the comparison reads
            # (approved ones) or on the row's own.
            visit = _assignment(
                code, "common" if n % 2 == 0 else f"list-{n:02}", SHOPPER, n, coordinator
            )
            _action(code, visit, n, coordinator)


# (role, path): every list page and list endpoint.
LISTS = [
    (Role.COORDINATOR, "/coordinator"),
    (Role.COORDINATOR, "/stores?active=all"),
    (Role.COORDINATOR, "/stores/export.csv"),
    (Role.COORDINATOR, "/people?active=all"),
    (Role.COORDINATOR, "/checklists"),
    (Role.COORDINATOR, "/assignments"),
    (Role.COORDINATOR, "/assignments/export.csv"),
    (Role.COORDINATOR, "/review"),
    (Role.COORDINATOR, "/actions"),
    (Role.COORDINATOR, f"/reports/comparison?{PERIOD}"),
    (Role.OWNER, f"/reports/comparison?{PERIOD}"),
    (Role.OWNER, f"/reports/comparison.csv?{PERIOD}"),
    (Role.SHOPPER, "/shopper"),
    (Role.COORDINATOR, "/api/v1/stores"),
    (Role.COORDINATOR, "/api/v1/users"),
    (Role.COORDINATOR, "/api/v1/checklists"),
    (Role.COORDINATOR, "/api/v1/assignments"),
    (Role.SHOPPER, "/api/v1/assignments"),
    (Role.OWNER, f"/api/v1/comparison?{PERIOD}"),
    (Role.OWNER, "/api/v1/actions"),
    (Role.OWNER, f"/api/v1/comparison.csv?{PERIOD}"),
]


@dataclass
class Worlds:
    """The same world with few rows and with many, and everyone's bearer token."""

    few: snapshots.Snapshot
    many: snapshots.Snapshot
    tokens: dict[Role, str]


# Built once per database (each test's app empties it afterwards): the lists'
# tests put the snapshots back instead of building everything again.
_WORLDS: dict[str, Worlds] = {}


def worlds(app: Flask, database_url: str) -> Worlds:
    """The two snapshots, built by the first test on this database."""
    if database_url not in _WORLDS:
        with app.app_context():
            tokens = {}
            # A store manager needs stores, which grow() makes after: no manager list here.
            for role in (r for r in Role if r != Role.MANAGER):
                user = accounts.create_user(
                    f"{role}@test.example", role.title(), role, password=PASSWORD
                )
                tokens[role] = accounts.create_token(user, "lists").secret
        grow(app, 0, FEW)
        few = snapshots.take(app)
        grow(app, FEW, MANY)
        _WORLDS[database_url] = Worlds(few, snapshots.take(app), tokens)
    return _WORLDS[database_url]


@pytest.mark.parametrize(
    ("role", "path"), LISTS, ids=[f"{role}:{path.split('?')[0]}" for role, path in LISTS]
)
def test_a_list_runs_no_more_queries_for_20_rows_than_for_4(
    app: Flask, database_url: str, client, auth: AuthActions, count_queries, role: Role, path: str
) -> None:
    world = worlds(app, database_url)
    snapshots.restore(app, world.few)
    if path.startswith("/api/"):
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[role]}"
    else:
        assert auth.sign_in(f"{role}@test.example").status_code == 302

    def read() -> bytes:
        response = client.get(path)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return response.get_data()

    # Each count follows a first read: an app's first request runs a few queries
    # once, and a token's first use in a minute is written down.
    read()
    with count_queries() as few:
        few_body = read()
    snapshots.restore(app, world.many)
    read()
    with count_queries() as many:
        many_body = read()
    assert len(many_body) > len(few_body), "the list did not grow with its rows"
    assert len(many) <= len(few), grown(few, many)


def grown(few: list[str], many: list[str]) -> str:
    """The statements that ran more often with many rows than with few, and how often."""
    before, after = Counter(few), Counter(many)
    lines = [f"{len(few)} statements for {FEW} rows, {len(many)} for {MANY}; run more often:"]
    for statement, times in after.items():
        if times > before[statement]:
            lines.append(f"{before[statement]} → {times} × {' '.join(statement.split())[:300]}")
    return "\n".join(lines)
