"""A checklist file reads the same on the import page and on the command line."""

from __future__ import annotations

import html
import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from shopper.services.checklists import MAX_DOCUMENT_BYTES
from tests.support.checklists import CHECKLIST_FILES, load
from tests.support.web import csrf_token

STORE_SERVICE = CHECKLIST_FILES[-1]

REFUSED = [
    ("too large", b" " * MAX_DOCUMENT_BYTES + b"{}", "The file is larger than 2 MB."),
    (
        "broken JSON",
        b'{"format": "shopper-checklist/1",\n  nope}',
        "The file is not valid JSON: Expecting property name enclosed in double quotes "
        "at line 2, column 3.",
    ),
    (
        "not UTF-8",
        b'{"format": "shopper-checklist/1",\n"title": "caf\xe9"}',
        "The file is not UTF-8 text (line 2). Save it as UTF-8 and try again.",
    ),
    ("NaN", b'{"points": NaN}', "The file is not valid JSON: NaN is not JSON."),
    ("nested", b"[" * 40 + b"]" * 40, "The file is nested too deeply: at most 32 levels"),
]


def _upload(client, content: bytes):
    """Choose a file and press Import; the body is built in memory (the test client would
    spool a large one to a temporary file it never closes)."""
    page = client.get("/checklists/import")
    boundary, body = encode_multipart(
        {"csrf_token": csrf_token(page), "file": FileStorage(io.BytesIO(content), "c.json")}
    )
    return client.post(
        "/checklists/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


@pytest.mark.parametrize("name, content, message", REFUSED, ids=[r[0] for r in REFUSED])
def test_a_bad_checklist_file_gets_the_same_message_on_page_and_cli(
    client, auth, runner, tmp_path, name, content, message
):
    auth.sign_in_as("coordinator")
    response = _upload(client, content)
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    file = tmp_path / "checklist.json"
    file.write_bytes(content)
    result = runner.invoke(args=["checklist", "import", str(file)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_file_with_a_byte_order_mark_imports_on_page_and_cli(client, auth, runner, tmp_path):
    content = b"\xef\xbb\xbf" + STORE_SERVICE.read_bytes()
    code = load(STORE_SERVICE)["code"]
    auth.sign_in_as("coordinator")
    response = _upload(client, content)
    assert response.status_code == 302
    assert response.location == f"/checklists/{code}"
    file = tmp_path / "checklist.json"
    file.write_bytes(content)
    result = runner.invoke(args=["checklist", "import", str(file)])
    assert result.exit_code == 0, result.output
    assert f"{code} version 1 says the same; no new version." in result.output


def test_no_file_chosen_is_a_400_that_says_so(client, auth):
    auth.sign_in_as("coordinator")
    page = client.get("/checklists/import")
    response = client.post(
        "/checklists/import",
        data={"csrf_token": csrf_token(page)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Choose a JSON file to import." in response.get_data(as_text=True)


def test_a_checklist_written_right_to_left_previews_right_to_left(client, auth):
    auth.sign_in_as("coordinator")
    for path in CHECKLIST_FILES:
        document = load(path)
        assert _upload(client, path.read_bytes()).status_code == 302
        page = client.get(f"/checklists/{document['code']}/versions/1").get_data(as_text=True)
        direction = "rtl" if document["language"] == "ur" else "ltr"
        assert f'lang="{document["language"]}" dir="{direction}"' in page, path.name
