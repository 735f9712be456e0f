"""Every user-facing string is translatable; each person reads their own language."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment

from tests.support.web import csrf_token, make_user

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Attributes people read (or hear, through a screen reader).
READ_ATTRIBUTES = re.compile(r'\b(?:placeholder|title|alt|aria-label)="([^"{]*[A-Za-z][^"{]*)"')


def _untranslated(source: str) -> list[str]:
    """Literal text outside ``{{ _() }}`` and other expressions, in content or read attributes."""
    pieces = []
    for _, token, value in Environment(extensions=["jinja2.ext.i18n"]).lex(source):
        # An expression or tag becomes a neutral mark, so tags split by it still close.
        pieces.append(value if token == "data" else "\u00a7")
    document = re.sub(r"\u00a7+", "\u00a7", "".join(pieces))
    document = re.sub(r"<(script|style)\b.*?</\1>", " ", document, flags=re.S)
    found = READ_ATTRIBUTES.findall(document)
    text = re.sub(r"<[^>]*>", " ", document)
    text = re.sub(r"&\w+;|&#\d+;", " ", text)
    found.extend(
        chunk.strip() for chunk in text.split("\u00a7") if re.search(r"[A-Za-z]{2,}", chunk)
    )
    return found


def test_templates_have_no_untranslated_text() -> None:
    problems = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        found = _untranslated(path.read_text(encoding="utf-8"))
        if found:
            problems[str(path.relative_to(TEMPLATES))] = found
    assert problems == {}


def test_the_check_itself_finds_literal_text() -> None:
    assert _untranslated("<p>Hello there</p>") == ["Hello there"]
    assert _untranslated('<input placeholder="Your name">') == ["Your name"]
    assert _untranslated("<p>{{ _('Hello there') }}</p>") == []


def test_urdu_pages_are_right_to_left(app, client, auth) -> None:
    make_user(app, "shopper", "u@test.example", language="ur")
    auth.sign_in("u@test.example")
    html = client.get("/shopper").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in html


def test_signed_out_pages_follow_the_browser_language(client) -> None:
    html = client.get("/sign-in", headers={"Accept-Language": "sv-SE,sv;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="sv" dir="ltr">' in html


def test_a_person_changes_their_language(app, client, auth) -> None:
    auth.sign_in_as("owner")
    page = client.get("/account")
    response = client.post(
        "/account/language", data={"csrf_token": csrf_token(page), "lang-language": "th"}
    )
    assert response.status_code == 302
    assert '<html lang="th"' in client.get("/account").get_data(as_text=True)
    page = client.get("/account")
    refused = client.post(
        "/account/language", data={"csrf_token": csrf_token(page), "lang-language": "xx"}
    )
    assert refused.status_code == 400
    # The refusal is in the language the person just chose.
    assert "ตัวเลือกไม่ถูกต้อง" in refused.get_data(as_text=True)
