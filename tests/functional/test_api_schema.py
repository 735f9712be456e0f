"""schemathesis against a live server: every operation of /api/v1/openapi.json, for each role.

The document is made from the schemas the API validates and answers with; this
test holds the API to it from outside: no 5xx, only declared status codes and
media types, and every answer matching its declared schema. Half the cases
name real objects of a seeded database (stores, checklists, people, visits,
assignments in each status), so that successful answers are checked too, not
only the 404s of random ids.
"""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import VISIT_A, assign, import_checklist, jpeg, make_store, visit_body
from tests.support.web import make_user

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 25
RECEIPT = {
    "format": "shopper-checklist/1",
    "code": "receipt-check",
    "title": "Receipt",
    "sections": [
        {
            "code": "s",
            "title": "S",
            "questions": [
                {"code": "thanked", "type": "yes_no", "text": "Thanked?", "points": 5},
                {"code": "receipt", "type": "photo", "text": "Receipt", "photo": "required"},
            ],
        }
    ],
}
ROLES = ("shopper", "owner", "coordinator")  # the coordinator last: it changes the most


def _seed(app, client, auth) -> dict[str, Any]:
    """People of each role, two stores, a checklist with a draft, assignments in each status."""
    make_user(app, "coordinator", "coordinator@test.example")
    make_user(app, "owner", "owner@test.example")
    make_user(app, "shopper", "ayse@test.example")
    make_user(app, "shopper", "erik@test.example")
    make_store(app)
    make_store(app, "STO-01", region="Svealand", competitor=True)
    import_checklist(app)
    tokens = {
        "coordinator": auth.api_token("coordinator@test.example"),
        "owner": auth.api_token("owner@test.example"),
        "shopper": auth.api_token("ayse@test.example"),
    }
    ids = {status: assign(app, "ayse@test.example") for status in ("assigned", "draft")}
    for status in ("submitted", "approved", "returned", "cancelled"):
        ids[status] = assign(app, "ayse@test.example", store="STO-01")
    shopper, coordinator = tokens["shopper"], tokens["coordinator"]
    visits = {}
    for status in ("draft", "submitted", "approved", "returned"):
        path = f"/api/v1/assignments/{ids[status]}/visit"
        body = visit_body(VISIT_A, client_id=f"phone-{status}")
        if status == "draft":
            answer = client.put(path, json=body, headers=shopper)
        else:
            answer = client.post(path + "/submit", json=body, headers=shopper)
        assert answer.status_code == 200, answer.json
        visits[status] = answer.json["id"]
    for status, decision in (("approved", "approve"), ("returned", "return")):
        answer = client.post(
            f"/api/v1/visits/{visits[status]}/review",
            json={"decision": decision, "note": "Look at the photo again."},
            headers=coordinator,
        )
        assert answer.status_code == 200, answer.json
    cancelled = client.post(f"/api/v1/assignments/{ids['cancelled']}/cancel", headers=coordinator)
    assert cancelled.status_code == 200, cancelled.json
    import_checklist(app, RECEIPT)
    with_photo = assign(app, "ayse@test.example", checklist="receipt-check")
    saved = client.put(
        f"/api/v1/assignments/{with_photo}/visit", json=visit_body({}), headers=shopper
    )
    assert saved.status_code == 200, saved.json
    uploaded = client.post(
        f"/api/v1/visits/{saved.json['id']}/photos",
        data={"question": "receipt", "file": (io.BytesIO(jpeg()), "r.jpg")},
        headers=shopper,
    )
    assert uploaded.status_code == 201, uploaded.json
    photo_id = uploaded.json["id"]
    opened = client.post(
        "/api/v1/actions",
        json={"store": "IST-01", "title": "Fix the door", "due_on": "2030-01-31"},
        headers=coordinator,
    )
    assert opened.status_code == 201, opened.json
    drafted = client.post("/api/v1/checklists/worked/draft", headers=coordinator)
    assert drafted.status_code == 201, drafted.json
    return {
        "tokens": tokens,
        "path": {
            "assignment_id": list(ids.values()),
            "visit_id": list(visits.values()),
            "photo_id": [photo_id],
            "action_id": [opened.json["id"]],
            "code": ["worked", "IST-01", "STO-01"],
            "number": [1, 2],
            "email": ["ayse@test.example", "erik@test.example", "owner@test.example"],
        },
    }


def _cases(operation, world, base_url, session, headers, counted) -> Any:
    """The hypothesis test of one operation for one person.

    Valid and invalid requests alike (each must get a declared answer); half
    the cases name real objects of the seeded database.
    """
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, real=st.booleans(), pick=st.integers(0, 5))
    def run(case, real: bool, pick: int) -> None:
        if real and case.path_parameters:
            for name in case.path_parameters:
                choices = world["path"].get(name)
                if choices:
                    case.path_parameters[name] = choices[pick % len(choices)]
        counted["cases"] += 1
        response = case.call(base_url=base_url, session=session, headers=headers)
        case.validate_response(response, checks=CHECKS)

    return run


@pytest.mark.slow
def test_every_operation_keeps_to_the_document_for_every_role(
    app, client, auth, live_server, artifacts
):
    world = _seed(app, client, auth)
    document = requests.get(live_server + "/api/v1/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    base_url = live_server + "/api/v1"
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(
        len([m for m in item if m != "parameters"]) for item in document["paths"].values()
    )
    session = requests.Session()
    counted = {"cases": 0}
    failures: list[str] = []
    started = time.monotonic()

    for role in ROLES:
        for operation in operations:
            run = _cases(operation, world, base_url, session, world["tokens"][role], counted)
            try:
                run()
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001  (all failures told)
                failures.append(f"{role} {operation.label}: {error}")

    seconds = time.monotonic() - started
    summary = (
        f"schemathesis: {counted['cases']} cases, {len(operations)} operations, {seconds:.0f} s"
    )
    print(summary)
    database = app.config["SQLALCHEMY_DATABASE_URI"].partition(":")[0]
    (artifacts / f"schemathesis-{database}.txt").write_text(summary + "\n")
    assert failures == [], "\n\n".join(failures)
    assert counted["cases"] >= len(operations) * len(ROLES) * 2


@pytest.mark.slow
def test_the_checks_catch_a_status_the_document_does_not_declare(app, client, auth, live_server):
    """The run above can fail: an answer the document leaves out is reported."""
    make_user(app, "owner", "owner@test.example")
    headers = auth.api_token("owner@test.example")
    document = requests.get(live_server + "/api/v1/openapi.json", timeout=30).json()
    del document["paths"]["/visits/{visit_id}"]["get"]["responses"]["404"]
    schema = schemathesis.openapi.from_dict(document)
    operation = schema["/visits/{visit_id}"]["GET"]
    case = operation.Case(path_parameters={"visit_id": 999})
    response = case.call(base_url=live_server + "/api/v1", headers=headers)
    assert response.status_code == 404
    with pytest.raises(BaseExceptionGroup) as raised:
        case.validate_response(response, checks=CHECKS)
    assert [type(failure).__name__ for failure in raised.value.exceptions] == [
        "UndefinedStatusCode"
    ]
