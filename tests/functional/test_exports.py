"""The comparison's XLSX and CSV as a reader opens them (formats.md, "Exports").

The figures are those of tests.support.comparison, October 2026: C (competitor)
57.142857…, E 50.0, A and B 39.0 each; A's change −39.0 against the period
before, B's −1.0; sections Welcome and "Checkout (v2)", questions q1, q2, q5, q3.
"""

from __future__ import annotations

import copy
import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import load_workbook

from shopper.extensions import db
from shopper.models import Role, Store
from tests.support.comparison import V2, make_history
from tests.support.web import make_user

QUERY = "checklist=worked&first_day=2026-10-01&last_day=2026-10-31"
LONG_NAME = "Ankara Kızılay Çarşı Mağazası"  # 29 characters

THAI = {
    "title": "ตัวอย่างการตรวจ",
    "sections": {"welcome": {"title": "การต้อนรับ"}, "checkout": {"title": "การชำระเงิน"}},
    "questions": {
        "q1": {"text": "มีพนักงานทักทายภายใน 30 วินาทีหรือไม่"},
        "q2": {"text": "พนักงานเป็นมิตรแค่ไหน"},
        "q3": {"text": "พนักงานเสนออะไรที่จุดชำระเงิน"},
        "q5": {"text": "ร้านสะอาดหรือไม่"},
    },
}


@pytest.fixture
def history(app, client, auth):
    """The visits of tests.support.comparison; store A renamed with a long name."""
    made = make_history(app, client, auth)
    with app.app_context():
        db.session.execute(db.select(Store).where(Store.code == "A")).scalar_one().name = LONG_NAME
        db.session.commit()
    return made


def _workbook(client, headers, query: str = QUERY):
    response = client.get(f"/api/v1/comparison.xlsx?{query}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return load_workbook(io.BytesIO(response.data))


def _translated(app, language: str, text: str) -> str:
    with app.test_request_context(), force_locale(language):
        return _(text)


def test_the_xlsx_says_what_it_is_of(client, history):
    document = client.get(f"/api/v1/comparison?{QUERY}", headers=history["owner"]).json
    before = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    workbook = _workbook(client, history["owner"])
    assert workbook.sheetnames == ["About", "Stores", "Questions"]
    about = workbook["About"]
    assert [c.value for c in about[1]] == ["What", "Value"]
    facts = {row[0].value: row[1] for row in about.iter_rows(min_row=2)}
    assert {label: cell.value for label, cell in facts.items() if label != "Made at (UTC)"} == {
        "Checklist": "Worked example",
        "Checklist code": "worked",
        "Versions counted": "1, 2",
        "First day": datetime(2026, 10, 1),
        "Last day": datetime(2026, 10, 31),
        "Compared with, first day": datetime.fromisoformat(document["previous"]["first_day"]),
        "Compared with, last day": datetime.fromisoformat(document["previous"]["last_day"]),
        "Region": "Whole chain",
        "Competitors": "competitors included",
        "Scores": "percentages of the points possible; change in points",
        "Language": "English",
    }
    for label in ("First day", "Last day", "Compared with, first day", "Compared with, last day"):
        assert facts[label].is_date and facts[label].number_format == "yyyy-mm-dd"
    made = facts["Made at (UTC)"]
    assert made.is_date and made.number_format == "yyyy-mm-dd hh:mm"
    assert before - timedelta(seconds=1) <= made.value <= before + timedelta(minutes=1)
    assert about.freeze_panes == "B2"
    assert about.auto_filter.ref == "A1:B13"
    # Labels: "Compared with, first day" is 24 characters; values: the scores' note, 52.
    assert about.column_dimensions["A"].width == 26
    assert about.column_dimensions["B"].width == 50


def test_the_xlsx_stores_sheet_holds_numbers_in_fitted_filtered_columns(client, history):
    document = client.get(f"/api/v1/comparison?{QUERY}", headers=history["owner"]).json
    sheet = _workbook(client, history["owner"])["Stores"]
    assert [c.value for c in sheet[1]] == [
        "Rank",
        "Store code",
        "Store",
        "Region",
        "Competitor",
        "Visits",
        "Score %",
        "Change",
        "Critical failures",
        "Welcome",
        "Checkout (v2)",
    ]
    assert sheet.freeze_panes == "D2"  # rank, code and name stay in sight
    assert sheet.auto_filter.ref == "A1:K5"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJK"}
    # Two characters beside the widest content: the long name (29), else the header;
    # headers up to 20 characters stay on one line.
    assert widths == {
        "A": 8,
        "B": 12,
        "C": 31,
        "D": 8,
        "E": 12,
        "F": 8,
        "G": 9,
        "H": 8,
        "I": 19,
        "J": 9,
        "K": 15,
    }
    assert widths["C"] > 8.43  # wider than a column nobody sized
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    assert list(rows) == ["C", "E", "A", "B"]
    a, c = rows["A"], rows["C"]
    assert [cell.value for cell in a[:9]] == [
        3,
        "A",
        LONG_NAME,
        "North",
        "no",
        2,
        39.0,
        pytest.approx(-39.0),
        1,
    ]
    assert c[6].value == pytest.approx(400 / 7) == document["stores"][0]["score"]
    assert c[7].value is None  # C has no visit before October: no change
    assert [cell.data_type for cell in a] == ["n", "s", "s", "s", "s", "n", "n", "n", "n", "n", "n"]
    assert [cell.number_format for cell in a] == [
        "0",
        "General",
        "General",
        "General",
        "General",
        "0",
        "0.0",
        "+0.0;-0.0;0.0",
        "0",
        "0.0",
        "0.0",
    ]
    assert a[10].value == 40.0  # the N/A visit is skipped
    assert sheet["A1"].font.bold


def test_the_xlsx_heads_question_columns_with_their_texts(client, history):
    sheet = _workbook(client, history["owner"])["Questions"]
    header = sheet[1]
    assert [c.value for c in header] == ["Store code", "Store", "Q1", "Q2", "Q5 (new in v2)", "Q3"]
    assert [c.comment.text if c.comment else None for c in header] == [
        None,
        None,
        "q1",
        "q2",
        "q5",
        "q3",
    ]
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == "A1:F5"
    assert sheet.column_dimensions["B"].width == 31
    assert sheet.column_dimensions["E"].width == 16  # "Q5 (new in v2)"
    row_c = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "C")
    # C: q1 yes 10/10, q2 2 of 1–5 → 25 %, q5 N/A, q3 "a" 5/5.
    assert [c.value for c in row_c[2:]] == [100.0, 25.0, None, 100.0]
    assert {c.number_format for c in row_c[2:]} == {"0.0"}
    assert row_c[3].data_type == "n"


