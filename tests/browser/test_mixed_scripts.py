"""Names in another script sit where the table's own direction puts them: an Urdu
store or person in an English page starts at the left edge of its cell like the
Latin names above it (isolated with <bdi>, not turned into a right-to-left cell)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, expect

from tests.factories import make_store
from tests.support.web import PASSWORD, make_user

COORDINATOR = "coordinator@test.example"


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _offset_in_cell(page: Page, text: str) -> float:
    """How far a name starts from the left edge of its table cell, in pixels."""
    name = page.locator("td bdi", has_text=text).first
    expect(name).to_be_visible()
    cell = name.locator("xpath=ancestor::td[1]")
    return name.bounding_box()["x"] - cell.bounding_box()["x"]


def test_urdu_names_start_where_the_latin_ones_do(
    app: Flask, live_server: str, laptop, artifacts: Path
) -> None:
    base = live_server
    make_user(app, "coordinator", COORDINATOR)
    make_user(app, "shopper", "ali@test.example", name="علی رضا")
    make_user(app, "shopper", "ayse@test.example", name="Ayşe Yılmaz")
    make_store(app, "LHE-01", "پاکستان", name="لاہور مال روڈ", city="لاہور")
    make_store(app, "IST-01", "Marmara", name="Kadıköy Şubesi", city="İstanbul")
    page = laptop.new_page()
    _sign_in(page, base, COORDINATOR)

    page.goto(f"{base}/stores")
    latin, urdu = _offset_in_cell(page, "Kadıköy"), _offset_in_cell(page, "لاہور مال روڈ")
    assert abs(urdu - latin) < 2, (latin, urdu)
    page.screenshot(path=str(artifacts / "mixed-scripts-stores.png"), full_page=True)

    page.goto(f"{base}/people")
    latin, urdu = _offset_in_cell(page, "Ayşe"), _offset_in_cell(page, "علی رضا")
    assert abs(urdu - latin) < 2, (latin, urdu)
    page.screenshot(path=str(artifacts / "mixed-scripts-people.png"), full_page=True)
