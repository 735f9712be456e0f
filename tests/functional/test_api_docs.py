"""The /api/docs page: every operation of the OpenAPI document, for people, with no script."""

from __future__ import annotations

import html
import re


def test_every_operation_of_the_document_is_on_the_page(client) -> None:
    document = client.get("/api/v1/openapi.json").json
    page = client.get("/api/docs")
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    server = document["servers"][0]["url"]
    operations = [
        (method.upper(), server + path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) >= 40
    for method, path, operation in operations:
        section = text.split(f'id="{method.lower()}-{path.removeprefix(server)}"')[1]
        section = section.split("</section>")[0]
        assert f"<code>{method} {path}</code>" in section
        assert operation["summary"] in section
        for status in operation["responses"]:
            assert f"<dt><code>{status}</code>" in section, (method, path, status)
        for parameter in operation.get("parameters", []):
            assert f"<code>{parameter['name']}</code>" in section, (method, path)


def test_the_page_names_who_may_call_and_the_fields(client) -> None:
    text = html.unescape(client.get("/api/docs").get_data(as_text=True))
    review = text.split('id="post-/visits/{visit_id}/review"')[1].split("</section>")[0]
    assert "Coordinator" in review and "Shopper" not in review
    for field in ("decision", "note", "scores.overall", "review_note"):
        assert f"<code>{field}</code>" in review
    me = text.split('id="get-/me"')[1].split("</section>")[0]
    assert all(role in me for role in ("Coordinator", "Owner", "Shopper"))


def test_the_page_keeps_to_the_content_security_policy(client) -> None:
    page = client.get("/api/docs")
    body = page.get_data(as_text=True)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert re.search(r"<script(?![^>]*\bsrc=)", body) is None
    assert "style=" not in body and "<style" not in body
    # Served by the app: nothing is fetched from another site (no CDN).
    assert re.search(r'(?:src|href)="(?:https?:)?//', body) is None
