"""Coordinators keep the list of stores: by hand, by CSV file, over the API. Owners read it."""

from __future__ import annotations

import html
import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from shopper.extensions import db
from shopper.models import Store
from shopper.services.csv_files import escape_cell, unescape_cell
from shopper.services.demo import DEMO_DATA
from tests.conftest import FIXTURES
from tests.support.web import csrf_token, make_user

STORES_CSV = FIXTURES / "stores.csv"
HEADER = "code,name,region,city,address,competitor\n"
_ROW_ERROR = re.compile(
    r"<tr>\s*<td>(\d+)</td>\s*<td>(?:<code>([^<]*)</code>|–)</td>\s*<td dir=\"auto\">([^<]*)</td>",
)
_META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def _upload(client, content: bytes, path: str = "/stores/import", name: str = "stores.csv"):
    """Choose a file and press Import. The body is built in memory: the test client would
    spool a large one to a temporary file it never closes."""
    page = client.get(path)
    boundary, body = encode_multipart(
        {"csrf_token": csrf_token(page), "file": FileStorage(io.BytesIO(content), name)}
    )
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _row_errors(response) -> list[tuple[int, str, str]]:
    """The (line, column, problem) rows of a refused import, as the page lists them."""
    return [
        (int(line), column or "", html.unescape(message))
        for line, column, message in _ROW_ERROR.findall(response.get_data(as_text=True))
    ]


def _flash(response) -> str:
    found = re.findall(r'<p class="flash [^"]*"[^>]*>([^<]*)</p>', response.get_data(as_text=True))
    return html.unescape(" ".join(found))