@pytest.mark.parametrize(
    "language, separator, yes, header",
    [
        (
            "en",
            ",",
            "yes",
            ["Rank", "Store code", "Store", "Region", "Competitor", "Visits", "Score %", "Change"],
        ),
        (
            "tr",
            ";",
            "evet",
            ["Sıra", "Mağaza kodu", "Mağaza", "Bölge", "Rakip", "Ziyaret", "Skor %", "Değişim"],
        ),
        (
            "sv",
            ";",
            "ja",
            ["Plats", "Butikskod", "Butik", "Region", "Konkurrent", "Besök", "Resultat %"]
            + ["Förändring"],
        ),
    ],
)
def test_the_csv_is_written_in_the_readers_dialect(
    app, client, history, language, separator, yes, header
):
    email = f"{language}@test.example"
    make_user(app, Role.OWNER, email, language=language)
    response = client.get(f"/api/v1/comparison.csv?{QUERY}", headers=_token(app, email))
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    stores_part, questions_part = response.data.decode("utf-8-sig").split("\n\n")
    rows = list(csv.reader(io.StringIO(stores_part), delimiter=separator))
    assert rows[0][:8] == header
    decimal = "," if separator == ";" else "."
    assert rows[1] == [
        "1",
        "C",
        "Store C",
        "North",
        yes,
        "1",
        f"57{decimal}1",
        "",
        "0",
        f"50{decimal}0",
        f"100{decimal}0",
    ]
    assert rows[3][1:3] == ["A", LONG_NAME]
    assert rows[3][6:9] == [f"39{decimal}0", f"-39{decimal}0", "1"]  # no ' before the minus
    assert rows[4][7] == f"-1{decimal}0"
    # A spreadsheet of that language reads these as numbers.
    assert float(rows[2][6].replace(decimal, ".")) == 50.0
    questions = list(csv.reader(io.StringIO(questions_part), delimiter=separator))
    assert questions[0][2:] == ["Q1 (q1)", "Q2 (q2)", "Q5 (new in v2) (q5)", "Q3 (q3)"]
    assert questions[1][2:] == [f"100{decimal}0", f"25{decimal}0", "", f"100{decimal}0"]


def _token(app, email: str) -> dict[str, str]:
    from shopper.services import accounts

    with app.app_context():
        user = accounts.get_user(email)
        issued = accounts.create_token(user, accounts.unused_token_name(user, "test"))
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.mark.parametrize(
    "query, separator, figure",
    [
        ("language=tr", ";", "57,1"),
        ("language=sv&dialect=point", ",", "57.1"),
        ("dialect=comma", ";", "57,1"),
        ("language=th", ",", "57.1"),
        ("language=ur", ",", "57.1"),
    ],
)
def test_the_csv_dialect_follows_the_files_language_unless_asked(
    client, history, query, separator, figure
):
    response = client.get(f"/api/v1/comparison.csv?{QUERY}&{query}", headers=history["owner"])
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=separator))
    assert rows[1][1] == "C" and rows[1][6] == figure


def _translate_checklist(client, history) -> None:
    """Version 3: version 2's questions with Thai texts (no visit uses it)."""
    translated = copy.deepcopy(V2)
    translated["translations"] = {"th": THAI}
    response = client.post("/api/v1/checklists", json=translated, headers=history["coordinator"])
    assert response.status_code == 201, response.json


