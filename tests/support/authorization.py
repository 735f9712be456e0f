"""Who may reach what: the expected answer of every route, for every role, in one table.

``EXPECTED`` maps each route of the app, as ``(METHOD, "/path/{argument}")``, to
its rule. The rules say, in the words of ``shopper.domain.policy`` and api.md:

- ``PUBLIC``: everyone, signed in or not;
- ``ROLES(...)``: these roles; another role gets 403, the signed-out the sign-in
  page (API: 401);
- ``OWN_ONLY(...)``: these roles too, but only on their own objects: someone
  else's assignment, visit, photo, checklist (one they are not assigned) or
  token is not found (404);
- ``HIDDEN(...)``: these roles pass the role check but never see the object
  (a shopper and a checklist's draft version): 404 on any side;
- rules combine with ``|``: ``ROLES(COORDINATOR, OWNER) | OWN_ONLY(SHOPPER)``.

Routes with a version ``{number}`` run twice: with the published version 1
(``EXPECTED``) and with the open draft (``DRAFT_VERSION``).

The table is written out by hand on purpose: a change to who may reach a route
shows up as a change of this table. ``tests/functional/test_authorization_matrix.py``
runs every route against it, and fails on a route the table does not name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from werkzeug.routing import Rule as UrlRule
from werkzeug.test import TestResponse

from shopper.models import Role

SHOPPER = Role.SHOPPER
COORDINATOR = Role.COORDINATOR
OWNER = Role.OWNER
MANAGER = Role.MANAGER  # "own": the stores they run (the acting shopper's side's store)
# The methods Flask adds to every route by itself.
AUTOMATIC_METHODS = frozenset({"HEAD", "OPTIONS"})


class Side(Enum):
    """Whose objects fill the route's arguments."""

    OWN = "own"  # the acting shopper's assignment, visit, photo, checklist; the actor's token
    OTHER = "other"  # another shopper's; another person's token


class Outcome(Enum):
    """What a request may meet, as far as access goes."""

    ALLOWED = "allowed"  # passed access: any answer but 401, 403, 404, sign-in or a 5xx
    SIGN_IN = "sign-in"  # pages: 302 to /sign-in?next=…; API: 401
    FORBIDDEN = "403"  # the role may not
    NOT_FOUND = "404"  # not theirs: it does not exist for them
    ERROR = "5xx"  # never expected


@dataclass(frozen=True)
class Rule:
    """Who passes a route: nobody checked (public), or these roles, some on their own objects only."""

    public: bool = False
    roles: frozenset[Role] = frozenset()
    own_only: frozenset[Role] = frozenset()
    hidden: frozenset[Role] = frozenset()

    def __or__(self, other: Rule) -> Rule:
        return Rule(
            public=self.public or other.public,
            roles=self.roles | other.roles,
            own_only=self.own_only | other.own_only,
            hidden=self.hidden | other.hidden,
        )

    def __str__(self) -> str:
        if self.public:
            return "PUBLIC"
        parts = []
        full = sorted(self.roles - self.own_only - self.hidden)
        if full:
            parts.append(f"ROLES({', '.join(full)})")
        if self.own_only:
            parts.append(f"OWN_ONLY({', '.join(sorted(self.own_only))})")
        if self.hidden:
            parts.append(f"HIDDEN({', '.join(sorted(self.hidden))})")
        return " | ".join(parts)


PUBLIC = Rule(public=True)


def ROLES(*roles: Role) -> Rule:  # noqa: N802  (reads as a rule in the table)
    """These roles, on any object."""
    return Rule(roles=frozenset(roles))


def OWN_ONLY(*roles: Role) -> Rule:  # noqa: N802
    """These roles, on their own objects only (someone else's: 404)."""
    return Rule(roles=frozenset(roles), own_only=frozenset(roles))


def HIDDEN(*roles: Role) -> Rule:  # noqa: N802
    """These roles pass the role check, but the object is never theirs to see (404)."""
    return Rule(roles=frozenset(roles), hidden=frozenset(roles))


SIGNED_IN = ROLES(COORDINATOR, OWNER, SHOPPER, MANAGER)
READERS = ROLES(COORDINATOR, OWNER)  # reads everything, changes nothing (the owner)
MANAGE = ROLES(COORDINATOR)

