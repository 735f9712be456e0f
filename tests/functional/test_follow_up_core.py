"""Follow-up actions at the service level: opened by approvals, moved by compare-and-set.

Exactly one automatic action per failed critical question and store while one is
unfinished, even when two approvals race; each step allowed only from its status.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from shopper.domain.follow_up import ActionStatus, ActionStep
from shopper.extensions import db
from shopper.models import ActionEvent, Assignment, Store, StoreAction, User, Visit
from shopper.services import actions, reviews, visits
from shopper.services.errors import Conflict, Invalid
from tests.factories import VISIT_A, VISIT_B, assign, import_checklist, make_store, visit_body
from tests.support.web import make_user


@pytest.fixture
def world(app):
    make_user(app, "coordinator", "coordinator@test.example")
    make_user(app, "shopper", "ayse@test.example")
    make_store(app)
    make_store(app, "IST-02")
    import_checklist(app)
    return app


def _submitted(app, values=VISIT_B, store="IST-01") -> int:
    """A submitted visit's id."""
    assignment_id = assign(app, "ayse@test.example", store=store)
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        shopper = db.session.execute(select(User).where(User.role == "shopper")).scalar_one()
        visit, _ = visits.submit(
            assignment, shopper, visits.parse_visit_input(visit_body(values, f"c{assignment_id}"))
        )
        return visit.id


def _coordinator() -> User:
    return db.session.execute(select(User).where(User.role == "coordinator")).scalar_one()


def _approve(app, visit_id: int) -> None:
    with app.app_context():
        reviews.approve(db.session.get(Visit, visit_id), _coordinator())


def _actions(app) -> list[StoreAction]:
    with app.app_context():
        return list(db.session.execute(select(StoreAction).order_by(StoreAction.id)).scalars())


def test_an_approved_critical_failure_opens_one_action_due_in_fourteen_days(world):
    _approve(world, _submitted(world))
    (action,) = _actions(world)
    assert action.title == "Q1"
    assert action.question_code == "q1"
    assert action.status == ActionStatus.OPEN
    assert action.created_by_id is None
    assert action.due_on == date.today() + timedelta(days=14)
    with world.app_context():
        (event,) = db.session.execute(select(ActionEvent)).scalars()
        assert (event.step, event.actor_id) == (ActionStep.OPEN, None)


def test_no_action_without_a_critical_failure(world):
    _approve(world, _submitted(world, VISIT_A))
    assert _actions(world) == []


def test_an_unfinished_action_blocks_a_second_until_it_is_closed(world):
    _approve(world, _submitted(world))
    _approve(world, _submitted(world))
    _approve(world, _submitted(world, store="IST-02"))
    assert [a.store_id for a in _actions(world)] == [1, 2]
    with world.app_context():
        first = db.session.get(StoreAction, _actions(world)[0].id)
        actions.respond(first, _coordinator(), "Trained the team")
    _approve(world, _submitted(world))  # done still blocks
    assert len(_actions(world)) == 2
    with world.app_context():
        actions.verify(db.session.get(StoreAction, _actions(world)[0].id), _coordinator(), "close")
    _approve(world, _submitted(world))
    assert len(_actions(world)) == 3


def test_withdrawing_the_approval_keeps_the_action(world):
    visit_id = _submitted(world)
    _approve(world, visit_id)
    with world.app_context():
        reviews.withdraw_approval(db.session.get(Visit, visit_id), _coordinator())
    assert len(_actions(world)) == 1


def test_two_approvals_at_once_open_one_action(world):
    ids = [_submitted(world), _submitted(world)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def approve(visit_id: int) -> None:
        with world.app_context():
            visit = db.session.get(Visit, visit_id)
            coordinator = _coordinator()
            barrier.wait()
            try:
                reviews.approve(visit, coordinator)
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(_actions(world)) == 1
    with world.app_context():
        approved = db.session.scalar(
            select(func.count()).select_from(Assignment).where(Assignment.status == "approved")
        )
    assert approved == 2


def test_steps_follow_the_table_and_record_events(world):
    _approve(world, _submitted(world))
    with world.app_context():
        action = db.session.get(StoreAction, 1)
        with pytest.raises(Conflict):
            actions.verify(action, _coordinator(), "close")
        with pytest.raises(Invalid):
            actions.respond(action, _coordinator(), "  ")
        actions.respond(action, _coordinator(), "Briefed every cashier")
        with pytest.raises(Invalid):
            actions.verify(action, _coordinator(), "reopen", "")
        actions.verify(action, _coordinator(), "reopen", "Still not greeting")
        assert action.status == ActionStatus.OPEN
        actions.respond(action, _coordinator(), "Again")
        actions.verify(action, _coordinator(), "close")
        assert action.status == ActionStatus.CLOSED
        steps = [(e.step, e.status) for e in db.session.get(StoreAction, 1).events]
    assert steps == [
        ("open", "open"),
        ("respond", "done"),
        ("reopen", "open"),
        ("respond", "done"),
        ("close", "closed"),
    ]


def test_two_responses_at_once_one_wins(world):
    _approve(world, _submitted(world))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def respond(note: str) -> None:
        with world.app_context():
            action = db.session.get(StoreAction, 1)
            coordinator = _coordinator()
            barrier.wait()
            try:
                actions.respond(action, coordinator, note)
                outcomes.append("ok")
            except Conflict:
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=respond, args=(n,)) for n in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["conflict", "ok"]
    with world.app_context():
        assert len(db.session.get(StoreAction, 1).events) == 2


def test_a_hand_made_action_about_a_question_needs_its_stores_visit(world):
    visit_id = _submitted(world, VISIT_A)
    _approve(world, visit_id)
    with world.app_context():
        visit = db.session.get(Visit, visit_id)
        other = db.session.execute(select(Store).where(Store.code == "IST-02")).scalar_one()
        mine = db.session.execute(select(Store).where(Store.code == "IST-01")).scalar_one()
        due = date.today() + timedelta(days=7)
        with pytest.raises(Invalid):
            actions.open_action(
                _coordinator(),
                store=other,
                title="x",
                details="",
                due_on=due,
                visit=visit,
                question="q2",
            )
        action = actions.open_action(
            _coordinator(),
            store=mine,
            title="",
            details="Smile",
            due_on=due,
            visit=visit,
            question="q2",
        )
        assert action.title == "Q2"
        with pytest.raises(Conflict):
            actions.open_action(
                _coordinator(),
                store=mine,
                title="",
                details="",
                due_on=due,
                visit=visit,
                question="q2",
            )
        free = actions.open_action(
            _coordinator(), store=mine, title="Fix the door", details="", due_on=due
        )
        assert free.question_code is None


def test_counts_per_store_and_closed_in_time_per_region(world):
    _approve(world, _submitted(world))
    _approve(world, _submitted(world, store="IST-02"))
    today = date.today()
    with world.app_context():
        assert actions.counts_by_store([1, 2], today) == {
            1: actions.StoreActionCounts(1, 0),
            2: actions.StoreActionCounts(1, 0),
        }
        later = today + timedelta(days=15)
        assert actions.counts_by_store([1], later) == {1: actions.StoreActionCounts(1, 1)}
        first = db.session.get(StoreAction, 1)
        actions.respond(first, _coordinator(), "Done")
        actions.verify(first, _coordinator(), "close")
        window = (today, today + timedelta(days=30))
        assert actions.closed_in_time_by_region(*window) == {"Marmara": 50.0}
