"""No string a person sees is left unmarked for translation.

Every page each role can open is rendered in a pseudo-language: a catalogue made
here from the code's own strings, each wrapped in ⟦ ⟧. Whatever text of two or
more letters is then neither inside markers nor data the test made (names,
codes, checklist texts, emails, dates) reached the person without gettext.
The same holds for the phone scripts' strings and for the API's errors.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.dates import get_day_names, get_month_names, get_period_names
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from openpyxl import load_workbook
from sqlalchemy import select, update

from shopper.config import LANGUAGES
from shopper.extensions import db
from shopper.models import ApiToken, Role, User
from tests.factories import assign, make_store
from tests.functional.test_authorization_matrix import ACTORS, World, build_world, url_for_case
from tests.support.authorization import DRAFT_VERSION, EXPECTED, Outcome, Side, expected
from tests.support.catalogues import (
    CLOSE,
    OPEN,
    app_reading,
    extract_template,
    unmarked,
    write_pseudo_translations,
)
from tests.support.web import PASSWORD, csrf_token

# The pseudo-language takes the place of one interface language: its dates and
# plural rules are real, its every word of the interface ⟦marked⟧.
PSEUDO = "sv"
IDENTIFIER = re.compile(r"[a-z][a-z_]*")
WORD = re.compile(r"[^\W\d_]{2,}")
READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


@pytest.fixture(scope="module")
def pseudo_translations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pseudo")
    template = extract_template(folder / "messages.pot")
    return write_pseudo_translations(template, folder / "translations", PSEUDO)


@pytest.fixture
def pseudo_app(database_url: str, tmp_path: Path, pseudo_translations: Path) -> Iterator[Flask]:
    """The app reading its catalogues from the pseudo-language's folder only."""
    with app_reading(database_url, tmp_path / "instance", pseudo_translations) as app:
        yield app


def data_strings(app: Flask) -> list[str]:
    """Every text the test put in the database (and the JSON inside it), longest first."""
    found: set[str] = set()

    def walk(value: object, secrets: bool) -> None:
        # Not a lower-case identifier: those are the app's own (statuses, roles, JSON
        # keys), which a page must show through gettext, not as stored. Random
        # strings (a token's shown prefix, "shp_abcdef") are data whatever they look like.
        if isinstance(value, str) and (secrets or not IDENTIFIER.fullmatch(value)):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, secrets)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item, secrets)

    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                walk(list(row), table.name in ("api_tokens", "invitations"))
    found |= set(LANGUAGES.values())  # each language is named in its own words
    return sorted((text for text in found if WORD.search(text)), key=len, reverse=True)


def calendar_words(language: str) -> set[str]:
    """Month, weekday and day-period names: the dates of the pages, not interface words."""
    words: set[str] = set()
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated", "narrow"):
            for names in (
                get_month_names(width, context, language),
                get_day_names(width, context, language),
                get_period_names(width, context, language),
            ):
                for name in names.values():
                    words.update(WORD.findall(name))
    return words


class Checker:
    """Finds the unmarked words of a page, given what the test itself made."""

    def __init__(self, data: list[str]) -> None:
        self.data = data
        self.calendar = calendar_words(PSEUDO)

    def leftovers(self, text: str) -> list[str]:
        """The words of ``text`` outside ⟦markers⟧ and outside the test's data."""
        rest = unmarked(text)
        for item in self.data:
            if item in rest:
                rest = rest.replace(item, " ")
        lines = []
        for line in rest.splitlines():
            words = [word for word in WORD.findall(line) if word not in self.calendar]
            if words:
                lines.append(re.sub(r"\s+", " ", line).strip())
        return lines

    def page(self, body: str) -> list[str]:
        """Unmarked text, read attributes and script strings of one HTML page."""
        document = lxml_html.document_fromstring(body)
        found = []
        texts = document.xpath(
            "//text()[not(ancestor::script) and not(ancestor::style)]"
            "[not(parent::template and false())]"
        )
        found += self.leftovers("\n".join(str(text) for text in texts))
        for element in document.iter():
            if not isinstance(element.tag, str):
                continue
            names = list(READ_ATTRIBUTES)
            # A button's value is sent, not shown; an input button shows its value.
            if element.tag == "input" and element.get("type") in ("submit", "button", "reset"):
                names.append("value")
            names += [name for name in element.attrib if name.startswith("data-confirm")]
            for name in names:
                value = element.get(name)
                if value:
                    found += [f"[{name}] {line}" for line in self.leftovers(value)]
        for script in document.xpath('//script[@type="application/json"]'):
            if not (script.get("id") or "").endswith("-strings"):
                continue
            strings: list[str] = []
            _strings_of(json.loads(script.text or "{}"), strings)
            for text in strings:
                found += [f"[#{script.get('id')}] {line}" for line in self.leftovers(text)]
        return found


def _strings_of(value: object, into: list[str]) -> None:
    if isinstance(value, str):
        into.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings_of(item, into)
    elif isinstance(value, list):
        for item in value:
            _strings_of(item, into)


