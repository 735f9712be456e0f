"""Bad input never answers 500: huge ids, odd page numbers, deep JSON, NUL, oversized bodies."""

from __future__ import annotations

import html
import io
import json
import re
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from shopper.domain.answers import MAX_PHOTOS_PER_QUESTION
from shopper.domain.json_text import MAX_DEPTH
from shopper.extensions import db
from shopper.models import Photo
from shopper.request_limits import LARGEST_ID
from shopper.services.csv_files import MAX_CSV_ROWS
from tests.factories import VISIT_A, assign, import_checklist, jpeg, make_store, visit_body
from tests.functional.test_stores import _row_errors
from tests.functional.test_stores import _upload as _upload_stores
from tests.functional.test_visits_api import _photo_world, _upload
from tests.support.web import csrf_token, make_user

HUGE = "99999999999999999999999"
NESTED = "[" * 100_000
API_LISTS = ["/api/v1/assignments", "/api/v1/checklists", "/api/v1/stores", "/api/v1/users"]


@pytest.fixture
def world(app, auth):
    """A signed-in coordinator (session and token), a shopper, a store, a checklist, a visit."""
    make_user(app, "shopper", "ayse@test.example")
    make_store(app)
    import_checklist(app)
    auth.sign_in_as("coordinator")
    assignment = assign(app, "ayse@test.example")
    return {
        "coordinator": auth.api_token("coordinator@test.example"),
        "ayse": auth.api_token("ayse@test.example"),
        "assignment": assignment,
    }


def _rules(app, converter: str | None = None):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        if converter and f"<{converter}:" not in rule.rule:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule.rule


def _fill(rule: str, number: str = HUGE) -> str:
    return re.sub(r"<[^>]+>", "x", re.sub(r"<int:[^>]+>", number, rule))


def _new_store_from_text(client, world, body: str | bytes):
    """POST a raw body, declared as JSON, to the store API."""
    return client.post(
        "/api/v1/stores", data=body, content_type="application/json", headers=world["coordinator"]
    )


def test_every_integer_id_past_the_database_is_an_unknown_id(app, client, world) -> None:
    routes = list(_rules(app, "int"))
    assert len(routes) >= 25
    for method, rule in routes:
        for headers in ({}, world["coordinator"], world["ayse"]):
            unknown = client.open(_fill(rule, "999999"), method=method, headers=headers)
            for number in (HUGE, str(2**63), str(LARGEST_ID + 1)):
                response = client.open(_fill(rule, number), method=method, headers=headers)
                assert response.status_code == unknown.status_code, (method, rule, number)
                assert response.status_code in (302, 400, 401, 403, 404), (method, rule, number)
    api = client.get(f"/api/v1/photos/{HUGE}", headers=world["coordinator"])
    assert api.status_code == 404
    assert api.json["error"]["code"] == "not_found"
    for path in (f"/review/{HUGE}", f"/assignments/{HUGE}", f"/review/{HUGE}/report.pdf"):
        page = client.get(path)
        assert page.status_code == 404, path
        assert "<html" in page.get_data(as_text=True)
    # The largest id the column holds is still looked up, and is simply absent.
    assert client.get(f"/api/v1/visits/{LARGEST_ID}", headers=world["ayse"]).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "page=9223372036854775807",
        "page=99999999999999999999",
        "page=%C2%B2",
        "per_page=%C2%B2",
        "page=%D9%A3",
        "page=0",
        "page=-1",
        "per_page=201",
        "page=1000001",
    ],
)
def test_a_page_number_that_is_not_1_to_a_million_is_a_400(client, world, query) -> None:
    name = query.partition("=")[0]
    for path in API_LISTS:
        response = client.get(f"{path}?{query}", headers=world["coordinator"])
        assert response.status_code == 400, (path, query)
        assert response.json["error"]["fields"] == {name: "invalid"}
        assert response.json["error"]["message"].startswith(f"{name} must be a whole number from 1")
    page = client.get(f"/assignments?{query}")
    if name == "page":
        assert page.status_code == 400
        assert "page must be a whole number from 1 to 1000000." in page.get_data(as_text=True)


def test_a_page_past_the_end_is_empty(client, world) -> None:
    for path in API_LISTS:
        response = client.get(f"{path}?page=1000000&per_page=200", headers=world["coordinator"])
        assert response.status_code == 200, path
        assert response.json["items"] == [] and response.json["page"] == 1000000
    assert client.get("/assignments?page=1000000").status_code == 200


