"""An answer reads the same on the review page, the shopper's sent report and the visit PDF."""

from __future__ import annotations

import html
import io
import re

import pytest
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from shopper.domain.answers import answer_text
from shopper.domain.checklist_format import parse_checklist
from tests.factories import assign, import_checklist, jpeg, make_store, visit_body
from tests.support.web import make_user

READING = {
    "format": "shopper-checklist/1",
    "code": "reading",
    "title": "Reading",
    "sections": [
        {
            "code": "all",
            "title": "Every kind",
            "questions": [
                {"code": "greeted", "type": "yes_no", "text": "Greeted?", "points": 5},
                {"code": "smiled", "type": "yes_no", "text": "Smiled?", "points": 5},
                {
                    "code": "returns",
                    "type": "yes_no",
                    "text": "Returns explained?",
                    "points": 5,
                    "allow_na": True,
                },
                {
                    "code": "courtesy",
                    "type": "scale",
                    "text": "Courtesy",
                    "min": 1,
                    "max": 5,
                    "points": 10,
                },
                {
                    "code": "offer",
                    "type": "choice",
                    "text": "Offer",
                    "options": [
                        {"code": "offered", "label": "Offered unasked", "points": 5},
                        {"code": "asked", "label": "Only when asked", "points": 2},
                    ],
                },
                {
                    "code": "wait",
                    "type": "number",
                    "text": "Wait",
                    "unit": "min",
                    "required": False,
                },
                {
                    "code": "queue",
                    "type": "number",
                    "text": "Queue length",
                    "required": False,
                },
                {"code": "staff", "type": "text", "text": "Who served you?", "required": False},
                {"code": "remark", "type": "text", "text": "Remark", "required": False},
                {"code": "receipt", "type": "photo", "text": "Receipt", "photo": "required"},
                {
                    "code": "shelf",
                    "type": "photo",
                    "text": "Shelf",
                    "photo": "optional",
                    "required": False,
                },
            ],
        }
    ],
}
VALUES = {
    "greeted": "yes",
    "smiled": "no",
    "returns": "na",
    "courtesy": 4,
    "offer": "asked",
    "wait": 7.5,
    "staff": "Kind & <quick>",
    "remark": "na",
}
EXPECTED = {
    "greeted": "Yes",
    "smiled": "No",
    "returns": "N/A",
    "courtesy": "4 on 1–5",
    "offer": "Only when asked",
    "wait": "7.5 min",
    "queue": "Not answered",
    "staff": "Kind & <quick>",
    "remark": "na",  # typed in a text box, not "not applicable"
    "receipt": "2 photos",
    "shelf": "Not answered",
}


def test_the_domain_words_every_kind_of_answer() -> None:
    checklist = parse_checklist(READING)
    photos = {"receipt": 2}
    for _, question in checklist.questions():
        words = answer_text(question, VALUES.get(question.code), photos.get(question.code, 0))
        assert words == EXPECTED[question.code], question.code
    one = next(q for _, q in checklist.questions() if q.code == "receipt")
    assert answer_text(one, None, 1) == "1 photo"


@pytest.fixture
def submitted(app, client, auth):
    """A report with every kind of answer, two photos on the receipt, sent for review."""
    make_store(app)
    make_user(app, "shopper", "ayse@test.example")
    make_user(app, "coordinator", "coordinator@test.example")
    make_user(app, "coordinator", "sven@test.example", language="sv")
    import_checklist(app, READING)
    assignment = assign(app, "ayse@test.example", checklist="reading")
    shopper = auth.api_token("ayse@test.example")
    saved = client.put(
        f"/api/v1/assignments/{assignment}/visit", json={"client_id": "c"}, headers=shopper
    )
    visit_id = saved.json["id"]
    for width in (800, 600):
        boundary, body = encode_multipart(
            MultiDict(
                {"question": "receipt", "file": FileStorage(io.BytesIO(jpeg(width, 500)), "r.jpg")}
            )
        )
        with client.post(
            f"/api/v1/visits/{visit_id}/photos",
            data=body,
            content_type=f'multipart/form-data; boundary="{boundary}"',
            headers=shopper,
        ) as response:
            assert response.status_code == 201, response.get_data(as_text=True)
    sent = client.post(
        f"/api/v1/assignments/{assignment}/visit/submit",
        json=visit_body(VALUES, "c"),
        headers=shopper,
    )
    assert sent.status_code == 200, sent.json
    return assignment, visit_id


def _page_words(page: str) -> dict[str, str]:
    """Each question's answer as the page shows it (badges left out)."""
    words = {}
    for code, inner in re.findall(
        r'<article[^>]*id="answer-([^"]+)".*?<p class="answer-value">(.*?)</p>', page, re.S
    ):
        inner = re.sub(r'<span class="badge.*?</span>', "", inner, flags=re.S)
        words[code] = html.unescape(" ".join(re.sub(r"<[^>]+>", "", inner).split()))
    return words


def test_page_sent_report_and_pdf_give_the_same_words(app, client, auth, submitted) -> None:
    assignment, visit_id = submitted
    auth.sign_in("ayse@test.example")
    sent_report = client.get(f"/visits/{assignment}").get_data(as_text=True)
    assert _page_words(sent_report) == EXPECTED
    auth.sign_out()
    auth.sign_in("coordinator@test.example")
    review = client.get(f"/review/{visit_id}").get_data(as_text=True)
    assert _page_words(review) == EXPECTED
    pdf = client.get(f"/review/{visit_id}/report.pdf")
    assert pdf.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    answers = [lines[i + 1] for i, line in enumerate(lines) if line == "Answer"]
    assert answers == list(EXPECTED.values())


def test_a_swedish_reader_gets_the_same_decimal_comma_on_page_and_pdf(client, auth, submitted):
    _, visit_id = submitted
    auth.sign_in("sven@test.example")
    review = _page_words(client.get(f"/review/{visit_id}").get_data(as_text=True))
    pdf = client.get(f"/review/{visit_id}/report.pdf").data
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert review["wait"] == "7,5 min"
    assert "7,5 min" in " ".join(text.split())
