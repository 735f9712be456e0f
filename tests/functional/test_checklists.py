"""Coordinators import, build, publish, version, export and archive checklists."""

from __future__ import annotations

import copy
import io
import json

import pytest

from shopper.extensions import db
from shopper.models import ChecklistVersion
from tests.support.checklists import CHECKLIST_FILES, load, with_defaults
from tests.support.web import csrf_token, make_user

FIXTURE_IDS = [path.name for path in CHECKLIST_FILES]


def test_all_five_fixtures_are_there() -> None:
    assert {load(path)["language"] for path in CHECKLIST_FILES} == {"en", "tr", "sv", "th", "ur"}


@pytest.mark.parametrize("path", CHECKLIST_FILES, ids=FIXTURE_IDS)
def test_fixture_imports_and_exports_equal_through_the_cli(runner, path) -> None:
    imported = runner.invoke(args=["checklist", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    code = load(path)["code"]
    assert f"Imported {code} version 1 (published)." in imported.output
    exported = runner.invoke(args=["checklist", "export", code])
    assert json.loads(exported.output) == with_defaults(load(path))
    again = runner.invoke(args=["checklist", "import", str(path)])
    assert "no new version" in again.output
    by_version = runner.invoke(args=["checklist", "export", code, "--version", "1"])
    assert json.loads(by_version.output) == with_defaults(load(path))


@pytest.mark.parametrize("path", CHECKLIST_FILES, ids=FIXTURE_IDS)
def test_fixture_imports_and_exports_equal_through_the_api(app, client, auth, path) -> None:
    make_user(app, "coordinator", "c@test.example")
    headers = auth.api_token("c@test.example")
    document = load(path)
    created = client.post("/api/v1/checklists", json=document, headers=headers)
    assert created.status_code == 201, created.json
    assert created.json == {"code": document["code"], "version": 1}
    fetched = client.get(f"/api/v1/checklists/{document['code']}", headers=headers).json
    assert fetched == {**with_defaults(document), "version": 1}
    by_number = client.get(f"/api/v1/checklists/{document['code']}/versions/1", headers=headers)
    assert by_number.json == fetched
    unchanged = client.post("/api/v1/checklists", json=document, headers=headers)
    assert unchanged.status_code == 200
    assert unchanged.json == {"code": document["code"], "version": 1}


def _upload(client, content: bytes, name: str = "checklist.json"):
    page = client.get("/checklists/import")
    return client.post(
        "/checklists/import",
        data={"csrf_token": csrf_token(page), "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("path", CHECKLIST_FILES, ids=FIXTURE_IDS)
def test_fixture_imports_previews_and_exports_through_the_browser(client, auth, path) -> None:
    auth.sign_in_as("coordinator")
    document = load(path)
    response = _upload(client, path.read_bytes())
    assert response.status_code == 302
    assert response.location == f"/checklists/{document['code']}"
    page = client.get(response.location).get_data(as_text=True)
    assert "Imported" in page and "version 1" in page

    preview = client.get(f"/checklists/{document['code']}/versions/1").get_data(as_text=True)
    for section in document["sections"]:
        assert section["title"] in preview
        for question in section["questions"]:
            assert question["text"] in preview
    expected_total = sum(
        q.get("points", 0) if q["type"] != "choice" else max(o["points"] for o in q["options"])
        for s in document["sections"]
        for q in s["questions"]
    )
    assert f"Maximum {expected_total} points in total" in preview

    exported = client.get(f"/checklists/{document['code']}/versions/1/export")
    assert exported.headers["Content-Disposition"] == (
        f'attachment; filename="{document["code"]}-v1.json"'
    )
    assert json.loads(exported.get_data()) == with_defaults(document)


def test_preview_shows_section_maximums_and_thumb_sized_controls(client, auth) -> None:
    auth.sign_in_as("coordinator")
    _upload(client, CHECKLIST_FILES[0].read_bytes())  # butik-service (sv)
    html = client.get("/checklists/butik-service/versions/1").get_data(as_text=True)
    # lyssna: 10 + 8; konsistens: 15 + 5.
    assert 'data-section-max-points="18"' in html
    assert "Maximum 18 points" in html
    assert "Maximum 20 points" in html
    assert "Maximum 38 points in total" in html
    assert 'lang="sv"' in html
    # The scale 0–4 as five buttons; the N/A toggle only where allowed.
    assert html.count('name="preview-forutse"') == 5
    assert 'name="preview-retur" value="na"' in html
    assert 'name="preview-upprepade" value="na"' not in html


BROKEN = [
    (
        "missing points",
        lambda d: d["sections"][0]["questions"][1].pop("points"),
        "sections[0].questions[1].points",
    ),
    (
        "duplicate question code",
        lambda d: d["sections"][1]["questions"][0].update(code="greeted"),
        "sections[1].questions[0].code",
    ),
    (
        "scale with min >= max",
        lambda d: d["sections"][0]["questions"][1].update(min=5, max=5),
        "sections[0].questions[1].max",
    ),
    ("unknown key", lambda d: d["sections"][0].update(colour="red"), "sections[0].colour"),
    (
        "critical on a scale",
        lambda d: d["sections"][0]["questions"][1].update(critical=True),
        "sections[0].questions[1].critical",
    ),
    (
        "bad type",
        lambda d: d["sections"][2]["questions"][0].update(type="stars"),
        "sections[2].questions[0].type",
    ),
    (
        "question text over the limit",
        lambda d: d["sections"][0]["questions"][0].update(text="x" * 1001),
        "sections[0].questions[0].text",
    ),
    ("title over the limit", lambda d: d.update(title="T" * 201), "title"),
]


def _broken(change) -> dict:
    document = copy.deepcopy(load(CHECKLIST_FILES[-1]))  # store-service (en)
    change(document)
    return document


def test_every_broken_variant_names_its_place_in_the_message() -> None:
    from shopper.domain.checklist_format import ChecklistFormatError, parse_checklist

    for name, change, path in BROKEN:
        with pytest.raises(ChecklistFormatError) as raised:
            parse_checklist(_broken(change))
        assert path in [problem.path for problem in raised.value.problems], name


@pytest.mark.parametrize("name, change, path", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_checklist_is_refused_whole_by_the_api(app, client, auth, name, change, path):
    make_user(app, "coordinator", "c@test.example")
    headers = auth.api_token("c@test.example")
    response = client.post("/api/v1/checklists", json=_broken(change), headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid"
    assert path in response.json["error"]["fields"]
    assert response.json["error"]["fields"][path].startswith(path + ": ")
    assert client.get("/api/v1/checklists", headers=headers).json["total"] == 0


@pytest.mark.parametrize("name, change, path", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_checklist_is_refused_whole_by_the_cli(runner, tmp_path, name, change, path):
    file = tmp_path / "broken.json"
    file.write_text(json.dumps(_broken(change)), encoding="utf-8")
    result = runner.invoke(args=["checklist", "import", str(file)])
    assert result.exit_code == 1
    assert f"{path}: " in result.output
    assert (
        "There is no checklist"
        in runner.invoke(args=["checklist", "export", "store-service"]).output
    )


@pytest.mark.parametrize("name, change, path", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_checklist_is_refused_whole_by_the_upload(client, auth, name, change, path):
    auth.sign_in_as("coordinator")
    response = _upload(client, json.dumps(_broken(change)).encode())
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"<code>{path}</code>" in html
    assert "Nothing was imported." in html
    assert "No checklists yet." in client.get("/checklists").get_data(as_text=True)


def test_an_upload_that_is_not_json_says_so(client, auth) -> None:
    auth.sign_in_as("coordinator")
    response = _upload(client, b"{not json")
    assert response.status_code == 422
    assert "The file is not valid JSON" in response.get_data(as_text=True)


def test_api_import_that_is_not_json_is_a_400(app, client, auth) -> None:
    make_user(app, "coordinator", "c@test.example")
    headers = auth.api_token("c@test.example")
    response = client.post(
        "/api/v1/checklists", data="{nope", headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json["error"]["message"] == "The body is not valid JSON."


def _store_service_via_api(app, client, auth) -> dict:
    make_user(app, "coordinator", "c@test.example")
    headers = auth.api_token("c@test.example")
    client.post("/api/v1/checklists", json=load(CHECKLIST_FILES[-1]), headers=headers)
    return headers


def test_editing_a_published_version_makes_a_new_draft_and_v1_stays_frozen(app, client, auth):
    headers = _store_service_via_api(app, client, auth)
    opened = client.post("/api/v1/checklists/store-service/draft", headers=headers)
    assert opened.status_code == 201
    assert opened.json["version"] == 2
    assert opened.json["problems"] == []
    assert opened.json["max_points"] == 80.0

    draft = client.get("/api/v1/checklists/store-service/draft", headers=headers).json["document"]
    draft["sections"][0]["questions"][0]["points"] = 20
    draft["sections"][0]["questions"][0]["text"] = "Greeted within 10 seconds?"
    saved = client.put("/api/v1/checklists/store-service/draft", json=draft, headers=headers)
    assert saved.status_code == 200
    assert saved.json["max_points"] == 90.0
    assert saved.json["section_max_points"]["welcome"] == 35.0

    # Not published yet: readers still get version 1.
    latest = client.get("/api/v1/checklists/store-service", headers=headers).json
    assert latest["version"] == 1
    published = client.post("/api/v1/checklists/store-service/draft/publish", headers=headers)
    assert published.json == {"code": "store-service", "version": 2}

    v1 = client.get("/api/v1/checklists/store-service/versions/1", headers=headers).json
    v2 = client.get("/api/v1/checklists/store-service/versions/2", headers=headers).json
    assert v1 == {**with_defaults(load(CHECKLIST_FILES[-1])), "version": 1}
    assert v2["sections"][0]["questions"][0]["points"] == 20
    assert v2["sections"][0]["questions"][0]["text"] == "Greeted within 10 seconds?"
    listing = client.get("/api/v1/checklists", headers=headers).json
    assert listing["items"] == [
        {
            "code": "store-service",
            "title": "Store service audit",
            "latest_version": 2,
            "versions": [1, 2],
            "draft_version": None,
            "archived": False,
        }
    ]


def test_a_draft_that_breaks_rules_is_saved_but_cannot_be_published(app, client, auth):
    headers = _store_service_via_api(app, client, auth)
    client.post("/api/v1/checklists/store-service/draft", headers=headers)
    draft = client.get("/api/v1/checklists/store-service/draft", headers=headers).json["document"]
    draft["sections"][0]["questions"][1]["min"] = 9
    saved = client.put("/api/v1/checklists/store-service/draft", json=draft, headers=headers)
    assert saved.status_code == 200
    assert [p["path"] for p in saved.json["problems"]] == ["sections[0].questions[1].max"]
    refused = client.post("/api/v1/checklists/store-service/draft/publish", headers=headers)
    assert refused.status_code == 422
    assert "sections[0].questions[1].max" in refused.json["error"]["fields"]
    with app.app_context():
        versions = db.session.execute(db.select(ChecklistVersion)).scalars().all()
        assert sorted((v.number, v.published) for v in versions) == [(1, True), (2, False)]


def test_the_code_of_a_checklist_cannot_change_in_a_draft(app, client, auth):
    headers = _store_service_via_api(app, client, auth)
    client.post("/api/v1/checklists/store-service/draft", headers=headers)
    draft = client.get("/api/v1/checklists/store-service/draft", headers=headers).json["document"]
    draft["code"] = "other"
    response = client.put("/api/v1/checklists/store-service/draft", json=draft, headers=headers)
    assert response.status_code == 422
    assert "cannot change" in response.json["error"]["message"]


@pytest.mark.parametrize("body", [[], "text", {"code": "store-service", "sections": "x"}])
def test_a_draft_of_the_wrong_shape_is_refused_and_nothing_changes(app, client, auth, body):
    headers = _store_service_via_api(app, client, auth)
    client.post("/api/v1/checklists/store-service/draft", headers=headers)
    before = client.get("/api/v1/checklists/store-service/draft", headers=headers).json
    response = client.put("/api/v1/checklists/store-service/draft", json=body, headers=headers)
    assert response.status_code == 422
    assert client.get("/api/v1/checklists/store-service/draft", headers=headers).json == before


def test_importing_while_a_draft_is_open_is_a_409(app, client, auth):
    headers = _store_service_via_api(app, client, auth)
    client.post("/api/v1/checklists/store-service/draft", headers=headers)
    document = load(CHECKLIST_FILES[-1])
    document["title"] = "Changed"
    response = client.post("/api/v1/checklists", json=document, headers=headers)
    assert response.status_code == 409
    assert "Publish or discard it" in response.json["error"]["message"]


def test_import_as_draft_then_publish(app, client, auth):
    make_user(app, "coordinator", "c@test.example")
    headers = auth.api_token("c@test.example")
    created = client.post(
        "/api/v1/checklists?draft=true", json=load(CHECKLIST_FILES[0]), headers=headers
    )
    assert created.status_code == 201
    assert client.get("/api/v1/checklists/butik-service", headers=headers).status_code == 404
    client.post("/api/v1/checklists/butik-service/draft/publish", headers=headers)
    assert client.get("/api/v1/checklists/butik-service", headers=headers).json["version"] == 1


def test_discarding_the_draft_of_a_new_checklist_removes_it(app, client, auth):
    make_user(app, "coordinator", "c@test.example")
    headers = auth.api_token("c@test.example")
    client.post("/api/v1/checklists?draft=true", json=load(CHECKLIST_FILES[0]), headers=headers)
    assert (
        client.delete("/api/v1/checklists/butik-service/draft", headers=headers).status_code == 204
    )
    assert client.get("/api/v1/checklists", headers=headers).json["total"] == 0


def test_coordinator_starts_a_checklist_in_the_browser(client, auth):
    auth.sign_in_as("coordinator")
    page = client.get("/checklists/new")
    response = client.post(
        "/checklists/new",
        data={
            "csrf_token": csrf_token(page),
            "code": "kasa-kontrol",
            "title": "Kasa kontrolü",
            "language": "tr",
            "description": "",
        },
    )
    assert response.status_code == 302
    assert response.location == "/checklists/kasa-kontrol/draft"
    bad = client.post(
        "/checklists/new",
        data={
            "csrf_token": csrf_token(page),
            "code": "Kasa Kontrol",
            "title": "x",
            "language": "tr",
        },
    )
    assert bad.status_code == 400
    assert "Use only lower-case letters" in bad.get_data(as_text=True)
    again = client.post(
        "/checklists/new",
        data={
            "csrf_token": csrf_token(page),
            "code": "kasa-kontrol",
            "title": "x",
            "language": "tr",
        },
    )
    assert "exists already" in again.get_data(as_text=True)


def test_archived_checklist_keeps_its_history_and_cannot_be_edited(app, client, auth):
    headers = _store_service_via_api(app, client, auth)
    auth.sign_in("c@test.example")
    page = client.get("/checklists/store-service")
    client.post("/checklists/store-service/archive", data={"csrf_token": csrf_token(page)})
    html = client.get("/checklists/store-service").get_data(as_text=True)
    assert "Archived" in html and "Restore" in html
    assert (
        client.get("/api/v1/checklists/store-service/versions/1", headers=headers).status_code
        == 200
    )
    refused = client.post("/api/v1/checklists/store-service/draft", headers=headers)
    assert refused.status_code == 409
    listing = client.get("/api/v1/checklists?archived=exclude", headers=headers).json
    assert listing["total"] == 0
    page = client.get("/checklists/store-service")
    client.post("/checklists/store-service/restore", data={"csrf_token": csrf_token(page)})
    assert client.post("/api/v1/checklists/store-service/draft", headers=headers).status_code == 201


def test_owner_reads_checklists_but_changes_nothing(app, client, auth):
    _store_service_via_api(app, client, auth)
    make_user(app, "owner", "o@test.example")
    owner = auth.api_token("o@test.example")
    assert client.get("/api/v1/checklists/store-service", headers=owner).status_code == 200
    assert client.get("/api/v1/checklists/store-service/draft", headers=owner).status_code == 403
    for method, path in [
        ("post", "/api/v1/checklists"),
        ("post", "/api/v1/checklists/store-service/draft"),
        ("put", "/api/v1/checklists/store-service/draft"),
        ("post", "/api/v1/checklists/store-service/draft/publish"),
        ("delete", "/api/v1/checklists/store-service/draft"),
    ]:
        response = getattr(client, method)(path, json={}, headers=owner)
        assert response.status_code == 403, (method, path)
    auth.sign_in("o@test.example")
    html = client.get("/checklists/store-service").get_data(as_text=True)
    assert "Export JSON" in html
    assert "Archive" not in html and ">Edit<" not in html
    page = client.get("/checklists/store-service/versions/1")
    assert page.status_code == 200
    assert client.post("/checklists/store-service/archive", data={}).status_code in (400, 403)


def test_shopper_cannot_read_checklists_without_an_assignment(app, client, auth):
    _store_service_via_api(app, client, auth)
    make_user(app, "shopper", "s@test.example")
    shopper = auth.api_token("s@test.example")
    assert client.get("/api/v1/checklists", headers=shopper).status_code == 403
    assert client.get("/api/v1/checklists/store-service", headers=shopper).status_code == 404


def test_unknown_checklist_and_version_are_404(app, client, auth):
    headers = _store_service_via_api(app, client, auth)
    assert client.get("/api/v1/checklists/nope", headers=headers).status_code == 404
    assert (
        client.get("/api/v1/checklists/store-service/versions/9", headers=headers).status_code
        == 404
    )
    auth.sign_in("c@test.example")
    assert client.get("/checklists/store-service/versions/9/export").status_code == 404
    assert client.get("/checklists/nope").status_code == 404


def test_demo_load_brings_one_checklist_in_five_languages(runner, app, client, auth):
    runner.invoke(args=["demo", "load"])
    make_user(app, "owner", "o2@test.example")
    headers = auth.api_token("o2@test.example")
    listing = client.get("/api/v1/checklists", headers=headers).json
    assert [item["code"] for item in listing["items"]] == ["store-service"]
    document = client.get("/api/v1/checklists/store-service", headers=headers).json
    assert document["language"] == "en"
    assert sorted(document["translations"]) == ["sv", "th", "tr", "ur"]


def test_an_old_builder_tab_cannot_overwrite_a_newer_draft(app, client, auth):
    headers = _store_service_via_api(app, client, auth)
    client.post("/api/v1/checklists/store-service/draft", headers=headers)
    draft = client.get("/api/v1/checklists/store-service/draft", headers=headers).json["document"]
    client.post("/api/v1/checklists/store-service/draft/publish", headers=headers)
    client.post("/api/v1/checklists/store-service/draft", headers=headers)  # version 3 now
    stale = client.put(
        "/api/v1/checklists/store-service/draft?version=2", json=draft, headers=headers
    )
    assert stale.status_code == 409
    assert "reload to edit version 3" in stale.json["error"]["message"]
    fresh = client.put(
        "/api/v1/checklists/store-service/draft?version=3", json=draft, headers=headers
    )
    assert fresh.status_code == 200


def test_a_signed_out_builder_save_is_401_not_a_csrf_error(client):
    response = client.put("/api/v1/checklists/store-service/draft", json={})
    assert response.status_code == 401
