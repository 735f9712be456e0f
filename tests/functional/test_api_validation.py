"""Bodies and queries checked by the schemas answer in our envelope, naming each bad field."""

from __future__ import annotations

import pytest

from tests.factories import assign, import_checklist, make_store
from tests.support.web import make_user


@pytest.fixture
def world(app, auth):
    make_user(app, "coordinator", "coordinator@test.example")
    make_user(app, "shopper", "ayse@test.example")
    make_store(app)
    import_checklist(app)
    return {
        "assignment": assign(app, "ayse@test.example"),
        "headers": auth.api_token("coordinator@test.example"),
    }


def test_a_missing_field_is_a_422_naming_it(client, world) -> None:
    path = f"/api/v1/assignments/{world['assignment']}/reassign"
    response = client.post(path, json={}, headers=world["headers"])
    assert response.status_code == 422
    assert response.json == {
        "error": {
            "code": "invalid",
            "message": "shopper: Missing data for required field.",
            "fields": {"shopper": "Missing data for required field."},
        }
    }


def test_several_bad_fields_are_each_named(client, world) -> None:
    path = f"/api/v1/assignments/{world['assignment']}"
    body = {"briefing": 5, "colour": "red"}
    response = client.patch(path, json=body, headers=world["headers"])
    assert response.status_code == 422
    assert response.json["error"] == {
        "code": "invalid",
        "message": "Check these fields: briefing, colour.",
        "fields": {"briefing": "Not a valid string.", "colour": "Unknown field."},
    }


def test_a_bad_item_of_a_list_is_named_with_its_index(client, world) -> None:
    body = {"items": [{"store": "IST-01"}, {"store": 7}]}
    response = client.post("/api/v1/assignments", json=body, headers=world["headers"])
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"items[1].store": "Not a valid string."}


def test_a_query_value_not_offered_is_a_400(client, world) -> None:
    response = client.get("/api/v1/assignments?status=lost", headers=world["headers"])
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"
    assert response.json["error"]["fields"] == {"status": "invalid"}
    assert response.json["error"]["message"].startswith("Must be one of: assigned, draft")


def test_a_body_that_is_not_json_is_a_400(client, world) -> None:
    path = f"/api/v1/assignments/{world['assignment']}/reassign"
    as_text = client.post(path, data="shopper=x", headers=world["headers"])
    assert as_text.status_code == 400
    assert as_text.json["error"]["message"] == (
        "Send the body as JSON with Content-Type: application/json."
    )
    broken = client.post(path, data="{", content_type="application/json", headers=world["headers"])
    assert broken.status_code == 400
    assert broken.json["error"]["message"] == "The body is not valid JSON."


def test_an_unknown_assignment_is_a_404_whatever_the_body(client, world) -> None:
    response = client.post(
        "/api/v1/assignments/999999/reassign", json={"nonsense": 1}, headers=world["headers"]
    )
    assert response.status_code == 404


def test_the_cancel_body_is_optional(client, world) -> None:
    path = f"/api/v1/assignments/{world['assignment']}/cancel"
    response = client.post(path, headers=world["headers"])
    assert response.status_code == 200
    assert response.json["status"] == "cancelled"
