"""A shopper reports a visit over the API; a coordinator reviews it. Exact scores, one visit."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from shopper.extensions import db
from shopper.models import Photo, Visit, VisitQuestionScore
from tests.factories import VISIT_A, VISIT_B, assign, import_checklist, jpeg, make_store, visit_body
from tests.support.web import make_user


@pytest.fixture
def world(app, auth):
    """A coordinator, an owner, two shoppers, a store, the worked-example checklist."""
    make_user(app, "coordinator", "coordinator@test.example")
    make_user(app, "owner", "owner@test.example")
    make_user(app, "shopper", "ayse@test.example")
    make_user(app, "shopper", "erik@test.example")
    make_store(app)
    import_checklist(app)
    return {
        "coordinator": auth.api_token("coordinator@test.example"),
        "owner": auth.api_token("owner@test.example"),
        "ayse": auth.api_token("ayse@test.example"),
        "erik": auth.api_token("erik@test.example"),
        "assignment": assign(app, "ayse@test.example"),
    }


def _submit(client, world, values, who="ayse", client_id="phone-1", **extra):
    return client.post(
        f"/api/v1/assignments/{world['assignment']}/visit/submit",
        json=visit_body(values, client_id, **extra),
        headers=world[who],
    )


def test_shopper_sees_own_assignment_with_its_briefing(client, world) -> None:
    listing = client.get("/api/v1/assignments", headers=world["ayse"]).json
    assert listing["total"] == 1
    item = listing["items"][0]
    assert {
        k: item[k] for k in ("store", "checklist", "version", "shopper", "status", "visit_id")
    } == {
        "store": "IST-01",
        "checklist": "worked",
        "version": 1,
        "shopper": "ayse@test.example",
        "status": "assigned",
        "visit_id": None,
    }
    assert item["briefing"] == "Ask about returning a gift without a receipt."
    assert client.get("/api/v1/assignments", headers=world["erik"]).json["total"] == 0
    # With an assignment on it the shopper may read the checklist.
    assert client.get("/api/v1/checklists/worked", headers=world["ayse"]).json["version"] == 1
    assert client.get("/api/v1/checklists/worked", headers=world["erik"]).status_code == 404


def test_visit_a_of_the_worked_example_scores_exactly(app, client, world) -> None:
    response = _submit(client, world, VISIT_A)
    assert response.status_code == 200, response.json
    visit = response.json
    assert visit["status"] == "submitted"
    assert visit["scores"] == {
        "overall": 78.0,
        "sections": {"welcome": 87.5, "checkout": 40.0},
        "earned": 19.5,
        "possible": 25.0,
        "critical_failure": False,
    }
    with app.app_context():
        rows = {
            r.question_code: (r.earned, r.possible, r.counted)
            for r in db.session.execute(db.select(VisitQuestionScore)).scalars()
        }
    assert rows == {
        "q1": (10.0, 10.0, True),
        "q2": (7.5, 10.0, True),
        "q3": (2.0, 5.0, True),
        "q4": (None, 0.0, False),
    }


def test_visit_b_fails_the_critical_question_and_scores_zero(client, world) -> None:
    visit = _submit(client, world, VISIT_B).json
    assert visit["scores"] == {
        "overall": 0.0,
        "sections": {"welcome": 50.0, "checkout": None},
        "earned": 10.0,
        "possible": 20.0,
        "critical_failure": True,
    }


def test_a_retried_submission_makes_exactly_one_visit(app, client, world) -> None:
    first = _submit(client, world, VISIT_A)
    again = _submit(client, world, VISIT_A)
    different_answers_same_id = _submit(client, world, VISIT_B)
    assert first.status_code == again.status_code == different_answers_same_id.status_code == 200
    assert again.json == first.json
    assert different_answers_same_id.json["scores"]["overall"] == 78.0
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Visit.id))).scalar_one() == 1
    other_id = _submit(client, world, VISIT_A, client_id="phone-2")
    assert other_id.status_code == 409


def test_drafts_keep_partial_answers_and_submit_lists_what_is_missing(client, world) -> None:
    url = f"/api/v1/assignments/{world['assignment']}/visit"
    saved = client.put(
        url,
        json={"client_id": "p", "answers": {"q2": {"value": 3, "comment": "ok"}}},
        headers=world["ayse"],
    )
    assert saved.status_code == 200
    assert saved.json["status"] == "draft"
    assert saved.json["answers"] == {"q2": {"value": 3, "comment": "ok"}}
    assert saved.json["scores"] is None
    refused = client.post(
        url + "/submit",
        json={"client_id": "p", "answers": {"q2": {"value": 3}}},
        headers=world["ayse"],
    )
    assert refused.status_code == 422
    assert set(refused.json["error"]["fields"]) == {
        "answers.q1",
        "answers.q3",
        "visited_on",
        "time_in",
        "time_out",
    }
    assert (
        client.get(f"/api/v1/visits/{saved.json['id']}", headers=world["ayse"]).json["status"]
        == "draft"
    )


@pytest.mark.parametrize(
    "answers, field",
    [
        ({"q2": {"value": 9}}, "answers.q2"),
        ({"q1": {"value": "na"}}, "answers.q1"),
        ({"q3": {"value": "z"}}, "answers.q3"),
        ({"nope": {"value": 1}}, "answers.nope"),
        ({"q1": "yes"}, "answers.q1"),
    ],
)
def test_wrong_answers_are_refused_naming_the_question(client, world, answers, field) -> None:
    response = client.put(
        f"/api/v1/assignments/{world['assignment']}/visit",
        json={"answers": answers},
        headers=world["ayse"],
    )
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == [field]


@pytest.mark.parametrize(
    "body", [[], "x", {"visited_on": "23/11/2026"}, {"time_in": "25:00"}, {"answers": []}]
)
def test_malformed_visit_bodies_are_clear_errors(client, world, body) -> None:
    response = client.put(
        f"/api/v1/assignments/{world['assignment']}/visit", json=body, headers=world["ayse"]
    )
    assert response.status_code == 422
    assert response.json["error"]["message"]


def test_another_shoppers_assignment_and_visit_answer_404(client, world) -> None:
    visit_id = _submit(client, world, VISIT_A).json["id"]
    base = f"/api/v1/assignments/{world['assignment']}"
    assert client.get(base, headers=world["erik"]).status_code == 404
    assert client.put(base + "/visit", json={}, headers=world["erik"]).status_code == 404
    assert client.post(base + "/visit/submit", json={}, headers=world["erik"]).status_code == 404
    assert client.get(f"/api/v1/visits/{visit_id}", headers=world["erik"]).status_code == 404
    assert client.get(f"/api/v1/visits/{visit_id}", headers=world["owner"]).status_code == 200


def test_return_fix_resubmit_approve_and_the_trail(client, world) -> None:
    visit_id = _submit(client, world, VISIT_B).json["id"]
    review = f"/api/v1/visits/{visit_id}/review"
    no_note = client.post(review, json={"decision": "return"}, headers=world["coordinator"])
    assert no_note.status_code == 422
    unknown = client.post(
        review,
        json={"decision": "return", "note": "Q1", "questions": ["q1", "q9"]},
        headers=world["coordinator"],
    )
    assert unknown.status_code == 422
    assert unknown.json["error"]["message"] == "The checklist of this report has no question q9."
    returned = client.post(
        review,
        json={
            "decision": "return",
            "note": "Q1: check the greeting again",
            "questions": ["q3", "q1"],
        },
        headers=world["coordinator"],
    )
    assert returned.json["status"] == "returned"
    assert returned.json["review_note"] == "Q1: check the greeting again"
    # Named in the checklist's order, whatever order they were sent in.
    assert returned.json["returned_questions"] == ["q1", "q3"]
    # The shopper sees the note and the questions, fixes and resubmits (a new client id
    # for the new submission).
    mine = client.get(f"/api/v1/visits/{visit_id}", headers=world["ayse"]).json
    assert mine["review_note"] == "Q1: check the greeting again"
    assert mine["returned_questions"] == ["q1", "q3"]
    fixed = _submit(client, world, VISIT_A, client_id="phone-1-fix")
    assert fixed.json["status"] == "submitted"
    assert fixed.json["scores"]["overall"] == 78.0
    approved = client.post(review, json={"decision": "approve"}, headers=world["coordinator"])
    assert approved.json["status"] == "approved"
    assert approved.json["returned_questions"] == []
    events = client.get(
        f"/api/v1/assignments/{world['assignment']}/events", headers=world["coordinator"]
    ).json["items"]
    assert [(e["action"], e["actor"]) for e in events] == [
        ("created", "coordinator@test.example"),
        ("submitted", "ayse@test.example"),
        ("returned", "coordinator@test.example"),
        ("submitted", "ayse@test.example"),
        ("approved", "coordinator@test.example"),
    ]
    assert events[2]["note"] == "Q1: check the greeting again"


def test_illegal_transitions_are_refused_and_change_nothing(client, world) -> None:
    base = f"/api/v1/assignments/{world['assignment']}"
    visit_id = _submit(client, world, VISIT_A).json["id"]
    review = f"/api/v1/visits/{visit_id}/review"
    assert client.put(base + "/visit", json={}, headers=world["ayse"]).status_code == 409
    assert client.post(base + "/cancel", headers=world["coordinator"]).status_code == 409
    reassign = client.post(
        base + "/reassign", json={"shopper": "erik@test.example"}, headers=world["coordinator"]
    )
    assert reassign.status_code == 409
    client.post(review, json={"decision": "approve"}, headers=world["coordinator"])
    assert (
        client.post(review, json={"decision": "approve"}, headers=world["coordinator"]).status_code
        == 409
    )
    assert (
        client.post(
            review, json={"decision": "return", "note": "x"}, headers=world["coordinator"]
        ).status_code
        == 409
    )
    assert _submit(client, world, VISIT_B, client_id="phone-9").status_code == 409
    visit = client.get(f"/api/v1/visits/{visit_id}", headers=world["coordinator"]).json
    assert visit["status"] == "approved"
    assert visit["scores"]["overall"] == 78.0
    withdrawn = client.post(review, json={"decision": "withdraw"}, headers=world["coordinator"])
    assert withdrawn.json["status"] == "submitted"


def test_cancel_and_reassign_before_submission(app, client, world) -> None:
    base = f"/api/v1/assignments/{world['assignment']}"
    client.put(base + "/visit", json={"answers": {"q2": {"value": 2}}}, headers=world["ayse"])
    moved = client.post(
        base + "/reassign", json={"shopper": "erik@test.example"}, headers=world["coordinator"]
    )
    assert moved.json["shopper"] == "erik@test.example"
    assert moved.json["status"] == "assigned"
    assert moved.json["visit_id"] is None
    assert client.get(base, headers=world["ayse"]).status_code == 404
    cancelled = client.post(
        base + "/cancel", json={"note": "store closed"}, headers=world["coordinator"]
    )
    assert cancelled.json["status"] == "cancelled"
    assert client.put(base + "/visit", json={}, headers=world["erik"]).status_code == 409


def test_many_assignments_are_created_all_or_nothing(client, world) -> None:
    day = date.today().isoformat()
    item = {
        "store": "IST-01",
        "checklist": "worked",
        "shopper": "erik@test.example",
        "first_day": day,
        "last_day": day,
    }
    refused = client.post(
        "/api/v1/assignments",
        json={
            "items": [
                item,
                {**item, "store": "NOPE"},
                {**item, "shopper": "owner@test.example", "last_day": "2000-01-01"},
            ]
        },
        headers=world["coordinator"],
    )
    assert refused.status_code == 422
    assert set(refused.json["error"]["fields"]) == {
        "items[1].store",
        "items[2].shopper",
        "items[2].last_day",
    }
    before = client.get("/api/v1/assignments", headers=world["coordinator"]).json["total"]
    assert before == 1
    created = client.post(
        "/api/v1/assignments", json={"items": [item, item]}, headers=world["coordinator"]
    )
    assert created.status_code == 201
    assert [a["status"] for a in created.json["items"]] == ["assigned", "assigned"]
    single = client.post("/api/v1/assignments", json=item, headers=world["coordinator"])
    assert single.status_code == 201 and single.json["shopper"] == "erik@test.example"
    filtered = client.get(
        "/api/v1/assignments?shopper=erik@test.example&status=assigned",
        headers=world["coordinator"],
    ).json
    assert filtered["total"] == 3
    bad = client.get("/api/v1/assignments?status=lost", headers=world["coordinator"])
    assert bad.status_code == 400


def test_approve_many_is_all_or_nothing(app, client, world) -> None:
    second = assign(app, "ayse@test.example")
    first_visit = _submit(client, world, VISIT_A).json["id"]
    second_visit = client.post(
        f"/api/v1/assignments/{second}/visit/submit",
        json=visit_body(VISIT_A, "other"),
        headers=world["ayse"],
    ).json["id"]
    client.post(
        f"/api/v1/visits/{second_visit}/review",
        json={"decision": "approve"},
        headers=world["coordinator"],
    )
    refused = client.post(
        "/api/v1/visits/approve",
        json={"ids": [first_visit, second_visit]},
        headers=world["coordinator"],
    )
    assert refused.status_code == 409
    assert (
        client.get(f"/api/v1/visits/{first_visit}", headers=world["coordinator"]).json["status"]
        == "submitted"
    )
    done = client.post(
        "/api/v1/visits/approve", json={"ids": [first_visit]}, headers=world["coordinator"]
    )
    assert done.json == {"approved": 1}


def test_owner_changes_nothing(client, world) -> None:
    visit_id = _submit(client, world, VISIT_A).json["id"]
    base = f"/api/v1/assignments/{world['assignment']}"
    for method, path, body in [
        ("post", "/api/v1/assignments", {}),
        ("patch", base, {}),
        ("post", base + "/cancel", {}),
        ("post", base + "/reassign", {}),
        ("put", base + "/visit", {}),
        ("post", base + "/visit/submit", {}),
        ("post", f"/api/v1/visits/{visit_id}/review", {"decision": "approve"}),
        ("post", "/api/v1/visits/approve", {"ids": [visit_id]}),
    ]:
        assert (
            getattr(client, method)(path, json=body, headers=world["owner"]).status_code == 403
        ), path
    assert client.get("/api/v1/assignments", headers=world["owner"]).status_code == 403


def test_a_late_submission_is_marked_late(app, client, world) -> None:
    late = assign(
        app,
        "ayse@test.example",
        first_day=date.today() - timedelta(days=10),
        last_day=date.today() - timedelta(days=2),
    )
    visit = client.post(
        f"/api/v1/assignments/{late}/visit/submit",
        json=visit_body(VISIT_A, "late"),
        headers=world["ayse"],
    ).json
    assert visit["submitted_late"] is True
    assert _submit(client, world, VISIT_A).json["submitted_late"] is False


def _photo_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    ifd = exif.get_ifd(0x8769)
    ifd[0x9003] = "2026:11:20 14:32:05"
    ifd[0x9011] = "+03:00"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (41.0, 0.0, 0.0)
    return exif


def _fetch(client, url, headers) -> tuple[int, bytes]:
    """GET a file and close the streamed response."""
    with client.get(url, headers=headers) as response:
        return response.status_code, response.get_data()


def _upload(client, world, visit_id, data, question="receipt", who="ayse", name="r.jpg"):
    """Send a photo as the phone does; the response is read and closed."""
    # Encoded in memory: the test client would spool a large body to a temp
    # file it never closes.
    boundary, body = encode_multipart(
        MultiDict({"question": question, "file": FileStorage(io.BytesIO(data), name)})
    )
    with client.post(
        f"/api/v1/visits/{visit_id}/photos",
        data=body,
        content_type=f'multipart/form-data; boundary="{boundary}"',
        headers=world[who],
    ) as response:
        response.get_data()
        return response


def _photo_world(app, client, world) -> int:
    import_checklist(
        app,
        {
            "format": "shopper-checklist/1",
            "code": "receipt-check",
            "title": "Receipt",
            "sections": [
                {
                    "code": "s",
                    "title": "S",
                    "questions": [
                        {"code": "thanked", "type": "yes_no", "text": "Thanked?", "points": 5},
                        {
                            "code": "receipt",
                            "type": "photo",
                            "text": "Receipt",
                            "photo": "required",
                        },
                    ],
                }
            ],
        },
    )
    assignment = assign(app, "ayse@test.example", checklist="receipt-check")
    saved = client.put(
        f"/api/v1/assignments/{assignment}/visit", json={"client_id": "c"}, headers=world["ayse"]
    )
    return assignment, saved.json["id"]


def test_photo_is_kept_without_location_or_camera_data_but_with_its_time(
    app, client, world
) -> None:
    _, visit_id = _photo_world(app, client, world)
    response = _upload(client, world, visit_id, jpeg(1200, 900, _photo_exif()))
    assert response.status_code == 201, response.json
    assert {k: response.json[k] for k in ("question", "width", "height")} == {
        "question": "receipt",
        "width": 1200,
        "height": 900,
    }
    assert response.json["taken_at"] == "2026-11-20T11:32:05+00:00"
    status, stored = _fetch(client, response.json["url"], world["ayse"])
    assert status == 200
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {}
        assert image.size == (1200, 900)
    _, thumb = _fetch(client, response.json["thumbnail_url"], world["ayse"])
    with Image.open(io.BytesIO(thumb)) as image:
        assert max(image.size) == 320
    # Only people who may see the visit get the file.
    assert _fetch(client, response.json["url"], world["erik"])[0] == 404
    assert _fetch(client, response.json["url"], world["owner"]) == (200, stored)
    with app.app_context():
        photo = db.session.execute(db.select(Photo)).scalar_one()
        assert len(photo.sha256) == 64


def test_a_photo_sent_again_is_kept_once(app, client, world) -> None:
    _, visit_id = _photo_world(app, client, world)
    first = _upload(client, world, visit_id, jpeg(800, 600))
    again = _upload(client, world, visit_id, jpeg(800, 600))  # the phone never saw the answer
    other = _upload(client, world, visit_id, jpeg(600, 800))
    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 201)
    assert again.json == first.json
    assert other.json["id"] != first.json["id"]
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Photo.id))).scalar_one() == 2


def test_photos_that_are_not_images_too_large_or_bombs_are_refused(app, client, world) -> None:
    _, visit_id = _photo_world(app, client, world)
    not_image = _upload(client, world, visit_id, b"%PDF-1.4 not a photo")
    assert not_image.status_code == 422
    assert "not a photo we can read" in not_image.json["error"]["message"]
    too_large = _upload(client, world, visit_id, b"\xff" * (15 * 1024 * 1024 + 10))
    assert too_large.status_code == 413
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, "PNG")
    refused = _upload(client, world, visit_id, bomb.getvalue(), name="bomb.png")
    assert refused.status_code == 422
    assert "too many pixels" in refused.json["error"]["message"]
    wrong_question = _upload(client, world, visit_id, jpeg(), question="thanked")
    assert wrong_question.status_code == 422
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Photo.id))).scalar_one() == 0


def test_a_required_photo_missing_blocks_submit_until_uploaded(app, client, world) -> None:
    assignment, visit_id = _photo_world(app, client, world)
    body = visit_body({"thanked": "yes"}, "c")
    url = f"/api/v1/assignments/{assignment}/visit/submit"
    refused = client.post(url, json=body, headers=world["ayse"])
    assert refused.status_code == 422
    assert list(refused.json["error"]["fields"]) == ["answers.receipt"]
    _upload(client, world, visit_id, jpeg())
    assert client.post(url, json=body, headers=world["ayse"]).json["status"] == "submitted"
    late_photo = _upload(client, world, visit_id, jpeg())
    assert late_photo.status_code == 409


def test_a_shrunk_photo_keeps_the_capture_time_the_phone_sends(app, client, world) -> None:
    _, visit_id = _photo_world(app, client, world)
    boundary, body = encode_multipart(
        MultiDict(
            {
                "question": "receipt",
                "taken_at": "2026-11-21T09:15:00.000Z",
                "file": FileStorage(io.BytesIO(jpeg()), "photo.jpg"),
            }
        )
    )
    response = client.post(
        f"/api/v1/visits/{visit_id}/photos",
        data=body,
        content_type=f'multipart/form-data; boundary="{boundary}"',
        headers=world["ayse"],
    )
    assert response.status_code == 201
    assert response.json["taken_at"] == "2026-11-21T09:15:00+00:00"


@pytest.mark.parametrize("time_out, refused", [("10:04", True), ("10:05", True), ("10:06", False)])
def test_a_time_out_not_after_the_time_in_is_refused(client, world, time_out, refused) -> None:
    response = _submit(client, world, VISIT_A, time_in="10:05", time_out=time_out)
    if refused:
        assert response.status_code == 422
        assert response.json["error"]["fields"] == {
            "time_out": "The time out must be after the time in."
        }
    else:
        assert response.status_code == 200


def test_a_review_note_over_4000_characters_is_refused_for_every_decision(client, world) -> None:
    visit_id = _submit(client, world, VISIT_A).json["id"]
    review = f"/api/v1/visits/{visit_id}/review"
    too_long = {
        "code": "invalid",
        "message": "The note is longer than 4000 characters.",
        "fields": {"note": "too_long"},
    }
    for decision in ("return", "approve"):
        refused = client.post(
            review, json={"decision": decision, "note": "x" * 4001}, headers=world["coordinator"]
        )
        assert refused.status_code == 422
        assert refused.json["error"] == too_long
    approved = client.post(
        review, json={"decision": "approve", "note": "x" * 4000}, headers=world["coordinator"]
    )
    assert approved.json["status"] == "approved"
    refused = client.post(
        review, json={"decision": "withdraw", "note": "x" * 4001}, headers=world["coordinator"]
    )
    assert refused.status_code == 422 and refused.json["error"] == too_long
    mine = client.get(f"/api/v1/visits/{visit_id}", headers=world["coordinator"]).json
    assert mine["status"] == "approved"
