"""The phone page keeps to the server's limits before anything is sent."""

# The fixtures world and tab come from the phone tests, so are imported and then named.
# ruff: noqa: F811

from __future__ import annotations

from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from shopper.domain.answers import MAX_PHOTOS_PER_QUESTION
from shopper.extensions import db
from shopper.models import Photo
from tests.browser.test_field_visit import World, open_visit, sign_in, tab, world  # noqa: F401
from tests.factories import jpeg


def test_the_eleventh_photo_of_a_question_is_refused_on_the_phone(
    app: Flask,
    world: World,
    tab: Page,
    tmp_path: Path,
) -> None:
    page = tab
    sign_in(page, world.base)
    open_visit(page, world)
    for number in range(MAX_PHOTOS_PER_QUESTION + 1):
        photo = tmp_path / f"receipt-{number}.jpg"
        photo.write_bytes(jpeg(300 + number, 400))
        page.set_input_files('[name="a-receipt-photo"]', str(photo))
    expect(page.locator("#a-receipt-photos li.error")).to_have_text(
        "A question takes at most 10 photos; remove one to add another."
    )
    expect(page.locator("#a-receipt-photos img")).to_have_count(MAX_PHOTOS_PER_QUESTION)
    expect(page.locator("#a-receipt-photos .pending")).to_have_count(0, timeout=30_000)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Photo)) == 10
