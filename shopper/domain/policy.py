"""Who may see and do what: the one access policy, as pure functions.

Routes declare the roles that reach them (``shopper.access.roles``); this module
decides the rest, row by row: whose assignment a person may see, whether they
may change or review it, whether its scores are shown, whether it is overdue.
Database queries are narrowed to the same rules by
``shopper.services.scope.visible_to``, and templates read ``capabilities``
instead of comparing role names. A new role (the store manager) or a new rule
is added here, once, and every page, endpoint, template and script follows.

Store managers read their own stores only: the approved visits, the results
and the actions. Shoppers stay anonymous to them (``may_identify_shoppers``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Protocol

from shopper.domain.roles import Role
from shopper.domain.workflow import EDITABLE_BY_SHOPPER, Status


class Person(Protocol):
    """Who asks: their id, role and (for a store manager) their stores."""

    id: int
    role: str

    @property
    def managed_store_ids(self) -> frozenset[int]: ...


class AssignmentFacts(Protocol):
    """What the policy needs to know of an assignment."""

    shopper_id: int
    store_id: int
    status: str
    last_day: date


class ActionFacts(Protocol):
    """What the policy needs to know of a store follow-up action."""

    store_id: int
    status: str


# Who reads everything, and who may change the plan (stores, people, checklists, assignments).
READ_EVERYTHING = frozenset({Role.COORDINATOR, Role.OWNER})
MANAGE = frozenset({Role.COORDINATOR})
# Who may know which shopper made a visit. Store managers never: shoppers stay
# anonymous to the stores they visit, in every page, file and response.
IDENTIFY_SHOPPERS = frozenset({Role.COORDINATOR, Role.OWNER})
# Who gets the periodic comparison report by email (``report send``).
REPORT_EMAILS = frozenset({Role.OWNER, Role.MANAGER})

# Scores are shown once a report is submitted and until it is sent back: a returned
# report's scores are those of a report the shopper is changing, and are computed
# again when it is submitted again.
SCORES_SHOWN = frozenset({Status.SUBMITTED, Status.APPROVED})
# A visit not made by its window's last day. A returned report was made; it waits
# for the shopper's fix and is listed as returned, not as overdue.
NOT_YET_VISITED = frozenset({Status.ASSIGNED, Status.DRAFT})
REVIEWABLE = frozenset({Status.SUBMITTED, Status.APPROVED})
# What a store manager reads of their stores' visits: the approved ones only.
SHOWN_TO_STORES = frozenset({Status.APPROVED})


@dataclass(frozen=True)
class Capabilities:
    """What a person may do in general; templates and scripts read these, not role names."""

    manage_stores: bool
    manage_people: bool
    edit_checklists: bool
    read_checklists: bool
    assign: bool
    review: bool
    read_reports: bool
    read_all_visits: bool
    fill_reports: bool
    revoke_any_token: bool
    # Store results: the comparison (all of it, or a manager's own stores in it).
    read_store_results: bool
    # Follow-up actions: read (all, or a manager's stores'), open and verify, respond.
    read_actions: bool
    manage_actions: bool
    respond_actions: bool
    # Whether shoppers' names, emails and ids may be shown at all.
    identify_shoppers: bool
    # Whether the periodic comparison report is emailed (owners; managers, their stores').
    receive_report_emails: bool = False

    def as_dict(self) -> dict[str, bool]:
        """The flags, for a page's JSON configuration."""
        return asdict(self)


def capabilities(person: Person | None) -> Capabilities:
    """The general capabilities of ``person`` (all False when signed out)."""
    role = person.role if person is not None else None
    manages = role in MANAGE
    reads = role in READ_EVERYTHING
    return Capabilities(
        manage_stores=manages,
        manage_people=manages,
        edit_checklists=manages,
        read_checklists=reads,
        assign=manages,
        review=manages,
        read_reports=reads,
        read_all_visits=reads,
        fill_reports=role == Role.SHOPPER,
        revoke_any_token=manages,
        read_store_results=reads or role == Role.MANAGER,
        read_actions=reads or role == Role.MANAGER,
        manage_actions=manages,
        respond_actions=manages or role == Role.MANAGER,
        identify_shoppers=role in IDENTIFY_SHOPPERS,
        receive_report_emails=role in REPORT_EMAILS,
    )


