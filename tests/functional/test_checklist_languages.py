"""One checklist, read by each person in their own language (falling back to the source)."""

from __future__ import annotations

import copy
from datetime import date

from shopper.services import checklists
from tests.factories import VISIT_A, WORKED_EXAMPLE, assign, make_store, visit_body
from tests.support.web import make_user

THAI = {
    "title": "ตัวอย่างการคำนวณ",
    "sections": {"welcome": {"title": "การต้อนรับ"}},
    "questions": {"q1": {"text": "มีพนักงานทักทายหรือไม่"}, "q3": {"options": {"a": "ตัวเลือก ก"}}},
}


def _world(app):
    document = copy.deepcopy(WORKED_EXAMPLE)
    document["translations"] = {"th": THAI}
    with app.app_context():
        checklists.import_document(document, None)
    make_user(app, "coordinator", "coordinator@test.example")
    make_user(app, "owner", "owner@test.example", language="th")
    make_user(app, "owner", "sv-owner@test.example", language="sv")
    make_user(app, "shopper", "somchai@test.example", language="th")
    make_store(app)


def test_a_thai_shopper_reads_the_report_in_thai(app, client, auth):
    _world(app)
    assignment = assign(app, "somchai@test.example")
    auth.sign_in("somchai@test.example")
    html = client.get(f"/visits/{assignment}").get_data(as_text=True)
    assert "มีพนักงานทักทายหรือไม่" in html
    assert "การต้อนรับ" in html
    assert "ตัวเลือก ก" in html
    # What Thai does not give reads in the source language.
    assert "Checkout" in html and "Q2" in html


def test_the_comparison_names_sections_and_questions_in_the_readers_language(app, client, auth):
    _world(app)
    assignment = assign(app, "somchai@test.example")
    shopper = auth.api_token("somchai@test.example")
    client.post(
        f"/api/v1/assignments/{assignment}/visit/submit", json=visit_body(VISIT_A), headers=shopper
    )
    today = date.today().isoformat()
    query = f"checklist=worked&first_day={today}&last_day={today}"
    thai = client.get(f"/api/v1/comparison?{query}", headers=auth.api_token("owner@test.example"))
    swedish = client.get(
        f"/api/v1/comparison?{query}", headers=auth.api_token("sv-owner@test.example")
    )
    assert thai.json["sections"][0] == {"code": "welcome", "title": "การต้อนรับ"}
    assert thai.json["questions"][0]["text"] == "มีพนักงานทักทายหรือไม่"
    assert swedish.json["sections"][0]["title"] == "Welcome"
    # The export keeps the translations exactly as imported, in the source language.
    exported = client.get(
        "/api/v1/checklists/worked", headers=auth.api_token("owner@test.example")
    ).json
    assert exported["title"] == "Worked example"
    assert exported["translations"] == {"th": THAI}


def test_the_checklists_title_reads_in_the_readers_language_everywhere(app, client, auth):
    """The review page, the assignment page, the visit PDF and the API's assignment give
    the title of the Thai translation to a Thai reader, the source's to a Swedish one."""
    import io

    from pypdf import PdfReader

    _world(app)
    assignment = assign(app, "somchai@test.example")
    shopper = auth.api_token("somchai@test.example")
    listed = client.get(f"/api/v1/assignments/{assignment}", headers=shopper).json
    assert listed["checklist_title"] == THAI["title"]
    sent = client.post(
        f"/api/v1/assignments/{assignment}/visit/submit", json=visit_body(VISIT_A), headers=shopper
    )
    visit_id = sent.json["id"]
    auth.sign_in("coordinator@test.example")
    assert "Worked example" in client.get(f"/review/{visit_id}").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("owner@test.example")  # reads Thai
    assert THAI["title"] in client.get(f"/review/{visit_id}").get_data(as_text=True)
    picker = client.get("/reports/comparison", follow_redirects=True).get_data(as_text=True)
    assert f'<option value="worked" selected>{THAI["title"]}</option>' in picker
    assert f"<h1>{THAI['title']}</h1>" in picker  # the comparison's own title too
    pdf = client.get(f"/review/{visit_id}/report.pdf")
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Worked example" not in text
    auth.sign_out()
    make_user(app, "coordinator", "thai-coordinator@test.example", language="th")
    auth.sign_in("thai-coordinator@test.example")
    assert THAI["title"] in client.get(f"/assignments/{assignment}").get_data(as_text=True)
