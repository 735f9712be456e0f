"""Coordinators set a checklist's targets (overall and per section); owners read them."""

from __future__ import annotations

import html
import re
import threading

import pytest

from shopper.extensions import db
from shopper.models import Checklist, Role
from tests.factories import WORKED_EXAMPLE, import_checklist
from tests.support.web import csrf_token, make_user

URL = "/api/v1/checklists/worked/targets"


@pytest.fixture
def people(app, auth) -> dict[str, dict[str, str]]:
    """A checklist and a token per role."""
    import_checklist(app)
    headers = {}
    for role in Role:
        email = f"{role}@test.example"
        make_user(app, role, email)
        headers[role] = auth.api_token(email)
    return headers


def _stored(app) -> dict:
    with app.app_context():
        return db.session.execute(db.select(Checklist.targets)).scalar_one()


def test_no_targets_until_a_coordinator_sets_them(client, people) -> None:
    answer = client.get(URL, headers=people[Role.OWNER])
    assert answer.status_code == 200
    assert answer.json == {"overall": None, "sections": {"welcome": None, "checkout": None}}


def test_a_coordinator_sets_them_and_an_owner_reads_them(app, client, people) -> None:
    body = {"overall": 85, "sections": {"welcome": 90.5, "checkout": None}}
    answer = client.put(URL, json=body, headers=people[Role.COORDINATOR])
    assert answer.status_code == 200, answer.json
    assert answer.json == {"overall": 85.0, "sections": {"welcome": 90.5, "checkout": None}}
    assert _stored(app) == {"overall": 85.0, "sections": {"welcome": 90.5}}
    assert client.get(URL, headers=people[Role.OWNER]).json == answer.json
    assert client.get(URL, headers=people[Role.COORDINATOR]).json == answer.json


def test_setting_replaces_them_whole_and_null_clears(client, people) -> None:
    coordinator = people[Role.COORDINATOR]
    client.put(URL, json={"overall": 85, "sections": {"welcome": 90}}, headers=coordinator)
    answer = client.put(URL, json={"sections": {"checkout": 0}}, headers=coordinator)
    assert answer.json == {"overall": None, "sections": {"welcome": None, "checkout": 0.0}}
    cleared = client.put(URL, json={"overall": None, "sections": None}, headers=coordinator)
    assert cleared.json == {"overall": None, "sections": {"welcome": None, "checkout": None}}
    edges = client.put(URL, json={"overall": 100, "sections": {"welcome": 0}}, headers=coordinator)
    assert edges.json == {"overall": 100.0, "sections": {"welcome": 0.0, "checkout": None}}


@pytest.mark.parametrize(
    ("body", "message", "fields"),
    [
        (
            {"overall": 101},
            "overall: must be a number from 0 to 100, or null.",
            {"overall": "overall: must be a number from 0 to 100, or null."},
        ),
        (
            {"overall": -0.5},
            "overall: must be a number from 0 to 100, or null.",
            {"overall": "overall: must be a number from 0 to 100, or null."},
        ),
        (
            {"overall": "85"},
            "overall: must be a number from 0 to 100, or null.",
            {"overall": "overall: must be a number from 0 to 100, or null."},
        ),
        (
            {"overall": True},
            "overall: must be a number from 0 to 100, or null.",
            {"overall": "overall: must be a number from 0 to 100, or null."},
        ),
        (
            {"sections": {"welcom": 90}},
            "sections.welcom: no section has this code.",
            {"sections.welcom": "sections.welcom: no section has this code."},
        ),
        (
            {"sections": {"welcome": 100.01}},
            "sections.welcome: must be a number from 0 to 100, or null.",
            {"sections.welcome": "sections.welcome: must be a number from 0 to 100, or null."},
        ),
        (
            {"sections": [90]},
            "sections: must be an object of section codes and targets.",
            {"sections": "sections: must be an object of section codes and targets."},
        ),
        (
            {"overall": 80, "target": 90},
            "target: not a field of the targets; use overall and sections.",
            {"target": "target: not a field of the targets; use overall and sections."},
        ),
        (
            {"overall": 200, "sections": {"welcom": 90, "checkout": "high"}},
            "The targets have 3 problems; fix them and try again.",
            {
                "overall": "overall: must be a number from 0 to 100, or null.",
                "sections.welcom": "sections.welcom: no section has this code.",
                "sections.checkout": "sections.checkout: must be a number from 0 to 100, or null.",
            },
        ),
        (
            [85],
            "The body must be a JSON object.",
            {"body": "object"},
        ),
    ],
)
def test_bad_targets_are_refused_with_their_path(
    app, client, people, body, message, fields
) -> None:
    coordinator = people[Role.COORDINATOR]
    client.put(URL, json={"overall": 70}, headers=coordinator)
    answer = client.put(URL, json=body, headers=coordinator)
    assert answer.status_code == 422
    assert answer.json["error"]["message"] == message
    assert answer.json["error"]["fields"] == fields
    assert _stored(app) == {"overall": 70.0, "sections": {}}


