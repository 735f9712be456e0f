"""Every route × every role × one's own or someone else's object, against one table.

The table is ``tests/support/authorization.py``. The world below holds one
object of each kind for the signed-in shopper ("own") and one for another
shopper ("other"); each route's arguments are filled from one side or the
other, and each role (and the signed-out visitor) sends every method of every
route (the API twice: with a bearer token, and with the browser's session and
its CSRF header). Reads go first; after each write that went through, the
database is put back as it was, so no request changes what the next one meets.
Every mismatch is listed in one assertion message.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from shopper.access import PUBLIC as PUBLIC_ACCESS
from shopper.domain import policy
from shopper.domain.workflow import Status
from shopper.extensions import db
from shopper.models import Assignment, Role, Store, User, Visit
from shopper.services import accounts, actions, checklists, photos, reviews, visits
from shopper.services.assignments import AssignmentInput, create_assignments
from tests.factories import jpeg, visit_body
from tests.support import snapshots
from tests.support.authorization import (
    DRAFT_VERSION,
    EXPECTED,
    MANAGE,
    READERS,
    Outcome,
    Side,
    expected,
    outcome_of,
    route_keys,
)
from tests.support.web import PASSWORD, csrf_token

# One checklist per shopper, with a question that takes photos.
CHECKLIST = {
    "format": "shopper-checklist/1",
    "title": "Matrix",
    "sections": [
        {
            "code": "welcome",
            "title": "Welcome",
            "questions": [
                {
                    "code": "greeted",
                    "type": "yes_no",
                    "text": "Greeted?",
                    "points": 10,
                    "photo": "optional",
                }
            ],
        }
    ],
}
# Pages' forms carry their CSRF token under their prefix (``revoke-csrf_token``).
FORM_PREFIXES = (
    "",
    "cancel-",
    "edit-",
    "lang-",
    "pw-",
    "reassign-",
    "respond-",
    "revoke-",
    "token-",
    "verify-",
)
ACTORS = {
    Role.COORDINATOR: "coordinator@test.example",
    Role.OWNER: "owner@test.example",
    Role.SHOPPER: "shopper@test.example",  # the "own" shopper
    Role.MANAGER: "manager@test.example",  # runs the "own" side's store
}
OTHER_SHOPPER = "other-shopper@test.example"


@dataclass
class Objects:
    """One object of each kind, all of one shopper's."""

    shopper_email: str
    shopper_id: int
    store: str
    checklist: str
    assignment_id: int
    visit_id: int
    photo_id: int
    action_id: int


@dataclass
class World:
    """Both sides' objects, the people's bearer tokens and spare tokens, an invitation."""

    sides: dict[Side, Objects]
    bearer: dict[str, str] = field(default_factory=dict)  # email → secret
    spare_token: dict[str, int] = field(default_factory=dict)  # email → token id
    invitation: str = ""
    draft_number: int = 0  # the open draft version of both checklists
    snapshot: snapshots.Snapshot = field(default_factory=dict)