def _stores(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(db.select(Store).order_by(Store.code)).scalars()
        return [(s.code, s.name, s.region, s.city, s.address, s.competitor, s.active) for s in rows]


def _any_csrf(client, path: str = "/stores") -> str:
    """The page's CSRF token from its meta tag (pages without forms have one too)."""
    return _META_CSRF.search(client.get(path).get_data(as_text=True)).group(1)


# The fixture file ----------------------------------------------------------


def test_the_fixture_imports_exports_byte_for_byte_and_reimports_unchanged(app, client, auth):
    auth.sign_in_as("coordinator")
    imported = _upload(client, STORES_CSV.read_bytes())
    assert imported.status_code == 302
    assert imported.location == "/stores"
    listing = client.get("/stores")
    assert _flash(listing) == "Stores imported: 8 added, 0 changed, 0 unchanged."
    page = listing.get_data(as_text=True)
    for name in ("Kadıköy Şubesi", "Södermalm", "Göteborg Centrum", "สาขาสยาม", "لاہور مال روڈ"):
        assert name in page

    exported = client.get("/stores/export.csv")
    assert exported.status_code == 200
    assert exported.mimetype == "text/csv"
    assert exported.headers["Content-Disposition"] == 'attachment; filename="stores.csv"'
    assert exported.get_data() == STORES_CSV.read_bytes()

    again = _upload(client, exported.get_data())
    assert again.status_code == 302
    assert _flash(client.get("/stores")) == "Stores imported: 0 added, 0 changed, 8 unchanged."
    assert client.get("/stores/export.csv").get_data() == STORES_CSV.read_bytes()
    assert _stores(app)[0] == (
        "ANK-01",
        "Kızılay Şubesi",
        "İç Anadolu",
        "Ankara",
        "Atatürk Blv. 101",
        False,
        True,
    )
    assert [row for row in _stores(app) if row[5]] == [
        ("CMP-01", "Rakip Mağaza Kadıköy", "Marmara", "İstanbul", "Bahariye Cd. 3", True, True)
    ]


def test_a_bom_and_windows_line_ends_are_accepted(app, client, auth):
    auth.sign_in_as("coordinator")
    content = "\ufeff".encode() + STORES_CSV.read_bytes().replace(b"\n", b"\r\n")
    assert _upload(client, content).status_code == 302
    assert client.get("/stores/export.csv").get_data() == STORES_CSV.read_bytes()


def test_columns_in_any_order_and_optional_ones_left_out(app, client, auth):
    auth.sign_in_as("coordinator")
    _upload(client, STORES_CSV.read_bytes())
    # Only three columns, shuffled: the others keep their values; a new store gets defaults.
    changed = "name,competitor,code\nKadıköy Merkez,no,IST-01\nYeni Şube,,IST-09\n"
    assert _upload(client, changed.encode()).status_code == 302
    assert _flash(client.get("/stores")) == "Stores imported: 1 added, 1 changed, 0 unchanged."
    rows = {row[0]: row for row in _stores(app)}
    assert rows["IST-01"] == (
        "IST-01",
        "Kadıköy Merkez",
        "Marmara",
        "İstanbul",
        "Moda Cd. 12, Kadıköy",
        False,
        True,
    )
    assert rows["IST-09"] == ("IST-09", "Yeni Şube", "", "", "", False, True)
    # Header names may differ in case and carry spaces.
    assert _upload(client, b" Code , NAME\nIST-09,Yeni Sube\n").status_code == 302
    assert {row[0]: row for row in _stores(app)}["IST-09"][1] == "Yeni Sube"


def test_a_bad_file_is_refused_whole_with_every_problem_by_line_and_column(app, client, auth):
    auth.sign_in_as("coordinator")
    content = (
        "name,code,competitor,address\n"
        "Kadıköy Şubesi,IST-01,maybe,\n"
        "Nameless,,no,\n"
        'Two lines,IST-02,,"Moda Cd.\n12"\n'
        "Again,IST-01,no,\n"
        ",BAD CODE,yes,\n"
        f"{'x' * 201},IST-03,no,\n"
        "Fine,IST-04,YES,\n"
    ).encode()
    response = _upload(client, content)
    assert response.status_code == 422
    assert _row_errors(response) == [
        (2, "competitor", "competitor must be yes or no."),
        (3, "code", "A store code is required."),
        (6, "code", "The code IST-01 is on line 2 already."),
        # Within a line, in the order of the file's columns.
        (7, "name", "A store name is required."),
        (
            7,
            "code",
            "A store code is 1 to 64 letters A–Z, digits, “-”, “_” or “.”, "
            "starting with a letter or digit, e.g. IST-01.",
        ),
        (8, "name", "name is longer than 200 characters."),
    ]
    assert "Nothing was imported." in response.get_data(as_text=True)
    assert _stores(app) == []


@pytest.mark.parametrize(
    "content, expected",
    [
        (
            b"",
            [
                (
                    1,
                    "",
                    "The file is empty; its first line must name the columns: "
                    "code,name,region,city,address,competitor.",
                )
            ],
        ),
        (
            b"code,name,colour,password\nA,B,red,secret\n",
            [
                (
                    1,
                    "colour",
                    "Unknown column colour (column 3); the columns are "
                    "code, name, region, city, address, competitor.",
                ),
                (
                    1,
                    "password",
                    "Unknown column password (column 4); the columns are "
                    "code, name, region, city, address, competitor.",
                ),
            ],
        ),
        (
            b"code,name,50%off\nA,B,x\n",
            [
                (
                    1,
                    "50%off",
                    "Unknown column 50%off (column 3); the columns are "
                    "code, name, region, city, address, competitor.",
                )
            ],
        ),
        (b"name,region\nA,B\n", [(1, "code", "The column code is missing.")]),
        (b"code,name,code\nA,B,C\n", [(1, "code", "The column code appears twice.")]),
        (
            b"code;name;region\nA;B;C\n",
            [(1, "", "The columns are separated by semicolons; save the file with commas.")],
        ),
        (b"code,name\n", [(2, "", "The file has a header but no rows under it.")]),
        (
            "code,name\nIST-01,Kadıköy\n".encode("iso-8859-9"),
            [
                (
                    2,
                    "",
                    "The file is not UTF-8 text. Save it as “CSV UTF-8” (comma-separated) "
                    "and import it again.",
                )
            ],
        ),
        (
            b'code,name\nA,"unclosed\n',
            [(2, "", "This line cannot be read as CSV (unexpected end of data).")],
        ),
        (
            b"code,name\nA,B,surplus\n",
            [(2, "", "Cell 3 has a value but its column has no name in the header.")],
        ),
    ],
    ids=[
        "empty",
        "unknown columns",
        "a percent sign",
        "missing column",
        "repeated column",
        "semicolons",
        "no rows",
        "not utf-8",
        "broken quoting",
        "surplus cell",
    ],
)
def test_files_that_cannot_be_read_say_why(app, client, auth, content, expected):
    auth.sign_in_as("coordinator")
    response = _upload(client, content)
    assert response.status_code == 422
    assert _row_errors(response) == expected
    assert _stores(app) == []


def test_a_file_over_5_mb_is_refused(app, client, auth):
    auth.sign_in_as("coordinator")
    row = "X-{:07d},A store with a long enough name to fill the file,Region,City,Street 1,no\n"
    content = (HEADER + "".join(row.format(n) for n in range(80_000))).encode()
    assert len(content) > 5 * 1024 * 1024
    response = _upload(client, content)
    assert response.status_code == 422
    assert _row_errors(response) == [
        (1, "", "The file is larger than 5 MB; split it and import the parts.")
    ]
    assert _stores(app) == []


def test_trailing_empty_cells_and_blank_lines_are_ignored(app, client, auth):
    auth.sign_in_as("coordinator")
    content = b"code,name,,\n\nA-1,One,,\n,,,\nA-2,Two\n"
    assert _upload(client, content).status_code == 302
    assert [row[:2] for row in _stores(app)] == [("A-1", "One"), ("A-2", "Two")]


def test_letter_case_twins_of_a_code_are_refused(app, client, auth):
    auth.sign_in_as("coordinator")
    _upload(client, STORES_CSV.read_bytes())
    response = _upload(client, b"code,name\nist-01,Lower\n")
    assert _row_errors(response) == [
        (2, "code", "The code ist-01 differs from the existing IST-01 only in letter case.")
    ]


# Formulas ------------------------------------------------------------------


def test_formula_like_text_is_escaped_in_the_export_and_comes_back_unchanged(app, client, auth):
    auth.sign_in_as("coordinator")
    content = (
        HEADER
        + 'F-1,"=HYPERLINK(""http://x"")",+90 Region,-City,@home,no\n'
        + "F-2,O'Brien,'t Hooft,'=kept,'',no\n"
    )
    assert _upload(client, content.encode()).status_code == 302
    assert [row[1:5] for row in _stores(app)] == [
        ('=HYPERLINK("http://x")', "+90 Region", "-City", "@home"),
        ("O'Brien", "'t Hooft", "=kept", "'"),
    ]
    exported = client.get("/stores/export.csv").get_data(as_text=True)
    assert exported == (
        HEADER
        + 'F-1,"\'=HYPERLINK(""http://x"")",\'+90 Region,\'-City,\'@home,no\n'
        + "F-2,O'Brien,'t Hooft,'=kept,',no\n"
    )
    assert _upload(client, exported.encode()).status_code == 302
    assert _flash(client.get("/stores")) == "Stores imported: 0 added, 0 changed, 2 unchanged."


@given(st.text())
def test_escaping_a_cell_is_undone_exactly_and_never_starts_a_formula(text):
    escaped = escape_cell(text)
    assert unescape_cell(escaped) == text
    assert escaped[:1] not in ("=", "+", "-", "@")


# Pages ---------------------------------------------------------------------


def _new_store(client, **fields):
    page = client.get("/stores/new")
    data = {"csrf_token": csrf_token(page), "code": "", "name": "", **fields}
    return client.post("/stores/new", data=data)


def test_coordinator_adds_edits_deactivates_and_reactivates_a_store(app, client, auth):
    auth.sign_in_as("coordinator")
    added = _new_store(
        client,
        code="STO-02",
        name="  Vasastan ",
        region="Sverige",
        city="Stockholm",
        address="Odengatan 1",
        competitor="y",
    )
    assert added.status_code == 302
    assert _flash(client.get("/stores")) == "Store STO-02 is added."
    assert _stores(app) == [
        ("STO-02", "Vasastan", "Sverige", "Stockholm", "Odengatan 1", True, True)
    ]

    again = _new_store(client, code="STO-02", name="Other")
    assert again.status_code == 409
    assert "A store with the code STO-02 exists already." in again.get_data(as_text=True)
    bad = _new_store(client, code="STO 03", name="Space")
    assert bad.status_code == 422
    assert "A store code is 1 to 64 letters" in bad.get_data(as_text=True)
    missing = _new_store(client, code="STO-03")
    assert missing.status_code == 400
    assert _stores(app)[0][0] == "STO-02" and len(_stores(app)) == 1

    form = client.get("/stores/STO-02/edit")
    assert form.status_code == 200
    assert 'value="Vasastan"' in form.get_data(as_text=True)
    edited = client.post(
        "/stores/STO-02/edit",
        data={
            "csrf_token": csrf_token(form),
            "code": "CHANGED",
            "name": "Vasastan",
            "region": "Sverige",
            "city": "Stockholm",
            "address": "Odengatan 2",
        },
    )
    assert edited.status_code == 302
    # The code never changes; competitor unticked means own store.
    assert _stores(app) == [
        ("STO-02", "Vasastan", "Sverige", "Stockholm", "Odengatan 2", False, True)
    ]

    page = client.get("/stores/STO-02/edit")
    client.post("/stores/STO-02/deactivate", data={"csrf_token": csrf_token(page)})
    assert _stores(app)[0][6] is False
    assert "<code>STO-02</code>" not in client.get("/stores").get_data(as_text=True)
    assert "<code>STO-02</code>" in client.get("/stores?active=no").get_data(as_text=True)
    # A deactivated store stays deactivated when a file names it again.
    _upload(client, b"code,name\nSTO-02,Vasastan\n")
    assert _stores(app)[0][6] is False
    page = client.get("/stores/STO-02/edit")
    assert "Activate store" in page.get_data(as_text=True)
    client.post("/stores/STO-02/activate", data={"csrf_token": csrf_token(page)})
    assert _stores(app)[0][6] is True
    assert client.get("/stores/NOPE/edit").status_code == 404


def test_the_list_filters_by_search_region_kind_and_state(app, client, auth):
    auth.sign_in_as("coordinator")
    _upload(client, STORES_CSV.read_bytes())

    def codes(query: str) -> list[str]:
        page = client.get("/stores" + query).get_data(as_text=True)
        return re.findall(r"<td><code>([^<]+)</code></td>", page)

    assert codes("") == [
        "ANK-01",
        "BKK-01",
        "CMP-01",
        "GBG-01",
        "IST-01",
        "IST-02",
        "LHE-01",
        "STO-01",
    ]
    assert codes("?region=Sverige") == ["GBG-01", "STO-01"]
    assert codes("?competitor=yes") == ["CMP-01"]
    assert codes("?region=Marmara&competitor=no") == ["IST-01", "IST-02"]
    assert codes("?q=kadıköy") == ["CMP-01", "IST-01"]
    assert codes("?q=ถนน") == ["BKK-01"]
    assert codes("?q=%25") == []
    page = client.get("/stores?region=Sverige").get_data(as_text=True)
    assert '<option selected value="Sverige">Sverige</option>' in page
    # The export follows the filters.
    exported = client.get("/stores/export.csv?region=Sverige").get_data(as_text=True)
    assert [line.split(",")[0] for line in exported.splitlines()] == ["code", "STO-01", "GBG-01"]
    assert "No stores match these filters." in client.get("/stores?q=nothing").get_data(
        as_text=True
    )


def test_the_store_list_runs_the_same_queries_for_2_or_20_stores(client, auth, count_queries):
    auth.sign_in_as("coordinator")
    _upload(client, (HEADER + "A-1,One,R1,,,no\nA-2,Two,R2,,,yes\n").encode())
    with count_queries() as few:
        assert client.get("/stores?active=all").status_code == 200
    rows = "".join(f"B-{n},Store {n},R{n % 4},,,no\n" for n in range(18))
    _upload(client, (HEADER + rows).encode())
    with count_queries() as many:
        page = client.get("/stores?active=all")
    assert page.get_data(as_text=True).count("<td><code>") == 20
    assert len(many) == len(few)


def test_the_import_page_explains_the_format(client, auth):
    auth.sign_in_as("coordinator")
    page = client.get("/stores/import").get_data(as_text=True)
    assert "code,name,region,city,address,competitor" in page
    assert 'enctype="multipart/form-data"' in page


# Who may do what -----------------------------------------------------------

MUTATING_PAGES = [
    "/stores/new",
    "/stores/import",
    "/stores/IST-01/edit",
    "/stores/IST-01/deactivate",
    "/stores/IST-01/activate",
]


def test_owner_reads_and_exports_but_changes_nothing(app, client, auth):
    make_user(app, "coordinator", "c@test.example")
    auth.sign_in("c@test.example")
    _upload(client, STORES_CSV.read_bytes())
    auth.sign_out()
    before = _stores(app)

    auth.sign_in_as("owner")
    page = client.get("/stores")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Kadıköy Şubesi" in text and "Export CSV" in text
    assert "New store" not in text and "Import a file" not in text and "/edit" not in text
    assert '<a href="/stores" aria-current="page">Stores</a>' in text
    assert client.get("/stores/export.csv").get_data() == STORES_CSV.read_bytes()
    token = _any_csrf(client)
    for path in MUTATING_PAGES:
        if path.endswith(("/deactivate", "/activate")):
            assert client.get(path).status_code == 405, path
        else:
            assert client.get(path).status_code == 403, path
        response = client.post(
            path,
            data={"csrf_token": token, "code": "X-1", "name": "X", "file": (io.BytesIO(b""), "x")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 403, path

    headers = auth.api_token("owner@test.example")
    assert client.get("/api/v1/stores", headers=headers).json["total"] == 8
    assert client.get("/api/v1/stores/IST-01", headers=headers).status_code == 200
    created = client.post("/api/v1/stores", json={"code": "X-1", "name": "X"}, headers=headers)
    assert created.status_code == 403
    assert created.json["error"]["code"] == "forbidden"
    changed = client.put("/api/v1/stores/IST-01", json={"name": "X"}, headers=headers)
    assert changed.status_code == 403
    assert _stores(app) == before


def test_shoppers_reach_no_store_page_or_endpoint(app, client, auth):
    auth.sign_in_as("shopper")
    for path in ["/stores", "/stores/export.csv", "/stores/new", "/stores/import"]:
        assert client.get(path).status_code == 403, path
    token = _any_csrf(client, "/account")
    for path in MUTATING_PAGES:
        response = client.post(path, data={"csrf_token": token, "code": "X-1", "name": "X"})
        assert response.status_code == 403, path
    headers = auth.api_token("shopper@test.example")
    assert client.get("/api/v1/stores", headers=headers).status_code == 403
    assert client.get("/api/v1/stores/IST-01", headers=headers).status_code == 403
    assert client.post("/api/v1/stores", json={}, headers=headers).status_code == 403
    assert client.put("/api/v1/stores/IST-01", json={}, headers=headers).status_code == 403
    html_page = client.get("/shopper").get_data(as_text=True)
    assert 'href="/stores"' not in html_page


def test_the_menu_offers_stores_to_coordinators_and_owners(app, client, auth):
    auth.sign_in_as("coordinator")
    home = client.get("/coordinator").get_data(as_text=True)
    assert '<a href="/stores" >Stores</a>' in home
    assert '<a href="/people" >People</a>' in home


# The API -------------------------------------------------------------------

KADIKOY = {
    "code": "IST-01",
    "name": "Kadıköy Şubesi",
    "region": "Marmara",
    "city": "İstanbul",
    "address": "Moda Cd. 12, Kadıköy",
    "competitor": False,
}


def _coordinator_api(app, auth) -> dict[str, str]:
    make_user(app, "coordinator", "c@test.example")
    return auth.api_token("c@test.example")


def test_api_creates_lists_and_updates_stores(app, client, auth):
    headers = _coordinator_api(app, auth)
    created = client.post("/api/v1/stores", json=KADIKOY, headers=headers)
    assert created.status_code == 201
    assert created.json == {**KADIKOY, "active": True}
    competitor = {"code": "CMP-01", "name": "Rakip", "region": "Marmara", "competitor": True}
    assert client.post("/api/v1/stores", json=competitor, headers=headers).status_code == 201
    client.post("/api/v1/stores", json={"code": "STO-01", "name": "Södermalm"}, headers=headers)

    listing = client.get("/api/v1/stores?per_page=2", headers=headers).json
    assert listing["total"] == 3 and listing["page"] == 1 and listing["per_page"] == 2
    assert [item["code"] for item in listing["items"]] == ["CMP-01", "IST-01"]
    assert listing["items"][0] == {
        "code": "CMP-01",
        "name": "Rakip",
        "region": "Marmara",
        "city": "",
        "address": "",
        "competitor": True,
        "active": True,
    }

    def codes(query: str) -> list[str]:
        answer = client.get("/api/v1/stores" + query, headers=headers)
        assert answer.status_code == 200, answer.json
        return [item["code"] for item in answer.json["items"]]

    assert codes("?region=Marmara&competitor=no") == ["IST-01"]
    assert codes("?competitor=yes") == ["CMP-01"]
    assert codes("?q=söder") == ["STO-01"]

    updated = client.put(
        "/api/v1/stores/STO-01",
        json={"region": "Sverige", "competitor": False, "active": False},
        headers=headers,
    )
    assert updated.status_code == 200
    assert updated.json == {
        "code": "STO-01",
        "name": "Södermalm",
        "region": "Sverige",
        "city": "",
        "address": "",
        "competitor": False,
        "active": False,
    }
    assert codes("?active=yes") == ["CMP-01", "IST-01"]
    assert codes("?active=no") == ["STO-01"]
    assert codes("?active=all") == ["CMP-01", "IST-01", "STO-01"]
    # As on the stores page: without an active filter, the active stores.
    assert codes("") == ["CMP-01", "IST-01"]
    assert client.get("/api/v1/stores/STO-01", headers=headers).json == updated.json


def test_api_an_existing_code_is_a_409(app, client, auth):
    headers = _coordinator_api(app, auth)
    client.post("/api/v1/stores", json=KADIKOY, headers=headers)
    again = client.post("/api/v1/stores", json={**KADIKOY, "name": "Other"}, headers=headers)
    assert again.status_code == 409
    assert again.json["error"]["code"] == "conflict"
    assert again.json["error"]["message"] == "A store with the code IST-01 exists already."
    assert set(again.json["error"]["fields"]) == {"code"}
    twin = client.post("/api/v1/stores", json={**KADIKOY, "code": "ist-01"}, headers=headers)
    assert twin.status_code == 409
    assert client.get("/api/v1/stores/IST-01", headers=headers).json["name"] == "Kadıköy Şubesi"


@pytest.mark.parametrize(
    "body, fields",
    [
        ({**KADIKOY, "competitor": "maybe"}, {"competitor": "competitor must be yes or no."}),
        ({**KADIKOY, "name": 5}, {"name": "name must be text."}),
        ({**KADIKOY, "name": "   "}, {"name": "A store name is required."}),
        ({**KADIKOY, "code": ["IST-01"]}, {"code": None}),
        ({**KADIKOY, "code": "IST 01"}, {"code": None}),
        ({"name": "No code"}, {"code": "A store code is required."}),
        ({**KADIKOY, "city": "x" * 101}, {"city": "city is longer than 100 characters."}),
        ({**KADIKOY, "city": "Nul\u0000byte"}, {"city": "city contains control characters."}),
        ({**KADIKOY, "active": "yes"}, {"active": "active must be true or false."}),
        ({**KADIKOY, "colour": "red"}, {"colour": "colour is not a field of a store."}),
        (
            {"code": 1, "name": None, "region": {}, "competitor": 2},
            {"code": None, "name": None, "region": None, "competitor": None},
        ),
    ],
    ids=[
        "competitor maybe",
        "name a number",
        "blank name",
        "code a list",
        "code with space",
        "no code",
        "city too long",
        "nul byte",
        "active a string",
        "unknown field",
        "all wrong",
    ],
)
def test_api_bad_fields_are_named_and_nothing_is_made(app, client, auth, body, fields):
    headers = _coordinator_api(app, auth)
    response = client.post("/api/v1/stores", json=body, headers=headers)
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == set(fields)
    for field, message in fields.items():
        if message is not None:
            assert error["fields"][field] == message
    if len(fields) == 1:
        assert error["message"] == next(iter(error["fields"].values()))
    assert client.get("/api/v1/stores", headers=headers).json["total"] == 0


@pytest.mark.parametrize("body", [[], "IST-01", 5, None])
def test_api_a_body_that_is_not_an_object_is_refused(app, client, auth, body):
    headers = _coordinator_api(app, auth)
    response = client.post("/api/v1/stores", json=body, headers=headers)
    assert response.status_code in (400, 422)
    assert response.json["error"]["code"] in ("bad_request", "invalid")


def test_api_malformed_json_is_a_400(app, client, auth):
    headers = _coordinator_api(app, auth)
    response = client.post(
        "/api/v1/stores",
        data="{nope",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json["error"]["message"] == "The body is not valid JSON."


def test_api_update_keeps_the_code_and_refuses_bad_fields(app, client, auth):
    headers = _coordinator_api(app, auth)
    client.post("/api/v1/stores", json=KADIKOY, headers=headers)
    renamed = client.put("/api/v1/stores/IST-01", json={"code": "IST-99"}, headers=headers)
    assert renamed.status_code == 422
    assert (
        renamed.json["error"]["message"] == "The code of a store cannot change (it stays IST-01)."
    )
    assert set(renamed.json["error"]["fields"]) == {"code"}
    same_code = client.put(
        "/api/v1/stores/IST-01", json={"code": "IST-01", "city": "Istanbul"}, headers=headers
    )
    assert same_code.status_code == 200 and same_code.json["city"] == "Istanbul"
    bad = client.put(
        "/api/v1/stores/IST-01", json={"competitor": "maybe", "name": 5}, headers=headers
    )
    assert bad.status_code == 422
    assert bad.json["error"]["message"] == "The store has 2 problems; each is named at its field."
    assert set(bad.json["error"]["fields"]) == {"competitor", "name"}
    missing = client.put("/api/v1/stores/NOPE", json={"name": "x"}, headers=headers)
    assert missing.status_code == 404
    assert missing.json["error"]["message"] == "There is no store with the code NOPE."
    assert client.get("/api/v1/stores/IST-01", headers=headers).json == {
        **KADIKOY,
        "city": "Istanbul",
        "active": True,
    }


@pytest.mark.parametrize(
    "query, field",
    [
        ("competitor=maybe", "competitor"),
        ("active=perhaps", "active"),
        ("per_page=500", "per_page"),
    ],
)
def test_api_bad_filters_are_a_400_naming_them(app, client, auth, query, field):
    headers = _coordinator_api(app, auth)
    response = client.get("/api/v1/stores?" + query, headers=headers)
    assert response.status_code == 400
    assert set(response.json["error"]["fields"]) == {field}


def test_demo_load_brings_the_stores_once(app, runner, client, auth):
    runner.invoke(args=["demo", "load"])
    runner.invoke(args=["demo", "load"])
    headers = _coordinator_api(app, auth)
    listing = client.get("/api/v1/stores", headers=headers).json
    assert listing["total"] == 10
    auth.sign_in("c@test.example")
    assert client.get("/stores/export.csv").get_data() == (DEMO_DATA / "stores.csv").read_bytes()
