"""Playwright driving Debian's Chromium (``playwright install`` cannot download here)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.conftest import unavailable

CHROMIUM = os.environ.get("SHOPPER_TEST_CHROMIUM", "/usr/bin/chromium")
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
}
LAPTOP = {"viewport": {"width": 1366, "height": 820}}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test."""
    for item in items:
        if "/tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the session."""
    if not os.path.exists(CHROMIUM):
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser) -> Iterator[object]:
    """A fresh phone-sized, touch browser context."""
    context = browser.new_context(**PHONE)
    yield context
    context.close()


@pytest.fixture
def laptop(browser) -> Iterator[object]:
    """A fresh laptop-sized browser context."""
    context = browser.new_context(**LAPTOP)
    yield context
    context.close()