def _user(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def _side(code: str, email: str, coordinator: User) -> Objects:
    """A store, a checklist (published, with a draft open), and an approved visit with a photo
    (approved, so that the store's manager may read it)."""
    shopper = _user(email)
    db.session.add(Store(code=code.upper(), name=f"Store {code}", region="Region"))
    db.session.commit()
    checklists.import_document({**CHECKLIST, "code": code}, coordinator)
    checklists.start_draft(checklists.get_checklist(code), coordinator)
    today = date.today()
    assignment = create_assignments(
        [
            AssignmentInput(
                code.upper(),
                code,
                email,
                (today - timedelta(days=3)).isoformat(),
                (today + timedelta(days=7)).isoformat(),
            )
        ],
        coordinator,
    )[0]
    answers = visits.parse_visit_input(visit_body({"greeted": "yes"}, client_id=f"phone-{code}"))
    visit = visits.save_draft(assignment, shopper, answers)
    photo = photos.add_photo(visit, shopper, "greeted", io.BytesIO(jpeg(64, 48)))
    visits.submit(db.session.get(Assignment, assignment.id), shopper, answers)
    reviews.approve(db.session.get(Visit, visit.id), coordinator)
    store = db.session.execute(select(Store).where(Store.code == code.upper())).scalar_one()
    action = actions.open_action(
        coordinator, store=store, title="Fix it", details="", due_on=today + timedelta(days=7)
    )
    return Objects(
        email, shopper.id, code.upper(), code, assignment.id, visit.id, photo.id, action.id
    )


def build_world(app: Flask) -> World:
    """Everyone, both sides' objects, and a snapshot of every table to come back to."""
    with app.app_context():
        for role, email in ACTORS.items():
            if role != Role.MANAGER:
                accounts.create_user(email, role.title(), role, password=PASSWORD)
        accounts.create_user(OTHER_SHOPPER, "Other Shopper", Role.SHOPPER, password=PASSWORD)
        invited = accounts.create_user("invited@test.example", "Invited", Role.SHOPPER)
        coordinator = _user(ACTORS[Role.COORDINATOR])
        world = World(
            sides={
                Side.OWN: _side("list-a", ACTORS[Role.SHOPPER], coordinator),
                Side.OTHER: _side("list-b", OTHER_SHOPPER, coordinator),
            }
        )
        accounts.create_user(
            ACTORS[Role.MANAGER],
            "Manager",
            Role.MANAGER,
            password=PASSWORD,
            stores=[world.sides[Side.OWN].store],
        )
        world.invitation = accounts.invite(invited, 7).secret
        world.draft_number = checklists.get_checklist("list-a").draft.number
        for email in [*ACTORS.values(), OTHER_SHOPPER]:
            user = _user(email)
            world.bearer[email] = accounts.create_token(user, "bearer").secret
            world.spare_token[email] = accounts.create_token(user, "spare").token.id
    world.snapshot = snapshots.take(app)
    return world


def restore(app: Flask, world: World) -> None:
    """Put every table back as it was when the world was built."""
    snapshots.restore(app, world.snapshot)


def argument(
    path: str, name: str, world: World, role: Role | None, side: Side, draft: bool = False
) -> str:
    """The value of one route argument: from ``side``'s objects (the draft's version number)."""
    objects = world.sides[side]
    if name == "number":
        return str(world.draft_number if draft else 1)
    if name == "code":
        return objects.checklist if "/checklists/" in path else objects.store
    if name == "token_id" and path.startswith("/people/"):
        # A person's page revokes that person's tokens: the side's shopper's.
        return str(world.spare_token[objects.shopper_email])
    if name == "token_id":
        owner = ACTORS.get(role, ACTORS[Role.SHOPPER]) if side is Side.OWN else OTHER_SHOPPER
        return str(world.spare_token[owner])
    values = {
        "assignment_id": objects.assignment_id,
        "visit_id": objects.visit_id,
        "photo_id": objects.photo_id,
        "action_id": objects.action_id,
        "user_id": objects.shopper_id,
        "email": objects.shopper_email,
        "secret": world.invitation,
        "filename": "css/app.css",
    }
    if name not in values:
        raise KeyError(f"no fixture object for the argument {name!r} of {path}")
    return str(values[name])


def url_for_case(
    path: str, world: World, role: Role | None, side: Side, draft: bool = False
) -> str:
    """The table's ``/path/{argument}`` with each argument filled."""
    filled = path
    while "{" in filled:
        start = filled.index("{")
        end = filled.index("}", start)
        name = filled[start + 1 : end]
        filled = filled[:start] + argument(path, name, world, role, side, draft) + filled[end + 1 :]
    return filled


def send(client: FlaskClient, method: str, url: str, csrf: str, bearer: str | None) -> TestResponse:
    """One request as a browser (pages, or the API with the session and its CSRF header)
    or a script (the API with a bearer token) sends it, with an empty body."""
    if url.startswith("/api/"):
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {"X-CSRFToken": csrf}
        body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        return client.open(url, method=method, headers=headers, **body)
    if method == "GET":
        return client.get(url)
    data = {f"{prefix}csrf_token": csrf for prefix in FORM_PREFIXES}
    return client.open(url, method=method, data=data)


def _order(case: tuple[str, str, bool]) -> tuple[int, str, str, bool]:
    """Reads first, then writes; signing out last of all."""
    method, path, draft = case
    return (2 if path == "/sign-out" else 0 if method == "GET" else 1, path, method, draft)


def _requests() -> list[tuple[str, str, bool]]:
    """Every row of the table, and the draft version's rows."""
    rows = [(method, path, False) for method, path in EXPECTED]
    rows += [(method, path, True) for method, path in DRAFT_VERSION]
    return sorted(rows, key=_order)


def run_case(app: Flask, world: World, role: Role | None, side: Side) -> list[str]:
    """Every route for one role and side; the mismatches with the table."""
    restore(app, world)
    client = app.test_client()
    email = ACTORS.get(role) if role else None
    if email:
        page = client.get("/sign-in")
        signed_in = client.post(
            "/sign-in",
            data={"csrf_token": csrf_token(page), "email": email, "password": PASSWORD},
        )
        assert signed_in.status_code == 302, email
    csrf = csrf_token(client.get("/account" if email else "/sign-in"))
    bearer = world.bearer[email] if email else None
    surprises = []
    for method, path, draft in _requests():
        rule = (DRAFT_VERSION if draft else EXPECTED)[(method, path)]
        want = expected(rule, role, side)
        url = url_for_case(path, world, role, side, draft)
        # The API answers a script's token and the browser's session alike.
        ways = (
            {"token": bearer, "session": None}
            if path.startswith("/api/") and email
            else {"": bearer}
        )
        for way, token in ways.items():
            response = send(client, method, url, csrf, token)
            got = outcome_of(response, api=path.startswith("/api/"))
            response.close()
            if got is not want:
                surprises.append(
                    f"{method} {url} as {role or 'signed out'} "
                    f"({', '.join(filter(None, [side.value, way]))}): "
                    f"expected {want.value}, got {got.value} ({response.status_code})"
                )
            if method != "GET" and response.status_code < 400:
                restore(app, world)  # the write went through: undo it for the next request
    return surprises


def test_every_route_has_a_row_in_the_table_and_every_row_a_route(app: Flask) -> None:
    routes = {key for rule in app.url_map.iter_rules() for key in route_keys(rule)}
    missing = sorted(routes - EXPECTED.keys())
    stale = sorted((EXPECTED.keys() | DRAFT_VERSION.keys()) - routes)
    assert (missing, stale) == ([], []), (
        f"routes without a row in tests/support/authorization.py: {missing}; "
        f"rows without a route: {stale}"
    )


def declared_access(app: Flask, endpoint: str, method: str) -> frozenset[str] | None:
    """The roles a view declares with ``shopper.access`` for ``method`` (None: nothing)."""
    view = app.view_functions[endpoint]
    if endpoint == "static":
        return PUBLIC_ACCESS  # Flask's own: serves files to everyone
    view_class = getattr(view, "view_class", None)
    if view_class is not None:  # a class-based view declares per method
        view = getattr(view_class, method.lower(), None)
    return getattr(view, "access", None)


def test_the_table_agrees_with_the_roles_each_view_declares(app: Flask) -> None:
    disagreements = []
    for rule in app.url_map.iter_rules():
        for key in route_keys(rule):
            declared = declared_access(app, rule.endpoint, key[0])
            if key not in EXPECTED:
                continue
            table = EXPECTED[key]
            says = "PUBLIC" if table.public else sorted(map(str, table.roles))
            if declared is None:
                views = "nothing"
            else:
                views = "PUBLIC" if declared == PUBLIC_ACCESS else sorted(map(str, declared))
            if says != views:
                disagreements.append(f"{key}: the table says {says}, the view declares {views}")
    assert not disagreements, "\n".join(disagreements)


@dataclass(frozen=True)
class _Person:
    id: int
    role: Role
    managed_store_ids: frozenset[int] = frozenset({1})  # a manager runs the own side's store


@dataclass(frozen=True)
class _Work:
    shopper_id: int
    store_id: int
    status: Status
    last_day: date


def test_the_table_follows_the_policy() -> None:
    """Roles that read or manage are the policy's; row rules say what its functions say."""
    assert READERS.roles == policy.READ_EVERYTHING
    assert MANAGE.roles == policy.MANAGE
    disagreements = []
    for role in Role:
        person = _Person(1, role)
        for side in Side:
            owner_id = person.id if side is Side.OWN else 2
            store_id = 1 if side is Side.OWN else 2
            sent = _Work(owner_id, store_id, Status.APPROVED, date.today())
            open_work = _Work(owner_id, store_id, Status.DRAFT, date.today())
            sees = policy.may_see_assignment(person, sent)
            fills = policy.may_fill_report(person, open_work)
            revokes = policy.may_revoke_token(person, owner_id)
            reads = policy.may_read_checklist_version(person, True, side is Side.OWN)
            drafts = policy.may_read_checklist_version(person, False, side is Side.OWN)
            rows = [
                # The account page revokes one's own tokens; anyone's goes through
                # the person's page, for those whose capabilities say so.
                (
                    "POST",
                    "/account/tokens/{token_id}/revoke",
                    EXPECTED,
                    revokes and side is Side.OWN,
                ),
                (
                    "POST",
                    "/people/{user_id}/tokens/{token_id}/revoke",
                    EXPECTED,
                    revokes and policy.capabilities(person).revoke_any_token,
                ),
                ("GET", "/visits/{assignment_id}", EXPECTED, sees),
                ("GET", "/api/v1/assignments/{assignment_id}", EXPECTED, sees),
                ("GET", "/api/v1/visits/{visit_id}", EXPECTED, sees),
                ("GET", "/api/v1/photos/{photo_id}", EXPECTED, sees),
                ("PUT", "/api/v1/assignments/{assignment_id}/visit", EXPECTED, fills),
                ("POST", "/api/v1/assignments/{assignment_id}/visit/submit", EXPECTED, fills),
                ("POST", "/api/v1/visits/{visit_id}/photos", EXPECTED, fills),
                ("DELETE", "/api/v1/visits/{visit_id}/photos/{photo_id}", EXPECTED, fills),
                ("GET", "/api/v1/checklists/{code}/versions/{number}", EXPECTED, reads),
                ("GET", "/api/v1/checklists/{code}/versions/{number}", DRAFT_VERSION, drafts),
            ]
            for method, path, table, allowed in rows:
                rule = table[(method, path)]
                if role not in rule.roles:
                    continue  # refused by role before any row is looked at
                says = expected(rule, role, side) is Outcome.ALLOWED
                if says != allowed:
                    disagreements.append(
                        f"{method} {path} as {role} ({side.value}): table {says}, policy {allowed}"
                    )
    assert not disagreements, "\n".join(disagreements)


def test_every_route_answers_every_role_as_the_table_says(app: Flask) -> None:
    world = build_world(app)
    cases = [(None, Side.OTHER)] + [(role, side) for role in ACTORS for side in Side]
    surprises = [line for role, side in cases for line in run_case(app, world, role, side)]
    assert not surprises, f"{len(surprises)} surprises:\n" + "\n".join(surprises)