# fmt: off
EXPECTED: dict[tuple[str, str], Rule] = {
    # Home, health, assets ------------------------------------------------------
    ("GET", "/"): SIGNED_IN,
    ("GET", "/owner"): ROLES(OWNER),
    ("GET", "/coordinator"): ROLES(COORDINATOR),
    ("GET", "/shopper"): ROLES(SHOPPER),
    ("GET", "/manager"): ROLES(MANAGER),
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/api/docs"): PUBLIC,
    ("GET", "/favicon.ico"): PUBLIC,
    ("GET", "/sw.js"): PUBLIC,
    ("GET", "/static/{filename}"): PUBLIC,
    # Signing in, the account, personal tokens ---------------------------------
    ("GET", "/sign-in"): PUBLIC,
    ("POST", "/sign-in"): PUBLIC,
    ("POST", "/sign-out"): SIGNED_IN,
    ("GET", "/invitation/{secret}"): PUBLIC,
    ("POST", "/invitation/{secret}"): PUBLIC,
    ("GET", "/account"): SIGNED_IN,
    ("POST", "/account/password"): SIGNED_IN,
    ("POST", "/account/language"): SIGNED_IN,
    ("POST", "/account/report-emails"): ROLES(OWNER, Role.MANAGER),
    ("POST", "/account/tokens"): SIGNED_IN,
    # policy.may_revoke_token: everyone their own, a coordinator anyone's.
    # The account page revokes one's own tokens; a coordinator revokes anyone's on
    # the person's page.
    ("POST", "/account/tokens/{token_id}/revoke"): OWN_ONLY(COORDINATOR, OWNER, SHOPPER, MANAGER),
    # Stores -------------------------------------------------------------------
    ("GET", "/stores"): READERS,
    ("GET", "/stores/export.csv"): READERS,
    ("GET", "/stores/new"): MANAGE,
    ("POST", "/stores/new"): MANAGE,
    ("GET", "/stores/import"): MANAGE,
    ("POST", "/stores/import"): MANAGE,
    ("GET", "/stores/{code}/edit"): MANAGE,
    ("POST", "/stores/{code}/edit"): MANAGE,
    ("POST", "/stores/{code}/deactivate"): MANAGE,
    ("POST", "/stores/{code}/activate"): MANAGE,
    # People -------------------------------------------------------------------
    ("GET", "/people"): MANAGE,
    ("GET", "/people/new"): MANAGE,
    ("POST", "/people/new"): MANAGE,
    ("GET", "/people/import"): MANAGE,
    ("POST", "/people/import"): MANAGE,
    ("GET", "/people/{user_id}"): MANAGE,
    ("POST", "/people/{user_id}/tokens/{token_id}/revoke"): MANAGE,
    ("POST", "/people/{user_id}/stores"): MANAGE,
    ("POST", "/people/{user_id}/deactivate"): MANAGE,
    ("POST", "/people/{user_id}/activate"): MANAGE,
    ("POST", "/people/{user_id}/invite"): MANAGE,
    # Checklists: coordinators and owners read every version, drafts too ------
    ("GET", "/checklists"): READERS,
    ("GET", "/checklists/new"): MANAGE,
    ("POST", "/checklists/new"): MANAGE,
    ("GET", "/checklists/import"): MANAGE,
    ("POST", "/checklists/import"): MANAGE,
    ("GET", "/checklists/{code}"): READERS,
    ("POST", "/checklists/{code}/edit"): MANAGE,
    ("GET", "/checklists/{code}/draft"): MANAGE,
    ("GET", "/checklists/{code}/draft/preview"): MANAGE,
    ("POST", "/checklists/{code}/draft/publish"): MANAGE,
    ("POST", "/checklists/{code}/draft/discard"): MANAGE,
    ("GET", "/checklists/{code}/versions/{number}"): READERS,
    ("GET", "/checklists/{code}/versions/{number}/export"): READERS,
    ("POST", "/checklists/{code}/archive"): MANAGE,
    ("POST", "/checklists/{code}/restore"): MANAGE,
    ("POST", "/checklists/{code}/targets"): MANAGE,
    # Assignments: coordinators plan them ---------------------------------------
    ("GET", "/assignments"): MANAGE,
    ("GET", "/assignments/export.csv"): MANAGE,
    ("GET", "/assignments/new"): MANAGE,
    ("POST", "/assignments/new"): MANAGE,
    ("GET", "/assignments/import"): MANAGE,
    ("POST", "/assignments/import"): MANAGE,
    ("GET", "/assignments/{assignment_id}"): MANAGE,
    ("POST", "/assignments/{assignment_id}/cancel"): MANAGE,
    ("POST", "/assignments/{assignment_id}/reassign"): MANAGE,
    ("POST", "/assignments/{assignment_id}/edit"): MANAGE,
    # The shopper's phone pages: their own assignments only -------------------
    ("GET", "/visits/session"): ROLES(SHOPPER),
    ("GET", "/visits/{assignment_id}"): OWN_ONLY(SHOPPER),
    # Review: coordinators decide; owners read the report -----------------------
    ("GET", "/review"): MANAGE,
    ("POST", "/review/approve"): MANAGE,
    # A store manager reads their stores' approved reports, without the shopper.
    ("GET", "/review/{visit_id}"): READERS | OWN_ONLY(MANAGER),
    ("POST", "/review/{visit_id}"): MANAGE,
    ("GET", "/review/{visit_id}/report.pdf"): READERS | OWN_ONLY(MANAGER),
    # Reports ------------------------------------------------------------------
    # A manager's comparison lists their own stores only (the chain's figures stay).
    ("GET", "/reports/comparison"): READERS | ROLES(MANAGER),
    ("GET", "/reports/comparison.csv"): READERS | ROLES(MANAGER),
    ("GET", "/reports/comparison.xlsx"): READERS | ROLES(MANAGER),
    ("GET", "/reports/comparison.pdf"): READERS | ROLES(MANAGER),
    ("GET", "/reports/stores/{code}"): READERS | OWN_ONLY(MANAGER),
    # Store follow-up actions: coordinators open and verify, owners read, a store's
    # manager reads and answers their own stores' (policy.may_see_action, ...) -----
    ("GET", "/actions"): ROLES(COORDINATOR, OWNER, MANAGER),
    ("GET", "/actions/new"): MANAGE,
    ("POST", "/actions/new"): MANAGE,
    ("GET", "/actions/{action_id}"): READERS | OWN_ONLY(MANAGER),
    ("POST", "/actions/{action_id}/respond"): MANAGE | OWN_ONLY(MANAGER),
    ("POST", "/actions/{action_id}/verify"): MANAGE,
    # API: roles exactly as on the pages (api.md) -------------------------------
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("GET", "/api/v1/me"): SIGNED_IN,
    ("GET", "/api/v1/stores"): READERS,
    ("POST", "/api/v1/stores"): MANAGE,
    ("GET", "/api/v1/stores/{code}"): READERS,
    ("PUT", "/api/v1/stores/{code}"): MANAGE,
    ("GET", "/api/v1/users"): MANAGE,
    ("POST", "/api/v1/users"): MANAGE,
    ("GET", "/api/v1/users/{email}"): MANAGE,
    ("POST", "/api/v1/users/{email}/deactivate"): MANAGE,
    ("POST", "/api/v1/users/{email}/activate"): MANAGE,
    ("POST", "/api/v1/users/{email}/invite"): MANAGE,
    ("GET", "/api/v1/checklists"): READERS,
    ("POST", "/api/v1/checklists"): MANAGE,
    # A shopper reads the published versions of checklists they are assigned.
    ("GET", "/api/v1/checklists/{code}"): READERS | OWN_ONLY(SHOPPER),
    ("GET", "/api/v1/checklists/{code}/versions/{number}"): READERS | OWN_ONLY(SHOPPER),
    ("GET", "/api/v1/checklists/{code}/draft"): MANAGE,
    ("POST", "/api/v1/checklists/{code}/draft"): MANAGE,
    ("PUT", "/api/v1/checklists/{code}/draft"): MANAGE,
    ("DELETE", "/api/v1/checklists/{code}/draft"): MANAGE,
    ("POST", "/api/v1/checklists/{code}/draft/publish"): MANAGE,
    ("GET", "/api/v1/checklists/{code}/targets"): READERS,
    ("PUT", "/api/v1/checklists/{code}/targets"): MANAGE,
    # A list is never refused to a shopper: it lists their own.
    ("GET", "/api/v1/assignments"): ROLES(COORDINATOR, SHOPPER),
    ("POST", "/api/v1/assignments"): MANAGE,
    ("GET", "/api/v1/assignments/{assignment_id}"): MANAGE | OWN_ONLY(SHOPPER),
    ("PATCH", "/api/v1/assignments/{assignment_id}"): MANAGE,
    ("POST", "/api/v1/assignments/{assignment_id}/cancel"): MANAGE,
    ("POST", "/api/v1/assignments/{assignment_id}/reassign"): MANAGE,
    ("GET", "/api/v1/assignments/{assignment_id}/events"): MANAGE,
    ("PUT", "/api/v1/assignments/{assignment_id}/visit"): OWN_ONLY(SHOPPER),
    ("POST", "/api/v1/assignments/{assignment_id}/visit/submit"): OWN_ONLY(SHOPPER),
    ("GET", "/api/v1/visits/{visit_id}"): READERS | OWN_ONLY(SHOPPER, MANAGER),
    ("POST", "/api/v1/visits/{visit_id}/photos"): OWN_ONLY(SHOPPER),
    ("DELETE", "/api/v1/visits/{visit_id}/photos/{photo_id}"): OWN_ONLY(SHOPPER),
    ("GET", "/api/v1/photos/{photo_id}"): READERS | OWN_ONLY(SHOPPER, MANAGER),
    ("POST", "/api/v1/visits/{visit_id}/review"): MANAGE,
    ("POST", "/api/v1/visits/approve"): MANAGE,
    ("GET", "/api/v1/comparison"): READERS | ROLES(MANAGER),
    ("GET", "/api/v1/comparison.csv"): READERS | ROLES(MANAGER),
    ("GET", "/api/v1/comparison.xlsx"): READERS | ROLES(MANAGER),
    ("GET", "/api/v1/comparison.pdf"): READERS | ROLES(MANAGER),
    ("GET", "/api/v1/actions"): ROLES(COORDINATOR, OWNER, MANAGER),
    ("POST", "/api/v1/actions"): MANAGE,
    ("GET", "/api/v1/actions/{action_id}"): READERS | OWN_ONLY(MANAGER),
    ("POST", "/api/v1/actions/{action_id}/respond"): MANAGE | OWN_ONLY(MANAGER),
    ("POST", "/api/v1/actions/{action_id}/verify"): MANAGE,
}