def test_section_codes_are_the_latest_published_versions(app, client, people) -> None:
    coordinator = people[Role.COORDINATOR]
    renamed = {
        **WORKED_EXAMPLE,
        "sections": [{**WORKED_EXAMPLE["sections"][0], "code": "greeting"}],
    }
    assert client.post("/api/v1/checklists", json=renamed, headers=coordinator).status_code == 201
    old = client.put(URL, json={"sections": {"welcome": 90}}, headers=coordinator)
    assert old.status_code == 422
    assert old.json["error"]["message"] == "sections.welcome: no section has this code."
    new = client.put(URL, json={"sections": {"greeting": 90}}, headers=coordinator)
    assert new.json == {"overall": None, "sections": {"greeting": 90.0}}
    assert _stored(app) == {"overall": None, "sections": {"greeting": 90.0}}


@pytest.mark.parametrize(
    ("role", "get_status", "put_status"),
    [
        (Role.COORDINATOR, 200, 200),
        (Role.OWNER, 200, 403),
        (Role.SHOPPER, 403, 403),
        (Role.MANAGER, 403, 403),
    ],
)
def test_who_reads_and_sets_targets(app, client, people, role, get_status, put_status) -> None:
    assert client.get(URL, headers=people[role]).status_code == get_status
    put = client.put(URL, json={"overall": 50}, headers=people[role])
    assert put.status_code == put_status
    assert _stored(app) == ({"overall": 50.0, "sections": {}} if put_status == 200 else {})


def test_unknown_checklist_and_no_sign_in(client, people) -> None:
    missing = client.put(
        "/api/v1/checklists/nope/targets", json={}, headers=people[Role.COORDINATOR]
    )
    assert missing.status_code == 404
    assert (
        client.get("/api/v1/checklists/nope/targets", headers=people[Role.OWNER]).status_code == 404
    )
    assert client.get(URL).status_code == 401
    assert client.put(URL, json={"overall": 1}).status_code == 401


def test_two_coordinators_at_once_leave_one_whole_set(app, client, people) -> None:
    coordinator = people[Role.COORDINATOR]
    bodies = [
        {"overall": 10, "sections": {"welcome": 11, "checkout": 12}},
        {"overall": 20, "sections": {"welcome": 21, "checkout": 22}},
    ]
    answers = []
    start = threading.Barrier(len(bodies))

    def put(body: dict) -> None:
        with app.test_client() as own:
            start.wait()
            answers.append(own.put(URL, json=body, headers=coordinator).status_code)

    threads = [threading.Thread(target=put, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200, 200]
    stored = _stored(app)
    assert stored in [
        {
            "overall": float(b["overall"]),
            "sections": {k: float(v) for k, v in b["sections"].items()},
        }
        for b in bodies
    ]


# The checklist page --------------------------------------------------------

PAGE = "/checklists/worked"


def _error_of(page: str, field: str) -> str | None:
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', page)
    return html.unescape(found.group(1)) if found else None


def test_a_coordinator_sets_targets_on_the_checklist_page(app, client, auth, people) -> None:
    auth.sign_in(f"{Role.COORDINATOR}@test.example")
    page = client.get(PAGE)
    text = page.get_data(as_text=True)
    assert 'action="/checklists/worked/targets"' in text
    assert '<label for="section_0">Welcome</label>' in text
    assert '<label for="section_1">Checkout</label>' in text
    saved = client.post(
        "/checklists/worked/targets",
        data={
            "csrf_token": csrf_token(page),
            "overall": "85",
            "section_0": "90,5",
            "section_1": "",
        },
    )
    assert saved.status_code == 302
    assert saved.location == PAGE
    assert _stored(app) == {"overall": 85.0, "sections": {"welcome": 90.5}}
    again = client.get(PAGE).get_data(as_text=True)
    assert "The targets are saved." in again
    assert re.search(r'id="overall"[^>]*value="85.0"', again)
    assert re.search(r'id="section_0"[^>]*value="90.5"', again)
    assert re.search(r'id="section_1"[^>]*value=""', again)


def test_bad_targets_on_the_page_show_beside_their_fields(app, client, auth, people) -> None:
    auth.sign_in(f"{Role.COORDINATOR}@test.example")
    page = client.get(PAGE)
    refused = client.post(
        "/checklists/worked/targets",
        data={"csrf_token": csrf_token(page), "overall": "150", "section_0": "high"},
    )
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    message = "Enter a number from 0 to 100, or leave it empty for no target."
    assert _error_of(text, "overall") == message
    assert _error_of(text, "section_0") == message
    assert _error_of(text, "section_1") is None
    assert _stored(app) == {}


def test_the_page_form_needs_its_csrf_token(app, client, auth, people) -> None:
    auth.sign_in(f"{Role.COORDINATOR}@test.example")
    refused = client.post("/checklists/worked/targets", data={"overall": "50"})
    assert refused.status_code == 400
    assert _stored(app) == {}


def test_an_owner_reads_the_targets_without_a_form(client, auth, people) -> None:
    coordinator = people[Role.COORDINATOR]
    client.put(URL, json={"overall": 85, "sections": {"checkout": 40}}, headers=coordinator)
    auth.sign_in(f"{Role.OWNER}@test.example")
    text = client.get(PAGE).get_data(as_text=True)
    assert "/checklists/worked/targets" not in text
    read = re.search(r'<dl class="targets-read">(.*?)</dl>', text, re.S).group(1)
    pairs = re.findall(r"<dt>([^<]*)</dt>\s*<dd>([^<]*)</dd>", read)
    assert pairs == [
        ("Overall", "85.0%"),
        ("Welcome", "No target"),
        ("Checkout", "40.0%"),
    ]