def signed_in(app: Flask, role: Role | None) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = f"{PSEUDO};q=1.0"
    if role is not None:
        page = client.get("/sign-in")
        response = client.post(
            "/sign-in",
            data={"csrf_token": csrf_token(page), "email": ACTORS[role], "password": PASSWORD},
        )
        assert response.status_code == 302, ACTORS[role]
    return client


def page_paths(world: World, role: Role | None) -> list[str]:
    """Every page (not the API, not static files) the role may open, on its own side."""
    paths = []
    for table, draft in ((EXPECTED, False), (DRAFT_VERSION, True)):
        for (method, path), rule in table.items():
            if method != "GET" or path.startswith(("/api/v1/", "/static/")):
                continue
            if expected(rule, role, Side.OWN) is not Outcome.ALLOWED:
                continue
            paths.append(url_for_case(path, world, role, Side.OWN, draft))
    return sorted(set(paths))


def pseudo_world(app: Flask) -> tuple[World, list[str]]:
    """The authorization matrix's world, everyone reading the pseudo-language, with more
    states to show: an overdue and an open assignment (its reports are approved); and the
    pages only those show (the phone report being filled, a comparison with scores)."""
    world = build_world(app)
    today = date.today()
    make_store(app, "LIST-C", "Zentra", name="Qorvex Mall")
    make_store(app, "LIST-D", "Zentra", name="Brindle Court")
    shopper = ACTORS[Role.SHOPPER]
    overdue = assign(app, shopper, "LIST-C", "list-a", today - timedelta(10), today - timedelta(1))
    open_id = assign(app, shopper, "LIST-D", "list-a", today, today + timedelta(5))
    with app.app_context():
        db.session.execute(update(User).values(language=PSEUDO))
        # Token names as people write them, not identifiers (which the check refuses as data).
        db.session.execute(update(ApiToken).values(name=ApiToken.name + " Token"))
        db.session.commit()
    period = f"first_day={today - timedelta(40)}&last_day={today}"
    extra = [
        f"/visits/{open_id}",
        f"/visits/{overdue}",
        f"/assignments/{overdue}",
        f"/reports/comparison?checklist=list-b&{period}",
        f"/reports/comparison?checklist=list-a&{period}",
        "/stores/LIST-B",
    ]
    return world, extra


def test_every_page_a_person_sees_is_marked_for_translation(pseudo_app: Flask) -> None:
    world, extra = pseudo_world(pseudo_app)
    checker = Checker(data_strings(pseudo_app))
    # /api/docs shows the OpenAPI document, a contract kept in English like the API's
    # names; the page around it (headings, labels) is the interface and is checked.
    contract: list[str] = []
    _strings_of(pseudo_app.test_client().get("/api/v1/openapi.json").get_json(), contract)
    docs_checker = Checker(sorted(set(checker.data) | set(contract), key=len, reverse=True))
    problems: dict[str, list[str]] = {}
    seen = 0
    for role in (None, *ACTORS):
        client = signed_in(pseudo_app, role)
        for path in page_paths(world, role) + (extra if role else []):
            response = client.get(path, follow_redirects=True)
            if response.status_code != 200 or response.mimetype != "text/html":
                response.close()
                continue
            seen += 1
            body = response.get_data(as_text=True)
            # A whole page is in the person's language (a fragment, the preview, is the checklist's).
            assert "<html" not in body or f'<html lang="{PSEUDO}"' in body, path
            found = (docs_checker if path == "/api/docs" else checker).page(body)
            if found:
                problems[f"{role or 'signed out'} {path}"] = sorted(set(found))
    print(f"{seen} pages read")
    assert seen >= 20, f"only {seen} pages rendered: the route table or the world changed"
    report = "\n".join(f"{page}:\n  " + "\n  ".join(lines) for page, lines in problems.items())
    assert not problems, f"unmarked text on {len(problems)} pages:\n{report}"


def test_form_errors_are_marked_wtforms_own_messages_too(pseudo_app: Flask) -> None:
    """A form sent empty or wrong shows its errors, WTForms' "This field is required." too."""
    pseudo_world(pseudo_app)
    checker = Checker(data_strings(pseudo_app))
    client = signed_in(pseudo_app, Role.COORDINATOR)
    forms = {
        "/people/new": {"email": "", "name": "", "role": "boss", "language": "xx"},
        "/stores/new": {"code": "", "name": "x" * 500},
        "/checklists/new": {},
        "/assignments/new": {"first_day": "soon"},
        "/account/password": {},
        "/account/language": {"lang-language": "xx"},
    }
    problems = {}
    errors_seen = 0
    for path, fields in forms.items():
        page = client.get(path if not path.startswith("/account/") else "/account")
        data = {f"{prefix}csrf_token": csrf_token(page) for prefix in ("", "lang-", "pw-")}
        response = client.post(path, data={**data, **fields})
        assert response.status_code in (200, 400, 422), (path, response.status_code)
        body = response.get_data(as_text=True)
        errors_seen += body.count(f"{OPEN}This field is required.{CLOSE}")
        errors_seen += body.count(f"{OPEN}Not a valid choice.{CLOSE}")
        found = checker.page(body)
        if found:
            problems[path] = found
    assert errors_seen >= 4, "the forms did not show WTForms' messages, marked"
    assert not problems, problems