# The same routes with the checklist's open draft as ``{number}``
# (policy.may_read_checklist_version: coordinators and owners read drafts too;
# a shopper never, not even on their own checklist).
DRAFT_VERSION: dict[tuple[str, str], Rule] = {
    ("GET", "/checklists/{code}/versions/{number}"): READERS,
    ("GET", "/checklists/{code}/versions/{number}/export"): READERS,
    ("GET", "/api/v1/checklists/{code}/versions/{number}"): READERS | HIDDEN(SHOPPER),
}
# fmt: on


def expected(rule: Rule, role: Role | None, side: Side) -> Outcome:
    """The outcome ``rule`` promises to ``role`` (None: signed out) on ``side``'s objects."""
    if rule.public:
        return Outcome.ALLOWED
    if role is None:
        return Outcome.SIGN_IN
    if role not in rule.roles:
        return Outcome.FORBIDDEN
    if role in rule.hidden:
        return Outcome.NOT_FOUND
    if role in rule.own_only and side is Side.OTHER:
        return Outcome.NOT_FOUND
    return Outcome.ALLOWED


_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def route_path(url_rule: UrlRule) -> str:
    """A route's path as the table writes it: ``/visits/<int:visit_id>`` → ``/visits/{visit_id}``."""
    return _ARGUMENT.sub(r"{\1}", url_rule.rule)


def route_keys(url_rule: UrlRule) -> list[tuple[str, str]]:
    """The table keys of a route: one per method it answers."""
    methods = sorted((url_rule.methods or set()) - AUTOMATIC_METHODS)
    return [(method, route_path(url_rule)) for method in methods]


def outcome_of(response: TestResponse, api: bool) -> Outcome:
    """What a response amounts to, as far as access goes."""
    status = response.status_code
    if status >= 500:
        return Outcome.ERROR
    if status == 401:
        return Outcome.SIGN_IN
    if not api and status in (301, 302, 303, 307) and response.location.startswith("/sign-in?"):
        return Outcome.SIGN_IN
    if status == 403:
        return Outcome.FORBIDDEN
    if status == 404:
        return Outcome.NOT_FOUND
    return Outcome.ALLOWED
