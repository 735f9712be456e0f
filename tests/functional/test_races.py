"""Many requests deciding on one report at the same moment, against a live threaded server.

Each race starts its threads together behind a barrier; exactly one request
makes the change, the others get 409 and change nothing: one event, the sums
moved once and equal to a recomputation from the approved visits. On both
databases (on SQLite, concurrent writers wait their turn, never a 500).
"""

from __future__ import annotations

import io
import json
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from shopper.domain.answers import MAX_PHOTOS_PER_QUESTION
from shopper.extensions import db
from shopper.models import Assignment, AuditEvent, Photo, StoreMonthTotal, Visit
from shopper.services import sums
from tests.factories import (
    VISIT_A,
    VISIT_B,
    WORKED_EXAMPLE,
    assign,
    import_checklist,
    jpeg,
    make_store,
    visit_body,
)
from tests.support.web import make_user

THREADS = 8

Call = Callable[[], tuple[int, object]]


@pytest.fixture
def world(app, auth, live_server) -> dict:
    """A coordinator, a shopper, a store, the worked-example checklist, the live server."""
    make_user(app, "coordinator", "coordinator@test.example")
    make_user(app, "shopper", "ayse@test.example")
    make_user(app, "shopper", "erik@test.example")
    make_store(app)
    import_checklist(app)
    return {
        "app": app,
        "base": live_server + "/api/v1",
        "coordinator": auth.api_token("coordinator@test.example"),
        "shopper": auth.api_token("ayse@test.example"),
    }


def _request(
    world: dict, who: str, method: str, path: str, body: object = None, photo: bytes = b""
) -> Call:
    """A request to the live server, made when called: (status, JSON body).

    With ``photo``, the body is the phone's upload form (``body`` its fields).
    """
    if photo:
        fields = MultiDict({**(body or {}), "file": FileStorage(io.BytesIO(photo), "p.jpg")})
        boundary, data = encode_multipart(fields)
        content_type = f'multipart/form-data; boundary="{boundary}"'
    else:
        data = json.dumps(body).encode() if body is not None else None
        content_type = "application/json"
    headers = {**world[who], "Content-Type": content_type}

    def call() -> tuple[int, object]:
        request = urllib.request.Request(world["base"] + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    return call


def collide(calls: list[Call]) -> list[tuple[int, object]]:
    """Run the calls in threads released together; their answers, in order."""
    barrier = threading.Barrier(len(calls))
    answers: list[tuple[int, object] | None] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(answer is not None for answer in answers)
    return answers


def _statuses(answers: list[tuple[int, object]]) -> Counter:
    return Counter(status for status, _ in answers)


def _submitted(world: dict, values: dict = VISIT_A, client_id: str = "phone-1") -> tuple[int, int]:
    """A new assignment with its report submitted: (assignment id, visit id)."""
    assignment = assign(world["app"], "ayse@test.example")
    status, visit = _request(
        world,
        "shopper",
        "POST",
        f"/assignments/{assignment}/visit/submit",
        visit_body(values, client_id),
    )()
    assert status == 200, visit
    return assignment, visit["id"]


def _review(world: dict, visit_id: int, decision: str, note: str = "") -> Call:
    return _request(
        world,
        "coordinator",
        "POST",
        f"/visits/{visit_id}/review",
        {"decision": decision, "note": note},
    )


def _events(world: dict, action: str) -> int:
    with world["app"].app_context():
        return db.session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        ).scalar_one()


def _status(world: dict, assignment_id: int) -> str:
    with world["app"].app_context():
        return db.session.get(Assignment, assignment_id).status


def assert_sums_true(world: dict) -> None:
    """The kept sums equal a recomputation from the approved visits."""
    with world["app"].app_context():
        report = sums.check()
        assert report.differences == []
        approved = db.session.execute(
            select(func.count(Visit.id))
            .join(Visit.assignment)
            .where(Assignment.status == "approved")
        ).scalar_one()
        counted = db.session.execute(
            select(func.coalesce(func.sum(StoreMonthTotal.visits), 0))
        ).scalar_one()
        assert counted == approved