THAI_STORE_HEADER = [
    "อันดับ",
    "รหัสสาขา",
    "สาขา",
    "ภูมิภาค",
    "คู่แข่ง",
    "การเข้าประเมิน",
    "คะแนน (%)",
    "เปลี่ยนแปลง",
    "ตกข้อวิกฤต",
    "การต้อนรับ",
    "การชำระเงิน",
]


def test_language_th_gives_thai_headings_and_checklist_texts(app, client, history):
    _translate_checklist(client, history)
    workbook = _workbook(client, history["owner"], f"{QUERY}&language=th")
    assert workbook.sheetnames == [_translated(app, "th", "About"), "สาขา", "คำถาม"]
    assert [c.value for c in workbook["สาขา"][1]] == THAI_STORE_HEADER
    questions = workbook["คำถาม"][1]
    assert [c.value for c in questions] == [
        "รหัสสาขา",
        "สาขา",
        THAI["questions"]["q1"]["text"],
        THAI["questions"]["q2"]["text"],
        THAI["questions"]["q5"]["text"],
        THAI["questions"]["q3"]["text"],
    ]
    assert [c.comment.text for c in questions[2:]] == ["q1", "q2", "q5", "q3"]
    about = workbook[workbook.sheetnames[0]]
    facts = {row[0].value: row[1].value for row in about.iter_rows(min_row=2)}
    assert facts[_translated(app, "th", "Checklist")] == "ตัวอย่างการตรวจ"
    assert facts[_translated(app, "th", "Region")] == "ทั้งเครือ"
    assert facts[_translated(app, "th", "Language")] == "ไทย"
    # Thai headers wrap at their longest run of letters; the competitor flag reads ใช่/ไม่.
    assert workbook["สาขา"]["E2"].value == "ใช่"
    csv_text = client.get(
        f"/api/v1/comparison.csv?{QUERY}&language=th", headers=history["owner"]
    ).data.decode("utf-8-sig")
    stores_part, questions_part = csv_text.split("\n\n")
    assert next(csv.reader(io.StringIO(stores_part))) == THAI_STORE_HEADER
    assert next(csv.reader(io.StringIO(questions_part)))[2] == (
        THAI["questions"]["q1"]["text"] + " (q1)"
    )
    # The English reader's own files stay English, left to right.
    english = _workbook(client, history["owner"])
    assert [c.value for c in english["Stores"][1]][9:] == ["Welcome", "Checkout (v2)"]
    assert not any(sheet.sheet_view.rightToLeft for sheet in english.worksheets)


def test_an_urdu_file_runs_right_to_left(app, client, history):
    workbook = _workbook(client, history["owner"], f"{QUERY}&language=ur")
    assert [sheet.sheet_view.rightToLeft for sheet in workbook.worksheets] == [True, True, True]
    about = workbook.worksheets[0]
    assert about["B2"].alignment.horizontal == "right"
    stores = workbook.worksheets[1]
    assert stores.title == _translated(app, "ur", "Stores")
    assert stores["A1"].value == _translated(app, "ur", "Rank") != "Rank"
    assert stores["G2"].value == pytest.approx(400 / 7)  # numbers stay numbers


def test_the_pages_downloads_take_the_language_too(app, client, history, auth):
    _translate_checklist(client, history)
    auth.sign_in("o@test.example")
    response = client.get(f"/reports/comparison.xlsx?{QUERY}&language=th")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert [c.value for c in workbook["สาขา"][1]] == THAI_STORE_HEADER
    response = client.get(f"/reports/comparison.csv?{QUERY}&language=tr")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Sıra", "Mağaza kodu", "Mağaza"]
    assert rows[1][6] == "57,1"
    assert client.get(f"/reports/comparison.pdf?{QUERY}&language=th").status_code == 200
    # The page itself stays in the reader's language.
    assert "Welcome" in client.get(f"/reports/comparison?{QUERY}").get_data(as_text=True)


@pytest.mark.parametrize(
    "extra, field",
    [("language=xx", "language"), ("dialect=semicolon", "dialect")],
)
def test_an_unknown_language_or_dialect_is_a_clear_422(client, history, auth, extra, field):
    for kind in ("csv", "xlsx"):
        response = client.get(
            f"/api/v1/comparison.{kind}?{QUERY}&{extra}", headers=history["owner"]
        )
        assert response.status_code == 422
        assert field in response.json["error"]["fields"]
    auth.sign_in("o@test.example")
    page = client.get(f"/reports/comparison.csv?{QUERY}&{extra}")
    assert page.status_code == 422


def test_a_store_named_like_a_formula_stays_text(app, client, history):
    with app.app_context():
        db.session.execute(db.select(Store).where(Store.code == "E")).scalar_one().name = "-2+3"
        db.session.commit()
    sheet = _workbook(client, history["owner"])["Stores"]
    assert sheet["C3"].value == "'-2+3" and sheet["C3"].data_type == "s"
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    f"/api/v1/comparison.csv?{QUERY}&language=tr", headers=history["owner"]
                ).data.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    assert rows[2][2] == "'-2+3"