def test_what_an_action_says_after_it_is_marked(pseudo_app: Flask) -> None:
    """Flashed messages and service errors, on the page an action leads to."""
    world, _ = pseudo_world(pseudo_app)
    checker = Checker(data_strings(pseudo_app))
    client = signed_in(pseudo_app, Role.COORDINATOR)
    own = world.sides[Side.OWN]
    actions = [
        (f"/review/{own.visit_id}", {"decision": "return", "note": ""}),  # a note is required
        (f"/review/{own.visit_id}", {"decision": "maybe"}),
        (f"/review/{own.visit_id}", {"decision": "approve"}),
        (f"/review/{own.visit_id}", {"decision": "approve"}),  # approved already
        ("/stores/LIST-C/deactivate", {}),
        (f"/people/{own.shopper_id}/invite", {}),
        ("/account/language", {"lang-language": PSEUDO}),
    ]
    problems = {}
    flashed = 0
    for path, fields in actions:
        token = csrf_token(client.get("/account"))
        data = {f"{prefix}csrf_token": token for prefix in ("", "lang-", "pw-")}
        response = client.post(path, data={**data, **fields}, follow_redirects=True)
        assert response.status_code in (200, 400, 409, 422), (path, response.status_code)
        body = response.get_data(as_text=True)
        flashed += 'class="flash flash-' in body
        found = checker.page(body)
        if found:
            problems[f"{path} {fields}"] = found
    assert flashed >= 4
    assert not problems, problems


def test_the_comparison_files_are_in_the_person_s_language(pseudo_app: Flask) -> None:
    pseudo_world(pseudo_app)
    checker = Checker(data_strings(pseudo_app))
    client = signed_in(pseudo_app, Role.OWNER)
    today = date.today()
    query = f"checklist=list-b&first_day={today - timedelta(40)}&last_day={today}"
    csv_file = client.get(f"/reports/comparison.csv?{query}")
    assert csv_file.status_code == 200
    text = csv_file.get_data(as_text=True)
    assert OPEN in text
    found = {"csv": checker.leftovers(text)}
    workbook = load_workbook(io.BytesIO(client.get(f"/reports/comparison.xlsx?{query}").data))
    cells = [
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    ]
    found["xlsx"] = [line for cell in cells for line in checker.leftovers(cell)]
    found["xlsx sheets"] = [
        line for name in workbook.sheetnames for line in checker.leftovers(name)
    ]
    # A question's code heads its column: it is the checklist's, not the interface's.
    codes = {"greeted"}
    found = {k: [line for line in v if set(WORD.findall(line)) - codes] for k, v in found.items()}
    assert found == {"csv": [], "xlsx": [], "xlsx sheets": []}


def test_api_errors_are_in_the_person_s_language(pseudo_app: Flask) -> None:
    world, _ = pseudo_world(pseudo_app)
    checker = Checker(data_strings(pseudo_app))
    bearer = {"Authorization": f"Bearer {world.bearer[ACTORS[Role.SHOPPER]]}"}
    client = pseudo_app.test_client()
    own = world.sides[Side.OWN]
    errors = {
        "not found": client.get("/api/v1/assignments/999999", headers=bearer),
        "bad body": client.put(
            f"/api/v1/assignments/{own.assignment_id}/visit",
            headers=bearer,
            json={"answers": "not a list"},
        ),
        "signed out": client.get("/api/v1/assignments", headers={"Accept-Language": PSEUDO}),
    }
    problems = {}
    for case, response in errors.items():
        assert response.status_code >= 400, case
        error = response.get_json()["error"]
        strings: list[str] = []
        _strings_of({"message": error["message"], "fields": error.get("fields") or {}}, strings)
        assert OPEN in error["message"] and CLOSE in error["message"], (case, error)
        found = [line for text in strings for line in checker.leftovers(text)]
        if found:
            problems[case] = found
    assert not problems, problems


def test_the_checker_finds_unmarked_words() -> None:
    checker = Checker(["Store IST-01", "Zeynep Kaya"])
    page = (
        "<html><body><h1>⟦Stores⟧</h1><p>Store IST-01 · Zeynep Kaya · 3 December 2026</p>"
        '<p>Waiting</p><button title="Send it">⟦Send⟧</button>'
        '<script type="application/json" id="x-strings">{"a": "⟦Saved⟧", "b": "Saved"}</script>'
        "</body></html>"
    )
    assert checker.page(page) == [
        "· · 3 December 2026",  # English month names are not Swedish dates
        "Waiting",
        "[title] Send it",
        "[#x-strings] Saved",
    ]
    assert checker.leftovers("⟦Hello ⟦Zeynep⟧⟧") == []
    assert checker.leftovers("3 december 2026 ⟦Sent⟧") == []
