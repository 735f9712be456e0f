"""The access policy's pure rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from shopper.domain import policy
from shopper.domain.roles import Role
from shopper.domain.workflow import Status

TODAY = date(2026, 10, 15)


@dataclass
class Person:
    id: int
    role: str
    managed_store_ids: frozenset[int] = frozenset()


@dataclass
class Work:
    shopper_id: int
    status: str
    last_day: date = TODAY
    store_id: int = 10


@dataclass
class FollowUp:
    store_id: int
    status: str = "open"


COORDINATOR, OWNER = Person(1, Role.COORDINATOR), Person(2, Role.OWNER)
SHOPPER, OTHER_SHOPPER = Person(3, Role.SHOPPER), Person(4, Role.SHOPPER)
MANAGER = Person(5, Role.MANAGER, frozenset({10, 11}))
OTHER_MANAGER = Person(6, Role.MANAGER, frozenset({12}))


@pytest.mark.parametrize(
    ("person", "seen"),
    [(COORDINATOR, True), (OWNER, True), (SHOPPER, True), (OTHER_SHOPPER, False)],
)
def test_who_sees_an_assignment(person: Person, seen: bool) -> None:
    assert policy.may_see_assignment(person, Work(SHOPPER.id, Status.DRAFT)) is seen


@pytest.mark.parametrize("status", list(Status))
def test_only_the_own_shopper_fills_an_open_report(status: Status) -> None:
    work = Work(SHOPPER.id, status)
    open_ = status in (Status.ASSIGNED, Status.DRAFT, Status.RETURNED)
    assert policy.may_fill_report(SHOPPER, work) is open_
    assert not policy.may_fill_report(OTHER_SHOPPER, work)
    assert not policy.may_fill_report(COORDINATOR, work)


@pytest.mark.parametrize("status", list(Status))
def test_scores_show_for_submitted_and_approved_only(status: Status) -> None:
    expected = status in (Status.SUBMITTED, Status.APPROVED)
    assert policy.scores_visible(Work(SHOPPER.id, status)) is expected


@pytest.mark.parametrize("status", list(Status))
def test_overdue_is_a_visit_not_made_after_the_last_day(status: Status) -> None:
    late = Work(SHOPPER.id, status, last_day=date(2026, 10, 14))
    assert policy.is_overdue(late, TODAY) is (status in (Status.ASSIGNED, Status.DRAFT))
    assert not policy.is_overdue(Work(SHOPPER.id, status), TODAY)
    assert policy.is_due_today(Work(SHOPPER.id, status), TODAY) is (
        status in (Status.ASSIGNED, Status.DRAFT)
    )


def test_checklist_versions() -> None:
    assert policy.may_read_checklist_version(OWNER, published=False, assigned_to_it=False)
    assert policy.may_read_checklist_version(SHOPPER, published=True, assigned_to_it=True)
    assert not policy.may_read_checklist_version(SHOPPER, published=False, assigned_to_it=True)
    assert not policy.may_read_checklist_version(SHOPPER, published=True, assigned_to_it=False)


def test_capabilities_are_flags_not_roles() -> None:
    assert policy.capabilities(COORDINATOR).manage_stores
    assert not policy.capabilities(OWNER).manage_stores
    assert policy.capabilities(OWNER).read_reports
    assert policy.capabilities(SHOPPER).as_dict()["fill_reports"]
    assert not any(policy.capabilities(None).as_dict().values())


def test_tokens() -> None:
    assert policy.may_revoke_token(SHOPPER, SHOPPER.id)
    assert not policy.may_revoke_token(SHOPPER, OWNER.id)
    assert policy.may_revoke_token(COORDINATOR, SHOPPER.id)


@pytest.mark.parametrize("status", list(Status))
def test_a_manager_sees_only_their_stores_approved_visits(status: Status) -> None:
    work = Work(SHOPPER.id, status, store_id=11)
    assert policy.may_see_assignment(MANAGER, work) is (status == Status.APPROVED)
    assert not policy.may_see_assignment(OTHER_MANAGER, work)
    assert not policy.may_fill_report(MANAGER, work)
    assert not policy.may_review(MANAGER, work)


def test_managers_never_identify_shoppers() -> None:
    assert not policy.may_identify_shoppers(MANAGER)
    assert not policy.capabilities(MANAGER).identify_shoppers
    assert policy.may_identify_shoppers(COORDINATOR) and policy.may_identify_shoppers(OWNER)


def test_who_reads_responds_to_and_verifies_an_action() -> None:
    action = FollowUp(store_id=10)
    assert [policy.may_see_action(p, action) for p in (COORDINATOR, OWNER, MANAGER)] == [True] * 3
    assert not policy.may_see_action(OTHER_MANAGER, action)
    assert not policy.may_see_action(SHOPPER, action)
    assert policy.may_respond_action(MANAGER, action)
    assert policy.may_respond_action(COORDINATOR, action)
    assert not policy.may_respond_action(OWNER, action)
    assert not policy.may_respond_action(OTHER_MANAGER, action)
    assert policy.may_verify_action(COORDINATOR)
    assert not policy.may_verify_action(MANAGER)
    assert not policy.may_open_action(MANAGER) and not policy.may_open_action(OWNER)


def test_a_manager_reads_results_but_changes_nothing_of_the_plan() -> None:
    can = policy.capabilities(MANAGER)
    assert can.read_store_results and can.read_actions and can.respond_actions
    changes = [can.manage_stores, can.manage_people, can.edit_checklists, can.assign, can.review]
    assert not any(changes + [can.manage_actions, can.read_all_visits, can.read_checklists])


def test_a_shopper_is_named_only_to_those_who_may_identify_shoppers() -> None:
    named_to = [p for p in (COORDINATOR, OWNER, SHOPPER, MANAGER) if policy.may_name(p, SHOPPER)]
    assert named_to == [COORDINATOR, OWNER]
    # Coordinators and other managers are named to everyone (they act for the company).
    assert all(policy.may_name(MANAGER, p) for p in (COORDINATOR, OWNER, OTHER_MANAGER))
