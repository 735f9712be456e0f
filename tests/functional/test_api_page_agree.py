"""Page and API give the same answer for the same person and object (issue 13's drift)."""

from __future__ import annotations

import io
import json
import re

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from shopper.services.checklists import MAX_DOCUMENT_BYTES as MAX_IMPORT_BYTES
from tests.factories import (
    VISIT_A,
    WORKED_EXAMPLE,
    assign,
    import_checklist,
    make_store,
    visit_body,
)
from tests.support.web import csrf_token, make_user


@pytest.fixture
def world(app, auth):
    """A coordinator, an owner, a shopper with a submitted report, two stores (one deactivated)."""
    make_user(app, "coordinator", "coordinator@test.example")
    make_user(app, "owner", "owner@test.example")
    make_user(app, "shopper", "ayse@test.example")
    make_store(app)
    make_store(app, "OLD-01", active=False)
    import_checklist(app)
    assignment = assign(app, "ayse@test.example")
    tokens = {
        "coordinator": auth.api_token("coordinator@test.example"),
        "owner": auth.api_token("owner@test.example"),
        "shopper": auth.api_token("ayse@test.example"),
    }
    return {"assignment": assignment, **tokens}


def _submit(client, world) -> int:
    submitted = client.post(
        f"/api/v1/assignments/{world['assignment']}/visit/submit",
        json=visit_body(VISIT_A),
        headers=world["shopper"],
    )
    assert submitted.status_code == 200
    return submitted.json["id"]


def _field_payload(client, assignment: int) -> dict:
    page = client.get(f"/visits/{assignment}").get_data(as_text=True)
    return json.loads(re.search(r'id="field-data">(.*?)</script>', page).group(1))


def test_a_returned_report_shows_no_scores_on_the_phone_page_or_the_api(client, auth, world):
    visit_id = _submit(client, world)
    shown = client.get(f"/api/v1/visits/{visit_id}", headers=world["coordinator"]).json
    assert shown["scores"]["overall"] is not None
    returned = client.post(
        f"/api/v1/visits/{visit_id}/review",
        json={"decision": "return", "note": "The receipt photo is missing."},
        headers=world["coordinator"],
    )
    assert returned.status_code == 200
    assert returned.json["status"] == "returned"
    assert returned.json["scores"] is None
    for role in ("coordinator", "owner", "shopper"):
        assert client.get(f"/api/v1/visits/{visit_id}", headers=world[role]).json["scores"] is None
    auth.sign_in("ayse@test.example")
    assert _field_payload(client, world["assignment"])["visit"]["scores"] is None


def test_an_owner_reads_a_draft_version_on_the_page_and_in_the_api(app, client, auth, world):
    drafted = client.post("/api/v1/checklists/worked/draft", headers=world["coordinator"])
    assert drafted.status_code == 201
    number = drafted.json["version"]
    assert number == 2
    auth.sign_in("owner@test.example")
    assert client.get(f"/checklists/worked/versions/{number}").status_code == 200
    api = client.get(f"/api/v1/checklists/worked/versions/{number}", headers=world["owner"])
    assert api.status_code == 200
    assert api.json["version"] == 2 and api.json["title"] == WORKED_EXAMPLE["title"]
    # A shopper reads the published version of a checklist assigned to them, never the draft.
    shopper = world["shopper"]
    assert client.get("/api/v1/checklists/worked/versions/1", headers=shopper).status_code == 200
    assert client.get("/api/v1/checklists/worked/versions/2", headers=shopper).status_code == 404
    assert client.get("/api/v1/checklists/worked", headers=shopper).json["version"] == 1


def _page_codes(client, query: str = "") -> list[str]:
    page = client.get("/stores" + query).get_data(as_text=True)
    return re.findall(r"<td><code>([^<]+)</code></td>", page)


def _api_codes(client, world, query: str = "") -> list[str]:
    answer = client.get("/api/v1/stores" + query, headers=world["owner"]).json
    return [store["code"] for store in answer["items"]]


@pytest.mark.parametrize("query", ["", "?active=yes", "?active=no", "?active=all", "?active="])
def test_the_store_list_shows_the_same_stores_on_the_page_and_in_the_api(
    client, auth, world, query
):
    auth.sign_in("owner@test.example")
    assert _page_codes(client, query) == _api_codes(client, world, query)
    assert _api_codes(client, world) == ["IST-01"]


def test_a_checklist_over_2_mb_is_refused_by_the_page_and_the_api(client, auth, world):
    big = {**WORKED_EXAMPLE, "code": "big", "description": "x" * MAX_IMPORT_BYTES}
    api = client.post("/api/v1/checklists", json=big, headers=world["coordinator"])
    assert api.status_code == 413
    assert api.json["error"] == {
        "code": "too_large",
        "message": "A checklist document may be at most 2 MB; this one is larger.",
    }
    auth.sign_in("coordinator@test.example")
    form = client.get("/checklists/import")
    # Encoded here, not by the test client, which leaves its spooled temporary file open.
    boundary, body = encode_multipart(
        MultiDict(
            {
                "csrf_token": csrf_token(form),
                "file": FileStorage(io.BytesIO(json.dumps(big).encode()), "big.json"),
            }
        )
    )
    page = client.post(
        "/checklists/import",
        data=body,
        content_type=f'multipart/form-data; boundary="{boundary}"',
    )
    assert page.status_code == 422
    assert "The file is larger than 2 MB." in page.get_data(as_text=True)
    assert client.get("/api/v1/checklists/big", headers=world["coordinator"]).status_code == 404


def test_review_decisions_answer_alike_on_the_page_and_in_the_api(app, client, auth, world):
    visit_id = _submit(client, world)
    api = client.post(
        f"/api/v1/visits/{visit_id}/review",
        json={"decision": "return"},
        headers=world["coordinator"],
    )
    assert api.status_code == 422
    assert api.json["error"]["message"] == "Write a note telling the shopper what to fix."
    auth.sign_in("coordinator@test.example")
    review = client.get(f"/review/{visit_id}")
    page = client.post(
        f"/review/{visit_id}", data={"csrf_token": csrf_token(review), "decision": "return"}
    )
    assert page.status_code == 422
    assert "Write a note telling the shopper what to fix." in page.get_data(as_text=True)

    odd = client.post(
        f"/api/v1/visits/{visit_id}/review",
        json={"decision": "maybe"},
        headers=world["coordinator"],
    )
    assert odd.status_code == 422
    message = odd.json["error"]["message"]
    assert message == 'decision must be "approve", "return" or "withdraw".'
    review = client.get(f"/review/{visit_id}")
    page = client.post(
        f"/review/{visit_id}",
        data={"csrf_token": csrf_token(review), "decision": "maybe"},
        follow_redirects=True,
    )
    assert "decision must be &#34;approve&#34;, &#34;return&#34; or &#34;withdraw&#34;." in (
        page.get_data(as_text=True)
    )
    # Approved on the page, the API shows it approved with scores, and the reverse.
    review = client.get(f"/review/{visit_id}")
    client.post(
        f"/review/{visit_id}", data={"csrf_token": csrf_token(review), "decision": "approve"}
    )
    shown = client.get(f"/api/v1/visits/{visit_id}", headers=world["owner"]).json
    assert shown["status"] == "approved" and shown["scores"] is not None
    withdrawn = client.post(
        f"/api/v1/visits/{visit_id}/review",
        json={"decision": "withdraw"},
        headers=world["coordinator"],
    )
    assert withdrawn.json["status"] == "submitted"
    assert client.get(f"/review/{visit_id}").status_code == 200