def test_deeply_nested_json_on_every_json_endpoint_is_a_400(app, client, world) -> None:
    routes = [
        (m, r) for m, r in _rules(app) if r.startswith("/api/") and m in ("POST", "PUT", "PATCH")
    ]
    assert len(routes) >= 15
    exactly_too_deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    for method, rule in routes:
        path = _fill(rule, str(world["assignment"]))
        for body in (NESTED, exactly_too_deep):
            response = client.open(
                path,
                method=method,
                data=body,
                content_type="application/json",
                headers=world["coordinator"],
            )
            if response.status_code in (403, 404):
                continue  # refused before the body is read; none of them is a 500
            assert response.status_code == 400, (method, rule, response.json)
            assert response.json["error"]["message"] == (
                "The body is nested too deeply: at most 32 levels of arrays and objects."
            )
    # 32 levels are still read (and refused for what they say, not for their depth).
    allowed = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert _new_store_from_text(client, world, allowed).status_code == 422


def test_a_deeply_nested_checklist_file_is_refused_by_page_and_cli(client, world, runner, tmp_path):
    page = client.get("/checklists/import")
    response = client.post(
        "/checklists/import",
        data={"csrf_token": csrf_token(page), "file": (io.BytesIO(NESTED.encode()), "deep.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "The file is nested too deeply: at most 32 levels" in response.get_data(as_text=True)
    file = tmp_path / "deep.json"
    file.write_text(NESTED)
    result = runner.invoke(args=["checklist", "import", str(file)])
    assert result.exit_code == 1
    assert "The file is nested too deeply: at most 32 levels" in result.output


def test_a_nul_character_is_refused_in_path_query_form_and_json(app, client, world) -> None:
    coordinator, visit = world["coordinator"], f"/api/v1/assignments/{world['assignment']}"
    for response, field, status in (
        (client.get("/api/v1/stores?q=a%00b", headers=coordinator), "q", 400),
        (client.get("/api/v1/stores/IST%0001", headers=coordinator), "path", 400),
        (
            client.post("/api/v1/stores", json={"code": "X", "name": "\x00"}, headers=coordinator),
            "name",
            422,
        ),
        (
            client.post("/api/v1/stores", json={"code\x00": "X"}, headers=coordinator),
            "code\x00",
            422,
        ),
        (client.post(visit + "/cancel", json={"note": "\x00"}, headers=coordinator), "note", 422),
        (
            client.post(
                "/api/v1/assignments",
                json={"items": [{"store": "IST-01", "briefing": "\ud800"}]},
                headers=coordinator,
            ),
            "items[0].briefing",
            422,
        ),
        (
            client.put(
                visit + "/visit",
                json=visit_body(VISIT_A) | {"answers": {"q1": {"value": "yes", "comment": "\x00"}}},
                headers=world["ayse"],
            ),
            "answers.q1.comment",
            422,
        ),
    ):
        assert response.status_code == status, field
        error = response.json["error"]
        message = f"{field} contains control characters.".replace("\x00", "\\u0000")
        assert error["message"] == message
        assert error["fields"] == {field.replace("\x00", "\\u0000"): message}
    page = client.get("/stores/new")
    form = {"csrf_token": csrf_token(page), "code": "X-1", "name": "a\x00b"}
    response = client.post("/stores/new", data=form)
    assert response.status_code == 400
    assert "name contains control characters." in response.get_data(as_text=True)
    assert client.get("/api/v1/stores", headers=coordinator).json["total"] == 1


@pytest.mark.config(MAX_CONTENT_LENGTH=50_000)
def test_a_body_over_the_limit_is_a_clear_413(client, world) -> None:
    big = {"code": "X-1", "name": "x" * 60_000}
    response = client.post("/api/v1/stores", json=big, headers=world["coordinator"])
    assert response.status_code == 413
    assert response.json["error"] == {"code": "too_large", "message": "What you sent is too large."}
    page = client.get("/stores/import")
    upload = client.post(
        "/stores/import",
        data={"csrf_token": csrf_token(page), "file": (io.BytesIO(b"x" * 60_000), "s.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 413
    assert "What you sent is too large." in upload.get_data(as_text=True)
    assert "<html" in upload.get_data(as_text=True)


ODD_QUERIES = [
    "page=9223372036854775807",
    "page=%C2%B2&per_page=%C2%B2",
    "first_day=9999-99-99&last_day=0000-01-01",
    "first_day=0001-01-01&last_day=9999-12-31",
    "month=99999-01&year=0",
    "q=%FF%FE&status=%00",
]


@pytest.mark.config(PROPAGATE_EXCEPTIONS=False)
def test_no_route_answers_500_to_odd_values(app, client, world) -> None:
    """Every route of the app, every method, with odd ids, queries and bodies, signed in or not."""
    failures = []
    for method, rule in _rules(app):
        path = _fill(rule)
        for query in ["", *ODD_QUERIES]:
            for headers in ({}, world["coordinator"]):
                extra = {}
                if method in ("POST", "PUT", "PATCH"):
                    extra = {"data": b"\xff[" * 3, "content_type": "application/json"}
                response = client.open(f"{path}?{query}", method=method, headers=headers, **extra)
                if response.status_code >= 500:
                    failures.append((method, path, query, response.status_code))
    assert failures == []


def test_a_question_takes_at_most_10_photos(app, client, auth, world) -> None:
    _, visit_id = _photo_world(app, client, world)
    photos = [jpeg(100 + n, 100) for n in range(MAX_PHOTOS_PER_QUESTION + 1)]
    for photo in photos[:MAX_PHOTOS_PER_QUESTION]:
        assert _upload(client, world, visit_id, photo).status_code == 201
    refused = _upload(client, world, visit_id, photos[-1])
    assert refused.status_code == 422
    assert refused.json["error"] == {
        "code": "invalid",
        "message": "A question takes at most 10 photos; remove one to add another.",
        "fields": {"file": "too_many"},
    }
    # A phone sending a kept photo again is answered with it, not refused.
    assert _upload(client, world, visit_id, photos[0]).status_code in (200, 201)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Photo)) == 10
    # The phone page is told the same limit, to refuse the eleventh before it is sent.
    auth.sign_out()
    auth.sign_in("ayse@test.example")
    page = client.get(f"/visits/{world['assignment']}").get_data(as_text=True)
    payload = json.loads(re.search(r'id="field-data">(.*?)</script>', page).group(1))
    assert payload["max_photos"] == MAX_PHOTOS_PER_QUESTION == 10


STORES_HEADER = "code,name,region,city,address,competitor\n"


def _stores_csv(rows: int) -> bytes:
    return (
        STORES_HEADER
        + "".join(f"S-{n:05d},Store {n},Region,City,Street 1,no\n" for n in range(rows))
    ).encode()


def test_a_csv_of_more_than_10000_rows_is_refused_whole(app, client, world) -> None:
    response = _upload_stores(client, _stores_csv(MAX_CSV_ROWS + 1))
    assert response.status_code == 422
    assert _row_errors(response) == [
        (MAX_CSV_ROWS + 2, "", "The file has more than 10000 rows; split it and import the parts.")
    ]
    assert client.get("/api/v1/stores", headers=world["coordinator"]).json["total"] == 1


def test_a_csv_of_10000_rows_imports_in_seconds(app, client, world) -> None:
    started = time.perf_counter()
    response = _upload_stores(client, _stores_csv(MAX_CSV_ROWS))
    seconds = time.perf_counter() - started
    assert response.status_code == 302, _row_errors(response)
    assert client.get("/api/v1/stores", headers=world["coordinator"]).json["total"] == 10_001
    assert seconds < 30, seconds


def test_a_csv_cell_with_a_nul_is_a_row_error(app, client, world) -> None:
    content = (STORES_HEADER + "S-1,Nul\x00name,R,C,A,no\nS-2,Fine,R,C,A,no\n").encode()
    response = _upload_stores(client, content)
    assert response.status_code == 422
    assert _row_errors(response) == [(2, "name", "The cell contains control characters.")]
    assert client.get("/api/v1/stores", headers=world["coordinator"]).json["total"] == 1


_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
_FIELD = re.compile(r"<(input|textarea|select)\b([^>]*)>", re.S)


def _attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return html.unescape(found.group(1)) if found else None


def _forms(page: str, text: str):
    """(action, fields) of each POST form on a page, every text field set to ``text``."""
    for attributes, body in _FORM.findall(page):
        if (_attribute(attributes, "method") or "get").lower() != "post":
            continue
        fields = {}
        for kind, tag in _FIELD.findall(body):
            name, type_ = _attribute(tag, "name"), _attribute(tag, "type") or "text"
            if not name or type_ in ("file", "submit", "checkbox", "radio"):
                continue
            if type_ == "hidden" or kind == "select":
                fields[name] = _attribute(tag, "value") or ""
            else:
                fields[name] = text
        yield _attribute(attributes, "action") or "", fields


@pytest.mark.config(PROPAGATE_EXCEPTIONS=False)
def test_every_form_refuses_overlong_text_without_a_500(app, client, world) -> None:
    """Each page's forms, every text field 100,000 characters: refused, never a 500."""
    pages = [r for m, r in _rules(app) if m == "GET" and "<" not in r and "." not in r]
    submitted = client.post(
        f"/api/v1/assignments/{world['assignment']}/visit/submit",
        json=visit_body(VISIT_A),
        headers=world["ayse"],
    )
    pages += [
        f"/assignments/{world['assignment']}",
        "/checklists/worked",
        f"/review/{submitted.json['id']}",
    ]
    failures, sent = [], 0
    for path in pages:
        page = client.get(path).get_data(as_text=True)
        for action, fields in _forms(page, "x" * 100_000):
            if action.endswith(("/sign-out", "/discard", "/archive", "/deactivate", "/revoke")):
                continue
            response = client.post(action or path, data=fields)
            sent += 1
            if response.status_code >= 500:
                failures.append((path, action, response.status_code))
    assert sent >= 10
    assert failures == []
    # Nothing overlong was kept: the only store and assignment are the ones made above.
    assert client.get("/api/v1/stores", headers=world["coordinator"]).json["total"] == 1
    assignments = client.get("/api/v1/assignments", headers=world["coordinator"]).json
    assert [a["status"] for a in assignments["items"]] == ["submitted"]
    checklist = client.get("/api/v1/checklists/worked", headers=world["coordinator"]).json
    assert checklist["title"] == "Worked example"


def test_a_cancel_reason_over_1000_characters_is_refused(client, world) -> None:
    path = f"/api/v1/assignments/{world['assignment']}/cancel"
    response = client.post(path, json={"note": "x" * 1001}, headers=world["coordinator"])
    assert response.status_code == 422
    assert response.json["error"] == {
        "code": "invalid",
        "message": "The reason is longer than 1000 characters.",
        "fields": {"note": "too_long"},
    }
    kept = client.post(path, json={"note": "x" * 1000}, headers=world["coordinator"])
    assert kept.json["status"] == "cancelled"


COMPARISONS = [
    "/api/v1/comparison",
    "/api/v1/comparison.csv",
    "/api/v1/comparison.xlsx",
    "/api/v1/comparison.pdf",
    "/reports/comparison",
    "/reports/comparison.csv",
    "/reports/comparison.xlsx",
    "/reports/comparison.pdf",
    "/reports/stores/IST-01",
]


@pytest.mark.parametrize(
    "period, field",
    [
        ("first_day=0001-01-01&last_day=0001-12-31", "first_day"),
        ("first_day=1899-12-31&last_day=1900-01-31", "first_day"),
        ("first_day=9999-01-01&last_day=9999-12-31", "first_day"),
        ("first_day=2999-12-01&last_day=3000-01-01", "last_day"),
    ],
)
def test_comparison_dates_far_from_now_are_refused_by_page_api_and_downloads(
    client, world, period, field
) -> None:
    for path in COMPARISONS:
        response = client.get(f"{path}?checklist=worked&{period}", headers=world["coordinator"])
        assert response.status_code == 422, path
        if path.startswith("/api/"):
            assert response.json["error"]["fields"] == {field: "range"}
            assert response.json["error"]["message"] == (
                "Dates must lie between 1900-01-01 and 2999-12-31."
            )
    page = client.get(f"/reports/comparison?checklist=worked&{period}")
    assert "Dates must lie between 1900-01-01 and 2999-12-31." in page.get_data(as_text=True)
    edge = "first_day=1900-01-01&last_day=1900-01-31"
    assert client.get(f"/api/v1/comparison?checklist=worked&{edge}").status_code == 200


def test_a_body_that_is_not_utf8_is_not_json(client, world) -> None:
    for body in (b"\xff\xfe{}", b'{"name": "\xe9"}'):
        response = _new_store_from_text(client, world, body)
        assert response.status_code == 400
        assert response.json["error"]["message"] == "The body is not valid JSON."


def test_approving_many_refuses_ids_past_the_database(client, world) -> None:
    submitted = client.post(
        f"/api/v1/assignments/{world['assignment']}/visit/submit",
        json=visit_body(VISIT_A),
        headers=world["ayse"],
    ).json["id"]
    for ids in ([int(HUGE)], [2**63, submitted], [LARGEST_ID + 1]):
        response = client.post(
            "/api/v1/visits/approve", json={"ids": ids}, headers=world["coordinator"]
        )
        assert response.status_code == 422, ids
        assert response.json["error"]["fields"] == {"ids": "invalid"}
    page = client.get("/review")
    form = {"csrf_token": csrf_token(page), "visit": [HUGE, str(2**63)]}
    assert client.post("/review/approve", data=form).status_code == 302
    form["visit"] = [HUGE, str(submitted)]
    assert client.post("/review/approve", data=form).status_code == 302
    visit = client.get(f"/api/v1/visits/{submitted}", headers=world["coordinator"]).json
    assert visit["status"] == "approved"


def test_a_changed_briefing_over_4000_characters_is_a_field_error(client, world) -> None:
    day = date.today().isoformat()
    body = {"first_day": day, "last_day": day, "briefing": "x" * 4001}
    path = f"/api/v1/assignments/{world['assignment']}"
    response = client.patch(path, json=body, headers=world["coordinator"])
    assert response.status_code == 422
    assert response.json["error"] == {
        "code": "invalid",
        "message": "The briefing is longer than 4000 characters.",
        "fields": {"briefing": "too_long"},
    }
    kept = client.get(path, headers=world["coordinator"]).json
    assert kept["briefing"] == "Ask about returning a gift without a receipt."