def is_own_work(person: Person, assignment: AssignmentFacts) -> bool:
    """True when ``assignment`` is this shopper's own."""
    return person.role == Role.SHOPPER and assignment.shopper_id == person.id


def manages_store(person: Person, store_id: int) -> bool:
    """True when ``person`` is a store manager of this store."""
    return person.role == Role.MANAGER and store_id in person.managed_store_ids


def may_see_assignment(person: Person, assignment: AssignmentFacts) -> bool:
    """Coordinators and owners see every assignment and its visit; a shopper their own;
    a store manager the approved visits of their own stores."""
    if person.role in READ_EVERYTHING or is_own_work(person, assignment):
        return True
    return (
        person.role == Role.MANAGER
        and assignment.status in SHOWN_TO_STORES
        and manages_store(person, assignment.store_id)
    )


def may_identify_shoppers(person: Person) -> bool:
    """Whether pages, files and responses for ``person`` may name or identify a shopper."""
    return person.role in IDENTIFY_SHOPPERS


def may_name(reader: Person, person: Person) -> bool:
    """Whether ``reader`` may see who ``person`` is: anyone but a shopper, to everyone;
    a shopper only to those who may identify shoppers."""
    return person.role != Role.SHOPPER or may_identify_shoppers(reader)


def may_read_store(person: Person, store_id: int) -> bool:
    """Coordinators and owners read every store's results; a manager their own stores'."""
    return person.role in READ_EVERYTHING or manages_store(person, store_id)


def may_see_action(person: Person, action: ActionFacts) -> bool:
    """Coordinators and owners see every action; a manager their stores' actions."""
    return may_read_store(person, action.store_id)


def may_open_action(person: Person) -> bool:
    """A coordinator opens actions (the product opens some by itself on approval)."""
    return person.role in MANAGE


def may_respond_action(person: Person, action: ActionFacts) -> bool:
    """The store's manager, or a coordinator for them, says what was done."""
    return person.role in MANAGE or manages_store(person, action.store_id)


def may_verify_action(person: Person) -> bool:
    """A coordinator verifies what a store did: closes the action or reopens it."""
    return person.role in MANAGE


def may_fill_report(person: Person, assignment: AssignmentFacts) -> bool:
    """Only the assigned shopper fills a report, and only while it is open to them."""
    return is_own_work(person, assignment) and assignment.status in EDITABLE_BY_SHOPPER


def may_review(person: Person, assignment: AssignmentFacts) -> bool:
    """A coordinator decides on a submitted report, or withdraws an approval."""
    return person.role in MANAGE and assignment.status in REVIEWABLE


def may_manage_assignment(person: Person) -> bool:
    """A coordinator creates, edits, reassigns and cancels assignments."""
    return person.role in MANAGE


def scores_visible(assignment: AssignmentFacts) -> bool:
    """Whether an assignment's stored scores are shown, on every page, file and endpoint."""
    return assignment.status in SCORES_SHOWN


def is_overdue(assignment: AssignmentFacts, today: date) -> bool:
    """A visit still not made after its window's last day."""
    return assignment.status in NOT_YET_VISITED and assignment.last_day < today


def is_due_today(assignment: AssignmentFacts, today: date) -> bool:
    """A visit still not made whose window ends today."""
    return assignment.status in NOT_YET_VISITED and assignment.last_day == today


def may_read_checklist_version(person: Person, published: bool, assigned_to_it: bool) -> bool:
    """Coordinators and owners read every version, drafts too; a shopper published
    versions of a checklist they have a (not cancelled) assignment on; a store
    manager published versions of a checklist used at their stores (``assigned_to_it``
    says that, for whoever asks)."""
    if person.role in READ_EVERYTHING:
        return True
    return person.role in (Role.SHOPPER, Role.MANAGER) and published and assigned_to_it


def may_revoke_token(person: Person, token_owner_id: int) -> bool:
    """Everyone revokes their own tokens; a coordinator anyone's."""
    return token_owner_id == person.id or person.role in MANAGE