def test_eight_approvals_of_one_report_count_once(world):
    for round_ in range(3):
        assignment, visit = _submitted(world, client_id=f"phone-{round_}")
        answers = collide([_review(world, visit, "approve") for _ in range(THREADS)])
        assert _statuses(answers) == {200: 1, 409: THREADS - 1}, answers
        assert _status(world, assignment) == "approved"
        assert _events(world, "approved") == round_ + 1
        assert_sums_true(world)


def test_approve_and_return_at_once_one_decision_wins(world):
    for round_ in range(3):
        assignment, visit = _submitted(world, client_id=f"phone-{round_}")
        calls = [_review(world, visit, "approve") for _ in range(THREADS // 2)]
        calls += [_review(world, visit, "return", "Fix Q1") for _ in range(THREADS // 2)]
        answers = collide(calls)
        assert _statuses(answers) == {200: 1, 409: THREADS - 1}, answers
        winner = next(i for i, (status, _) in enumerate(answers) if status == 200)
        assert _status(world, assignment) == ("approved" if winner < THREADS // 2 else "returned")
        assert _events(world, "approved") + _events(world, "returned") == round_ + 1
        assert_sums_true(world)


def test_withdrawals_racing_take_the_visit_out_once(world):
    assignment, visit = _submitted(world)
    assert _review(world, visit, "approve")()[0] == 200
    answers = collide([_review(world, visit, "withdraw") for _ in range(THREADS)])
    assert _statuses(answers) == {200: 1, 409: THREADS - 1}, answers
    assert _status(world, assignment) == "submitted"
    assert _events(world, "approval_withdrawn") == 1
    assert_sums_true(world)
    with world["app"].app_context():
        assert db.session.execute(select(func.sum(StoreMonthTotal.visits))).scalar_one() == 0


def test_approve_many_racing_single_approvals_never_double_counts(world):
    for round_ in range(2):
        visits = [_submitted(world, client_id=f"r{round_}-{i}")[1] for i in range(3)]
        many = _request(world, "coordinator", "POST", "/visits/approve", {"ids": visits})
        calls = [many if i % 2 else _review(world, visits[1], "approve") for i in range(THREADS)]
        answers = collide(calls)
        assert _statuses(answers) == {200: 1, 409: THREADS - 1}, answers
        winner = next(i for i, (status, _) in enumerate(answers) if status == 200)
        approved_now = 3 if winner % 2 else 1
        assert answers[winner][1] == ({"approved": 3} if winner % 2 else answers[winner][1])
        with world["app"].app_context():
            statuses = [db.session.get(Visit, v).assignment.status for v in visits]
        assert statuses.count("approved") == approved_now
        assert_sums_true(world)


def test_cancel_and_submit_at_once_one_wins(world):
    for round_ in range(3):
        assignment = assign(world["app"], "ayse@test.example")
        submit = f"/assignments/{assignment}/visit/submit"
        calls = [
            _request(world, "coordinator", "POST", f"/assignments/{assignment}/cancel", {})
            if i % 2
            else _request(world, "shopper", "POST", submit, visit_body(VISIT_B, f"p{round_}-{i}"))
            for i in range(THREADS)
        ]
        answers = collide(calls)
        assert _statuses(answers) == {200: 1, 409: THREADS - 1}, answers
        winner = next(i for i, (status, _) in enumerate(answers) if status == 200)
        assert _status(world, assignment) == ("cancelled" if winner % 2 else "submitted")
        with world["app"].app_context():
            events = Counter(
                db.session.execute(
                    select(AuditEvent.action).where(AuditEvent.assignment_id == assignment)
                ).scalars()
            )
            visits = db.session.execute(
                select(func.count(Visit.id)).where(Visit.assignment_id == assignment)
            ).scalar_one()
        assert events["cancelled"] + events["submitted"] == 1
        assert visits == (0 if winner % 2 else 1)


def test_cancellations_of_one_draft_at_once_cancel_it_once(world):
    assignment = assign(world["app"], "ayse@test.example")
    base = f"/assignments/{assignment}"
    draft = _request(world, "shopper", "PUT", base + "/visit", {"answers": {"q2": {"value": 3}}})
    assert draft()[0] == 200
    cancel = _request(world, "coordinator", "POST", base + "/cancel", {"note": "closed"})
    answers = collide([cancel] * THREADS)
    assert _statuses(answers) == {200: 1, 409: THREADS - 1}, answers
    assert _status(world, assignment) == "cancelled"
    assert _events(world, "cancelled") == 1


def test_reassignments_and_cancellations_at_once_each_answer_is_one_event(world):
    assignment = assign(world["app"], "ayse@test.example")
    base = f"/assignments/{assignment}"
    calls = [
        _request(world, "coordinator", "POST", base + "/cancel", {"note": "closed"})
        if i % 2
        else _request(
            world, "coordinator", "POST", base + "/reassign", {"shopper": "erik@test.example"}
        )
        for i in range(THREADS)
    ]
    answers = collide(calls)
    # A cancellation may follow a reassignment it saw; never one before it, never a 500.
    assert set(_statuses(answers)) <= {200, 409}, answers
    done = [i % 2 for i, (status, _) in enumerate(answers) if status == 200]
    assert done and done.count(1) <= 1
    assert _events(world, "cancelled") == done.count(1)
    assert _events(world, "reassigned") == done.count(0)
    assert _status(world, assignment) == ("cancelled" if 1 in done else "assigned")


def test_a_double_submission_makes_one_visit_and_one_event(world):
    assignment = assign(world["app"], "ayse@test.example")
    submit = f"/assignments/{assignment}/visit/submit"
    same = collide(
        [
            _request(world, "shopper", "POST", submit, visit_body(VISIT_A, "tap"))
            for _ in range(THREADS)
        ]
    )
    assert _statuses(same) == {200: THREADS}, same
    assert len({json.dumps(body, sort_keys=True) for _, body in same}) == 1
    other = assign(world["app"], "ayse@test.example")
    different = collide(
        [
            _request(
                world,
                "shopper",
                "POST",
                f"/assignments/{other}/visit/submit",
                visit_body(VISIT_A, f"p{i}"),
            )
            for i in range(THREADS)
        ]
    )
    assert _statuses(different) == {200: 1, 409: THREADS - 1}, different
    assert _events(world, "submitted") == 2
    with world["app"].app_context():
        assert db.session.execute(select(func.count(Visit.id))).scalar_one() == 2


def test_first_drafts_saved_at_once_make_one_visit(world):
    assignment = assign(world["app"], "ayse@test.example")
    draft = f"/assignments/{assignment}/visit"
    answers = collide(
        [
            _request(world, "shopper", "PUT", draft, {"answers": {"q2": {"value": 1 + i % 5}}})
            for i in range(THREADS)
        ]
    )
    assert _statuses(answers) == {200: THREADS}, answers
    assert _status(world, assignment) == "draft"
    with world["app"].app_context():
        assert db.session.execute(select(func.count(Visit.id))).scalar_one() == 1


def test_a_draft_saved_while_the_report_is_submitted_never_undoes_the_submission(world):
    for round_ in range(3):
        assignment = assign(world["app"], "ayse@test.example")
        base = f"/assignments/{assignment}/visit"
        calls = [
            _request(world, "shopper", "POST", base + "/submit", visit_body(VISIT_A, f"s{round_}"))
            if i == 0
            else _request(world, "shopper", "PUT", base, {"answers": {"q2": {"value": 2}}})
            for i in range(THREADS)
        ]
        answers = collide(calls)
        assert answers[0][0] == 200, answers[0]
        assert set(_statuses(answers)) <= {200, 409}, answers
        assert _status(world, assignment) == "submitted"
        with world["app"].app_context():
            visit = db.session.execute(
                select(Visit).where(Visit.assignment_id == assignment)
            ).scalar_one()
            assert visit.answers["q1"]["value"] == "yes" and visit.overall == 78.0


def test_rebuilding_the_sums_while_approvals_happen_counts_each_once(world):
    app = world["app"]

    def rebuild() -> tuple[int, object]:
        with app.app_context():
            return 200, {code: len(r.differences) for code, r in sums.rebuild().items()}

    for round_ in range(3):
        visits = [_submitted(world, client_id=f"r{round_}-{i}")[1] for i in range(10)]
        with app.app_context():  # a sum gone wrong, for the rebuild to mend
            store_id = db.session.execute(select(Assignment.store_id)).scalars().first()
            checklist_id = db.session.execute(select(Assignment.checklist_id)).scalars().first()
            db.session.add(
                StoreMonthTotal(
                    checklist_id=checklist_id, month=date(2020, 1, 1), store_id=store_id, visits=5
                )
            )
            db.session.commit()
        calls = [_review(world, visit, "approve") for visit in visits]
        answers = collide(calls[:5] + [rebuild] + calls[5:])
        assert _statuses(answers) == {200: 11}, answers
        assert answers[5][1]["worked"] > 0  # the rebuild wrote the sums anew
        assert_sums_true(world)
        with app.app_context():
            kept = db.session.execute(select(func.sum(StoreMonthTotal.visits))).scalar_one()
        assert kept == 10 * (round_ + 1)


def _with_photos(world: dict) -> tuple[int, int]:
    """An assignment on a checklist whose q4 takes photos, with a first draft: (assignment, visit)."""
    document = json.loads(json.dumps(WORKED_EXAMPLE))
    document["code"] = "worked-photos"
    document["sections"][1]["questions"][-1]["photo"] = "optional"
    import_checklist(world["app"], document)
    assignment = assign(world["app"], "ayse@test.example", checklist="worked-photos")
    status, visit = _request(
        world, "shopper", "PUT", f"/assignments/{assignment}/visit", {"client_id": "c"}
    )()
    assert status == 200, visit
    return assignment, visit["id"]


def _upload(world: dict, visit_id: int, seed: int) -> Call:
    return _request(
        world, "shopper", "POST", f"/visits/{visit_id}/photos", {"question": "q4"}, jpeg(300 + seed)
    )


def _photos(world: dict, visit_id: int) -> int:
    with world["app"].app_context():
        return db.session.execute(
            select(func.count()).select_from(Photo).where(Photo.visit_id == visit_id)
        ).scalar_one()


def test_uploads_racing_for_the_last_place_of_a_question_fill_it_once(world):
    _, visit_id = _with_photos(world)
    for seed in range(MAX_PHOTOS_PER_QUESTION - 1):
        status, body = _upload(world, visit_id, seed)()
        assert status == 201, body
    answers = collide([_upload(world, visit_id, 100 + i) for i in range(THREADS)])
    assert _statuses(answers) == {201: 1, 422: THREADS - 1}, answers
    assert _photos(world, visit_id) == MAX_PHOTOS_PER_QUESTION


def test_a_photo_racing_the_submission_lands_before_it_or_not_at_all(world):
    for round_ in range(3):
        assignment, visit_id = _with_photos(world)
        calls = [
            _request(
                world,
                "shopper",
                "POST",
                f"/assignments/{assignment}/visit/submit",
                visit_body(VISIT_A, f"s{round_}"),
            )
            if i == 0
            else _upload(world, visit_id, 10 * round_ + i)
            for i in range(THREADS)
        ]
        answers = collide(calls)
        assert answers[0][0] == 200, answers[0]
        uploads = _statuses(answers[1:])
        assert set(uploads) <= {201, 409}, answers
        # Every photo acknowledged is kept; none arrived after the submission.
        assert _photos(world, visit_id) == uploads[201]
        with world["app"].app_context():
            visit = db.session.get(Visit, visit_id)
            late = db.session.execute(
                select(func.count())
                .select_from(Photo)
                .where(Photo.visit_id == visit_id, Photo.created_at > visit.submitted_at)
            ).scalar_one()
        assert late == 0
